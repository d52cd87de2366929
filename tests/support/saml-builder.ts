/**
 * Builds realistic SAML 2.0 Responses the way real IdPs lay them out (Entra ID, Okta, ADFS), for the
 * parser's unit tests and for the IdP emulator. Shapes follow docs/saml-and-entra.md#namespaces: Entra puts the
 * assertion in the default namespace, Okta prefixes everything `saml2:`/`saml2p:`, the ADFS shape here uses
 * yet another prefix (`saml:`), so a parser that matches on prefixes fails on at least one of them. The Google
 * shape follows a Google Workspace response (`saml2:` prefixes, `xs:anyType` values, no NameFormat).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { TENANT_ID } from '../emulators/world';

export type IdpShape = 'entra' | 'okta' | 'adfs' | 'google';

export interface RolePair {
  roleArn: string;
  providerArn: string;
}

export interface SamlOptions {
  /** Layout of a real IdP; default 'entra'. */
  shape?: IdpShape;
  roles: RolePair[];
  /** Order inside each Role AttributeValue; default 'role-first'. */
  roleOrder?: 'role-first' | 'provider-first';
  /** Pad role values with spaces/newlines/tabs, as some IdPs do. */
  roleValueWhitespace?: boolean;
  /** End every generated role value with a comma (`role,provider,`), as some Google setups do. */
  roleValueTrailingComma?: boolean;
  /** Raw extra Role AttributeValues (e.g. malformed ones), appended after the real ones. */
  extraRoleValues?: string[];
  omitRoleAttribute?: boolean;
  /** Default: the world tenant. */
  tenantId?: string;
  /** Default per shape: entra `https://sts.windows.net/<tenant>/`, okta `http://www.okta.com/exk…`, adfs `http://adfs.contoso.com/adfs/services/trust`, google `https://accounts.google.com/o/saml2?idpid=…`. */
  issuer?: string;
  /** Default `https://signin.aws.amazon.com/saml`. */
  audience?: string;
  /** SubjectConfirmationData@Recipient; default `https://signin.aws.amazon.com/saml`. */
  recipient?: string;
  /** Response@Destination; default = recipient. */
  destination?: string;
  /** RoleSessionName attribute; default 'alice@contoso.com'; `null` omits the attribute. */
  roleSessionName?: string | null;
  /** SessionDuration attribute (seconds); omitted if null/undefined. */
  sessionDuration?: number | null;
  /** Subject NameID; default the role session name (or alice@contoso.com). */
  nameId?: string;
  /** NameID@Format; default per shape (Entra: emailAddress, Okta and Google: unspecified, ADFS: persistent). */
  nameIdFormat?: string;
  /** Default now. */
  issueInstant?: Date;
  /** SubjectConfirmationData@NotOnOrAfter and Conditions@NotOnOrAfter; default issueInstant + 1 h (entra, adfs) / + 5 min (okta, google). */
  notOnOrAfter?: Date;
  /** Conditions@NotBefore; default issueInstant − 5 min. */
  notBefore?: Date;
  /** Default `urn:oasis:names:tc:SAML:2.0:status:Success`. A non-success Response carries no assertion (as IdPs do) unless `assertionOnError`. */
  statusCode?: string;
  subStatusCode?: string;
  statusMessage?: string;
  /** Keep the assertion in a non-success Response (unusual; for parser robustness tests). */
  assertionOnError?: boolean;
  /** Replace the Assertion with an `<EncryptedAssertion>` holding opaque xenc:EncryptedData. */
  encrypted?: boolean;
  /** Extra attributes: name → values, appended after the AWS ones. */
  extraAttributes?: Record<string, string[]>;
  /** Default random `_` + uuid. */
  responseId?: string;
  /** Default random `_` + uuid. */
  assertionId?: string;
  /** Response@InResponseTo and SubjectConfirmationData@InResponseTo (SP-initiated sign-in). */
  inResponseTo?: string;
  /** Entra's displayname claim; default derived from the session name. */
  displayName?: string;
  /** Entra's objectidentifier claim; default a fixed GUID. */
  objectId?: string;
}

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
  xs: 'http://www.w3.org/2001/XMLSchema',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

