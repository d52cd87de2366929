import { describe, expect, it } from 'vitest';
import { parseRoleValue, type SamlRole } from '@/lib/arn';
import { mapWithConcurrency } from '@/lib/concurrency';
import { effectiveDuration, formatDuration } from '@/lib/duration';
import { identifyIdp } from '@/lib/idp';
import { parseAcsUrl } from '@/lib/partitions';
import { assumeRoleWithSaml, type StsCall, type StsTransport } from '@/lib/sts';
import { classifyStsError, describeStsError, expiryReason, MAX_ACTION_LENGTH, MAX_MESSAGE_LENGTH } from '@/lib/sts-errors';

const role = (arn: string, provider: string): SamlRole => parseRoleValue(`${arn},${provider}`)!;
const ADMIN = role('arn:aws:iam::111111111111:role/Admin', 'arn:aws:iam::111111111111:saml-provider/EntraID');
const GOV = role('arn:aws-us-gov:iam::333333333333:role/Ops', 'arn:aws-us-gov:iam::333333333333:saml-provider/EntraID');
const CN = role('arn:aws-cn:iam::666666666666:role/Ops', 'arn:aws-cn:iam::666666666666:saml-provider/EntraID');
const NOW = Date.parse('2026-11-22T10:00:00Z');
const CREDS = {
  accessKeyId: 'ASIAQ3EXAMPLEKEY7XYZ',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: `IQoJb3JpZ2luX2VjEJr${'A'.repeat(700)}+/w==`,
  expiration: '2026-11-22T11:00:00.000Z',
};

/**
 * An STS error as the AWS SDK raises it for the query protocol: `Code` is the wire code; `name` is the SDK's class
 * name for the errors STS models (`InvalidIdentityTokenException`) and the wire code for the rest (`AccessDenied`).
 */
