/**
 * Browser (background): Forget — one sign-in with its roles' credentials, or everything in storage.session; on
 * request also the profiles this extension saved for them, from the credentials file (through the helper, which
 * removes only sections it wrote).
 */
import type { BackgroundRequests } from '../browser/messages';
import { clearAll, forgetSaved, readState, removeCaptures, removeOutcomes } from '../browser/session-store';
import { removeSavedProfiles } from './credentials-host';
import { scheduleExpiry } from './expiry';

type Forget = BackgroundRequests['forget'];

/** Forgets one capture (and the credentials of its roles), or everything when no capture is named. */
export async function forget({ captureId, removeFromFile }: Forget['request']): Promise<Forget['response']> {
  const state = await readState();
  const roleArns =
    captureId === undefined
      ? Object.keys(state.saved)
      : Object.values(state.outcomes)
          .filter((o) => o.captureId === captureId)
          .map((o) => o.roleArn);
  // Only names this extension recorded as saved; the helper refuses any section it did not write anyway.
  const names = removeFromFile ? [...new Set(roleArns.flatMap((arn) => (state.saved[arn] ? [state.saved[arn].profileName] : [])))].sort() : [];
  const removal = names.length ? await removeSavedProfiles(names) : undefined;
  if (captureId === undefined) await clearAll();
  else {
    await removeCaptures([captureId]);
    await removeOutcomes(roleArns);
  }
  await scheduleExpiry(); // also refreshes the badge
  if (!removal) return { ok: true };
  return removal.ok ? { ok: true, removedFromFile: removal.removed } : { ok: true, removalError: removal.message };
}

/**
 * Removes one role's saved profile from the credentials file (and its `~/.aws/config` section) through the helper,
 * which removes only sections it wrote; the session stays in the popup.
 */
export async function removeSaved({ roleArn }: BackgroundRequests['removeSaved']['request']): Promise<BackgroundRequests['removeSaved']['response']> {
  const saved = (await readState()).saved[roleArn];
  if (!saved) return { ok: false, message: 'This role has not been saved to the credentials file.' };
  const removal = await removeSavedProfiles([saved.profileName]);
  if (!removal.ok) return removal;
  await forgetSaved([roleArn]);
  return { ok: true, removed: removal.removed };
}
