/**
 * The per-source state machine of silent renewal as a pure reducer: `step(state, event, now, config)` returns the
 * next state and the effects the engine must carry out. Single flight, the IdP request budget, back-off, tier 2 at
 * most once per cycle and one notification per "needs you" episode are all enforced here. The state is plain JSON
 * (the engine keeps it in storage.session, so it survives the service worker stopping).
 */
import type { IdpAnswer } from './classify';
import { newRequestId } from './ids';
import type { NeedsUserReason } from './needs-user';
import { backoffDelay, budgetAllows, DEFAULT_SCHEDULE, isPausedForIdle, nextBudgetSlot, recentRequests, renewalDueAt, type ScheduleConfig } from './schedule';

/** Why a source is manual: no silent renewal for it until the cause changes. */
/** `container`: the sign-in was made in a Firefox container tab, whose cookies a background request cannot use. */
export type ManualReason = 'not-entra' | 'no-permission' | 'signed-request-required' | 'no-source' | 'container';

export type SourcePhase =
  | { kind: 'idle' }
  | { kind: 'fresh'; dueAt: number }
  | { kind: 'renewing'; flightId: string; startedAt: number; tier: 1 | 2; requestId: string; stage: 'idp' | 'assume'; stageStartedAt: number }
  | { kind: 'backoff'; attempt: number; retryAt: number }
  | { kind: 'needs-you'; reason: NeedsUserReason; since: number; notified: boolean }
  | { kind: 'paused'; since: number }
  | { kind: 'manual'; reason: ManualReason }
  | { kind: 'off' };

/** What a source remembers across phases. */
export interface SourceMemory {
  /** Expiry (epoch ms) of each credential kept fresh for this source. */
  expirations: number[];
  lifetimeMs: number;
  /** The last sign-in the person made themselves. */
  lastInteractiveAt?: number;
  /** Times of IdP requests in the last budget window. */
  requests: number[];
  /** Consecutive failed renewals (reset by a success or a sign-in). */
  failures: number;
  /** Whether tier 2 already ran in this renewal cycle. */
  tier2Tried: boolean;
  /** Keep fresh switched on (by the user or policy). */
  on: boolean;
  /** Host permission for the IdP host granted. */
  permission: boolean;
  /** Set when the refresh source itself cannot be renewed silently (e.g. a non-Entra IdP). */
  sourceManual?: ManualReason;
  /** Counter behind flight ids. */
  flights: number;
}

export type SourceState = SourcePhase & SourceMemory;

export type Tier2Outcome = 'captured' | 'needs-user' | 'timeout';

export type SourceEvent =
  | { type: 'captured'; interactive: boolean; expirations: number[]; lifetimeMs: number; manual?: ManualReason }
  | { type: 'tick' }
  | { type: 'tier1-result'; flightId: string; answer: IdpAnswer }
  | { type: 'tier2-result'; flightId: string; outcome: Tier2Outcome; reason?: NeedsUserReason }
  | { type: 'assumed'; flightId?: string; ok: boolean; expirations: number[]; lifetimeMs?: number }
  | { type: 'worker-started' }
  | { type: 'switched'; on: boolean }
  | { type: 'permission'; granted: boolean };

export type Effect =
  | { type: 'fetch-tier1'; flightId: string; requestId: string }
  | { type: 'open-tier2'; flightId: string; requestId: string }
  | { type: 'assume'; flightId: string }
  | { type: 'notify'; reason: NeedsUserReason }
  | { type: 'alarm'; at: number }
  | { type: 'clear-notification' };

export interface RenewalConfig extends ScheduleConfig {
  /** Whether tier 2 (a background tab) may run when tier 1 says the tenant needs device SSO. */
  tier2: boolean;
}

export const DEFAULT_RENEWAL_CONFIG: Readonly<RenewalConfig> = { ...DEFAULT_SCHEDULE, tier2: true };

