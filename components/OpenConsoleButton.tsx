/**
 * "Open console" for one live session: the background gets a sign-in token from AWS and opens the console in a
 * new tab. The popup never sees the token; a failure comes back in plain words and shows next to the button.
 */
import { useState } from 'preact/hooks';
import { sendMessage } from '../lib/browser/messages';
import { MULTI_SESSION_NOTE } from '../lib/console';
import { errorText } from '../lib/error-text';

interface OpenConsoleButtonProps {
  roleArn: string;
  /** "Admin (111111111111)": names the session in the button's accessible name. */
  subject: string;
  disabled: boolean;
}

type Status = { state: 'idle' } | { state: 'opening' } | { state: 'opened' } | { state: 'failed'; message: string; action: string };

export function OpenConsoleButton({ roleArn, subject, disabled }: OpenConsoleButtonProps) {
  const [status, setStatus] = useState<Status>({ state: 'idle' });
  const open = async () => {
    setStatus({ state: 'opening' });
    try {
      const result = await sendMessage('openConsole', { roleArn });
      setStatus(result.ok ? { state: 'opened' } : { state: 'failed', message: result.message, action: result.action });
    } catch (e) {
      setStatus({ state: 'failed', message: `The extension did not answer (${errorText(e)}).`, action: 'Close this popup and try again.' });
    }
  };
  return (
    <div class="console-open">
      <button
        type="button"
        class="btn btn-small"
        data-testid="open-console"
        aria-label={`Open the AWS console as ${subject}`}
        title={MULTI_SESSION_NOTE}
        disabled={disabled || status.state === 'opening'}
        onClick={() => void open()}
      >
        {status.state === 'opening' ? 'Opening…' : 'Open console'}
      </button>
      <span class="copied" aria-live="polite" data-testid="console-status">
        {status.state === 'opened' && `Opened in a new tab. ${MULTI_SESSION_NOTE}`}
      </span>
      {status.state === 'failed' && (
        <div role="alert" data-testid="console-error">
          <p class="error-message">{status.message}</p>
          <p class="error-action">{status.action}</p>
        </div>
      )}
    </div>
  );
}