function stsError(code: string, message: string, status = 400, name = code): Error {
  return Object.assign(new Error(message), { name, Code: code, $metadata: { httpStatusCode: status }, $fault: status >= 500 ? 'server' : 'client' });
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

const noSleep = { sleep: async () => undefined, backoffMs: () => 0, now: () => NOW };
const ENTRA = identifyIdp('https://sts.windows.net/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/');
const ctx = { host: 'sts.amazonaws.com', idp: ENTRA };
const input = { role: ADMIN, samlResponse: 'PHNhbWw+', durationSeconds: 43_200 };

describe('assumeRoleWithSaml', () => {
  it('calls the partition endpoint with the role, provider, assertion and duration', async () => {
    const t = scripted('ok');
    const out = await assumeRoleWithSaml(input, { transport: t, ...noSleep });
    expect(out).toMatchObject({ ok: true, credentials: CREDS, durationSeconds: 43_200, stsHost: 'sts.amazonaws.com' });
    expect(t.calls).toEqual([
      {
        endpoint: 'https://sts.amazonaws.com',
        region: 'us-east-1',
        roleArn: ADMIN.roleArn,
        principalArn: ADMIN.providerArn,
        samlAssertion: 'PHNhbWw+',
        durationSeconds: 43_200,
        signal: expect.any(AbortSignal),
      },
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
    const out = await assumeRoleWithSaml(input, { transport: t, sleep: async (ms) => void waits.push(ms), backoffMs: (n) => n * 100, now: () => NOW });
    expect(out.ok).toBe(true);
    expect(waits).toEqual([100, 200]);
  });

  it('reports what STS last answered when the browser then refused the retries locally (Chrome’s throttle after 5xx)', async () => {
    const refused = new TypeError('Failed to fetch');
    const t = scripted(stsError('ServiceUnavailable', 'unavailable', 503), refused, refused);
    const out = await assumeRoleWithSaml(input, { transport: t, ...noSleep });
    expect(t.calls).toHaveLength(3);
    expect(out).toMatchObject({
      ok: false,
      error: { code: 'ServiceUnavailable', message: 'AWS STS at sts.amazonaws.com had an internal error (tried 3 times).' },
    });
    const unreachable = await assumeRoleWithSaml(input, { transport: scripted(refused), ...noSleep });
    expect(unreachable).toMatchObject({ ok: false, error: { code: 'NetworkError' } });
  });

  it('gives up after maxAttempts and reports how often it tried', async () => {
    const t = scripted(stsError('Throttling', 'Rate exceeded'));
    const out = await assumeRoleWithSaml(input, { transport: t, ...noSleep, maxAttempts: 3 });
    expect(t.calls).toHaveLength(3);
    expect(out).toMatchObject({ ok: false, error: { code: 'Throttling' } });
    if (!out.ok) expect(out.error.message).toContain('tried 3 times');
  });

  it.each([
    ['ExpiredTokenException', 'ExpiredTokenException'],
    ['AccessDenied', 'AccessDenied'],
    ['InvalidIdentityToken', 'InvalidIdentityTokenException'],
    ['IDPRejectedClaim', 'IDPRejectedClaimException'],
    ['RegionDisabledException', 'RegionDisabledException'],
    ['PackedPolicyTooLarge', 'PackedPolicyTooLargeException'],
  ])('does not retry %s', async (code, name) => {
    const t = scripted(stsError(code, 'nope', 400, name));
    const out = await assumeRoleWithSaml(input, { transport: t, ...noSleep });
    expect(t.calls).toHaveLength(1);
    expect(out.ok).toBe(false);
  });

  describe('time limits', () => {
    /** A transport that never answers, like STS behind a black hole; records whether each call was told to stop. */
    function blackHole(honoursAbort: boolean) {
      const aborted: boolean[] = [];
      const transport: StsTransport = (call) =>
        new Promise((_, reject) => {
          const i = aborted.push(false) - 1;
          call.signal?.addEventListener('abort', () => {
            aborted[i] = true;
            if (honoursAbort) reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
          });
        });
      return { transport, aborted };
    }

    it.each([true, false])(
      'gives up each attempt after its time limit, aborts it, retries, and says so (transport honours abort: %s)',
      async (honoursAbort) => {
        const { transport, aborted } = blackHole(honoursAbort);
        const t0 = Date.now();
        const out = await assumeRoleWithSaml(input, { transport, ...noSleep, attemptTimeoutMs: 30 });
        expect(Date.now() - t0).toBeLessThan(5000);
        expect(aborted).toEqual([true, true, true]);
        expect(out).toMatchObject({
          ok: false,
          error: { code: 'Timeout', message: 'AWS STS at sts.amazonaws.com did not answer within 30 ms (tried 3 times).' },
        });
        if (!out.ok) expect(out.error.action).toMatch(/network, VPN or proxy/);
      },
    );

    it('a timed-out attempt is retried, and the retry’s answer counts', async () => {
      let calls = 0;
      const transport: StsTransport = (call) => (++calls === 1 ? blackHole(true).transport(call) : Promise.resolve({ credentials: CREDS }));
      const out = await assumeRoleWithSaml(input, { transport, ...noSleep, attemptTimeoutMs: 30 });
      expect(out).toMatchObject({ ok: true, credentials: CREDS });
      expect(calls).toBe(2);
    });

    it('starts no new attempt once the assertion’s usable-until has passed, and says why', async () => {
      let clock = NOW;
      const t = scripted(stsError('Throttling', 'Rate exceeded'));
      const out = await assumeRoleWithSaml(
        { ...input, deadline: NOW + 1000, idp: ENTRA },
        { transport: t, now: () => clock, sleep: async (ms) => void (clock += ms), backoffMs: () => 700 },
      );
      // Attempt 1 at NOW, attempt 2 at NOW + 700; a third would start at NOW + 1400, after the deadline.
      expect(t.calls).toHaveLength(2);
      expect(out).toMatchObject({ ok: false, error: { code: 'Throttling' } });
      if (!out.ok) {
        expect(out.error.message).toBe(
          'AWS STS at sts.amazonaws.com is throttling requests (tried 2 times). This sign-in can no longer be used, so the extension stopped trying.',
        );
        expect(out.error.action).toBe('Open the AWS tile in My Apps again, then assume your roles right away.');
      }
    });

    it('retries as usual while the deadline is still ahead', async () => {
      const t = scripted(stsError('Throttling', 'Rate exceeded'), 'ok');
      const out = await assumeRoleWithSaml({ ...input, deadline: NOW + 60_000 }, { transport: t, ...noSleep });
      expect(out.ok).toBe(true);
      expect(t.calls).toHaveLength(2);
    });
  });
});

describe('describeStsError: plain words and the next step', () => {
  // Each STS error as the SDK names it (class name) and as the wire and AWS's documentation do: both must map.
  it.each([
    ['ExpiredTokenException', 'ExpiredTokenException', 'Token must be redeemed within 5 minutes of issuance', 400, /older than 5 minutes/, /Open the AWS tile/],
    ['ExpiredTokenException', 'ExpiredTokenException', 'Token is expired', 400, /passed the time your identity provider allowed/, /Open the AWS tile/],
    [
      'InvalidIdentityToken',
      'InvalidIdentityTokenException',
      'Token must be redeemed within 5 minutes of issuance',
      400,
      /older than 5 minutes/,
      /Open the AWS tile/,
    ],
    [
      'InvalidIdentityToken',
      'InvalidIdentityTokenException',
      'SAML Assertion: AuthSamlManifestNotFoundException',
      400,
      /does not know the identity provider/,
      /partition/,
    ],
    ['InvalidIdentityToken', 'InvalidIdentityTokenException', 'Invalid signature', 400, /could not validate/, /Entra’s current federation metadata/],
    ['AccessDenied', 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML', 403, /trust policy/, /trust policy/],
    ['IDPRejectedClaim', 'IDPRejectedClaimException', 'Bad claim', 403, /rejected a claim/, /your Entra admin.*Attributes & Claims/],
    ['RegionDisabledException', 'RegionDisabledException', 'STS is not activated in this region', 403, /not activated/, /activate STS/],
    ['MalformedPolicyDocument', 'MalformedPolicyDocumentException', 'The policy is not valid JSON', 400, /policy .* malformed/, /AWS admin/],
    [
      'PackedPolicyTooLarge',
      'PackedPolicyTooLargeException',
      'Packed policy consumes 112% of allotted space',
      400,
      /too large/,
      /your Entra admin.*session tags/,
    ],
    ['IDPCommunicationError', 'IDPCommunicationErrorException', 'IdP unreachable', 400, /could not reach your identity provider/, /Try again in a minute/],
    ['Throttling', 'Throttling', 'Rate exceeded', 400, /throttling/, /Wait a minute/],
    ['InternalFailure', 'InternalFailure', 'x', 500, /internal error/, /Try again/],
    ['SomethingNew', 'SomethingNew', 'odd', 400, /SomethingNew/, /Open the AWS tile/],
  ] as const)('%s (SDK name %s): %s', (code, name, said, status, message, action) => {
    for (const error of [stsError(code, said, status, name), stsError(code, said, status, code)]) {
      const plain = describeStsError(error, ctx);
      expect(plain.code).toBe(code);
      expect(plain.message).toMatch(message);
      expect(plain.action).toMatch(action);
    }
  });

  it('reports a dropped connection as a network failure', () => {
    const plain = describeStsError(new TypeError('Failed to fetch'), ctx);
    expect(plain).toMatchObject({ code: 'NetworkError', message: 'Could not reach AWS STS at sts.amazonaws.com.' });
    expect(plain.action).toMatch(/network, VPN or proxy/);
  });

  it.each([
    ['an Okta sign-in', 'http://www.okta.com/exk1a2b3c4d5e6f7g8h9', /Okta dashboard/, /your Okta admin/],
    ['an AD FS sign-in', 'https://fs.contoso.com/adfs/services/trust', /AD FS sign-in page/, /your AD FS admin/],
    ['a Google sign-in', 'https://accounts.google.com/o/saml2?idpid=C01abc', /Google apps menu/, /Google Workspace admin/],
    ['an unknown IdP', 'https://idp.example.org/shibboleth', /your identity provider again/, /identity provider’s admin/],
    ['no sign-in known', undefined, /your identity provider again/, /identity provider’s admin/],
  ])('speaks to %s in its own words, never of My Apps or Entra', (_name, issuer, signIn, admin) => {
    const idp = issuer === undefined ? undefined : identifyIdp(issuer);
    const errors = [
      stsError('ExpiredTokenException', 'Token must be redeemed within 5 minutes of issuance'),
      stsError('IDPRejectedClaim', 'Bad claim', 403, 'IDPRejectedClaimException'),
      stsError('InvalidIdentityToken', 'Invalid signature', 400, 'InvalidIdentityTokenException'),
      stsError('PackedPolicyTooLarge', 'too big', 400, 'PackedPolicyTooLargeException'),
      stsError('Throttling', 'Rate exceeded'),
      stsError('InternalFailure', 'x', 500),
      stsError('SomethingNew', 'odd'),
      new TypeError('Failed to fetch'),
    ];
    const texts = errors.map((e) => describeStsError(e, { ...ctx, idp, attempts: 3 })).map((p) => `${p.message} ${p.action}`);
    for (const text of texts) expect(text).not.toMatch(/My Apps|Entra/);
    expect(texts[0]).toMatch(signIn);
    expect(texts[1]).toMatch(admin);
    expect(texts.join(' ')).toMatch(admin);
  });

  it('quotes at most 300 characters of what STS said, and bounds the whole text', () => {
    const plain = describeStsError(stsError('AccessDenied', 'x '.repeat(5000)), ctx);
    expect(plain.message.length).toBeLessThan(400);
    const said = /“(.*)”/.exec(plain.message)?.[1] ?? '';
    expect(said.length).toBeLessThanOrEqual(300);
    expect(said.endsWith('…')).toBe(true);
  });

  it('never repeats a long base64 run (an assertion or token) or control characters from what STS said', () => {
    const token = 'IQoJb3JpZ2luX2VjEJr' + 'A'.repeat(200);
    const plain = describeStsError(stsError('SomethingNew', `Bad token ${token}\n\u0000[default]\r\nend`), ctx);
    expect(plain.message).not.toContain(token.slice(0, 40));
    expect(plain.message).not.toMatch(/[\u0000-\u001f]/);
    expect(plain.message).toContain('[default] end');
  });

  it.each([
    ['a hostile error code', stsError('<img src=x onerror=alert(1)>', 'x'), 'UnknownError'],
    ['a very long error code', stsError('A'.repeat(500), 'x'), 'UnknownError'],
  ])('shows no %s', (_name, error, code) => {
    const plain = describeStsError(error, ctx);
    expect(plain.code).toBe(code);
    expect(plain.message).not.toMatch(/<img|AAAAAAAAAA/);
  });

  it('every text from this layer is bounded', () => {
    const all = [
      stsError('AccessDenied', 'y'.repeat(10_000)),
      stsError('SomethingNew', 'z '.repeat(10_000)),
      stsError('Throttling', 'Rate exceeded'),
      Object.assign(new Error('x'), { name: 'Unknown', $metadata: { httpStatusCode: 502 } }),
    ].map((e) => describeStsError(e, { host: `sts.${'a'.repeat(60)}.amazonaws.com`, attempts: 3, stoppedAtDeadline: true }));
    for (const p of all) {
      expect(p.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
      expect(p.action.length).toBeLessThanOrEqual(MAX_ACTION_LENGTH);
    }
  });

  it.each([
    [stsError('Throttling', ''), 'throttled'],
    [stsError('Whatever', '', 429), 'throttled'],
    [stsError('InternalFailure', '', 502), 'server'],
    [stsError('IDPCommunicationError', '', 400, 'IDPCommunicationErrorException'), 'server'],
    [stsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'), 'duration-too-long'],
    [stsError('ValidationError', 'Something else'), 'final'],
    [stsError('InvalidIdentityToken', 'Invalid signature', 400, 'InvalidIdentityTokenException'), 'final'],
    [new TypeError('Failed to fetch'), 'network'],
    [Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET', $metadata: {} }), 'network'],
    // What the SDK raises for answers that are not from STS.
    [Object.assign(new Error('Unknown'), { name: 'Unknown', $metadata: { httpStatusCode: 502 } }), 'gateway'],
    [Object.assign(new TypeError('Invalid RFC3339 timestamp format x'), { $metadata: { httpStatusCode: 200 } }), 'not-sts'],
    [Object.assign(new Error('@aws-sdk XML parse error'), { $metadata: { httpStatusCode: 403 } }), 'not-sts'],
    ['a string', 'final'],
  ] as const)('classifies %s as %s', (error, kind) => {
    expect(classifyStsError(error)).toBe(kind);
  });
});

describe('expiryReason: why a sign-in stopped being usable', () => {
  const issued = Date.parse('2026-11-22T10:00:00Z');
  it.each([
    ['AWS’s 5 minutes came first', { issueInstant: issued, usableUntil: issued + 5 * 60_000 }, 'window'],
    ['the IdP’s NotOnOrAfter came first (Okta: 3 minutes)', { issueInstant: issued, usableUntil: issued + 3 * 60_000 }, 'not-on-or-after'],
    ['no IssueInstant known', { usableUntil: issued }, 'window'],
  ] as const)('%s', (_name, summary, reason) => {
    expect(expiryReason(summary)).toBe(reason);
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
