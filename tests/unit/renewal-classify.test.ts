import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IdpKind } from '@/lib/idp';
import { classifyIdpAnswer, type IdpAnswer, type IdpAnswerInput } from '@/lib/renewal/classify';
import { NEEDS_USER_REASONS, needsUserWords } from '@/lib/renewal/needs-user';
import { MAX_HTML_LENGTH } from '@/lib/renewal/html-scan';
import { parseSamlResponse } from '@/lib/saml-response';
import { generateIdpSigningKey, type SigningKeyPair } from '../emulators/certs';
import { autoPostForm } from '../emulators/idp';
import { buildEncodedSamlResponse, type RolePair, type SamlOptions } from '../support/saml-builder';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/idp-pages/${name}`, import.meta.url), 'utf8');

const TENANT = '8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f';
const ISSUER = `https://sts.windows.net/${TENANT}/`;
const REQUEST_ID = '_5f0c2a9e8d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';
const ACS = 'https://eu-west-1.signin.aws.amazon.com/saml';
const ROLES: RolePair[] = [
  { roleArn: 'arn:aws:iam::444444444444:role/SandboxAdmin', providerArn: 'arn:aws:iam::444444444444:saml-provider/EntraID' },
  { roleArn: 'arn:aws:iam::444444444444:role/SandboxReadOnly', providerArn: 'arn:aws:iam::444444444444:saml-provider/EntraID' },
];
const ENTRA_URL = `https://login.microsoftonline.com/${TENANT}/saml2?SAMLRequest=x`;

let key: SigningKeyPair;
beforeAll(async () => {
  key = await generateIdpSigningKey();
}, 60_000);

/** A signed Entra response to our request, for the "AWS Sandbox" app (`…/saml#2` → Audience without `#2`). */
function response(opts: Partial<SamlOptions> = {}): string {
  return buildEncodedSamlResponse({ roles: ROLES, audience: 'https://signin.aws.amazon.com/saml', recipient: ACS, inResponseTo: REQUEST_ID, ...opts }, key);
}

function classify(html: string, extra: Partial<IdpAnswerInput> = {}): IdpAnswer {
  return classifyIdpAnswer({ status: 200, finalUrl: ENTRA_URL, html, expect: { requestId: REQUEST_ID, acsUrl: ACS }, ...extra });
}

