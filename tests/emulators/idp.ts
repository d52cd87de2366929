/**
 * An Entra-ID-like IdP for the test world: sign-in page with a session cookie, My Apps, the app launcher
 * and the SAML endpoint (IdP- and SP-initiated) answering with Entra's auto-POST form.
 *
 * Hosts and routes:
 * - login.microsoftonline.com
 *   - GET  /<tenant>/login?returnTo=<url>     sign-in form (loginfmt, passwd); POST checks the password, sets
 *                                              ESTSAUTH and ESTSAUTHPERSISTENT (HttpOnly, Secure, SameSite=None)
 *                                              and redirects to returnTo
 *                                              (default https://myapplications.microsoft.com/). The emulator's own
 *                                              redirects use an opaque `?ctx=` instead (as Entra does), so the
 *                                              login page URL never contains the destination's hostname.
 *   - GET  /<tenant>/oauth2/v2.0/authorize     how My Apps learns the user (code flow, see below)
 *   - GET|POST /<tenant>/saml2?SAMLRequest=…   SP-initiated (checked strictly; `IsPassive="true"` answers silently,
 *                                              per the user's scenario, see `PassiveScenario`); ?appid=<appId> IdP-initiated
 *   - POST /mfa/push                           what the MFA page's script calls when a browser runs it (counted)
 *   - GET  /<tenant>/oauth2/v2.0/logout        drops the session
 * - myapplications.microsoft.com (myapps.microsoft.com redirects there)
 *   - GET / → My Apps. Cookies are per host, so like the real portal it has its own session: without it,
 *     it redirects to login.microsoftonline.com's authorize endpoint, which (signing in first if needed)
 *     redirects back to /auth?code=… ; the code is exchanged in memory for the user and a MYAPPS cookie is set.
 * - launcher.myapps.microsoft.com
 *   - GET /api/signin/<appId>?tenantId=<tid> → 302 to login.microsoftonline.com/<tenant>/saml2?SAMLRequest=… (SP-initiated,
 *     as My Apps does for the AWS gallery app: a fresh ID, the app's exact identifier as Issuer, its reply URL as ACS)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import type { Element as XElement } from '@xmldom/xmldom';
import { buildSamlResponseXml, encodeSamlResponse, NS, signAssertion } from '../support/saml-builder';
import type { SamlOptions, SigningKey } from '../support/saml-builder';
import { escapeHtml, parseCookies, readBody, requestHost } from './node-client';
import { appsFor, findApp, findAppByEntityId, findUser, rolesFor } from './world';
import type { RoleOrder, World, WorldApp, WorldUser } from './world';

export const IDP_HOSTS = ['login.microsoftonline.com', 'myapplications.microsoft.com', 'myapps.microsoft.com', 'launcher.myapps.microsoft.com'] as const;

const LOGIN = 'https://login.microsoftonline.com';
const MYAPPS = 'https://myapplications.microsoft.com';
/** The My Apps portal's client id (a public, well-known Microsoft first-party app id). */
const MYAPPS_CLIENT_ID = '2793995e-0a7d-40d7-bd35-6968ba142197';
const SESSION_COOKIE = 'ESTSAUTH';
const PERSISTENT_COOKIE = 'ESTSAUTHPERSISTENT';
/** ESTSAUTHPERSISTENT lives 90 days, as Entra's does after "Stay signed in?". */
const PERSISTENT_MAX_AGE = 90 * 24 * 3600;
const MYAPPS_COOKIE = 'MYAPPS_SESSION';

export interface IssuedAssertion {
  at: Date;
  upn: string;
  appId: string;
  acsUrl: string;
  mode: 'idp-initiated' | 'sp-initiated';
  /** The base64 SAMLResponse put in the form. */
  samlResponse: string;
  xml: string;
  relayState: string | null;
}

/**
 * How `/<tenant>/saml2` answers an `IsPassive="true"` AuthnRequest for a user (set with `idp.setScenario`):
 * - `ok`: the "Working..." auto-post form with a signed SAMLResponse (Success, `InResponseTo` = the request's ID);
 * - `no-session`: as with no valid session cookie: a SAMLResponse with status Responder/NoPassive, same form shape;
 * - `no-session-page`: the ConvergedSignIn page with `$Config.sErrorCode` 50058 instead (also without a cookie);
 * - `mfa`: the ConvergedTFA page (50074) whose script, when a browser runs it, POSTs `/mfa/push` (`pushesSent`);
 * - `stay-signed-in`: KmsiInterrupt (50140); `account-picker`: the account chooser (16000);
 * - `device-sso`: the assertion only for a real top-level navigation (`Sec-Fetch-Mode: navigate` and
 *   `Sec-Fetch-Dest: document`), else the BssoInterrupt page (50168);
 * - `ca-block`: blocked by Conditional Access (53003); `sign-in-frequency`: ConvergedSignIn with 70044;
 * - `throttled`: the AADSTS50196 (request loop) page; `5xx`: HTTP 503; `unknown`: an unrelated page.
 */
export type PassiveScenario =
  | 'ok'
  | 'no-session'
  | 'no-session-page'
  | 'mfa'
  | 'stay-signed-in'
  | 'account-picker'
  | 'device-sso'
  | 'ca-block'
  | 'sign-in-frequency'
  | 'throttled'
  | '5xx'
  | 'unknown';

