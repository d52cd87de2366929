/**
 * Forget one sign-in, or everything: the popup drops what belonged to it at once (selection, refusals, the last
 * action error), focus moves to the heading (the focused section is about to go), and the background is asked.
 */
import { useCallback } from 'preact/hooks';
import { sendMessage } from '../../lib/browser/messages';
import { errorText } from '../../lib/error-text';

interface ForgetEffects {
  dropSignIn: (captureId?: string) => void;
  clearErrors: () => void;
  focusTop: () => void;
  setActionError: (message: string | undefined) => void;
}

export function useForget({ dropSignIn, clearErrors, focusTop, setActionError }: ForgetEffects): (captureId?: string) => void {
  return useCallback(
    (captureId?: string) => {
      dropSignIn(captureId);
      clearErrors();
      setActionError(undefined);
      focusTop();
      sendMessage('forget', captureId === undefined ? {} : { captureId }).catch((e: unknown) =>
        setActionError(`Could not forget: ${errorText(e)}. Close this popup and try again.`),
      );
    },
    [dropSignIn, clearErrors, focusTop, setActionError],
  );
}
