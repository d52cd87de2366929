/** Live countdowns. Only these components tick (via the shared clock); the lists around them do not re-render. */
import { useRef } from 'preact/hooks';
import type { Capture } from '../lib/capture';
import { identifyIdp } from '../lib/idp';
import { expiredSignIn, expiryReason } from '../lib/sts-errors';
import { useNow } from './use-now';
import { expiryText, formatCountdown, isSignInExpired } from './view-model';

/** "Sign-in usable for 4:12", or the banner saying the sign-in can no longer be redeemed (and why, in the IdP's words). */
export function UsableFor({ capture }: { capture: Pick<Capture, 'summary' | 'samlResponse'> }) {
  const now = useNow();
  const expired = isSignInExpired(capture, now);
  // Announced only when the sign-in expires while the popup is open: a banner already there at open is not news.
  const usableAtOpen = useRef(!expired);
  if (expired) {
    const { message, action } = expiredSignIn(identifyIdp(capture.summary.issuer).kind, expiryReason(capture.summary));
    return (
      <p class="banner warn" role={usableAtOpen.current ? 'alert' : undefined} data-testid="sign-in-expired">
        {message} {action}
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