export const AWS_ATTR = {
  role: 'https://aws.amazon.com/SAML/Attributes/Role',
  roleSessionName: 'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
  sessionDuration: 'https://aws.amazon.com/SAML/Attributes/SessionDuration',
} as const;

export const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const AWS_ACS = 'https://signin.aws.amazon.com/saml';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r/g, '&#13;');
}

/** `2026-11-22T10:00:00.123Z`: ISO 8601 UTC with 3 fractional digits, as Entra writes it. */
export function samlInstant(d: Date): string {
  return d.toISOString();
}

function randomId(): string {
  return `_${randomUUID()}`;
}

interface Names {
  /** Prefix (with colon) of protocol elements. */
  p: string;
  /** Prefix (with colon) of assertion elements inside the Assertion. */
  a: string;
  /** Namespace declaration(s) for the Response element. */
  responseNs: string;
  /** The Response's own Issuer element, fully written. */
  responseIssuer: (issuer: string) => string;
  /** Namespace declaration(s) on the Assertion element. */
  assertionNs: string;
}

function names(shape: IdpShape): Names {
  switch (shape) {
    case 'entra':
      return {
        p: 'samlp:',
        a: '',
        responseNs: `xmlns:samlp="${NS.protocol}"`,
        responseIssuer: (i) => `<Issuer xmlns="${NS.assertion}">${esc(i)}</Issuer>`,
        assertionNs: `xmlns="${NS.assertion}"`,
      };
    case 'okta':
      return {
        p: 'saml2p:',
        a: 'saml2:',
        responseNs: `xmlns:saml2p="${NS.protocol}"`,
        responseIssuer: (i) => `<saml2:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity" xmlns:saml2="${NS.assertion}">${esc(i)}</saml2:Issuer>`,
        assertionNs: `xmlns:saml2="${NS.assertion}"`,
      };
    case 'adfs':
      return {
        p: 'samlp:',
        a: 'saml:',
        responseNs: `xmlns:samlp="${NS.protocol}"`,
        responseIssuer: (i) => `<Issuer xmlns="${NS.assertion}">${esc(i)}</Issuer>`,
        assertionNs: `xmlns:saml="${NS.assertion}"`,
      };
    case 'google':
      return {
        p: 'saml2p:',
        a: 'saml2:',
        responseNs: `xmlns:saml2p="${NS.protocol}"`,
        responseIssuer: (i) => `<saml2:Issuer xmlns:saml2="${NS.assertion}">${esc(i)}</saml2:Issuer>`,
        assertionNs: `xmlns:saml2="${NS.assertion}"`,
      };
  }
}

function defaultIssuer(shape: IdpShape, tenantId: string): string {
  switch (shape) {
    case 'entra':
      return `https://sts.windows.net/${tenantId}/`;
    case 'okta':
      return 'http://www.okta.com/exk1a2b3c4d5e6f7g8h9';
    case 'adfs':
      return 'http://adfs.contoso.com/adfs/services/trust';
    case 'google':
      return 'https://accounts.google.com/o/saml2?idpid=C01a2b3c4';
  }
}

function defaultNameIdFormat(shape: IdpShape): string {
  switch (shape) {
    case 'entra':
      return 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
    case 'okta':
    case 'google':
      return 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
    case 'adfs':
      return 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
  }
}

function roleValue(pair: RolePair, order: 'role-first' | 'provider-first', whitespace: boolean, i: number, trailingComma = false): string {
  const [first, rest] = order === 'role-first' ? [pair.roleArn, pair.providerArn] : [pair.providerArn, pair.roleArn];
  const second = trailingComma ? `${rest},` : rest;
  if (!whitespace) return `${first},${second}`;
  // Vary the padding so parsers see leading/trailing newlines, tabs and spaces next to the comma.
  const pads: Array<[string, string, string]> = [
    ['\n        ', ',', '\n      '],
    ['\t', ', ', ' \t'],
    [' ', ' ,\n', '\r\n  '],
  ];
  const [lead, comma, trail] = pads[i % pads.length]!;
  return `${lead}${first}${comma}${second}${trail}`;
}

