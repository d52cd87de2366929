/**
 * Forget one sign-in, or everything: the popup drops what belonged to it at once (selection, refusals, the last
 * action error), focus moves to the heading (the focused section is about to go), and the background is asked —
 * with `removeFromFile`, also to remove the profiles this extension saved for it from the credentials file.
 */
import { useCallback } from 'preact/hooks';
import { sendMessage } from '../../lib/browser/messages';
import { errorText } from '../../lib/error-text';

interface ForgetEffects {
  dropSignIn: (captureId?: string) => void;
  clearErrors: () => void;
  focusTop: () => void;
  setActionError: (message: string | undefined) => void;
  /** The user's choice "also remove from ~/.aws/credentials". */
  removeFromFile: boolean;
}

export function useForget({ dropSignIn, clearErrors, focusTop, setActionError, removeFromFile }: ForgetEffects): (captureId?: string) => void {
  return useCallback(
    (captureId?: string) => {
      dropSignIn(captureId);
      clearErrors();
      setActionError(undefined);
      focusTop();
      const request = { ...(captureId === undefined ? {} : { captureId }), ...(removeFromFile ? { removeFromFile: true } : {}) };
      sendMessage('forget', request).then(
        (r) => r.removalError && setActionError(r.removalError),
        (e: unknown) => setActionError(`Could not forget: ${errorText(e)}. Close this popup and try again.`),
      );
    },
    [dropSignIn, clearErrors, focusTop, setActionError, removeFromFile],
  );
}
