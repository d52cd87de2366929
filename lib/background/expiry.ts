/**
 * Browser (background): forgets assertions once STS can no longer redeem them and credentials once they expire,
 * marks requests cut off mid-call as failed, reminds before credentials expire (if the user wants that), with one
 * alarm set for the next such moment.
 */
import { browser } from 'wxt/browser';
import { ASSERTION_GRACE_MS, CAPTURE_LIFETIME_MS } from '../capture';
import { planReminders, reminderMessage, type Reminded } from '../reminders';
import { readState, readReminded, removeCaptures, removeOutcomes, saveCapture, saveOutcome, saveReminded } from '../session-store';
import { readSettings } from '../settings-store';
import { refreshBadge } from './badge';

export const REMINDER_NOTIFICATION = 'expiry-reminder';

export const EXPIRY_ALARM = 'expire-secrets';
/** A role still "pending" this long after it started was cut off (the browser stopped the worker mid-call). */
export const PENDING_TIMEOUT_MS = 2 * 60 * 1000;

/** Removes what has expired, refreshes the badge, reminds, and sets the alarm for the next such moment. */
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
  await refreshBadge(now);
  const reminderAt = await remindBeforeExpiry(state.outcomes, now);
  if (reminderAt !== undefined) deadlines.push(reminderAt);
  if (deadlines.length) await browser.alarms.create(EXPIRY_ALARM, { when: Math.min(...deadlines) + 1000 });
  else await browser.alarms.clear(EXPIRY_ALARM);
}

/** Notifies about sessions whose reminder time has come; returns when the next reminder is due. */
async function remindBeforeExpiry(outcomes: Parameters<typeof planReminders>[0], now: number): Promise<number | undefined> {
  const [settings, reminded] = await Promise.all([readSettings(), readReminded()]);
  const plan = planReminders(outcomes, reminded, settings.reminders, now);
  if (plan.due.length) {
    const { title, message } = reminderMessage(plan.due, now);
    const next: Reminded = {};
    // Only sessions still listed are remembered, so the map never outgrows the outcomes.
    for (const o of Object.values(outcomes)) if (o.status === 'ok' && reminded[o.roleArn] === o.assumedAt) next[o.roleArn] = o.assumedAt;
    for (const o of plan.due) next[o.roleArn] = o.assumedAt;
    await saveReminded(next);
    await browser.notifications
      .create(REMINDER_NOTIFICATION, { type: 'basic', iconUrl: browser.runtime.getURL('/icon/128.png'), title, message })
      .catch(() => undefined);
  }
  return plan.nextAt;
}
