/**
 * Browser (background): forgets assertions once STS can no longer redeem them and credentials once they expire,
 * marks requests cut off mid-call as failed, with one alarm set for the next such moment.
 */
import { browser } from 'wxt/browser';
import { ASSERTION_GRACE_MS, CAPTURE_LIFETIME_MS } from '../capture';
import { readState, removeCaptures, removeOutcomes, saveCapture, saveOutcome } from '../session-store';
import { refreshBadge } from './badge';

export const EXPIRY_ALARM = 'expire-secrets';
/** A role still "pending" this long after it started was cut off (the browser stopped the worker mid-call). */
export const PENDING_TIMEOUT_MS = 2 * 60 * 1000;

/** Removes what has expired and sets the alarm for the next expiry. */
export async function scheduleExpiry(now = Date.now()): Promise<void> {
  const state = await readState();
  const deadlines: number[] = [];
  const stale: string[] = [];
  for (const capture of state.captures) {
    if (now - capture.capturedAt > CAPTURE_LIFETIME_MS) {
      stale.push(capture.id);
      continue;
    }
    deadlines.push(capture.capturedAt + CAPTURE_LIFETIME_MS);
    if (capture.samlResponse === undefined) continue;
    const forgetAt = capture.summary.usableUntil + ASSERTION_GRACE_MS;
    if (forgetAt <= now) await saveCapture({ ...capture, samlResponse: undefined });
    else deadlines.push(forgetAt);
  }
  const expired: string[] = [];
  for (const outcome of Object.values(state.outcomes)) {
    if (outcome.status === 'pending') {
      const giveUpAt = outcome.startedAt + PENDING_TIMEOUT_MS;
      if (giveUpAt > now) deadlines.push(giveUpAt);
      else {
        const { startedAt: _startedAt, ...ref } = outcome;
        await saveOutcome({
          ...ref,
          status: 'error',
          error: { code: 'Interrupted', message: 'The request to AWS was cut off before it answered.', action: 'Open the AWS tile in My Apps again, then assume this role again.' },
          finishedAt: now,
          stsHost: '',
        });
      }
      continue;
    }
    if (outcome.status !== 'ok') continue;
    const expiresAt = Date.parse(outcome.credentials.expiration);
    if (expiresAt <= now) expired.push(outcome.roleArn);
    else deadlines.push(expiresAt);
  }
  if (stale.length) await removeCaptures(stale);
  if (expired.length) await removeOutcomes(expired);
  if (stale.length || expired.length) await refreshBadge();
  if (deadlines.length) await browser.alarms.create(EXPIRY_ALARM, { when: Math.min(...deadlines) + 1000 });
  else await browser.alarms.clear(EXPIRY_ALARM);
}
