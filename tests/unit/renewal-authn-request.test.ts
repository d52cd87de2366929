import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import {
  buildAuthnRequest,
  decodeRedirectRequest,
  encodeRedirectRequest,
  MAX_INFLATED_REQUEST_BYTES,
  MAX_SAML_REQUEST_PARAM_LENGTH,
  RenewalInputError,
  renewalUrl,
  type AuthnRequestInput,
} from '@/lib/renewal/authn-request';
import { ENTRA_SIGN_IN_HOSTS } from '@/lib/renewal/entra-hosts';
import { newRequestId } from '@/lib/renewal/ids';

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const TENANT = '8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f';
const base: AuthnRequestInput = {
  id: '_0123456789abcdef0123456789abcdef01234567',
  issuer: 'https://signin.aws.amazon.com/saml#2',
  acsUrl: 'https://eu-west-1.signin.aws.amazon.com/saml',
  issueInstant: new Date('2026-11-30T08:00:00.000Z'),
  passive: true,
};

/** Parses the XML with a real namespace-aware parser (not the product's), as Entra would read it. */
function read(xml: string) {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const root = doc.documentElement!;
  const issuer = root.getElementsByTagNameNS(ASSERTION, 'Issuer')[0];
  return {
    ns: root.namespaceURI,
    local: root.localName,
    attrs: Object.fromEntries(Array.from(root.attributes).map((a) => [a.name, a.value])),
    issuer: issuer?.textContent,
    subject: root.getElementsByTagNameNS(ASSERTION, 'Subject').length,
  };
}

const b64 = (bytes: Buffer) => bytes.toString('base64');
/** A redirect-binding value made by Node's zlib: an independent implementation of the encoding. */
const nodeEncode = (xml: string) => b64(deflateRawSync(Buffer.from(xml, 'utf8')));

