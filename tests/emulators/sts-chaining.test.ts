// The STS emulator's AssumeRole (role chaining) through the product's own call (lib/sts.ts over the AWS SDK):
// SigV4 checked for real against the credentials it issued, the world's chain trust and external IDs, the 1 h cap.
import { AssumeRoleWithSAMLCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCredentials } from '../../lib/credentials';
import { assumeChainedRole, sdkChainTransport, type ChainInput } from '../../lib/sts';
import { startEmulators, type Emulators } from './index';
import { emulatorRequest, loopbackHttpsAgent } from './node-client';
import { APP_IDS, world } from './world';

const PROD_ADMIN = 'arn:aws:iam::111111111111:role/Admin';
const PROD_READONLY = 'arn:aws:iam::111111111111:role/ReadOnly';
const PROD_PROVIDER = 'arn:aws:iam::111111111111:saml-provider/EntraID';
const GOV_ROLE = 'arn:aws-us-gov:iam::333333333333:role/GovAdmin';
const GOV_PROVIDER = 'arn:aws-us-gov:iam::333333333333:saml-provider/EntraID';
const AUDITOR = 'arn:aws:iam::777777777777:role/OrgAuditor';
const GOV_AUDITOR = 'arn:aws-us-gov:iam::333333333333:role/GovAuditor';

let emu: Emulators;
let agent: ReturnType<typeof loopbackHttpsAgent>;
beforeAll(async () => {
  emu = await startEmulators();
  agent = loopbackHttpsAgent(emu.port, { keepAlive: true });
});
afterAll(async () => {
  agent?.destroy();
  await emu?.stop();
});
afterEach(() => emu.reset());

const handler = () => new NodeHttpHandler({ httpsAgent: agent });
const noSleep = { sleep: async () => undefined, backoffMs: () => 0 };

/** A source session from a real SAML sign-in at `host`. */
async function source(roleArn = PROD_ADMIN, host = 'sts.amazonaws.com', region = 'us-east-1'): Promise<AwsCredentials> {
  const gov = roleArn.startsWith('arn:aws-us-gov:');
  const sts = new STSClient({ region, endpoint: `https://${host}`, requestHandler: handler(), maxAttempts: 1 });
  try {
    const out = await sts.send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: roleArn,
        PrincipalArn: gov ? GOV_PROVIDER : PROD_PROVIDER,
        SAMLAssertion: emu.idp.samlResponseFor('alice@contoso.com', gov ? APP_IDS.govcloud : APP_IDS.aws),
      }),
    );
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!, expiration: c.Expiration!.toISOString() };
  } finally {
    sts.destroy();
  }
}

function chain(input: Partial<ChainInput> & { source: AwsCredentials }, extra: ConstructorParameters<typeof STSClient>[0] = {}) {
  return assumeChainedRole(
    {
      roleArn: AUDITOR,
      sourceRoleArn: PROD_ADMIN,
      stsHost: 'sts.amazonaws.com',
      region: 'us-east-1',
      durationSeconds: 1800,
      roleSessionName: 'alice@contoso.com',
      externalId: 'contoso-audit-7',
      ...input,
    },
    { transport: sdkChainTransport({ requestHandler: handler(), ...extra }), ...noSleep, maxAttempts: 1 },
  );
}

