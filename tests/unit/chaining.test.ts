// Role chaining: which chained roles follow, what each is asked for, its failures naming both roles, and the call.
import { describe, expect, it } from 'vitest';
import { chainedDuration, chainedRolesFrom, describeChainError, planChainedRole, roleLabel, stsRegionOfHost } from '@/lib/chaining';
import type { ChainedRole } from '@/lib/settings';
import { assumeChainedRole, type ChainCall, type ChainTransport } from '@/lib/sts';
import { MAX_ACTION_LENGTH, MAX_MESSAGE_LENGTH } from '@/lib/sts-errors';

const ADMIN = 'arn:aws:iam::111111111111:role/Admin';
const DEPLOYER = 'arn:aws:iam::111111111111:role/team/platform/Deployer';
const AUDITOR = 'arn:aws:iam::777777777777:role/OrgAuditor';
const NETWORK = 'arn:aws:iam::777777777777:role/ops/NetworkAdmin';
const GOV = 'arn:aws-us-gov:iam::333333333333:role/GovAdmin';
const GOV_AUDITOR = 'arn:aws-us-gov:iam::333333333333:role/GovAuditor';
const CN = 'arn:aws-cn:iam::666666666666:role/ChinaDeveloper';
const CN_READER = 'arn:aws-cn:iam::666666666666:role/ChinaReader';
const NOW = Date.parse('2026-11-22T10:00:00Z');
const SOURCE = {
  accessKeyId: 'ASIAQ3EXAMPLESOURCE1',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSOURCEKEY',
  sessionToken: `IQoJb3JpZ2luX2VjEJr${'S'.repeat(700)}+/w==`,
  expiration: '2026-11-22T11:00:00.000Z',
};
const TARGET = { ...SOURCE, accessKeyId: 'ASIAQ3EXAMPLETARGET1', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYTARGETKEY' };

const chains: ChainedRole[] = [
  { targetRoleArn: AUDITOR, sourceRoleArn: ADMIN, externalId: 'contoso-audit-7', durationSeconds: 1800 },
  { targetRoleArn: NETWORK, sourceRoleArn: DEPLOYER, profileName: 'net-admin', sessionName: 'alice.net' },
  { targetRoleArn: GOV_AUDITOR, sourceRoleArn: GOV },
  { targetRoleArn: CN_READER, sourceRoleArn: CN },
];
const rules = { template: '{account_name}-{role}-{session_name}', overrides: {}, accountNames: { '777777777777': 'audit' } };

function stsError(code: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name: code, Code: code, $metadata: { httpStatusCode: status } });
}

describe('which chained roles follow', () => {
  it.each([
    ['Admin alone', [ADMIN], [AUDITOR]],
    ['Admin and Deployer', [DEPLOYER, ADMIN], [AUDITOR, NETWORK]],
    ['GovCloud', [GOV], [GOV_AUDITOR]],
    ['China', [CN], [CN_READER]],
    ['a role nothing chains from', ['arn:aws:iam::222222222222:role/Developer'], []],
    ['a target itself (not a source)', [AUDITOR], []],
  ])('%s', (_, assumed, targets) => {
    expect(chainedRolesFrom(chains, assumed).map((c) => c.targetRoleArn)).toEqual(targets);
  });
});

