/** The result of assuming one role, shown in place under the role: progress, the session, or what went wrong. */
import { useState } from 'preact/hooks';
import { sendMessage } from '../lib/browser/messages';
import { errorText } from '../lib/error-text';
import { parseRoleArn } from '../lib/arn';
import type { RoleOutcome } from '../lib/capture';
import { savedText, type SavedProfile } from '../lib/delivery';
import { formatDuration } from '../lib/duration';
import { ExpiresIn } from './Countdown';
import { CopyButtons } from './CopyButtons';
import { OpenConsoleButton } from './OpenConsoleButton';
import { useIsPast } from './use-now';
import { credentialsExpireAt, sessionSubject } from './view-model';

interface RoleResultProps {
  outcome: RoleOutcome;
  /** What the last save to the credentials file wrote for exactly this session. */
  saved?: SavedProfile;
  /** The error arrived while the popup was open: announce it (errors already there at open are not). */
  announce: boolean;
  /** Shown outside its role's row (its sign-in was forgotten, or it was reached by chaining), so it names the role itself. */
  standalone?: boolean;
}

export function RoleResult({ outcome, saved, announce, standalone }: RoleResultProps) {
  const subject = sessionSubject(outcome);
  return (
    <div class={`result result-${outcome.status}`} data-testid="result" data-role-arn={outcome.roleArn} data-status={outcome.status}>
      {standalone && (
        <p class="result-title">
          {outcome.roleName} <span class="muted">in account</span> <span class="mono">{outcome.accountId}</span>
          {outcome.chainedFrom && (
            <span class="muted" data-testid="chained-from">
              {' '}
              · via {parseRoleArn(outcome.chainedFrom)?.roleName ?? 'another role'}, assumed by the extension
            </span>
          )}
        </p>
      )}
      {outcome.status === 'pending' && (
        <p class="pending-line">
          <span class="spinner" aria-hidden="true" />
          <span role="status">Assuming {outcome.roleName}…</span>
        </p>
      )}
      {outcome.status === 'error' && (
        <div role={announce ? 'alert' : undefined}>
          <p class="error-message">{outcome.error.message}</p>
          <p class="error-action">{outcome.error.action}</p>
        </div>
      )}
      {outcome.status === 'ok' && <Session outcome={outcome} saved={saved} subject={subject} />}
    </div>
  );
}

function Session({ outcome, saved, subject }: { outcome: Extract<RoleOutcome, { status: 'ok' }>; saved?: SavedProfile; subject: string }) {
  const expiresAt = credentialsExpireAt(outcome.credentials);
  // Re-renders once, to disable the buttons when the credentials expire; the countdown ticks on its own.
  const expired = useIsPast(expiresAt);
  return (
    <>
      <p class="session-line">
        <span class="ok-mark">Ready</span> · {formatDuration(outcome.durationSeconds)} · <ExpiresIn expiresAt={expiresAt} />
      </p>
      <dl class="session-facts">
        <dt>Profile</dt>
        <dd class="mono">{outcome.profileName}</dd>
        <dt>Access key</dt>
        <dd class="mono">{outcome.credentials.accessKeyId}</dd>
      </dl>
      {saved && (
        <div class="saved-row">
          <p class="saved-line" data-testid="saved" data-profile={saved.profileName} title={`Written to ${saved.file}`}>
            {savedText(saved)}
          </p>
          <RemoveFromFile roleArn={outcome.roleArn} profile={saved.profileName} />
        </div>
      )}
      {outcome.renameTo && <RenameOffer roleArn={outcome.roleArn} to={outcome.renameTo} />}
      {outcome.notice && (
        <p class="notice" data-testid="notice">
          {outcome.notice}
        </p>
      )}
      <CopyButtons subject={subject} credentials={outcome.credentials} profileName={outcome.profileName} disabled={expired} />
      <OpenConsoleButton roleArn={outcome.roleArn} subject={subject} disabled={expired} />
    </>
  );
}

/** Removes this profile's section from the credentials file (only a section the helper wrote); the session stays. */
function RemoveFromFile({ roleArn, profile }: { roleArn: string; profile: string }) {
  const [failure, setFailure] = useState('');
  return (
    <>
      <button
        type="button"
        class="btn btn-link"
        data-testid="remove-saved"
        aria-label={`Remove the profile ${profile} from the credentials file`}
        onClick={() => {
          setFailure('');
          sendMessage('removeSaved', { roleArn }).then(
            (r) => !r.ok && setFailure(r.message),
            (e: unknown) => setFailure(`Could not remove it: ${errorText(e)}`),
          );
        }}
      >
        Remove from file
      </button>
      {failure && (
        <span class="error" role="alert">
          {' '}
          {failure}
        </span>
      )}
    </>
  );
}

/** "Rename to contoso-prod-Admin": a learnt alias names this role differently; nothing is renamed until this click. */
function RenameOffer({ roleArn, to }: { roleArn: string; to: string }) {
  const [failure, setFailure] = useState('');
  const accept = () => {
    setFailure('');
    sendMessage('renameProfile', { roleArn }).then(
      (r) => !r.ok && setFailure(r.message),
      (e: unknown) => setFailure(`Could not rename: ${errorText(e)}`),
    );
  };
  return (
    <p class="notice" data-testid="rename-offer">
      The account now has a name.{' '}
      <button type="button" class="btn btn-link" data-testid="rename-profile" onClick={accept}>
        Rename to {to}
      </button>
      {failure && (
        <span class="error-message" role="alert">
          {' '}
          {failure}
        </span>
      )}
    </p>
  );
}
