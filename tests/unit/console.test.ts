/** The console sign-in's pure parts: URLs per partition and region, the SessionDuration rule, answer checking. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  CONSOLE_SERVICES,
  consoleDestinationUrl,
  consoleFailureText,
  consoleHomeUrl,
  consoleSessionDuration,
  federationEndpoint,
  federationHostPermissions,
  getSigninTokenUrl,
  isConsoleUrl,
  loginUrl,
  parseSigninTokenAnswer,
  sessionJson,
  type ConsoleFailure,
} from '@/lib/console';
import { acsHostPermissions, type Partition } from '@/lib/partitions';
import { checkConsoleDestination, parseSettings } from '@/lib/settings';

const CREDS = {
  accessKeyId: 'ASIAQ3EGVP4EXAMPLE01',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEDEaCXVzLWVhc3QtMSJHMEUCIQD+example/token==',
  expiration: '2026-11-22T11:00:00Z',
};
const NOW = Date.parse('2026-11-22T10:00:00Z');
const TOKEN = 'VCQgs5qZZt3Q6fn8Tr5EXAMPLEmLnwB7JjUc-SHwnUUWabcRdnWsi4DBn-dvC_CZ85wrD0nmldUcZEXAMPLE';

describe('federation endpoint and console home per partition', () => {
  it.each<[Partition, string | undefined, string, string]>([
    ['aws', undefined, 'https://signin.aws.amazon.com/federation', 'https://console.aws.amazon.com/console/home'],
    ['aws', 'eu-west-1', 'https://signin.aws.amazon.com/federation', 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1'],
    ['aws', 'us-gov-west-1', 'https://signin.aws.amazon.com/federation', 'https://console.aws.amazon.com/console/home'],
    ['aws-us-gov', 'us-gov-east-1', 'https://signin.amazonaws-us-gov.com/federation', 'https://console.amazonaws-us-gov.com/console/home?region=us-gov-east-1'],
    ['aws-us-gov', 'eu-west-1', 'https://signin.amazonaws-us-gov.com/federation', 'https://console.amazonaws-us-gov.com/console/home'],
    ['aws-cn', 'cn-northwest-1', 'https://signin.amazonaws.cn/federation', 'https://console.amazonaws.cn/console/home?region=cn-northwest-1'],
    ['aws-cn', undefined, 'https://signin.amazonaws.cn/federation', 'https://console.amazonaws.cn/console/home'],
  ])('%s in %s', (partition, region, endpoint, home) => {
    expect(federationEndpoint(partition)).toBe(endpoint);
    expect(consoleHomeUrl(partition, region)).toBe(home);
    expect(isConsoleUrl(partition, home)).toBe(true);
  });

  it.each<[Partition, string, boolean]>([
    ['aws', 'https://console.aws.amazon.com/s3/home', true],
    ['aws', 'https://console.aws.amazon.com.evil.example/console/home', false],
    ['aws', 'http://console.aws.amazon.com/console/home', false],
    ['aws', 'https://console.aws.amazon.com:8443/console/home', false],
    ['aws', 'https://evil.console.aws.amazon.com/console/home', false],
    ['aws', 'https://console.amazonaws.cn/console/home', false],
    ['aws-cn', 'https://cn-north-1.console.amazonaws.cn/console/home', false],
    ['aws-us-gov', 'not a url', false],
  ])('isConsoleUrl(%s, %s) = %s', (partition, url, expected) => {
    expect(isConsoleUrl(partition, url)).toBe(expected);
  });

  it('needs no host permission beyond the sign-in hosts already declared (no new browser warning)', () => {
    for (const p of federationHostPermissions()) expect(acsHostPermissions()).toContain(p);
  });
});

describe('console destination: a service page in a region of the role’s partition', () => {
  it.each<[Partition, Parameters<typeof consoleDestinationUrl>[1], string | undefined, string]>([
    ['aws', undefined, 'eu-west-1', 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1'],
    ['aws', { service: 'cloudwatch', region: 'eu-west-1' }, undefined, 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1'],
    [
      'aws',
      { service: 'dynamodb', region: 'ap-southeast-2' },
      'eu-west-1',
      'https://ap-southeast-2.console.aws.amazon.com/dynamodbv2/home?region=ap-southeast-2',
    ],
    ['aws', { service: 'lambda' }, 'us-west-2', 'https://us-west-2.console.aws.amazon.com/lambda/home?region=us-west-2'],
    ['aws', { service: 's3' }, undefined, 'https://console.aws.amazon.com/s3/home'],
    ['aws', { service: 'ec2', region: 'cn-north-1' }, undefined, 'https://console.aws.amazon.com/ec2/home'],
    ['aws', { service: 'iam', region: 'eu-west-1' }, 'eu-west-1', 'https://console.aws.amazon.com/iam/home'],
    ['aws-us-gov', { service: 'cloudwatch', region: 'us-gov-east-1' }, undefined, 'https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-east-1'],
    ['aws-us-gov', { service: 'ec2' }, 'us-gov-west-1', 'https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1'],
    ['aws-us-gov', { service: 'rds', region: 'eu-west-1' }, undefined, 'https://console.amazonaws-us-gov.com/rds/home'],
    ['aws-us-gov', { service: 'iam' }, undefined, 'https://console.amazonaws-us-gov.com/iam/home'],
    ['aws-cn', { service: 'cloudwatch', region: 'cn-northwest-1' }, undefined, 'https://console.amazonaws.cn/cloudwatch/home?region=cn-northwest-1'],
    ['aws-cn', { service: 'vpc' }, 'cn-north-1', 'https://console.amazonaws.cn/vpc/home?region=cn-north-1'],
    ['aws-cn', { service: 'cloudtrail' }, 'us-east-1', 'https://console.amazonaws.cn/cloudtrail/home'],
  ])('%s %j (role region %s) → %s', (partition, destination, roleRegion, url) => {
    expect(consoleDestinationUrl(partition, destination, roleRegion)).toBe(url);
    expect(isConsoleUrl(partition, url)).toBe(true);
  });

  it.each<[string, unknown, Partition | undefined, string | null]>([
    ['CloudWatch in eu-west-1', { service: 'cloudwatch', region: 'eu-west-1' }, 'aws', null],
    ['a service without a region', { service: 'ec2' }, 'aws-us-gov', null],
    ['an empty region is none', { service: 's3', region: '' }, 'aws-cn', null],
    ['GovCloud region for a GovCloud role', { service: 'lambda', region: 'us-gov-west-1' }, 'aws-us-gov', null],
    ['China region for a China role', { service: 'cloudformation', region: 'cn-north-1' }, 'aws-cn', null],
    ['commercial region for a GovCloud role', { service: 'ec2', region: 'eu-west-1' }, 'aws-us-gov', 'region: eu-west-1 is not a region of AWS GovCloud (US)'],
    ['China region for a commercial role', { service: 'ec2', region: 'cn-north-1' }, 'aws', 'region: cn-north-1 is not a region of AWS '],
    ['GovCloud region for a China role', { service: 'ec2', region: 'us-gov-east-1' }, 'aws-cn', 'is not a region of AWS China'],
    ['an unknown service', { service: 'sagemaker' }, 'aws', '"sagemaker" is not a console page this extension knows'],
    ['a prototype key as service', { service: 'toString' }, 'aws', 'is not a console page'],
    ['a URL instead of a service', { service: 'https://evil.example/' }, 'aws', 'is not a console page'],
    ['a region that is no region', { service: 'ec2', region: 'Frankfurt' }, 'aws', 'is not an AWS region name'],
    ['an extra field', { service: 'ec2', path: '/ec2/v2' }, 'aws', 'path is not a field of a console destination'],
    ['not an object', 'cloudwatch', 'aws', 'must be an object'],
  ])('checkConsoleDestination: %s', (_name, value, partition, error) => {
    const checked = checkConsoleDestination(value, partition);
    if (error === null) expect(checked.ok).toBe(true);
    else expect(checked.ok ? '' : checked.message).toContain(error);
  });

  it('stored settings keep a valid destination and drop one whose region is of another partition, naming the role', () => {
    const gov = 'arn:aws-us-gov:iam::333333333333:role/GovOps';
    const aws = 'arn:aws:iam::111111111111:role/Admin';
    const { settings, issues } = parseSettings({
      version: 2,
      roles: {
        [aws]: { consoleDestination: { service: 'cloudwatch', region: 'eu-west-1' } },
        [gov]: { region: 'us-gov-west-1', consoleDestination: { service: 'ec2', region: 'eu-west-1' } },
      },
    });
    expect(settings.roles[aws]).toEqual({ consoleDestination: { service: 'cloudwatch', region: 'eu-west-1' } });
    expect(settings.roles[gov]).toEqual({ region: 'us-gov-west-1' });
    expect(issues).toEqual([
      { path: `roles[${JSON.stringify(gov)}].consoleDestination`, message: expect.stringContaining('eu-west-1 is not a region of AWS GovCloud (US)') },
    ]);
  });

  it('the policy schema offers exactly the services of the table', () => {
    const schema = JSON.parse(readFileSync('public/managed_schema.json', 'utf8')) as {
      properties: { roles: { additionalProperties: { properties: { consoleDestination: { properties: { service: { enum: string[] } } } } } } };
    };
    expect(schema.properties.roles.additionalProperties.properties.consoleDestination.properties.service.enum).toEqual(Object.keys(CONSOLE_SERVICES));
  });
});

describe('SessionDuration: the credentials’ remaining life within 900–43200 s', () => {
  const expiring = (secondsLeft: number) => ({ expiration: new Date(NOW + secondsLeft * 1000).toISOString() });
  it.each<[string, number, boolean, ReturnType<typeof consoleSessionDuration>]>([
    ['one hour left', 3600, false, { ok: true, seconds: 3600 }],
    ['twelve hours left', 43_200, false, { ok: true, seconds: 43_200 }],
    ['fractions are cut, never rounded up', 1800.9, false, { ok: true, seconds: 1800 }],
    ['exactly 15 minutes', 900, false, { ok: true, seconds: 900 }],
    ['under 15 minutes', 899, false, { ok: false, reason: 'too-short' }],
    ['expired', 0, false, { ok: false, reason: 'expired' }],
    ['long expired', -60, false, { ok: false, reason: 'expired' }],
    ['role chaining: omitted', 3600, true, { ok: true }],
    ['role chaining, under 15 minutes: omitted, still usable', 300, true, { ok: true }],
  ])('%s', (_name, left, chained, expected) => {
    expect(consoleSessionDuration(expiring(left), NOW, chained)).toEqual(expected);
  });

  it('a longer life than AWS allows is capped at 12 hours', () => {
    expect(consoleSessionDuration({ expiration: new Date(NOW + 36 * 3600_000).toISOString() }, NOW)).toEqual({ ok: true, seconds: 43_200 });
  });

  it('an unreadable expiry counts as expired', () => {
    expect(consoleSessionDuration({ expiration: 'soon' }, NOW)).toEqual({ ok: false, reason: 'expired' });
  });
});

describe('requests', () => {
  it('Session is exactly the documented JSON', () => {
    expect(JSON.parse(sessionJson(CREDS))).toEqual({ sessionId: CREDS.accessKeyId, sessionKey: CREDS.secretAccessKey, sessionToken: CREDS.sessionToken });
    expect(Object.keys(JSON.parse(sessionJson({ ...CREDS, expiration: 'x' } as typeof CREDS)) as object)).toEqual(['sessionId', 'sessionKey', 'sessionToken']);
  });

  it('getSigninToken carries Action, SessionDuration (when given) and the URL-encoded Session', () => {
    const url = new URL(getSigninTokenUrl('aws-us-gov', CREDS, 1800));
    expect(url.origin + url.pathname).toBe('https://signin.amazonaws-us-gov.com/federation');
    expect(url.searchParams.get('Action')).toBe('getSigninToken');
    expect(url.searchParams.get('SessionDuration')).toBe('1800');
    expect(JSON.parse(url.searchParams.get('Session')!)).toMatchObject({ sessionKey: CREDS.secretAccessKey });
    // "+" and "/" in the secret must survive the query string.
    expect(url.search).not.toContain('+bPx');
    expect(new URL(getSigninTokenUrl('aws', CREDS)).searchParams.has('SessionDuration')).toBe(false);
  });

  it('login carries Issuer, Destination and the token, all encoded', () => {
    const url = new URL(
      loginUrl('aws-cn', {
        issuer: 'chrome-extension://ndcebehelkhblldpkdbhkppfmpokkena/popup.html',
        destination: 'https://console.amazonaws.cn/console/home?region=cn-north-1',
        token: TOKEN,
      }),
    );
    expect(url.origin + url.pathname).toBe('https://signin.amazonaws.cn/federation');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: 'login',
      Issuer: 'chrome-extension://ndcebehelkhblldpkdbhkppfmpokkena/popup.html',
      Destination: 'https://console.amazonaws.cn/console/home?region=cn-north-1',
      SigninToken: TOKEN,
    });
  });
});

describe('the federation answer is hostile until proven otherwise', () => {
  it.each<[string, number, string, ReturnType<typeof parseSigninTokenAnswer>]>([
    ['AWS’s documented answer', 200, JSON.stringify({ SigninToken: TOKEN }), { ok: true, token: TOKEN }],
    ['credentials refused (400)', 400, '<html>Invalid</html>', { ok: false, reason: 'refused' }],
    ['forbidden (403)', 403, '', { ok: false, reason: 'refused' }],
    ['AWS trouble (503)', 503, '', { ok: false, reason: 'unavailable' }],
    ['a redirect (captive portal)', 0, '', { ok: false, reason: 'not-aws' }],
    ['302 as such', 302, '', { ok: false, reason: 'not-aws' }],
    ['HTML with 200', 200, '<!DOCTYPE html><title>Login to Wi-Fi</title>', { ok: false, reason: 'not-aws' }],
    ['JSON without the token', 200, '{"token":"abc"}', { ok: false, reason: 'not-aws' }],
    ['a JSON array', 200, '[{"SigninToken":"' + TOKEN + '"}]', { ok: false, reason: 'not-aws' }],
    ['a number for a token', 200, '{"SigninToken":12345678901234567890}', { ok: false, reason: 'not-aws' }],
    ['a token with markup', 200, JSON.stringify({ SigninToken: `${TOKEN}"><script>` }), { ok: false, reason: 'not-aws' }],
    ['a token with a URL break-out', 200, JSON.stringify({ SigninToken: `${TOKEN}&Destination=https://evil.example` }), { ok: false, reason: 'not-aws' }],
    ['a too short token', 200, '{"SigninToken":"abc"}', { ok: false, reason: 'not-aws' }],
    ['an oversized token', 200, JSON.stringify({ SigninToken: 'A'.repeat(8193) }), { ok: false, reason: 'not-aws' }],
    ['an oversized body', 200, JSON.stringify({ SigninToken: TOKEN, pad: 'x'.repeat(20_000) }), { ok: false, reason: 'not-aws' }],
  ])('%s', (_name, status, body, expected) => {
    expect(parseSigninTokenAnswer(status, body)).toEqual(expected);
  });
});

describe('failure texts', () => {
  const reasons: ConsoleFailure[] = ['no-session', 'expired', 'too-short', 'refused', 'unavailable', 'network', 'timeout', 'not-aws', 'no-tab'];
  it.each(reasons)('%s: plain words and a next step, bounded, naming the host where AWS was asked', (reason) => {
    const t = consoleFailureText(reason, 'signin.amazonaws.cn');
    expect(t.message.length).toBeGreaterThan(10);
    expect(t.message.length).toBeLessThan(200);
    expect(t.action).toMatch(/\.$/);
    if (['refused', 'unavailable', 'network', 'timeout', 'not-aws'].includes(reason)) expect(t.message).toContain('signin.amazonaws.cn');
  });
});
