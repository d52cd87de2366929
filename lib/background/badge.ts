/** Browser (background): the toolbar badge — live sessions, else roles captured, or `!` for a problem (lib/reminders.ts). */
import { browser } from 'wxt/browser';
import { clockTime, liveOkOutcomes } from '../delivery';
import { badgeModel } from '../reminders';
import { readState } from '../browser/session-store';

let queue: Promise<void> = Promise.resolve();

/**
 * Sets the badge from the state as it is now. Calls run one after another, so a refresh that read the state
 * before a change can never overwrite the badge of a refresh that read it after.
 */
export function refreshBadge(now?: number): Promise<void> {
  const run = queue.then(() => applyBadge(now ?? Date.now()));
  queue = run.catch(() => undefined);
  return run;
}

async function applyBadge(now: number): Promise<void> {
  const state = await readState();
  const newest = state.captures[0]?.capturedAt ?? 0;
  const live = liveOkOutcomes(state.outcomes, now);
  const soonest = live.map((o) => o.credentials.expiration).sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  const badge = badgeModel({
    roles: state.captures.reduce((n, c) => n + c.summary.roles.length, 0),
    live: live.length,
    problem: state.problem !== undefined && state.problem.capturedAt > newest,
    ...(soonest ? { nextExpiry: clockTime(soonest) } : {}),
  });
  const action = browser.action;
  await action.setBadgeBackgroundColor({ color: badge.color });
  await action.setBadgeText({ text: badge.text });
  await action.setTitle({ title: badge.title });
}
