/**
 * The agent's memory: the extension's live sessions (replaced whole on each push, never written anywhere) and how
 * a request for one profile is answered — at once when at least `FLOOR_MS` of validity is left, else after one
 * renewal by the extension, shared by every request for roles of the same sign-in source.
 */
import type { AgentRenewResult, AgentSession } from '../../lib/host-protocol';
import type { AwsCredentials } from '../../lib/credentials';
import type { WireErrorCode } from './wire';

/** Answers carry at least 20 minutes: botocore re-runs credential_process below 15 minutes. */
export const FLOOR_MS = 20 * 60_000;
/**
 * After a renewal, credentials that still fall short of the floor (a role whose sessions last 15 minutes) are
 * served if they beat botocore's mandatory 10 minutes with a minute to spare.
 */
export const HARD_FLOOR_MS = 11 * 60_000;
/** How long a renewal may take before the request gives up (the extension's STS calls take 15 s at most each). */
export const RENEW_TIMEOUT_MS = 30_000;
/** Profiles remembered after their session went away, so an expired one reads "sign in again", not "unknown". */
const MAX_KNOWN = 2000;

export type Answer = { ok: true; credentials: AwsCredentials } | { ok: false; code: WireErrorCode; message: string };

/** What the agent asks the extension for over the native port. */
export interface AgentBridge {
  /** Renew these roles; resolves once the extension pushed the new sessions (or could not). */
  renew(roleArns: string[]): Promise<AgentRenewResult>;
  /** Open the sign-in for the profile's source (for `--wait`). */
  openSignIn(profile: string, roleArn: string | null): void;
}

const SIGN_IN = 'Sign in to AWS again in the browser, then run the command again';

export class AgentState {
  private sessions = new Map<string, AgentSession>();
  private readonly known = new Map<string, { roleArn: string; sourceKey?: string }>();
  private readonly inflight = new Map<string, Promise<AgentRenewResult | 'timeout'>>();
  private readonly waiters = new Set<() => void>();
  /** How many renewals were asked of the extension (for tests and the bench). */
  renewals = 0;

  constructor(
    private readonly bridge: AgentBridge,
    private readonly now: () => number = Date.now,
    private readonly renewTimeoutMs = RENEW_TIMEOUT_MS,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Replaces every session with `sessions` and wakes the requests waiting for a change. */
  setSessions(sessions: readonly AgentSession[]): void {
    this.sessions = new Map(sessions.map((s) => [s.profile, s]));
    for (const s of sessions) {
      this.known.delete(s.profile);
      this.known.set(s.profile, { roleArn: s.roleArn, ...(s.sourceKey ? { sourceKey: s.sourceKey } : {}) });
    }
    while (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
    for (const wake of [...this.waiters]) wake();
  }

  /** Forgets every session (the port closed). */
  clear(): void {
    this.sessions = new Map();
    for (const wake of [...this.waiters]) wake();
  }

  private left(s: AgentSession): number {
    return Date.parse(s.credentials.expiration) - this.now();
  }

  /**
   * Credentials for `profile` with at least the floor left, renewing first when needed. With `waitMs` > 0, a
   * profile that needs the user opens the sign-in and waits that long for fresh sessions.
   */
  async answer(profile: string, waitMs = 0): Promise<Answer> {
    const start = this.now();
    const waitUntil = start + waitMs;
    const giveUpAt = start + Math.max(waitMs, this.renewTimeoutMs);
    let renewed = false;
    let askedSignIn = false;
    let failure: Answer & { ok: false } = { ok: false, code: 'needs-sign-in', message: `No fresh credentials for profile ${profile}. ${SIGN_IN}.` };
    for (;;) {
      const s = this.sessions.get(profile);
      if (s && this.left(s) >= FLOOR_MS) return { ok: true, credentials: s.credentials };
      if (s && renewed && this.left(s) > HARD_FLOOR_MS) return { ok: true, credentials: s.credentials };
      const known = this.known.get(profile);
      if (!known) {
        failure =
          this.sessions.size === 0
            ? { ok: false, code: 'needs-sign-in', message: `The browser has no live AWS sessions. ${SIGN_IN}.` }
            : { ok: false, code: 'unknown-profile', message: this.unknownText(profile) };
      } else if (!renewed) {
        renewed = true;
        const result = await this.renew(known.sourceKey ?? known.roleArn, known.roleArn, giveUpAt);
        if (result === 'timeout') return { ok: false, code: 'timeout', message: `The browser did not renew profile ${profile} in time. Try again.` };
        if (result.ok) continue;
        if (result.reason === 'blocked') return { ok: false, code: 'blocked', message: result.message };
        const current = this.sessions.get(profile);
        if (current && this.left(current) > HARD_FLOOR_MS) return { ok: true, credentials: current.credentials };
        failure = { ok: false, code: 'needs-sign-in', message: result.message };
      }
      if (this.now() >= waitUntil) {
        return waitMs > 0 ? { ok: false, code: 'timeout', message: `No fresh credentials within ${Math.round(waitMs / 1000)} s. ${failure.message}` } : failure;
      }
      if (!askedSignIn) {
        askedSignIn = true;
        this.bridge.openSignIn(profile, known?.roleArn ?? null);
      }
      await this.changed(waitUntil);
    }
  }

  private unknownText(profile: string): string {
    const names = [...this.sessions.keys()].sort();
    const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, … (${names.length} in all)` : '');
    return `The browser has no session for profile ${profile} (it has: ${shown}). Assume that role in the extension's popup, or check the name.`;
  }

  /** One renewal per key at a time: every request for a role of the same source shares it. */
  private renew(key: string, roleArn: string, giveUpAt: number): Promise<AgentRenewResult | 'timeout'> {
    let pending = this.inflight.get(key);
    if (!pending) {
      const roleArns = new Set([roleArn]);
      for (const s of this.sessions.values()) {
        if ((s.sourceKey ?? s.roleArn) === key && this.left(s) < FLOOR_MS) roleArns.add(s.roleArn);
      }
      this.renewals++;
      pending = this.bridge.renew([...roleArns]).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), Math.max(0, giveUpAt - this.now()));
      void pending.then(
        (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        () => {
          clearTimeout(timer);
          resolve('timeout');
        },
      );
    });
  }

  /** Resolves on the next push (or clear), or at `until`. */
  private changed(until: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, until - this.now()));
      this.waiters.add(done);
    });
  }
}