describe('parseSamlResponse exposes what the classifier needs', () => {
  it('InResponseTo, Destination and the Success status of an answer to a request', () => {
    const r = parseSamlResponse(response());
    expect(r.ok && r.summary).toMatchObject({
      inResponseTo: REQUEST_ID,
      destination: ACS,
      recipient: ACS,
      status: { code: 'urn:oasis:names:tc:SAML:2.0:status:Success' },
    });
  });

  it('the two-level status and InResponseTo of a refusal, still refused as a capture', () => {
    const r = parseSamlResponse(
      response({ statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder', subStatusCode: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive' }),
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({
      code: 'status-not-success',
      inResponseTo: REQUEST_ID,
      status: { code: 'urn:oasis:names:tc:SAML:2.0:status:Responder', subCode: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive' },
    });
  });
});

describe('classifyIdpAnswer: the answer carries a SAMLResponse', () => {
  it('is an assertion only with everything right: POST to the ACS, Success, our request ID, the ACS as recipient', () => {
    const samlResponse = response();
    expect(classify(autoPostForm(ACS, samlResponse, 'https://eu-west-1.console.aws.amazon.com/'))).toEqual({
      kind: 'assertion',
      samlResponse,
      relayState: 'https://eu-west-1.console.aws.amazon.com/',
      action: ACS,
    });
    expect(classify(autoPostForm(`${ACS}/`, samlResponse, null))).toEqual({ kind: 'assertion', samlResponse, action: `${ACS}/` });
  });

  it('checks the issuer and audience when the engine names them', () => {
    const html = autoPostForm(ACS, response(), null);
    const expectBase = { requestId: REQUEST_ID, acsUrl: ACS };
    expect(classify(html, { expect: { ...expectBase, issuer: ISSUER, audience: 'https://signin.aws.amazon.com/saml' } }).kind).toBe('assertion');
    expect(classify(html, { expect: { ...expectBase, issuer: 'https://sts.windows.net/00000000-0000-4000-8000-000000000001/' } })).toEqual({
      kind: 'needs-user',
      reason: 'unknown-page',
      check: 'issuer',
    });
    expect(classify(html, { expect: { ...expectBase, audience: 'urn:amazon:webservices' } })).toEqual({
      kind: 'needs-user',
      reason: 'unknown-page',
      check: 'audience',
    });
  });

  const get = (acs: string, saml: string) => autoPostForm(acs, saml, null).replace('method="POST"', 'method="GET"');
  it.each([
    ['another request’s answer', () => autoPostForm(ACS, response({ inResponseTo: '_0000000000000000000000000000000000000000' }), null), 'in-response-to'],
    ['an IdP-initiated answer (no InResponseTo)', () => autoPostForm(ACS, response({ inResponseTo: undefined }), null), 'in-response-to'],
    ['a form to another AWS sign-in URL', () => autoPostForm('https://signin.aws.amazon.com/saml', response(), null), 'action'],
    ['a form to a look-alike host', () => autoPostForm('https://eu-west-1.signin.aws.amazon.com.evil.example/saml', response(), null), 'action'],
    ['a form over http', () => autoPostForm(ACS.replace('https:', 'http:'), response(), null), 'action'],
    ['a GET form', () => get(ACS, response()), 'method'],
    [
      'an assertion for another ACS',
      () => autoPostForm(ACS, response({ recipient: 'https://signin.aws.amazon.com/saml', destination: ACS }), null),
      'recipient',
    ],
    ['a Destination elsewhere', () => autoPostForm(ACS, response({ destination: 'https://signin.amazonaws.cn/saml' }), null), 'destination'],
    ['a SAMLResponse that is not one', () => autoPostForm(ACS, 'PGh0bWw+PC9odG1sPg==', null), 'unparsable'],
    ['an empty SAMLResponse', () => autoPostForm(ACS, '', null), 'unparsable'],
    ['two forms with a SAMLResponse', () => autoPostForm(ACS, response(), null) + autoPostForm(ACS, response(), null), 'action'],
  ])('%s is not success', (_, html, check) => {
    expect(classify(html())).toEqual({ kind: 'needs-user', reason: 'unknown-page', check });
  });

  it.each([
    [
      'NoPassive',
      { statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder', subStatusCode: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive' },
      { reason: 'no-session' },
    ],
    [
      'AuthnFailed without a code',
      { statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder', subStatusCode: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed' },
      { reason: 'no-session' },
    ],
    [
      'RequestDenied naming AADSTS50105',
      {
        statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
        subStatusCode: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
        statusMessage: 'AADSTS50105: The signed in user is not assigned to a role for the application.',
      },
      { reason: 'not-assigned', code: '50105' },
    ],
    [
      'a refusal naming AADSTS53003',
      { statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Requester', statusMessage: 'AADSTS53003: Access has been blocked by Conditional Access policies.' },
      { reason: 'blocked', code: '53003' },
    ],
  ] as const)('a %s refusal says why', (_, status, expected) => {
    expect(classify(autoPostForm(ACS, response(status), null))).toEqual({ kind: 'needs-user', ...expected });
  });
});

describe('classifyIdpAnswer: Entra pages that need the person', () => {
  it.each([
    ['converged-signin.html', { reason: 'no-session', code: '50058' }],
    ['account-picker.html', { reason: 'account-picker' }],
    ['converged-tfa.html', { reason: 'mfa', code: '50076' }],
    ['converged-tfa-config-only.html', { reason: 'mfa', code: '50076' }],
    ['proof-up.html', { reason: 'mfa', code: '50072' }],
    ['kmsi.html', { reason: 'stay-signed-in' }],
    ['bsso-interrupt.html', { reason: 'device-sso', code: '50168' }],
    ['device-ca.html', { reason: 'device-sso', code: '53000' }],
    ['ca-blocked.html', { reason: 'blocked', code: '53003' }],
    ['not-assigned.html', { reason: 'not-assigned', code: '50105' }],
    ['legacy-error.html', { reason: 'not-assigned', code: '50105' }],
    ['password-expired.html', { reason: 'password', code: '50133' }],
    ['app-unknown.html', { reason: 'app-unknown', code: '700016' }],
    ['sign-in-frequency.html', { reason: 'sign-in-frequency', code: '70044' }],
    ['signed-request.html', { reason: 'signed-request-required', code: '76021' }],
    ['unknown-error.html', { reason: 'unknown-page', code: '90099' }],
    ['captive-portal.html', { reason: 'unknown-page' }],
    ['foreign-hop.html', { reason: 'unknown-page' }],
  ] as const)('%s → %o', (name, expected) => {
    expect(classify(fixture(name))).toEqual({ kind: 'needs-user', ...expected });
  });

  it('the account chooser page is the account picker, also without an error code', () => {
    const html = fixture('account-picker.html').replaceAll('ConvergedSignIn', 'ConvergedChooser').replace(',"arrSessions":[', ',"arrS":[');
    expect(classify(html)).toEqual({ kind: 'needs-user', reason: 'account-picker' });
  });

  it.each([
    ['53001', 'device-sso'],
    ['50097', 'device-sso'],
    ['50187', 'device-sso'],
    ['50074', 'mfa'],
    ['50079', 'mfa'],
    ['50132', 'password'],
    ['75011', 'sign-in-frequency'],
    ['50078', 'sign-in-frequency'],
    ['50011', 'app-unknown'],
  ])('error code %s → %s', (code, reason) => {
    const html = fixture('unknown-error.html').replaceAll('90099', code);
    expect(classify(html)).toEqual({ kind: 'needs-user', reason, code });
  });
});

describe('classifyIdpAnswer: hops, throttling, transient errors', () => {
  it('follows the device-auth "hiddenform" hop with its hidden fields', () => {
    const answer = classify(fixture('device-auth-hop.html'));
    expect(answer).toMatchObject({ kind: 'hop', action: 'https://login.microsoftonline.com/common/DeviceAuthTls/reprocess' });
    expect(answer.kind === 'hop' && answer.fields.map(([n]) => n)).toEqual(['ctx', 'flowToken']);
  });

  it('resolves a relative hop action against the Entra page it came from', () => {
    const html = fixture('device-auth-hop.html').replace('https://login.microsoftonline.com/common/DeviceAuthTls/reprocess', '/common/DeviceAuthTls/reprocess');
    expect(classify(html, { finalUrl: 'https://login.microsoftonline.us/x/saml2' })).toMatchObject({
      kind: 'hop',
      action: 'https://login.microsoftonline.us/common/DeviceAuthTls/reprocess',
    });
  });

  it('a hop with a visible field is not an auto-post', () => {
    const html = fixture('device-auth-hop.html').replace('<input type="hidden" name="flowToken"', '<input type="text" name="flowToken"');
    expect(classify(html)).toEqual({ kind: 'needs-user', reason: 'unknown-page' });
  });

  it.each([
    [429, '', { kind: 'throttled' }],
    [200, fixture('throttled.html'), { kind: 'throttled' }],
    [500, '<html>Internal error</html>', { kind: 'transient', reason: 'server-error' }],
    [503, autoPostForm(ACS, 'x', null), { kind: 'transient', reason: 'server-error' }],
    [0, '', { kind: 'transient', reason: 'network' }],
    [404, '<html><title>Not found</title></html>', { kind: 'needs-user', reason: 'unknown-page' }],
    [200, '', { kind: 'needs-user', reason: 'unknown-page' }],
    [200, 'x'.repeat(MAX_HTML_LENGTH + 1), { kind: 'needs-user', reason: 'unknown-page' }],
  ] as const)('HTTP %s → %o', (status, html, expected) => {
    expect(classify(html, { status })).toEqual(expected);
  });
});

describe('needsUserWords', () => {
  const kinds: IdpKind[] = ['entra', 'okta', 'adfs', 'google', 'other'];
  const cases = NEEDS_USER_REASONS.flatMap((reason) => kinds.map((kind) => ({ reason, kind })));

  it.each(cases)('$reason for $kind: one short plain sentence with a next step', ({ reason, kind }) => {
    const text = needsUserWords(reason, kind);
    expect(text.length).toBeGreaterThan(20);
    expect(text.length).toBeLessThanOrEqual(220);
    expect(text).not.toMatch(/[\n\r\t]/);
    expect(text).toMatch(/[.]$/);
    if (kind !== 'entra') expect(text).not.toMatch(/Entra|My Apps|Microsoft/);
  });

  it('names My Apps to Entra users and the Okta dashboard to Okta users', () => {
    expect(needsUserWords('no-session', 'entra')).toContain('My Apps');
    expect(needsUserWords('no-session', 'okta')).toContain('Okta dashboard');
    expect(needsUserWords('not-assigned', 'adfs')).toContain('AD FS admin');
  });

  it('gives each reason its own sentence', () => {
    expect(new Set(NEEDS_USER_REASONS.map((r) => needsUserWords(r, 'entra'))).size).toBe(NEEDS_USER_REASONS.length);
  });
});
