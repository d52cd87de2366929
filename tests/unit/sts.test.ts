import { describe, expect, it } from 'vitest';
import { parseRoleValue, type SamlRole } from '@/lib/arn';
import { mapWithConcurrency } from '@/lib/concurrency';
import { effectiveDuration, formatDuration } from '@/lib/duration';
import { parseAcsUrl } from '@/lib/partitions';
import { assumeRoleWithSaml, type StsCall, type StsTransport } from '@/lib/sts';
import { classifyStsError, describeStsError } from '@/lib/sts-errors';

const role = (arn: string, provider: string): SamlRole => parseRoleValue(`${arn},${provider}`)!;
const ADMIN = role('arn:aws:iam::111111111111:role/Admin', 'arn:aws:iam::111111111111:saml-provider/EntraID');
const GOV = role('arn:aws-us-gov:iam::333333333333:role/Ops', 'arn:aws-us-gov:iam::333333333333:saml-provider/EntraID');
const CN = role('arn:aws-cn:iam::666666666666:role/Ops', 'arn:aws-cn:iam::666666666666:saml-provider/EntraID');
const CREDS = { accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration: '2026-11-22T11:00:00.000Z' };

/** An STS error as the AWS SDK raises it for the query protocol. */
function stsError(code: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name: code, $metadata: { httpStatusCode: status }, $fault: status >= 500 ? 'server' : 'client' });
}

function scripted(...steps: (Error | 'ok')[]): StsTransport & { calls: StsCall[] } {
  const calls: StsCall[] = [];
  const transport = async (call: StsCall) => {
    calls.push(call);
    const step = steps[Math.min(calls.length - 1, steps.length - 1)];
    if (step instanceof Error) throw step;
    return { credentials: CREDS, assumedRoleArn: 'arn:aws:sts::111111111111:assumed-role/Admin/alice' };
  };
  return Object.assign(transport, { calls });
}

const noSleep = { sleep: async () => undefined, backoffMs: () => 0 };
const input = { role: ADMIN, samlResponse: 'PHNhbWw+', durationSeconds: 43_200 };