/** Where random request IDs come from; tests pass a counter. */
export interface StepDeps {
  requestId: () => string;
}

const DEFAULT_DEPS: StepDeps = { requestId: newRequestId };

export interface StepResult {
  state: SourceState;
  effects: Effect[];
}

/** A new source: nothing to keep fresh yet. */
export function initialSourceState(opts: { on: boolean; permission: boolean; manual?: ManualReason }): SourceState {
  const memory: SourceMemory = {
    expirations: [],
    lifetimeMs: 0,
    requests: [],
    failures: 0,
    tier2Tried: false,
    on: opts.on,
    permission: opts.permission,
    flights: 0,
  };
  if (opts.manual) memory.sourceManual = opts.manual;
  return settle({ kind: 'idle', ...memory });
}

function memoryOf(state: SourceState): SourceMemory {
  const m: SourceMemory = {
    expirations: state.expirations,
    lifetimeMs: state.lifetimeMs,
    requests: state.requests,
    failures: state.failures,
    tier2Tried: state.tier2Tried,
    on: state.on,
    permission: state.permission,
    flights: state.flights,
  };
  if (state.lastInteractiveAt !== undefined) m.lastInteractiveAt = state.lastInteractiveAt;
  if (state.sourceManual !== undefined) m.sourceManual = state.sourceManual;
  return m;
}

function withPhase(memory: SourceMemory, phase: SourcePhase): SourceState {
  return { ...phase, ...memory };
}

/** Off or manual when a standing condition says so; otherwise the state as it is. */
function settle(state: SourceState): SourceState {
  const memory = memoryOf(state);
  if (!memory.on) return withPhase(memory, { kind: 'off' });
  if (memory.sourceManual) return withPhase(memory, { kind: 'manual', reason: memory.sourceManual });
  if (!memory.permission) return withPhase(memory, { kind: 'manual', reason: 'no-permission' });
  return state;
}

class Stepper {
  readonly effects: Effect[] = [];
  memory: SourceMemory;

  constructor(
    state: SourceState,
    readonly now: number,
    readonly config: Readonly<RenewalConfig>,
    readonly deps: StepDeps,
  ) {
    this.memory = { ...memoryOf(state), requests: recentRequests(state.requests, now, config) };
  }

  phase(phase: SourcePhase): SourceState {
    return withPhase(this.memory, phase);
  }

  alarm(at: number): void {
    this.effects.push({ type: 'alarm', at });
  }

  /** Fresh until the renewal point, or renew now when it has passed; idle when nothing is kept fresh. */
  schedule(): SourceState {
    const dueAt = renewalDueAt(this.memory.expirations, this.memory.lifetimeMs, this.config);
    if (dueAt === undefined) return this.phase({ kind: 'idle' });
    if (dueAt > this.now) {
      this.alarm(dueAt);
      return this.phase({ kind: 'fresh', dueAt });
    }
    return this.start();
  }

  /** Starts a tier-1 flight if the idle limit and the budget allow; otherwise waits. */
  start(): SourceState {
    const settled = settle(this.phase({ kind: 'idle' }));
    if (settled.kind !== 'idle') return settled;
    if (isPausedForIdle(this.memory.lastInteractiveAt, this.now, this.config.idleLimitHours, this.config))
      return this.phase({ kind: 'paused', since: this.now });
    if (!budgetAllows(this.memory.requests, this.now, this.config)) {
      const retryAt = nextBudgetSlot(this.memory.requests, this.now, this.config);
      this.alarm(retryAt);
      return this.phase({ kind: 'backoff', attempt: this.memory.failures, retryAt });
    }
    return this.fly(1);
  }

