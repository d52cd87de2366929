// @vitest-environment node
import { X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signinHostInfo } from './aws-signin';
import { startEmulators, type Emulators } from './index';
import { emulatorRequest, type EmulatorResponse } from './node-client';
import { APP_IDS, accountAliases } from './world';

let emu: Emulators;
beforeAll(async () => {
  emu = await startEmulators();
});
afterAll(async () => {
  await emu?.stop();
});
afterEach(() => emu.reset());

function postSaml(url: string, fields: Record<string, string>): Promise<EmulatorResponse> {
  return emulatorRequest(emu.port, url, { method: 'POST', body: new URLSearchParams(fields) });
}

function metaData(html: string): { roles_accounts: Record<string, string[]> } {
  const content = /<meta name="data" content="([^"]+)">/.exec(html)![1]!;
  return JSON.parse(Buffer.from(content, 'base64').toString('utf8')) as { roles_accounts: Record<string, string[]> };
}

const unescape = (s: string): string => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"');

describe('AWS sign-in: ACS POST', () => {
  it('several roles → the role picker (meta data JSON + older markup + form back to the same URL)', async () => {
    const saml = emu.idp.samlResponseFor('alice@contoso.com', APP_IDS.aws);
    const r = await postSaml('https://signin.aws.amazon.com/saml', { SAMLResponse: saml, RelayState: '' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(metaData(r.body).roles_accounts).toEqual({
      'contoso-prod (111111111111)': [
        'arn:aws:iam::111111111111:role/Admin',
        'arn:aws:iam::111111111111:role/ReadOnly',
        'arn:aws:iam::111111111111:role/team/platform/Deployer',
      ],
      'contoso-dev (222222222222)': [
        'arn:aws:iam::222222222222:role/Admin',
        'arn:aws:iam::222222222222:role/Developer',
        'arn:aws:iam::222222222222:role/LimitedSession',
      ],
    });
    const accounts = [...r.body.matchAll(/<div class="saml-account-name">([^<]+)<\/div>/g)].map((m) => m[1]);
    expect(accounts).toEqual(['Account: contoso-prod (111111111111)', 'Account: contoso-dev (222222222222)']);
    const radios = [...r.body.matchAll(/<input type="radio" name="roleIndex" value="([^"]+)"[^>]*id="([^"]+)">\s*<label for="([^"]+)"/g)];
    expect(radios).toHaveLength(6);
    for (const m of radios) expect(m[1]).toBe(m[3]);
    expect(r.body).toMatch(/<form id="saml_form" name="saml_form" action="\/saml" method="post">/);
    expect(unescape(/name="SAMLResponse" value="([^"]+)"/.exec(r.body)![1]!)).toBe(saml);
    expect(emu.signin.posts.at(-1)).toMatchObject({ outcome: 'picker', host: 'signin.aws.amazon.com' });
  });

  it('picker with roleIndex → console; the console page says who you are', async () => {
    const saml = emu.idp.samlResponseFor('alice@contoso.com', APP_IDS.aws);
    const r = await postSaml('https://signin.aws.amazon.com/saml/', { SAMLResponse: saml, roleIndex: 'arn:aws:iam::111111111111:role/team/platform/Deployer' });
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('https://console.aws.amazon.com/console/home');
    const cookie = r.headers['set-cookie']![0]!;
    expect(cookie).toMatch(/Domain=\.aws\.amazon\.com/);
    const page = await emulatorRequest(emu.port, r.headers.location!, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.body).toContain('arn:aws:sts::111111111111:assumed-role/Deployer/alice@contoso.com');
    expect(page.body).toContain('contoso-prod (111111111111)');
    const anonymous = await emulatorRequest(emu.port, 'https://console.aws.amazon.com/console/home');
    expect(anonymous.body).toContain('You are not signed in');
  });

  it('a roleIndex not in the assertion → invalid SAML response page', async () => {
    const saml = emu.idp.samlResponseFor('bob@contoso.com', APP_IDS.aws);
    const r = await postSaml('https://signin.aws.amazon.com/saml', { SAMLResponse: saml, roleIndex: 'arn:aws:iam::111111111111:role/Admin' });
    expect(r.status).toBe(400);
    expect(r.body).toContain('Your request included an invalid SAML response');
  });

  it('one role (bob, provider-first) → straight to the console, no picker', async () => {
    const saml = emu.idp.samlResponseFor('bob@contoso.com', APP_IDS.aws);
    const r = await postSaml('https://signin.aws.amazon.com/saml?foo=bar', { SAMLResponse: saml });
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('https://console.aws.amazon.com/console/home');
    expect(emu.signin.posts.at(-1)).toMatchObject({ outcome: 'console', roleArn: 'arn:aws:iam::111111111111:role/ReadOnly' });
  });

  it('regional ACS honours the app relay state; GovCloud, China and .mcas.ms hosts', async () => {
    const sandbox = emu.idp.samlResponseFor('alice@contoso.com', APP_IDS.sandbox);
    const picker = await postSaml('https://eu-west-1.signin.aws.amazon.com/saml', { SAMLResponse: sandbox });
    expect(metaData(picker.body).roles_accounts).toEqual({
      '444444444444': ['arn:aws:iam::444444444444:role/SandboxAdmin', 'arn:aws:iam::444444444444:role/SandboxReadOnly'],
    });
    expect(accountAliases['444444444444']).toBeUndefined();
    const chosen = await postSaml('https://eu-west-1.signin.aws.amazon.com/saml', {
      SAMLResponse: sandbox,
      RelayState: 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1',
      roleIndex: 'arn:aws:iam::444444444444:role/SandboxReadOnly',
    });
    expect(chosen.headers.location).toBe('https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1');

    const gov = await postSaml('https://signin.amazonaws-us-gov.com/saml', { SAMLResponse: emu.idp.samlResponseFor('alice@contoso.com', APP_IDS.govcloud) });
    expect(gov.headers.location).toBe('https://console.amazonaws-us-gov.com/console/home');
    const cn = await postSaml('https://signin.amazonaws.cn/saml', { SAMLResponse: emu.idp.samlResponseFor('erin@contoso.com', APP_IDS.china) });
    expect(cn.headers.location).toBe('https://console.amazonaws.cn/console/home');
    const mcas = await postSaml('https://signin.aws.amazon.com.mcas.ms/saml', { SAMLResponse: emu.idp.samlResponseFor('bob@contoso.com', APP_IDS.aws) });
    expect(mcas.headers.location).toBe('https://console.aws.amazon.com.mcas.ms/console/home');
    expect(mcas.headers['set-cookie']![0]).toMatch(/Domain=\.aws\.amazon\.com\.mcas\.ms/);
  });

  it.each([
    {
      name: 'too old (IdP clock 6 min behind)',
      make: () => {
        emu.idp.clockSkewMs = -6 * 60_000;
        return emu.idp.samlResponseFor('alice@contoso.com', APP_IDS.aws);
      },
    },
    { name: 'wrong audience', make: () => emu.idp.samlResponseFor('alice@contoso.com', APP_IDS.aws, { audience: 'urn:example' }) },
    { name: 'wrong recipient', make: () => emu.idp.samlResponseFor('alice@contoso.com', APP_IDS.aws, { recipient: 'https://example.com/saml' }) },
    {
      name: 'tampered',
      make: () =>
        Buffer.from(Buffer.from(emu.idp.samlResponseFor('alice@contoso.com', APP_IDS.aws), 'base64').toString().replace('role/Admin,', 'role/Root,')).toString(
          'base64',
        ),
    },
    { name: 'encrypted', make: () => emu.idp.samlResponseFor('alice@contoso.com', APP_IDS.aws, { encrypted: true }) },
    { name: 'GovCloud assertion at the aws sign-in', make: () => emu.idp.samlResponseFor('alice@contoso.com', APP_IDS.govcloud) },
    { name: 'garbage', make: () => 'bm90IHNhbWw=' },
  ])('$name → 400 "invalid SAML response"', async ({ make }) => {
    const r = await postSaml('https://signin.aws.amazon.com/saml', { SAMLResponse: make() });
    expect(r.status).toBe(400);
    expect(r.body).toContain('Your request included an invalid SAML response');
    expect(emu.signin.posts.at(-1)!.outcome).toBe('error');
  });

  it('GET /saml is not an ACS request', async () => {
    const r = await emulatorRequest(emu.port, 'https://signin.aws.amazon.com/saml');
    expect(r.status).toBe(400);
  });
});

describe('AWS sign-in: federation endpoint', () => {
  it('getSigninToken with STS credentials, then login → console as that role', async () => {
    const saml = emu.idp.samlResponseFor('alice@contoso.com', APP_IDS.aws);
    const sts = await emulatorRequest(emu.port, 'https://sts.amazonaws.com/', {
      body: new URLSearchParams({
        Action: 'AssumeRoleWithSAML',
        Version: '2011-06-15',
        RoleArn: 'arn:aws:iam::222222222222:role/Developer',
        PrincipalArn: 'arn:aws:iam::222222222222:saml-provider/EntraID',
        SAMLAssertion: saml,
      }),
    });
    expect(sts.status).toBe(200);
    const c = emu.sts.issued[0]!;
    const session = JSON.stringify({ sessionId: c.accessKeyId, sessionKey: c.secretAccessKey, sessionToken: c.sessionToken });
    const tok = await emulatorRequest(emu.port, `https://signin.aws.amazon.com/federation?Action=getSigninToken&Session=${encodeURIComponent(session)}`);
    expect(tok.status).toBe(200);
    const { SigninToken } = JSON.parse(tok.body) as { SigninToken: string };
    const dest = 'https://console.aws.amazon.com/console/home';
    const login = await emulatorRequest(
      emu.port,
      `https://signin.aws.amazon.com/federation?Action=login&Issuer=test&Destination=${encodeURIComponent(dest)}&SigninToken=${SigninToken}`,
    );
    expect(login.status).toBe(302);
    expect(login.headers.location).toBe(dest);
    const page = await emulatorRequest(emu.port, dest, { headers: { cookie: login.headers['set-cookie']![0]!.split(';')[0]! } });
    expect(page.body).toContain('arn:aws:sts::222222222222:assumed-role/Developer/alice@contoso.com');
    const bad = await emulatorRequest(
      emu.port,
      `https://signin.aws.amazon.com/federation?Action=getSigninToken&Session=${encodeURIComponent(JSON.stringify({ sessionId: 'ASIAX', sessionKey: 'x', sessionToken: 'y' }))}`,
    );
    expect(bad.status).toBe(400);
  });
});

describe('emulator wiring', () => {
  it('dispatches by Host; unknown hosts get 421 with a clear message', async () => {
    const r = await emulatorRequest(emu.port, 'https://example.com/');
    expect(r.status).toBe(421);
    expect(r.body).toContain("No emulator serves host 'example.com'");
  });

  it('classifies sign-in and console hosts', () => {
    expect(signinHostInfo('eu-west-1.signin.aws.amazon.com')).toMatchObject({ kind: 'signin', partition: 'aws', region: 'eu-west-1', mcas: false });
    expect(signinHostInfo('signin.amazonaws-us-gov.com.mcas.ms')).toMatchObject({ kind: 'signin', partition: 'aws-us-gov', mcas: true });
    expect(signinHostInfo('console.amazonaws.cn')).toMatchObject({ kind: 'console', partition: 'aws-cn' });
    expect(signinHostInfo('signin.aws.amazon.com.evil.com')).toBeNull();
  });

  it('the certificate names every emulated host; resolver rules map them to the port', () => {
    const cert = new X509Certificate(emu.tlsCertPem);
    for (const host of [
      'login.microsoftonline.com',
      'myapplications.microsoft.com',
      'launcher.myapps.microsoft.com',
      'signin.aws.amazon.com',
      'eu-west-1.signin.aws.amazon.com',
      'signin.aws.amazon.com.mcas.ms',
      'us-gov-west-1.signin.amazonaws-us-gov.com',
      'console.aws.amazon.com',
      'sts.amazonaws.com',
      'sts.eu-west-1.amazonaws.com',
      'sts.us-gov-east-1.amazonaws.com',
      'sts.cn-northwest-1.amazonaws.com.cn',
    ]) {
      expect(cert.checkHost(host), host).toBeTruthy();
    }
    expect(emu.chromiumHostResolverRules).toContain(`MAP login.microsoftonline.com 127.0.0.1:${emu.port}`);
    expect(emu.chromiumHostResolverRules).toContain(`MAP *.signin.aws.amazon.com 127.0.0.1:${emu.port}`);
    expect(emu.chromiumHostResolverRules).toContain(`MAP sts.*.amazonaws.com 127.0.0.1:${emu.port}`);
    expect(emu.hostnames).toContain('*.signin.aws.amazon.com.mcas.ms');
  });

  it('stop() closes the server, including kept-alive connections', async () => {
    const other = await startEmulators({ idpSigningKey: emu.idpSigningKey });
    const { loopbackHttpsAgent } = await import('./node-client');
    const agent = loopbackHttpsAgent(other.port, { keepAlive: true });
    const r = await emulatorRequest(other.port, 'https://myapps.microsoft.com/', { agent });
    expect(r.status).toBe(302);
    await other.stop();
    await expect(emulatorRequest(other.port, 'https://myapps.microsoft.com/', { agent, timeoutMs: 2000 })).rejects.toThrow();
    agent.destroy();
  });
});
