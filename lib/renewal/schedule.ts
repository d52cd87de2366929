/**
 * When silent renewal runs: the renewal point, back-off, the IdP request budget and the idle pause. Every duration
 * is a plain number in a ScheduleConfig, so the engine and the tests can compress time (`scaledConfig`). Pure.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Renew when the earliest credential has this much left (or half its lifetime, if that is less). */
export const RENEW_MARGIN_MS = 30 * MINUTE;
/** Waits after consecutive failures: 30 s, 1, 2, 4, then 8 minutes for every further one. */
export const BACKOFF_MS: readonly number[] = [30_000, MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE];
/** At most this many IdP requests per source in any window of one hour. */
export const IDP_REQUESTS_PER_HOUR = 12;
/** Silent renewal pauses this long after the last sign-in the person made themselves. */
export const DEFAULT_IDLE_LIMIT_HOURS = 10;

export interface ScheduleConfig {
  /** One hour: the budget window and the unit of the idle limit. */
  hourMs: number;
  renewMarginMs: number;
  backoffMs: readonly number[];
  requestsPerHour: number;
  idleLimitHours: number;
  /** How long a tier-1 flight (the background fetch, redirects and hops) may take before it counts as failed. */
  tier1DeadlineMs: number;
  /** How long a tier-2 flight (the background tab) may take. */
  tier2DeadlineMs: number;
  /** How long assuming the roles with a fresh assertion may take. */
  assumeDeadlineMs: number;
}

export const DEFAULT_SCHEDULE: Readonly<ScheduleConfig> = {
  hourMs: HOUR,
  renewMarginMs: RENEW_MARGIN_MS,
  backoffMs: BACKOFF_MS,
  requestsPerHour: IDP_REQUESTS_PER_HOUR,
  idleLimitHours: DEFAULT_IDLE_LIMIT_HOURS,
  tier1DeadlineMs: 30_000,
  tier2DeadlineMs: 40_000,
  assumeDeadlineMs: 30_000,
};

/** Every duration of `base` multiplied by `factor` (e.g. 1/30: an hour becomes 2 minutes); counts stay. */
export function scaledConfig(factor: number, base: Readonly<ScheduleConfig> = DEFAULT_SCHEDULE): ScheduleConfig {
  if (!Number.isFinite(factor) || factor <= 0) throw new RangeError('The time factor must be a positive number.');
  const scale = (ms: number) => Math.max(1, Math.round(ms * factor));
  return {
    hourMs: scale(base.hourMs),
    renewMarginMs: scale(base.renewMarginMs),
    backoffMs: base.backoffMs.map(scale),
    requestsPerHour: base.requestsPerHour,
    idleLimitHours: base.idleLimitHours,
    tier1DeadlineMs: scale(base.tier1DeadlineMs),
    tier2DeadlineMs: scale(base.tier2DeadlineMs),
    assumeDeadlineMs: scale(base.assumeDeadlineMs),
  };
}

/**
 * When to renew credentials that expire at `expirations` (epoch ms) and last `lifetimeMs`: the earliest expiry
 * minus min(margin, lifetime / 2). Undefined when there is nothing to keep fresh.
 */
export function renewalDueAt(expirations: readonly number[], lifetimeMs: number, config: Readonly<ScheduleConfig> = DEFAULT_SCHEDULE): number | undefined {
  const valid = expirations.filter((e) => Number.isFinite(e));
  if (valid.length === 0) return undefined;
  const earliest = Math.min(...valid);
  const lead = Number.isFinite(lifetimeMs) && lifetimeMs > 0 ? Math.min(config.renewMarginMs, lifetimeMs / 2) : config.renewMarginMs;
  return earliest - lead;
}

/** The wait after `attempt` consecutive failures (1 = the first failure); the last step repeats. */
export function backoffDelay(attempt: number, config: Readonly<ScheduleConfig> = DEFAULT_SCHEDULE): number {
  const steps = config.backoffMs;
  if (steps.length === 0) return 0;
  const index = Math.min(Math.max(Math.floor(attempt), 1), steps.length) - 1;
  return steps[index]!;
}

/** The request times still inside the budget window at `now`. */
export function recentRequests(requestTimes: readonly number[], now: number, config: Readonly<ScheduleConfig> = DEFAULT_SCHEDULE): number[] {
  return requestTimes.filter((t) => t > now - config.hourMs && t <= now);
}

/** Whether one more IdP request at `now` stays within the per-hour budget. */
export function budgetAllows(requestTimes: readonly number[], now: number, config: Readonly<ScheduleConfig> = DEFAULT_SCHEDULE): boolean {
  return recentRequests(requestTimes, now, config).length < config.requestsPerHour;
}

/** The earliest time ≥ `now` at which the budget allows a request. */
export function nextBudgetSlot(requestTimes: readonly number[], now: number, config: Readonly<ScheduleConfig> = DEFAULT_SCHEDULE): number {
  const recent = recentRequests(requestTimes, now, config).sort((a, b) => a - b);
  const excess = recent.length - config.requestsPerHour;
  if (excess < 0) return now;
  // Once the oldest `excess + 1` requests leave the window, one slot is free.
  return recent[excess]! + config.hourMs;
}

/** Whether renewal pauses: the last interactive sign-in is `limitHours` or more ago (or there was none). */
export function isPausedForIdle(
  lastInteractiveAt: number | undefined,
  now: number,
  limitHours: number = DEFAULT_IDLE_LIMIT_HOURS,
  config: Readonly<ScheduleConfig> = DEFAULT_SCHEDULE,
): boolean {
  if (lastInteractiveAt === undefined || !Number.isFinite(lastInteractiveAt)) return true;
  return now - lastInteractiveAt >= limitHours * config.hourMs;
}