  fly(tier: 1 | 2, flightId?: string): SourceState {
    const id = flightId ?? `f${++this.memory.flights}`;
    const requestId = this.deps.requestId();
    this.memory.requests = [...this.memory.requests, this.now];
    this.effects.push(tier === 1 ? { type: 'fetch-tier1', flightId: id, requestId } : { type: 'open-tier2', flightId: id, requestId });
    this.alarm(this.now + (tier === 1 ? this.config.tier1DeadlineMs : this.config.tier2DeadlineMs));
    return this.phase({ kind: 'renewing', flightId: id, startedAt: this.now, tier, requestId, stage: 'idp', stageStartedAt: this.now });
  }

  /** A failed attempt: wait by the back-off table (and the budget), then try again. */
  backoff(): SourceState {
    this.memory.failures += 1;
    const wait = this.now + backoffDelay(this.memory.failures, this.config);
    const retryAt = Math.max(wait, nextBudgetSlot(this.memory.requests, wait, this.config));
    this.alarm(retryAt);
    return this.phase({ kind: 'backoff', attempt: this.memory.failures, retryAt });
  }

  needsYou(reason: NeedsUserReason, current: SourceState): SourceState {
    if (current.kind === 'needs-you') return this.phase(current);
    this.effects.push({ type: 'notify', reason });
    return this.phase({ kind: 'needs-you', reason, since: this.now, notified: true });
  }

  deadlineOf(state: Extract<SourcePhase, { kind: 'renewing' }>): number {
    const span = state.stage === 'assume' ? this.config.assumeDeadlineMs : state.tier === 1 ? this.config.tier1DeadlineMs : this.config.tier2DeadlineMs;
    return state.stageStartedAt + span;
  }

  /** Re-arms the alarm the phase waits for, or acts when its time has come. */
  wake(state: SourceState, reArm: boolean): SourceState {
    switch (state.kind) {
      case 'fresh':
        if (this.now >= state.dueAt) return this.start();
        if (reArm) this.alarm(state.dueAt);
        return this.phase(state);
      case 'backoff':
        if (this.now >= state.retryAt) return this.start();
        if (reArm) this.alarm(state.retryAt);
        return this.phase(state);
      case 'renewing': {
        const deadline = this.deadlineOf(state);
        // Past its deadline the flight is abandoned (its request was sent; sending another now would duplicate it).
        if (this.now >= deadline) return this.backoff();
        if (reArm) this.alarm(deadline);
        return this.phase(state);
      }
      default:
        return this.phase(state);
    }
  }
}

function isFlight(state: SourceState, flightId: string, tier?: 1 | 2): state is SourceState & Extract<SourcePhase, { kind: 'renewing' }> {
  return state.kind === 'renewing' && state.flightId === flightId && (tier === undefined || state.tier === tier);
}

/** One step of a source's state machine. Pure apart from `deps.requestId` (random by default). */
export function step(
  state: SourceState,
  event: SourceEvent,
  now: number,
  config: Readonly<RenewalConfig> = DEFAULT_RENEWAL_CONFIG,
  deps: StepDeps = DEFAULT_DEPS,
): StepResult {
  const s = new Stepper(state, now, config, deps);
  const next = transition(s, state, event);
  if (state.kind === 'needs-you' && next.kind !== 'needs-you' && state.notified) s.effects.push({ type: 'clear-notification' });
  return { state: next, effects: s.effects };
}

