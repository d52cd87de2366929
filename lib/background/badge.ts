/** Browser (background): the toolbar badge — live sessions, else roles captured, or `!` for a problem (lib/reminders.ts). */
import { browser } from 'wxt/browser';
import { clockTime, liveOkOutcomes } from '../delivery';
import { badgeModel } from '../reminders';
import { readState } from '../browser/session-store';
import { readZeroClickRuns } from '../browser/remembered-store';
import { runText } from '../remembered';
import { sourceKeyFor } from '../sign-in-source';

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
  const [state, runs] = await Promise.all([readState(), readZeroClickRuns()]);
  const newest = state.captures[0]?.capturedAt ?? 0;
  const live = liveOkOutcomes(state.outcomes, now);
  const soonest = live.map((o) => o.credentials.expiration).sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  const badge = badgeModel({
    roles: state.captures.reduce((n, c) => n + c.summary.roles.length, 0),
    live: live.length,
    problem: state.problem !== undefined && state.problem.capturedAt > newest,
    needsSignIn: Object.values(state.renewals).some((r) => r.state.kind === 'needs-you'),
    ...(soonest ? { nextExpiry: clockTime(soonest) } : {}),
  });
  const action = browser.action;
  await action.setBadgeBackgroundColor({ color: badge.color });
  await action.setBadgeText({ text: badge.text });
  // The newest automatic run of a sign-in still held, quietly in the tooltip: "3 profiles saved 09:02, fresh until 10:02".
  const held = new Set(state.captures.map(sourceKeyFor));
  const run = Object.values(runs)
    .filter((r) => held.has(r.sourceKey))
    .sort((a, b) => b.at - a.at)[0];
  const title = run ? `${badge.title}\n${runText(run, (ms) => clockTime(new Date(ms).toISOString()))}` : badge.title;
  await action.setTitle({ title });
}
