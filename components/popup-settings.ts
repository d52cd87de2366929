/** Settings the popup's deep components read without threading them through every memoised row. */
import { createContext } from 'preact';
import { EXPORT_FORMATS, type ExportFormat } from '../lib/export-format-ids';

export interface PopupSettings {
  /** Copy formats, the ones the user wants first first. */
  formatOrder: readonly ExportFormat[];
}

export const PopupSettingsContext = createContext<PopupSettings>({ formatOrder: EXPORT_FORMATS.map((f) => f.id) });
