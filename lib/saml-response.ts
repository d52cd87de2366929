/**
 * Where roles are parsed: SAMLResponse (base64) → XML → a summary of what the assertion allows.
 * Pure; runs in the background, the popup and Node. Never match on a namespace prefix (Entra uses the
 * default namespace, Okta `saml2:`, ADFS others): prefixes are stripped and local names compared.
 * Facts: docs/saml-and-entra.md#the-saml-response.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseRoleValue, type SamlRole } from './arn';
import { identifyIdp, idpWords, type IdpWords } from './idp';

/** STS refuses a SAMLAssertion parameter longer than this. */
export const MAX_SAML_RESPONSE_LENGTH = 100_000;
/** STS refuses an assertion this long after its IssueInstant ("must be redeemed within 5 minutes"). */
export const REDEMPTION_WINDOW_MS = 5 * 60 * 1000;
/** The longest error message or warning the parser produces. */
export const MAX_MESSAGE_LENGTH = 600;
/** The longest part of an error message quoted from the IdP's StatusMessage. */
export const MAX_IDP_MESSAGE_LENGTH = 300;
/** The longest detail taken from the XML validator's own complaint. */
const MAX_XML_DETAIL_LENGTH = 200;
/** The longest status code (after its URN prefix) quoted from the IdP. */
const MAX_STATUS_CODE_LENGTH = 40;

const ATTR = {
  role: 'https://aws.amazon.com/SAML/Attributes/Role',
  roleSessionName: 'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
  sessionDuration: 'https://aws.amazon.com/SAML/Attributes/SessionDuration',
  tenantId: 'http://schemas.microsoft.com/identity/claims/tenantid',
  name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
} as const;

const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ENTRA_ISSUER = /^https:\/\/sts\.windows\.net\/([0-9a-f-]{36})\/?$/i;

/** What the extension knows about one SAML sign-in, without the assertion itself. */
export interface SamlSummary {
  responseId?: string;
  issuer: string;
  /** Entra tenant id, from the issuer or the tenantid claim. */
  tenantId?: string;
  /** The AWS app's entity id (`AudienceRestriction/Audience`). */
  audience?: string;
  /** `SubjectConfirmationData@Recipient`: the ACS URL the IdP meant. */
  recipient?: string;
  /** `Response@Destination`, when present. */
  destination?: string;
  /** `Response@InResponseTo` (else the bearer confirmation's): the AuthnRequest ID of an SP-initiated sign-in. */
  inResponseTo?: string;
  /** The top-level status code and its second-level code, full URNs. */
  status?: SamlStatus;
  /** The signed-in user (NameID, or Entra's name claim). */
  subject?: string;
  roleSessionName?: string;
  /** The SessionDuration attribute, seconds (900–43200), when present and valid. */
  sessionDuration?: number;
  /** Epoch ms. */
  issueInstant?: number;
  /** Epoch ms after which STS will refuse the assertion (issue + 5 min, or an earlier NotOnOrAfter). */
  usableUntil: number;
  /** Distinct roles in assertion order. */
  roles: SamlRole[];
  /** Role values that were not a valid role/provider pair and were skipped. */
  skippedRoleValues: number;
  /** Things the user should know that do not stop the sign-in (shown in the popup). */
  warnings: string[];
}

export type SamlErrorCode =
  | 'too-large'
  | 'not-base64'
  | 'not-xml'
  | 'doctype'
  | 'not-saml-response'
  | 'status-not-success'
  | 'encrypted-assertion'
  | 'no-assertion'
  | 'no-role-attribute'
  | 'no-valid-roles';

/** A Response's `StatusCode@Value` and its nested second-level `StatusCode@Value` (e.g. `…:status:NoPassive`). */
export interface SamlStatus {
  code: string;
  subCode?: string;
}

export interface SamlError {
  code: SamlErrorCode;
  /** With `status-not-success`: the status as sent, and the request it answers, for silent renewal's classifier. */
  status?: SamlStatus;
  inResponseTo?: string;
  /**
   * Plain words, safe to show: one line of at most MAX_MESSAGE_LENGTH characters, no control or bidi characters,
   * nothing from the assertion except the IdP's own status message and status codes.
   */
  message: string;
}

