/**
 * AWS sign-in emulator: the SAML ACS endpoint (`POST /saml`) with AWS's role picker, the federation
 * endpoint (`/federation`, getSigninToken + login) and a trivial console page that says who you are.
 *
 * Hosts: signin.aws.amazon.com, <region>.signin.aws.amazon.com, signin.amazonaws-us-gov.com,
 * signin.amazonaws.cn (each optionally with a region prefix and/or `.mcas.ms` appended); consoles:
 * console.aws.amazon.com, <region>.console.aws.amazon.com, console.amazonaws-us-gov.com, console.amazonaws.cn
 * (also with `.mcas.ms`).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, parseCookies, readBody, requestHost } from './node-client';
import type { IssuedCredentials } from './sts';
import { audienceAcceptable, partitionOfArn, recipientAcceptable } from './sts/endpoints';
import type { ProviderRegistry } from './sts/providers';
import { checkAssertionTime, verifySamlResponse, type VerifiedAssertion } from './sts/saml-verify';
import { accountLabel, findProvider, findRole } from './world';
import type { Partition, World } from './world';

const PARTITION_DOMAIN: Record<Partition, string> = {
  aws: 'aws.amazon.com',
  'aws-us-gov': 'amazonaws-us-gov.com',
  'aws-cn': 'amazonaws.cn',
};

export interface SigninHostInfo {
  kind: 'signin' | 'console';
  partition: Partition;
  region: string | null;
  /** Defender for Cloud Apps suffix (`.mcas.ms`) when present. */
  mcas: boolean;
  /** Parent domain cookies are set on, e.g. `aws.amazon.com` or `aws.amazon.com.mcas.ms`. */
  cookieDomain: string;
}

/** Classifies a sign-in or console hostname, or null when this emulator does not serve it. */
export function signinHostInfo(host: string): SigninHostInfo | null {
  const h = host.toLowerCase();
  const mcas = h.endsWith('.mcas.ms');
  const base = mcas ? h.slice(0, -'.mcas.ms'.length) : h;
  for (const partition of Object.keys(PARTITION_DOMAIN) as Partition[]) {
    const domain = PARTITION_DOMAIN[partition];
    const m = new RegExp(`^(?:([a-z]{2}(?:-gov)?-[a-z]+-\\d{1,2})\\.)?(signin|console)\\.${domain.replace(/\./g, '\\.')}$`).exec(base);
    if (m) {
      return {
        kind: m[2] as 'signin' | 'console',
        partition,
        region: m[1] ?? null,
        mcas,
        cookieDomain: `${domain}${mcas ? '.mcas.ms' : ''}`,
      };
    }
  }
  return null;
}

export interface SigninRecord {
  at: Date;
  host: string;
  path: string;
  /** 'picker' | 'console' | 'error' */
  outcome: 'picker' | 'console' | 'error';
  roleArn?: string;
  error?: string;
  relayState?: string;
}

/** One request to `/federation` (never the credentials; the token it issued, so tests can look for it elsewhere). */
export interface FederationRecord {
  at: Date;
  host: string;
  action: string;
  ok: boolean;
  /** The SessionDuration a getSigninToken asked for, when it named one. */
  sessionDuration?: number;
  roleArn?: string;
  /** The sign-in token a getSigninToken answered with. */
  signinToken?: string;
  error?: string;
}

/** How long a federation sign-in token can be used to log in (docs/console.md). */
export const SIGNIN_TOKEN_LIFETIME_MS = 15 * 60_000;

export interface SigninEmulator {
  /** Every ACS POST seen, in order. */
  readonly posts: SigninRecord[];
  /** Every federation request seen, in order. */
  readonly federation: FederationRecord[];
  reset(): void;
  handles(host: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

export interface SigninOptions {
  world: World;
  providers: ProviderRegistry;
  /** Finds STS-issued credentials (for the federation endpoint). */
  findIssued: (accessKeyId: string) => IssuedCredentials | undefined;
  now?: () => number;
}

interface PickerRole {
  roleArn: string;
  providerArn: string;
  accountId: string;
}

const USER_INFO_COOKIE = 'aws-userInfo';

function page(title: string, body: string, head = ''): string {
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">${head}` +
    `<style>body{font-family:Arial,sans-serif;margin:2em}fieldset{border:0}.saml-account-name{font-weight:bold;margin-top:1em}` +
    `.saml-role{margin:.3em 0 .3em 1.5em}</style></head><body>${body}</body></html>\n`
  );
}

function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html;charset=UTF-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(html);
}

function invalidSamlPage(): string {
  return page(
    'Amazon Web Services Sign-In',
    `<div id="container"><h1>Amazon Web Services Sign-In</h1>` +
      `<div id="error" class="error"><p>Your request included an invalid SAML response. To logout, click ` +
      `<a href="/logout">here</a>.</p></div></div>`,
  );
}

