import { describe, expect, it } from 'vitest';
import type { IdpAnswer } from '@/lib/renewal/classify';
import { scaledConfig } from '@/lib/renewal/schedule';
import { initialSourceState, step, type Effect, type RenewalConfig, type SourceEvent, type SourceState } from '@/lib/renewal/source-state';

/** A compressed day: one hour is 120 s, the margin 60 s, back-off 1, 2, 4, 8, 16 s. */
const CFG: RenewalConfig = { ...scaledConfig(1 / 30), tier2: true };
const HOUR = CFG.hourMs;
const LIFETIME = 120_000;
const T0 = Date.parse('2026-11-30T08:00:00Z');
/** How long the simulated IdP and STS take to answer. */
const IDP_MS = 200;
const STS_MS = 100;

type Script = (fetch: { index: number; tier: 1 | 2; at: number }) => IdpAnswer | 'captured' | 'timeout' | 'hang';

const OK: IdpAnswer = { kind: 'assertion', samlResponse: 'PHNhbWxwOlJlc3BvbnNlLz4=', action: 'https://signin.aws.amazon.com/saml' };
const needs = (reason: Extract<IdpAnswer, { kind: 'needs-user' }>['reason']): IdpAnswer => ({ kind: 'needs-user', reason });

/** The engine, simulated: carries out effects, answers fetches by the script, keeps one alarm, checks invariants. */
class Day {
  now = T0;
  state: SourceState;
  alarm: number | undefined;
  deliveries: { at: number; event: SourceEvent }[] = [];
  inFlight = new Set<string>();
  fetches: { at: number; tier: 1 | 2; flightId: string; requestId: string }[] = [];
  notifies: { at: number; reason: string }[] = [];
  cleared: number[] = [];
  /** Times at which held credentials had expired while someone would have used them. */
  expiredGaps: number[] = [];
  expiry: number | undefined;
  /** How many of the next assumes STS refuses. */
  assumeFailures = 0;
  private ids = 0;

  constructor(
    public script: Script,
    readonly config: RenewalConfig = CFG,
  ) {
    this.state = initialSourceState({ on: true, permission: true });
  }