function attribute(shape: IdpShape, a: string, name: string, values: readonly string[]): string {
  const nameFormat = shape === 'okta' ? ' NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"' : '';
  const valueAttrs =
    shape === 'okta'
      ? ` xmlns:xs="${NS.xs}" xmlns:xsi="${NS.xsi}" xsi:type="xs:string"`
      : shape === 'google'
        ? ` xmlns:xs="${NS.xs}" xmlns:xsi="${NS.xsi}" xsi:type="xs:anyType"`
        : '';
  const vals = values.map((v) => `<${a}AttributeValue${valueAttrs}>${esc(v)}</${a}AttributeValue>`).join('');
  return `<${a}Attribute Name="${esc(name)}"${nameFormat}>${vals}</${a}Attribute>`;
}

function status(p: string, opts: SamlOptions): string {
  const code = opts.statusCode ?? STATUS_SUCCESS;
  const sub = opts.subStatusCode ? `<${p}StatusCode Value="${esc(opts.subStatusCode)}"/>` : '';
  const codeEl = sub ? `<${p}StatusCode Value="${esc(code)}">${sub}</${p}StatusCode>` : `<${p}StatusCode Value="${esc(code)}"/>`;
  const msg = opts.statusMessage ? `<${p}StatusMessage>${esc(opts.statusMessage)}</${p}StatusMessage>` : '';
  return `<${p}Status>${codeEl}${msg}</${p}Status>`;
}

function encryptedAssertion(a: string): string {
  const b64 = (n: number): string => randomBytes(n).toString('base64');
  const nsDecl = a ? ` xmlns:${a.slice(0, -1)}="${NS.assertion}"` : ` xmlns="${NS.assertion}"`;
  return (
    `<${a}EncryptedAssertion${nsDecl}>` +
    `<xenc:EncryptedData Id="${randomId()}" Type="http://www.w3.org/2001/04/xmlenc#Element" xmlns:xenc="${NS.xenc}">` +
    `<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>` +
    `<KeyInfo xmlns="${NS.dsig}"><xenc:EncryptedKey>` +
    `<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"><DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/></xenc:EncryptionMethod>` +
    `<KeyInfo><X509Data><X509IssuerSerial><X509IssuerName>CN=aws-saml-encryption</X509IssuerName><X509SerialNumber>1</X509SerialNumber></X509IssuerSerial></X509Data></KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${b64(256)}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedKey></KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${b64(2400)}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedData></${a}EncryptedAssertion>`
  );
}