describe('what a chained role is asked for', () => {
  it.each([
    ['template applied to the target, source session name', chains[0]!, 'alice@contoso.com', 'audit-OrgAuditor-alice_contoso_com', 1800, 'alice@contoso.com'],
    ['its own profile and session name', chains[1]!, 'alice@contoso.com', 'net-admin', 3600, 'alice.net'],
    ['GovCloud, account without a name', chains[2]!, 'bob@contoso.com', '333333333333-GovAuditor-bob_contoso_com', 3600, 'bob@contoso.com'],
  ])('%s', (_, chain, sourceSession, profileName, duration, sessionName) => {
    expect(planChainedRole(chain, rules, sourceSession)).toMatchObject({
      profileName,
      durationSeconds: duration,
      sessionName,
      target: { roleArn: chain.targetRoleArn },
    });
  });

  it('a per-role override in the options names the target too', () => {
    expect(planChainedRole(chains[0]!, { ...rules, overrides: { [AUDITOR]: 'org-audit' } }, 'alice')!.profileName).toBe('org-audit');
  });

  it.each([
    [undefined, 3600],
    [900, 900],
    [3600, 3600],
    [7200, 3600],
  ])('duration %s → %s (the one-hour cap for chains)', (asked, got) => {
    expect(chainedDuration({ durationSeconds: asked })).toBe(got);
  });

  it.each([
    ['sts.amazonaws.com', 'aws', 'us-east-1'],
    ['sts.eu-west-1.amazonaws.com', 'aws', 'eu-west-1'],
    ['sts.us-gov-west-1.amazonaws.com', 'aws-us-gov', 'us-gov-west-1'],
    ['sts.us-gov-east-1.amazonaws.com', 'aws-us-gov', 'us-gov-east-1'],
    ['sts.cn-northwest-1.amazonaws.com.cn', 'aws-cn', 'cn-northwest-1'],
  ] as const)('signing region of %s', (host, partition, region) => {
    expect(stsRegionOfHost(host, partition)).toBe(region);
  });
});