/** Creates the AWS sign-in + console emulator. */
export function createSigninEmulator(opts: SigninOptions): SigninEmulator {
  const now = opts.now ?? Date.now;
  const posts: SigninRecord[] = [];
  /** Federation sign-in tokens → credentials they stand for, and when they were issued. */
  const signinTokens = new Map<string, { creds: IssuedCredentials; issuedAt: number }>();
  const federation: FederationRecord[] = [];

  /** Verifies the SAMLResponse the way the sign-in page does; returns the usable roles or an error. */
  function validate(
    samlResponse: string,
    info: SigninHostInfo,
  ): { ok: true; assertion: VerifiedAssertion; roles: PickerRole[] } | { ok: false; error: string } {
    const v = verifySamlResponse(samlResponse, opts.providers.allCerts());
    if (!v.ok) return { ok: false, error: v.message };
    const a = v.assertion;
    const time = checkAssertionTime(a, now());
    if (!time.ok) return { ok: false, error: time.message };
    if (!a.audiences.some((aud) => audienceAcceptable(info.partition, aud))) return { ok: false, error: 'audience' };
    if (a.recipients.length === 0 || !a.recipients.every((r) => recipientAcceptable(info.partition, r))) {
      return { ok: false, error: 'recipient' };
    }
    if (a.roleSessionName === null || !/^[\w+=,.@-]{2,64}$/.test(a.roleSessionName)) {
      return { ok: false, error: 'RoleSessionName' };
    }
    const roles: PickerRole[] = [];
    for (const r of a.roles) {
      const provider = findProvider(r.providerArn);
      if (
        partitionOfArn(r.roleArn) === info.partition &&
        provider &&
        provider.issuer === a.issuer &&
        opts.providers.certFor(r.providerArn) === a.certPem &&
        !roles.some((x) => x.roleArn === r.roleArn)
      ) {
        roles.push({ roleArn: r.roleArn, providerArn: r.providerArn, accountId: r.roleArn.split(':')[4]! });
      }
    }
    if (roles.length === 0) return { ok: false, error: 'no usable role in the assertion' };
    return { ok: true, assertion: a, roles };
  }

  function consoleUrl(info: SigninHostInfo, relayState: string): string {
    const mcas = info.mcas ? '.mcas.ms' : '';
    const consoleRe = new RegExp(`^https://([a-z0-9-]+\\.)?console\\.${PARTITION_DOMAIN[info.partition].replace(/\./g, '\\.')}(\\.mcas\\.ms)?/`);
    if (relayState && consoleRe.test(relayState)) return relayState;
    const domain = PARTITION_DOMAIN[info.partition];
    if (info.region) {
      return `https://${info.region}.console.${domain}${mcas}/console/home?region=${info.region}`;
    }
    return `https://console.${domain}${mcas}/console/home`;
  }

  function userInfoCookie(info: SigninHostInfo, assumedRoleArn: string, accountId: string): string {
    const value = encodeURIComponent(
      JSON.stringify({
        arn: assumedRoleArn,
        alias: opts.world.accountAliases[accountId] ?? accountId,
        username: assumedRoleArn.split(':').pop(),
        issuer: 'SAML',
        signinType: 'FEDERATED',
      }),
    );
    return `${USER_INFO_COOKIE}=${value}; Domain=.${info.cookieDomain}; Path=/; Secure; SameSite=Lax`;
  }

  function signInAs(res: ServerResponse, info: SigninHostInfo, assumedRoleArn: string, accountId: string, location: string): void {
    res.writeHead(302, {
      location,
      'set-cookie': [userInfoCookie(info, assumedRoleArn, accountId)],
      'cache-control': 'no-store',
      'content-length': '0',
    });
    res.end();
  }

  function picker(url: string, samlResponse: string, relayState: string, roles: PickerRole[]): string {
    const byAccount = new Map<string, PickerRole[]>();
    for (const r of roles) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r]);
    const rolesAccounts: Record<string, string[]> = {};
    for (const [acct, rs] of byAccount) rolesAccounts[accountLabel(acct)] = rs.map((r) => r.roleArn);
    const data = Buffer.from(JSON.stringify({ roles_accounts: rolesAccounts, relay_state: relayState, name: '', portal: '' }), 'utf8').toString('base64');
    let i = 0;
    const accounts = [...byAccount]
      .map(([acct, rs]) => {
        const idx = i++;
        const radios = rs
          .map((r) => {
            const label = r.roleArn.slice(r.roleArn.indexOf(':role/') + ':role/'.length);
            const id = escapeHtml(r.roleArn);
            return (
              `<div class="saml-role"><input type="radio" name="roleIndex" value="${id}" class="saml-radio" id="${id}">` +
              `<label for="${id}" class="saml-role-description">${escapeHtml(label)}</label></div>`
            );
          })
          .join('');
        return (
          `<div class="saml-account"><div class="expandable-container"><div class="saml-account-name">Account: ${escapeHtml(accountLabel(acct))}</div></div>` +
          `<hr><div class="saml-account" id="${idx}">${radios}</div></div>`
        );
      })
      .join('');
    return page(
      'Amazon Web Services Sign-In',
      `<div id="container"><h1 class="background">Amazon Web Services Sign-In</h1>` +
        `<form id="saml_form" name="saml_form" action="${escapeHtml(url)}" method="post">` +
        `<input type="hidden" name="RelayState" value="${escapeHtml(relayState)}">` +
        `<input type="hidden" name="SAMLResponse" value="${escapeHtml(samlResponse)}">` +
        `<input type="hidden" name="name" value=""><input type="hidden" name="portal" value="">` +
        `<p class="saml-role-prompt">Select a role:</p><fieldset>${accounts}</fieldset>` +
        `<div class="buttoninput"><button type="submit" id="signin_button" class="css3button">Sign in</button></div>` +
        `</form></div>`,
      `<meta name="data" content="${data}">`,
    );
  }

  async function handleSaml(req: IncomingMessage, res: ServerResponse, info: SigninHostInfo, url: URL): Promise<void> {
    const record: SigninRecord = { at: new Date(now()), host: requestHost(req), path: url.pathname, outcome: 'error' };
    posts.push(record);
    const fail = (error: string): void => {
      record.error = error;
      sendHtml(res, 400, invalidSamlPage());
    };
    if (req.method !== 'POST') {
      req.resume();
      return fail('the ACS endpoint only accepts POST');
    }
    const ct = String(req.headers['content-type'] ?? '').toLowerCase();
    if (!ct.startsWith('application/x-www-form-urlencoded')) {
      req.resume();
      return fail('not a form POST');
    }
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const samlResponse = form.get('SAMLResponse') ?? '';
    const relayState = form.get('RelayState') ?? '';
    record.relayState = relayState || undefined;
    const v = validate(samlResponse, info);
    if (!v.ok) return fail(v.error);
    const roleIndex = form.get('roleIndex');
    let chosen: PickerRole | undefined;
    if (roleIndex !== null && roleIndex !== '') {
      chosen = v.roles.find((r) => r.roleArn === roleIndex);
      if (!chosen) return fail(`roleIndex ${roleIndex} is not in the assertion`);
    } else if (v.roles.length === 1) {
      chosen = v.roles[0];
    }
    if (!chosen) {
      record.outcome = 'picker';
      sendHtml(res, 200, picker(`${url.pathname}${url.search}`, samlResponse, relayState, v.roles));
      return;
    }
    const role = findRole(chosen.roleArn);
    const name = role?.roleName ?? chosen.roleArn.split('/').pop()!;
    const assumed = `arn:${info.partition}:sts::${chosen.accountId}:assumed-role/${name}/${v.assertion.roleSessionName}`;
    record.outcome = 'console';
    record.roleArn = chosen.roleArn;
    signInAs(res, info, assumed, chosen.accountId, consoleUrl(info, relayState));
  }

  /**
   * The federation endpoint as docs/console.md describes it, strictly: `getSigninToken` (GET) takes only live
   * credentials the STS emulator issued in this partition and a `SessionDuration` of 900–43200 whole seconds;
   * `login` takes a token once, within 15 minutes, and only a console Destination of the same partition.
   */
  function handleFederation(req: IncomingMessage, res: ServerResponse, info: SigninHostInfo, url: URL): void {
    req.resume();
    const action = url.searchParams.get('Action');
    const record: FederationRecord = { at: new Date(now()), host: requestHost(req), action: action ?? '', ok: false };
    federation.push(record);
    const refuse = (error: string, text: string): void => {
      record.error = error;
      sendHtml(res, 400, page('Error', `<p>${escapeHtml(text)}</p>`));
    };
    if (req.method !== 'GET') return refuse('not a GET', 'Unsupported method.');
    if (action === 'getSigninToken') {
      let session: { sessionId?: unknown; sessionKey?: unknown; sessionToken?: unknown } = {};
      try {
        session = JSON.parse(url.searchParams.get('Session') ?? '{}') as typeof session;
      } catch {
        /* answered below */
      }
      const creds = typeof session.sessionId === 'string' ? opts.findIssued(session.sessionId) : undefined;
      const valid =
        creds &&
        creds.secretAccessKey === session.sessionKey &&
        creds.sessionToken === session.sessionToken &&
        Date.parse(creds.expiration) > now() &&
        partitionOfArn(creds.roleArn) === info.partition;
      if (!valid) return refuse('invalid session credentials', 'Invalid session credentials.');
      const duration = url.searchParams.get('SessionDuration');
      if (duration !== null) {
        const seconds = /^\d{1,6}$/.test(duration) ? Number(duration) : NaN;
        if (!(seconds >= 900 && seconds <= 43_200)) return refuse(`SessionDuration ${duration}`, 'Invalid SessionDuration.');
        record.sessionDuration = seconds;
      }
      const token = randomBytes(48).toString('base64url');
      signinTokens.set(token, { creds, issuedAt: now() });
      record.ok = true;
      record.roleArn = creds.roleArn;
      record.signinToken = token;
      const body = JSON.stringify({ SigninToken: token });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    if (action === 'login') {
      const tokenParam = url.searchParams.get('SigninToken') ?? '';
      const issued = signinTokens.get(tokenParam);
      // Single use: a token is spent by its first login attempt, good or bad.
      signinTokens.delete(tokenParam);
      const destination = url.searchParams.get('Destination') ?? '';
      const consoleRe = new RegExp(`^https://([a-z0-9-]+\\.)?console\\.${PARTITION_DOMAIN[info.partition].replace(/\./g, '\\.')}(\\.mcas\\.ms)?/`);
      if (!issued) return refuse('unknown or spent SigninToken', 'Invalid SigninToken.');
      if (now() - issued.issuedAt > SIGNIN_TOKEN_LIFETIME_MS) return refuse('SigninToken older than 15 minutes', 'Expired SigninToken.');
      if (!consoleRe.test(destination)) return refuse(`Destination ${destination}`, 'Invalid Destination.');
      record.ok = true;
      record.roleArn = issued.creds.roleArn;
      signInAs(res, info, issued.creds.assumedRoleArn, issued.creds.roleArn.split(':')[4]!, destination);
      return;
    }
    refuse(`Action ${action ?? '(none)'}`, 'Unsupported federation Action.');
  }

  function handleConsole(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const raw = parseCookies(req.headers.cookie).get(USER_INFO_COOKIE);
    let arn: string | undefined;
    let alias: string | undefined;
    try {
      const parsed = raw ? (JSON.parse(decodeURIComponent(raw)) as { arn?: unknown; alias?: unknown }) : {};
      arn = typeof parsed.arn === 'string' ? parsed.arn : undefined;
      alias = typeof parsed.alias === 'string' ? parsed.alias : undefined;
    } catch {
      arn = undefined;
    }
    if (!arn) {
      sendHtml(res, 200, page('AWS Management Console', '<h1>AWS Management Console</h1><p id="not-signed-in">You are not signed in.</p>'));
      return;
    }
    const m = /^arn:[\w-]+:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
    const [, account, roleName, session] = m ?? ['', '', '', ''];
    sendHtml(
      res,
      200,
      page(
        'AWS Management Console',
        `<h1>AWS Management Console</h1>` +
          `<p id="signed-in-as">Signed in as <span data-testid="assumed-role-arn">${escapeHtml(arn)}</span></p>` +
          `<dl><dt>Role</dt><dd data-testid="role-name">${escapeHtml(roleName!)}</dd>` +
          `<dt>Session</dt><dd data-testid="session-name">${escapeHtml(session!)}</dd>` +
          `<dt>Account</dt><dd data-testid="account">${escapeHtml(alias ?? account!)} (${escapeHtml(account!)})</dd>` +
          `<dt>Page</dt><dd data-testid="console-page">${escapeHtml(req.url ?? '/')}</dd></dl>`,
      ),
    );
  }

  return {
    posts,
    federation,
    reset(): void {
      posts.length = 0;
      federation.length = 0;
      signinTokens.clear();
    },
    handles(host: string): boolean {
      return signinHostInfo(host) !== null;
    },
    handle(req: IncomingMessage, res: ServerResponse): void {
      const info = signinHostInfo(requestHost(req))!;
      const url = new URL(req.url ?? '/', 'https://signin.invalid');
      if (info.kind === 'console') return handleConsole(req, res);
      if (url.pathname === '/saml' || url.pathname === '/saml/') {
        handleSaml(req, res, info, url).catch((e: unknown) => {
          console.error('signin emulator: unexpected error', e);
          if (!res.headersSent) sendHtml(res, 500, page('Error', '<p>Internal error</p>'));
        });
        return;
      }
      if (url.pathname === '/federation') return handleFederation(req, res, info, url);
      req.resume();
      sendHtml(res, 404, page('Not Found', '<p>Not found.</p>'));
    },
  };
}
