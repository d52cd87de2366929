// @vitest-environment node
import vm from 'node:vm';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PASSIVE_SCENARIOS, type PassiveScenario } from './idp';
import { startEmulators, type Emulators } from './index';
import { emulatorRequest, SimpleCookieJar, type EmulatorResponse } from './node-client';
import { verifySamlResponse } from './sts/saml-verify';
import { APP_IDS, PASSWORD, TENANT_ID, rolesFor } from './world';

let emu: Emulators;
beforeAll(async () => {
  emu = await startEmulators();
});
afterAll(async () => {
  await emu?.stop();
});
afterEach(() => {
  emu.reset();
  emu.idp.signOutAll();
});

/** A minimal browser: cookie jar + manual redirects (bounded). */
class Browser {
  readonly jar = new SimpleCookieJar();
  url = '';
  async go(url: string, init: { method?: string; body?: URLSearchParams; headers?: Record<string, string> } = {}): Promise<EmulatorResponse> {
    let r = await this.once(url, init);
    for (let i = 0; i < 10 && r.status >= 300 && r.status < 400; i++) r = await this.once(new URL(r.headers.location!, this.url).toString());
    return r;
  }
  async once(url: string, init: { method?: string; body?: URLSearchParams; headers?: Record<string, string> } = {}): Promise<EmulatorResponse> {
    this.url = url;
    const cookie = this.jar.header(url);
    const r = await emulatorRequest(emu.port, url, { ...init, headers: { ...init.headers, ...(cookie ? { cookie } : {}) } });
    this.jar.store(url, r.headers);
    return r;
  }
  /** Fills the sign-in form on the current page `r` and submits it. */
  async signIn(r: EmulatorResponse, user: string, password = PASSWORD): Promise<EmulatorResponse> {
    const ctx = /name="ctx" value="([^"]+)"/.exec(r.body)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(r.body)?.[1];
    expect(ctx, 'login form').toBeTruthy();
    return this.go(new URL(action!, this.url).toString(), { method: 'POST', body: new URLSearchParams({ ctx: ctx!, loginfmt: user, passwd: password }) });
  }
}

function hiddenForm(html: string): { action: string; samlResponse: string; relayState: string | null } {
  expect(html).toMatch(/<form method="POST" name="hiddenform" action="[^"]+">/);
  expect(html).toContain('<script language="javascript">window.setTimeout(function(){document.forms[0].submit();}, 0);</script>');
  expect(html).toMatch(/<noscript>.*<input type="submit"/);
  return {
    action: /action="([^"]+)"/.exec(html)![1]!,
    samlResponse: /name="SAMLResponse" value="([^"]+)"/.exec(html)![1]!,
    relayState: /name="RelayState" value="([^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? null,
  };
}

describe('IdP: sign-in and My Apps', () => {
  it('My Apps sends an anonymous user to the sign-in form, then lists the AWS tiles', async () => {
    const b = new Browser();
    const form = await b.go('https://myapplications.microsoft.com/');
    expect(b.url).toMatch(new RegExp(`^https://login\\.microsoftonline\\.com/${TENANT_ID}/login\\?ctx=`));
    expect(b.url).not.toContain('myapplications');
    expect(form.body).toMatch(/<label for="i0116">/);
    expect(form.body).toContain('name="loginfmt"');
    expect(form.body).toContain('name="passwd"');
    expect(form.body).toContain('value="Sign in"');
    const apps = await b.signIn(form, 'alice@contoso.com');
    expect(b.url).toBe('https://myapplications.microsoft.com/');
    const links = [...apps.body.matchAll(/<a class="app-tile"[^>]*href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[2], m[1]!.replace(/&amp;/g, '&')]);
    expect(links).toEqual([
      ['AWS', `https://launcher.myapps.microsoft.com/api/signin/${APP_IDS.aws}?tenantId=${TENANT_ID}`],
      ['AWS Sandbox', `https://launcher.myapps.microsoft.com/api/signin/${APP_IDS.sandbox}?tenantId=${TENANT_ID}`],
      ['AWS GovCloud', `https://launcher.myapps.microsoft.com/api/signin/${APP_IDS.govcloud}?tenantId=${TENANT_ID}`],
    ]);
    const esta = b.jar.header(`https://login.microsoftonline.com/${TENANT_ID}/saml2`);
    expect(esta).toMatch(/ESTSAUTH=/);
  });

  it('sets ESTSAUTH HttpOnly + Secure on login.microsoftonline.com only', async () => {
    const b = new Browser();
    const form = await b.go(`https://login.microsoftonline.com/${TENANT_ID}/login?returnTo=${encodeURIComponent('https://myapplications.microsoft.com/')}`);
    const ctx = /name="ctx" value="([^"]+)"/.exec(form.body)![1]!;
    const r = await b.once(`https://login.microsoftonline.com/${TENANT_ID}/login`, {
      method: 'POST',
      body: new URLSearchParams({ ctx, loginfmt: 'bob@contoso.com', passwd: PASSWORD }),
    });
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('https://myapplications.microsoft.com/');
    const cookie = r.headers['set-cookie']![0]!;
    expect(cookie).toMatch(/^ESTSAUTH=[\w-]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/secure/i);
    expect(cookie).not.toMatch(/domain=/i);
  });

  it('a wrong password shows the form again with an error', async () => {
    const b = new Browser();
    const form = await b.go('https://myapplications.microsoft.com/');
    const again = await b.signIn(form, 'alice@contoso.com', 'wrong');
    expect(again.status).toBe(200);
    expect(again.body).toContain('Your account or password is incorrect');
    expect(again.body).toContain('value="alice@contoso.com"');
    expect(b.jar.header(b.url)).toBeUndefined();
    await b.signIn(again, 'alice@contoso.com');
    expect(b.url).toBe('https://myapplications.microsoft.com/');
  });

  it('myapps.microsoft.com redirects to myapplications.microsoft.com', async () => {
    const r = await emulatorRequest(emu.port, 'https://myapps.microsoft.com/');
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('https://myapplications.microsoft.com/');
  });
});

