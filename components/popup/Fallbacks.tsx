/**
 * What the popup shows instead of itself, or of one of its parts: while the state loads or when it cannot be
 * read, when the whole popup failed to render, and for one entry that cannot be shown. Fixed texts, never the
 * error (it may quote stored data); "Forget everything" always stays offered.
 */
import { useState } from 'preact/hooks';
import { sendMessage } from '../../lib/browser/messages';
import { errorText } from '../../lib/error-text';
import { BrokenEntryLine } from '../ErrorBoundary';
import { ForgetAllButton, Header } from './Header';

/** Instead of the whole popup when it failed to render. */
export function PopupFailed({ onForgotten }: { onForgotten: () => void }) {
  const [failure, setFailure] = useState<string>();
  const forgetAll = () => {
    setFailure(undefined);
    sendMessage('forget', {}).then(onForgotten, (e: unknown) => setFailure(`Could not forget: ${errorText(e)}. Close this popup and try again.`));
  };
  return (
    <div class="popup">
      <Header />
      <main class="scroll">
        <div class="banner error" role="alert" data-testid="popup-failed">
          <p>The popup could not show what the extension holds, perhaps left by another version of it.</p>
          <p>Forget everything clears it; then open the AWS tile in My Apps again.</p>
          <p>
            <ForgetAllButton onClick={forgetAll} />
          </p>
          {failure && <p>{failure}</p>}
        </div>
      </main>
    </div>
  );
}

/** While the state loads (just the header), or when it could not be read (with Forget everything). */
export function NotLoaded({ failed }: { failed: boolean }) {
  return (
    <div class="popup">
      <Header>{failed && <ForgetAllButton onClick={forgetAndReload} />}</Header>
      {failed && (
        <p class="banner error" role="alert">
          Could not read the extension’s state. Close this popup and open it again, or forget everything.
        </p>
      )}
    </div>
  );
}

/** Forgets everything when the state could not even be read; the page reloads to read the now empty state. */
function forgetAndReload() {
  void sendMessage('forget', {}).then(
    () => location.reload(),
    () => undefined,
  );
}

/** A sign-in (or a result) that cannot be shown: one line, with Forget for its sign-in when that is known. */
export function BrokenSection({ onForget }: { onForget: (() => void) | undefined }) {
  return (
    <section class="capture broken" aria-label="An entry that could not be shown">
      <BrokenEntryLine onForget={onForget} />
    </section>
  );
}