describe('assumeRoleWithSaml', () => {
  it('calls the partition endpoint with the role, provider, assertion and duration', async () => {
    const t = scripted('ok');
    const out = await assumeRoleWithSaml(input, { transport: t, ...noSleep });
    expect(out).toMatchObject({ ok: true, credentials: CREDS, durationSeconds: 43_200, stsHost: 'sts.amazonaws.com' });
    expect(t.calls).toEqual([
      { endpoint: 'https://sts.amazonaws.com', region: 'us-east-1', roleArn: ADMIN.roleArn, principalArn: ADMIN.providerArn, samlAssertion: 'PHNhbWw+', durationSeconds: 43_200 },
    ]);
  });

  it.each([
    [GOV, undefined, 'https://sts.us-gov-west-1.amazonaws.com'],
    [CN, undefined, 'https://sts.cn-north-1.amazonaws.com.cn'],
    [ADMIN, 'https://eu-central-1.signin.aws.amazon.com/saml', 'https://sts.eu-central-1.amazonaws.com'],
  ] as const)('%# picks %s', async (r, acsUrl, endpoint) => {
    const t = scripted('ok');
    await assumeRoleWithSaml({ ...input, role: r, acs: acsUrl ? parseAcsUrl(acsUrl)! : undefined }, { transport: t, ...noSleep });
    expect(t.calls[0]?.endpoint).toBe(endpoint);
  });

  it('falls back once to 1 h when the role max is shorter, and says so', async () => {
    const t = scripted(stsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'), 'ok');
    const out = await assumeRoleWithSaml(input, { transport: t, ...noSleep });
    expect(t.calls.map((c) => c.durationSeconds)).toEqual([43_200, 3600]);
    expect(out).toMatchObject({ ok: true, durationSeconds: 3600 });
    if (out.ok) expect(out.notice).toBe('This role allows less than 12 h, so you got 1 h.');
  });

  it('does not loop when 1 h is still too long', async () => {
    const err = stsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const t = scripted(err, err, err);
    const out = await assumeRoleWithSaml(input, { transport: t, ...noSleep });
    expect(t.calls.map((c) => c.durationSeconds)).toEqual([43_200, 3600]);
    expect(out.ok).toBe(false);
  });

  it.each([
    ['throttling', stsError('Throttling', 'Rate exceeded')],
    ['HTTP 500', stsError('InternalFailure', 'internal', 500)],
    ['HTTP 503', stsError('ServiceUnavailable', 'unavailable', 503)],
    ['network', new TypeError('Failed to fetch')],
    ['node reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('retries %s with backoff, then succeeds', async (_name, error) => {
    const waits: number[] = [];
    const t = scripted(error, error, 'ok');
    const out = await assumeRoleWithSaml(input, { transport: t, sleep: async (ms) => void waits.push(ms), backoffMs: (n) => n * 100 });
    expect(out.ok).toBe(true);
    expect(waits).toEqual([100, 200]);
  });

  it('gives up after maxAttempts and reports how often it tried', async () => {
    const t = scripted(stsError('Throttling', 'Rate exceeded'));
    const out = await assumeRoleWithSaml(input, { transport: t, ...noSleep, maxAttempts: 3 });
    expect(t.calls).toHaveLength(3);
    expect(out).toMatchObject({ ok: false, error: { code: 'Throttling' } });
    if (!out.ok) expect(out.error.message).toContain('tried 3 times');
  });

  it.each(['ExpiredTokenException', 'AccessDenied', 'InvalidIdentityToken', 'IDPRejectedClaim', 'RegionDisabledException'])('does not retry %s', async (code) => {
    const t = scripted(stsError(code, 'nope'));
    const out = await assumeRoleWithSaml(input, { transport: t, ...noSleep });
    expect(t.calls).toHaveLength(1);
    expect(out.ok).toBe(false);
  });
});

describe('describeStsError: plain words and the next step', () => {
  it.each([
    [stsError('ExpiredTokenException', 'Token must be redeemed within 5 minutes of issuance'), /older than 5 minutes/, /Open the AWS tile/],
    [stsError('InvalidIdentityToken', 'Token must be redeemed within 5 minutes of issuance'), /older than 5 minutes/, /Open the AWS tile/],
    [stsError('InvalidIdentityToken', 'SAML Assertion: AuthSamlManifestNotFoundException'), /does not know the identity provider/, /partition/],
    [stsError('InvalidIdentityToken', 'Invalid signature'), /could not validate/, /metadata/],
    [stsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML', 403), /trust policy/, /trust policy/],
    [stsError('IDPRejectedClaim', 'Bad claim'), /rejected a claim/, /claims/],
    [stsError('RegionDisabledException', 'STS is not activated in this region'), /not activated/, /activate STS/],
    [stsError('Throttling', 'Rate exceeded'), /throttling/, /Wait a minute/],
    [stsError('InternalFailure', 'x', 500), /internal error/, /Try again/],
    [new TypeError('Failed to fetch'), /Could not reach sts\.amazonaws\.com/, /network, VPN or proxy/],
    [stsError('SomethingNew', 'odd'), /SomethingNew/, /Open the AWS tile/],
  ])('%s', (error, message, action) => {
    const plain = describeStsError(error, 'sts.amazonaws.com');
    expect(plain.message).toMatch(message);
    expect(plain.action).toMatch(action);
  });

  it('never includes more than a short slice of what STS said', () => {
    const plain = describeStsError(stsError('AccessDenied', 'x'.repeat(5000)), 'sts.amazonaws.com');
    expect(plain.message.length).toBeLessThan(400);
  });

  it.each([
    [stsError('Throttling', ''), 'throttled'],
    [stsError('Whatever', '', 429), 'throttled'],
    [stsError('Whatever', '', 502), 'server'],
    [stsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'), 'duration-too-long'],
    [stsError('ValidationError', 'Something else'), 'final'],
    [new TypeError('Failed to fetch'), 'network'],
    ['a string', 'final'],
  ] as const)('classifies %s as %s', (error, kind) => {
    expect(classifyStsError(error)).toBe(kind);
  });
});

describe('durations', () => {
  it.each([
    [3600, undefined, 3600],
    [43_200, 28_800, 28_800],
    ['max', 28_800, 28_800],
    ['max', undefined, 43_200],
    [100, undefined, 900],
    [99_999, undefined, 43_200],
  ] as const)('choice %s with SessionDuration %s → %s', (choice, saml, expected) => {
    expect(effectiveDuration(choice, saml)).toBe(expected);
  });
  it.each([
    [900, '15 min'],
    [3600, '1 h'],
    [5400, '1 h 30 min'],
    [43_200, '12 h'],
  ])('formatDuration(%s) = %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });
});

describe('mapWithConcurrency', () => {
  it('never runs more than the limit at once and keeps order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapWithConcurrency([...Array(20).keys()], 4, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 1 + (i % 3)));
      running--;
      return i * 2;
    });
    expect(peak).toBe(4);
    expect(out).toEqual([...Array(20).keys()].map((i) => i * 2));
  });
  it('handles an empty list', async () => {
    expect(await mapWithConcurrency([], 4, async () => 1)).toEqual([]);
  });
});