describe('chained failures in plain words, naming both roles', () => {
  const ctx = { sourceRoleArn: ADMIN, targetRoleArn: AUDITOR, externalId: false, host: 'sts.amazonaws.com' };
  const denied = stsError(
    'AccessDenied',
    `User: arn:aws:sts::111111111111:assumed-role/Admin/alice is not authorized to perform: sts:AssumeRole on resource: ${AUDITOR}`,
    403,
  );
  it.each([
    [
      'trust policy',
      denied,
      ctx,
      'AccessDenied',
      /^Admin in 111111111111 may not assume OrgAuditor in 777777777777: the target's trust policy does not allow it/,
      /trust policy of OrgAuditor/,
    ],
    [
      'external ID set: may be it',
      denied,
      { ...ctx, externalId: true },
      'AccessDenied',
      /or the external ID in Options is not the one it requires/,
      /Check the external ID/,
    ],
    [
      'duration over the chain cap',
      stsError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'),
      ctx,
      'ValidationError',
      /at most one hour for OrgAuditor in 777777777777, reached by chaining from Admin in 111111111111/,
      /3600 seconds or less/,
    ],
    [
      'source expired',
      stsError('ExpiredToken', 'The security token included in the request is expired', 403),
      ctx,
      'ExpiredToken',
      /session of Admin in 111111111111 expired/,
      /Assume Admin/,
    ],
    [
      'bad signature',
      stsError('SignatureDoesNotMatch', 'The request signature we calculated does not match', 403),
      ctx,
      'SignatureDoesNotMatch',
      /refused the session of Admin/,
      /bug/,
    ],
    [
      'throttled',
      stsError('Throttling', 'Rate exceeded'),
      { ...ctx, attempts: 3 },
      'Throttling',
      /^Assuming OrgAuditor in 777777777777 with the session of Admin in 111111111111 failed: .*throttling.*tried 3 times/,
      /Wait a minute/,
    ],
    [
      'network',
      Object.assign(new TypeError('Failed to fetch')),
      ctx,
      'NetworkError',
      /OrgAuditor.*Admin.*Could not reach AWS STS at sts.amazonaws.com/,
      /network, VPN or proxy/,
    ],
    [
      'captive portal',
      Object.assign(new Error('Unknown'), { name: 'Unknown', $metadata: { httpStatusCode: 200 } }),
      ctx,
      'NotStsAnswer',
      /OrgAuditor.*Admin.*proxy, captive portal/,
      /let sts.amazonaws.com through/,
    ],
  ])('%s', (_, error, context, code, message, action) => {
    const plain = describeChainError(error, context);
    expect(plain.code).toBe(code);
    expect(plain.message).toMatch(message);
    expect(plain.action).toMatch(action);
    expect(plain.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(plain.action.length).toBeLessThanOrEqual(MAX_ACTION_LENGTH);
    expect(`${plain.message} ${plain.action}`).not.toContain(SOURCE.secretAccessKey);
  });

  it('labels a role by name and account', () => {
    expect(roleLabel(NETWORK)).toBe('NetworkAdmin in 777777777777');
  });
});

describe('assumeChainedRole', () => {
  function scripted(...steps: (Error | 'ok')[]): ChainTransport & { calls: ChainCall[] } {
    const calls: ChainCall[] = [];
    const transport = async (call: ChainCall) => {
      calls.push(call);
      const step = steps[Math.min(calls.length - 1, steps.length - 1)];
      if (step instanceof Error) throw step;
      return { credentials: TARGET, assumedRoleArn: 'arn:aws:sts::777777777777:assumed-role/OrgAuditor/alice' };
    };
    return Object.assign(transport, { calls });
  }
  const noSleep = { sleep: async () => undefined, backoffMs: () => 0, now: () => NOW };
  const input = {
    roleArn: AUDITOR,
    sourceRoleArn: ADMIN,
    source: SOURCE,
    stsHost: 'sts.eu-west-1.amazonaws.com',
    region: 'eu-west-1',
    durationSeconds: 1800,
    roleSessionName: 'alice@contoso.com',
    externalId: 'contoso-audit-7',
  };

  it('signs with the source session at the source endpoint, with the external ID, duration and session name', async () => {
    const t = scripted('ok');
    const out = await assumeChainedRole(input, { transport: t, ...noSleep });
    expect(out).toEqual({
      ok: true,
      credentials: TARGET,
      assumedRoleArn: 'arn:aws:sts::777777777777:assumed-role/OrgAuditor/alice',
      durationSeconds: 1800,
      stsHost: 'sts.eu-west-1.amazonaws.com',
    });
    expect(t.calls).toEqual([
      {
        endpoint: 'https://sts.eu-west-1.amazonaws.com',
        region: 'eu-west-1',
        roleArn: AUDITOR,
        roleSessionName: 'alice@contoso.com',
        durationSeconds: 1800,
        externalId: 'contoso-audit-7',
        credentials: { accessKeyId: SOURCE.accessKeyId, secretAccessKey: SOURCE.secretAccessKey, sessionToken: SOURCE.sessionToken },
        signal: expect.any(AbortSignal),
      },
    ]);
  });

  it('retries throttling, then succeeds; a refusal is not retried', async () => {
    const t = scripted(stsError('Throttling', 'Rate exceeded'), 'ok');
    expect((await assumeChainedRole(input, { transport: t, ...noSleep })).ok).toBe(true);
    expect(t.calls).toHaveLength(2);
    const refused = scripted(stsError('AccessDenied', 'not authorized', 403));
    const out = await assumeChainedRole(input, { transport: refused, ...noSleep });
    expect(refused.calls).toHaveLength(1);
    expect(out).toMatchObject({ ok: false, error: { code: 'AccessDenied', message: expect.stringMatching(/external ID/) } });
  });

  it('stops retrying when the source session would have expired', async () => {
    const t = scripted(stsError('Throttling', 'Rate exceeded'));
    const out = await assumeChainedRole(input, { transport: t, ...noSleep, now: () => Date.parse(SOURCE.expiration) - 10, backoffMs: () => 1000 });
    expect(t.calls).toHaveLength(1);
    expect(out.ok).toBe(false);
  });

  it('a hanging STS counts as a timeout per attempt, retried a bounded number of times', async () => {
    const calls: ChainCall[] = [];
    const hang: ChainTransport = (call) => {
      calls.push(call);
      return new Promise(() => undefined);
    };
    const out = await assumeChainedRole(input, { transport: hang, ...noSleep, attemptTimeoutMs: 5, maxAttempts: 2 });
    expect(calls).toHaveLength(2);
    expect(out).toMatchObject({ ok: false, error: { code: 'Timeout' } });
  });

  it('credentials of the wrong shape are refused like AssumeRoleWithSAML’s', async () => {
    const t: ChainTransport = async () => ({ credentials: { ...TARGET, sessionToken: '$(curl evil)' } });
    const out = await assumeChainedRole(input, { transport: t, ...noSleep });
    expect(out).toMatchObject({ ok: false, error: { code: 'MalformedCredentials' } });
  });
});
