// @vitest-environment node
/**
 * The real path: `assumeRoleWithSaml` over `sdkTransport` (the AWS SDK with a Node request handler) against the STS
 * emulator. Each failure comes back under the name the SDK gives it, and each must reach the user as its own
 * plain message — not the generic one, and not an STS refusal when STS never answered.
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Agent } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRoleValue, type SamlRole } from '@/lib/arn';
import { identifyIdp } from '@/lib/idp';
import { parseAcsUrl } from '@/lib/partitions';
import { assumeRoleWithSaml, sdkTransport, type AssumeInput, type AssumeOptions, type AssumeOutcome } from '@/lib/sts';
import { generateIdpSigningKey } from '../emulators/certs';
import { startEmulators, type Emulators } from '../emulators/index';
import { loopbackHttpsAgent } from '../emulators/node-client';
import { APP_IDS, ENTRA_ISSUER } from '../emulators/world';
import type { SamlOptions } from '../support/saml-builder';

const ADMIN = parseRoleValue('arn:aws:iam::111111111111:role/Admin,arn:aws:iam::111111111111:saml-provider/EntraID') as SamlRole;
const ENTRA = identifyIdp(ENTRA_ISSUER);

let emu: Emulators;
let agent: Agent;
let transport: ReturnType<typeof sdkTransport>;
beforeAll(async () => {
  emu = await startEmulators();
  agent = loopbackHttpsAgent(emu.port, { keepAlive: true });
  transport = sdkTransport({ requestHandler: new NodeHttpHandler({ httpsAgent: agent }) });
});
afterAll(async () => {
  agent?.destroy();
  await emu?.stop();
});
afterEach(() => {
  emu.reset();
  emu.idp.clockSkewMs = 0;
});

const fast: AssumeOptions = { backoffMs: () => 10, attemptTimeoutMs: 5000 };

function assume(extra: Partial<SamlOptions> = {}, input: Partial<AssumeInput> = {}, options: AssumeOptions = {}): Promise<AssumeOutcome> {
  const samlResponse = emu.idp.samlResponseFor('alice@contoso.com', APP_IDS.aws, extra);
  return assumeRoleWithSaml({ role: ADMIN, samlResponse, durationSeconds: 3600, idp: ENTRA, ...input }, { transport, ...fast, ...options });
}

function failure(out: AssumeOutcome) {
  expect(out.ok).toBe(false);
  return out.ok ? { code: '', message: '', action: '' } : out.error;
}

/** STS requests the emulator saw, without CORS preflights. */
const outcomes = () => emu.sts.requests.filter((r) => r.outcome !== 'Preflight').map((r) => r.outcome);