  dispatch(event: SourceEvent): Effect[] {
    const { state, effects } = step(this.state, event, this.now, this.config, { requestId: () => `_req${++this.ids}` });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state); // plain JSON, as storage.session keeps it
    this.state = state;
    for (const e of effects) this.apply(e);
    return effects;
  }

  private apply(e: Effect): void {
    switch (e.type) {
      case 'alarm':
        this.alarm = e.at;
        return;
      case 'notify':
        this.notifies.push({ at: this.now, reason: e.reason });
        return;
      case 'clear-notification':
        this.cleared.push(this.now);
        return;
      case 'fetch-tier1':
      case 'open-tier2': {
        expect(this.inFlight.size, 'a second IdP request while one is in flight').toBe(0);
        const tier = e.type === 'fetch-tier1' ? 1 : 2;
        this.inFlight.add(e.flightId);
        this.fetches.push({ at: this.now, tier, flightId: e.flightId, requestId: e.requestId });
        const answer = this.script({ index: this.fetches.length - 1, tier, at: this.now });
        if (answer === 'hang') return;
        const done = () => this.inFlight.delete(e.flightId);
        const event: SourceEvent =
          tier === 1
            ? { type: 'tier1-result', flightId: e.flightId, answer: answer as IdpAnswer }
            : answer === 'captured' || answer === 'timeout'
              ? { type: 'tier2-result', flightId: e.flightId, outcome: answer }
              : { type: 'tier2-result', flightId: e.flightId, outcome: 'needs-user', reason: (answer as Extract<IdpAnswer, { kind: 'needs-user' }>).reason };
        this.deliveries.push({ at: this.now + IDP_MS, event });
        this.deliveries.push({ at: this.now + IDP_MS, event: { type: 'tick' } }); // a stray tick at any time must change nothing
        this.afterDelivery.set(event, done);
        return;
      }
      case 'assume': {
        const at = this.now + STS_MS;
        const ok = this.assumeFailures-- <= 0;
        this.deliveries.push({ at, event: { type: 'assumed', flightId: e.flightId, ok, expirations: ok ? [at + LIFETIME] : [], lifetimeMs: LIFETIME } });
        return;
      }
    }
  }

  private afterDelivery = new Map<SourceEvent, () => void>();

  /** The person signs in (and the zero-click assume gives fresh credentials). */
  signIn(): Effect[] {
    this.expiry = this.now + LIFETIME;
    return this.dispatch({ type: 'captured', interactive: true, expirations: [this.expiry], lifetimeMs: LIFETIME });
  }

  /** The service worker stops: in-flight fetches and pending answers die with it; then it starts again. */
  restartWorker(): Effect[] {
    this.deliveries = this.deliveries.filter((d) => d.event.type === 'tick');
    this.inFlight.clear();
    return this.dispatch({ type: 'worker-started' });
  }

  run(until: number): void {
    for (let guard = 0; guard < 100_000; guard++) {
      const next = Math.min(this.alarm ?? Infinity, ...this.deliveries.map((d) => d.at));
      if (next > until) break;
      this.now = Math.max(this.now, next);
      const i = this.deliveries.findIndex((d) => d.at <= this.now);
      if (i >= 0) {
        const [d] = this.deliveries.splice(i, 1);
        this.afterDelivery.get(d!.event)?.();
        if (d!.event.type === 'assumed' && d!.event.ok) {
          const exp = d!.event.expirations[0]!;
          if (this.expiry !== undefined && this.expiry <= this.now) this.expiredGaps.push(this.now);
          this.expiry = exp;
        }
        this.dispatch(d!.event);
      } else {
        this.alarm = undefined;
        this.dispatch({ type: 'tick' });
      }
    }
    this.now = Math.max(this.now, until);
  }

  fetchesBetween(from: number, to: number) {
    return this.fetches.filter((f) => f.at >= from && f.at < to);
  }

  maxPerHour(): number {
    return Math.max(0, ...this.fetches.map((f) => this.fetchesBetween(f.at, f.at + HOUR).length));
  }
}

