import { describe, expect, it } from 'vitest';
import type { Capture } from '@/lib/capture';
import { parseAcsUrl } from '@/lib/partitions';
import { ENTRA_SIGN_IN_HOSTS } from '@/lib/renewal/entra-hosts';
import { parseUserAccessUrl, refreshSourceFor, type ObservedRequest, type RefreshSource } from '@/lib/renewal/refresh-source';
import { parseSamlResponse } from '@/lib/saml-response';
import { sourceKeyFor } from '@/lib/sign-in-source';
import { buildEncodedSamlResponse, type IdpShape, type SamlOptions } from '../support/saml-builder';
import { ISSUERS } from '../support/stored-capture';

const TENANT = '8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f';
const REQUEST_ID = 'id6c1c178c166d486687be4aaf5e482730';
const ROLES = [{ roleArn: 'arn:aws:iam::444444444444:role/SandboxAdmin', providerArn: 'arn:aws:iam::444444444444:saml-provider/EntraID' }];
const T = Date.parse('2026-11-30T08:00:00Z');

/** A capture of a real-shaped sign-in to the "AWS Sandbox" app (identifier `…/saml#2`, regional ACS). */
function capture(opts: Partial<SamlOptions> & { shape?: IdpShape } = {}, acsUrl = 'https://eu-west-1.signin.aws.amazon.com/saml'): Capture {
  const shape = opts.shape ?? 'entra';
  const samlResponse = buildEncodedSamlResponse({
    issuer: ISSUERS[shape],
    roles: ROLES,
    audience: 'https://signin.aws.amazon.com/saml',
    recipient: acsUrl,
    inResponseTo: REQUEST_ID,
    issueInstant: new Date(T),
    ...opts,
    shape,
  });
  const parsed = parseSamlResponse(samlResponse, T);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return { id: 'x', capturedAt: T, acs: { ...parseAcsUrl(acsUrl)!, url: acsUrl }, summary: parsed.summary };
}

const observed = (over: Partial<ObservedRequest> = {}): ObservedRequest => ({
  id: REQUEST_ID,
  issuer: 'https://signin.aws.amazon.com/saml#2',
  acsUrl: 'https://eu-west-1.signin.aws.amazon.com/saml',
  isPassive: false,
  host: 'login.microsoftonline.com',
  tenant: TENANT,
  ...over,
});

function source(result: ReturnType<typeof refreshSourceFor>): RefreshSource {
  if ('manual' in result) throw new Error(result.manual);
  return result;
}