describe('through the AWS SDK: STS refusals get their own plain words', () => {
  it('works at all: well-formed credentials from the emulator', async () => {
    const out = await assume();
    expect(out).toMatchObject({ ok: true, stsHost: 'sts.amazonaws.com', assumedRoleArn: 'arn:aws:sts::111111111111:assumed-role/Admin/alice@contoso.com' });
    if (out.ok) expect(out.credentials.accessKeyId).toBe(emu.sts.issued[0]!.accessKeyId);
  });

  it('a signature the provider’s metadata does not verify (InvalidIdentityTokenException)', async () => {
    const other = await generateIdpSigningKey('Rotated');
    emu.providers.set(ADMIN.providerArn, other.certPem);
    try {
      const e = failure(await assume());
      expect(e.code).toBe('InvalidIdentityToken');
      expect(e.message).toBe('AWS could not validate the SAML sign-in (signature or provider metadata). AWS said: “Signature validation failed”');
      expect(e.action).toBe('Ask your AWS admin to upload Entra’s current federation metadata to the account’s SAML provider.');
    } finally {
      emu.providers.set(ADMIN.providerArn, emu.idpSigningKey.certPem);
    }
  });

  it('a provider that does not exist in this partition (AuthSamlManifestNotFound)', async () => {
    emu.providers.set(ADMIN.providerArn, null);
    try {
      const e = failure(await assume());
      expect(e).toMatchObject({ code: 'InvalidIdentityToken', message: expect.stringContaining('does not know the identity provider') });
      expect(e.action).toMatch(/SAML provider exists in this account and partition/);
    } finally {
      emu.providers.set(ADMIN.providerArn, emu.idpSigningKey.certPem);
    }
  });

  it('an assertion older than 5 minutes (ExpiredTokenException)', async () => {
    emu.idp.clockSkewMs = -6 * 60_000;
    const e = failure(await assume());
    expect(e).toEqual({
      code: 'ExpiredTokenException',
      message: 'This sign-in is older than 5 minutes, and AWS only accepts a SAML sign-in within 5 minutes of issue.',
      action: 'Open the AWS tile in My Apps again, then assume your roles right away.',
    });
    expect(outcomes()).toEqual(['ExpiredTokenException']);
  });

  it('a claim STS rejects (IDPRejectedClaimException), in the IdP’s own words', async () => {
    const e = failure(await assume({ roleSessionName: 'alice smith' }));
    expect(e.code).toBe('IDPRejectedClaim');
    expect(e.message).toMatch(/^AWS rejected a claim in the SAML sign-in\. AWS said: “Invalid RoleSessionName/);
    expect(e.action).toBe(
      'Ask your Entra admin to check the Role, RoleSessionName and SessionDuration claims in the AWS app’s Single sign-on → Attributes & Claims.',
    );
    const okta = failure(await assume({ roleSessionName: 'alice smith' }, { idp: identifyIdp('http://www.okta.com/exk1a2b3c4d5e6f7g8h9') }));
    expect(okta.action).toBe('Ask your Okta admin to check the Role, RoleSessionName and SessionDuration claims in the AWS app’s SAML settings in Okta.');
  });

  it('a region where STS is not activated (RegionDisabledException)', async () => {
    const e = failure(await assume({}, { acs: parseAcsUrl('https://ap-east-1.signin.aws.amazon.com/saml')! }));
    expect(e).toMatchObject({ code: 'RegionDisabledException', message: 'STS is not activated in the region of sts.ap-east-1.amazonaws.com.' });
  });

  it('a trust policy that does not allow the sign-in (AccessDenied)', async () => {
    const bob = emu.idp.samlResponseFor('bob@contoso.com', APP_IDS.aws);
    const e = failure(await assumeRoleWithSaml({ role: ADMIN, samlResponse: bob, durationSeconds: 3600, idp: ENTRA }, { transport, ...fast }));
    expect(e).toMatchObject({ code: 'AccessDenied', message: expect.stringMatching(/^The role’s trust policy does not allow this sign-in/) });
  });

  it.each([
    [{ status: 400, code: 'MalformedPolicyDocument', message: 'The policy document is malformed.' }, /refused a policy .* as malformed/, /AWS admin/, 1],
    [
      { status: 400, code: 'PackedPolicyTooLarge', message: 'Packed policy consumes 112% of allotted space' },
      /too large for AWS/,
      /your Entra admin to send fewer or shorter session tags/,
      1,
    ],
    [
      { status: 400, code: 'IDPCommunicationError', message: 'The identity provider could not be reached.' },
      /could not reach your identity provider to check this sign-in \(tried 3 times\)/,
      /Try again in a minute/,
      3,
    ],
  ])('$code (the SDK’s …Exception name)', async (error, message, action, requests) => {
    emu.sts.errorNext(error, 3);
    const e = failure(await assume());
    expect(e.code).toBe(error.code);
    expect(e.message).toMatch(message);
    expect(e.action).toMatch(action);
    expect(outcomes()).toHaveLength(requests);
  });

  it('throttling is retried; throttling that does not stop is named', async () => {
    emu.sts.failNext('throttle', 2);
    expect((await assume()).ok).toBe(true);
    emu.reset();
    emu.sts.failNext('throttle', 3);
    const e = failure(await assume());
    expect(e).toMatchObject({ code: 'Throttling', message: 'AWS STS at sts.amazonaws.com is throttling requests (tried 3 times).' });
  });

  it('a dropped connection is retried; one that keeps dropping is a network failure', async () => {
    emu.sts.failNext('reset', 3);
    const e = failure(await assume());
    expect(e).toMatchObject({ code: 'NetworkError', message: 'Could not reach AWS STS at sts.amazonaws.com (tried 3 times).' });
  });
});