describe('IdP: SAML', () => {
  it('saml2?appid= (IdP-initiated): signs in first, then the auto-POST form with a signed Entra assertion', async () => {
    const b = new Browser();
    const form = await b.go(`https://login.microsoftonline.com/${TENANT_ID}/saml2?appid=${APP_IDS.aws}&idpinitiated=true`);
    expect(form.body).toContain('name="loginfmt"');
    const post = await b.signIn(form, 'alice@contoso.com');
    expect(b.url).toContain('/saml2?appid=');
    const f = hiddenForm(post.body);
    expect(f.action).toBe('https://signin.aws.amazon.com/saml');
    expect(f.relayState).toBeNull();
    const v = verifySamlResponse(f.samlResponse, [emu.idpSigningKey.certPem]);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    const xml = Buffer.from(f.samlResponse, 'base64').toString('utf8');
    expect(xml).toMatch(/^<samlp:Response /);
    expect(xml).toContain('<Assertion ID="');
    expect(v.assertion.issuer).toBe(`https://sts.windows.net/${TENANT_ID}/`);
    expect(v.assertion.audiences).toEqual(['https://signin.aws.amazon.com/saml']);
    expect(v.assertion.recipients).toEqual(['https://signin.aws.amazon.com/saml']);
    expect(v.assertion.roleSessionName).toBe('alice@contoso.com');
    expect(v.assertion.sessionDuration).toBe('43200');
    expect(v.assertion.roles).toEqual(rolesFor('alice@contoso.com', APP_IDS.aws).map((r) => ({ roleArn: r.roleArn, providerArn: r.providerArn })));
    const lifetime = v.assertion.notOnOrAfter!.getTime() - v.assertion.issueInstant.getTime();
    expect(lifetime).toBe(3600_000);
    expect(Math.abs(v.assertion.issueInstant.getTime() - Date.now())).toBeLessThan(10_000);
    expect(emu.idp.issued).toHaveLength(1);
    expect(emu.idp.issued[0]).toMatchObject({ upn: 'alice@contoso.com', appId: APP_IDS.aws, mode: 'idp-initiated' });
  });

  it('per-app ACS, audience and relay state; bob is provider-first without SessionDuration; skew', async () => {
    const b = new Browser();
    await b.signIn(await b.go('https://myapplications.microsoft.com/'), 'alice@contoso.com');
    const sandbox = hiddenForm((await b.go(`https://launcher.myapps.microsoft.com/api/signin/${APP_IDS.sandbox}?tenantId=${TENANT_ID}`)).body);
    expect(sandbox.action).toBe('https://eu-west-1.signin.aws.amazon.com/saml');
    expect(sandbox.relayState).toBe('https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1');
    const sv = verifySamlResponse(sandbox.samlResponse, [emu.idpSigningKey.certPem]);
    expect(sv.ok && sv.assertion.audiences).toEqual(['https://signin.aws.amazon.com/saml#2']);
    const gov = hiddenForm((await b.go(`https://launcher.myapps.microsoft.com/api/signin/${APP_IDS.govcloud}?tenantId=${TENANT_ID}`)).body);
    expect(gov.action).toBe('https://signin.amazonaws-us-gov.com/saml');

    const bob = new Browser();
    await bob.signIn(await bob.go('https://myapplications.microsoft.com/'), 'bob@contoso.com');
    emu.idp.clockSkewMs = -6 * 60_000;
    const f = hiddenForm((await bob.go(`https://launcher.myapps.microsoft.com/api/signin/${APP_IDS.aws}?tenantId=${TENANT_ID}`)).body);
    const xml = Buffer.from(f.samlResponse, 'base64').toString('utf8');
    expect(xml).toContain('<AttributeValue>arn:aws:iam::111111111111:saml-provider/EntraID,arn:aws:iam::111111111111:role/ReadOnly</AttributeValue>');
    expect(xml).not.toContain('SessionDuration');
    const v = verifySamlResponse(f.samlResponse, [emu.idpSigningKey.certPem]);
    expect(v.ok && Date.now() - v.assertion.issueInstant.getTime()).toBeGreaterThan(5 * 60_000);
  });

  it('a user not assigned to the app gets AADSTS50105', async () => {
    const b = new Browser();
    await b.signIn(await b.go('https://myapplications.microsoft.com/'), 'erin@contoso.com');
    const r = await b.go(`https://launcher.myapps.microsoft.com/api/signin/${APP_IDS.aws}?tenantId=${TENANT_ID}`);
    expect(r.status).toBe(403);
    expect(r.body).toContain('AADSTS50105');
  });

  function authnRequest(issuer: string, acs?: string, id = '_a1b2c3'): string {
    const acsAttr = acs ? ` AssertionConsumerServiceURL="${acs}"` : '';
    const xml =
      `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString()}"${acsAttr}>` +
      `<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">${issuer}</Issuer>` +
      `<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"/></samlp:AuthnRequest>`;
    return deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64');
  }
  const saml2 = (req: string, relay?: string): string =>
    `https://login.microsoftonline.com/${TENANT_ID}/saml2?SAMLRequest=${encodeURIComponent(req)}${relay ? `&RelayState=${encodeURIComponent(relay)}` : ''}`;

  it('SP-initiated: valid AuthnRequest → form with InResponseTo and RelayState, after sign-in', async () => {
    const b = new Browser();
    const form = await b.go(saml2(authnRequest('https://signin.aws.amazon.com/saml', 'https://signin.aws.amazon.com/saml', '_req42'), 'relay-123'));
    expect(form.body).toContain('name="loginfmt"');
    const post = await b.signIn(form, 'dave@contoso.com');
    const f = hiddenForm(post.body);
    expect(f.action).toBe('https://signin.aws.amazon.com/saml');
    expect(f.relayState).toBe('relay-123');
    const xml = Buffer.from(f.samlResponse, 'base64').toString('utf8');
    expect(xml).toContain('InResponseTo="_req42"');
    const v = verifySamlResponse(f.samlResponse, [emu.idpSigningKey.certPem]);
    expect(v.ok && v.assertion.roles.length).toBe(300);
    expect(emu.idp.issued[0]!.mode).toBe('sp-initiated');
  });

  it.each([
    { name: 'unknown issuer', req: () => authnRequest('https://unknown.example.com/saml'), code: 'AADSTS700016' },
    { name: 'ACS not the app reply URL', req: () => authnRequest('https://signin.aws.amazon.com/saml', 'https://evil.example.com/saml'), code: 'AADSTS50011' },
    { name: 'not deflated', req: () => Buffer.from('<x/>').toString('base64'), code: 'AADSTS750054' },
    { name: 'not an AuthnRequest', req: () => deflateRawSync(Buffer.from('<x/>')).toString('base64'), code: 'AADSTS750056' },
  ])('SP-initiated: $name → 400 $code', async ({ req, code }) => {
    const b = new Browser();
    await b.signIn(await b.go('https://myapplications.microsoft.com/'), 'alice@contoso.com');
    const r = await b.go(saml2(req()));
    expect(r.status).toBe(400);
    expect(r.body).toContain(code);
  });

  it('unknown tenant → AADSTS90002', async () => {
    const r = await emulatorRequest(emu.port, 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/saml2?appid=x');
    expect(r.status).toBe(400);
    expect(r.body).toContain('AADSTS90002');
  });

  it('assertionOverrides reach the assertion (e.g. encrypted)', async () => {
    emu.idp.assertionOverrides = { encrypted: true };
    const b = new Browser();
    await b.signIn(await b.go('https://myapplications.microsoft.com/'), 'alice@contoso.com');
    const f = hiddenForm((await b.go(`https://launcher.myapps.microsoft.com/api/signin/${APP_IDS.aws}?tenantId=${TENANT_ID}`)).body);
    expect(Buffer.from(f.samlResponse, 'base64').toString('utf8')).toContain('<EncryptedAssertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion">');
  });
});

/** A signed-in browser (through My Apps, as a user does in the morning). */
async function signedIn(upn: string): Promise<Browser> {
  const b = new Browser();
  await b.signIn(await b.go('https://myapplications.microsoft.com/'), upn);
  expect(b.url).toBe('https://myapplications.microsoft.com/');
  return b;
}

interface AuthnOptions {
  issuer?: string;
  acs?: string | null;
  id?: string;
  passive?: string | null;
  version?: string;
}

/** A redirect-binding AuthnRequest as the extension would build it (IsPassive by default). */
function authn({
  issuer = 'https://signin.aws.amazon.com/saml',
  acs = 'https://signin.aws.amazon.com/saml',
  id = '_renew1',
  passive = 'true',
  version = '2.0',
}: AuthnOptions = {}): string {
  const attrs = `${acs ? ` AssertionConsumerServiceURL="${acs}"` : ''}${passive !== null ? ` IsPassive="${passive}"` : ''}`;
  const xml =
    `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="${id}" Version="${version}" IssueInstant="${new Date().toISOString()}"${attrs}>` +
    `<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${issuer}</saml:Issuer></samlp:AuthnRequest>`;
  return deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64');
}

const saml2Url = (samlRequest: string, loginHint?: string): string =>
  `https://login.microsoftonline.com/${TENANT_ID}/saml2?SAMLRequest=${encodeURIComponent(samlRequest)}${loginHint ? `&login_hint=${encodeURIComponent(loginHint)}` : ''}`;

/** What a service-worker fetch sends; a top-level navigation sends `navigate` / `document`. */
const FETCH = { 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty', 'sec-fetch-site': 'none' };
const NAVIGATION = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-site': 'none' };

/** The SAMLRequest in a redirect to /saml2, decoded. */
function decodeRedirect(location: string): { url: URL; xml: string; id: string; issuer: string; acs: string } {
  const url = new URL(location);
  const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
  return {
    url,
    xml,
    id: /\sID="([^"]+)"/.exec(xml)![1]!,
    issuer: /<Issuer[^>]*>([^<]+)<\/Issuer>/.exec(xml)![1]!,
    acs: /AssertionConsumerServiceURL="([^"]+)"/.exec(xml)![1]!,
  };
}

