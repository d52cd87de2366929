import { describe, expect, it } from 'vitest';
import {
  assertionDigest,
  captureIdFor,
  formFieldsFromRequestBody,
  signInHeading,
  signInSourceText,
  type Capture,
  type CaptureProblem,
  type CaptureSource,
} from '@/lib/capture';
import { planCapture, type CapturePlan, type CapturePost } from '@/lib/capture-plan';
import { judgeSignInOrigin, type RequestOriginDetails } from '@/lib/sign-in-origin';
import { TENANT_ID } from '../emulators/world';
import { buildEncodedSamlResponse, type SamlOptions } from '../support/saml-builder';

const enc = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;

describe('formFieldsFromRequestBody', () => {
  it('reads formData as the browser parsed it', () => {
    const f = formFieldsFromRequestBody({ formData: { SAMLResponse: ['PHNhbWw+'], RelayState: ['x'] } });
    expect(f.get('SAMLResponse')).toBe('PHNhbWw+');
    expect(f.get('RelayState')).toBe('x');
  });

  it('falls back to raw bytes, split across chunks, url-decoded', () => {
    const body = 'SAMLResponse=PHNhbWw%2BPC9zYW1sPg%3D%3D&roleIndex=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FA';
    const f = formFieldsFromRequestBody({ raw: [{ bytes: enc(body.slice(0, 17)) }, { bytes: enc(body.slice(17)) }] });
    expect(f.get('SAMLResponse')).toBe('PHNhbWw+PC9zYW1sPg==');
    expect(f.get('roleIndex')).toBe('arn:aws:iam::1:role/A');
  });

  it.each([null, undefined, {}, { raw: [] }, { formData: {} }])('empty for %j', (body) => {
    expect(formFieldsFromRequestBody(body).size).toBe(0);
  });
});

describe('captureIdFor', () => {
  it('separates apps by audience, same app by issuer', () => {
    const a = captureIdFor({ issuer: 'https://sts.windows.net/t/', audience: 'https://signin.aws.amazon.com/saml' });
    const b = captureIdFor({ issuer: 'https://sts.windows.net/t/', audience: 'https://signin.aws.amazon.com/saml#2' });
    expect(a).not.toBe(b);
    expect(captureIdFor({ issuer: 'https://sts.windows.net/t/', audience: 'https://signin.aws.amazon.com/saml' })).toBe(a);
  });
});

// ── which posts become captures ──────────────────────────────────────────────────────────────────────────────────

const ALICE_ROLES = [
  { roleArn: 'arn:aws:iam::111111111111:role/Admin', providerArn: 'arn:aws:iam::111111111111:saml-provider/EntraID' },
  { roleArn: 'arn:aws:iam::222222222222:role/Developer', providerArn: 'arn:aws:iam::222222222222:saml-provider/EntraID' },
];
/** The attacker's own account, whose IAM provider was made with the victim tenant's issuer string. */
const ATTACKER_ROLES = [{ roleArn: 'arn:aws:iam::999999999999:role/Admin', providerArn: 'arn:aws:iam::999999999999:saml-provider/EntraID' }];
const AWS_ACS: CapturePost['acs'] = { partition: 'aws', host: 'signin.aws.amazon.com', url: 'https://signin.aws.amazon.com/saml' };
const ENTRA = 'https://login.microsoftonline.com';

const entra = (extra: Partial<SamlOptions> = {}) => buildEncodedSamlResponse({ shape: 'entra', roles: ALICE_ROLES, ...extra });

let clock = Date.UTC(2026, 10, 22, 10, 0, 0);

/** A POST as the background sees it: the browser's details judged, the digest computed. */
async function post(samlResponse: string, details: RequestOriginDetails, trusted: string[] = [], acs = AWS_ACS): Promise<CapturePost> {
  clock += 1000;
  return { acs, samlResponse, digest: await assertionDigest(samlResponse), verdict: judgeSignInOrigin(details, trusted), now: clock };
}
const top = (initiator: string): RequestOriginDetails => ({ type: 'main_frame', initiator });

/** Applies a plan to a state the way the background does, so a sequence of posts can be followed. */
function apply(state: { captures: Capture[]; problem?: CaptureProblem }, plan: CapturePlan) {
  if (plan.action === 'capture') return { captures: [plan.capture, ...state.captures.filter((c) => c.id !== plan.capture.id)] };
  if (plan.action === 'problem') return { ...state, problem: plan.problem };
  return state;
}