/** Every scenario, for table-driven tests. */
export const PASSIVE_SCENARIOS: readonly PassiveScenario[] = [
  'ok',
  'no-session',
  'no-session-page',
  'mfa',
  'stay-signed-in',
  'account-picker',
  'device-sso',
  'ca-block',
  'sign-in-frequency',
  'throttled',
  '5xx',
  'unknown',
];

/**
 * What `/saml2` answered a SAMLRequest with: the scenario whose answer was given (`ok` = an assertion was issued,
 * passive or not), `sign-in` (interactive request without a session: off to the sign-in form),
 * `login-hint-mismatch` (passive; NoPassive because the session is another user's), or the `AADSTS…` code of a
 * refused request.
 */
export type SamlRequestAnswer = PassiveScenario | 'sign-in' | 'login-hint-mismatch' | `AADSTS${string}`;

/** One request to `/<tenant>/saml2` with a SAMLRequest. */
export interface SamlRequestRecord {
  at: Date;
  /** The user of the valid session the request carried (none: no cookie, or one that no longer counts). */
  user?: string;
  passive: boolean;
  /** The AuthnRequest's Issuer, ACS URL and ID as sent (null when the request could not be read). */
  issuer: string | null;
  acs: string | null;
  id: string | null;
  loginHint: string | null;
  secFetchMode: string | null;
  secFetchDest: string | null;
  /** Whether an ESTSAUTH or ESTSAUTHPERSISTENT cookie was sent at all (valid or not). */
  cookieSent: boolean;
  /** The scenario in force for the request's user (passive requests only; null otherwise). */
  scenario: PassiveScenario | null;
  answer: SamlRequestAnswer;
  /** HTTP status of the answer (302 for `sign-in`). */
  status: number;
}

export interface IdpEmulator {
  /** Added to the IdP's clock when it stamps assertions (negative = already old). */
  clockSkewMs: number;
  /** Per-user Role value order; defaults to the world's (bob is provider-first). */
  readonly roleOrder: Map<string, RoleOrder>;
  /** Merged into the builder options of every assertion (e.g. `{ encrypted: true }`, `{ roleValueWhitespace: true }`). */
  assertionOverrides: Partial<SamlOptions> | null;
  /** Every SAMLResponse issued, in order. */
  readonly issued: IssuedAssertion[];
  /** The IdP's SAML signing key pair (its certificate is what each IAM SAML provider trusts). */
  readonly signingKey: SigningKey;
  /** Builds a signed, base64 SAMLResponse for a user and app now, as the IdP would post it. */
  samlResponseFor(upn: string, appId: string, extra?: Partial<SamlOptions>): string;
  /** Drops every sign-in session (both ESTSAUTH and My Apps sessions). */
  signOutAll(): void;
  /** Ends the user's Entra sessions server-side: their ESTSAUTH/ESTSAUTHPERSISTENT cookies no longer count. */
  endSession(upn: string): void;
  /** How passive requests for this user are answered from now on (default `ok`; `reset()` restores it). */
  setScenario(upn: string, scenario: PassiveScenario): void;
  /** Every SAMLRequest that reached `/<tenant>/saml2`, in order. */
  readonly samlRequests: SamlRequestRecord[];
  /** MFA pushes started: POSTs to `/mfa/push` made by the MFA page's script (only a browser running it sends one). */
  readonly pushesSent: number;
  reset(): void;
  handles(host: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

export interface IdpOptions {
  world: World;
  signingKey: SigningKey;
  now?: () => number;
}

function page(title: string, body: string): string {
  return (
    `<!DOCTYPE html>\n<html dir="ltr" lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<style>body{font-family:"Segoe UI",Arial,sans-serif;margin:2em}label{display:block;margin-top:1em}` +
    `.error{color:#e81123}.tiles a{display:inline-block;border:1px solid #ccc;padding:1em;margin:.5em}</style>` +
    `</head><body>${body}</body></html>\n`
  );
}

function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    ...headers,
  });
  res.end(html);
}

function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(302, { location, 'content-length': '0', 'cache-control': 'no-store, no-cache', ...headers });
  res.end();
}

function aadstsError(res: ServerResponse, status: number, code: string, message: string): void {
  sendHtml(
    res,
    status,
    page(
      'Sign in to your account',
      `<div id="error"><h1>Sorry, but we’re having trouble signing you in.</h1>` +
        `<p class="error" data-testid="aadsts">${escapeHtml(`${code}: ${message}`)}</p>` +
        `<p>Correlation ID: ${randomUUID()}</p><p>Timestamp: ${new Date().toISOString()}</p></div>`,
    ),
  );
}

/** Entra's auto-submitting form that carries the SAMLResponse to the ACS. */
export function autoPostForm(acsUrl: string, samlResponse: string, relayState: string | null): string {
  const relay = relayState ? `<input type="hidden" name="RelayState" value="${escapeHtml(relayState)}" />` : '';
  return (
    `<html><head><title>Working...</title></head><body>` +
    `<form method="POST" name="hiddenform" action="${escapeHtml(acsUrl)}">` +
    `<input type="hidden" name="SAMLResponse" value="${escapeHtml(samlResponse)}" />${relay}` +
    `<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript>` +
    `</form><script language="javascript">window.setTimeout(function(){document.forms[0].submit();}, 0);</script>` +
    `</body></html>`
  );
}

function firstElement(el: XElement, ns: string, local: string): XElement | undefined {
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as XElement).namespaceURI === ns && (n as XElement).localName === local) return n as XElement;
  }
  return undefined;
}