/** `<meta name="PageID">` and `$Config` of an Entra-shaped page. */
function entraPage(html: string): { pageId: string | undefined; config: Record<string, unknown> | undefined } {
  const pageId = /<meta name="PageID" content="([^"]+)">/.exec(html)?.[1];
  const json = /\$Config=(\{.*?\});\n/s.exec(html)?.[1];
  return { pageId, config: json ? (JSON.parse(json) as Record<string, unknown>) : undefined };
}

function samlStatus(samlResponse: string): { xml: string; codes: string[]; inResponseTo: string | undefined } {
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  return {
    xml,
    codes: [...xml.matchAll(/StatusCode Value="([^"]+)"/g)].map((m) => m[1]!),
    inResponseTo: /<samlp:Response [^>]*InResponseTo="([^"]+)"/.exec(xml)?.[1],
  };
}

describe('IdP: session cookies', () => {
  it('sign-in sets ESTSAUTH and ESTSAUTHPERSISTENT: HttpOnly, Secure, SameSite=None, on login.microsoftonline.com only', async () => {
    const b = new Browser();
    const form = await b.go(`https://login.microsoftonline.com/${TENANT_ID}/login`);
    const ctx = /name="ctx" value="([^"]+)"/.exec(form.body)![1]!;
    const r = await b.once(`https://login.microsoftonline.com/${TENANT_ID}/login`, {
      method: 'POST',
      body: new URLSearchParams({ ctx, loginfmt: 'alice@contoso.com', passwd: PASSWORD }),
    });
    const cookies = r.headers['set-cookie']!;
    expect(cookies.map((c) => c.split('=')[0])).toEqual(['ESTSAUTH', 'ESTSAUTHPERSISTENT']);
    for (const c of cookies) {
      expect(c).toMatch(/; HttpOnly/i);
      expect(c).toMatch(/; secure/i);
      expect(c).toMatch(/; SameSite=None/);
      expect(c).not.toMatch(/domain=/i);
    }
    expect(cookies[0]).not.toMatch(/max-age|expires/i);
    expect(cookies[1]).toMatch(/max-age=7776000/);
  });

  it('either cookie alone carries the session; endSession(user) makes both worthless (server-side)', async () => {
    const alice = await signedIn('alice@contoso.com');
    const bob = await signedIn('bob@contoso.com');
    const [estsauth, persistent] = alice.jar.header(`https://login.microsoftonline.com/`)!.split('; ');
    for (const cookie of [estsauth!, persistent!]) {
      const r = await emulatorRequest(emu.port, saml2Url(authn()), { headers: { cookie } });
      expect(hiddenForm(r.body).samlResponse).toBeTruthy();
      expect(emu.idp.samlRequests.at(-1)).toMatchObject({ user: 'alice@contoso.com', cookieSent: true, answer: 'ok' });
    }
    emu.idp.endSession('alice@contoso.com');
    const gone = await alice.go(saml2Url(authn()));
    expect(samlStatus(hiddenForm(gone.body).samlResponse).codes).toEqual([
      'urn:oasis:names:tc:SAML:2.0:status:Responder',
      'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
    ]);
    expect(emu.idp.samlRequests.at(-1)).toMatchObject({ cookieSent: true, answer: 'no-session', scenario: 'ok' });
    expect(emu.idp.samlRequests.at(-1)!.user).toBeUndefined();
    // Another user's session is untouched; signing in again gives a working session.
    expect((await bob.go(saml2Url(authn()))).body).toContain('name="SAMLResponse"');
    const launch = await alice.go(`https://launcher.myapps.microsoft.com/api/signin/${APP_IDS.aws}?tenantId=${TENANT_ID}`);
    expect(launch.body).toContain('name="loginfmt"');
    hiddenForm((await alice.signIn(launch, 'alice@contoso.com')).body);
    expect(emu.idp.samlRequests.at(-1)).toMatchObject({ user: 'alice@contoso.com', passive: false, answer: 'ok' });
    expect(samlStatus(hiddenForm((await alice.go(saml2Url(authn()))).body).samlResponse).codes).toEqual(['urn:oasis:names:tc:SAML:2.0:status:Success']);
  });
});