function captured(plan: CapturePlan): Capture {
  if (plan.action !== 'capture') throw new Error(`expected a capture, got ${JSON.stringify(plan).slice(0, 300)}`);
  return plan.capture;
}

function refused(plan: CapturePlan): CaptureProblem {
  if (plan.action !== 'problem') throw new Error(`expected a problem, got ${plan.action}`);
  return plan.problem;
}

describe('planCapture', () => {
  it('an Entra sign-in from Entra’s page is captured with where it came from', async () => {
    const p = await post(entra(), top(ENTRA));
    const c = captured(planCapture(p, { captures: [] }));
    expect(c.id).toBe(captureIdFor({ issuer: `https://sts.windows.net/${TENANT_ID}/`, audience: 'https://signin.aws.amazon.com/saml' }));
    expect(c.source).toEqual({ origin: ENTRA, host: 'login.microsoftonline.com', trust: 'known', idp: 'entra', tenant: TENANT_ID });
    expect(c.assertionDigest).toBe(p.digest);
    expect(c.samlResponse).toBe(p.samlResponse);
    expect(c.summary.roles.map((r) => r.roleArn)).toEqual(ALICE_ROLES.map((r) => r.roleArn));
  });

  it.each<[string, Partial<SamlOptions>, RequestOriginDetails, string[], Partial<CaptureSource>]>([
    [
      'Okta from its org',
      { shape: 'okta', audience: 'urn:amazon:webservices' },
      top('https://contoso.okta.com'),
      [],
      { host: 'contoso.okta.com', trust: 'known', idp: 'okta' },
    ],
    [
      'AD FS the user trusts',
      { shape: 'adfs', audience: 'urn:amazon:webservices' },
      { type: 'main_frame', originUrl: 'https://adfs.contoso.com/adfs/ls/IdpInitiatedSignOn.aspx' },
      ['adfs.contoso.com'],
      { host: 'adfs.contoso.com', trust: 'settings', idp: 'adfs', tenant: 'adfs.contoso.com' },
    ],
    [
      'Entra behind Defender for Cloud Apps',
      {},
      top('https://login.microsoftonline.com.mcas.ms'),
      [],
      { host: 'login.microsoftonline.com.mcas.ms', trust: 'known', idp: 'entra' },
    ],
  ])('%s is captured', async (_, saml, details, trusted, source) => {
    const c = captured(planCapture(await post(entra(saml), details, trusted), { captures: [] }));
    expect(c.source).toMatchObject(source);
  });

  it('the role picker posting the same SAMLResponse again changes nothing, also after the assertion was forgotten', async () => {
    const saml = entra();
    const first = captured(planCapture(await post(saml, top(ENTRA)), { captures: [] }));
    const picker = await post(saml, top('https://signin.aws.amazon.com'));
    expect(planCapture(picker, { captures: [first] })).toEqual({ action: 'ignore', why: 'repeat' });
    expect(planCapture(picker, { captures: [{ ...first, samlResponse: undefined }] })).toEqual({ action: 'ignore', why: 'repeat' });
  });

  it('a hidden frame is ignored without a word, wherever it came from', async () => {
    for (const initiator of ['https://evil.example', ENTRA]) {
      expect(planCapture(await post(entra(), { type: 'sub_frame', initiator }), { captures: [] })).toEqual({ action: 'ignore', why: 'not-top-level' });
    }
  });

  it('an attacker’s page posting a valid assertion with the same issuer and audience never replaces the user’s sign-in', async () => {
    let state: { captures: Capture[]; problem?: CaptureProblem } = { captures: [] };
    state = apply(state, planCapture(await post(entra(), top(ENTRA)), state));
    const mine = state.captures[0]!;
    const evil = entra({ roles: ATTACKER_ROLES, nameId: 'mallory@contoso.com' });

    const topLevel = planCapture(await post(evil, top('https://evil.example')), state);
    const problem = refused(topLevel);
    expect(problem.error.code).toBe('untrusted-page');
    expect(problem.error.message).toMatch(/^A page on evil\.example sent a sign-in to AWS\. It was not used/);
    expect(problem.error.message).toContain('Options → Trusted sign-in pages');
    expect(problem.page).toBe('evil.example');
    state = apply(state, topLevel);

    // AWS shows the attacker's roles on its picker; a click there posts the same assertion from AWS's page.
    const laundered = planCapture(await post(evil, top('https://signin.aws.amazon.com')), state);
    expect(laundered).toEqual({ action: 'ignore', why: 'repeat' });
    expect(state.captures).toEqual([mine]);
  });

  it('AWS’s page passing on an assertion the extension never saw arrive is not used', async () => {
    const problem = refused(planCapture(await post(entra(), top('https://eu-west-1.signin.aws.amazon.com')), { captures: [] }));
    expect(problem.error.code).toBe('relayed');
    expect(problem.error.message).toMatch(/Sign in to AWS through your identity provider again\.$/);
  });

  it('a sign-in for the same app from another trusted page does not replace the one there is', async () => {
    const mine = captured(planCapture(await post(entra(), top(ENTRA)), { captures: [] }));
    const other = await post(entra({ roles: ATTACKER_ROLES }), top('https://adfs.contoso.com'), ['adfs.contoso.com']);
    const problem = refused(planCapture(other, { captures: [mine] }));
    expect(problem.error).toEqual({
      code: 'other-page',
      message:
        'A new sign-in to AWS came from adfs.contoso.com, but the one you have came from login.microsoftonline.com. It was not used, and yours stays. ' +
        'If you meant to switch, press Forget on the sign-in you have, then sign in again.',
    });
    // With nothing captured for that app, the same post is taken.
    expect(captured(planCapture(other, { captures: [] })).source?.host).toBe('adfs.contoso.com');
  });

  it('a new sign-in to the same app from the same page replaces the old one; another app sits beside it', async () => {
    const old = captured(planCapture(await post(entra(), top(ENTRA)), { captures: [] }));
    const again = captured(planCapture(await post(entra(), top(ENTRA)), { captures: [old] }));
    expect(again.id).toBe(old.id);
    expect(again.samlResponse).not.toBe(old.samlResponse);
    const sandbox = captured(planCapture(await post(entra({ audience: 'https://signin.aws.amazon.com/saml#2' }), top(ENTRA)), { captures: [old] }));
    expect(sandbox.id).not.toBe(old.id);
  });

  it.each<[string, RequestOriginDetails, RegExp]>([
    [
      'no initiator',
      { type: 'main_frame' },
      /^A sign-in to AWS was sent from a page the browser could not name\. It was not used\. Sign in to AWS through your identity provider again\.$/,
    ],
    ['an opaque origin', top('null'), /could not name/],
    ['an http page', top('http://login.microsoftonline.com'), /^A sign-in to AWS was sent from an unencrypted page \(http:\/\/login\.microsoftonline\.com\)\./],
    ['a look-alike host', top('https://login.microsoftonline.com.evil.example'), /^A page on login\.microsoftonline\.com\.evil\.example sent a sign-in/],
  ])('%s: not used, in plain words, without the assertion', async (_, details, message) => {
    const p = await post(entra(), details);
    const problem = refused(planCapture(p, { captures: [] }));
    expect(problem.error.message).toMatch(message);
    expect(problem.error.message.length).toBeLessThan(500);
    expect(JSON.stringify(problem)).not.toContain(p.samlResponse.slice(0, 40));
    expect(problem.assertionDigest).toBe(p.digest);
  });

  it('an unusable sign-in from a trusted page is reported with the parser’s words, and its repeat is not reported again', async () => {
    const saml = entra({ encrypted: true });
    const problem = refused(planCapture(await post(saml, top(ENTRA)), { captures: [] }));
    expect(problem.error.code).toBe('encrypted-assertion');
    expect(planCapture(await post(saml, top('https://signin.aws.amazon.com')), { captures: [], problem })).toEqual({ action: 'ignore', why: 'repeat' });
  });
});

