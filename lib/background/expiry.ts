/**
 * Browser (background): forgets assertions once STS can no longer redeem them and credentials once they expire,
 * marks requests cut off mid-call as failed, reminds before credentials expire (if the user wants that), with one
 * alarm set for the next such moment.
 */
import { browser } from 'wxt/browser';
import { ASSERTION_GRACE_MS, CAPTURE_LIFETIME_MS, type Capture, type RoleOutcome } from '../capture';
import { identifyIdp, idpWords, type IdpKind } from '../idp';
import { planReminders, reminderMessage, type Reminded } from '../reminders';
import { readState, readReminded, removeCaptures, removeOutcomes, saveCapture, saveOutcome, saveReminded } from '../browser/session-store';
import { readSettings } from '../browser/settings-store';
import { STS_ASSUME_BUDGET_MS } from '../sts';
import { refreshBadge } from './badge';

export const REMINDER_NOTIFICATION = 'expiry-reminder';

/** Renewal states in which a source's sessions are being kept fresh (lib/renewal/source-state.ts). */
const KEPT_FRESH: ReadonlySet<string> = new Set(['fresh', 'renewing', 'backoff']);

export const EXPIRY_ALARM = 'expire-secrets';
/**
 * A role still "pending" this long after it started was cut off (the browser stopped the worker mid-call): the
 * longest an assume can take, plus time for storage writes.
 */
export const PENDING_TIMEOUT_MS = STS_ASSUME_BUDGET_MS + 15_000;
/**
 * When this worker (or event page) started. Every request in flight belongs to the worker that started it, so a
 * role left pending by an earlier one was cut off, however recently.
 */
export const WORKER_STARTED_AT = Date.now();

/** The IdP of a capture, for wording; unknown (neutral words) when the capture is gone. */
function idpOf(captures: readonly Capture[], captureId: string): IdpKind {
  return identifyIdp(captures.find((c) => c.id === captureId)?.summary.issuer).kind;
}

/** A role cut off mid-call, in plain words: assume again, after signing in again when the sign-in can no longer be used. */
function interrupted(capture: Capture | undefined, now: number): { code: string; message: string; action: string } {
  const usable = capture?.samlResponse !== undefined && now < capture.summary.usableUntil;
  const words = idpWords(identifyIdp(capture?.summary.issuer).kind);
  return {
    code: 'Interrupted',
    message: 'The request to AWS was cut off before it answered (the browser stopped the extension’s background).',
    action: usable ? 'Assume this role again.' : `${words.signInAgain}, then assume this role again.`,
  };
}

/**
 * Makes sure the expiry alarm fires by the time a role that went pending at `startedAt` counts as cut off, so a role
 * never stays pending because the browser stopped the worker mid-call.
 */
export async function armPendingDeadline(startedAt: number): Promise<void> {
  const when = startedAt + PENDING_TIMEOUT_MS + 1000;
  const current = await browser.alarms.get(EXPIRY_ALARM);
  if (!current || current.scheduledTime > when) await browser.alarms.create(EXPIRY_ALARM, { when });
}

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
      if (outcome.startedAt >= WORKER_STARTED_AT && giveUpAt > now) deadlines.push(giveUpAt);
      else await failInterrupted(outcome, state.captures, now);
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
  // Sessions kept fresh are renewed before they run low: no reminder for them (nothing pops up).
  const keptFresh = new Set(
    Object.values(state.renewals)
      .filter((r) => KEPT_FRESH.has(r.state.kind))
      .map((r) => r.captureId),
  );
  const remindable = Object.fromEntries(Object.entries(state.outcomes).filter(([, o]) => !keptFresh.has(o.captureId)));
  const reminderAt = await remindBeforeExpiry(remindable, state.captures, now);
  if (reminderAt !== undefined) deadlines.push(reminderAt);
  if (deadlines.length) await browser.alarms.create(EXPIRY_ALARM, { when: Math.min(...deadlines) + 1000 });
  else await browser.alarms.clear(EXPIRY_ALARM);
}

/** Turns a role left pending into a plain error, unless it was assumed again (or finished) meanwhile. */
async function failInterrupted(outcome: Extract<RoleOutcome, { status: 'pending' }>, captures: readonly Capture[], now: number): Promise<void> {
  const current = (await readState()).outcomes[outcome.roleArn];
  if (current?.status !== 'pending' || current.startedAt !== outcome.startedAt) return;
  const { startedAt: _startedAt, ...ref } = outcome;
  const capture = captures.find((c) => c.id === outcome.captureId);
  await saveOutcome({ ...ref, status: 'error', error: interrupted(capture, now), finishedAt: now, stsHost: '' });
}

/** Notifies about sessions whose reminder time has come; returns when the next reminder is due. */
async function remindBeforeExpiry(outcomes: Parameters<typeof planReminders>[0], captures: readonly Capture[], now: number): Promise<number | undefined> {
  const [settings, reminded] = await Promise.all([readSettings(), readReminded()]);
  const plan = planReminders(outcomes, reminded, settings.reminders, now);
  if (plan.due.length) {
    // The sessions' IdP, for "sign in again"; sessions from several IdPs get the neutral words.
    const kinds = new Set(plan.due.map((o) => idpOf(captures, o.captureId)));
    const { title, message } = reminderMessage(plan.due, now, kinds.size === 1 ? [...kinds][0] : undefined);
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