describe('through the AWS SDK: answers that are not from STS', () => {
  const NOT_STS = 'Something between you and AWS (a proxy, captive portal or firewall) answered instead of STS at sts.amazonaws.com';

  it.each([
    ['a captive portal’s 200 HTML page', 'html200'],
    ['an empty 200', 'empty200'],
  ] as const)('%s is named as such, not retried', async (_name, kind) => {
    emu.sts.failNext(kind, 3);
    const e = failure(await assume());
    expect(e).toMatchObject({ code: 'NotStsAnswer', message: `${NOT_STS}.` });
    expect(e.action).toMatch(/finish its sign-in; otherwise ask your network admin to let sts\.amazonaws\.com through/);
    expect(outcomes()).toHaveLength(1);
  });

  it('a proxy’s 502 HTML page is retried, then named', async () => {
    emu.sts.failNext('proxy502', 3);
    const e = failure(await assume());
    expect(e).toMatchObject({ code: 'NotStsAnswer', message: `${NOT_STS} (tried 3 times).` });
    expect(outcomes()).toEqual(['ProxyError', 'ProxyError', 'ProxyError']);
    emu.sts.failNext('proxy502', 1);
    expect((await assume()).ok).toBe(true);
  });

  it('an answer whose Expiration is not a date', async () => {
    emu.sts.tamperNext({ expiration: 'tomorrow' });
    const e = failure(await assume());
    expect(e).toMatchObject({ code: 'NotStsAnswer', message: `${NOT_STS}.` });
  });
});

describe('through the AWS SDK: odd credentials are refused', () => {
  it.each([
    ['a secret with a space and $(id)', { secretAccessKey: 'wJalrXUtnFEMI K7MDENG$(id)PxRfiCYEXAMPLEKEY' }, /secret access key/],
    ['a token with a newline and [default]', { sessionToken: 'IQoJb3JpZ2luX2VjEJr\n[default]\naws_access_key_id = AKIAEVIL' }, /session token/],
    ['an access key id with a backtick', { accessKeyId: 'ASIA`reboot`AAAAAAAAAA' }, /access key id/],
    ['an expiration in the past', { expiration: '2020-01-01T00:00:00Z' }, /already passed/],
    ['an expiration a century away', { expiration: '2126-01-01T00:00:00Z' }, /more than 36 hours/],
  ])('%s', async (_name, values, problem) => {
    emu.sts.tamperNext(values);
    const out = await assume();
    const e = failure(out);
    expect(e.code).toBe('MalformedCredentials');
    expect(e.message).toMatch(problem);
    for (const v of Object.values(values)) expect(JSON.stringify(out)).not.toContain(v);
  });
});

describe('through the AWS SDK: time limits', () => {
  it('a request left hanging is given up after the time limit and retried', async () => {
    emu.sts.failNext('hang', 1);
    const t0 = Date.now();
    const out = await assume({}, {}, { attemptTimeoutMs: 500 });
    expect(out.ok).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(490);
    expect(outcomes()).toEqual(['Hang', 'OK']);
  });

  it('STS that never answers: a plain message after three attempts, each really cancelled', async () => {
    emu.sts.failNext('hang', 3);
    const t0 = Date.now();
    const e = failure(await assume({}, {}, { attemptTimeoutMs: 300 }));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(e).toMatchObject({ code: 'Timeout', message: 'AWS STS at sts.amazonaws.com did not answer within 300 ms (tried 3 times).' });
    expect(e.action).toMatch(/Check your network, VPN or proxy, then assume again\. Open the AWS tile in My Apps again first if more than 5 minutes/);
    // The SDK closed each request it gave up: nothing is left hanging at the emulator.
    await expect.poll(() => emu.sts.hangingCount()).toBe(0);
  });

  it('no new attempt once the sign-in’s usable-until has passed', async () => {
    emu.sts.failNext('hang', 3);
    const e = failure(await assume({}, { deadline: Date.now() + 200 }, { attemptTimeoutMs: 300 }));
    expect(e.message).toBe('AWS STS at sts.amazonaws.com did not answer within 300 ms. This sign-in can no longer be used, so the extension stopped trying.');
    expect(e.action).toBe('Open the AWS tile in My Apps again, then assume your roles right away.');
    expect(outcomes()).toEqual(['Hang']);
  });
});
