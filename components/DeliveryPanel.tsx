/**
 * Where live sessions go besides the clipboard: "Save to ~/.aws/credentials" through the native host, a download
 * of the same file, and one copy of it. The host's status is always shown; when it is missing, the helper this
 * extension ships is offered as a download with the exact command that installs it on this computer's OS.
 * Secrets only ever reach the host, the clipboard or the downloaded file; nothing here renders them.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { DeliveryOptions, HostStatus, OkOutcome, SaveProblem } from '../lib/delivery';
import { sendMessage } from '../lib/browser/messages';
import { useCopyStatus } from './CopyButtons';
import { downloadPackagedFile, downloadText } from './download';
import { useCredentialsFile } from './popup/use-credentials-file';
import { AgentStatusLine } from './popup/AgentStatusLine';
import { countOf } from './view-model';
import { errorText } from '../lib/error-text';
import { HELPER_FILE_NAME, HELPER_PACKAGE_PATH, helperOsOf, installHelperCommand } from '../lib/helper-install';

/** The file name of the download: not `credentials`, so it never lands on top of a real one by accident. */
export const DOWNLOAD_FILE_NAME = 'aws-saml-bridge-credentials';

type HostCheck = { state: 'checking' } | HostStatus;

interface HostStatusControl {
  /** Asks again, showing "Checking…" meanwhile (the user's "check again"). */
  recheck: () => void;
  /** Asks again, keeping the current line until the answer comes (after a save changed the file). */
  refresh: () => void;
  /** Shows a status the background already has (the answer to "Make it private"). */
  show: (status: HostStatus) => void;
}

/** Asks the background for the host's status when the popup opens, and again on demand. */
function useHostStatus(): [HostCheck, HostStatusControl] {
  const [status, setStatus] = useState<HostCheck>({ state: 'checking' });
  const ask = useCallback((quiet: boolean) => {
    if (!quiet) setStatus({ state: 'checking' });
    sendMessage('hostStatus', {}).then(setStatus, (e: unknown) =>
      setStatus({ state: 'error', message: `The extension did not answer (${errorText(e)}). Close this popup and open it again.` }),
    );
  }, []);
  useEffect(() => ask(false), [ask]);
  const control = useMemo(() => ({ recheck: () => ask(false), refresh: () => ask(true), show: setStatus }), [ask]);
  return [status, control];
}

/** `~/.aws/credentials` for a path under the home folder the host reported (display only). */
function shortPath(path: string): string {
  return path.replace(/^(\/home\/[^/]+|\/Users\/[^/]+|\/root|[A-Za-z]:\\Users\\[^\\]+)(?=[/\\])/, '~');
}

interface DeliveryPanelProps {
  sessions: OkOutcome[];
  saveProblem: SaveProblem | undefined;
  /** Regions and the `[default]` copy, from settings: the download and Copy all match what Save writes. */
  delivery: DeliveryOptions;
}

export function DeliveryPanel({ sessions, saveProblem, delivery }: DeliveryPanelProps) {
  const [host, hostControl] = useHostStatus();
  const [saving, setSaving] = useState(false);
  const [saveStatus, setSaveStatus] = useState('');
  const [copyStatus, copy] = useCopyStatus();
  const saveButton = useRef<HTMLButtonElement>(null);
  const count = sessions.length;
  const profiles = countOf(count, 'profile');
  const file = useCredentialsFile(sessions, delivery);

  const save = async (options: { roleArns?: string[]; overwriteUnmanaged?: boolean } = {}, setUpProcess = false) => {
    if (saving) return;
    setSaving(true);
    setSaveStatus('');
    try {
      const result = setUpProcess ? await sendMessage('setUpCredentialProcess', {}) : await sendMessage('save', options);
      if (result.ok && setUpProcess) setSaveStatus(`credential_process set up for ${countOf(result.saved, 'profile')} in ${shortPath(result.file)}`);
      else if (result.ok) setSaveStatus(`Saved ${result.saved} ${result.saved === 1 ? 'profile' : 'profiles'} to ${shortPath(result.file)}`);
      // A failure is recorded in storage.session and shown as `saveProblem`.
    } catch (e) {
      setSaveStatus(`The extension did not answer (${errorText(e)}). Close this popup and try again.`);
    } finally {
      // The file may exist now (or have another mode): the helper line must not keep saying "will create".
      hostControl.refresh();
      setSaving(false);
      saveButton.current?.focus();
    }
  };

  const fileTarget = host.state === 'ready' ? shortPath(host.credentialsFile) : '~/.aws/credentials';
  return (
    <section class="delivery" aria-label="Save credentials" data-testid="delivery">
      {count > 0 && (
        <div class="actions-row delivery-buttons">
          <button
            ref={saveButton}
            type="button"
            class="btn btn-primary"
            data-testid="save-to-file"
            disabled={host.state !== 'ready'}
            aria-disabled={saving || undefined}
            title={host.state === 'ready' ? `Write ${profiles} to ${host.credentialsFile}` : 'Needs the credentials helper (see below)'}
            onClick={() => void save()}
          >
            {saving ? 'Saving…' : `Save to ${fileTarget}`}
          </button>
          <button
            type="button"
            class="btn btn-small"
            data-testid="download-credentials-file"
            disabled={!file?.ok}
            title={`${profiles} as a credentials file (${DOWNLOAD_FILE_NAME})`}
            onClick={() => file?.ok && downloadText(file.text, DOWNLOAD_FILE_NAME)}
          >
            Download
          </button>
          <button
            type="button"
            class="btn btn-small"
            data-testid="copy-all-credentials-file"
            disabled={!file?.ok}
            title={`${profiles} for ~/.aws/credentials`}
            onClick={() => file?.ok && void copy(() => file.text, profiles)}
          >
            Copy all
          </button>
          <button
            type="button"
            class="btn btn-small"
            data-testid="set-up-credential-process"
            disabled={host.state !== 'ready'}
            aria-disabled={saving || undefined}
            title={`Write credential_process sections for ${profiles} to ~/.aws/config and take their keys out of the credentials file`}
            onClick={() => void save({}, true)}
          >
            Set up credential_process
          </button>
        </div>
      )}
      {file && !file.ok && (
        <p class="banner error" data-testid="delivery-conflict">
          {file.message}
        </p>
      )}
      <p class="copied small" aria-live="polite" data-testid="save-status">
        {saveStatus || copyStatus}
      </p>
      {saveProblem && (
        <div class="banner error" role="alert" data-testid="save-problem" data-code={saveProblem.code}>
          <p>{saveProblem.message}</p>
          {saveProblem.unmanaged && (
            <button
              type="button"
              class="btn btn-small"
              data-testid="save-overwrite"
              disabled={host.state !== 'ready'}
              onClick={() => void save({ roleArns: saveProblem.roleArns, overwriteUnmanaged: true })}
            >
              Overwrite them
            </button>
          )}
        </div>
      )}
      <HostLine host={host} control={hostControl} />
    </section>
  );
}

