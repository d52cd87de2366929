/**
 * An Entra-ID-like IdP for the test world: sign-in page with a session cookie, My Apps, the app launcher
 * and the SAML endpoint (IdP- and SP-initiated) answering with Entra's auto-POST form.
 *
 * Hosts and routes:
 * - login.microsoftonline.com
 *   - GET  /<tenant>/login?returnTo=<url>     sign-in form (loginfmt, passwd); POST checks the password, sets
 *                                              ESTSAUTH (HttpOnly, Secure) and redirects to returnTo
 *                                              (default https://myapplications.microsoft.com/). The emulator's own
 *                                              redirects use an opaque `?ctx=` instead (as Entra does), so the
 *                                              login page URL never contains the destination's hostname.
 *   - GET  /<tenant>/oauth2/v2.0/authorize     how My Apps learns the user (code flow, see below)
 *   - GET|POST /<tenant>/saml2?SAMLRequest=…   SP-initiated; ?appid=<appId> IdP-initiated (from the launcher)
 *   - GET  /<tenant>/oauth2/v2.0/logout        drops the session
 * - myapplications.microsoft.com (myapps.microsoft.com redirects there)
 *   - GET / → My Apps. Cookies are per host, so like the real portal it has its own session: without it,
 *     it redirects to login.microsoftonline.com's authorize endpoint, which (signing in first if needed)
 *     redirects back to /auth?code=… ; the code is exchanged in memory for the user and a MYAPPS cookie is set.
 * - launcher.myapps.microsoft.com
 *   - GET /api/signin/<appId>?tenantId=<tid> → 302 to login.microsoftonline.com/<tenant>/saml2?appid=<appId>&idpinitiated=true
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
}

/** Decodes a redirect-binding (deflated) or POST-binding (plain) AuthnRequest. */
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
    const issuer = (firstElement(root, NS.assertion, 'Issuer')?.textContent ?? '').trim();
    if (!issuer) return 'AADSTS750021: The SAML request is missing its Issuer.';
    return { id, issuer, acsUrl: root.getAttribute('AssertionConsumerServiceURL') };
  } catch {
    return 'AADSTS750056: SAML message was not properly base64 encoded.';
  }
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

  function userFromSession(req: IncomingMessage): WorldUser | undefined {
    const sid = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    const upn = sid ? sessions.get(sid) : undefined;
    return upn ? findUser(upn) : undefined;
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
      audience: app.entityId,
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
  ): void {
    if (rolesFor(user, app.appId).length === 0) {
      aadstsError(
        res,
        403,
        'AADSTS50105',
        `Your administrator has configured the application ${app.name} ('${app.appId}') to block users unless they are specifically granted ('assigned') access to the application. The signed in user '${user.upn}' is blocked because they are not a direct member of a group with access, nor had access directly assigned by an administrator.`,
      );
      return;
    }
    const { samlResponse, xml } = buildSaml(user, app, inResponseTo);
    issued.push({ at: new Date(now()), upn: user.upn, appId: app.appId, acsUrl, mode, samlResponse, xml, relayState });
    sendHtml(res, 200, autoPostForm(acsUrl, samlResponse, relayState));
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
        sessions.set(sid, user.upn);
        return redirect(res, returnTo, { 'set-cookie': [`${SESSION_COOKIE}=${sid}; path=/; secure; HttpOnly; SameSite=None`] });
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
      const sid = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
      if (sid) sessions.delete(sid);
      return sendHtml(res, 200, page('Sign out', '<p id="signed-out">You signed out of your account.</p>'), {
        'set-cookie': [`${SESSION_COOKIE}=; path=/; secure; HttpOnly; SameSite=None; Max-Age=0`],
      });
    }
    return aadstsError(res, 404, 'AADSTS900561', 'The endpoint only accepts the documented routes.');
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
      const parsed = decodeAuthnRequest(samlRequest, deflated);
      if (typeof parsed === 'string') {
        const [code, ...msg] = parsed.split(': ');
        return aadstsError(res, 400, code!, msg.join(': '));
      }
      const app = findAppByEntityId(parsed.issuer);
      if (!app) {
        return aadstsError(
          res,
          400,
          'AADSTS700016',
          `Application with identifier '${parsed.issuer}' was not found in the directory '${opts.world.tenantDomain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
        );
      }
      if (parsed.acsUrl !== null && parsed.acsUrl !== app.acsUrl) {
        return aadstsError(
          res,
          400,
          'AADSTS50011',
          `The reply URL '${parsed.acsUrl}' specified in the request does not match the reply URLs configured for the application: '${app.appId}'.`,
        );
      }
      if (!user) {
        if (req.method === 'POST') {
          // Re-enter as a redirect-binding GET after sign-in.
          const again = new URL(`${LOGIN}/${tenantId}/saml2`);
          again.searchParams.set('SAMLRequest', deflateRawSync(Buffer.from(samlRequest, 'base64')).toString('base64'));
          if (relayState) again.searchParams.set('RelayState', relayState);
          return redirect(res, loginUrl(again.toString()));
        }
        return redirect(res, loginUrl(`${LOGIN}${url.pathname}${url.search}`));
      }
      return answerWithAssertion(res, user, app, 'sp-initiated', app.acsUrl, relayState, parsed.id);
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
    return answerWithAssertion(res, user, app, 'idp-initiated', app.acsUrl, relayState ?? app.relayState ?? null, null);
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
    target.searchParams.set('appid', app.appId);
    target.searchParams.set('idpinitiated', 'true');
    redirect(res, target.toString());
  }

  const emulator: IdpEmulator = {
    clockSkewMs: 0,
    roleOrder,
    assertionOverrides: null,
    issued,
    signingKey: opts.signingKey,
    samlResponseFor,
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