describe('a compressed day (120-second credentials)', () => {
  it('renews ≥ 6 cycles before expiry, one request per cycle, then stops at "no session" with one notification and resumes on sign-in', () => {
    let noSession = false;
    const day = new Day(() => (noSession ? needs('no-session') : OK));
    day.signIn();
    expect(day.state).toMatchObject({ kind: 'fresh', dueAt: T0 + 60_000 });

    day.run(T0 + 8 * 60_000);
    const cycles = day.fetches.length;
    expect(cycles).toBeGreaterThanOrEqual(6);
    expect(day.expiredGaps).toEqual([]);
    // Every renewal started with 60 s left (min(30 min, lifetime/2) scaled) and at most one request per cycle.
    const gaps = day.fetches.slice(1).map((f, i) => f.at - day.fetches[i]!.at);
    expect(new Set(gaps)).toEqual(new Set([LIFETIME - 60_000 + IDP_MS + STS_MS]));
    expect(day.notifies).toEqual([]);

    noSession = true;
    day.run(day.now + 10 * 60_000);
    expect(day.fetches.length).toBe(cycles + 1); // one passive request, then silence
    expect(day.notifies).toEqual([{ at: expect.any(Number), reason: 'no-session' }]);
    expect(day.state).toMatchObject({ kind: 'needs-you', reason: 'no-session', notified: true });

    noSession = false;
    const resumed = day.signIn();
    expect(resumed).toContainEqual({ type: 'clear-notification' });
    day.run(day.now + 5 * 60_000);
    expect(day.fetches.length).toBeGreaterThan(cycles + 3);
    expect(day.notifies).toHaveLength(1);
    expect(day.state.kind === 'fresh' || day.state.kind === 'renewing').toBe(true);
  });

  it('under constant throttling: the back-off sequence, and never more than 12 requests in any hour', () => {
    const day = new Day(() => ({ kind: 'throttled' }));
    day.signIn();
    day.run(T0 + 5 * HOUR);
    const waits = day.fetches.slice(1, 8).map((f, i) => f.at - day.fetches[i]!.at - IDP_MS);
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 16_000, 16_000]);
    expect(day.maxPerHour()).toBeLessThanOrEqual(12);
    expect(day.notifies).toEqual([]);
  });

  it('the hourly budget holds even when back-off is (mis)configured to nothing', () => {
    const day = new Day(() => ({ kind: 'transient', reason: 'server-error' }), { ...CFG, backoffMs: [1] });
    day.signIn();
    day.run(T0 + 3 * HOUR);
    expect(day.maxPerHour()).toBe(12);
    expect(day.fetches.length).toBeLessThanOrEqual(12 * 3 + 12);
  });

  it('a worker restart mid-flight sends no duplicate request: it waits for the deadline, then backs off', () => {
    const day = new Day(() => 'hang');
    day.signIn();
    day.run(T0 + 60_000);
    expect(day.fetches).toHaveLength(1);
    const flight = day.state;
    expect(flight).toMatchObject({ kind: 'renewing', tier: 1, stage: 'idp' });

    day.now += 300;
    const effects = day.restartWorker();
    expect(effects).toEqual([{ type: 'alarm', at: T0 + 60_000 + CFG.tier1DeadlineMs }]);
    expect(day.state).toEqual(flight);

    day.script = () => OK;
    day.run(T0 + 60_000 + CFG.tier1DeadlineMs - 1);
    expect(day.fetches).toHaveLength(1);
    day.run(T0 + 61_500);
    expect(day.state).toMatchObject({ kind: 'backoff', attempt: 1, retryAt: T0 + 60_000 + CFG.tier1DeadlineMs + CFG.backoffMs[0]! });
    day.run(T0 + 65_000);
    expect(day.fetches).toHaveLength(2);
    expect(day.fetches[1]!.requestId).not.toBe(day.fetches[0]!.requestId);
    expect(day.state).toMatchObject({ kind: 'fresh' });
  });

  it('a worker restart while fresh re-arms the alarm and renews at once when the time has passed (after sleep)', () => {
    const day = new Day(() => OK);
    day.signIn();
    expect(day.restartWorker()).toEqual([{ type: 'alarm', at: T0 + 60_000 }]);
    day.now = T0 + 90_000; // the machine slept through the alarm
    const effects = day.restartWorker();
    expect(effects.map((e) => e.type)).toEqual(['fetch-tier1', 'alarm']);
  });

  it('pauses after the idle limit since the last interactive sign-in, and resumes on the next one', () => {
    const day = new Day(() => OK);
    day.signIn();
    day.run(T0 + 10 * HOUR + 60_000);
    expect(day.state).toMatchObject({ kind: 'paused' });
    const before = day.fetches.length;
    expect(day.fetches.at(-1)!.at).toBeLessThan(T0 + 10 * HOUR);
    day.run(day.now + HOUR);
    expect(day.fetches.length).toBe(before);
    day.signIn();
    day.run(day.now + 2 * 60_000);
    expect(day.fetches.length).toBeGreaterThan(before);
  });
});

