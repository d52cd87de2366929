/**
 * HTTP plumbing for talking to the emulators from Node (tests, the demo) with the real hostnames:
 * every connection goes to 127.0.0.1:<port> while the URL, Host header and TLS SNI keep the real name.
 * The small request/response helpers at the end are shared by the emulators' own handlers.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/** An `https.Agent` whose sockets connect to 127.0.0.1:`port`, with SNI = the URL's hostname and certificate checks off. */
export function loopbackHttpsAgent(port: number, options: https.AgentOptions = {}): https.Agent {
  const agent = new https.Agent({ keepAlive: false, ...options, rejectUnauthorized: false });
  // http.Agent calls this.createConnection(options, oncreate) for every new socket and uses the socket
  // returned synchronously; point it at loopback.
  agent.createConnection = (opts: https.RequestOptions): Duplex => {
    const name = opts.servername || opts.hostname || opts.host || '';
    return tls.connect({
      host: '127.0.0.1',
      port,
      // SNI must be a DNS name, never an IP literal.
      servername: name && !/^[\d.]+$|:/.test(name) ? name : undefined,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
  };
  return agent;
}

export interface EmulatorRequestOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  /** A string is sent as UTF-8; URLSearchParams as a form (and sets Content-Type unless given). */
  body?: string | Buffer | URLSearchParams;
  /** Reuse an agent (e.g. to keep a connection); default: a fresh loopback agent destroyed afterwards. */
  agent?: https.Agent;
  /** Give up after this many ms (default 15000). */
  timeoutMs?: number;
}

export interface EmulatorResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTPS request to the emulators at 127.0.0.1:`port` for `url` (with its real hostname). Redirects are not followed. */
export function emulatorRequest(port: number, url: string, options: EmulatorRequestOptions = {}): Promise<EmulatorResponse> {
  const target = new URL(url);
  const headers: OutgoingHttpHeaders = { ...options.headers };
  let payload: Buffer | undefined;
  if (options.body instanceof URLSearchParams) {
    payload = Buffer.from(options.body.toString(), 'utf8');
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    }
  } else if (typeof options.body === 'string') {
    payload = Buffer.from(options.body, 'utf8');
  } else if (options.body) {
    payload = options.body;
  }
  if (payload) headers['content-length'] = String(payload.length);
  const ownAgent = !options.agent;
  const agent = options.agent ?? loopbackHttpsAgent(port);
  return new Promise<EmulatorResponse>((resolve, reject) => {
    const req = https.request(
      {
        protocol: 'https:',
        hostname: target.hostname,
        port: target.port || 443,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? (payload ? 'POST' : 'GET'),
        headers,
        agent,
        servername: target.hostname,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (ownAgent) agent.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => {
          if (ownAgent) agent.destroy();
          reject(err);
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 15_000, () => req.destroy(new Error(`emulatorRequest: timeout for ${url}`)));
    req.on('error', (err) => {
      if (ownAgent) agent.destroy();
      reject(err);
    });
    req.end(payload);
  });
}

/** Cookie jar for multi-step flows driven from Node: remembers Set-Cookie per host (no Domain/Path logic beyond host suffix). */
export class SimpleCookieJar {
  private readonly cookies = new Map<string, { domain: string; hostOnly: boolean; name: string; value: string }>();

  /** Store the cookies a response set for `url`. */
  store(url: string, headers: IncomingHttpHeaders): void {
    const host = new URL(url).hostname;
    for (const line of headers['set-cookie'] ?? []) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const domainAttr = attrs.map((a) => a.trim()).find((a) => /^domain=/i.test(a));
      const domain = domainAttr ? domainAttr.slice(7).replace(/^\./, '').toLowerCase() : host;
      const expired = attrs.some((a) => /^max-age=0$/i.test(a.trim()) || /^expires=thu, 01 jan 1970/i.test(a.trim()));
      const key = `${domain};${name}`;
      if (expired || value === '') this.cookies.delete(key);
      else this.cookies.set(key, { domain, hostOnly: !domainAttr, name, value });
    }
  }

  /** The Cookie header to send to `url`, or undefined. */
  header(url: string): string | undefined {
    const host = new URL(url).hostname;
    const parts = [...this.cookies.values()]
      .filter((c) => (c.hostOnly ? host === c.domain : host === c.domain || host.endsWith(`.${c.domain}`)))
      .map((c) => `${c.name}=${c.value}`);
    return parts.length ? parts.join('; ') : undefined;
  }
}

// ---- Small helpers shared by the emulators' request handlers ----

/** Reads the whole request body (up to `limit` bytes; more → rejects with a 413-worthy error). */
export function readBody(req: IncomingMessage, limit = 2 * 1024 * 1024): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a Cookie request header. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The request's Host header without port, lower-cased. */
export function requestHost(req: IncomingMessage): string {
  const host = (req.headers.host ?? '').toLowerCase();
  return host.startsWith('[') ? host : host.replace(/:\d+$/, '');
}
