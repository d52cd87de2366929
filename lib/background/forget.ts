/**
 * Browser (background): Forget — one sign-in with its roles' credentials, or everything in storage.session.
 */
import type { BackgroundRequests } from '../browser/messages';
import { clearAll, readState, removeCaptures, removeOutcomes } from '../browser/session-store';
import { scheduleExpiry } from './expiry';

type Forget = BackgroundRequests['forget'];

/** Forgets one capture (and the credentials of its roles), or everything when no capture is named. */
export async function forget({ captureId }: Forget['request']): Promise<Forget['response']> {
  if (captureId === undefined) await clearAll();
  else {
    const state = await readState();
    await removeCaptures([captureId]);
    await removeOutcomes(
      Object.values(state.outcomes)
        .filter((o) => o.captureId === captureId)
        .map((o) => o.roleArn),
    );
  }
  await scheduleExpiry(); // also refreshes the badge
  return { ok: true };
}
