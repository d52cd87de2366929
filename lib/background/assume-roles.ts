/**
 * Browser (background): assumes the roles the user picked, in parallel with a small cap, writing each role's
 * progress and result to storage.session as it happens. One role failing never hides the others.
 */
import { mapWithConcurrency } from '../concurrency';
import { effectiveDuration } from '../duration';
import type { Protocol } from '../messages';
import { defaultProfileName } from '../profile-name';
import { getCapture, saveOutcome } from '../session-store';
import { assumeRoleWithSaml } from '../sts';
import { EXPIRED_SIGN_IN } from '../sts-errors';
import { scheduleExpiry } from './expiry';

/**
 * STS calls in flight at once: a typical pick (up to 20 roles) goes out in one wave; 300 roles go in waves
 * rather than a burst that would trip STS throttling. Chromium itself keeps ≤ 6 HTTP/1.1 connections per host.
 */
export const ASSUME_CONCURRENCY = 20;

type Assume = Protocol['assume'];

export async function assumeRoles({ captureId, roleArns, duration }: Assume['request']): Promise<Assume['response']> {
  const capture = await getCapture(captureId);
  if (!capture) return { ok: false, message: 'That sign-in is no longer known. Open the AWS tile in My Apps again.' };
  const { samlResponse, summary } = capture;
  if (!samlResponse) {
    return { ok: false, message: `${EXPIRED_SIGN_IN.message} ${EXPIRED_SIGN_IN.action}` };
  }
  const wanted = new Set(roleArns);
  const roles = summary.roles.filter((r) => wanted.has(r.roleArn));
  if (roles.length === 0) return { ok: false, message: 'None of the chosen roles is in this sign-in.' };
  const durationSeconds = effectiveDuration(duration, summary.sessionDuration);

  const results = await mapWithConcurrency(roles, ASSUME_CONCURRENCY, async (role) => {
    const ref = { roleArn: role.roleArn, captureId, accountId: role.accountId, roleName: role.roleName, partition: role.partition };
    await saveOutcome({ ...ref, status: 'pending', startedAt: Date.now() });
    const outcome = await assumeRoleWithSaml({ role, samlResponse, durationSeconds, acs: capture.acs });
    if (outcome.ok) {
      await saveOutcome({
        ...ref,
        status: 'ok',
        profileName: defaultProfileName(role),
        credentials: outcome.credentials,
        assumedRoleArn: outcome.assumedRoleArn,
        durationSeconds: outcome.durationSeconds,
        notice: outcome.notice,
        assumedAt: Date.now(),
        stsHost: outcome.stsHost,
      });
    } else {
      await saveOutcome({ ...ref, status: 'error', error: outcome.error, finishedAt: Date.now(), stsHost: outcome.stsHost });
    }
    return outcome.ok;
  });
  await scheduleExpiry();
  const succeeded = results.filter(Boolean).length;
  return { ok: true, succeeded, failed: results.length - succeeded };
}