/** The platform string the popup's browser reports (userAgentData where there is one: Chromium; else navigator.platform). */
function browserPlatform(): string {
  const data = (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData;
  return data?.platform ?? navigator.platform;
}

function HostLine({ host, control }: { host: HostCheck; control: HostStatusControl }) {
  const [copied, copy] = useCopyStatus();
  const [downloadFailure, setDownloadFailure] = useState('');
  const onRecheck = control.recheck;
  const command = installHelperCommand(helperOsOf(browserPlatform()));
  const downloadHelper = async () => {
    setDownloadFailure('');
    try {
      await downloadPackagedFile(HELPER_PACKAGE_PATH, HELPER_FILE_NAME);
    } catch (e) {
      setDownloadFailure(`Could not download the helper (${errorText(e)}). Reinstall the extension and try again.`);
    }
  };
  if (host.state === 'checking') {
    return (
      <p class="host-status muted small" data-testid="host-status" data-state="checking">
        Checking the credentials helper…
      </p>
    );
  }
  if (host.state === 'ready') {
    return (
      <>
        <p class="host-status muted small" data-testid="host-status" data-state="ready" title={`Helper ${host.hostVersion}`}>
          <span class="ok-mark">●</span> Credentials helper ready · {host.fileExists ? 'writes' : 'will create'}{' '}
          <span class="mono">{host.credentialsFile}</span>
        </p>
        {host.fileOpenToOthers && <OpenFileWarning mode={host.fileMode} onFixed={control.show} />}
        <AgentStatusLine />
        {host.versionNote && (
          <p class="host-status small" data-testid="host-version-note" data-outdated={host.outdated}>
            {host.versionNote}
          </p>
        )}
      </>
    );
  }
  return (
    <div class="host-status small" data-testid="host-status" data-state={host.state}>
      {host.state === 'missing' || host.outdated === 'helper' ? (
        <>
          {host.state === 'error' && <p data-testid="host-error">{host.message}</p>}
          <p title="Saving to ~/.aws/credentials needs the credentials helper, which comes with this extension">
            <button type="button" class="btn btn-link" data-testid="download-helper" onClick={() => void downloadHelper()}>
              Download the helper
            </button>
            , run this in a terminal, then{' '}
            <button type="button" class="btn btn-link" data-testid="recheck-host" onClick={onRecheck}>
              check again
            </button>
            :
          </p>
          <p class="fix-command">
            <code class="mono" data-testid="host-fix-command">
              {command}
            </code>
            <button type="button" class="btn btn-small" data-testid="copy-fix-command" onClick={() => void copy(() => command, 'the command')}>
              Copy
            </button>
          </p>
          {downloadFailure && (
            <p class="banner error" role="alert" data-testid="download-helper-error">
              {downloadFailure}
            </p>
          )}
        </>
      ) : (
        <p class="fix-command">
          <span data-testid="host-error">{host.message}</span>
          <button type="button" class="btn btn-small" data-testid="recheck-host" onClick={onRecheck}>
            Check again
          </button>
        </p>
      )}
      <span class="copied" aria-live="polite">
        {copied}
      </span>
    </div>
  );
}

/** "Your credentials file is readable by other users [Make it private]": the mode changes only on this click. */
function OpenFileWarning({ mode, onFixed }: { mode: string | null; onFixed: (status: HostStatus) => void }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState('');
  const fix = async () => {
    if (busy) return;
    setBusy(true);
    setFailure('');
    try {
      const result = await sendMessage('makeFilePrivate', {});
      if (result.ok) onFixed(result.status);
      else setFailure(result.message);
    } catch (e) {
      setFailure(`The extension did not answer (${errorText(e)}). Close this popup and try again.`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="host-status small" data-testid="file-open-warning">
      <p class="fix-command">
        <span>Your credentials file is readable by other users{mode ? ` (mode ${mode})` : ''}.</span>
        <button type="button" class="btn btn-small" data-testid="make-file-private" aria-disabled={busy || undefined} onClick={() => void fix()}>
          {busy ? 'Making it private…' : 'Make it private'}
        </button>
      </p>
      {failure && (
        <p class="banner error" role="alert" data-testid="make-file-private-error">
          {failure}
        </p>
      )}
    </div>
  );
}
