// @vitest-environment node
import { DOMParser } from '@xmldom/xmldom';
import type { Document as XDocument, Element as XElement } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AWS_ATTR,
  NS,
  buildSamlResponseXml,
  encodeSamlResponse,
  signAssertion,
  signResponse,
  type RolePair,
  type SamlOptions,
  type SigningKey,
} from '../support/saml-builder';
import { generateIdpSigningKey } from './certs';
import { verifySamlResponse } from './sts/saml-verify';

const pair = (partition: string, account: string, role: string): RolePair => ({
  roleArn: `arn:${partition}:iam::${account}:role/${role}`,
  providerArn: `arn:${partition}:iam::${account}:saml-provider/EntraID`,
});
const ROLES = [pair('aws', '111111111111', 'Admin'), pair('aws', '111111111111', 'team/platform/Deployer'), pair('aws-us-gov', '333333333333', 'GovAdmin')];

function parse(xml: string): XDocument {
  return new DOMParser({
    onError: (level, msg) => {
      if (level !== 'warning') throw new Error(msg);
    },
  }).parseFromString(xml, 'text/xml');
}
function only(doc: XDocument | XElement, ns: string, local: string): XElement {
  const list = doc.getElementsByTagNameNS(ns, local);
  expect(list.length, `${local} count`).toBe(1);
  return list[0]!;
}
function attributeValues(doc: XDocument, name: string): string[] {
  const attrs = Array.from(doc.getElementsByTagNameNS(NS.assertion, 'Attribute')).filter((a) => a.getAttribute('Name') === name);
  return attrs.flatMap((a) => Array.from(a.getElementsByTagNameNS(NS.assertion, 'AttributeValue')).map((v) => v.textContent ?? ''));
}

