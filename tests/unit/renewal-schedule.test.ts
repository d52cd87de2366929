import { describe, expect, it } from 'vitest';
import {
  BACKOFF_MS,
  backoffDelay,
  budgetAllows,
  DEFAULT_IDLE_LIMIT_HOURS,
  DEFAULT_SCHEDULE,
  IDP_REQUESTS_PER_HOUR,
  isPausedForIdle,
  nextBudgetSlot,
  RENEW_MARGIN_MS,
  renewalDueAt,
  scaledConfig,
} from '@/lib/renewal/schedule';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.parse('2026-11-30T09:00:00Z');

describe('renewalDueAt', () => {
  it.each([
    ['1-hour credentials: 30 minutes before the earliest', [T0 + HOUR], HOUR, T0 + 30 * MIN],
    ['12-hour credentials: still 30 minutes before', [T0 + 12 * HOUR], 12 * HOUR, T0 + 11.5 * HOUR],
    ['40-minute credentials: half their lifetime (20 min) before', [T0 + 40 * MIN], 40 * MIN, T0 + 20 * MIN],
    ['15-minute credentials: 7.5 minutes before', [T0 + 15 * MIN], 15 * MIN, T0 + 7.5 * MIN],
    ['several roles: from the earliest', [T0 + 3 * HOUR, T0 + HOUR, T0 + 2 * HOUR], HOUR, T0 + 30 * MIN],
    ['an unknown lifetime: the full margin', [T0 + HOUR], 0, T0 + 30 * MIN],
    ['a non-finite expiry is ignored', [Number.NaN, T0 + HOUR], HOUR, T0 + 30 * MIN],
  ])('%s', (_, expirations, lifetime, due) => {
    expect(renewalDueAt(expirations, lifetime)).toBe(due);
  });

  it('nothing to keep fresh: undefined', () => {
    expect(renewalDueAt([], HOUR)).toBeUndefined();
  });

  it('120-second credentials in a compressed day renew at 60 s left', () => {
    expect(renewalDueAt([T0 + 120_000], 120_000, scaledConfig(1 / 30))).toBe(T0 + 60_000);
  });
});

describe('backoffDelay', () => {
  it('30 s, 1, 2, 4, 8 minutes, then 8 minutes for ever', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map((a) => backoffDelay(a))).toEqual([30_000, MIN, 2 * MIN, 4 * MIN, 8 * MIN, 8 * MIN, 8 * MIN]);
    expect(BACKOFF_MS).toEqual([30_000, MIN, 2 * MIN, 4 * MIN, 8 * MIN]);
  });

  it('an attempt below 1 waits the first step', () => {
    expect(backoffDelay(0)).toBe(30_000);
  });
});

describe('the IdP request budget', () => {
  const every = (n: number, gap: number, from = T0) => Array.from({ length: n }, (_, i) => from + i * gap);

  it(`allows ${IDP_REQUESTS_PER_HOUR} requests in any hour and not one more`, () => {
    expect(budgetAllows(every(11, MIN), T0 + 11 * MIN)).toBe(true);
    expect(budgetAllows(every(12, MIN), T0 + 12 * MIN)).toBe(false);
  });

  it('frees a slot when the oldest request leaves the window', () => {
    const times = every(12, MIN);
    expect(nextBudgetSlot(times, T0 + 12 * MIN)).toBe(T0 + HOUR);
    expect(budgetAllows(times, T0 + HOUR - 1)).toBe(false);
    expect(budgetAllows(times, T0 + HOUR)).toBe(true);
  });

  it('with more than the budget recorded, waits until enough have left', () => {
    const times = every(14, MIN);
    expect(nextBudgetSlot(times, T0 + 14 * MIN)).toBe(T0 + 2 * MIN + HOUR);
  });

  it('a free budget is free now', () => {
    expect(nextBudgetSlot([T0 - 2 * HOUR], T0)).toBe(T0);
  });
});

describe('isPausedForIdle', () => {
  it.each([
    ['9 h 59 after the last sign-in', T0 - (10 * HOUR - MIN), false],
    ['10 h after', T0 - 10 * HOUR, true],
    ['no interactive sign-in at all', undefined, true],
  ])('%s', (_, last, paused) => {
    expect(isPausedForIdle(last, T0, DEFAULT_IDLE_LIMIT_HOURS)).toBe(paused);
  });

  it('honours another limit and a compressed hour', () => {
    expect(isPausedForIdle(T0 - 3 * HOUR, T0, 2)).toBe(true);
    expect(isPausedForIdle(T0 - 10 * 120_000, T0, 10, scaledConfig(1 / 30))).toBe(true);
    expect(isPausedForIdle(T0 - 9 * 120_000, T0, 10, scaledConfig(1 / 30))).toBe(false);
  });
});

describe('scaledConfig', () => {
  it('scales every duration and keeps the counts', () => {
    const c = scaledConfig(1 / 30);
    expect(c).toEqual({
      hourMs: 120_000,
      renewMarginMs: 60_000,
      backoffMs: [1_000, 2_000, 4_000, 8_000, 16_000],
      requestsPerHour: 12,
      idleLimitHours: 10,
      tier1DeadlineMs: 1_000,
      tier2DeadlineMs: Math.round(40_000 / 30),
      assumeDeadlineMs: 1_000,
    });
    expect(DEFAULT_SCHEDULE.renewMarginMs).toBe(RENEW_MARGIN_MS);
  });

  it.each([0, -1, Number.NaN])('refuses the factor %s', (f) => {
    expect(() => scaledConfig(f)).toThrow(RangeError);
  });
});
