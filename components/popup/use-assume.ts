/** Asks the background to assume roles: one message per sign-in, and the refusals to show under each sign-in. */
import { useCallback, useState } from 'preact/hooks';
import { sendMessage } from '../../lib/browser/messages';
import type { DurationChoice } from '../../lib/duration';
import { errorText } from '../../lib/error-text';

export interface Assume {
  /** A press is being answered; another press is ignored meanwhile. */
  busy: boolean;
  /** Capture id → why the background refused that sign-in's request. */
  errors: Record<string, string>;
  assume: (requests: { captureId: string; roleArns: string[] }[], duration: DurationChoice) => Promise<void>;
  clearErrors: () => void;
}

export function useAssume(): Assume {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const clearErrors = useCallback(() => setErrors({}), []);
  const assume = async (requests: { captureId: string; roleArns: string[] }[], duration: DurationChoice) => {
    if (busy || requests.length === 0) return;
    setBusy(true);
    setErrors({});
    // Sign-ins to different apps are independent (each has its own 5-minute window), so they go in parallel.
    const answers = await Promise.all(
      requests.map((r) =>
        sendMessage('assume', { ...r, duration }).catch((e: unknown) => ({
          ok: false as const,
          message: `The extension did not answer (${errorText(e)}). Close this popup, open it again and retry.`,
        })),
      ),
    );
    const refused: Record<string, string> = {};
    answers.forEach((answer, i) => {
      const request = requests[i];
      if (request && !answer.ok) refused[request.captureId] = answer.message;
    });
    setErrors(refused);
    setBusy(false);
  };
  return { busy, errors, assume, clearErrors };
}
