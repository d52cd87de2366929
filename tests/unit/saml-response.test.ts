import { describe, expect, it } from 'vitest';
import { parseSamlResponse, MAX_SAML_RESPONSE_LENGTH, REDEMPTION_WINDOW_MS, type SamlParseResult } from '@/lib/saml-response';
import { buildSamlResponseXml, encodeSamlResponse, type RolePair, type SamlOptions } from '../support/saml-builder';

const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
const pair = (partition: string, account: string, role: string, provider = 'EntraID'): RolePair => ({
  roleArn: `arn:${partition}:iam::${account}:role/${role}`,
  providerArn: `arn:${partition}:iam::${account}:saml-provider/${provider}`,
});
const ALICE: RolePair[] = [pair('aws', '111111111111', 'Admin'), pair('aws', '111111111111', 'team/platform/Deployer'), pair('aws', '222222222222', 'Developer')];

function parse(opts: SamlOptions): SamlParseResult {
  return parseSamlResponse(encodeSamlResponse(buildSamlResponseXml(opts)));
}
function ok(opts: SamlOptions) {
  const r = parse(opts);
  if (!r.ok) throw new Error(`expected success, got ${r.error.code}: ${r.error.message}`);
  return r.summary;
}
function errorCode(result: SamlParseResult) {
  return result.ok ? 'ok' : result.error.code;
}

