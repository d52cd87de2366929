/** What every section of the options page gets. */
import type { Settings } from '../../lib/settings';
import type { OptionsRole } from './options-model';

export interface OptionsContext {
  /** What applies: the user's settings with the organisation's on top (shown for locked fields). */
  settings: Settings;
  /** The user's own settings (what the fields edit). */
  local: Settings;
  /** Whether the organisation set the value at `path`. */
  isLocked: (path: string) => boolean;
  /** Account id → alias learnt from the AWS sign-in page. */
  learnt: Record<string, string>;
  /** Roles of the current sign-ins and roles the settings mention. */
  roles: OptionsRole[];
  /** Saves a change to the user's settings and says so (or why not) in the status line. */
  save: (change: (local: Settings) => Settings, what: string) => void;
}
