// @vitest-environment node
import { AssumeRoleCommand, AssumeRoleWithSAMLCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSamlResponseXml, encodeSamlResponse, signAssertion, signResponse, type SamlOptions } from '../support/saml-builder';
import { generateIdpSigningKey } from './certs';
import { startEmulators, type Emulators } from './index';
import { emulatorRequest, loopbackHttpsAgent, type EmulatorResponse } from './node-client';
import { APP_IDS, world } from './world';

const PROD_ADMIN = 'arn:aws:iam::111111111111:role/Admin';
const PROD_DEPLOYER = 'arn:aws:iam::111111111111:role/team/platform/Deployer';
const PROD_PROVIDER = 'arn:aws:iam::111111111111:saml-provider/EntraID';
const LIMITED = 'arn:aws:iam::222222222222:role/LimitedSession';
const DEV_PROVIDER = 'arn:aws:iam::222222222222:saml-provider/EntraID';
const GOV_ROLE = 'arn:aws-us-gov:iam::333333333333:role/GovAdmin';
const GOV_PROVIDER = 'arn:aws-us-gov:iam::333333333333:saml-provider/EntraID';
const CN_ROLE = 'arn:aws-cn:iam::666666666666:role/ChinaDeveloper';
const CN_PROVIDER = 'arn:aws-cn:iam::666666666666:saml-provider/EntraID';

let emu: Emulators;
beforeAll(async () => {
  emu = await startEmulators();
});
afterAll(async () => {
  await emu?.stop();
});
afterEach(() => emu.reset());

const xml = new XMLParser({ ignoreAttributes: false });
type Parsed = Record<string, Record<string, Record<string, unknown>>>;

function aliceAssertion(extra: Partial<SamlOptions> = {}, appId: string = APP_IDS.aws, upn = 'alice@contoso.com'): string {
  return emu.idp.samlResponseFor(upn, appId, extra);
}

function form(params: Record<string, string>): URLSearchParams {
  return new URLSearchParams({ Action: 'AssumeRoleWithSAML', Version: '2011-06-15', ...params });
}

function assume(
  params: Record<string, string>,
  opts: { host?: string; headers?: Record<string, string>; path?: string; body?: string | URLSearchParams } = {},
): Promise<EmulatorResponse> {
  return emulatorRequest(emu.port, `https://${opts.host ?? 'sts.amazonaws.com'}${opts.path ?? '/'}`, {
    method: 'POST',
    headers: opts.headers,
    body: opts.body ?? form(params),
  });
}

function errorOf(r: EmulatorResponse): { status: number; code: string; message: string; type: string } {
  const p = xml.parse(r.body) as Parsed;
  const e = p.ErrorResponse!.Error as Record<string, string>;
  expect(p.ErrorResponse!['@_xmlns']).toBe('https://sts.amazonaws.com/doc/2011-06-15/');
  expect(p.ErrorResponse!.RequestId).toBe(r.headers['x-amzn-requestid']);
  return { status: r.status, code: e.Code!, message: e.Message!, type: e.Type! };
}