interface AuthnRequest {
  id: string;
  issuer: string;
  acsUrl: string | null;
  isPassive: boolean;
}

/** Decodes a redirect-binding (deflated) or POST-binding (plain) AuthnRequest and checks it as Entra documents. */
function decodeAuthnRequest(b64: string, deflated: boolean): AuthnRequest | string {
  let xml: string;
  try {
    const bytes = Buffer.from(b64, 'base64');
    xml = (deflated ? inflateRawSync(bytes) : bytes).toString('utf8');
  } catch {
    return 'AADSTS750054: SAMLRequest or SAMLResponse must be present as query string parameters in HTTP request for SAML Redirect binding.';
  }
  if (/<!DOCTYPE/i.test(xml)) return 'AADSTS7500529: The value is not a valid SAML ID.';
  try {
    const doc = new DOMParser({
      onError: (level, msg) => {
        if (level !== 'warning') throw new Error(msg);
      },
    }).parseFromString(xml, 'text/xml');
    const root = doc.documentElement;
    if (!root || root.namespaceURI !== NS.protocol || root.localName !== 'AuthnRequest') {
      return 'AADSTS750056: SAML message was not properly base64 encoded or is not an AuthnRequest.';
    }
    const id = root.getAttribute('ID') ?? '';
    if (!/^[A-Za-z_][\w.-]*$/.test(id)) return 'AADSTS7500529: The value is not a valid SAML ID. The ID must not begin with a number.';
    if (root.getAttribute('Version') !== '2.0') return 'AADSTS75005: The request is not a valid Saml2 protocol message: Version must be 2.0.';
    const passive = root.getAttribute('IsPassive');
    if (passive !== null && passive !== '' && !/^(true|false|1|0)$/.test(passive)) {
      return 'AADSTS75005: The request is not a valid Saml2 protocol message: IsPassive must be a boolean.';
    }
    const issuer = (firstElement(root, NS.assertion, 'Issuer')?.textContent ?? '').trim();
    if (!issuer) return 'AADSTS750021: The SAML request is missing its Issuer.';
    return { id, issuer, acsUrl: root.getAttribute('AssertionConsumerServiceURL'), isPassive: passive === 'true' || passive === '1' };
  } catch {
    return 'AADSTS750056: SAML message was not properly base64 encoded.';
  }
}

