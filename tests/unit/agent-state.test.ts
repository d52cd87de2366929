/** The agent's answers: the 20-minute floor, one renewal shared by concurrent requests, and every failure's code. */
import { describe, expect, it } from 'vitest';
import type { AgentRenewResult, AgentSession } from '../../lib/host-protocol';
import { AgentState, FLOOR_MS, HARD_FLOOR_MS, type AgentBridge } from '../../native-host/agent/state';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();
const SOURCE = 'https://sts.windows.net/tenant-1/|https://signin.aws.amazon.com/saml|https://signin.aws.amazon.com/saml';
const session = (profile: string, leftMs: number, tag = 'A', sourceKey: string | undefined = SOURCE): AgentSession => ({
  profile,
  roleArn: `arn:aws:iam::111111111111:role/${profile}`,
  credentials: { accessKeyId: `ASIA${tag.padEnd(16, 'X')}`, secretAccessKey: 'secret/key+value', sessionToken: 'token+/==', expiration: at(leftMs) },
  ...(sourceKey ? { sourceKey } : {}),
});

/** A bridge whose renewals the test settles by hand, after pushing new sessions like the extension does. */
function bridge() {
  const calls: string[][] = [];
  const signIns: string[] = [];
  const settle: ((r: AgentRenewResult) => void)[] = [];
  const b: AgentBridge = {
    renew: (arns) => {
      calls.push(arns);
      return new Promise((r) => settle.push(r));
    },
    openSignIn: (profile) => void signIns.push(profile),
  };
  return { b, calls, signIns, settle };
}