describe('STS AssumeRoleWithSAML: success', () => {
  it('answers like real STS', async () => {
    const saml = aliceAssertion();
    const t0 = Date.now();
    const r = await assume({ RoleArn: PROD_DEPLOYER, PrincipalArn: PROD_PROVIDER, SAMLAssertion: saml, DurationSeconds: '7200' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/xml');
    expect(r.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    const p = xml.parse(r.body) as Parsed;
    expect(p.AssumeRoleWithSAMLResponse!['@_xmlns']).toBe('https://sts.amazonaws.com/doc/2011-06-15/');
    const result = p.AssumeRoleWithSAMLResponse!.AssumeRoleWithSAMLResult as Record<string, Record<string, string> & string>;
    const c = result.Credentials!;
    expect(c.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(c.SecretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(c.SessionToken!.length).toBeGreaterThan(400);
    expect(c.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const lifetime = Date.parse(c.Expiration!) - t0;
    expect(lifetime).toBeGreaterThan(7190_000);
    expect(lifetime).toBeLessThan(7210_000);
    expect(result.AssumedRoleUser!.Arn).toBe('arn:aws:sts::111111111111:assumed-role/Deployer/alice@contoso.com');
    expect(result.AssumedRoleUser!.AssumedRoleId).toMatch(/^AROA[A-Z0-9]{17}:alice@contoso\.com$/);
    expect(result.Audience).toBe('https://signin.aws.amazon.com/saml');
    expect(result.Issuer).toBe(world.issuer);
    expect(result.Subject).toBe('alice@contoso.com');
    expect(result.SubjectType).toBe('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    expect(result.NameQualifier).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect((p.AssumeRoleWithSAMLResponse!.ResponseMetadata as Record<string, string>).RequestId).toBe(r.headers['x-amzn-requestid']);
    expect(emu.sts.issued).toHaveLength(1);
    expect(emu.sts.issued[0]).toMatchObject({
      host: 'sts.amazonaws.com',
      roleArn: PROD_DEPLOYER,
      principalArn: PROD_PROVIDER,
      durationSeconds: 7200,
      accessKeyId: c.AccessKeyId,
    });
    expect(emu.sts.requests.at(-1)).toMatchObject({ method: 'POST', path: '/', hadQuery: false, outcome: 'OK', status: 200 });
  });

  it('default 3600 s; the SessionDuration attribute only shortens', async () => {
    await assume({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion() });
    await assume({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion({ sessionDuration: 1800 }), DurationSeconds: '43200' });
    expect(emu.sts.issued.map((c) => c.durationSeconds)).toEqual([3600, 1800]);
  });

  it('one assertion redeems several roles, in either role order, signed at Response level too', async () => {
    const saml = aliceAssertion({ roleOrder: 'provider-first', roleValueWhitespace: true });
    const rs = await Promise.all([PROD_ADMIN, PROD_DEPLOYER].map((RoleArn) => assume({ RoleArn, PrincipalArn: PROD_PROVIDER, SAMLAssertion: saml })));
    expect(rs.map((r) => r.status)).toEqual([200, 200]);
    const okta = encodeSamlResponse(
      signResponse(
        buildSamlResponseXml({ shape: 'okta', issuer: world.issuer, roles: [{ roleArn: PROD_ADMIN, providerArn: PROD_PROVIDER }] }),
        emu.idpSigningKey,
      ),
    );
    expect((await assume({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: okta })).status).toBe(200);
  });

  it.each([
    {
      host: 'sts.us-gov-west-1.amazonaws.com',
      roleArn: GOV_ROLE,
      principal: GOV_PROVIDER,
      appId: APP_IDS.govcloud,
      upn: 'alice@contoso.com',
      arn: 'arn:aws-us-gov:sts::333333333333:assumed-role/GovAdmin/alice@contoso.com',
    },
    {
      host: 'sts.cn-north-1.amazonaws.com.cn',
      roleArn: CN_ROLE,
      principal: CN_PROVIDER,
      appId: APP_IDS.china,
      upn: 'erin@contoso.com',
      arn: 'arn:aws-cn:sts::666666666666:assumed-role/ChinaDeveloper/erin@contoso.com',
    },
    {
      host: 'sts.eu-west-1.amazonaws.com',
      roleArn: 'arn:aws:iam::444444444444:role/SandboxAdmin',
      principal: 'arn:aws:iam::444444444444:saml-provider/EntraID',
      appId: APP_IDS.sandbox,
      upn: 'alice@contoso.com',
      arn: 'arn:aws:sts::444444444444:assumed-role/SandboxAdmin/alice@contoso.com',
    },
  ])('partition endpoint $host', async ({ host, roleArn, principal, appId, upn, arn }) => {
    const r = await assume({ RoleArn: roleArn, PrincipalArn: principal, SAMLAssertion: aliceAssertion({}, appId, upn) }, { host });
    expect(r.status, r.body).toBe(200);
    expect(r.body).toContain(`<Arn>${arn}</Arn>`);
  });
});

describe('STS AssumeRoleWithSAML: rejections', () => {
  const good = (): Record<string, string> => ({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion() });

  it('parameters in the query string, even with a valid body', async () => {
    const r = await assume(good(), { path: '/?Action=AssumeRoleWithSAML' });
    expect(errorOf(r)).toMatchObject({ status: 400, code: 'InvalidQueryParameter' });
    const q = new URLSearchParams(form(good()));
    const get = await emulatorRequest(emu.port, `https://sts.amazonaws.com/?${q}`, { method: 'GET' });
    expect(errorOf(get)).toMatchObject({ status: 400, code: 'InvalidQueryParameter' });
    expect(emu.sts.requests.every((x) => x.hadQuery)).toBe(true);
  });

  it('wrong or missing Action / Version', async () => {
    expect(errorOf(await assume({ ...good(), Action: 'AssumeRoleWithSaml' }))).toMatchObject({
      status: 400,
      code: 'InvalidAction',
      message: 'Could not find operation AssumeRoleWithSaml for version 2011-06-15',
    });
    expect(errorOf(await assume({ ...good(), Version: '2011-06-16' }))).toMatchObject({ status: 400, code: 'InvalidAction' });
    expect(errorOf(await assume({ ...good(), Action: 'GetCallerIdentity' }))).toMatchObject({ status: 403, code: 'MissingAuthenticationToken' });
    const noVersion = form(good());
    noVersion.delete('Version');
    expect(errorOf(await assume({}, { body: noVersion }))).toMatchObject({ status: 400, code: 'MissingParameter' });
    const noAction = form(good());
    noAction.delete('Action');
    expect(errorOf(await assume({}, { body: noAction }))).toMatchObject({ status: 400, code: 'MissingAction' });
  });

  it('a signed request (Authorization header) → InvalidClientTokenId', async () => {
    const r = await assume(good(), {
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=abc' },
    });
    expect(errorOf(r)).toMatchObject({ status: 403, code: 'InvalidClientTokenId' });
    expect(emu.sts.issued).toHaveLength(0);
  });

  it('a JSON body or another content type', async () => {
    const json = await assume({}, { headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(Object.fromEntries(form(good()))) });
    expect(errorOf(json)).toMatchObject({ status: 400, code: 'MissingAction' });
    const plain = await assume({}, { headers: { 'content-type': 'text/plain' }, body: form(good()).toString() });
    expect(errorOf(plain)).toMatchObject({ status: 400, code: 'MissingAction' });
    const charset = await assume({}, { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: form(good()).toString() });
    expect(charset.status).toBe(200);
  });

  it('missing and out-of-range parameters → ValidationError', async () => {
    const e = errorOf(await assume({ SAMLAssertion: aliceAssertion() }));
    expect(e).toMatchObject({ status: 400, code: 'ValidationError' });
    expect(e.message).toBe(
      "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; Value null at 'principalArn' failed to satisfy constraint: Member must not be null",
    );
    expect(errorOf(await assume({ ...good(), DurationSeconds: '899' }))).toMatchObject({
      code: 'ValidationError',
      message: expect.stringContaining('greater than or equal to 900'),
    });
    expect(errorOf(await assume({ ...good(), DurationSeconds: '43201' }))).toMatchObject({
      code: 'ValidationError',
      message: expect.stringContaining('less than or equal to 43200'),
    });
    expect(errorOf(await assume({ ...good(), SAMLAssertion: 'A'.repeat(100_004) }))).toMatchObject({
      code: 'ValidationError',
      message: expect.stringContaining('100000'),
    });
  });

  it('a signature by another key, a tampered or an unsigned assertion → InvalidIdentityToken', async () => {
    const other = await generateIdpSigningKey('Not the tenant');
    const roles = [{ roleArn: PROD_ADMIN, providerArn: PROD_PROVIDER }];
    const foreign = encodeSamlResponse(signAssertion(buildSamlResponseXml({ roles }), other));
    expect(errorOf(await assume({ ...good(), SAMLAssertion: foreign }))).toMatchObject({
      status: 400,
      code: 'InvalidIdentityToken',
      message: 'Signature validation failed',
    });
    const signedXml = Buffer.from(aliceAssertion(), 'base64').toString('utf8');
    const tampered = encodeSamlResponse(signedXml.replace('>alice@contoso.com</AttributeValue>', '>mallory@contoso.com</AttributeValue>'));
    expect(errorOf(await assume({ ...good(), SAMLAssertion: tampered }))).toMatchObject({ status: 400, code: 'InvalidIdentityToken' });
    const unsigned = encodeSamlResponse(buildSamlResponseXml({ roles }));
    expect(errorOf(await assume({ ...good(), SAMLAssertion: unsigned }))).toMatchObject({ status: 400, code: 'InvalidIdentityToken' });
    const encrypted = aliceAssertion({ encrypted: true });
    expect(errorOf(await assume({ ...good(), SAMLAssertion: encrypted }))).toMatchObject({ status: 400, code: 'InvalidIdentityToken' });
    expect(errorOf(await assume({ ...good(), SAMLAssertion: '!!!!' }))).toMatchObject({ status: 400, code: 'InvalidIdentityToken' });
  });

  it('wrong issuer, audience or recipient → InvalidIdentityToken', async () => {
    for (const [extra, word] of [
      [{ issuer: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/' }, 'Issuer'],
      [{ audience: 'https://signin.aws.amazon.com/saml-not' }, 'Audience'],
      [{ audience: 'urn:amazon:webservices:govcloud' }, 'Audience'],
      [{ recipient: 'https://evil.example.com/saml' }, 'Recipient'],
      [{ recipient: 'https://signin.amazonaws-us-gov.com/saml' }, 'Recipient'],
    ] as const) {
      const e = errorOf(await assume({ ...good(), SAMLAssertion: aliceAssertion(extra) }));
      expect(e, JSON.stringify(extra)).toMatchObject({ status: 400, code: 'InvalidIdentityToken', message: expect.stringContaining(word) });
    }
    for (const audience of ['urn:amazon:webservices', 'https://signin.aws.amazon.com/saml#7']) {
      expect((await assume({ ...good(), SAMLAssertion: aliceAssertion({ audience }) })).status).toBe(200);
    }
  });

  it('too old: 5-minute redemption window and NotOnOrAfter → ExpiredTokenException', async () => {
    emu.idp.clockSkewMs = -6 * 60_000;
    const old = errorOf(await assume({ ...good(), SAMLAssertion: aliceAssertion() }));
    expect(old).toMatchObject({ status: 400, code: 'ExpiredTokenException', message: 'Token must be redeemed within 5 minutes of issuance' });
    emu.idp.clockSkewMs = -4 * 60_000;
    expect((await assume({ ...good(), SAMLAssertion: aliceAssertion() })).status).toBe(200);
    emu.idp.clockSkewMs = 0;
    const now = Date.now();
    const expired = aliceAssertion({ issueInstant: new Date(now - 60_000), notOnOrAfter: new Date(now - 1000) });
    expect(errorOf(await assume({ ...good(), SAMLAssertion: expired }))).toMatchObject({ status: 400, code: 'ExpiredTokenException' });
  });

  it('(role, provider) pair not in the assertion → AccessDenied', async () => {
    const saml = emu.idp.samlResponseFor('bob@contoso.com', APP_IDS.aws);
    const e = errorOf(await assume({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: saml }));
    expect(e).toMatchObject({ status: 403, code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithSAML' });
    // A role of the assertion with another account's provider.
    const mixed = errorOf(await assume({ RoleArn: PROD_ADMIN, PrincipalArn: DEV_PROVIDER, SAMLAssertion: aliceAssertion() }));
    expect(mixed).toMatchObject({ status: 403, code: 'AccessDenied' });
    // bob's values are provider-first: his one role works.
    expect((await assume({ RoleArn: 'arn:aws:iam::111111111111:role/ReadOnly', PrincipalArn: PROD_PROVIDER, SAMLAssertion: saml })).status).toBe(200);
  });

  it('role of another partition than the endpoint → InvalidIdentityToken (AuthSamlManifestNotFoundException)', async () => {
    const gov = aliceAssertion({}, APP_IDS.govcloud);
    const e = errorOf(await assume({ RoleArn: GOV_ROLE, PrincipalArn: GOV_PROVIDER, SAMLAssertion: gov }, { host: 'sts.amazonaws.com' }));
    expect(e).toMatchObject({ status: 400, code: 'InvalidIdentityToken' });
    expect(e.message).toContain('AuthSamlManifestNotFoundException');
    const aws = errorOf(await assume(good(), { host: 'sts.us-gov-west-1.amazonaws.com' }));
    expect(aws.message).toContain('AuthSamlManifestNotFoundException');
    const cn = errorOf(await assume(good(), { host: 'sts.cn-northwest-1.amazonaws.com.cn' }));
    expect(cn.message).toContain('AuthSamlManifestNotFoundException');
  });

  it('a provider missing from IAM → InvalidIdentityToken', async () => {
    emu.providers.set(PROD_PROVIDER, null);
    try {
      expect(errorOf(await assume(good()))).toMatchObject({ status: 400, code: 'InvalidIdentityToken' });
    } finally {
      emu.providers.set(PROD_PROVIDER, emu.idpSigningKey.certPem);
    }
  });

  it('DurationSeconds over the role maximum → ValidationError; at the maximum → OK', async () => {
    const saml = aliceAssertion();
    const e = errorOf(await assume({ RoleArn: LIMITED, PrincipalArn: DEV_PROVIDER, SAMLAssertion: saml, DurationSeconds: '7200' }));
    expect(e).toMatchObject({
      status: 400,
      code: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
    expect((await assume({ RoleArn: LIMITED, PrincipalArn: DEV_PROVIDER, SAMLAssertion: saml, DurationSeconds: '3600' })).status).toBe(200);
  });

  it('RoleSessionName missing or invalid', async () => {
    expect(errorOf(await assume({ ...good(), SAMLAssertion: aliceAssertion({ roleSessionName: null }) }))).toMatchObject({ code: 'InvalidIdentityToken' });
    expect(errorOf(await assume({ ...good(), SAMLAssertion: aliceAssertion({ roleSessionName: 'alice smith' }) }))).toMatchObject({
      status: 403,
      code: 'IDPRejectedClaim',
    });
  });

  it('an opt-in region not enabled → RegionDisabledException', async () => {
    const e = errorOf(await assume(good(), { host: 'sts.ap-east-1.amazonaws.com' }));
    expect(e).toMatchObject({ status: 403, code: 'RegionDisabledException' });
  });
});

describe('STS control API and CORS', () => {
  it('failNext: throttle, 500, 503, then normal again', async () => {
    emu.sts.failNext('throttle');
    emu.sts.failNext('500');
    emu.sts.failNext('503');
    const params = { RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion() };
    expect(errorOf(await assume(params))).toMatchObject({ status: 400, code: 'Throttling', message: 'Rate exceeded', type: 'Sender' });
    expect(errorOf(await assume(params))).toMatchObject({ status: 500, code: 'InternalFailure', type: 'Receiver' });
    expect(errorOf(await assume(params))).toMatchObject({ status: 503, code: 'ServiceUnavailable', type: 'Receiver' });
    expect((await assume(params)).status).toBe(200);
    expect(emu.sts.requests.map((r) => r.outcome)).toEqual(['Throttling', 'InternalFailure', 'ServiceUnavailable', 'OK']);
  });

  it("failNext('reset', 2) drops the connection twice", async () => {
    emu.sts.failNext('reset', 2);
    const params = { RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion() };
    await expect(assume(params)).rejects.toThrow(/socket hang up|ECONNRESET/);
    await expect(assume(params)).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await assume(params)).status).toBe(200);
  });

  it("failNext('hang') answers nothing until the client gives up; reset() ends what still hangs", async () => {
    emu.sts.failNext('hang', 2);
    const params = { RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion() };
    const t0 = Date.now();
    await expect(emulatorRequest(emu.port, 'https://sts.amazonaws.com/', { method: 'POST', body: form(params), timeoutMs: 400 })).rejects.toThrow(/timeout/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
    const second = emulatorRequest(emu.port, 'https://sts.amazonaws.com/', { method: 'POST', body: form(params), timeoutMs: 10_000 });
    await expect.poll(() => emu.sts.requests.length).toBe(2);
    emu.sts.reset();
    await expect(second).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await assume(params)).status).toBe(200);
  });

  it.each([
    ['html200', 200, /text\/html/, /<html>.*Guest Wi-Fi/s, 'CaptivePortal'],
    ['proxy502', 502, /text\/html/, /502 Bad Gateway/, 'ProxyError'],
    ['empty200', 200, /text\/plain/, /^$/, 'Empty'],
  ] as const)("failNext('%s') answers in STS's place the way that middlebox does", async (kind, status, type, body, outcome) => {
    emu.sts.failNext(kind);
    const r = await assume({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion() });
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toMatch(type);
    expect(r.body).toMatch(body);
    expect(r.headers['x-amzn-requestid']).toBeUndefined();
    expect(emu.sts.requests.at(-1)).toMatchObject({ outcome, status });
    expect(emu.sts.issued).toHaveLength(0);
  });

  it('errorNext answers with any STS error, once', async () => {
    emu.sts.errorNext({ status: 400, code: 'PackedPolicyTooLarge', message: 'Packed policy consumes 112% of allotted space' });
    const params = { RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion() };
    expect(errorOf(await assume(params))).toEqual({
      status: 400,
      code: 'PackedPolicyTooLarge',
      message: 'Packed policy consumes 112% of allotted space',
      type: 'Sender',
    });
    expect((await assume(params)).status).toBe(200);
  });

  it('tamperNext changes only a successful answer, after every check, and the log says what was answered', async () => {
    const hostile = { secretAccessKey: 'abc def$(id)`x`;"\n[default]', expiration: 'not a date' };
    emu.sts.tamperNext(hostile);
    // A refused request does not use up the tampering.
    const foreign = encodeSamlResponse(
      signAssertion(buildSamlResponseXml({ roles: [{ roleArn: PROD_ADMIN, providerArn: PROD_PROVIDER }] }), await generateIdpSigningKey('Other')),
    );
    expect(errorOf(await assume({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: foreign })).code).toBe('InvalidIdentityToken');
    const r = await assume({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion() });
    expect(r.status).toBe(200);
    const c = (xml.parse(r.body) as Parsed).AssumeRoleWithSAMLResponse!.AssumeRoleWithSAMLResult!.Credentials as Record<string, string>;
    expect(c.SecretAccessKey).toBe(hostile.secretAccessKey);
    expect(c.Expiration).toBe('not a date');
    expect(c.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(emu.sts.issued.at(-1)).toMatchObject(hostile);
    const next = await assume({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion() });
    expect(
      ((xml.parse(next.body) as Parsed).AssumeRoleWithSAMLResponse!.AssumeRoleWithSAMLResult!.Credentials as Record<string, string>).SecretAccessKey,
    ).toMatch(/^[A-Za-z0-9+/]{40}$/);
  });

  it('latencyMs delays answers', async () => {
    emu.sts.latencyMs = 300;
    const t0 = Date.now();
    const r = await assume({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion() });
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('answers CORS preflights and exposes x-amzn-RequestId', async () => {
    const origin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
    const pre = await emulatorRequest(emu.port, 'https://sts.amazonaws.com/', {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'amz-sdk-invocation-id,amz-sdk-request,content-type,x-amz-user-agent',
      },
    });
    expect(pre.status).toBe(200);
    expect(pre.headers['access-control-allow-origin']).toBe(origin);
    expect(pre.headers['access-control-allow-methods']).toContain('POST');
    expect(pre.headers['access-control-allow-headers']).toBe('amz-sdk-invocation-id,amz-sdk-request,content-type,x-amz-user-agent');
    expect(Number(pre.headers['access-control-max-age'])).toBeGreaterThan(0);
    const r = await assume({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion() }, { headers: { origin } });
    expect(r.headers['access-control-allow-origin']).toBe(origin);
    expect(String(r.headers['access-control-expose-headers'])).toMatch(/x-amzn-RequestId/i);
    expect(emu.sts.requests.map((x) => x.outcome)).toEqual(['Preflight', 'OK']);
  });
});

describe('the AWS SDK against the emulator', () => {
  function client(host = 'sts.amazonaws.com', region = 'us-east-1') {
    const agent = loopbackHttpsAgent(emu.port, { keepAlive: true });
    const sts = new STSClient({
      region,
      endpoint: `https://${host}`,
      requestHandler: new NodeHttpHandler({ httpsAgent: agent }),
      maxAttempts: 3,
    });
    return {
      sts,
      close: () => {
        sts.destroy();
        agent.destroy();
      },
    };
  }

  it('AssumeRoleWithSAMLCommand succeeds, unsigned', async () => {
    const { sts, close } = client();
    try {
      const out = await sts.send(
        new AssumeRoleWithSAMLCommand({ RoleArn: PROD_DEPLOYER, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion(), DurationSeconds: 3600 }),
      );
      expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
      expect(out.Credentials?.Expiration).toBeInstanceOf(Date);
      expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111111111111:assumed-role/Deployer/alice@contoso.com');
      expect(out.Subject).toBe('alice@contoso.com');
      expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
      const seen = emu.sts.requests.at(-1)!;
      expect(seen.headers.authorization).toBeUndefined();
      expect(seen.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    } finally {
      close();
    }
  });

  it('the SDK sees real error codes and retries throttling', async () => {
    const { sts, close } = client('sts.eu-west-1.amazonaws.com', 'eu-west-1');
    try {
      emu.idp.clockSkewMs = -10 * 60_000;
      const err = await sts.send(new AssumeRoleWithSAMLCommand({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion() })).then(
        () => null,
        (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } },
      );
      expect(err?.name).toBe('ExpiredTokenException');
      expect(err?.message).toBe('Token must be redeemed within 5 minutes of issuance');
      expect(err?.$metadata.httpStatusCode).toBe(400);
      emu.idp.clockSkewMs = 0;
      emu.sts.failNext('throttle');
      const out = await sts.send(new AssumeRoleWithSAMLCommand({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion() }));
      expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
      expect(out.$metadata.attempts).toBe(2);
    } finally {
      close();
    }
  });
});

describe('GetCallerIdentity and the lifetime knob', () => {
  /** A client signing with `creds` (SigV4, as the AWS CLI and SDKs do). */
  function signedClient(creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, host = 'sts.amazonaws.com', region = 'us-east-1') {
    const agent = loopbackHttpsAgent(emu.port, { keepAlive: true });
    const sts = new STSClient({
      region,
      endpoint: `https://${host}`,
      // Only the keys: the SDK would read an `expiration` string as a Date.
      credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
      requestHandler: new NodeHttpHandler({ httpsAgent: agent }),
      maxAttempts: 1,
    });
    return {
      identity: () =>
        sts.send(new GetCallerIdentityCommand({})).then(
          (out) => ({ ok: true as const, out }),
          (e: unknown) => ({ ok: false as const, error: e as { name: string; message: string; $metadata: { httpStatusCode: number } } }),
        ),
      sts,
      close: () => {
        sts.destroy();
        agent.destroy();
      },
    };
  }

  async function session(params: Record<string, string> = {}) {
    const r = await assume({ RoleArn: PROD_DEPLOYER, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion(), ...params });
    expect(r.status, r.body).toBe(200);
    return emu.sts.issued.at(-1)!;
  }

  it("answers AWS's shape for a session it issued, at the global and a regional endpoint; counted per key", async () => {
    const c = await session();
    const raw = signedClient(c);
    const regional = signedClient(c, 'sts.eu-west-1.amazonaws.com', 'eu-west-1');
    try {
      const out = await raw.identity();
      expect(out.ok && { UserId: out.out.UserId, Account: out.out.Account, Arn: out.out.Arn }).toEqual({
        UserId: c.assumedRoleId,
        Account: '111111111111',
        Arn: 'arn:aws:sts::111111111111:assumed-role/Deployer/alice@contoso.com',
      });
      expect(c.assumedRoleId).toMatch(/^AROA[A-Z0-9]{17}:alice@contoso\.com$/);
      expect((await regional.identity()).ok).toBe(true);
      expect(emu.sts.callerIdentityCount(c.accessKeyId)).toBe(2);
      expect(emu.sts.callerIdentityCount('ASIAOTHER')).toBe(0);
      expect(emu.sts.callerIdentityLog.map((r) => [r.host, r.outcome, r.expired, r.assumedRoleArn])).toEqual([
        ['sts.amazonaws.com', 'OK', false, c.assumedRoleArn],
        ['sts.eu-west-1.amazonaws.com', 'OK', false, c.assumedRoleArn],
      ]);
    } finally {
      raw.close();
      regional.close();
    }
    const body = await emulatorRequest(emu.port, 'https://sts.amazonaws.com/', {
      body: new URLSearchParams({ Action: 'GetCallerIdentity', Version: '2011-06-15' }),
    });
    expect(errorOf(body)).toMatchObject({ status: 403, code: 'MissingAuthenticationToken' });
  });

  it('refuses an expired session (ExpiredToken), an unknown key, a wrong secret or token, another partition', async () => {
    emu.sts.setLifetimeSeconds(1);
    const c = await session({ DurationSeconds: '3600' });
    expect(c.durationSeconds).toBe(1);
    expect(Date.parse(c.expiration) - c.issuedAt.getTime()).toBeLessThanOrEqual(1000);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(c.expiration) - Date.now()) + 100));
    const cases = [
      { creds: c, code: 'ExpiredToken', message: 'The security token included in the request is expired', expired: true },
      {
        creds: { ...c, accessKeyId: 'ASIAUNKNOWNUNKNOWN00' },
        code: 'InvalidClientTokenId',
        message: 'The security token included in the request is invalid.',
        expired: false,
      },
    ];
    emu.sts.setLifetimeSeconds(undefined);
    const live = await session();
    cases.push(
      {
        creds: { ...live, secretAccessKey: 'x'.repeat(40) },
        code: 'SignatureDoesNotMatch',
        message: expect.stringContaining('signature') as unknown as string,
        expired: false,
      },
      {
        creds: { ...live, sessionToken: 'IQoJother' },
        code: 'InvalidClientTokenId',
        message: 'The security token included in the request is invalid.',
        expired: false,
      },
    );
    for (const { creds, code, message, expired } of cases) {
      const client = signedClient(creds);
      try {
        const r = await client.identity();
        expect(r.ok ? null : { name: r.error.name, message: r.error.message, status: r.error.$metadata.httpStatusCode }, code).toEqual({
          name: code,
          message,
          status: 403,
        });
        expect(emu.sts.callerIdentityLog.at(-1)).toMatchObject({ outcome: code, expired, status: 403 });
      } finally {
        client.close();
      }
    }
    const gov = signedClient(live, 'sts.us-gov-west-1.amazonaws.com', 'us-gov-west-1');
    try {
      const r = await gov.identity();
      expect(!r.ok && r.error.name).toBe('InvalidClientTokenId');
    } finally {
      gov.close();
    }
    expect(emu.sts.callerIdentityCount(c.accessKeyId)).toBe(1);
  });

  it('the lifetime knob wins over DurationSeconds and SessionDuration (validation stays), for AssumeRole too; reset() drops it', async () => {
    emu.sts.setLifetimeSeconds(120);
    expect(errorOf(await assume({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion(), DurationSeconds: '899' })).code).toBe(
      'ValidationError',
    );
    const c = await session({ DurationSeconds: '43200' });
    expect(c).toMatchObject({ durationSeconds: 120, requestedDurationSeconds: 43200 });
    const lifetime = Date.parse(c.expiration) - c.issuedAt.getTime();
    expect(lifetime).toBeGreaterThan(119_000);
    expect(lifetime).toBeLessThanOrEqual(120_000);
    const src = await assume({ RoleArn: PROD_ADMIN, PrincipalArn: PROD_PROVIDER, SAMLAssertion: aliceAssertion() });
    expect(src.status).toBe(200);
    const admin = emu.sts.issued.at(-1)!;
    const client = signedClient(admin);
    try {
      const out = await client.sts.send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::777777777777:role/OrgAuditor',
          RoleSessionName: 'alice',
          ExternalId: 'contoso-audit-7',
          DurationSeconds: 3600,
        }),
      );
      expect(out.Credentials!.Expiration!.getTime() - Date.now()).toBeLessThanOrEqual(120_000);
      expect(emu.sts.issued.at(-1)).toMatchObject({ durationSeconds: 120, chainedFrom: PROD_ADMIN });
    } finally {
      client.close();
    }
    expect(() => emu.sts.setLifetimeSeconds(0)).toThrow();
    emu.reset();
    expect((await session()).durationSeconds).toBe(3600);
  });
});