export type SamlParseResult = { ok: true; summary: SamlSummary } | { ok: false; error: SamlError };

type XmlNode = Record<string, unknown>;

const ARRAY_ELEMENTS = new Set([
  'Assertion',
  'EncryptedAssertion',
  'AttributeStatement',
  'Attribute',
  'AttributeValue',
  'SubjectConfirmation',
  'AudienceRestriction',
  'Audience',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true, // decodes numeric character references such as &#13; (ADFS pads values with them)
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => ARRAY_ELEMENTS.has(name),
});

/** Root elements worth naming when the document is XML but not a Response; any other name stays unsaid. */
const KNOWN_ROOTS = new Set([
  'Assertion',
  'EncryptedAssertion',
  'LogoutResponse',
  'LogoutRequest',
  'AuthnRequest',
  'ArtifactResponse',
  'EntityDescriptor',
  'html',
]);

// Control and format characters (bidi overrides, zero-width), lone surrogates and line separators: none belongs in a
// one-line message, and bidi overrides can make a message read differently from what it says.
const BREAKING_CHARS = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
const INVISIBLE_CHARS = /[\p{Cf}\p{Cs}]/gu;

/** `value` as one plain line of at most `max` characters; an ellipsis marks a cut. */
function plainLine(value: string, max: number): string {
  const line = value.replace(INVISIBLE_CHARS, '').replace(BREAKING_CHARS, ' ').replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(line.charAt(cut - 1))) cut--; // never split a surrogate pair
  return `${line.slice(0, cut).trimEnd()}…`;
}

/** The validator's complaint without the document's own text: everything it quotes (names, characters) is left out. */
function xmlDetail(message: string): string {
  return plainLine(message.replace(/'.*'/s, "'…'").replace(/\.$/, ''), MAX_XML_DETAIL_LENGTH);
}

/** The next step when the cause may be passing (or is unknown): sign in again, then ask the admin. */
function retryAdvice(words: IdpWords): string {
  return `${words.signInAgain}; if it keeps failing, show this message to ${words.admin}.`;
}

/** Before the issuer is known, advice cannot name the IdP. */
const NEUTRAL = idpWords('other');

function fail(code: SamlErrorCode, message: string): SamlParseResult {
  return { ok: false, error: { code, message: plainLine(message, MAX_MESSAGE_LENGTH) } };
}