/** The XML of a SAML Response shaped like `opts.shape`'s IdP (unsigned; see `signAssertion`). */
export function buildSamlResponseXml(opts: SamlOptions): string {
  const shape = opts.shape ?? 'entra';
  const n = names(shape);
  const { p, a } = n;
  const tenantId = opts.tenantId ?? TENANT_ID;
  const issuer = opts.issuer ?? defaultIssuer(shape, tenantId);
  const audience = opts.audience ?? AWS_ACS;
  const recipient = opts.recipient ?? AWS_ACS;
  const destination = opts.destination ?? recipient;
  const issueInstant = opts.issueInstant ?? new Date();
  const lifetimeMs = shape === 'okta' || shape === 'google' ? 5 * 60_000 : 3600_000;
  const notOnOrAfter = opts.notOnOrAfter ?? new Date(issueInstant.getTime() + lifetimeMs);
  const notBefore = opts.notBefore ?? new Date(issueInstant.getTime() - 5 * 60_000);
  const authnInstant = new Date(issueInstant.getTime() - 42_000);
  const sessionName = opts.roleSessionName === undefined ? 'alice@contoso.com' : opts.roleSessionName;
  const nameId = opts.nameId ?? sessionName ?? 'alice@contoso.com';
  const nameIdFormat = opts.nameIdFormat ?? defaultNameIdFormat(shape);
  const responseId = opts.responseId ?? randomId();
  const assertionId = opts.assertionId ?? randomId();
  const inResponseTo = opts.inResponseTo ? ` InResponseTo="${esc(opts.inResponseTo)}"` : '';
  const success = (opts.statusCode ?? STATUS_SUCCESS) === STATUS_SUCCESS;
  const ts = samlInstant;

  const attrs: string[] = [];
  if (shape === 'entra') {
    const upn = sessionName ?? nameId;
    const display = opts.displayName ?? upn.split('@')[0]!.replace(/^./, (c) => c.toUpperCase());
    attrs.push(
      attribute(shape, a, 'http://schemas.microsoft.com/identity/claims/tenantid', [tenantId]),
      attribute(shape, a, 'http://schemas.microsoft.com/identity/claims/objectidentifier', [opts.objectId ?? '0a1b2c3d-1111-4aaa-8bbb-000000000001']),
      attribute(shape, a, 'http://schemas.microsoft.com/identity/claims/displayname', [display]),
      attribute(shape, a, 'http://schemas.microsoft.com/identity/claims/identityprovider', [`https://sts.windows.net/${tenantId}/`]),
      attribute(shape, a, 'http://schemas.microsoft.com/claims/authnmethodsreferences', [
        'http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password',
        'http://schemas.microsoft.com/claims/multipleauthn',
      ]),
    );
  }
  if (!opts.omitRoleAttribute) {
    const order = opts.roleOrder ?? 'role-first';
    const values = opts.roles.map((r, i) => roleValue(r, order, opts.roleValueWhitespace ?? false, i, opts.roleValueTrailingComma));
    values.push(...(opts.extraRoleValues ?? []));
    attrs.push(attribute(shape, a, AWS_ATTR.role, values));
  }
  if (sessionName !== null) attrs.push(attribute(shape, a, AWS_ATTR.roleSessionName, [sessionName]));
  if (opts.sessionDuration !== null && opts.sessionDuration !== undefined) {
    attrs.push(attribute(shape, a, AWS_ATTR.sessionDuration, [String(opts.sessionDuration)]));
  }
  if (shape === 'entra') {
    const upn = sessionName ?? nameId;
    attrs.push(
      attribute(shape, a, 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname', [upn.split('@')[0]!.replace(/^./, (c) => c.toUpperCase())]),
      attribute(shape, a, 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', [upn]),
      attribute(shape, a, 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', [upn]),
    );
  }
  for (const [name, values] of Object.entries(opts.extraAttributes ?? {})) attrs.push(attribute(shape, a, name, values));

  const issuerFormat = shape === 'okta' ? ' Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity"' : '';
  const authnClass =
    shape === 'adfs'
      ? 'urn:federation:authentication:windows'
      : shape === 'okta'
        ? 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport'
        : shape === 'google'
          ? 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified'
          : 'urn:oasis:names:tc:SAML:2.0:ac:classes:Password';
  const sessionIndex = shape === 'okta' ? randomId().replace('_', 'id') : randomId();

  const assertion =
    `<${a}Assertion ID="${esc(assertionId)}" IssueInstant="${ts(issueInstant)}" Version="2.0" ${n.assertionNs}>` +
    `<${a}Issuer${issuerFormat}>${esc(issuer)}</${a}Issuer>` +
    `<${a}Subject>` +
    `<${a}NameID Format="${esc(nameIdFormat)}">${esc(nameId)}</${a}NameID>` +
    `<${a}SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<${a}SubjectConfirmationData${inResponseTo} NotOnOrAfter="${ts(notOnOrAfter)}" Recipient="${esc(recipient)}"/>` +
    `</${a}SubjectConfirmation>` +
    `</${a}Subject>` +
    `<${a}Conditions NotBefore="${ts(notBefore)}" NotOnOrAfter="${ts(notOnOrAfter)}">` +
    `<${a}AudienceRestriction><${a}Audience>${esc(audience)}</${a}Audience></${a}AudienceRestriction>` +
    `</${a}Conditions>` +
    // Okta writes AuthnStatement before AttributeStatement; Entra and ADFS the other way round.
    (shape === 'okta' ? '' : `<${a}AttributeStatement>${attrs.join('')}</${a}AttributeStatement>`) +
    `<${a}AuthnStatement AuthnInstant="${ts(authnInstant)}" SessionIndex="${esc(sessionIndex)}">` +
    `<${a}AuthnContext><${a}AuthnContextClassRef>${authnClass}</${a}AuthnContextClassRef></${a}AuthnContext>` +
    `</${a}AuthnStatement>` +
    (shape === 'okta' ? `<${a}AttributeStatement>${attrs.join('')}</${a}AttributeStatement>` : '') +
    `</${a}Assertion>`;

  const consent = shape === 'adfs' ? ' Consent="urn:oasis:names:tc:SAML:2.0:consent:unspecified"' : '';
  const body = success || opts.assertionOnError ? (opts.encrypted ? encryptedAssertion(a) : assertion) : '';
  return (
    `<${p}Response ID="${esc(responseId)}" Version="2.0" IssueInstant="${ts(issueInstant)}" Destination="${esc(destination)}"${consent}${inResponseTo} ${n.responseNs}>` +
    n.responseIssuer(issuer) +
    status(p, opts) +
    body +
    `</${p}Response>`
  );
}

export interface SigningKey {
  privateKeyPem: string;
  certPem: string;
}

function sign(xml: string, key: SigningKey, local: 'Assertion' | 'Response'): string {
  const ns = local === 'Assertion' ? NS.assertion : NS.protocol;
  const target = `//*[local-name(.)='${local}' and namespace-uri(.)='${ns}']`;
  const match = new RegExp(`<([A-Za-z_][\\w.-]*:)?${local}[\\s>]`).exec(xml);
  if (!match) throw new Error(`signing: the XML has no ${local} element (an encrypted assertion cannot be signed here)`);
  // Entra writes `<Signature xmlns="…xmldsig#">`; Okta and ADFS use a `ds:` prefix.
  const prefix = local === 'Assertion' && !match[1] ? undefined : 'ds';
  const sig = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certPem,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  });
  sig.addReference({ xpath: target, transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: SHA256 });
  sig.computeSignature(xml, {
    prefix,
    location: { reference: `${target}/*[local-name(.)='Issuer' and namespace-uri(.)='${NS.assertion}']`, action: 'after' },
  });
  return sig.getSignedXml();
}

/** Adds an enveloped RSA-SHA256 / exc-c14n signature inside the Assertion, right after its Issuer (as Entra does). */
export function signAssertion(xml: string, key: SigningKey): string {
  return sign(xml, key, 'Assertion');
}

/** Adds an enveloped signature over the whole Response, after the Response's Issuer (Entra's "Sign SAML response" option, Okta). */
export function signResponse(xml: string, key: SigningKey): string {
  return sign(xml, key, 'Response');
}

/** Base64 of the UTF-8 bytes: the `SAMLResponse` form field. */
export function encodeSamlResponse(xml: string): string {
  return Buffer.from(xml, 'utf8').toString('base64');
}

/** Builds, signs (when a key is given) and base64-encodes in one step. */
export function buildEncodedSamlResponse(opts: SamlOptions, key?: SigningKey): string {
  let xml = buildSamlResponseXml(opts);
  if (key && !opts.encrypted && ((opts.statusCode ?? STATUS_SUCCESS) === STATUS_SUCCESS || opts.assertionOnError)) {
    xml = signAssertion(xml, key);
  }
  return encodeSamlResponse(xml);
}
