import { describe, expect, it, vi } from 'vitest';
import { NativeHostClient, NativeHostError, type PortLike } from '@/lib/native-port';

/** A fake native port: records what was posted and lets the test answer or disconnect. */
function fakePort() {
  const messageListeners: ((m: unknown) => void)[] = [];
  const disconnectListeners: ((p: PortLike) => void)[] = [];
  const posted: { id: string; type: string; v: number }[] = [];
  const port: PortLike & { posted: typeof posted; reply(m: unknown): void; drop(reason?: string): void } = {
    posted,
    error: null,
    postMessage: (m) => void posted.push(m as (typeof posted)[number]),
    disconnect: () => undefined,
    onMessage: { addListener: (l) => void messageListeners.push(l) },
    onDisconnect: { addListener: (l) => void disconnectListeners.push(l) },
    reply: (m) => messageListeners.forEach((l) => l(m)),
    drop(reason) {
      port.error = reason ? { message: reason } : null;
      disconnectListeners.forEach((l) => l(port));
    },
  };
  return port;
}

describe('NativeHostClient', () => {
  it('matches replies to requests by id, out of order, over one port', async () => {
    const port = fakePort();
    const connect = vi.fn(() => port);
    const client = new NativeHostClient(connect);
    const a = client.request('ping', {});
    const b = client.request('list-profiles', {});
    expect(port.posted.map((m) => [m.type, m.v])).toEqual([['ping', 1], ['list-profiles', 1]]);
    port.reply({ v: 1, id: port.posted[1]!.id, ok: true, type: 'list-profiles', credentialsFile: '/x', profiles: [] });
    port.reply({ v: 1, id: port.posted[0]!.id, ok: true, type: 'ping', hostVersion: '1', protocol: 1, platform: 'linux', credentialsFile: { path: '/x', exists: true, mode: '0600', target: null } });
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
      const client = new NativeHostClient(() => {
        const port = ports.shift()!;
        port.disconnect = vi.fn();
        opened.push(port);
        return port;
      }, 10_000, 5_000);
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
});