describe('AgentState.answer', () => {
  it('a session with more than 20 minutes left is answered at once, without a renewal', async () => {
    const { b, calls } = bridge();
    const s = new AgentState(b, () => NOW);
    s.setSessions([session('dev', FLOOR_MS + 1000)]);
    await expect(s.answer('dev')).resolves.toMatchObject({ ok: true, credentials: { accessKeyId: 'ASIAAXXXXXXXXXXXXXXX' } });
    expect(calls).toEqual([]);
  });

  it('20 concurrent requests for roles of one source below the floor → ONE renewal of the short ones, all answered with the new keys', async () => {
    const { b, calls, settle } = bridge();
    const s = new AgentState(b, () => NOW);
    s.setSessions([session('dev', 15 * 60_000), session('ops', 14 * 60_000), session('fresh', 3600_000), session('other', 60_000, 'A', 'another-source')]);
    const answers = Promise.all(Array.from({ length: 20 }, (_, i) => s.answer(i % 2 ? 'dev' : 'ops')));
    await new Promise((r) => setTimeout(r, 10));
    // Only the roles of that source that are short: not `fresh`, not the other source's.
    expect(calls.map((c) => [...c].sort())).toEqual([['arn:aws:iam::111111111111:role/dev', 'arn:aws:iam::111111111111:role/ops']]);
    expect(s.renewals).toBe(1);
    s.setSessions([session('dev', 3600_000, 'B'), session('ops', 3600_000, 'C'), session('fresh', 3600_000)]);
    settle[0]!({ ok: true });
    const got = await answers;
    expect(got.every((a) => a.ok)).toBe(true);
    expect(new Set(got.map((a) => (a.ok ? a.credentials.accessKeyId : '')))).toEqual(new Set(['ASIABXXXXXXXXXXXXXXX', 'ASIACXXXXXXXXXXXXXXX']));
    expect(s.renewals).toBe(1);
  });

  it('after a renewal that still falls short of 20 minutes (a 15-minute role), what is left is served above 11 minutes', async () => {
    const { b, settle } = bridge();
    const s = new AgentState(b, () => NOW);
    s.setSessions([session('short', 5 * 60_000)]);
    const answer = s.answer('short');
    await new Promise((r) => setTimeout(r, 5));
    s.setSessions([session('short', 15 * 60_000, 'N')]);
    settle[0]!({ ok: true });
    await expect(answer).resolves.toMatchObject({ ok: true, credentials: { accessKeyId: 'ASIANXXXXXXXXXXXXXXX' } });
  });

  it.each([
    [
      'needs sign-in, nothing usable left',
      HARD_FLOOR_MS - 1000,
      { ok: false, reason: 'needs-sign-in', message: 'Sign in again.' },
      { ok: false, code: 'needs-sign-in', message: 'Sign in again.' },
    ],
    [
      'needs sign-in, but more than 11 minutes left: served',
      HARD_FLOOR_MS + 60_000,
      { ok: false, reason: 'needs-sign-in', message: 'Sign in again.' },
      { ok: true },
    ],
    [
      'blocked by policy',
      60_000,
      { ok: false, reason: 'blocked', message: 'Blocked by your organisation.' },
      { ok: false, code: 'blocked', message: 'Blocked by your organisation.' },
    ],
  ] as const)('renewal refused: %s', async (_name, left, result, expected) => {
    const { b, settle } = bridge();
    const s = new AgentState(b, () => NOW);
    s.setSessions([session('dev', left)]);
    const answer = s.answer('dev');
    await new Promise((r) => setTimeout(r, 5));
    settle[0]!(result);
    await expect(answer).resolves.toMatchObject(expected);
  });

  it('a renewal that never ends: the request gives up with "timeout"', async () => {
    const { b } = bridge();
    const s = new AgentState(b, () => NOW, 50);
    s.setSessions([session('dev', 2 * 60_000)]);
    await expect(s.answer('dev')).resolves.toMatchObject({ ok: false, code: 'timeout' });
  });

  it('no sessions at all → needs sign-in; sessions but not this profile → unknown profile, naming the ones there are', async () => {
    const { b, calls } = bridge();
    const s = new AgentState(b, () => NOW);
    await expect(s.answer('dev')).resolves.toMatchObject({
      ok: false,
      code: 'needs-sign-in',
      message: expect.stringContaining('no live AWS sessions') as unknown,
    });
    s.setSessions([session('ops', 3600_000), session('audit', 3600_000)]);
    await expect(s.answer('dev')).resolves.toEqual({
      ok: false,
      code: 'unknown-profile',
      message: "The browser has no session for profile dev (it has: audit, ops). Assume that role in the extension's popup, or check the name.",
    });
    expect(calls).toEqual([]);
  });

  it('a profile whose session expired and went away is renewed, not called unknown', async () => {
    const { b, calls, settle } = bridge();
    const s = new AgentState(b, () => NOW);
    s.setSessions([session('dev', 3600_000), session('ops', 3600_000)]);
    s.setSessions([session('ops', 3600_000)]);
    const answer = s.answer('dev');
    await new Promise((r) => setTimeout(r, 5));
    expect(calls).toEqual([['arn:aws:iam::111111111111:role/dev']]);
    settle[0]!({ ok: false, reason: 'needs-sign-in', message: 'Sign in again.' });
    await expect(answer).resolves.toMatchObject({ ok: false, code: 'needs-sign-in' });
  });

  it('--wait: opens the sign-in once and answers when fresh sessions arrive', async () => {
    const { b, signIns } = bridge();
    // Real timers run the wait, so the clock moves in real time — from NOW, which the sessions' expirations count from.
    const started = Date.now();
    const s = new AgentState(b, () => NOW + (Date.now() - started));
    const answer = s.answer('dev', 2000);
    await new Promise((r) => setTimeout(r, 20));
    expect(signIns).toEqual(['dev']);
    s.setSessions([session('ops', 3600_000)]);
    await new Promise((r) => setTimeout(r, 20));
    s.setSessions([session('ops', 3600_000), session('dev', 3600_000, 'W')]);
    await expect(answer).resolves.toMatchObject({ ok: true, credentials: { accessKeyId: 'ASIAWXXXXXXXXXXXXXXX' } });
    expect(signIns).toEqual(['dev']);
  });

  it('--wait that runs out: "timeout" with the reason', async () => {
    const { b } = bridge();
    const s = new AgentState(b, () => Date.now());
    await expect(s.answer('dev', 100)).resolves.toMatchObject({
      ok: false,
      code: 'timeout',
      message: expect.stringContaining('No fresh credentials within 0 s.') as unknown,
    });
  });
});
