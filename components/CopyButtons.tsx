/**
 * Copy buttons: every export format of one role's credentials (all live sessions as one file: DeliveryPanel).
 * Secrets only ever go to the clipboard; nothing here renders or logs them.
 */
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { AwsCredentials } from '../lib/credentials';
import { EXPORT_FORMATS, type ExportFormat } from '../lib/export-format-ids';
import { formatExport } from '../lib/export-formats';
import { PopupSettingsContext } from './popup-settings';

/** Short visible labels; the accessible name always carries the full label. */
const SHORT_LABEL: Partial<Record<ExportFormat, string>> = {
  'env-no-export': 'sh',
  process: 'JSON',
};

/** A status line ("Copied …") that clears itself after a moment. */
export function useCopyStatus(): [string, (text: () => string, label: string) => Promise<void>] {
  const [status, setStatus] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async (text: () => string, label: string) => {
    clearTimeout(timer.current);
    try {
      await navigator.clipboard.writeText(text());
      setStatus(`Copied ${label}`);
    } catch {
      setStatus('Could not copy: the browser refused access to the clipboard.');
    }
    timer.current = setTimeout(() => setStatus(''), 2500);
  };
  return [status, copy];
}

interface CopyButtonsProps {
  /** "Admin (111111111111)": names the credentials in every button's accessible name. */
  subject: string;
  credentials: AwsCredentials;
  profileName: string;
  disabled: boolean;
}

export function CopyButtons({ subject, credentials, profileName, disabled }: CopyButtonsProps) {
  const [status, copy] = useCopyStatus();
  const { formatOrder } = useContext(PopupSettingsContext);
  // The user's order from the options (formats it does not name keep theirs, after it).
  const rank = (id: ExportFormat) => {
    const i = formatOrder.indexOf(id);
    return i === -1 ? formatOrder.length + EXPORT_FORMATS.findIndex((f) => f.id === id) : i;
  };
  const formats = [...EXPORT_FORMATS].sort((a, b) => rank(a.id) - rank(b.id));
  return (
    <div class="copy">
      <div class="copy-row" role="group" aria-label={`Copy ${subject} credentials`}>
        <span class="copy-label" aria-hidden="true">
          Copy
        </span>
        {formats.map((f, i) => (
          <button
            key={f.id}
            type="button"
            class={i === 0 ? 'btn copy-main' : 'btn btn-small'}
            data-testid={`copy-${f.id}`}
            aria-label={`Copy ${subject} credentials as ${f.label}`}
            title={f.description}
            disabled={disabled}
            onClick={() => void copy(() => formatExport(f.id, credentials, profileName), f.label)}
          >
            {SHORT_LABEL[f.id] ?? f.label}
          </button>
        ))}
      </div>
      <span class="copied" aria-live="polite">
        {status}
      </span>
    </div>
  );
}
