/**
 * Where roles are parsed: SAMLResponse (base64) → XML → a summary of what the assertion allows.
 * Pure; runs in the background, the popup and Node. Never match on a namespace prefix (Entra uses the
 * default namespace, Okta `saml2:`, ADFS others): prefixes are stripped and local names compared.
 * Facts: docs/saml-and-entra.md#the-saml-response.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseRoleValue, type SamlRole } from './arn';

/** STS refuses a SAMLAssertion parameter longer than this. */
export const MAX_SAML_RESPONSE_LENGTH = 100_000;
/** STS refuses an assertion this long after its IssueInstant ("must be redeemed within 5 minutes"). */
export const REDEMPTION_WINDOW_MS = 5 * 60 * 1000;

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

export interface SamlError {
  code: SamlErrorCode;
  /** Plain words, safe to show: never contains the assertion. */
  message: string;
}

export type SamlParseResult = { ok: true; summary: SamlSummary } | { ok: false; error: SamlError };

type XmlNode = Record<string, unknown>;

const ARRAY_ELEMENTS = new Set(['Assertion', 'EncryptedAssertion', 'AttributeStatement', 'Attribute', 'AttributeValue', 'SubjectConfirmation', 'AudienceRestriction', 'Audience']);

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

function fail(code: SamlErrorCode, message: string): SamlParseResult {
  return { ok: false, error: { code, message } };
}

/** Decodes base64 (whitespace allowed, as some IdPs wrap lines) to a UTF-8 string, or null. */
function decodeBase64Utf8(input: string): string | null {
  const compact = input.replace(/[\s]+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return null;
  try {
    const binary = atob(compact);
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

function statusFailure(status: XmlNode | undefined): SamlParseResult | null {
  const code = child(status, 'StatusCode');
  const value = attr(code, 'Value');
  if (value === undefined || value === SUCCESS) return null;
  const sub = attr(child(code, 'StatusCode'), 'Value');
  const message = text(child(status, 'StatusMessage'));
  const short = (urn: string) => urn.replace('urn:oasis:names:tc:SAML:2.0:status:', '');
  const codes = sub ? `${short(value)} / ${short(sub)}` : short(value);
  return fail(
    'status-not-success',
    `The identity provider did not sign you in (${codes})${message ? `: ${message}` : '.'} Sign in again from My Apps; if it keeps failing, show this message to your Entra admin.`,
  );
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
      `The SAML response is ${length.toLocaleString('en-US')} characters; AWS STS accepts at most ${MAX_SAML_RESPONSE_LENGTH.toLocaleString('en-US')}. Ask your Entra admin to send fewer claims (for example group claims) to the AWS app.`,
    );
  }
  const xml = decodeBase64Utf8(samlResponse);
  if (xml === null) return fail('not-base64', 'The SAMLResponse sent to AWS is not valid base64-encoded text, so it cannot be a SAML response.');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    return fail('doctype', 'The SAML response contains a DOCTYPE or entity declaration. Identity providers never send one, so it was refused for safety.');
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return fail('not-xml', `The SAML response is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}).`);
  }
  let doc: XmlNode;
  try {
    doc = parser.parse(xml) as XmlNode;
  } catch (e) {
    return fail('not-xml', `The SAML response could not be read as XML (${e instanceof Error ? e.message : 'parse error'}).`);
  }
  const rootName = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  const response = child(doc, 'Response');
  if (!response || rootName !== 'Response') {
    return fail('not-saml-response', `The data posted to AWS is XML but not a SAML 2.0 Response (its root element is <${rootName ?? 'none'}>).`);
  }
  const failure = statusFailure(child(response, 'Status'));
  if (failure) return failure;

  const assertion = child(response, 'Assertion');
  if (!assertion) {
    if (child(response, 'EncryptedAssertion')) {
      return fail(
        'encrypted-assertion',
        'This sign-in carries an encrypted assertion (Entra token encryption is on for the AWS app), so the roles in it cannot be read in the browser. Ask your Entra admin whether token encryption is required for AWS; without it, your roles appear here.',
      );
    }
    return fail('no-assertion', 'The SAML response holds no assertion, so it grants no AWS roles. Sign in again from My Apps.');
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
      `The assertion has no ${ATTR.role} claim, so AWS cannot know which roles you may use. Ask your Entra admin to map roles for the AWS app (Single sign-on → Attributes & Claims).`,
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
      `None of the ${roleValues.length} role value(s) in the assertion is a valid "role ARN,provider ARN" pair. Ask your Entra admin to check the AWS app's role claim.`,
    );
  }
  if (skipped > 0) warnings.push(`${skipped} role value(s) in the assertion were not valid "role ARN,provider ARN" pairs and were skipped.`);

  const issuer = text(child(assertion, 'Issuer')) ?? text(child(response, 'Issuer')) ?? '';
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
    warnings.push(`The RoleSessionName "${roleSessionName.slice(0, 80)}" is not 2–64 characters of letters, digits and +=,.@_-; AWS will refuse this sign-in.`);
  }
  const durationText = attributes.get(ATTR.sessionDuration)?.[0];
  let sessionDuration: number | undefined;
  if (durationText !== undefined) {
    const n = Number(durationText);
    if (Number.isInteger(n) && n >= 900 && n <= 43200) sessionDuration = n;
    else warnings.push(`The SessionDuration claim "${durationText.slice(0, 40)}" is not a whole number of seconds from 900 to 43200; it was ignored.`);
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
