/** Settings to and from a JSON file: export downloads the user's own settings; import reports every bad field. */
import { useState } from 'preact/hooks';
import { downloadText } from '../download';
import { exportSettings, importSettings, MAX_IMPORT_BYTES, type Settings, type SettingsIssue } from '../../lib/settings';
import type { OptionsContext } from './context';
import { Section } from './fields';
import { IssueList } from './IssueList';

type Pending = { fileName: string; settings: Settings; issues: SettingsIssue[]; migratedFrom?: number };

export function ImportExportSection({ ctx }: { ctx: OptionsContext }) {
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState<Pending>();
  const [status, setStatus] = useState('');

  const apply = (p: Pending) => {
    ctx.save(() => p.settings, `the settings from ${p.fileName}`);
    setPending(undefined);
    setStatus(`Imported ${p.fileName}${p.issues.length ? ` (${p.issues.length} setting${p.issues.length === 1 ? '' : 's'} skipped)` : ''}.`);
  };

  const onFile = async (file: File | undefined) => {
    setError(undefined);
    setPending(undefined);
    setStatus('');
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) {
      setError(`${file.name} is larger than 1 MB; it is not a settings file from this extension.`);
      return;
    }
    const result = importSettings(await file.text(), ctx.local);
    if (!result.ok) {
      setError(`${file.name}: ${result.error}`);
      return;
    }
    const p: Pending = {
      fileName: file.name,
      settings: result.settings,
      issues: result.issues,
      ...(result.migratedFrom ? { migratedFrom: result.migratedFrom } : {}),
    };
    // A clean file is applied at once; one with problems waits for the user to look at them.
    if (result.issues.length === 0) apply(p);
    else setPending(p);
  };

  return (
    <Section
      id="import-export"
      title="Import and export"
      intro="A JSON file of your own settings (values set by your organisation are not included: they come from its policy wherever you are)."
    >
      <div class="row-actions">
        <button
          type="button"
          class="btn"
          data-testid="export-settings"
          onClick={() => downloadText(exportSettings(ctx.local), 'aws-saml-bridge-settings.json', 'application/json')}
        >
          Export settings…
        </button>
        <label class="btn file-button">
          Import settings…
          <input
            type="file"
            accept="application/json,.json"
            class="sr-only"
            data-testid="import-settings"
            onChange={(e) => {
              const input = e.currentTarget;
              void onFile(input.files?.[0]).finally(() => {
                // Choosing the same file again must fire change again.
                input.value = '';
              });
            }}
          />
        </label>
        <span class="muted small" role="status" data-testid="import-status">
          {status}
        </span>
      </div>
      {error && (
        <p class="banner error" role="alert" data-testid="import-error">
          {error}
        </p>
      )}
      {pending && (
        <div class="banner warn-box" role="alert" data-testid="import-issues">
          <p>
            {pending.fileName}
            {pending.migratedFrom ? ` (from settings version ${pending.migratedFrom})` : ''}:{' '}
            {pending.issues.length === 1 ? 'one setting' : `${pending.issues.length} settings`} cannot be imported. Import the rest, keeping your current values
            for these?
          </p>
          <IssueList issues={pending.issues} testId="import-issue" />
          <div class="row-actions">
            <button type="button" class="btn btn-primary" data-testid="import-apply" onClick={() => apply(pending)}>
              Import the rest
            </button>
            <button type="button" class="btn" data-testid="import-cancel" onClick={() => setPending(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </Section>
  );
}
