/** Live countdowns. Only these components tick (via the shared clock); the lists around them do not re-render. */
import type { Capture } from '../lib/capture';
import { useNow } from './use-now';
import { expiryText, formatCountdown, isSignInExpired } from './view-model';

/** "Sign-in usable for 4:12", or the banner saying the sign-in can no longer be redeemed. */
export function UsableFor({ capture }: { capture: Pick<Capture, 'summary' | 'samlResponse'> }) {
  const now = useNow();
  if (isSignInExpired(capture, now)) {
    return (
      <p class="banner warn" role="alert" data-testid="sign-in-expired">
        This sign-in is older than 5 minutes; AWS will refuse it. Open the AWS tile in My Apps again.
      </p>
    );
  }
  const left = capture.summary.usableUntil - now;
  return (
    <p class={left < 60_000 ? 'usable soon' : 'usable'} role="timer" data-testid="usable-for">
      Sign-in usable for <strong>{formatCountdown(left)}</strong>
    </p>
  );
}

/** "expires in 59:58" / "expired" for a set of credentials. */
export function ExpiresIn({ expiresAt }: { expiresAt: number }) {
  const now = useNow();
  const expired = expiresAt <= now;
  return (
    <span class={expired ? 'expiry expired' : 'expiry'} role="timer" data-testid="expires">
      {expiryText(expiresAt, now)}
    </span>
  );
}