describe('tier 2 (the background tab)', () => {
  it('runs once, only after tier 1 says device SSO; a capture finishes the cycle', () => {
    const day = new Day(({ tier }) => (tier === 1 ? needs('device-sso') : 'captured'));
    day.signIn();
    day.run(T0 + 60_000 + 1_000);
    expect(day.fetches.map((f) => f.tier)).toEqual([1, 2]);
    expect(day.fetches[1]!.flightId).toBe(day.fetches[0]!.flightId);
    expect(day.state).toMatchObject({ kind: 'fresh' });
    day.run(T0 + 4 * 60_000);
    // The next cycle starts with tier 1 again.
    expect(day.fetches.map((f) => f.tier)).toEqual([1, 2, 1, 2, 1, 2, 1, 2].slice(0, day.fetches.length));
  });

  it('runs at most once per cycle: when the tab’s assertion cannot be used, the retry does not open another tab', () => {
    const day = new Day(({ tier }) => (tier === 1 ? needs('device-sso') : 'captured'));
    day.assumeFailures = 1;
    day.signIn();
    day.run(T0 + 60_000 + 10_000);
    expect(day.fetches.map((f) => f.tier)).toEqual([1, 2, 1]);
    expect(day.notifies.map((n) => n.reason)).toEqual(['device-sso']);
  });

  it('a tab that times out ends in one "needs you: device SSO"; no second tab', () => {
    const day = new Day(({ tier }) => (tier === 1 ? needs('device-sso') : 'timeout'));
    day.signIn();
    day.run(T0 + 10 * 60_000);
    expect(day.fetches.map((f) => f.tier)).toEqual([1, 2]);
    expect(day.notifies).toEqual([{ at: expect.any(Number), reason: 'device-sso' }]);
  });

  it('is never used when the setting is off, nor for other reasons', () => {
    const off = new Day(() => needs('device-sso'), { ...CFG, tier2: false });
    off.signIn();
    off.run(T0 + 10 * 60_000);
    expect(off.fetches.map((f) => f.tier)).toEqual([1]);
    expect(off.notifies.map((n) => n.reason)).toEqual(['device-sso']);

    const mfa = new Day(() => needs('mfa'));
    mfa.signIn();
    mfa.run(T0 + 10 * 60_000);
    expect(mfa.fetches.map((f) => f.tier)).toEqual([1]);
  });
});

