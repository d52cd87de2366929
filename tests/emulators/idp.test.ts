// @vitest-environment node
import { deflateRawSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
  async go(url: string, init: { method?: string; body?: URLSearchParams } = {}): Promise<EmulatorResponse> {
    let r = await this.once(url, init);
    for (let i = 0; i < 10 && r.status >= 300 && r.status < 400; i++) r = await this.once(new URL(r.headers.location!, this.url).toString());
    return r;
  }
  async once(url: string, init: { method?: string; body?: URLSearchParams } = {}): Promise<EmulatorResponse> {
    this.url = url;
    const cookie = this.jar.header(url);
    const r = await emulatorRequest(emu.port, url, { ...init, headers: cookie ? { cookie } : {} });
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
  it('launcher → saml2 (IdP-initiated): signs in first, then the auto-POST form with a signed Entra assertion', async () => {
    const b = new Browser();
    const launch = `https://launcher.myapps.microsoft.com/api/signin/${APP_IDS.aws}?tenantId=${TENANT_ID}`;
    const first = await b.once(launch);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe(`https://login.microsoftonline.com/${TENANT_ID}/saml2?appid=${APP_IDS.aws}&idpinitiated=true`);
    const form = await b.go(launch);
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
