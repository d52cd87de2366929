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
      expect((error as Error).message).toContain('node aws-saml-bridge.mjs install-host');
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
      message: 'The credentials helper sent an answer this extension cannot read. Update it with: node aws-saml-bridge.mjs install-host',
    });
  });

  /** The failure a request ends with when the host answers with `error`. */
  async function failureFor(error: unknown): Promise<unknown> {
    const port = fakePort();
    const client = new NativeHostClient(() => port);
    const p = client.request('write-profiles', { profiles: [] });
    port.reply({ v: 1, id: port.posted[0]!.id, ok: false, error });
    const e = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NativeHostError);
    return (e as NativeHostError).failure;
  }
  const PATH = '/home/alice/.aws/credentials';
  const DATA: Record<string, Record<string, unknown>> = {
    INVALID_PROFILE_NAME: { name: 'dev.admin' },
    DAMAGED_FILE: { path: PATH, issues: [{ line: 6, message: 'second [dev] section (the first is on line 1)' }], more: 2 },
    UNSAFE_EDIT: { path: PATH, section: 'prod' },
    UNMANAGED_PROFILE: { path: PATH, profiles: ['default', 'personal'], backupFile: `${PATH}.aws-saml-bridge.bak` },
    LOCKED: { path: PATH, lock: `${PATH}.lock`, reason: 'held' },
    DANGLING_SYMLINK: { path: PATH },
    FILE_ERROR: { path: PATH, operation: 'write', errno: 'EACCES' },
  };

  it.each(Object.entries(DATA))('passes on %s with its data, dropping fields this version does not know', async (code, data) => {
    expect(await failureFor({ code, message: 'm', data: { ...data, addedLater: 1 } })).toEqual({ code, message: 'm', data });
  });

  it.each(Object.keys(DATA))('passes on %s without data (a host older than data)', async (code) => {
    expect(await failureFor({ code, message: 'm' })).toEqual({ code, message: 'm' });
  });

  it('passes on a code this version does not know with its message only', async () => {
    expect(await failureFor({ code: 'QUOTA', message: 'm', data: { anything: true } })).toEqual({ code: 'QUOTA', message: 'm' });
  });

  it.each<[string, string, unknown]>([
    ['data that is not an object', 'DANGLING_SYMLINK', [PATH]],
    ['data that is null', 'DANGLING_SYMLINK', null],
    ['no path', 'DANGLING_SYMLINK', {}],
    ['an empty path', 'FILE_ERROR', { ...DATA.FILE_ERROR, path: '' }],
    ['a path longer than PATH_MAX', 'LOCKED', { ...DATA.LOCKED, path: `/${'a'.repeat(4096)}` }],
    ['an operation the protocol does not know', 'FILE_ERROR', { ...DATA.FILE_ERROR, operation: 'delete' }],
    ['an errno that is not a Node code', 'FILE_ERROR', { ...DATA.FILE_ERROR, errno: 'permission denied' }],
    ['a lock reason the protocol does not know', 'LOCKED', { ...DATA.LOCKED, reason: 'tired' }],
    ['issues that are not a list', 'DAMAGED_FILE', { ...DATA.DAMAGED_FILE, issues: 'line 6' }],
    ['an issue on line 0', 'DAMAGED_FILE', { ...DATA.DAMAGED_FILE, issues: [{ line: 0, message: 'm' }] }],
    ['an issue without a message', 'DAMAGED_FILE', { ...DATA.DAMAGED_FILE, issues: [{ line: 1 }] }],
    ['an issue message over 300 characters', 'DAMAGED_FILE', { ...DATA.DAMAGED_FILE, issues: [{ line: 1, message: 'm'.repeat(301) }] }],
    ['11 issues', 'DAMAGED_FILE', { ...DATA.DAMAGED_FILE, issues: Array.from({ length: 11 }, (_, i) => ({ line: i + 1, message: 'm' })) }],
    ['a negative count of more issues', 'DAMAGED_FILE', { ...DATA.DAMAGED_FILE, more: -1 }],
    ['a fractional line', 'DAMAGED_FILE', { ...DATA.DAMAGED_FILE, issues: [{ line: 1.5, message: 'm' }] }],
    ['no profiles', 'UNMANAGED_PROFILE', { ...DATA.UNMANAGED_PROFILE, profiles: [] }],
    ['a profile name no request could hold', 'UNMANAGED_PROFILE', { ...DATA.UNMANAGED_PROFILE, profiles: ['default]\n[x'] }],
    ['profiles that are not strings', 'UNMANAGED_PROFILE', { ...DATA.UNMANAGED_PROFILE, profiles: [1] }],
    ['no backup file', 'UNMANAGED_PROFILE', { path: PATH, profiles: ['default'] }],
    ['a section that is a number', 'UNSAFE_EDIT', { ...DATA.UNSAFE_EDIT, section: 3 }],
    ['a name over 80 characters', 'INVALID_PROFILE_NAME', { name: 'n'.repeat(81) }],
  ])('data with %s (%s) fails the request with BAD_REPLY', async (_title, code, data) => {
    expect(await failureFor({ code, message: 'm', data })).toEqual({
      code: 'BAD_REPLY',
      message: 'The credentials helper sent an answer this extension cannot read. Update it with: node aws-saml-bridge.mjs install-host',
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