describe('parseSamlResponse: real IdP shapes', () => {
  const shapes = ['entra', 'okta', 'adfs'] as const;
  const orders = ['role-first', 'provider-first'] as const;
  const cases = shapes.flatMap((shape) => orders.map((roleOrder) => ({ shape, roleOrder })));

  it.each(cases)('$shape, $roleOrder: every role with its provider, in assertion order', ({ shape, roleOrder }) => {
    const s = ok({ shape, roleOrder, roles: ALICE, roleValueWhitespace: true, sessionDuration: 28_800 });
    expect(s.roles.map((r) => [r.roleArn, r.providerArn])).toEqual(ALICE.map((p) => [p.roleArn, p.providerArn]));
    expect(s.roles[1]).toMatchObject({ accountId: '111111111111', roleName: 'Deployer', rolePath: '/team/platform/', partition: 'aws' });
    expect(s.sessionDuration).toBe(28_800);
    expect(s.roleSessionName).toBe('alice@contoso.com');
    expect(s.audience).toBe('https://signin.aws.amazon.com/saml');
    expect(s.recipient).toBe('https://signin.aws.amazon.com/saml');
    expect(s.skippedRoleValues).toBe(0);
    expect(s.warnings).toEqual([]);
  });

  it('Entra: tenant id from the issuer, subject from the NameID', () => {
    const s = ok({ roles: ALICE, tenantId: '0b5c3a8e-1111-4222-8333-944455556666' });
    expect(s.issuer).toBe('https://sts.windows.net/0b5c3a8e-1111-4222-8333-944455556666/');
    expect(s.tenantId).toBe('0b5c3a8e-1111-4222-8333-944455556666');
    expect(s.subject).toBe('alice@contoso.com');
  });

  it.each([
    { partition: 'aws-us-gov', account: '333333333333', audience: 'urn:amazon:webservices:govcloud', acs: 'https://signin.amazonaws-us-gov.com/saml' },
    { partition: 'aws-cn', account: '666666666666', audience: 'urn:amazon:webservices:cn', acs: 'https://signin.amazonaws.cn/saml' },
    { partition: 'aws', account: '444444444444', audience: 'https://signin.aws.amazon.com/saml#2', acs: 'https://eu-west-1.signin.aws.amazon.com/saml' },
  ])('$partition roles with audience $audience', ({ partition, account, audience, acs }) => {
    const s = ok({ roles: [pair(partition, account, 'Operator')], audience, recipient: acs });
    expect(s.roles).toEqual([
      { roleArn: `arn:${partition}:iam::${account}:role/Operator`, providerArn: `arn:${partition}:iam::${account}:saml-provider/EntraID`, partition, accountId: account, roleName: 'Operator', rolePath: '/' },
    ]);
    expect(s.audience).toBe(audience);
    expect(s.recipient).toBe(acs);
  });

  it('a single role', () => {
    expect(ok({ roles: [pair('aws', '111111111111', 'ReadOnly')] }).roles).toHaveLength(1);
  });

  it.each(['role-first', 'provider-first'] as const)('Google, %s, every value with a trailing comma (aws-google-auth #12)', (roleOrder) => {
    const roles = [pair('aws', '123456789012', 'admin', 'GoogleApps'), pair('aws', '123456789012', 'read-only', 'GoogleApps'), pair('aws-us-gov', '333333333333', 'ops/test', 'GoogleApps')];
    const s = ok({ shape: 'google', roles, roleOrder, roleValueTrailingComma: true, roleValueWhitespace: roleOrder === 'provider-first' });
    expect(s.roles.map((r) => r.roleArn)).toEqual(roles.map((r) => r.roleArn));
    expect(s.issuer).toMatch(/^https:\/\/accounts\.google\.com\/o\/saml2/);
    expect(s.skippedRoleValues).toBe(0);
  });

  it('300 roles over 30 accounts, all kept in order', () => {
    const roles = Array.from({ length: 300 }, (_, i) => pair('aws', String(555500000000 + Math.floor(i / 10)), `Role${i}`));
    const s = ok({ roles });
    expect(s.roles).toHaveLength(300);
    expect(s.roles[299]?.roleArn).toBe('arn:aws:iam::555500000029:role/Role299');
  });

  it('merges duplicate role values', () => {
    const s = ok({ roles: [...ALICE, ALICE[0]!, { ...ALICE[1]! }] });
    expect(s.roles).toHaveLength(3);
  });

  it('skips malformed role values and says how many', () => {
    const s = ok({
      roles: ALICE,
      extraRoleValues: [
        'garbage',
        'arn:aws:iam::111111111111:role/OnlyRole',
        'arn:aws:iam::111111111111:role/A,arn:aws:iam::999999999999:saml-provider/EntraID', // provider in another account
        'arn:aws:iam::111111111111:role/A,arn:aws-cn:iam::111111111111:saml-provider/EntraID', // partitions differ
        'arn:aws:iam::1111:role/A,arn:aws:iam::1111:saml-provider/EntraID', // short account id
        'arn:aws:iam::111111111111:role/A,arn:aws:iam::111111111111:saml-provider/EntraID,extra',
        'arn:aws:iam::111111111111:user/A,arn:aws:iam::111111111111:saml-provider/EntraID',
      ],
    });
    expect(s.roles).toHaveLength(3);
    expect(s.skippedRoleValues).toBe(7);
    expect(s.warnings.join(' ')).toMatch(/7 role value\(s\).*skipped/);
  });

  it('usable until issue + 5 minutes', () => {
    const issueInstant = new Date('2026-11-22T10:00:00.123Z');
    const s = ok({ roles: ALICE, issueInstant });
    expect(s.issueInstant).toBe(issueInstant.getTime());
    expect(s.usableUntil).toBe(issueInstant.getTime() + REDEMPTION_WINDOW_MS);
  });

  it('usable until an earlier NotOnOrAfter', () => {
    const issueInstant = new Date('2026-11-22T10:00:00.000Z');
    const notOnOrAfter = new Date('2026-11-22T10:02:00.000Z');
    expect(ok({ roles: ALICE, issueInstant, notOnOrAfter }).usableUntil).toBe(notOnOrAfter.getTime());
  });

  it('an expired assertion still parses; its usable time is in the past', () => {
    const issueInstant = new Date(Date.now() - 60 * 60 * 1000);
    expect(ok({ roles: ALICE, issueInstant }).usableUntil).toBeLessThan(Date.now());
  });

  it.each([
    [899, undefined],
    [43_201, undefined],
    [900, 900],
    [43_200, 43_200],
  ])('SessionDuration %s → %s', (value, expected) => {
    const s = ok({ roles: ALICE, sessionDuration: value });
    expect(s.sessionDuration).toBe(expected);
    if (expected === undefined) expect(s.warnings.join(' ')).toMatch(/SessionDuration/);
  });

  it('warns about a RoleSessionName AWS will refuse', () => {
    expect(ok({ roles: ALICE, roleSessionName: 'alice smith' }).warnings.join(' ')).toMatch(/RoleSessionName/);
  });
});