/** The redirect-binding AuthnRequest My Apps sends for an app: a fresh ID, the app's identifier, its reply URL. */
export function launcherAuthnRequest(
  app: WorldApp,
  id = `id${randomUUID().replace(/-/g, '')}`,
  issueInstant = new Date(),
): { id: string; samlRequest: string } {
  const xml =
    `<samlp:AuthnRequest xmlns="urn:oasis:names:tc:SAML:2.0:metadata" ID="${escapeHtml(id)}" Version="2.0" IssueInstant="${issueInstant.toISOString()}" ` +
    `AssertionConsumerServiceURL="${escapeHtml(app.acsUrl)}" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">${escapeHtml(app.entityId)}</Issuer>` +
    `<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"/></samlp:AuthnRequest>`;
  return { id, samlRequest: deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64') };
}

/** `$Config` as a script may hold it (no `</script>` can end it early). */
function configScript(config: Record<string, unknown>): string {
  return `<script type="text/javascript">//<![CDATA[\n$Config=${JSON.stringify(config).replace(/</g, '\\u003c')};\n//]]></script>`;
}

/** A small page in the shape of Entra's converged UX: `<meta name="PageID">` and a `$Config={…}` blob. */
function convergedPage(pageId: string, config: Record<string, unknown>, body: string, script = ''): string {
  return (
    `<!DOCTYPE html>\n<html dir="ltr" class="" lang="en"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">` +
    `<title>Sign in to your account</title><meta name="robots" content="none"><meta name="PageID" content="${escapeHtml(pageId)}">` +
    `<meta name="SiteID" content=""><meta name="ReqLC" content="1033"><meta name="LocLC" content="en-US">` +
    configScript({ pgid: pageId, ...config }) +
    `</head><body class="cb"><div id="lightbox">${body}</div>${script}</body></html>\n`
  );
}

/** Creates the Entra-like IdP emulator. */
export function createIdpEmulator(opts: IdpOptions): IdpEmulator {
  const now = opts.now ?? Date.now;
  const tenantId = opts.world.tenantId;
  /** ESTSAUTH value → UPN. */
  const sessions = new Map<string, string>();
  /** MYAPPS_SESSION value → UPN. */
  const myAppsSessions = new Map<string, string>();
  /** One-time authorization codes → UPN. */
  const codes = new Map<string, string>();
  const issued: IssuedAssertion[] = [];
  const roleOrder = new Map<string, RoleOrder>(opts.world.users.map((u) => [u.upn, u.roleOrder]));
  const scenarios = new Map<string, PassiveScenario>();
  const samlRequests: SamlRequestRecord[] = [];
  /** One-time tokens of MFA pages served: a push counts once per page a browser ran. */
  const mfaContexts = new Map<string, string>();
  let pushesSent = 0;

  /** Whether the request carries an Entra session cookie at all. */
  function sessionCookieSent(req: IncomingMessage): boolean {
    const cookies = parseCookies(req.headers.cookie);
    return cookies.has(SESSION_COOKIE) || cookies.has(PERSISTENT_COOKIE);
  }

  function userFromSession(req: IncomingMessage): WorldUser | undefined {
    const cookies = parseCookies(req.headers.cookie);
    for (const name of [SESSION_COOKIE, PERSISTENT_COOKIE]) {
      const sid = cookies.get(name);
      const upn = sid ? sessions.get(sid) : undefined;
      if (upn) return findUser(upn);
    }
    return undefined;
  }

  /** Opaque login context id → where to go after sign-in (bounded). */
  const loginContexts = new Map<string, string>();
  function newLoginContext(returnTo: string): string {
    const ctx = randomBytes(16).toString('base64url');
    loginContexts.set(ctx, returnTo);
    if (loginContexts.size > 1000) loginContexts.delete(loginContexts.keys().next().value!);
    return ctx;
  }

  function loginUrl(returnTo: string): string {
    return `${LOGIN}/${tenantId}/login?ctx=${newLoginContext(returnTo)}`;
  }

  function samlResponseFor(upn: string, appId: string, extra: Partial<SamlOptions> = {}): string {
    const user = findUser(upn);
    const app = findApp(appId);
    if (!user || !app) throw new Error(`idp.samlResponseFor: unknown user ${upn} or app ${appId}`);
    return buildSaml(user, app, null, extra).samlResponse;
  }

  function buildSaml(user: WorldUser, app: WorldApp, inResponseTo: string | null, extra: Partial<SamlOptions> = {}): { samlResponse: string; xml: string } {
    const issueInstant = new Date(now() + emulator.clockSkewMs);
    const options: SamlOptions = {
      shape: 'entra',
      roles: rolesFor(user, app.appId).map((r) => ({ roleArn: r.roleArn, providerArn: r.providerArn })),
      roleOrder: roleOrder.get(user.upn) ?? user.roleOrder,
      tenantId,
      issuer: opts.world.issuer,
      audience: app.audience ?? app.entityId,
      recipient: app.acsUrl,
      roleSessionName: user.upn,
      sessionDuration: user.sessionDuration,
      nameId: user.upn,
      displayName: user.displayName,
      objectId: user.objectId,
      issueInstant,
      notOnOrAfter: new Date(issueInstant.getTime() + 3600_000),
      ...(inResponseTo ? { inResponseTo } : {}),
      ...(emulator.assertionOverrides ?? {}),
      ...extra,
    };
    let xml = buildSamlResponseXml(options);
    if (!options.encrypted) xml = signAssertion(xml, opts.signingKey);
    return { samlResponse: encodeSamlResponse(xml), xml };
  }

  function answerWithAssertion(
    res: ServerResponse,
    user: WorldUser,
    app: WorldApp,
    mode: IssuedAssertion['mode'],
    acsUrl: string,
    relayState: string | null,
    inResponseTo: string | null,
  ): { answer: SamlRequestAnswer; status: number } {
    if (rolesFor(user, app.appId).length === 0) {
      aadstsError(
        res,
        403,
        'AADSTS50105',
        `Your administrator has configured the application ${app.name} ('${app.appId}') to block users unless they are specifically granted ('assigned') access to the application. The signed in user '${user.upn}' is blocked because they are not a direct member of a group with access, nor had access directly assigned by an administrator.`,
      );
      return { answer: 'AADSTS50105', status: 403 };
    }
    const { samlResponse, xml } = buildSaml(user, app, inResponseTo);
    issued.push({ at: new Date(now()), upn: user.upn, appId: app.appId, acsUrl, mode, samlResponse, xml, relayState });
    sendHtml(res, 200, autoPostForm(acsUrl, samlResponse, relayState));
    return { answer: 'ok', status: 200 };
  }

  function loginForm(res: ServerResponse, status: number, ctx: string, username: string, error: string | null): void {
    sendHtml(
      res,
      status,
      page(
        'Sign in to your account',
        `<div id="lightbox"><h1 id="loginHeader">Sign in</h1>` +
          (error ? `<div id="passwordError" class="error" role="alert">${escapeHtml(error)}</div>` : '') +
          `<form name="f1" id="i0281" method="post" action="/${tenantId}/login" autocomplete="off">` +
          `<input type="hidden" name="ctx" value="${escapeHtml(ctx)}">` +
          `<label for="i0116">Email, phone, or Skype</label>` +
          `<input type="email" name="loginfmt" id="i0116" value="${escapeHtml(username)}" autocomplete="username" required>` +
          `<label for="i0118">Password</label>` +
          `<input type="password" name="passwd" id="i0118" autocomplete="current-password" required>` +
          `<div><input type="submit" id="idSIButton9" value="Sign in"></div>` +
          `</form></div>`,
      ),
    );
  }

  /** returnTo must stay inside the emulated Microsoft hosts (no open redirect). */
  function safeReturnTo(value: string | null): string {
    if (!value) return `${MYAPPS}/`;
    try {
      const u = new URL(value);
      if (u.protocol === 'https:' && (IDP_HOSTS as readonly string[]).includes(u.hostname)) return u.toString();
    } catch {
      /* fall through */
    }
    return `${MYAPPS}/`;
  }

  async function handleLogin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const segments = url.pathname.split('/').filter(Boolean);
    const tenant = segments[0] ?? '';
    const rest = segments.slice(1).join('/');
    if (segments.length === 0) return redirect(res, loginUrl(`${MYAPPS}/`));
    if (tenant !== tenantId && tenant !== 'common' && tenant !== opts.world.tenantDomain) {
      req.resume();
      return aadstsError(
        res,
        400,
        'AADSTS90002',
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    if (rest === 'login') {
      if (req.method === 'POST') {
        const form = new URLSearchParams((await readBody(req)).toString('utf8'));
        const ctxIn = form.get('ctx') ?? '';
        const ctx = loginContexts.has(ctxIn) ? ctxIn : newLoginContext(safeReturnTo(form.get('returnTo')));
        const username = (form.get('loginfmt') ?? '').trim();
        const user = findUser(username);
        if (!user)
          return loginForm(res, 200, ctx, username, 'This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.');
        if (form.get('passwd') !== user.password) {
          return loginForm(res, 200, ctx, username, "Your account or password is incorrect. If you don't remember your password, reset it now.");
        }
        const returnTo = loginContexts.get(ctx)!;
        loginContexts.delete(ctx);
        const sid = randomBytes(32).toString('base64url');
        const persistent = randomBytes(32).toString('base64url');
        sessions.set(sid, user.upn);
        sessions.set(persistent, user.upn);
        return redirect(res, returnTo, {
          'set-cookie': [
            `${SESSION_COOKIE}=${sid}; path=/; secure; HttpOnly; SameSite=None`,
            `${PERSISTENT_COOKIE}=${persistent}; max-age=${PERSISTENT_MAX_AGE}; path=/; secure; HttpOnly; SameSite=None`,
          ],
        });
      }
      req.resume();
      const ctxIn = url.searchParams.get('ctx') ?? '';
      const ctx = loginContexts.has(ctxIn) ? ctxIn : newLoginContext(safeReturnTo(url.searchParams.get('returnTo')));
      return loginForm(res, 200, ctx, url.searchParams.get('login_hint') ?? '', null);
    }
    req.resume();
    if (rest === 'oauth2/v2.0/authorize' || rest === 'oauth2/authorize') {
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      if (url.searchParams.get('client_id') !== MYAPPS_CLIENT_ID || !redirectUri.startsWith(`${MYAPPS}/`)) {
        return aadstsError(
          res,
          400,
          'AADSTS50011',
          'The redirect URI specified in the request does not match the redirect URIs configured for the application.',
        );
      }
      const user = userFromSession(req);
      if (!user) return redirect(res, loginUrl(url.toString().replace(/^https:\/\/[^/]+/, LOGIN)));
      const code = randomBytes(24).toString('base64url');
      codes.set(code, user.upn);
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      return redirect(res, back.toString());
    }
    if (rest === 'oauth2/v2.0/logout' || rest === 'oauth2/logout') {
      const user = userFromSession(req);
      if (user) emulator.endSession(user.upn);
      return sendHtml(res, 200, page('Sign out', '<p id="signed-out">You signed out of your account.</p>'), {
        'set-cookie': [
          `${SESSION_COOKIE}=; path=/; secure; HttpOnly; SameSite=None; Max-Age=0`,
          `${PERSISTENT_COOKIE}=; path=/; secure; HttpOnly; SameSite=None; Max-Age=0`,
        ],
      });
    }
    return aadstsError(res, 404, 'AADSTS900561', 'The endpoint only accepts the documented routes.');
  }

  /** A SAMLResponse refusing a passive request (no assertion), in the same auto-post form as a success. */
  function noPassiveForm(app: WorldApp, inResponseTo: string, message: string): string {
    const xml = buildSamlResponseXml({
      shape: 'entra',
      roles: [],
      tenantId,
      issuer: opts.world.issuer,
      audience: app.audience ?? app.entityId,
      recipient: app.acsUrl,
      inResponseTo,
      issueInstant: new Date(now() + emulator.clockSkewMs),
      statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
      subStatusCode: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
      statusMessage: message,
    });
    return autoPostForm(app.acsUrl, encodeSamlResponse(xml), null);
  }

  /** The `$Config` fields every needs-the-user page carries. */
  function pageConfig(code: string, text: string): Record<string, unknown> {
    return {
      sErrorCode: code,
      sErrTxt: `AADSTS${code}: ${text}`,
      correlationId: randomUUID(),
      sessionId: randomUUID(),
      urlPost: `/${tenantId}/login`,
      iMaxStackForKnockoutAsyncComponents: 10000,
    };
  }

  /** Answers a passive request whose checks passed, per the scenario of the user it is for. */
  function answerPassive(
    req: IncomingMessage,
    res: ServerResponse,
    app: WorldApp,
    request: AuthnRequest,
    relayState: string | null,
    sessionUser: WorldUser | undefined,
    hinted: WorldUser | undefined,
    loginHint: string | null,
  ): { scenario: PassiveScenario; answer: SamlRequestAnswer; status: number } {
    const subject = sessionUser ?? hinted;
    const scenario = (subject && scenarios.get(subject.upn)) || 'ok';
    const html = (status: number, answer: SamlRequestAnswer, body: string): { scenario: PassiveScenario; answer: SamlRequestAnswer; status: number } => {
      sendHtml(res, status, body);
      return { scenario, answer, status };
    };
    const noSession = (): { scenario: PassiveScenario; answer: SamlRequestAnswer; status: number } =>
      scenario === 'no-session-page'
        ? html(
            200,
            'no-session-page',
            convergedPage(
              'ConvergedSignIn',
              { ...pageConfig('50058', 'A silent sign-in request was sent but no user is signed in.'), sPOST_Username: loginHint ?? '' },
              `<div role="heading" aria-level="1">Sign in</div><form name="f1" method="post" action="/${tenantId}/login">` +
                `<input type="email" name="loginfmt" value="${escapeHtml(loginHint ?? '')}"><input type="password" name="passwd">` +
                `<input type="submit" id="idSIButton9" value="Next"></form>`,
            ),
          )
        : html(200, 'no-session', noPassiveForm(app, request.id, 'AADSTS50058: A silent sign-in request was sent but no user is signed in.'));

    // Server trouble comes before any session logic.
    if (scenario === '5xx') {
      return html(
        503,
        '5xx',
        `<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h2>Service Unavailable</h2><hr><p>HTTP Error 503. The service is unavailable.</p></body></html>\n`,
      );
    }
    if (scenario === 'throttled') {
      return html(
        200,
        'throttled',
        convergedPage(
          'ConvergedError',
          pageConfig('50196', 'The server terminated an operation because it encountered a client request loop. Please contact your app vendor.'),
          `<div role="heading" aria-level="1">Sorry, but we’re having trouble signing you in.</div>` +
            `<p class="error">AADSTS50196: The server terminated an operation because it encountered a client request loop.</p>`,
        ),
      );
    }
    if (scenario === 'unknown') {
      return html(
        200,
        'unknown',
        `<!DOCTYPE html><html><head><title>Contoso web filter</title></head><body><h1>This site is being checked</h1>` +
          `<p>Your request will continue shortly.</p></body></html>\n`,
      );
    }
    if (!sessionUser || scenario === 'no-session' || scenario === 'no-session-page') return noSession();
    if (loginHint && findUser(loginHint)?.upn !== sessionUser.upn) {
      sendHtml(
        res,
        200,
        noPassiveForm(app, request.id, 'AADSTS50058: A silent sign-in request was sent but the signed-in user does not match the login hint.'),
      );
      return { scenario, answer: 'login-hint-mismatch', status: 200 };
    }
    const user = sessionUser;
    switch (scenario) {
      case 'ok': {
        const r = answerWithAssertion(res, user, app, 'sp-initiated', app.acsUrl, relayState, request.id);
        return { scenario, ...r };
      }
      case 'device-sso': {
        const navigation = req.headers['sec-fetch-mode'] === 'navigate' && req.headers['sec-fetch-dest'] === 'document';
        if (navigation) {
          const r = answerWithAssertion(res, user, app, 'sp-initiated', app.acsUrl, relayState, request.id);
          return { scenario, ...r };
        }
        return html(
          200,
          'device-sso',
          convergedPage(
            'BssoInterrupt',
            pageConfig(
              '50168',
              'The client is capable of obtaining an SSO token through the Windows 10 Accounts extension, but the token was not found in the request or the supplied token was expired.',
            ),
            `<div role="heading" aria-level="1">Trying to sign you in</div><p>Please wait while we check your device.</p>`,
          ),
        );
      }
      case 'mfa': {
        const ctx = randomBytes(16).toString('base64url');
        mfaContexts.set(ctx, user.upn);
        if (mfaContexts.size > 1000) mfaContexts.delete(mfaContexts.keys().next().value!);
        return html(
          200,
          'mfa',
          convergedPage(
            'ConvergedTFA',
            { ...pageConfig('50074', 'Strong Authentication is required.'), sCtx: ctx, urlBeginAuth: '/mfa/push' },
            `<div role="heading" aria-level="1">Approve sign in request</div>` +
              `<p id="idDiv_SAOTCAS_Description">Open your Authenticator app, and enter the number shown to sign in.</p>`,
            // Only a browser running this page starts the push; a fetch that reads the HTML never does.
            `<script type="text/javascript">fetch($Config.urlBeginAuth,{method:'POST',credentials:'include',` +
              `headers:{'content-type':'application/x-www-form-urlencoded'},body:'ctx='+encodeURIComponent($Config.sCtx)});</script>`,
          ),
        );
      }
      case 'stay-signed-in':
        return html(
          200,
          'stay-signed-in',
          convergedPage(
            'KmsiInterrupt',
            pageConfig('50140', "This error occurred due to 'Keep me signed in' interrupt when the user was signing in."),
            `<div role="heading" aria-level="1">Stay signed in?</div><p>Do this to reduce the number of times you are asked to sign in.</p>` +
              `<form name="f1" method="post" action="/kmsi"><input type="checkbox" name="DontShowAgain"><input type="submit" id="idBtn_Back" value="No">` +
              `<input type="submit" id="idSIButton9" value="Yes"></form>`,
          ),
        );
      case 'account-picker':
        return html(
          200,
          'account-picker',
          convergedPage(
            'ConvergedChooser',
            {
              ...pageConfig(
                '16000',
                'Either multiple user identities are available for the current request or selected account is not supported for the scenario.',
              ),
              arrSessions: [{ name: user.upn }, { name: `${user.upn.split('@')[0]}@fabrikam.com` }],
            },
            `<div role="heading" aria-level="1">Pick an account</div><div id="tilesHolder">` +
              `<div class="table" role="button" data-test-id="${escapeHtml(user.upn)}">${escapeHtml(user.upn)}</div>` +
              `<div class="table" role="button" id="otherTile">Use another account</div></div>`,
          ),
        );
      case 'ca-block':
        return html(
          200,
          'ca-block',
          convergedPage(
            'ConvergedError',
            pageConfig('53003', 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.'),
            `<div role="heading" aria-level="1">You cannot access this right now</div>` +
              `<p>Your sign-in was successful but does not meet the criteria to access this resource.</p>`,
          ),
        );
      case 'sign-in-frequency':
        return html(
          200,
          'sign-in-frequency',
          convergedPage(
            'ConvergedSignIn',
            {
              ...pageConfig('70044', 'The session has expired or is invalid due to sign-in frequency checks by conditional access.'),
              sPOST_Username: user.upn,
            },
            `<div role="heading" aria-level="1">Enter password</div><p>Because you're accessing sensitive info, you need to verify your password.</p>` +
              `<form name="f1" method="post" action="/${tenantId}/login"><input type="password" name="passwd"><input type="submit" id="idSIButton9" value="Sign in"></form>`,
          ),
        );
    }
  }

  async function handleSaml2(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let samlRequest = url.searchParams.get('SAMLRequest');
    let relayState = url.searchParams.get('RelayState');
    let deflated = true;
    if (req.method === 'POST') {
      const form = new URLSearchParams((await readBody(req)).toString('utf8'));
      samlRequest = form.get('SAMLRequest');
      relayState = form.get('RelayState');
      deflated = false;
    } else {
      req.resume();
    }
    const user = userFromSession(req);
    if (samlRequest) {
      const loginHint = url.searchParams.get('login_hint');
      const header = (name: string): string | null => {
        const v = req.headers[name];
        return typeof v === 'string' ? v : null;
      };
      const record: SamlRequestRecord = {
        at: new Date(now()),
        ...(user ? { user: user.upn } : {}),
        passive: false,
        issuer: null,
        acs: null,
        id: null,
        loginHint,
        secFetchMode: header('sec-fetch-mode'),
        secFetchDest: header('sec-fetch-dest'),
        cookieSent: sessionCookieSent(req),
        scenario: null,
        answer: 'sign-in',
        status: 0,
      };
      samlRequests.push(record);
      const refuse = (status: number, code: string, message: string): void => {
        record.answer = code as SamlRequestAnswer;
        record.status = status;
        aadstsError(res, status, code, message);
      };
      const parsed = decodeAuthnRequest(samlRequest, deflated);
      if (typeof parsed === 'string') {
        const [code, ...msg] = parsed.split(': ');
        return refuse(400, code!, msg.join(': '));
      }
      Object.assign(record, { passive: parsed.isPassive, issuer: parsed.issuer, acs: parsed.acsUrl, id: parsed.id });
      // Entra finds the app by the exact identifier: `…/saml` is not `…/saml#3` (the "#N trap").
      const app = findAppByEntityId(parsed.issuer);
      if (!app) {
        return refuse(
          400,
          'AADSTS700016',
          `Application with identifier '${parsed.issuer}' was not found in the directory '${opts.world.tenantDomain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        );
      }
      if (parsed.acsUrl !== null && parsed.acsUrl !== app.acsUrl) {
        return refuse(
          400,
          'AADSTS50011',
          `The redirect URI '${parsed.acsUrl}' specified in the request does not match the redirect URIs configured for the application '${app.appId}'.`,
        );
      }
      if (parsed.isPassive) {
        const hinted = loginHint ? findUser(loginHint) : undefined;
        const out = answerPassive(req, res, app, parsed, relayState, user, hinted, loginHint);
        Object.assign(record, out);
        return;
      }
      if (!user) {
        record.status = 302;
        if (req.method === 'POST') {
          // Re-enter as a redirect-binding GET after sign-in.
          const again = new URL(`${LOGIN}/${tenantId}/saml2`);
          again.searchParams.set('SAMLRequest', deflateRawSync(Buffer.from(samlRequest, 'base64')).toString('base64'));
          if (relayState) again.searchParams.set('RelayState', relayState);
          return redirect(res, loginUrl(again.toString()));
        }
        return redirect(res, loginUrl(`${LOGIN}${url.pathname}${url.search}`));
      }
      Object.assign(record, answerWithAssertion(res, user, app, 'sp-initiated', app.acsUrl, relayState, parsed.id));
      return;
    }
    const appId = url.searchParams.get('appid') ?? url.searchParams.get('appId');
    if (!appId) {
      return aadstsError(
        res,
        400,
        'AADSTS750054',
        'SAMLRequest or SAMLResponse must be present as query string parameters in HTTP request for SAML Redirect binding.',
      );
    }
    const app = findApp(appId);
    if (!app) {
      return aadstsError(res, 400, 'AADSTS700016', `Application with identifier '${appId}' was not found in the directory '${opts.world.tenantDomain}'.`);
    }
    if (!user) return redirect(res, loginUrl(`${LOGIN}${url.pathname}${url.search}`));
    answerWithAssertion(res, user, app, 'idp-initiated', app.acsUrl, relayState ?? app.relayState ?? null, null);
  }

  /** `POST /mfa/push`, as the MFA page's script sends it: counts one push per page a browser ran. */
  async function handleMfaPush(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      req.resume();
      res.writeHead(405, { allow: 'POST', 'content-length': '0' });
      res.end();
      return;
    }
    const form = new URLSearchParams((await readBody(req, 64 * 1024)).toString('utf8'));
    const ctx = form.get('ctx') ?? '';
    const upn = mfaContexts.get(ctx);
    mfaContexts.delete(ctx);
    if (upn) pushesSent++;
    const body = JSON.stringify({ Success: Boolean(upn), ResultValue: upn ? 'Success' : 'InvalidSession' });
    res.writeHead(upn ? 200 : 400, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    res.end(body);
  }

  function handleMyApps(req: IncomingMessage, res: ServerResponse, url: URL): void {
    req.resume();
    if (url.pathname === '/auth') {
      const code = url.searchParams.get('code') ?? '';
      const upn = codes.get(code);
      codes.delete(code);
      if (!upn) return aadstsError(res, 400, 'AADSTS70008', 'The provided authorization code or refresh token has expired due to inactivity.');
      const sid = randomBytes(32).toString('base64url');
      myAppsSessions.set(sid, upn);
      return redirect(res, `${MYAPPS}/`, { 'set-cookie': [`${MYAPPS_COOKIE}=${sid}; path=/; secure; HttpOnly; SameSite=Lax`] });
    }
    const sid = parseCookies(req.headers.cookie).get(MYAPPS_COOKIE);
    const user = sid ? findUser(myAppsSessions.get(sid) ?? '') : undefined;
    if (!user) {
      const authorize = new URL(`${LOGIN}/${tenantId}/oauth2/v2.0/authorize`);
      authorize.searchParams.set('client_id', MYAPPS_CLIENT_ID);
      authorize.searchParams.set('redirect_uri', `${MYAPPS}/auth`);
      authorize.searchParams.set('response_type', 'code');
      authorize.searchParams.set('scope', 'openid profile');
      authorize.searchParams.set('state', randomUUID());
      return redirect(res, authorize.toString());
    }
    const tiles = appsFor(user)
      .map(
        (a) =>
          `<a class="app-tile" data-app-id="${a.appId}" href="https://launcher.myapps.microsoft.com/api/signin/${a.appId}?tenantId=${tenantId}">${escapeHtml(a.name)}</a>`,
      )
      .join('');
    sendHtml(
      res,
      200,
      page(
        'My Apps',
        `<header><h1>My Apps</h1><p id="user">${escapeHtml(user.displayName)} (${escapeHtml(user.upn)})</p></header>` +
          `<main><h2>Apps</h2><nav class="tiles" aria-label="Apps">${tiles}</nav></main>`,
      ),
    );
  }

  function handleLauncher(req: IncomingMessage, res: ServerResponse, url: URL): void {
    req.resume();
    const m = /^\/api\/signin\/([0-9a-fA-F-]{36})$/.exec(url.pathname);
    const app = m ? findApp(m[1]!) : undefined;
    if (!app) return aadstsError(res, 404, 'AADSTS700016', `Application '${m?.[1] ?? url.pathname}' was not found in the directory.`);
    const tid = url.searchParams.get('tenantId') ?? tenantId;
    const target = new URL(`${LOGIN}/${tid}/saml2`);
    target.searchParams.set('SAMLRequest', launcherAuthnRequest(app).samlRequest);
    if (app.relayState) target.searchParams.set('RelayState', app.relayState);
    redirect(res, target.toString());
  }

  const emulator: IdpEmulator = {
    clockSkewMs: 0,
    roleOrder,
    assertionOverrides: null,
    issued,
    signingKey: opts.signingKey,
    samlResponseFor,
    samlRequests,
    get pushesSent(): number {
      return pushesSent;
    },
    endSession(upn: string): void {
      const u = findUser(upn)?.upn ?? upn;
      for (const [sid, owner] of sessions) if (owner === u) sessions.delete(sid);
    },
    setScenario(upn: string, scenario: PassiveScenario): void {
      const user = findUser(upn);
      if (!user) throw new Error(`idp.setScenario: unknown user ${upn}`);
      if (!PASSIVE_SCENARIOS.includes(scenario)) throw new Error(`idp.setScenario: unknown scenario ${String(scenario)}`);
      scenarios.set(user.upn, scenario);
    },
    signOutAll(): void {
      sessions.clear();
      myAppsSessions.clear();
      codes.clear();
      loginContexts.clear();
    },
    reset(): void {
      emulator.clockSkewMs = 0;
      emulator.assertionOverrides = null;
      issued.length = 0;
      samlRequests.length = 0;
      scenarios.clear();
      mfaContexts.clear();
      pushesSent = 0;
      roleOrder.clear();
      for (const u of opts.world.users) roleOrder.set(u.upn, u.roleOrder);
    },
    handles(host: string): boolean {
      return (IDP_HOSTS as readonly string[]).includes(host);
    },
    handle(req: IncomingMessage, res: ServerResponse): void {
      const host = requestHost(req);
      const url = new URL(req.url ?? '/', `https://${host}`);
      const fail = (e: unknown): void => {
        console.error('idp emulator: unexpected error', e);
        if (!res.headersSent) aadstsError(res, 500, 'AADSTS90033', 'A transient error has occurred. Please try again.');
      };
      if (host === 'myapps.microsoft.com') {
        req.resume();
        return redirect(res, `${MYAPPS}${url.pathname}${url.search}`);
      }
      if (host === 'myapplications.microsoft.com') return handleMyApps(req, res, url);
      if (host === 'launcher.myapps.microsoft.com') return handleLauncher(req, res, url);
      if (url.pathname === '/mfa/push') {
        handleMfaPush(req, res).catch(fail);
        return;
      }
      const segments = url.pathname.split('/').filter(Boolean);
      if (segments.length === 2 && segments[1] === 'saml2') {
        const tenant = segments[0]!;
        if (tenant !== tenantId && tenant !== opts.world.tenantDomain) {
          req.resume();
          return aadstsError(res, 400, 'AADSTS90002', `Tenant '${tenant}' not found.`);
        }
        handleSaml2(req, res, url).catch(fail);
        return;
      }
      handleLogin(req, res, url).catch(fail);
    },
  };
  return emulator;
}