describe('refreshSourceFor', () => {
  it('takes the Issuer with #N from the request My Apps sent, when Entra answered that request', () => {
    const c = capture();
    expect(refreshSourceFor(c, observed())).toEqual({
      key: sourceKeyFor(c),
      idp: 'entra',
      tenant: TENANT,
      idpHost: 'login.microsoftonline.com',
      spIssuer: 'https://signin.aws.amazon.com/saml#2',
      spIssuerFrom: 'sign-in-request',
      acsUrl: 'https://eu-west-1.signin.aws.amazon.com/saml',
      loginHint: 'alice@contoso.com',
      capturedAt: T,
    });
  });

  it.each([
    ['no observed request (an IdP-initiated tile)', undefined],
    ['a request Entra did not answer (another ID)', observed({ id: '_another' })],
    ['a request to another tenant', observed({ tenant: '00000000-0000-4000-8000-000000000001' })],
    ['a request to a host that is not Entra', observed({ host: 'login.evil.example' })],
  ])('falls back to the audience, flagged, for %s', (_, seen) => {
    const s = source(refreshSourceFor(capture(), seen));
    expect(s).toMatchObject({ spIssuer: 'https://signin.aws.amazon.com/saml', spIssuerFrom: 'audience', idpHost: 'login.microsoftonline.com' });
  });

  it('an observed request to the tenant by domain name counts when its ID matches', () => {
    expect(source(refreshSourceFor(capture(), observed({ tenant: 'contoso.com' }))).spIssuerFrom).toBe('sign-in-request');
  });

  it.each([
    [`https://sts.windows.net/${TENANT}/`, 'login.microsoftonline.com'],
    [`https://login.microsoftonline.us/${TENANT}/`, 'login.microsoftonline.us'],
    [`https://sts.chinacloudapi.cn/${TENANT}/`, 'login.partner.microsoftonline.cn'],
  ])('an assertion issued by %s renews at %s', (issuer, host) => {
    expect(source(refreshSourceFor(capture({ issuer }))).idpHost).toBe(host);
    expect(ENTRA_SIGN_IN_HOSTS).toContain(host);
  });

  it('takes the host of the observed request (US Government cloud)', () => {
    const c = capture({ issuer: `https://login.microsoftonline.us/${TENANT}/` }, 'https://signin.amazonaws-us-gov.com/saml');
    expect(source(refreshSourceFor(c, observed({ host: 'login.microsoftonline.us', acsUrl: 'https://signin.amazonaws-us-gov.com/saml' })))).toMatchObject({
      idpHost: 'login.microsoftonline.us',
      acsUrl: 'https://signin.amazonaws-us-gov.com/saml',
    });
  });

  it('leaves out a login hint that is not a sign-in name (an opaque NameID)', () => {
    expect(source(refreshSourceFor(capture({ nameId: 'Zr4aJk1QhT5m0r3pQ', roleSessionName: 'alice.contoso' }))).loginHint).toBeUndefined();
  });

  it.each(['okta', 'adfs', 'google'] as const)('a %s sign-in is manual, in words that do not name Entra', (shape) => {
    const result = refreshSourceFor(capture({ shape }));
    expect(result).toMatchObject({ code: 'not-entra' });
    expect('manual' in result && result.manual).not.toMatch(/Entra|My Apps/);
  });

  it('a sign-in through Defender for Cloud Apps with no usable recipient is manual', () => {
    const c = capture({ recipient: 'https://signin.aws.amazon.com.mcas.ms/saml' }, 'https://signin.aws.amazon.com.mcas.ms/saml');
    expect(refreshSourceFor(c)).toMatchObject({ code: 'no-source' });
  });

  it('uses the recipient Entra put in the assertion as the ACS', () => {
    const c = capture({ recipient: 'https://signin.aws.amazon.com/saml' }, 'https://signin.aws.amazon.com.mcas.ms/saml');
    expect(source(refreshSourceFor(c)).acsUrl).toBe('https://signin.aws.amazon.com/saml');
  });
});

describe('parseUserAccessUrl', () => {
  const APP = '7a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d';
  it.each([
    [
      `https://launcher.myapps.microsoft.com/api/signin/${APP}?tenantId=${TENANT}`,
      { kind: 'user-access-url', appId: APP, tenantId: TENANT, url: `https://launcher.myapps.microsoft.com/api/signin/${APP}?tenantId=${TENANT}` },
    ],
    [
      `https://myapps.microsoft.com/signin/AWS%20Sandbox/${APP.toUpperCase()}?tenantId=${TENANT}`,
      {
        kind: 'user-access-url',
        appId: APP,
        tenantId: TENANT,
        url: `https://myapps.microsoft.com/signin/AWS%20Sandbox/${APP.toUpperCase()}?tenantId=${TENANT}`,
      },
    ],
    [`  https://myapps.microsoft.com/signin/AWS/${APP}  `, { kind: 'user-access-url', appId: APP, url: `https://myapps.microsoft.com/signin/AWS/${APP}` }],
    ['https://signin.aws.amazon.com/saml#2', { kind: 'identifier', identifier: 'https://signin.aws.amazon.com/saml#2' }],
    ['urn:amazon:webservices', { kind: 'identifier', identifier: 'urn:amazon:webservices' }],
    ['urn:amazon:webservices:govcloud', { kind: 'identifier', identifier: 'urn:amazon:webservices:govcloud' }],
    ['https://aws.contoso.com/saml/sp', { kind: 'identifier', identifier: 'https://aws.contoso.com/saml/sp' }],
  ])('reads %s', (text, expected) => {
    expect(parseUserAccessUrl(text)).toEqual(expected);
  });

  it.each([
    '',
    'AWS Sandbox',
    'https://myapps.microsoft.com/',
    `https://launcher.myapps.microsoft.com/api/signin/not-a-guid?tenantId=${TENANT}`,
    `https://launcher.myapps.microsoft.com/api/signin/${APP}?tenantId=contoso`,
    `https://login.microsoftonline.com/${TENANT}/saml2`,
    'http://signin.aws.amazon.com/saml#2x',
    'javascript:alert(1)',
    'https://a.example/ with space',
  ])('refuses %j with plain words', (text) => {
    const r = parseUserAccessUrl(text);
    expect(r).toEqual({ error: expect.any(String) });
    expect('error' in r && r.error.length).toBeLessThan(160);
  });
});