describe('AssumeRole for role chaining', () => {
  it('the world trusts Admin to assume OrgAuditor with an external ID (and the sign-in never offers OrgAuditor)', () => {
    expect(world.chainTrust).toContainEqual({ sourceRoleArn: PROD_ADMIN, targetRoleArn: AUDITOR, externalId: 'contoso-audit-7' });
    expect(world.roles.map((r) => r.roleArn)).not.toContain(AUDITOR);
  });

  it('issues the target session to a request signed with the source session', async () => {
    const src = await source();
    const out = await chain({ source: src });
    expect(out).toMatchObject({ ok: true, assumedRoleArn: 'arn:aws:sts::777777777777:assumed-role/OrgAuditor/alice@contoso.com', durationSeconds: 1800 });
    const issued = emu.sts.issued.at(-1)!;
    expect(out.ok && out.credentials.accessKeyId).toBe(issued.accessKeyId);
    expect(out.ok && out.credentials.secretAccessKey).toBe(issued.secretAccessKey);
    expect(issued).toMatchObject({ roleArn: AUDITOR, chainedFrom: PROD_ADMIN, durationSeconds: 1800, host: 'sts.amazonaws.com' });
    const seen = emu.sts.requests.at(-1)!;
    expect(seen.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${src.accessKeyId}/\\d{8}/us-east-1/sts/aws4_request`));
    expect(seen.params).toEqual(expect.arrayContaining(['Action', 'RoleArn', 'RoleSessionName', 'DurationSeconds', 'ExternalId']));
  });

  it('GovCloud: at the partition’s endpoint; an aws-partition session is refused there', async () => {
    const gov = await source(GOV_ROLE, 'sts.us-gov-west-1.amazonaws.com', 'us-gov-west-1');
    const ok = await chain({
      source: gov,
      roleArn: GOV_AUDITOR,
      sourceRoleArn: GOV_ROLE,
      stsHost: 'sts.us-gov-west-1.amazonaws.com',
      region: 'us-gov-west-1',
      externalId: undefined,
    });
    expect(ok).toMatchObject({ ok: true, assumedRoleArn: 'arn:aws-us-gov:sts::333333333333:assumed-role/GovAuditor/alice@contoso.com' });
    const commercial = await source();
    const refused = await chain({
      source: commercial,
      roleArn: GOV_AUDITOR,
      stsHost: 'sts.us-gov-west-1.amazonaws.com',
      region: 'us-gov-west-1',
      externalId: undefined,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'InvalidClientTokenId' } });
  });

  it.each([
    ['a wrong external ID', { externalId: 'contoso-audit-8' }, 'AccessDenied', /Admin in 111111111111 may not assume OrgAuditor in 777777777777.*external ID/],
    ['no external ID', { externalId: undefined }, 'AccessDenied', /may not assume OrgAuditor in 777777777777: the target's trust policy/],
    [
      'a source the target does not trust',
      { sourceRoleArn: PROD_READONLY, sourceSession: PROD_READONLY },
      'AccessDenied',
      /ReadOnly in 111111111111 may not assume/,
    ],
    ['more than one hour', { durationSeconds: 7200 }, 'ValidationError', /at most one hour for OrgAuditor/],
    ['the wrong secret', { secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEYXX' }, 'SignatureDoesNotMatch', /refused the session of Admin/],
    ['another session token', { token: `IQoJb3JpZ2luX2Vj${'A'.repeat(880)}` }, 'InvalidClientTokenId', /refused the session of Admin/],
    ['a scope for another region', { region: 'eu-west-1' }, 'SignatureDoesNotMatch', /refused the session/],
  ])('refuses %s', async (_, change, code, message) => {
    const { secret, token, sourceSession, ...input } = change as Partial<ChainInput> & { secret?: string; token?: string; sourceSession?: string };
    const src = await source(sourceSession);
    const out = await chain({
      ...input,
      source: { ...src, ...(secret ? { secretAccessKey: secret } : {}), ...(token ? { sessionToken: token } : {}) },
    } as ChainInput);
    expect(out).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(message) } });
    expect(emu.sts.issued.filter((c) => c.chainedFrom)).toEqual([]);
  });

  it('refuses a clock more than 5 minutes off, and an expired source session', async () => {
    const src = await source();
    const skewed = await chain({ source: src }, { systemClockOffset: -6 * 60_000 });
    expect(skewed).toMatchObject({ ok: false, error: { code: 'SignatureDoesNotMatch' } });
    expect(emu.sts.requests.at(-1)!.outcome).toBe('SignatureDoesNotMatch');
    emu.sts.findIssued(src.accessKeyId)!.expiration = new Date(Date.now() - 1000).toISOString();
    const expired = await chain({ source: src });
    expect(expired).toMatchObject({ ok: false, error: { code: 'ExpiredToken', message: expect.stringMatching(/session of Admin in 111111111111 expired/) } });
  });

  it('an unsigned AssumeRole is refused', async () => {
    const r = await emulatorRequest(emu.port, 'https://sts.amazonaws.com/', {
      method: 'POST',
      body: new URLSearchParams({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: AUDITOR, RoleSessionName: 'alice' }),
    });
    expect(r.status).toBe(403);
    expect(r.body).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});