describe('newRequestId', () => {
  it('is _ and 40 hex characters, never starting with a digit, and different each time', () => {
    const ids = Array.from({ length: 200 }, newRequestId);
    for (const id of ids) expect(id).toMatch(/^_[0-9a-f]{40}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('buildAuthnRequest', () => {
  it('is a SAML 2.0 AuthnRequest Entra accepts: ID, Version, IssueInstant, IsPassive, ACS, Issuer, no Subject', () => {
    const r = read(buildAuthnRequest(base));
    expect(r).toEqual({
      ns: PROTOCOL,
      local: 'AuthnRequest',
      attrs: expect.objectContaining({
        ID: base.id,
        Version: '2.0',
        IssueInstant: '2026-11-30T08:00:00.000Z',
        IsPassive: 'true',
        AssertionConsumerServiceURL: 'https://eu-west-1.signin.aws.amazon.com/saml',
      }),
      issuer: 'https://signin.aws.amazon.com/saml#2',
      subject: 0,
    });
  });

  it('leaves IsPassive out of an interactive request', () => {
    expect(read(buildAuthnRequest({ ...base, passive: false })).attrs).not.toHaveProperty('IsPassive');
  });

  it.each([
    ['&, quotes and <', 'https://apps.contoso.com/saml?a=1&b="x"<y>'],
    ['an apostrophe and >', "urn:contoso:app:o'brien>1"],
  ])('escapes an issuer with %s', (_, issuer) => {
    const xml = buildAuthnRequest({ ...base, issuer });
    expect(read(xml).issuer).toBe(issuer);
    expect(xml).not.toContain(issuer);
  });

  it('escapes an ACS URL with & in its query', () => {
    const acsUrl = 'https://signin.aws.amazon.com/saml?a=1&b=2';
    expect(read(buildAuthnRequest({ ...base, acsUrl })).attrs.AssertionConsumerServiceURL).toBe(acsUrl);
  });

  it.each([
    ['an ID starting with a digit', { id: '1abc' }, 'bad-id'],
    ['an ID with a quote', { id: '_a"b' }, 'bad-id'],
    ['an empty issuer', { issuer: '' }, 'bad-issuer'],
    ['an issuer that is not a URI', { issuer: 'AWS app' }, 'bad-issuer'],
    ['an issuer with a newline', { issuer: 'https://signin.aws.amazon.com/saml\n#2' }, 'bad-issuer'],
    ['a javascript: issuer', { issuer: 'javascript:alert(1)' }, 'bad-issuer'],
    ['an http ACS', { acsUrl: 'http://signin.aws.amazon.com/saml' }, 'bad-acs'],
    ['an ACS on another host', { acsUrl: 'https://signin.aws.amazon.com.evil.example/saml' }, 'bad-acs'],
    ['an ACS with another path', { acsUrl: 'https://signin.aws.amazon.com/console' }, 'bad-acs'],
    ['an invalid date', { issueInstant: new Date(NaN) }, 'bad-request'],
  ] as const)('refuses %s', (_, change, code) => {
    let error: unknown;
    try {
      buildAuthnRequest({ ...base, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RenewalInputError);
    expect((error as RenewalInputError).code).toBe(code);
  });

  it.each(['https://signin.amazonaws-us-gov.com/saml', 'https://signin.amazonaws.cn/saml', 'https://signin.aws.amazon.com/saml/acs/SAMLSP4ABCDEF'])(
    'takes the AWS ACS %s',
    (acsUrl) => {
      expect(read(buildAuthnRequest({ ...base, acsUrl })).attrs.AssertionConsumerServiceURL).toBe(acsUrl);
    },
  );
});

describe('encodeRedirectRequest / decodeRedirectRequest', () => {
  it('round-trips, and Node zlib inflates what it encodes', async () => {
    const xml = buildAuthnRequest(base);
    const encoded = await encodeRedirectRequest(xml);
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8')).toBe(xml);
    expect(await decodeRedirectRequest(encoded)).toEqual({
      id: base.id,
      issuer: base.issuer,
      acsUrl: base.acsUrl,
      isPassive: true,
    });
  });

  it('decodes a request shaped like the one My Apps sends (default namespace Issuer, Destination, no IsPassive)', async () => {
    const xml =
      `<samlp:AuthnRequest xmlns="urn:oasis:names:tc:SAML:2.0:metadata" ID="id6c1c178c166d486687be4aaf5e482730" Version="2.0" ` +
      `IssueInstant="2026-11-30T07:58:11.1839884Z" Destination="https://login.microsoftonline.com/${TENANT}/saml2" ` +
      `AssertionConsumerServiceURL="https://signin.aws.amazon.com/saml" xmlns:samlp="${PROTOCOL}">` +
      `<Issuer xmlns="${ASSERTION}">https://signin.aws.amazon.com/saml#2</Issuer>` +
      `<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"/></samlp:AuthnRequest>`;
    expect(await decodeRedirectRequest(nodeEncode(xml))).toEqual({
      id: 'id6c1c178c166d486687be4aaf5e482730',
      issuer: 'https://signin.aws.amazon.com/saml#2',
      acsUrl: 'https://signin.aws.amazon.com/saml',
      destination: `https://login.microsoftonline.com/${TENANT}/saml2`,
      isPassive: false,
    });
  });

  it('reads an escaped issuer back exactly', async () => {
    const issuer = 'https://apps.contoso.com/saml?a=1&b="x"<y>';
    const decoded = await decodeRedirectRequest(await encodeRedirectRequest(buildAuthnRequest({ ...base, issuer })));
    expect(decoded).toMatchObject({ issuer });
  });

  const request = (body: string) => `<samlp:AuthnRequest xmlns:samlp="${PROTOCOL}" xmlns:saml="${ASSERTION}" ${body}</samlp:AuthnRequest>`;
  it.each([
    ['an empty value', ''],
    ['not base64', 'not base64!'],
    ['base64 of bytes that are not deflate data', b64(Buffer.from('<samlp:AuthnRequest/>'))],
    ['a POST-binding (undeflated) request', b64(Buffer.from(buildAuthnRequest(base)))],
    ['a truncated stream', nodeEncode(buildAuthnRequest(base)).slice(0, 40)],
    ['invalid UTF-8', b64(deflateRawSync(Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0x3e])))],
    ['a DOCTYPE', nodeEncode(`<!DOCTYPE x [<!ENTITY e "x">]>${request('ID="_a" Version="2.0"><saml:Issuer>&e;</saml:Issuer>')}`)],
    ['malformed XML', nodeEncode(request('ID="_a" Version="2.0"><saml:Issuer>https://a.example</saml:Issue>'))],
    ['a LogoutRequest', nodeEncode(`<samlp:LogoutRequest xmlns:samlp="${PROTOCOL}" ID="_a"/>`)],
    ['no ID', nodeEncode(request('Version="2.0"><saml:Issuer>https://a.example</saml:Issuer>'))],
    ['an ID starting with a digit', nodeEncode(request('ID="1a" Version="2.0"><saml:Issuer>https://a.example</saml:Issuer>'))],
    ['no Issuer', nodeEncode(request('ID="_a" Version="2.0">'))],
    ['two Issuers', nodeEncode(request('ID="_a" Version="2.0"><saml:Issuer>https://a.example</saml:Issuer><saml:Issuer>https://b.example</saml:Issuer>'))],
    ['an issuer that is not a URI', nodeEncode(request('ID="_a" Version="2.0"><saml:Issuer>not a uri</saml:Issuer>'))],
  ])('refuses %s', async (_, param) => {
    expect(await decodeRedirectRequest(param)).toEqual({ error: expect.any(String) });
  });

  it('refuses a value longer than the bound without decoding it', async () => {
    const long = 'A'.repeat(MAX_SAML_REQUEST_PARAM_LENGTH + 4);
    expect(await decodeRedirectRequest(long)).toEqual({ error: 'too long' });
  });

  it('stops inflating a deflate bomb (a few KB that inflate to megabytes)', async () => {
    const bomb = nodeEncode(request(`ID="_a" Version="2.0"><saml:Issuer>https://a.example/${'x'.repeat(8_000_000)}</saml:Issuer>`));
    expect(bomb.length).toBeLessThan(MAX_SAML_REQUEST_PARAM_LENGTH);
    const started = performance.now();
    expect(await decodeRedirectRequest(bomb)).toEqual({ error: 'inflates too large' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('takes a request just under the inflated bound', async () => {
    const pad = `<!--${'p'.repeat(MAX_INFLATED_REQUEST_BYTES - 400)}-->`;
    const xml = request(`ID="_a" Version="2.0">${pad}<saml:Issuer>https://a.example</saml:Issuer>`);
    expect(Buffer.byteLength(xml)).toBeLessThanOrEqual(MAX_INFLATED_REQUEST_BYTES);
    expect(await decodeRedirectRequest(nodeEncode(xml))).toMatchObject({ id: '_a', issuer: 'https://a.example' });
  });
});

describe('renewalUrl', () => {
  const samlRequest = nodeEncode(buildAuthnRequest(base));

  it('is the tenant’s saml2 endpoint with the request and the login hint, URL-encoded', () => {
    const url = new URL(renewalUrl({ idpHost: 'login.microsoftonline.com', tenant: TENANT, samlRequest, loginHint: 'alice@contoso.com' }));
    expect(url.origin + url.pathname).toBe(`https://login.microsoftonline.com/${TENANT}/saml2`);
    expect(url.searchParams.get('SAMLRequest')).toBe(samlRequest);
    expect(url.searchParams.get('login_hint')).toBe('alice@contoso.com');
    expect(url.searchParams.has('RelayState')).toBe(false);
  });

  it.each(ENTRA_SIGN_IN_HOSTS)('goes to %s, with a domain-name tenant and a RelayState', (idpHost) => {
    const url = new URL(renewalUrl({ idpHost, tenant: 'contoso.onmicrosoft.com', samlRequest, relayState: 'https://eu-west-1.console.aws.amazon.com/' }));
    expect(url.host).toBe(idpHost);
    expect(url.pathname).toBe('/contoso.onmicrosoft.com/saml2');
    expect(url.searchParams.get('RelayState')).toBe('https://eu-west-1.console.aws.amazon.com/');
  });

  it.each([
    ['another host', { idpHost: 'login.evil.example' }, 'bad-host'],
    ['a look-alike host', { idpHost: 'login.microsoftonline.com.evil.example' }, 'bad-host'],
    ['a tenant with a slash', { tenant: `${TENANT}/../common` }, 'bad-tenant'],
    ['a tenant that is a word', { tenant: 'common' }, 'bad-tenant'],
    ['a request that is not base64', { samlRequest: 'abc&x=1' }, 'bad-request'],
    ['a login hint with a space', { loginHint: 'alice @contoso.com' }, 'bad-login-hint'],
    ['a RelayState over 80 bytes', { relayState: 'x'.repeat(81) }, 'bad-relay-state'],
  ] as const)('refuses %s', (_, change, code) => {
    expect(() => renewalUrl({ idpHost: 'login.microsoftonline.com', tenant: TENANT, samlRequest, ...change })).toThrow(
      expect.objectContaining({ code }) as Error,
    );
  });
});
