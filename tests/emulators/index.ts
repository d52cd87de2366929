/**
 * Starts every emulator (Entra-like IdP, AWS sign-in + console, STS, an attacker's page) behind one HTTPS server on 127.0.0.1
 * that dispatches on the Host header, so browsers and Node clients can use the real hostnames
 * (Chromium: `--host-resolver-rules=<chromiumHostResolverRules>` + `--ignore-certificate-errors`;
 * Node: `loopbackHttpsAgent(port)` from ./node-client).
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PARTITION_INFO } from '../../lib/partitions';
import { createSigninEmulator } from './aws-signin';
import type { SigninEmulator } from './aws-signin';
import { generateIdpSigningKey, generateTlsCertificate } from './certs';
import { createEvilPage, EVIL_HOSTS } from './evil-page';
import type { EvilPage } from './evil-page';
import type { SigningKeyPair } from './certs';
import { createIdpEmulator, IDP_HOSTS } from './idp';
import type { IdpEmulator } from './idp';
import { requestHost } from './node-client';
import { createStsEmulator, ProviderRegistry } from './sts';
import type { StsEmulator } from './sts';
import { world } from './world';
import type { World } from './world';

export type { IdpEmulator, PassiveScenario, SamlRequestRecord, SamlRequestAnswer } from './idp';
export type { SigninEmulator } from './aws-signin';
export type { EvilPage } from './evil-page';
export type { StsEmulator, IssuedCredentials, StsRequestRecord, FailureKind, CallerIdentityRecord } from './sts';

/** Every STS host the extension may call, from the product's own partition table (one source of truth). */
const STS_HOSTS: readonly string[] = Object.values(PARTITION_INFO).flatMap((p) => [
  ...(p.globalStsHost ? [p.globalStsHost] : []),
  ...p.regions.map((r) => `sts.${r}.${p.dnsSuffix}`),
  ...p.regions.map((r) => `sts.${r}.${p.dualStackDnsSuffix}`),
]);

const SIGNIN_DOMAINS = ['aws.amazon.com', 'amazonaws-us-gov.com', 'amazonaws.cn'];

/** Host patterns served (wildcards cover one DNS label, as in certificates). */
export const HOST_PATTERNS: readonly string[] = [
  ...IDP_HOSTS,
  ...EVIL_HOSTS,
  ...SIGNIN_DOMAINS.flatMap((d) =>
    ['signin', 'console'].flatMap((kind) => [`${kind}.${d}`, `*.${kind}.${d}`, `${kind}.${d}.mcas.ms`, `*.${kind}.${d}.mcas.ms`]),
  ),
  ...STS_HOSTS,
];

/** Chromium `--host-resolver-rules` patterns (glob `*` matches any run of characters). */
const RESOLVER_PATTERNS: readonly string[] = [
  ...IDP_HOSTS,
  ...EVIL_HOSTS,
  ...SIGNIN_DOMAINS.flatMap((d) =>
    ['signin', 'console'].flatMap((kind) => [`${kind}.${d}`, `*.${kind}.${d}`, `${kind}.${d}.mcas.ms`, `*.${kind}.${d}.mcas.ms`]),
  ),
  'sts.amazonaws.com',
  'sts.*.amazonaws.com',
  'sts.*.amazonaws.com.cn',
  'sts.*.api.aws',
  'sts.*.api.amazonwebservices.com.cn',
];

export interface Emulators {
  /** The HTTPS port on 127.0.0.1. */
  port: number;
  world: World;
  idp: IdpEmulator;
  sts: StsEmulator;
  signin: SigninEmulator;
  /** A page on another origin that posts someone else's valid assertion to AWS (login-CSRF tests). */
  evil: EvilPage;
  /** IAM SAML providers → trusted certificate (shared by STS and sign-in). */
  providers: ProviderRegistry;
  /** The IdP signing key pair made for this run. */
  idpSigningKey: SigningKeyPair;
  /** The TLS certificate (PEM) the server presents; it is self-signed, so clients skip checks. */
  tlsCertPem: string;
  /** Every hostname (and `*.` wildcard) served, also the certificate's SANs. */
  hostnames: string[];
  /** `MAP login.microsoftonline.com 127.0.0.1:PORT, MAP *.signin.aws.amazon.com 127.0.0.1:PORT, …` */
  chromiumHostResolverRules: string;
  /** Resets every control knob and log (sessions stay). */
  reset(): void;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** 0 (default) = a random free port. Firefox's `network.dns.forceResolve` needs 443. */
  port?: number;
  /** Reuse key material (e.g. across restarts in one run); generated when absent. */
  idpSigningKey?: SigningKeyPair;
}

/** The TLS certificate is made once per process (in memory) and shared by every start. */
let tlsMaterial: ReturnType<typeof generateTlsCertificate> | undefined;

/** Starts the emulators; call `stop()` when done. */
export async function startEmulators(opts: StartOptions = {}): Promise<Emulators> {
  tlsMaterial ??= generateTlsCertificate(HOST_PATTERNS);
  tlsMaterial.catch(() => {
    tlsMaterial = undefined;
  });
  const [tls, signingKey] = await Promise.all([tlsMaterial, opts.idpSigningKey ? Promise.resolve(opts.idpSigningKey) : generateIdpSigningKey()]);
  const providers = new ProviderRegistry(world, signingKey.certPem);
  const idp = createIdpEmulator({ world, signingKey });
  const sts = createStsEmulator({ world, providers });
  const signin = createSigninEmulator({ world, providers, findIssued: (id) => sts.findIssued(id) });
  const evil = createEvilPage({ idp });

  function dispatch(req: IncomingMessage, res: ServerResponse): void {
    const host = requestHost(req);
    try {
      if (sts.handles(host)) return sts.handle(req, res);
      if (signin.handles(host)) return signin.handle(req, res);
      if (idp.handles(host)) return idp.handle(req, res);
      if (evil.handles(host)) return evil.handle(req, res);
    } catch (e) {
      console.error(`emulators: handler for ${host} threw`, e);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('emulator error\n');
      }
      return;
    }
    req.resume();
    const body = `No emulator serves host '${host || '(none)'}'. Served: ${HOST_PATTERNS.join(', ')}\n`;
    res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem, ALPNProtocols: ['http/1.1'] }, dispatch);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const chromiumHostResolverRules = RESOLVER_PATTERNS.map((p) => `MAP ${p} 127.0.0.1:${port}`).join(', ');

  let stopped = false;
  return {
    port,
    world,
    idp,
    sts,
    signin,
    evil,
    providers,
    idpSigningKey: signingKey,
    tlsCertPem: tls.certPem,
    hostnames: [...HOST_PATTERNS],
    chromiumHostResolverRules,
    reset(): void {
      idp.reset();
      sts.reset();
      signin.reset();
      evil.reset();
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      sts.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