describe('IdP: the My Apps launcher is SP-initiated', () => {
  it.each([
    { app: APP_IDS.aws, user: 'alice@contoso.com', issuer: 'https://signin.aws.amazon.com/saml', acs: 'https://signin.aws.amazon.com/saml', relay: null },
    {
      app: APP_IDS.sandbox,
      user: 'alice@contoso.com',
      issuer: 'https://signin.aws.amazon.com/saml#2',
      acs: 'https://eu-west-1.signin.aws.amazon.com/saml',
      relay: 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1',
    },
    {
      app: APP_IDS.govcloud,
      user: 'alice@contoso.com',
      issuer: 'urn:amazon:webservices:govcloud',
      acs: 'https://signin.amazonaws-us-gov.com/saml',
      relay: null,
    },
    { app: APP_IDS.team, user: 'frank@contoso.com', issuer: 'https://signin.aws.amazon.com/saml#3', acs: 'https://signin.aws.amazon.com/saml', relay: null },
  ])('$issuer: a fresh ID, the exact identifier as Issuer, the reply URL as ACS; InResponseTo = that ID', async ({ app, user, issuer, acs, relay }) => {
    const b = await signedIn(user);
    const launch = `https://launcher.myapps.microsoft.com/api/signin/${app}?tenantId=${TENANT_ID}`;
    const first = await b.once(launch);
    expect(first.status).toBe(302);
    const req = decodeRedirect(first.headers.location!);
    expect(`${req.url.origin}${req.url.pathname}`).toBe(`https://login.microsoftonline.com/${TENANT_ID}/saml2`);
    expect(req.url.searchParams.has('appid')).toBe(false);
    expect(req.url.searchParams.get('RelayState')).toBe(relay);
    expect(req.issuer).toBe(issuer);
    expect(req.acs).toBe(acs);
    expect(req.id).toMatch(/^id[0-9a-f]{32}$/);
    expect(req.xml).toMatch(/Version="2\.0"/);
    expect(req.xml).not.toMatch(/IsPassive/);
    expect(decodeRedirect((await b.once(launch)).headers.location!).id).not.toBe(req.id);

    const f = hiddenForm((await b.go(first.headers.location!)).body);
    expect(f.action).toBe(acs);
    expect(f.relayState).toBe(relay);
    expect(samlStatus(f.samlResponse).inResponseTo).toBe(req.id);
    expect(emu.idp.issued.at(-1)).toMatchObject({ upn: user, appId: app, mode: 'sp-initiated' });
    expect(emu.idp.samlRequests.at(-1)).toMatchObject({ passive: false, issuer, acs, id: req.id, answer: 'ok', user });
  });

  it('frank: My Apps shows "AWS Team"; its assertion drops the #3 from the Audience and STS accepts it', async () => {
    const b = await signedIn('frank@contoso.com');
    const tiles = [...(await b.go('https://myapplications.microsoft.com/')).body.matchAll(/<a class="app-tile"[^>]*>([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(tiles).toEqual(['AWS Team']);
    const f = hiddenForm((await b.go(`https://launcher.myapps.microsoft.com/api/signin/${APP_IDS.team}?tenantId=${TENANT_ID}`)).body);
    const v = verifySamlResponse(f.samlResponse, [emu.idpSigningKey.certPem]);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.assertion.audiences).toEqual(['https://signin.aws.amazon.com/saml']);
    expect(v.assertion.recipients).toEqual(['https://signin.aws.amazon.com/saml']);
    expect(v.assertion.roles.map((r) => r.roleArn)).toEqual([
      'arn:aws:iam::888888888888:role/TeamAdmin',
      'arn:aws:iam::888888888888:role/TeamDeveloper',
      'arn:aws:iam::888888888888:role/TeamReadOnly',
    ]);
    const sts = await emulatorRequest(emu.port, 'https://sts.amazonaws.com/', {
      body: new URLSearchParams({
        Action: 'AssumeRoleWithSAML',
        Version: '2011-06-15',
        RoleArn: 'arn:aws:iam::888888888888:role/TeamDeveloper',
        PrincipalArn: 'arn:aws:iam::888888888888:saml-provider/EntraID',
        SAMLAssertion: f.samlResponse,
      }),
    });
    expect(sts.status, sts.body).toBe(200);
  });

  it('the "#N trap": the Audience as Issuer is another app\'s identifier (frank is not assigned: AADSTS50105); an unknown one is AADSTS700016', async () => {
    const b = await signedIn('frank@contoso.com');
    const bare = await b.go(saml2Url(authn({ issuer: 'https://signin.aws.amazon.com/saml' })));
    expect(bare.status).toBe(403);
    expect(bare.body).toContain('AADSTS50105');
    expect(bare.body).not.toContain('name="SAMLResponse"');
    const unknown = await b.go(saml2Url(authn({ issuer: 'https://signin.aws.amazon.com/saml#9' })));
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('AADSTS700016: Application with identifier &#39;https://signin.aws.amazon.com/saml#9&#39; was not found in the directory');
    const right = await b.go(saml2Url(authn({ issuer: 'https://signin.aws.amazon.com/saml#3' })));
    expect(samlStatus(hiddenForm(right.body).samlResponse).codes).toEqual(['urn:oasis:names:tc:SAML:2.0:status:Success']);
    expect(emu.idp.samlRequests.map((r) => [r.issuer, r.answer])).toEqual([
      ['https://signin.aws.amazon.com/saml', 'AADSTS50105'],
      ['https://signin.aws.amazon.com/saml#9', 'AADSTS700016'],
      ['https://signin.aws.amazon.com/saml#3', 'ok'],
    ]);
  });
});

describe('IdP: passive requests are checked strictly', () => {
  it.each([
    { name: 'an ID starting with a digit', opts: { id: '1abc' }, code: 'AADSTS7500529' },
    { name: 'no ID', opts: { id: '' }, code: 'AADSTS7500529' },
    { name: 'Version 1.0', opts: { version: '1.0' }, code: 'AADSTS75005' },
    { name: 'IsPassive not a boolean', opts: { passive: 'yes' }, code: 'AADSTS75005' },
    { name: 'an Issuer no app has', opts: { issuer: 'urn:amazon:webservices' }, code: 'AADSTS700016' },
    { name: "an ACS not among the app's reply URLs", opts: { acs: 'https://eu-west-1.signin.aws.amazon.com/saml' }, code: 'AADSTS50011' },
    { name: "the Sandbox app's identifier with the AWS app's ACS", opts: { issuer: 'https://signin.aws.amazon.com/saml#2' }, code: 'AADSTS50011' },
  ])('$name → $code, logged', async ({ opts, code }) => {
    const b = await signedIn('alice@contoso.com');
    const r = await b.go(saml2Url(authn(opts)));
    expect(r.status).toBe(400);
    expect(r.body).toContain(code);
    expect(r.body).not.toContain('SAMLResponse');
    expect(emu.idp.samlRequests).toHaveLength(1);
    expect(emu.idp.samlRequests[0]).toMatchObject({ answer: code, status: 400, cookieSent: true, user: 'alice@contoso.com' });
    expect(emu.idp.issued).toHaveLength(0);
  });

  it('no ACS is fine (the reply URL is used); IsPassive="1" is passive; the log has what was sent', async () => {
    const b = await signedIn('alice@contoso.com');
    const f = hiddenForm((await b.go(saml2Url(authn({ acs: null, passive: '1', id: '_x9' }), 'alice@contoso.com'), { headers: FETCH })).body);
    expect(f.action).toBe('https://signin.aws.amazon.com/saml');
    const [rec] = emu.idp.samlRequests;
    expect(rec).toMatchObject({
      user: 'alice@contoso.com',
      passive: true,
      issuer: 'https://signin.aws.amazon.com/saml',
      acs: null,
      id: '_x9',
      loginHint: 'alice@contoso.com',
      secFetchMode: 'cors',
      secFetchDest: 'empty',
      cookieSent: true,
      scenario: 'ok',
      answer: 'ok',
      status: 200,
    });
    expect(rec!.at).toBeInstanceOf(Date);
  });

  it("login_hint must name the session's user: another user → NoPassive (logged login-hint-mismatch)", async () => {
    const b = await signedIn('alice@contoso.com');
    const r = await b.go(saml2Url(authn(), 'bob@contoso.com'));
    const s = samlStatus(hiddenForm(r.body).samlResponse);
    expect(s.codes).toEqual(['urn:oasis:names:tc:SAML:2.0:status:Responder', 'urn:oasis:names:tc:SAML:2.0:status:NoPassive']);
    expect(emu.idp.samlRequests[0]).toMatchObject({ answer: 'login-hint-mismatch', user: 'alice@contoso.com' });
    expect(emu.idp.issued).toHaveLength(0);
    expect((await b.go(saml2Url(authn(), 'ALICE@contoso.com'))).body).toContain('name="SAMLResponse"');
    expect(emu.idp.samlRequests[1]!.answer).toBe('ok');
  });

  it('without IsPassive and without a session: the sign-in form as today (logged sign-in)', async () => {
    const b = new Browser();
    const first = await b.once(saml2Url(authn({ passive: null })));
    expect(first.status).toBe(302);
    expect(first.headers.location).toMatch(new RegExp(`^https://login\\.microsoftonline\\.com/${TENANT_ID}/login\\?ctx=`));
    expect(emu.idp.samlRequests[0]).toMatchObject({ passive: false, cookieSent: false, answer: 'sign-in', status: 302, scenario: null });
    const again = await b.go(saml2Url(authn({ passive: 'false' })));
    expect(again.body).toContain('name="loginfmt"');
  });

  it('without a session cookie a passive request never shows the sign-in form: NoPassive, or 50058 with no-session-page', async () => {
    const r = await emulatorRequest(emu.port, saml2Url(authn({ id: '_nos' }), 'alice@contoso.com'), { headers: FETCH });
    expect(r.status).toBe(200);
    const f = hiddenForm(r.body);
    expect(f.action).toBe('https://signin.aws.amazon.com/saml');
    const s = samlStatus(f.samlResponse);
    expect(s.inResponseTo).toBe('_nos');
    expect(s.codes).toEqual(['urn:oasis:names:tc:SAML:2.0:status:Responder', 'urn:oasis:names:tc:SAML:2.0:status:NoPassive']);
    expect(s.xml).not.toContain('<Assertion');
    expect(emu.idp.samlRequests[0]).toMatchObject({ cookieSent: false, answer: 'no-session', scenario: 'ok' });
    emu.idp.setScenario('alice@contoso.com', 'no-session-page');
    const page = await emulatorRequest(emu.port, saml2Url(authn(), 'alice@contoso.com'), { headers: FETCH });
    expect(entraPage(page.body)).toMatchObject({ pageId: 'ConvergedSignIn', config: { pgid: 'ConvergedSignIn', sErrorCode: '50058' } });
  });
});

/** How each scenario answers a passive fetch from a signed-in browser. */
const SCENARIO_ANSWERS: Record<PassiveScenario, { status: number; pageId?: string; code?: string; samlStatus?: string[] }> = {
  ok: { status: 200, samlStatus: ['urn:oasis:names:tc:SAML:2.0:status:Success'] },
  'no-session': { status: 200, samlStatus: ['urn:oasis:names:tc:SAML:2.0:status:Responder', 'urn:oasis:names:tc:SAML:2.0:status:NoPassive'] },
  'no-session-page': { status: 200, pageId: 'ConvergedSignIn', code: '50058' },
  mfa: { status: 200, pageId: 'ConvergedTFA', code: '50074' },
  'stay-signed-in': { status: 200, pageId: 'KmsiInterrupt', code: '50140' },
  'account-picker': { status: 200, pageId: 'ConvergedChooser', code: '16000' },
  'device-sso': { status: 200, pageId: 'BssoInterrupt', code: '50168' },
  'ca-block': { status: 200, pageId: 'ConvergedError', code: '53003' },
  'sign-in-frequency': { status: 200, pageId: 'ConvergedSignIn', code: '70044' },
  throttled: { status: 200, pageId: 'ConvergedError', code: '50196' },
  '5xx': { status: 503 },
  unknown: { status: 200 },
};

describe('IdP: passive scenarios', () => {
  it.each(PASSIVE_SCENARIOS.map((scenario) => ({ scenario, ...SCENARIO_ANSWERS[scenario] })))(
    '$scenario → $status $pageId $code',
    async ({ scenario, status, pageId, code, samlStatus: statusCodes }) => {
      const b = await signedIn('alice@contoso.com');
      emu.idp.setScenario('alice@contoso.com', scenario);
      const r = await b.go(saml2Url(authn({ id: '_scn' }), 'alice@contoso.com'), { headers: FETCH });
      expect(r.status).toBe(status);
      const page = entraPage(r.body);
      if (statusCodes) {
        const f = hiddenForm(r.body);
        expect(r.body).toContain('<title>Working...</title>');
        expect(f.action).toBe('https://signin.aws.amazon.com/saml');
        const s = samlStatus(f.samlResponse);
        expect(s.codes).toEqual(statusCodes);
        expect(s.inResponseTo).toBe('_scn');
        expect(verifySamlResponse(f.samlResponse, [emu.idpSigningKey.certPem]).ok).toBe(scenario === 'ok');
      } else {
        expect(r.body).not.toContain('SAMLResponse');
      }
      expect(page.pageId).toBe(pageId);
      if (pageId) expect(page.config).toMatchObject({ pgid: pageId, sErrorCode: code });
      else expect(page.config).toBeUndefined();
      if (scenario === 'throttled') expect(r.body).toContain('AADSTS50196');
      expect(emu.idp.samlRequests).toEqual([expect.objectContaining({ scenario, answer: scenario, passive: true, status, user: 'alice@contoso.com' })]);
      expect(emu.idp.issued).toHaveLength(scenario === 'ok' ? 1 : 0);
      expect(emu.idp.pushesSent).toBe(0);
    },
  );

  it('scenarios are per user, and reset() restores ok', async () => {
    const alice = await signedIn('alice@contoso.com');
    const bob = await signedIn('bob@contoso.com');
    emu.idp.setScenario('bob@contoso.com', 'ca-block');
    expect((await alice.go(saml2Url(authn()))).body).toContain('name="SAMLResponse"');
    expect(entraPage((await bob.go(saml2Url(authn()))).body).pageId).toBe('ConvergedError');
    expect(() => emu.idp.setScenario('nobody@contoso.com', 'ok')).toThrow(/unknown user/);
    emu.reset();
    expect((await bob.go(saml2Url(authn()))).body).toContain('name="SAMLResponse"');
    expect(emu.idp.samlRequests).toHaveLength(1);
  });

  it('device-sso: the assertion only for a real top-level navigation (Sec-Fetch-Mode navigate + Sec-Fetch-Dest document)', async () => {
    const b = await signedIn('alice@contoso.com');
    emu.idp.setScenario('alice@contoso.com', 'device-sso');
    for (const headers of [
      FETCH,
      {},
      { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' },
      { 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'document' },
    ] as Record<string, string>[]) {
      const r = await b.go(saml2Url(authn()), { headers });
      expect(entraPage(r.body).pageId, JSON.stringify(headers)).toBe('BssoInterrupt');
    }
    const nav = await b.go(saml2Url(authn({ id: '_nav' })), { headers: NAVIGATION });
    const s = samlStatus(hiddenForm(nav.body).samlResponse);
    expect(s.codes).toEqual(['urn:oasis:names:tc:SAML:2.0:status:Success']);
    expect(s.inResponseTo).toBe('_nav');
    expect(emu.idp.samlRequests.map((r) => r.answer)).toEqual(['device-sso', 'device-sso', 'device-sso', 'device-sso', 'ok']);
    expect(emu.idp.samlRequests.at(-1)).toMatchObject({ scenario: 'device-sso', secFetchMode: 'navigate', secFetchDest: 'document' });
  });

  it('mfa: reading the page starts no push; running its script (as a browser does) starts exactly one', async () => {
    const b = await signedIn('alice@contoso.com');
    emu.idp.setScenario('alice@contoso.com', 'mfa');
    const r = await b.go(saml2Url(authn()), { headers: FETCH });
    expect(entraPage(r.body).pageId).toBe('ConvergedTFA');
    expect(emu.idp.pushesSent).toBe(0);
    // A GET of the push endpoint (a prefetch, a link) starts nothing either.
    expect((await b.go('https://login.microsoftonline.com/mfa/push')).status).toBe(405);
    expect(emu.idp.pushesSent).toBe(0);

    /** Runs the page's scripts with a fetch that goes to the emulator with the browser's cookies. */
    async function runScripts(html: string): Promise<void> {
      const pending: Promise<EmulatorResponse>[] = [];
      const context = vm.createContext({
        fetch: (url: string, init: { method: string; headers: Record<string, string>; body: string }) => {
          const target = new URL(url, 'https://login.microsoftonline.com/').toString();
          const p = emulatorRequest(emu.port, target, {
            method: init.method,
            headers: { ...init.headers, cookie: b.jar.header(target) ?? '' },
            body: init.body,
          });
          pending.push(p);
          return p;
        },
      });
      for (const m of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) vm.runInContext(m[1]!, context);
      await Promise.all(pending);
    }
    await runScripts(r.body);
    expect(emu.idp.pushesSent).toBe(1);
    // The same page run again (its one-time context is used) starts no second push.
    await runScripts(r.body);
    expect(emu.idp.pushesSent).toBe(1);
    emu.reset();
    expect(emu.idp.pushesSent).toBe(0);
  });

  it('scenarios are for passive requests only: an interactive request still signs in as today', async () => {
    const b = await signedIn('alice@contoso.com');
    emu.idp.setScenario('alice@contoso.com', 'mfa');
    expect((await b.go(`https://launcher.myapps.microsoft.com/api/signin/${APP_IDS.aws}?tenantId=${TENANT_ID}`)).body).toContain('name="SAMLResponse"');
    expect(emu.idp.samlRequests[0]).toMatchObject({ passive: false, scenario: null, answer: 'ok' });
  });
});