describe('step: single events', () => {
  const fresh = () =>
    step(
      initialSourceState({ on: true, permission: true }),
      { type: 'captured', interactive: true, expirations: [T0 + LIFETIME], lifetimeMs: LIFETIME },
      T0,
      CFG,
    ).state;
  const renewing = () => step(fresh(), { type: 'tick' }, T0 + 60_000, CFG, { requestId: () => '_r1' }).state;

  it('a capture with nothing assumed yet keeps the source idle', () => {
    const { state, effects } = step(
      initialSourceState({ on: true, permission: true }),
      { type: 'captured', interactive: true, expirations: [], lifetimeMs: 0 },
      T0,
      CFG,
    );
    expect(state.kind).toBe('idle');
    expect(effects).toEqual([]);
  });

  it('an early tick does nothing', () => {
    expect(step(fresh(), { type: 'tick' }, T0 + 1_000, CFG)).toEqual({ state: fresh(), effects: [] });
  });

  it('results of another flight, or of the wrong tier, are ignored', () => {
    const s = renewing();
    expect(step(s, { type: 'tier1-result', flightId: 'f99', answer: OK }, T0 + 60_100, CFG).effects).toEqual([]);
    expect(step(s, { type: 'tier2-result', flightId: (s as { flightId: string }).flightId, outcome: 'captured' }, T0 + 60_100, CFG).effects).toEqual([]);
    expect(
      step(s, { type: 'assumed', flightId: (s as { flightId: string }).flightId, ok: true, expirations: [T0 + 999_999] }, T0 + 60_100, CFG).effects,
    ).toEqual([]);
  });

  it('a sign-in during a flight does not start a second one', () => {
    const { state, effects } = step(renewing(), { type: 'captured', interactive: true, expirations: [T0 + 60_000], lifetimeMs: LIFETIME }, T0 + 60_050, CFG);
    expect(state.kind).toBe('renewing');
    expect(effects).toEqual([]);
  });

  it('an assertion leads to assume; a failed assume backs off', () => {
    const s = renewing();
    const flightId = (s as { flightId: string }).flightId;
    const a = step(s, { type: 'tier1-result', flightId, answer: OK }, T0 + 60_200, CFG);
    expect(a.effects).toEqual([
      { type: 'assume', flightId },
      { type: 'alarm', at: T0 + 60_200 + CFG.assumeDeadlineMs },
    ]);
    const b = step(a.state, { type: 'assumed', flightId, ok: false, expirations: [] }, T0 + 60_300, CFG);
    expect(b.state).toMatchObject({ kind: 'backoff', attempt: 1 });
  });

  it('"signed request required" makes the source manual for good', () => {
    const s = renewing();
    const { state, effects } = step(
      s,
      { type: 'tier1-result', flightId: (s as { flightId: string }).flightId, answer: needs('signed-request-required') },
      T0 + 60_200,
      CFG,
    );
    expect(state).toMatchObject({ kind: 'manual', reason: 'signed-request-required' });
    expect(effects).toEqual([]);
    expect(step(state, { type: 'captured', interactive: true, expirations: [T0 + 500_000], lifetimeMs: LIFETIME }, T0 + 70_000, CFG).state.kind).toBe('manual');
  });

  it('switching off clears a needs-you notification; switching on schedules again', () => {
    const s = renewing();
    const needsYou = step(s, { type: 'tier1-result', flightId: (s as { flightId: string }).flightId, answer: needs('mfa') }, T0 + 60_200, CFG);
    expect(needsYou.effects).toEqual([{ type: 'notify', reason: 'mfa' }]);
    const off = step(needsYou.state, { type: 'switched', on: false }, T0 + 61_000, CFG);
    expect(off).toEqual({ state: expect.objectContaining({ kind: 'off' }), effects: [{ type: 'clear-notification' }] });
    expect(step(off.state, { type: 'tick' }, T0 + 999_000, CFG).effects).toEqual([]);
    const on = step(off.state, { type: 'switched', on: true }, T0 + 62_000, CFG, { requestId: () => '_r2' });
    expect(on.effects).toContainEqual({ type: 'fetch-tier1', flightId: expect.any(String), requestId: '_r2' });
  });

  it('without host permission the source is manual; granting it schedules', () => {
    const s = step(fresh(), { type: 'permission', granted: false }, T0 + 1_000, CFG);
    expect(s.state).toMatchObject({ kind: 'manual', reason: 'no-permission' });
    expect(step(s.state, { type: 'tick' }, T0 + 60_000, CFG).effects).toEqual([]);
    const g = step(s.state, { type: 'permission', granted: true }, T0 + 2_000, CFG);
    expect(g.state).toMatchObject({ kind: 'fresh', dueAt: T0 + 60_000 });
  });

  it('a non-Entra source is manual from its first capture', () => {
    const s = step(
      initialSourceState({ on: true, permission: true }),
      { type: 'captured', interactive: true, expirations: [T0 + LIFETIME], lifetimeMs: LIFETIME, manual: 'not-entra' },
      T0,
      CFG,
    );
    expect(s).toEqual({ state: expect.objectContaining({ kind: 'manual', reason: 'not-entra' }), effects: [] });
  });

  it('a sign-in made in a Firefox container is manual (no request is sent); the next one outside it renews again', () => {
    const inContainer = step(
      initialSourceState({ on: true, permission: true }),
      { type: 'captured', interactive: true, expirations: [T0 + LIFETIME], lifetimeMs: LIFETIME, manual: 'container' },
      T0,
      CFG,
    );
    expect(inContainer).toEqual({ state: expect.objectContaining({ kind: 'manual', reason: 'container' }), effects: [] });
    expect(step(inContainer.state, { type: 'tick' }, T0 + LIFETIME, CFG).effects).toEqual([]);
    const outside = step(
      inContainer.state,
      { type: 'captured', interactive: true, expirations: [T0 + 1_000 + LIFETIME], lifetimeMs: LIFETIME },
      T0 + 1_000,
      CFG,
    );
    expect(outside.state).toMatchObject({ kind: 'fresh' });
  });

  it('roles the person assumes themselves move the renewal point', () => {
    const s = step(fresh(), { type: 'assumed', ok: true, expirations: [T0 + 10_000 + LIFETIME], lifetimeMs: LIFETIME }, T0 + 10_000, CFG);
    expect(s).toEqual({ state: expect.objectContaining({ kind: 'fresh', dueAt: T0 + 70_000 }), effects: [{ type: 'alarm', at: T0 + 70_000 }] });
  });
});
