import { describe, expect, it } from 'vitest';
import {
  parseSamlResponse,
  MAX_IDP_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_SAML_RESPONSE_LENGTH,
  REDEMPTION_WINDOW_MS,
  type SamlError,
  type SamlParseResult,
} from '@/lib/saml-response';
import { buildSamlResponseXml, encodeSamlResponse, type IdpShape, type RolePair, type SamlOptions } from '../support/saml-builder';

const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
const pair = (partition: string, account: string, role: string, provider = 'EntraID'): RolePair => ({
  roleArn: `arn:${partition}:iam::${account}:role/${role}`,
  providerArn: `arn:${partition}:iam::${account}:saml-provider/${provider}`,
});
const ALICE: RolePair[] = [
  pair('aws', '111111111111', 'Admin'),
  pair('aws', '111111111111', 'team/platform/Deployer'),
  pair('aws', '222222222222', 'Developer'),
];

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
function failure(result: SamlParseResult): SamlError {
  if (result.ok) throw new Error('expected a failure, got roles');
  return result.error;
}
/** Control characters, bidi overrides and other invisible format characters: none may reach a message. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/u;

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
      {
        roleArn: `arn:${partition}:iam::${account}:role/Operator`,
        providerArn: `arn:${partition}:iam::${account}:saml-provider/EntraID`,
        partition,
        accountId: account,
        roleName: 'Operator',
        rolePath: '/',
      },
    ]);
    expect(s.audience).toBe(audience);
    expect(s.recipient).toBe(acs);
  });

  it('a single role', () => {
    expect(ok({ roles: [pair('aws', '111111111111', 'ReadOnly')] }).roles).toHaveLength(1);
  });

  it.each(['role-first', 'provider-first'] as const)('Google, %s, every value with a trailing comma (aws-google-auth #12)', (roleOrder) => {
    const roles = [
      pair('aws', '123456789012', 'admin', 'GoogleApps'),
      pair('aws', '123456789012', 'read-only', 'GoogleApps'),
      pair('aws-us-gov', '333333333333', 'ops/test', 'GoogleApps'),
    ];
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

  it('warnings quote claims as one short plain line', () => {
    const s = ok({ roles: ALICE, roleSessionName: `\u202Eevil\u0007\n${'x'.repeat(10_000)}` });
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatch(/^The RoleSessionName "evil x{70,}…" is not 2–64 characters/);
    expect(s.warnings[0]).not.toMatch(UNSAFE);
    expect(s.warnings[0]!.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });
});

describe('parseSamlResponse: ASCII and non-ASCII assertions decode alike', () => {
  // Pure ASCII takes a shortcut past the UTF-8 decoder (a cold worker's first parse); anything else decodes as UTF-8.
  it.each<[IdpShape, string]>([
    ['entra', 'alice@contoso.com'],
    ['okta', 'josé.müller@contoso.com'],
    ['adfs', 'CONTOSO\\李雷'],
    ['google', 'zoë@contoso.com'],
  ])('%s NameID %s', (shape, nameId) => {
    const r = parseSamlResponse(encodeSamlResponse(buildSamlResponseXml({ shape, roles: ALICE, nameId, issueInstant: new Date() })));
    expect(r.ok && r.summary.subject).toBe(nameId);
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
    ['an element the XML reader refuses (__proto__)', b64(valid.replace('<Conditions ', '<__proto__/><Conditions ')), 'not-xml'],
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

  it('never echoes element names: a root, an invalid tag name, a wrongly closed tag', () => {
    const inputs = [
      '<SuperSecretRoleName xmlns="urn:oasis:names:tc:SAML:2.0:assertion"/>',
      valid.replace('<Assertion ', '<arn:aws:iam::111111111111:role/SuperSecretRoleName '),
      valid.replace('</samlp:Response>', '</SuperSecretRoleName>'),
      valid.replace('<AttributeStatement>', '<AttributeStatement SuperSecretRoleName="1" SuperSecretRoleName="2">'),
    ].map(b64);
    for (const input of inputs) {
      const { message } = failure(parseSamlResponse(input));
      expect(message).not.toContain('SuperSecret');
    }
  });

  it('tolerates base64 wrapped over lines', () => {
    const wrapped = encodeSamlResponse(valid).replace(/(.{76})/g, '$1\r\n');
    expect(parseSamlResponse(wrapped).ok).toBe(true);
  });
});

describe('parseSamlResponse: error texts are bounded, one plain line', () => {
  const denied = {
    roles: ALICE,
    statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
    subStatusCode: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
  };
  const hugeStatus = `AADSTS50105: The signed in user is not assigned to a role for the application. ${'Trace ID: 0b5c3a8e-1111-4222-8333-944455556666 '.repeat(1_300)}`;

  it('a 60,000-character StatusMessage is cut to the cap with an ellipsis, and the next step survives', () => {
    expect(hugeStatus.length).toBeGreaterThan(60_000);
    const { code, message } = failure(parse({ ...denied, statusMessage: hugeStatus }));
    expect(code).toBe('status-not-success');
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    const quoted = /: (AADSTS50105.*?…)/.exec(message)?.[1];
    expect(quoted).toBeDefined();
    expect(quoted!.length).toBeLessThanOrEqual(MAX_IDP_MESSAGE_LENGTH);
    expect(quoted!.length).toBeGreaterThan(MAX_IDP_MESSAGE_LENGTH - 10);
    expect(message).toMatch(/show this message to your Entra admin\.$/);
  });

  it('huge status codes are cut too', () => {
    const { message } = failure(
      parse({ ...denied, statusCode: `urn:oasis:names:tc:SAML:2.0:status:${'Responder'.repeat(5_000)}`, subStatusCode: 'x'.repeat(20_000) }),
    );
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(message).toMatch(/your Entra admin\.$/);
  });

  const valid = buildSamlResponseXml({ roles: ALICE });
  it.each([
    ['60,000 unclosed elements', `${valid.replace(/<\/samlp:Response>$/, '')}${'<AttributeValue>arn:aws:iam::111111111111:role/Secret'.repeat(1_200)}`],
    ['a 60,000-character invalid tag name', valid.replace('<Assertion ', `<9${'SuperSecret'.repeat(6_000)} `)],
    ['a 30,000-character attribute name, repeated', valid.replace('<Assertion ', `<Assertion ${'a'.repeat(30_000)}="1" ${'a'.repeat(30_000)}="2" `)],
  ])('a huge malformed document (%s) gets a short not-xml message', (_name, xml) => {
    const input = b64(xml);
    expect(input.length).toBeLessThanOrEqual(MAX_SAML_RESPONSE_LENGTH);
    const { code, message } = failure(parseSamlResponse(input));
    expect(code).toBe('not-xml');
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(message).toContain('not well-formed XML (line ');
    expect(message).not.toMatch(/Secret|aaaaaaaa/);
  });

  it.each([
    ['raw C0 controls and an ANSI escape', 'Access denied\u0007\u001b[31m for alice\u0000', 'Access denied [31m for alice.'],
    ['a right-to-left override (raw)', 'Sign-in blocked: report\u202Egnp.exe', 'Sign-in blocked: reportgnp.exe.'],
    [
      'bidi isolates and zero-width characters (raw)',
      '\u2066Conditional\u2069 access\u200B policy\uFEFF blocked you',
      'Conditional access policy blocked you.',
    ],
    ['line breaks, tabs and separators', 'Line one\r\nline two\tand\u2028three\u0085four', 'Line one line two and three four.'],
    ['C1 controls', 'Denied\u009b31m here', 'Denied 31m here.'],
  ])('%s in the StatusMessage are removed', (_name, statusMessage, shown) => {
    const { message } = failure(parse({ ...denied, statusMessage }));
    expect(message).not.toMatch(UNSAFE);
    expect(message).toContain(`(Responder / RequestDenied): ${shown} `);
  });

  it('character references to bidi and control characters in the StatusMessage are removed', () => {
    const xml = buildSamlResponseXml({ ...denied, statusMessage: 'PLACEHOLDER' }).replace(
      'PLACEHOLDER',
      'Blocked&#x202E;&#x2067; by&#10;policy&#x9;&#x1B;[0m&#x200F;',
    );
    const { message } = failure(parseSamlResponse(b64(xml)));
    expect(message).not.toMatch(UNSAFE);
    expect(message).toContain(': Blocked by policy [0m. ');
  });

  it('a StatusMessage made only of controls reads as no message', () => {
    const { message } = failure(parse({ ...denied, statusMessage: '\u202E\u0007\u200B\t' }));
    expect(message).toMatch(/^The identity provider did not sign you in \(Responder \/ RequestDenied\)\. Open the AWS tile/);
  });
});

describe('parseSamlResponse: advice in the words of the IdP that issued the sign-in', () => {
  const SHAPES: { shape: IdpShape; issuer?: string; admin: string; signInAgain: string }[] = [
    { shape: 'entra', admin: 'your Entra admin', signInAgain: 'Open the AWS tile in My Apps again' },
    { shape: 'okta', admin: 'your Okta admin', signInAgain: 'Open the AWS app from your Okta dashboard again' },
    { shape: 'adfs', admin: 'your AD FS admin', signInAgain: 'Sign in to AWS through your AD FS sign-in page again' },
    { shape: 'google', admin: 'your Google Workspace admin', signInAgain: 'Open AWS from your Google apps menu again' },
    {
      shape: 'okta',
      issuer: 'https://idp.example.org/idp/shibboleth',
      admin: 'your identity provider’s admin',
      signInAgain: 'Sign in to AWS through your identity provider again',
    },
  ];
  const stripAssertion = (xml: string) => xml.replace(/<(\w+:)?Assertion[\s>][\s\S]*<\/(\w+:)?Assertion>/, '');
  const ERRORS: { code: string; make: (o: { shape: IdpShape; issuer?: string }) => string; next: 'admin' | 'signInAgain' }[] = [
    {
      code: 'status-not-success',
      next: 'admin',
      make: (o) =>
        buildSamlResponseXml({
          ...o,
          roles: ALICE,
          statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
          statusMessage: 'User is not assigned to this application.',
        }),
    },
    {
      code: 'status-not-success',
      next: 'signInAgain',
      make: (o) => buildSamlResponseXml({ ...o, roles: ALICE, statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Requester' }),
    },
    { code: 'encrypted-assertion', next: 'admin', make: (o) => buildSamlResponseXml({ ...o, roles: ALICE, encrypted: true }) },
    { code: 'no-assertion', next: 'signInAgain', make: (o) => stripAssertion(buildSamlResponseXml({ ...o, roles: ALICE })) },
    { code: 'no-role-attribute', next: 'admin', make: (o) => buildSamlResponseXml({ ...o, roles: ALICE, omitRoleAttribute: true }) },
    {
      code: 'no-valid-roles',
      next: 'admin',
      make: (o) => buildSamlResponseXml({ ...o, roles: [], extraRoleValues: ['arn:aws:iam::111111111111:role/OnlyRole'] }),
    },
  ];
  const cases = SHAPES.flatMap((s) => ERRORS.map((e) => ({ ...s, ...e, idp: s.issuer ? 'other IdP' : s.shape })));

  it.each(cases)('$idp, $code: names $next in its words', ({ shape, issuer, code, make, next, admin, signInAgain }) => {
    const error = failure(parseSamlResponse(b64(make({ shape, issuer }))));
    expect(error.code).toBe(code);
    expect(error.message).toContain(next === 'admin' ? admin : signInAgain);
    if (shape !== 'entra' || issuer) expect(error.message).not.toMatch(/My Apps|Entra/);
    expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });

  it('Entra users keep the Entra wording for an encrypted assertion', () => {
    expect(failure(parse({ roles: ALICE, encrypted: true })).message).toContain('(Entra token encryption is on for the AWS app)');
  });

  const valid = buildSamlResponseXml({ roles: ALICE });
  it.each([
    ['too-large', 'A'.repeat(MAX_SAML_RESPONSE_LENGTH + 1)],
    ['not-base64', '%%%not-base64%%%'],
    ['not-xml', b64(valid.slice(0, 900))],
    ['doctype', b64(`<!DOCTYPE r [<!ENTITY x "y">]>${valid}`)],
    ['not-saml-response', b64('<saml2p:LogoutResponse xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol"/>')],
  ])('before the issuer is known (%s) the advice names no IdP', (code, input) => {
    const error = failure(parseSamlResponse(input));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/your identity provider’s admin/);
    expect(error.message).not.toMatch(/My Apps|Entra|Okta|AD FS|Google/);
  });
});
