/**
 * How Firefox reaches the emulators under the real hostnames: a loopback HTTP proxy that answers `CONNECT host:443`
 * for the hosts the emulators serve by opening a TCP tunnel to the emulators' port, and refuses every other host.
 *
 * Why a proxy and not `network.dns.forceResolve`: that pref maps every name to one IP but keeps the port, so the
 * emulators would have to listen on 127.0.0.1:443 — a fixed privileged port (root only, one run at a time). With
 * the proxy the emulators keep their random port, nothing needs root, and Firefox's own background traffic
 * (remote settings, telemetry…) is refused at once instead of leaving the machine. TLS stays end to end between
 * Firefox and the emulators (the proxy only copies bytes), so the extension sees the real
 * `https://signin.aws.amazon.com/saml` POST and talks to the real STS hostnames.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { HOST_PATTERNS } from '../emulators/index';

export interface EmulatorProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /** `host:port` of every CONNECT the proxy refused (hosts no emulator serves). */
  refused: string[];
  stop(): Promise<void>;
}

/** Whether `host` is one of the emulators' hosts (`*.` covers exactly one DNS label, as in certificates). */
export function servedByEmulators(host: string): boolean {
  const name = host.toLowerCase();
  return HOST_PATTERNS.some((p) => {
    if (!p.startsWith('*.')) return p === name;
    const suffix = p.slice(1);
    return name.endsWith(suffix) && !name.slice(0, -suffix.length).includes('.') && name.length > suffix.length;
  });
}

/** The request head ends at the first empty line; CONNECT has no body. */
const HEAD_END = '\r\n\r\n';
const MAX_HEAD = 8 * 1024;

export async function startEmulatorProxy(emulatorPort: number): Promise<EmulatorProxy> {
  const sockets = new Set<net.Socket>();
  const refused: string[] = [];
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };

  const server = net.createServer((client) => {
    track(client);
    client.on('error', () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(HEAD_END);
      if (end < 0) {
        if (head.length > MAX_HEAD) client.end('HTTP/1.1 431 Request Header Fields Too Large\r\n\r\n');
        return;
      }
      client.off('data', onData);
      const requestLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const target = /^CONNECT ([^\s:]+):(\d+) HTTP\/1\.[01]$/.exec(requestLine);
      if (!target || target[2] !== '443' || !servedByEmulators(target[1]!)) {
        refused.push(target ? `${target[1]}:${target[2]}` : requestLine.slice(0, 100));
        client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const upstream = net.connect(emulatorPort, '127.0.0.1');
      track(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.once('connect', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        // Bytes that came after the head (a TLS ClientHello sent eagerly) belong to the tunnel.
        const rest = head.subarray(end + HEAD_END.length);
        if (rest.length) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
      });
    };
    client.on('data', onData);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  let stopped = false;
  return {
    port: (server.address() as AddressInfo).port,
    refused,
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
