import { describe, expect, it, vi } from 'vitest';
import { NativeHostClient, NativeHostError } from '@/lib/native-port';
import { CLIENT_REQUEST_TIMEOUT_MS } from '@/lib/host-protocol';
import { fakePort } from '../support/fake-port';

describe('NativeHostClient', () => {
  it('matches replies to requests by id, out of order, over one port', async () => {
    const port = fakePort();
    const connect = vi.fn(() => port);
    const client = new NativeHostClient(connect);
    const a = client.request('ping', {});
    const b = client.request('list-profiles', {});
    expect(port.posted.map((m) => [m.type, m.v])).toEqual([
      ['ping', 1],
      ['list-profiles', 1],
    ]);
    port.reply({ v: 1, id: port.posted[1]!.id, ok: true, type: 'list-profiles', credentialsFile: '/x', profiles: [] });
    port.reply({
      v: 1,
      id: port.posted[0]!.id,
      ok: true,
      type: 'ping',
      hostVersion: '1',
      protocol: 1,
      platform: 'linux',
      credentialsFile: { path: '/x', exists: true, mode: '0600', target: null },
    });
    await expect(b).resolves.toMatchObject({ type: 'list-profiles' });
    await expect(a).resolves.toMatchObject({ type: 'ping', hostVersion: '1' });
    expect(connect).toHaveBeenCalledTimes(1);
  });

  it('turns an error reply into a NativeHostError with the host code', async () => {
    const port = fakePort();
    const client = new NativeHostClient(() => port);
    const p = client.request('write-profiles', { profiles: [] });
    port.reply({ v: 1, id: port.posted[0]!.id, ok: false, error: { code: 'DAMAGED_FILE', message: 'line 3: second [dev] section' } });
    await expect(p).rejects.toMatchObject({ code: 'DAMAGED_FILE', message: 'line 3: second [dev] section' });
  });

  it('fails every pending request with the install command when the host is missing, then reconnects', async () => {
    const first = fakePort();
    const second = fakePort();
    const ports = [first, second];
    const client = new NativeHostClient(() => ports.shift()!);
    const a = client.request('ping', {});
    const b = client.request('ping', {});
    first.drop('Specified native messaging host not found.');
    for (const p of [a, b]) {
      const error = await p.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NativeHostError);
      expect(error).toMatchObject({ code: 'HOST_NOT_FOUND' });
      expect((error as Error).message).toContain('npx aws-saml-bridge install-host');
    }
    const c = client.request('ping', {});
    expect(second.posted).toHaveLength(1);
    second.reply({ v: 1, id: second.posted[0]!.id, ok: true, type: 'ping' });
    await expect(c).resolves.toMatchObject({ ok: true });
  });

  it('times out a request the host never answers, and ignores a late reply', async () => {
    vi.useFakeTimers();
    try {
      const port = fakePort();
      const client = new NativeHostClient(() => port, 1000);
      const p = client.request('ping', {});
      const settled = p.catch((e: unknown) => e);
      vi.advanceTimersByTime(1001);
      expect(await settled).toMatchObject({ code: 'TIMEOUT' });
      port.reply({ v: 1, id: port.posted[0]!.id, ok: true, type: 'ping' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('ignores messages that are not replies', async () => {
    const port = fakePort();
    const client = new NativeHostClient(() => port);
    const p = client.request('ping', {});
    port.reply('garbage');
    port.reply({ id: 42 });
    port.reply({ v: 1, id: port.posted[0]!.id, ok: true, type: 'ping' });
    await expect(p).resolves.toMatchObject({ ok: true });
  });

  it('closes the port once idle (so the worker and the host can stop), and opens a new one for the next request', async () => {
    vi.useFakeTimers();
    try {
      const ports = [fakePort(), fakePort()];
      const opened: ReturnType<typeof fakePort>[] = [];
      const client = new NativeHostClient(
        () => {
          const port = ports.shift()!;
          port.disconnect = vi.fn();
          opened.push(port);
          return port;
        },
        10_000,
        5_000,
      );
      const first = opened;
      const a = client.request('ping', {});
      const b = client.request('ping', {});
      first[0]!.reply({ v: 1, id: first[0]!.posted[0]!.id, ok: true, type: 'ping' });
      await a;
      // One request is still open: the idle clock has not started.
      vi.advanceTimersByTime(6_000);
      expect(client.connected).toBe(true);
      first[0]!.reply({ v: 1, id: first[0]!.posted[1]!.id, ok: true, type: 'ping' });
      await b;
      vi.advanceTimersByTime(4_999);
      expect(client.connected).toBe(true);
      vi.advanceTimersByTime(2);
      expect(client.connected).toBe(false);
      expect(opened[0]!.disconnect).toHaveBeenCalledTimes(1);
      const c = client.request('ping', {});
      expect(opened).toHaveLength(2);
      opened[1]!.reply({ v: 1, id: opened[1]!.posted[0]!.id, ok: true, type: 'ping' });
      await expect(c).resolves.toMatchObject({ ok: true });
    } finally {
      vi.useRealTimers();
    }
  });

  const pingReply = (id: string) => ({
    v: 1,
    id,
    ok: true,
    type: 'ping',
    hostVersion: '1',
    protocol: 1,
    platform: 'linux',
    credentialsFile: { path: '/x', exists: true, mode: '0600', target: null },
  });

  it.each(Object.getOwnPropertyNames(Object.prototype))('a reply with id %j matches nothing and breaks nothing', async (id) => {
    const port = fakePort();
    const client = new NativeHostClient(() => port);
    const p = client.request('ping', {});
    expect(() => port.reply({ v: 1, id, ok: true, type: 'ping' })).not.toThrow();
    expect(() => port.reply({ v: 1, id, ok: false, error: { code: 'INTERNAL', message: 'x' } })).not.toThrow();
    port.reply(pingReply(port.posted[0]!.id));
    await expect(p).resolves.toMatchObject({ type: 'ping', hostVersion: '1' });
  });

  it.each<[string, (id: string) => unknown]>([
    ['an error reply without an error object', (id) => ({ v: 1, id, ok: false })],
    ['an error reply whose error has no code', (id) => ({ v: 1, id, ok: false, error: { message: 'm' } })],
    ['an error object that is an array', (id) => ({ v: 1, id, ok: false, error: ['DAMAGED_FILE', 'm'] })],
    ['ok as a string', (id) => ({ ...pingReply(id), ok: 'yes' })],
    ['no ok at all', (id) => ({ v: 1, id, type: 'ping' })],
    [
      'the reply to another request type',
      (id) => ({ v: 1, id, ok: true, type: 'write-profiles', credentialsFile: '/x', written: [], changed: false, backupFile: null }),
    ],
  ])('%s fails that request with BAD_REPLY (and the install command), at once', async (_title, reply) => {
    const port = fakePort();
    const client = new NativeHostClient(() => port);
    const p = client.request('ping', {});
    expect(() => port.reply(reply(port.posted[0]!.id))).not.toThrow();
    const error = await p.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NativeHostError);
    expect(error).toMatchObject({
      code: 'BAD_REPLY',
      message: 'The credentials helper sent an answer this extension cannot read. Update it with: npx aws-saml-bridge install-host',
    });
  });

  it('bounds the length of a host error message', async () => {
    const port = fakePort();
    const client = new NativeHostClient(() => port);
    const p = client.request('ping', {});
    port.reply({ v: 1, id: port.posted[0]!.id, ok: false, error: { code: 'FILE_ERROR', message: 'x'.repeat(100_000) } });
    expect(((await p.catch((e: unknown) => e)) as Error).message).toHaveLength(600);
  });

  it('waits CLIENT_REQUEST_TIMEOUT_MS by default, the budget the host answers within', async () => {
    vi.useFakeTimers();
    try {
      const port = fakePort();
      const client = new NativeHostClient(() => port);
      const settled = client.request('ping', {}).catch((e: unknown) => e);
      vi.advanceTimersByTime(CLIENT_REQUEST_TIMEOUT_MS - 1);
      port.reply(pingReply(port.posted[0]!.id));
      expect(await settled).toMatchObject({ type: 'ping' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('a request queued behind a slow one gets its whole timeout once the host can start on it', async () => {
    vi.useFakeTimers();
    try {
      const port = fakePort();
      const client = new NativeHostClient(() => port, 10_000);
      const first = client.request('ping', {});
      const second = client.request('ping', {}).catch((e: unknown) => e);
      // The host spends 9 s on the first (a write waiting for the lock), then answers it.
      vi.advanceTimersByTime(9_000);
      port.reply(pingReply(port.posted[0]!.id));
      await first;
      // 18 s after it was sent, the second is still within its own 10 s.
      vi.advanceTimersByTime(9_000);
      port.reply(pingReply(port.posted[1]!.id));
      expect(await second).toMatchObject({ type: 'ping' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('a timeout closes the port and fails the requests queued behind the stuck one; the next request opens a new port', async () => {
    vi.useFakeTimers();
    try {
      const ports = [fakePort(), fakePort()];
      const opened: ReturnType<typeof fakePort>[] = [];
      const client = new NativeHostClient(() => {
        const port = ports.shift()!;
        port.disconnect = vi.fn();
        opened.push(port);
        return port;
      }, 10_000);
      const a = client.request('ping', {}).catch((e: unknown) => e);
      const b = client.request('list-profiles', {}).catch((e: unknown) => e);
      vi.advanceTimersByTime(10_001);
      expect(await a).toMatchObject({ code: 'TIMEOUT' });
      expect(await b).toMatchObject({ code: 'TIMEOUT' });
      expect(opened[0]!.disconnect).toHaveBeenCalledTimes(1);
      expect(client.connected).toBe(false);
      const c = client.request('ping', {});
      opened[1]!.reply(pingReply(opened[1]!.posted[0]!.id));
      await expect(c).resolves.toMatchObject({ type: 'ping' });
    } finally {
      vi.useRealTimers();
    }
  });
});
