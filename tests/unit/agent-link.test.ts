/** The extension's side of the agent, with a fake native port: start, pushes, renewals answered after the push, back-off. */
import { describe, expect, it } from 'vitest';
import { AgentLink, type AgentHooks, type AgentStatus } from '../../lib/agent-link';
import type { AgentRenewResult, AgentSession } from '../../lib/host-protocol';
import { fakePort } from '../support/fake-port';

const ARN = 'arn:aws:iam::111111111111:role/Admin';
const session: AgentSession = {
  profile: 'prod-admin',
  roleArn: ARN,
  credentials: { accessKeyId: 'ASIAEXAMPLE000000001', secretAccessKey: 'secret/key', sessionToken: 'token+/==', expiration: '2030-11-22T11:00:00Z' },
};
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

function setup(renew: (arns: string[]) => Promise<AgentRenewResult> = () => Promise.resolve({ ok: true }), backoffMs = [5, 5]) {
  const ports: ReturnType<typeof fakePort>[] = [];
  const statuses: AgentStatus[] = [];
  const signIns: string[] = [];
  let sessions: AgentSession[] = [session];
  const hooks: AgentHooks = {
    sessions: () => Promise.resolve(sessions),
    renew,
    openSignIn: (p) => void signIns.push(p),
    status: (s) => void statuses.push(s),
  };
  const link = new AgentLink(
    () => {
      const p = fakePort();
      ports.push(p);
      return p;
    },
    hooks,
    { backoffMs },
  );
  /** Answers every request posted on the last port so far with an ok reply. */
  const answerAll = (port = ports.at(-1)!) => {
    for (const m of port.posted.splice(0)) {
      const body = m.type === 'agent-start' ? { endpoint: '/run/user/1000/aws-saml-bridge/agent.sock' } : m.type === 'agent-sessions' ? { count: 1 } : {};
      port.reply({ v: 1, id: m.id, ok: true, type: m.type, ...body });
    }
  };
  return { link, ports, statuses, signIns, answerAll, setSessions: (s: AgentSession[]) => (sessions = s) };
}

describe('AgentLink', () => {
  it('starts the agent on one port and pushes the live sessions, then says it serves', async () => {
    const t = setup();
    t.link.start();
    t.link.start();
    expect(t.ports).toHaveLength(1);
    expect(t.ports[0]!.posted.map((m) => m.type)).toEqual(['agent-start']);
    t.answerAll();
    await tick();
    const push = t.ports[0]!.posted[0] as unknown as { type: string; sessions: AgentSession[] };
    expect(push.type).toBe('agent-sessions');
    expect(push.sessions).toEqual([session]);
    t.answerAll();
    await tick();
    expect(t.statuses.at(-1)).toEqual({ state: 'serving', endpoint: '/run/user/1000/aws-saml-bridge/agent.sock', sessions: 1 });
  });

  it('agent-renew: renews, pushes the new sessions, and only then answers', async () => {
    const renewed: string[][] = [];
    const t = setup((arns) => {
      renewed.push(arns);
      t.setSessions([{ ...session, credentials: { ...session.credentials, accessKeyId: 'ASIARENEWED000000001' } }]);
      return Promise.resolve({ ok: true });
    });
    t.link.start();
    t.answerAll();
    await tick();
    t.answerAll();
    await tick();
    t.ports[0]!.reply({ v: 1, event: 'agent-renew', renewId: 'renew-1', roleArns: [ARN] });
    await tick();
    expect(renewed).toEqual([[ARN]]);
    const [push, ...rest] = t.ports[0]!.posted.splice(0) as unknown as { id: string; type: string; sessions?: AgentSession[] }[];
    expect(push!.type).toBe('agent-sessions');
    expect(push!.sessions![0]!.credentials.accessKeyId).toBe('ASIARENEWED000000001');
    expect(rest).toEqual([]);
    t.ports[0]!.reply({ v: 1, id: push!.id, ok: true, type: 'agent-sessions', count: 1 });
    await tick();
    expect(t.ports[0]!.posted).toMatchObject([{ type: 'agent-renew-result', renewId: 'renew-1', result: { ok: true } }]);
  });

  it('a renewer that fails answers needs-sign-in in one bounded line', async () => {
    const t = setup(() => Promise.reject(new Error(`STS said no\n${'x'.repeat(900)}`)));
    t.link.start();
    t.answerAll();
    await tick();
    t.answerAll();
    await tick();
    t.ports[0]!.reply({ v: 1, event: 'agent-renew', renewId: 'renew-2', roleArns: [ARN] });
    await tick();
    t.answerAll();
    await tick();
    const answer = t.ports[0]!.posted[0] as unknown as { result: { ok: false; reason: string; message: string } };
    expect(answer.result.reason).toBe('needs-sign-in');
    expect(answer.result.message).not.toContain('\n');
    expect(answer.result.message.length).toBeLessThanOrEqual(500);
  });

  it('agent-sign-in opens the sign-in; events that are not valid are ignored', async () => {
    const t = setup();
    t.link.start();
    t.answerAll();
    await tick();
    t.ports[0]!.reply({ v: 1, event: 'agent-sign-in', profile: 'prod-admin', roleArn: ARN });
    t.ports[0]!.reply({ v: 1, event: 'agent-sign-in', profile: 'bad name', roleArn: null });
    t.ports[0]!.reply({ v: 1, event: 'agent-renew', renewId: 'x', roleArns: ['not an arn'] });
    t.ports[0]!.reply('agent-sign-in');
    await tick();
    expect(t.signIns).toEqual(['prod-admin']);
  });

  it('reconnects with back-off when the port drops, then gives up and says why', async () => {
    const t = setup(undefined, [5, 5]);
    t.link.start();
    t.answerAll();
    await tick();
    for (let i = 0; i < 3; i++) {
      t.ports.at(-1)!.drop('Native host has exited.');
      await tick(20);
    }
    expect(t.ports).toHaveLength(3);
    expect(t.statuses.at(-1)).toMatchObject({
      state: 'failed',
      message: expect.stringContaining('went away 3 times (The credentials helper stopped (Native host has exited.)') as unknown,
    });
    expect(t.link.active).toBe(false);
  });

  it.each([
    ['the helper is not installed', (p: ReturnType<typeof fakePort>) => p.drop('Specified native messaging host not found.'), 'not installed'],
    [
      'the helper refuses to serve (unsafe folder)',
      (p: ReturnType<typeof fakePort>) =>
        p.reply({
          v: 1,
          id: p.posted[0]!.id,
          ok: false,
          error: { code: 'AGENT_UNAVAILABLE', message: '/run/user/1000/aws-saml-bridge is a symbolic link; remove it' },
        }),
      'symbolic link',
    ],
  ])('no retry when %s', async (_name, act, words) => {
    const t = setup(undefined, [5, 5]);
    t.link.start();
    act(t.ports[0]!);
    await tick(30);
    expect(t.ports).toHaveLength(1);
    expect(t.statuses.at(-1)).toMatchObject({ state: 'failed', message: expect.stringContaining(words) as unknown });
  });

  it('stop closes the port and nothing reconnects', async () => {
    const t = setup();
    t.link.start();
    t.answerAll();
    await tick();
    t.link.stop();
    await tick(20);
    expect(t.ports).toHaveLength(1);
    expect(t.link.active).toBe(false);
  });
});