function transition(s: Stepper, state: SourceState, event: SourceEvent): SourceState {
  const m = s.memory;
  switch (event.type) {
    case 'captured': {
      if (event.manual !== undefined) m.sourceManual = event.manual;
      else if (m.sourceManual === 'not-entra' || m.sourceManual === 'no-source' || m.sourceManual === 'container') delete m.sourceManual;
      if (event.interactive) {
        m.lastInteractiveAt = s.now;
        m.failures = 0;
      }
      if (event.expirations.length > 0) {
        m.expirations = event.expirations;
        m.lifetimeMs = event.lifetimeMs;
      }
      // Single flight: a sign-in during a flight (our own tier-2 tab's, or the person's) lets the flight finish.
      if (state.kind === 'renewing') return s.phase(state);
      if (event.interactive) m.tier2Tried = false;
      const settled = settle(s.phase({ kind: 'idle' }));
      if (settled.kind !== 'idle') return settled;
      if (!event.interactive && (state.kind === 'needs-you' || state.kind === 'paused')) return s.phase(state);
      return s.schedule();
    }
    case 'tick':
      return s.wake(state, false);
    case 'worker-started':
      return s.wake(settle(s.phase(state)), true);
    case 'switched': {
      m.on = event.on;
      if (!event.on) return s.phase({ kind: 'off' });
      if (state.kind !== 'off') return s.phase(state);
      return settle(s.phase({ kind: 'idle' })).kind === 'idle' ? s.schedule() : settle(s.phase({ kind: 'idle' }));
    }
    case 'permission': {
      m.permission = event.granted;
      const settled = settle(s.phase({ kind: 'idle' }));
      if (settled.kind !== 'idle') return settled;
      return state.kind === 'manual' ? s.schedule() : s.phase(state);
    }
    case 'tier1-result': {
      if (!isFlight(state, event.flightId, 1) || state.stage !== 'idp') return s.phase(state);
      const answer = event.answer;
      switch (answer.kind) {
        case 'assertion':
          s.effects.push({ type: 'assume', flightId: state.flightId });
          s.alarm(s.now + s.config.assumeDeadlineMs);
          return s.phase({ ...state, stage: 'assume', stageStartedAt: s.now });
        case 'throttled':
        case 'transient':
          return s.backoff();
        case 'hop':
          // The engine follows hops itself; one reaching here exceeded its limit.
          return s.needsYou('unknown-page', state);
        case 'needs-user':
          if (answer.reason === 'signed-request-required') {
            m.sourceManual = 'signed-request-required';
            return s.phase({ kind: 'manual', reason: 'signed-request-required' });
          }
          if (answer.reason === 'device-sso' && s.config.tier2 && !m.tier2Tried) {
            if (!budgetAllows(m.requests, s.now, s.config)) return s.backoff();
            m.tier2Tried = true;
            return s.fly(2, state.flightId);
          }
          return s.needsYou(answer.reason, state);
      }
      return s.phase(state);
    }
    case 'tier2-result': {
      if (!isFlight(state, event.flightId, 2) || state.stage !== 'idp') return s.phase(state);
      if (event.outcome === 'captured') {
        s.effects.push({ type: 'assume', flightId: state.flightId });
        s.alarm(s.now + s.config.assumeDeadlineMs);
        return s.phase({ ...state, stage: 'assume', stageStartedAt: s.now });
      }
      return s.needsYou(event.outcome === 'needs-user' ? (event.reason ?? 'device-sso') : 'device-sso', state);
    }
    case 'assumed': {
      if (event.flightId === undefined) {
        // Roles the person assumed themselves: keep fresh what they now hold.
        if (event.ok && event.expirations.length > 0) {
          m.expirations = event.expirations;
          if (event.lifetimeMs !== undefined) m.lifetimeMs = event.lifetimeMs;
          if (state.kind === 'fresh' || state.kind === 'idle' || state.kind === 'backoff') return s.schedule();
        }
        return s.phase(state);
      }
      if (!isFlight(state, event.flightId) || state.stage !== 'assume') return s.phase(state);
      if (!event.ok) return s.backoff();
      m.failures = 0;
      m.tier2Tried = false;
      if (event.expirations.length > 0) {
        m.expirations = event.expirations;
        if (event.lifetimeMs !== undefined) m.lifetimeMs = event.lifetimeMs;
      }
      const dueAt = renewalDueAt(m.expirations, m.lifetimeMs, s.config);
      // A renewal that did not move the renewal point forward would loop: treat it as a failure.
      if (dueAt === undefined || dueAt <= s.now) return s.backoff();
      s.alarm(dueAt);
      return s.phase({ kind: 'fresh', dueAt });
    }
  }
}