/** Decodes base64 (whitespace allowed, as some IdPs wrap lines) to a UTF-8 string, or null. */
function decodeBase64Utf8(input: string): string | null {
  const compact = input.replace(/[\s]+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return null;
  try {
    const binary = atob(compact);
    // Most assertions are ASCII, which is already the text: a cold worker's first parse skips a 40,000-step loop.
    if (!/[^\x00-\x7f]/.test(binary)) return binary;
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function child(node: unknown, name: string): XmlNode | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const value = (node as XmlNode)[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return undefined;
  // An element with neither attributes nor children parses to a string; wrap it.
  return typeof first === 'object' ? (first as XmlNode) : { '#text': String(first) };
}

function children(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== 'object') return [];
  const value = (node as XmlNode)[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((v) => (v !== null && typeof v === 'object' ? (v as XmlNode) : { '#text': v === null ? '' : String(v) }));
}

function text(node: XmlNode | undefined): string | undefined {
  if (!node) return undefined;
  const t = node['#text'];
  return t === undefined ? undefined : String(t).trim();
}

function attr(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.['@' + name];
  return v === undefined ? undefined : String(v).trim();
}

function time(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function statusOf(status: XmlNode | undefined): SamlStatus | undefined {
  const code = child(status, 'StatusCode');
  const value = attr(code, 'Value');
  if (value === undefined) return undefined;
  const sub = attr(child(code, 'StatusCode'), 'Value');
  return sub ? { code: value, subCode: sub } : { code: value };
}

function statusFailure(status: XmlNode | undefined, words: IdpWords): SamlParseResult | null {
  const found = statusOf(status);
  if (found === undefined || found.code === SUCCESS) return null;
  const { code: value, subCode: sub } = found;
  const message = plainLine(text(child(status, 'StatusMessage')) ?? '', MAX_IDP_MESSAGE_LENGTH);
  const short = (urn: string) => plainLine(urn.replace('urn:oasis:names:tc:SAML:2.0:status:', ''), MAX_STATUS_CODE_LENGTH);
  const codes = sub ? `${short(value)} / ${short(sub)}` : short(value);
  const said = message ? `: ${message}${/[.!?…]$/.test(message) ? '' : '.'}` : '.';
  const result = fail('status-not-success', `The identity provider did not sign you in (${codes})${said} ${retryAdvice(words)}`);
  if (!result.ok) result.error.status = found;
  return result;
}

/**
 * Parses a base64 SAMLResponse as posted to the AWS sign-in page. Never throws; every failure is a
 * specific, user-presentable SamlError. `now` only matters for an assertion without any time in it.
 */
export function parseSamlResponse(samlResponse: string, now: number = Date.now()): SamlParseResult {
  const length = samlResponse.replace(/\s+/g, '').length;
  if (length > MAX_SAML_RESPONSE_LENGTH) {
    return fail(
      'too-large',
      `The SAML response is ${length.toLocaleString('en-US')} characters; AWS STS accepts at most ${MAX_SAML_RESPONSE_LENGTH.toLocaleString('en-US')}. Ask ${NEUTRAL.admin} to send fewer claims (for example group claims) to the AWS app.`,
    );
  }
  const xml = decodeBase64Utf8(samlResponse);
  if (xml === null) {
    return fail('not-base64', `The SAMLResponse sent to AWS is not valid base64-encoded text, so it cannot be a SAML response. ${retryAdvice(NEUTRAL)}`);
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    return fail(
      'doctype',
      `The SAML response contains a DOCTYPE or entity declaration. Identity providers never send one, so it was refused for safety. ${retryAdvice(NEUTRAL)}`,
    );
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    const where = Number.isInteger(line) ? `line ${line}${Number.isInteger(col) ? `, column ${col}` : ''}: ` : '';
    return fail('not-xml', `The SAML response is not well-formed XML (${where}${xmlDetail(String(msg))}). ${retryAdvice(NEUTRAL)}`);
  }
  let doc: XmlNode;
  try {
    doc = parser.parse(xml) as XmlNode;
  } catch {
    // The parser's messages quote the document unmarked, so none of it is shown.
    return fail('not-xml', `The SAML response could not be read as XML. ${retryAdvice(NEUTRAL)}`);
  }
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  const response = child(doc, 'Response');
  if (!response || rootName !== 'Response') {
    const root =
      rootName === undefined
        ? 'there is no root element'
        : KNOWN_ROOTS.has(rootName)
          ? `its root element is <${rootName}>`
          : 'its root element is something else';
    return fail('not-saml-response', `The data posted to AWS is XML but not a SAML 2.0 Response (${root}). ${retryAdvice(NEUTRAL)}`);
  }
  const responseIssuer = text(child(response, 'Issuer'));
  const assertion = child(response, 'Assertion');
  const issuer = text(child(assertion, 'Issuer')) ?? responseIssuer ?? '';
  const idp = identifyIdp(issuer);
  const words = idpWords(idp.kind);
  const failure = statusFailure(child(response, 'Status'), words);
  if (failure) {
    const inResponseTo = attr(response, 'InResponseTo');
    if (!failure.ok && inResponseTo) failure.error.inResponseTo = inResponseTo;
    return failure;
  }

  if (!assertion) {
    if (child(response, 'EncryptedAssertion')) {
      const [on, feature] = idp.kind === 'entra' ? ['Entra token encryption is on', 'token encryption'] : [`${idp.name} encrypts it`, 'assertion encryption'];
      return fail(
        'encrypted-assertion',
        `This sign-in carries an encrypted assertion (${on} for the AWS app), so the roles in it cannot be read in the browser. Ask ${words.admin} whether ${feature} is required for AWS; without it, your roles appear here.`,
      );
    }
    return fail('no-assertion', `The SAML response holds no assertion, so it grants no AWS roles. ${words.signInAgain}.`);
  }

  const warnings: string[] = [];
  const attributes = new Map<string, string[]>();
  for (const statement of children(assertion, 'AttributeStatement')) {
    for (const attribute of children(statement, 'Attribute')) {
      const name = attr(attribute, 'Name');
      if (!name) continue;
      const values = children(attribute, 'AttributeValue').map((v) => text(v) ?? '');
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }

  const roleValues = attributes.get(ATTR.role);
  if (!roleValues) {
    return fail(
      'no-role-attribute',
      `The assertion has no ${ATTR.role} claim, so AWS cannot know which roles you may use. Ask ${words.admin} to map roles in ${words.claimsPlace}.`,
    );
  }
  const roles: SamlRole[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const value of roleValues) {
    const role = parseRoleValue(value);
    if (!role) {
      skipped++;
      continue;
    }
    if (seen.has(role.roleArn)) continue;
    seen.add(role.roleArn);
    roles.push(role);
  }
  if (roles.length === 0) {
    return fail(
      'no-valid-roles',
      `None of the ${roleValues.length} role value(s) in the assertion is a valid "role ARN,provider ARN" pair. Ask ${words.admin} to check the Role claim in ${words.claimsPlace}.`,
    );
  }
  if (skipped > 0) warnings.push(`${skipped} role value(s) in the assertion were not valid "role ARN,provider ARN" pairs and were skipped.`);

  const tenantId = ENTRA_ISSUER.exec(issuer)?.[1] ?? attributes.get(ATTR.tenantId)?.[0];
  const subjectNode = child(assertion, 'Subject');
  const confirmationData = children(subjectNode, 'SubjectConfirmation')
    .map((c) => child(c, 'SubjectConfirmationData'))
    .find((d) => d !== undefined);
  const conditions = child(assertion, 'Conditions');
  const audience = children(conditions, 'AudienceRestriction')
    .flatMap((r) => children(r, 'Audience'))
    .map((a) => text(a))
    .find((a) => a);

  const roleSessionName = attributes.get(ATTR.roleSessionName)?.[0];
  if (roleSessionName !== undefined && !ROLE_SESSION_NAME.test(roleSessionName)) {
    warnings.push(
      `The RoleSessionName "${plainLine(roleSessionName, 80)}" is not 2–64 characters of letters, digits and +=,.@_-; AWS will refuse this sign-in.`,
    );
  }
  const durationText = attributes.get(ATTR.sessionDuration)?.[0];
  let sessionDuration: number | undefined;
  if (durationText !== undefined) {
    const n = Number(durationText);
    if (Number.isInteger(n) && n >= 900 && n <= 43200) sessionDuration = n;
    else warnings.push(`The SessionDuration claim "${plainLine(durationText, 40)}" is not a whole number of seconds from 900 to 43200; it was ignored.`);
  }

  const issueInstant = time(attr(assertion, 'IssueInstant')) ?? time(attr(response, 'IssueInstant'));
  const limits = [
    issueInstant !== undefined ? issueInstant + REDEMPTION_WINDOW_MS : undefined,
    time(attr(confirmationData, 'NotOnOrAfter')),
    time(attr(conditions, 'NotOnOrAfter')),
  ].filter((t): t is number => t !== undefined);

  return {
    ok: true,
    summary: {
      responseId: attr(response, 'ID'),
      issuer,
      tenantId,
      audience,
      recipient: attr(confirmationData, 'Recipient') ?? attr(response, 'Destination'),
      destination: attr(response, 'Destination'),
      inResponseTo: attr(response, 'InResponseTo') ?? attr(confirmationData, 'InResponseTo'),
      status: statusOf(child(response, 'Status')),
      subject: text(child(subjectNode, 'NameID')) ?? attributes.get(ATTR.name)?.[0],
      roleSessionName,
      sessionDuration,
      issueInstant,
      usableUntil: limits.length > 0 ? Math.min(...limits) : now + REDEMPTION_WINDOW_MS,
      roles,
      skippedRoleValues: skipped,
      warnings,
    },
  };
}