describe('parseSamlResponse: errors are specific', () => {
  const valid = buildSamlResponseXml({ roles: ALICE });

  it.each<[string, string, string | RegExp]>([
    ['not base64', '%%%not-base64%%%', 'not-base64'],
    ['base64 of binary', Buffer.from([0xff, 0xfe, 0x00, 0x81]).toString('base64'), 'not-base64'],
    ['not XML', b64('hello, this is not xml'), 'not-xml'],
    ['truncated XML', b64(valid.slice(0, valid.length / 2)), 'not-xml'],
    ['DOCTYPE', b64(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]>${valid}`), 'doctype'],
    ['entity declaration', b64(`<!ENTITY lol "lol">${valid}`), 'doctype'],
    ['an Assertion, not a Response', b64('<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"/>'), 'not-saml-response'],
    ['a LogoutResponse', b64('<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'), 'not-saml-response'],
  ])('%s', (_name, input, code) => {
    expect(errorCode(parseSamlResponse(input))).toBe(code);
  });

  it('non-Success status shows the IdP status message', () => {
    const r = parse({
      roles: ALICE,
      statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
      subStatusCode: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
      statusMessage: 'AADSTS50105: Your administrator has configured the application to block users unless they are specifically granted access.',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('status-not-success');
    expect(r.error.message).toContain('AADSTS50105');
    expect(r.error.message).toContain('Responder / RequestDenied');
  });

  it('EncryptedAssertion', () => {
    const r = parse({ roles: ALICE, encrypted: true });
    expect(errorCode(r)).toBe('encrypted-assertion');
    if (!r.ok) expect(r.error.message).toMatch(/encrypted/);
  });

  it('no Role attribute', () => {
    expect(errorCode(parse({ roles: ALICE, omitRoleAttribute: true }))).toBe('no-role-attribute');
  });

  it('only malformed role values', () => {
    const r = parse({ roles: [], extraRoleValues: ['junk', 'more junk'] });
    expect(errorCode(r)).toBe('no-valid-roles');
    if (!r.ok) expect(r.error.message).toContain('2 role value');
  });

  it('over the STS 100,000-character limit', () => {
    const big = 'A'.repeat(MAX_SAML_RESPONSE_LENGTH + 4);
    const r = parseSamlResponse(big);
    expect(errorCode(r)).toBe('too-large');
    if (!r.ok) expect(r.error.message).toContain('100,004');
  });

  it('exactly at the limit is not refused for its size', () => {
    expect(errorCode(parseSamlResponse('A'.repeat(MAX_SAML_RESPONSE_LENGTH)))).not.toBe('too-large');
  });

  it('never echoes the assertion in an error', () => {
    const secretish = 'arn:aws:iam::111111111111:role/SuperSecretRoleName';
    const inputs = [b64(valid.replace('</samlp:Response>', '') + secretish), b64(`<x>${secretish}</x>`)];
    for (const input of inputs) {
      const r = parseSamlResponse(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).not.toContain('SuperSecret');
    }
  });

  it('tolerates base64 wrapped over lines', () => {
    const wrapped = encodeSamlResponse(valid).replace(/(.{76})/g, '$1\r\n');
    expect(parseSamlResponse(wrapped).ok).toBe(true);
  });
});