describe('buildSamlResponseXml: shapes of real IdPs', () => {
  it.each([
    { shape: 'entra' as const, responseTag: 'samlp:Response', assertionTag: 'Assertion', attrValueTag: 'AttributeValue' },
    { shape: 'okta' as const, responseTag: 'saml2p:Response', assertionTag: 'saml2:Assertion', attrValueTag: 'saml2:AttributeValue' },
    { shape: 'adfs' as const, responseTag: 'samlp:Response', assertionTag: 'saml:Assertion', attrValueTag: 'saml:AttributeValue' },
  ])('$shape: namespaces, prefixes and the AWS attributes', ({ shape, responseTag, assertionTag, attrValueTag }) => {
    const xml = buildSamlResponseXml({ shape, roles: ROLES, sessionDuration: 43200 });
    const doc = parse(xml);
    const root = doc.documentElement!;
    expect(root.tagName).toBe(responseTag);
    expect(root.namespaceURI).toBe(NS.protocol);
    const assertion = only(doc, NS.assertion, 'Assertion');
    expect(assertion.tagName).toBe(assertionTag);
    expect(assertion.getAttribute('Version')).toBe('2.0');
    expect(assertion.getAttribute('ID')).toMatch(/^_[0-9a-f-]{36}$/);
    expect(assertion.getAttribute('IssueInstant')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const values = Array.from(doc.getElementsByTagNameNS(NS.assertion, 'AttributeValue'));
    expect(values.every((v) => v.tagName === attrValueTag)).toBe(true);
    expect(attributeValues(doc, AWS_ATTR.role)).toEqual(ROLES.map((r) => `${r.roleArn},${r.providerArn}`));
    expect(attributeValues(doc, AWS_ATTR.roleSessionName)).toEqual(['alice@contoso.com']);
    expect(attributeValues(doc, AWS_ATTR.sessionDuration)).toEqual(['43200']);
    expect(only(doc, NS.assertion, 'Audience').textContent).toBe('https://signin.aws.amazon.com/saml');
    expect(only(doc, NS.assertion, 'SubjectConfirmationData').getAttribute('Recipient')).toBe('https://signin.aws.amazon.com/saml');
    expect(root.getAttribute('Destination')).toBe('https://signin.aws.amazon.com/saml');
  });

  it('entra: default-namespace assertion, tenant issuer, Microsoft claims, 1 h lifetime', () => {
    const issueInstant = new Date('2026-11-22T10:00:00.123Z');
    const xml = buildSamlResponseXml({ roles: ROLES, issueInstant });
    expect(xml.startsWith('<samlp:Response ')).toBe(true);
    expect(xml).toContain('xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"');
    expect(xml).toContain('<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">https://sts.windows.net/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/</Issuer>');
    expect(xml).toMatch(/<Assertion ID="_[^"]+" IssueInstant="2026-11-22T10:00:00.123Z" Version="2.0" xmlns="urn:oasis:names:tc:SAML:2.0:assertion">/);
    const doc = parse(xml);
    for (const claim of ['tenantid', 'objectidentifier', 'displayname', 'identityprovider']) {
      expect(attributeValues(doc, `http://schemas.microsoft.com/identity/claims/${claim}`)).toHaveLength(1);
    }
    expect(attributeValues(doc, 'http://schemas.microsoft.com/claims/authnmethodsreferences').length).toBeGreaterThan(0);
    expect(attributeValues(doc, 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name')).toEqual(['alice@contoso.com']);
    const scd = only(doc, NS.assertion, 'SubjectConfirmationData');
    expect(scd.getAttribute('NotOnOrAfter')).toBe('2026-11-22T11:00:00.123Z');
    expect(only(doc, NS.assertion, 'Conditions').getAttribute('NotOnOrAfter')).toBe('2026-11-22T11:00:00.123Z');
  });

  it('okta: xsi:type strings, 5-minute lifetime, okta issuer', () => {
    const issueInstant = new Date('2026-11-22T10:00:00.000Z');
    const xml = buildSamlResponseXml({ shape: 'okta', roles: ROLES, issueInstant });
    expect(xml).toContain('xsi:type="xs:string"');
    const doc = parse(xml);
    expect(only(doc, NS.assertion, 'SubjectConfirmationData').getAttribute('NotOnOrAfter')).toBe('2026-11-22T10:05:00.000Z');
    expect(doc.getElementsByTagNameNS(NS.assertion, 'Issuer')[0]!.textContent).toMatch(/^http:\/\/www\.okta\.com\/exk/);
  });

  it('adfs: ADFS issuer', () => {
    const doc = parse(buildSamlResponseXml({ shape: 'adfs', roles: ROLES }));
    expect(doc.getElementsByTagNameNS(NS.assertion, 'Issuer')[0]!.textContent).toBe('http://adfs.contoso.com/adfs/services/trust');
  });

  it('role order, whitespace, extra and missing values', () => {
    const doc = parse(
      buildSamlResponseXml({ roles: ROLES, roleOrder: 'provider-first', roleValueWhitespace: true, extraRoleValues: ['garbage', 'arn:aws:iam::1:role/x'] }),
    );
    const values = attributeValues(doc, AWS_ATTR.role);
    expect(values).toHaveLength(ROLES.length + 2);
    values.slice(0, ROLES.length).forEach((v, i) => {
      expect(v).not.toBe(v.trim());
      expect(v.split(',').map((s) => s.trim())).toEqual([ROLES[i]!.providerArn, ROLES[i]!.roleArn]);
    });
    expect(values.slice(-2)).toEqual(['garbage', 'arn:aws:iam::1:role/x']);
    const none = parse(buildSamlResponseXml({ roles: ROLES, omitRoleAttribute: true, roleSessionName: null, sessionDuration: null }));
    expect(attributeValues(none, AWS_ATTR.role)).toEqual([]);
    expect(attributeValues(none, AWS_ATTR.roleSessionName)).toEqual([]);
    expect(attributeValues(none, AWS_ATTR.sessionDuration)).toEqual([]);
  });

  it('carries every option it is given', () => {
    const opts: SamlOptions = {
      roles: ROLES.slice(0, 1),
      tenantId: '00000000-0000-4000-8000-000000000000',
      audience: 'urn:amazon:webservices',
      recipient: 'https://eu-west-1.signin.aws.amazon.com/saml',
      destination: 'https://eu-west-1.signin.aws.amazon.com/saml/',
      roleSessionName: 'bob@contoso.com',
      nameId: 'b0b',
      responseId: '_resp1',
      assertionId: '_assert1',
      statusMessage: 'hello',
      extraAttributes: { 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:Team': ['platform'] },
    };
    const doc = parse(buildSamlResponseXml(opts));
    expect(doc.documentElement!.getAttribute('ID')).toBe('_resp1');
    expect(doc.documentElement!.getAttribute('Destination')).toBe('https://eu-west-1.signin.aws.amazon.com/saml/');
    expect(only(doc, NS.assertion, 'Assertion').getAttribute('ID')).toBe('_assert1');
    expect(only(doc, NS.assertion, 'Audience').textContent).toBe('urn:amazon:webservices');
    expect(only(doc, NS.assertion, 'SubjectConfirmationData').getAttribute('Recipient')).toBe('https://eu-west-1.signin.aws.amazon.com/saml');
    expect(only(doc, NS.assertion, 'NameID').textContent).toBe('b0b');
    expect(doc.getElementsByTagNameNS(NS.assertion, 'Issuer')[0]!.textContent).toBe('https://sts.windows.net/00000000-0000-4000-8000-000000000000/');
    expect(attributeValues(doc, AWS_ATTR.roleSessionName)).toEqual(['bob@contoso.com']);
    expect(attributeValues(doc, 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:Team')).toEqual(['platform']);
    expect(only(doc, NS.protocol, 'StatusMessage').textContent).toBe('hello');
  });

  it('a failed status carries no assertion; encrypted has only EncryptedData', () => {
    const failed = parse(
      buildSamlResponseXml({
        roles: ROLES,
        statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
        subStatusCode: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
        statusMessage: 'AADSTS50105',
      }),
    );
    expect(failed.getElementsByTagNameNS(NS.assertion, 'Assertion').length).toBe(0);
    const codes = failed.getElementsByTagNameNS(NS.protocol, 'StatusCode');
    expect(codes.length).toBe(2);
    expect(codes[1]!.getAttribute('Value')).toBe('urn:oasis:names:tc:SAML:2.0:status:RequestDenied');
    for (const shape of ['entra', 'okta', 'adfs'] as const) {
      const enc = parse(buildSamlResponseXml({ shape, roles: ROLES, encrypted: true }));
      expect(enc.getElementsByTagNameNS(NS.assertion, 'Assertion').length).toBe(0);
      expect(enc.getElementsByTagNameNS(NS.assertion, 'EncryptedAssertion').length).toBe(1);
      expect(enc.getElementsByTagNameNS(NS.xenc, 'EncryptedData').length).toBe(1);
      expect(enc.getElementsByTagNameNS(NS.assertion, 'AttributeValue').length).toBe(0);
    }
  });

  it('encodeSamlResponse is base64 of UTF-8', () => {
    const xml = buildSamlResponseXml({ roles: ROLES, roleSessionName: 'zoë@contoso.com' });
    expect(Buffer.from(encodeSamlResponse(xml), 'base64').toString('utf8')).toBe(xml);
  });
});

describe('signAssertion / signResponse', () => {
  let key: SigningKey;
  let otherKey: SigningKey;
  beforeAll(async () => {
    [key, otherKey] = await Promise.all([generateIdpSigningKey(), generateIdpSigningKey('Someone else')]);
  });

  it.each(['entra', 'okta', 'adfs'] as const)('%s: enveloped signature inside the Assertion after its Issuer verifies', (shape) => {
    const signed = signAssertion(buildSamlResponseXml({ shape, roles: ROLES }), key);
    const doc = parse(signed);
    const assertion = only(doc, NS.assertion, 'Assertion');
    const sig = only(doc, NS.dsig, 'Signature');
    expect(sig.parentNode).toBe(assertion);
    const prev = sig.previousSibling as XElement;
    expect(prev.localName).toBe('Issuer');
    expect(sig.prefix ?? '').toBe(shape === 'entra' ? '' : 'ds');
    expect(signed).toContain('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(signed).toContain('http://www.w3.org/2001/10/xml-exc-c14n#');
    expect(signed).toContain(`URI="#${assertion.getAttribute('ID')}"`);
    const v = verifySamlResponse(encodeSamlResponse(signed), [key.certPem]);
    expect(v.ok).toBe(true);
    if (v.ok) {
      expect(v.assertion.signedElement).toBe('Assertion');
      expect(v.assertion.roles).toEqual(ROLES);
    }
  });

  it('a signature by another key, a tampered value or no signature fail', () => {
    const xml = buildSamlResponseXml({ roles: ROLES });
    const signed = signAssertion(xml, key);
    expect(verifySamlResponse(encodeSamlResponse(signed), [otherKey.certPem])).toMatchObject({ ok: false, reason: 'signature' });
    const tampered = signed.replace('role/Admin,', 'role/SuperAdmin,');
    expect(tampered).not.toBe(signed);
    expect(verifySamlResponse(encodeSamlResponse(tampered), [key.certPem])).toMatchObject({ ok: false, reason: 'signature' });
    expect(verifySamlResponse(encodeSamlResponse(xml), [key.certPem])).toMatchObject({ ok: false, reason: 'signature' });
  });

  it('a Response-level signature verifies too', () => {
    const signed = signResponse(buildSamlResponseXml({ shape: 'okta', roles: ROLES }), key);
    const v = verifySamlResponse(encodeSamlResponse(signed), [key.certPem]);
    expect(v.ok && v.assertion.signedElement).toBe('Response');
  });

  it('refuses signature wrapping: values come only from the signed element', () => {
    const signed = signAssertion(buildSamlResponseXml({ roles: ROLES.slice(0, 1) }), key);
    const evilRole = 'arn:aws:iam::999999999999:role/Evil,arn:aws:iam::999999999999:saml-provider/EntraID';
    const evil = buildSamlResponseXml({ roles: [], extraRoleValues: [evilRole] });
    const evilAssertion = /<Assertion [\s\S]*<\/Assertion>/.exec(evil)![0];
    // XSW: an unsigned assertion next to the signed one.
    const twoAssertions = signed.replace('<Assertion ', `${evilAssertion}<Assertion `);
    expect(verifySamlResponse(encodeSamlResponse(twoAssertions), [key.certPem])).toMatchObject({ ok: false });
    // XSW: the signed assertion hidden in an extension element, the evil one in its place.
    const signedAssertion = /<Assertion [\s\S]*<\/Assertion>/.exec(signed)![0];
    const hidden = signed
      .replace(signedAssertion, evilAssertion)
      .replace('<samlp:Status>', `<samlp:Extensions>${signedAssertion}</samlp:Extensions><samlp:Status>`);
    const r = verifySamlResponse(encodeSamlResponse(hidden), [key.certPem]);
    expect(r.ok).toBe(false);
    // A signed assertion with the evil role injected in a comment-free way fails the digest.
    const injected = signed.replace(
      '</Attribute><Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"',
      `<AttributeValue>${evilRole}</AttributeValue></Attribute><Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"`,
    );
    expect(injected).not.toBe(signed);
    expect(verifySamlResponse(encodeSamlResponse(injected), [key.certPem])).toMatchObject({ ok: false, reason: 'signature' });
  });

  it('refuses DTDs, non-base64 and non-SAML documents', () => {
    expect(verifySamlResponse('%%%not base64', [key.certPem])).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifySamlResponse(encodeSamlResponse('<!DOCTYPE x [<!ENTITY a "b">]><x/>'), [key.certPem])).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifySamlResponse(encodeSamlResponse('<x/>'), [key.certPem])).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifySamlResponse(encodeSamlResponse('<unclosed'), [key.certPem])).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