describe('assertionDigest', () => {
  it('is the SHA-256 of the text, base64url', async () => {
    // printf %s abc | sha256sum → ba7816bf… ; base64url of those bytes:
    expect(await assertionDigest('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});

describe('signInHeading and signInSourceText', () => {
  const summary = (issuer: string, audience?: string, tenantId?: string) =>
    ({
      issuer,
      ...(audience ? { audience } : {}),
      ...(tenantId ? { tenantId } : {}),
      usableUntil: 0,
      roles: [],
      skippedRoleValues: 0,
      warnings: [],
    }) as Capture['summary'];
  const ENTRA_ISSUER = `https://sts.windows.net/${TENANT_ID}/`;
  const source = (host: string, trust: CaptureSource['trust'] = 'known'): CaptureSource => ({ origin: `https://${host}`, host, trust, idp: 'other' });

  it.each<[string, Pick<Capture, 'summary' | 'acs' | 'source'>, { app: string; idp?: string }, string]>([
    [
      'Entra, the first AWS app',
      {
        summary: summary(ENTRA_ISSUER, 'https://signin.aws.amazon.com/saml', TENANT_ID),
        acs: AWS_ACS,
        source: { ...source('login.microsoftonline.com'), idp: 'entra', tenant: TENANT_ID },
      },
      { app: 'AWS', idp: 'Microsoft Entra ID' },
      `Microsoft Entra ID, tenant ${TENANT_ID} · sent from login.microsoftonline.com`,
    ],
    [
      'Entra, the second AWS app',
      {
        summary: summary(ENTRA_ISSUER, 'https://signin.aws.amazon.com/saml#2', TENANT_ID),
        acs: { ...AWS_ACS, host: 'eu-west-1.signin.aws.amazon.com', region: 'eu-west-1' },
        source: { ...source('login.microsoftonline.com'), idp: 'entra', tenant: TENANT_ID },
      },
      { app: 'AWS app #2', idp: 'Microsoft Entra ID' },
      `Microsoft Entra ID, tenant ${TENANT_ID} · sent from login.microsoftonline.com`,
    ],
    [
      'GovCloud',
      {
        summary: summary(ENTRA_ISSUER, 'urn:amazon:webservices:govcloud'),
        acs: { partition: 'aws-us-gov', host: 'signin.amazonaws-us-gov.com', url: '' },
        source: source('login.microsoftonline.us'),
      },
      { app: 'AWS GovCloud (US)', idp: 'Microsoft Entra ID' },
      'Microsoft Entra ID · sent from login.microsoftonline.us',
    ],
    [
      'China',
      {
        summary: summary(ENTRA_ISSUER, 'urn:amazon:webservices:cn'),
        acs: { partition: 'aws-cn', host: 'signin.amazonaws.cn', url: '' },
        source: source('login.partner.microsoftonline.cn'),
      },
      { app: 'AWS China', idp: 'Microsoft Entra ID' },
      'Microsoft Entra ID · sent from login.partner.microsoftonline.cn',
    ],
    [
      'an Okta org',
      { summary: summary('http://www.okta.com/exk1a2b3c4d5e6f7g8h9', 'urn:amazon:webservices'), acs: AWS_ACS, source: source('contoso.okta.com') },
      { app: 'AWS', idp: 'contoso.okta.com' },
      'Okta · sent from contoso.okta.com',
    ],
    [
      'AD FS trusted in the options',
      {
        summary: summary('http://adfs.contoso.com/adfs/services/trust', 'urn:amazon:webservices'),
        acs: AWS_ACS,
        source: { ...source('adfs.contoso.com', 'settings'), tenant: 'adfs.contoso.com' },
      },
      { app: 'AWS', idp: 'adfs.contoso.com' },
      'AD FS · sent from adfs.contoso.com (trusted in Options)',
    ],
    [
      'Google, a numbered app',
      {
        summary: summary('https://accounts.google.com/o/saml2?idpid=C01abc', 'https://signin.aws.amazon.com/saml#3'),
        acs: AWS_ACS,
        source: { ...source('accounts.google.com'), tenant: 'C01abc' },
      },
      { app: 'AWS app #3', idp: 'Google' },
      'Google, C01abc · sent from accounts.google.com',
    ],
    [
      'a custom entity id',
      {
        summary: summary('https://idp.example.org/shibboleth', 'https://signin.aws.amazon.com/saml?team=data'),
        acs: AWS_ACS,
        source: source('idp.example.org', 'settings'),
      },
      { app: 'signin.aws.amazon.com/saml?team=data', idp: 'idp.example.org' },
      'Identity provider · sent from idp.example.org (trusted in Options)',
    ],
    [
      'no source recorded',
      { summary: summary('https://idp.example.org/shibboleth', 'urn:amazon:webservices'), acs: AWS_ACS },
      { app: 'AWS' },
      'Identity provider, from a page not recorded',
    ],
  ])('%s', (_, capture, heading, sourceText) => {
    expect(signInHeading(capture)).toEqual(heading);
    expect(signInSourceText(capture)).toBe(sourceText);
  });

  it('a long custom entity id is shortened', () => {
    const { app } = signInHeading({ summary: summary('x', `urn:${'a'.repeat(200)}`), acs: AWS_ACS });
    expect([...app]).toHaveLength(60);
    expect(app.endsWith('…')).toBe(true);
  });
});
