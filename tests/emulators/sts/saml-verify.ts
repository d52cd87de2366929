/**
 * SAML verification as AWS does it, shared by the STS and the AWS sign-in emulators: the signature against the
 * provider's certificate (values read only from the signed element), and the timing rules.
 */
import { DOMParser } from '@xmldom/xmldom';
import type { Document as XDocument, Element as XElement } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { AWS_ATTR, NS, STATUS_SUCCESS } from '../../support/saml-builder';
import { PROVIDER_ARN_RE, ROLE_ARN_RE } from './endpoints';

export interface VerifiedAssertion {
  /** Which element the trusted signature covers. */
  signedElement: 'Assertion' | 'Response';
  /** Certificate that verified the signature. */
  certPem: string;
  responseIssuer: string | null;
  issuer: string;
  assertionId: string;
  issueInstant: Date;
  notBefore: Date | null;
  /** Earliest NotOnOrAfter of Conditions and the bearer SubjectConfirmationData. */
  notOnOrAfter: Date | null;
  audiences: string[];
  recipients: string[];
  nameId: string;
  nameIdFormat: string | null;
  /** Role attribute values that parse as a (role, provider) pair, in order. */
  roles: Array<{ roleArn: string; providerArn: string }>;
  roleSessionName: string | null;
  sessionDuration: string | null;
  sourceIdentity: string | null;
  attributes: Map<string, string[]>;
}

export type VerifyResult =
  { ok: true; assertion: VerifiedAssertion } | { ok: false; reason: 'malformed' | 'status' | 'encrypted' | 'signature' | 'structure'; message: string };

function strictParse(xml: string): XDocument {
  return new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(message);
    },
  }).parseFromString(xml, 'text/xml');
}

function childElements(el: XElement, ns: string, local: string): XElement[] {
  const out: XElement[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1) {
      const e = n as XElement;
      if (e.namespaceURI === ns && e.localName === local) out.push(e);
    }
  }
  return out;
}

function child(el: XElement, ns: string, local: string): XElement | undefined {
  return childElements(el, ns, local)[0];
}

function text(el: XElement | undefined): string {
  return (el?.textContent ?? '').trim();
}

function parseInstant(value: string | null | undefined): Date | null {
  if (!value || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Splits one Role AttributeValue into (role, provider), either order, whitespace tolerated; null when malformed. */
export function parseRoleValue(value: string): { roleArn: string; providerArn: string } | null {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length !== 2) return null;
  const role = parts.find((p) => ROLE_ARN_RE.test(p));
  const provider = parts.find((p) => PROVIDER_ARN_RE.test(p));
  return role && provider ? { roleArn: role, providerArn: provider } : null;
}

function readAssertion(
  assertion: XElement,
  signedElement: 'Assertion' | 'Response',
  certPem: string,
  responseIssuer: string | null,
): VerifiedAssertion | string {
  const A = NS.assertion;
  const issuer = text(child(assertion, A, 'Issuer'));
  if (!issuer) return 'the assertion has no Issuer';
  const issueInstant = parseInstant(assertion.getAttribute('IssueInstant'));
  if (!issueInstant) return 'the assertion has no valid IssueInstant';
  const subject = child(assertion, A, 'Subject');
  const nameIdEl = subject ? child(subject, A, 'NameID') : undefined;
  const conditions = child(assertion, A, 'Conditions');
  const audiences = conditions ? childElements(conditions, A, 'AudienceRestriction').flatMap((r) => childElements(r, A, 'Audience').map((x) => text(x))) : [];
  const recipients: string[] = [];
  const ends: Date[] = [];
  const condEnd = parseInstant(conditions?.getAttribute('NotOnOrAfter'));
  if (condEnd) ends.push(condEnd);
  let bearer = false;
  for (const sc of subject ? childElements(subject, A, 'SubjectConfirmation') : []) {
    if (sc.getAttribute('Method') !== 'urn:oasis:names:tc:SAML:2.0:cm:bearer') continue;
    bearer = true;
    for (const scd of childElements(sc, A, 'SubjectConfirmationData')) {
      const r = scd.getAttribute('Recipient');
      if (r) recipients.push(r);
      const end = parseInstant(scd.getAttribute('NotOnOrAfter'));
      if (end) ends.push(end);
    }
  }
  if (!bearer) return 'the assertion has no bearer SubjectConfirmation';
  const attributes = new Map<string, string[]>();
  for (const st of childElements(assertion, A, 'AttributeStatement')) {
    for (const at of childElements(st, A, 'Attribute')) {
      const name = at.getAttribute('Name') ?? '';
      const values = childElements(at, A, 'AttributeValue').map((v) => v.textContent ?? '');
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }
  const first = (name: string): string | null => {
    const v = attributes.get(name);
    return v && v.length ? v[0]!.trim() : null;
  };
  return {
    signedElement,
    certPem,
    responseIssuer,
    issuer,
    assertionId: assertion.getAttribute('ID') ?? '',
    issueInstant,
    notBefore: parseInstant(conditions?.getAttribute('NotBefore')),
    notOnOrAfter: ends.length ? new Date(Math.min(...ends.map((d) => d.getTime()))) : null,
    audiences,
    recipients,
    nameId: text(nameIdEl),
    nameIdFormat: nameIdEl?.getAttribute('Format') ?? null,
    roles: (attributes.get(AWS_ATTR.role) ?? []).map(parseRoleValue).filter((r): r is { roleArn: string; providerArn: string } => r !== null),
    roleSessionName: first(AWS_ATTR.roleSessionName),
    sessionDuration: first(AWS_ATTR.sessionDuration),
    sourceIdentity: first('https://aws.amazon.com/SAML/Attributes/SourceIdentity'),
    attributes,
  };
}

/**
 * Decodes and verifies a base64 SAMLResponse against `trustedCerts` (KeyInfo in the message is ignored).
 * Guards against signature wrapping: exactly one Assertion, the signature must sit in that Assertion or the
 * Response root, and every value is read from the canonical bytes the signature's Reference covers.
 */
export function verifySamlResponse(samlResponseB64: string, trustedCerts: readonly string[]): VerifyResult {
  const compact = samlResponseB64.replace(/\s+/g, '');
  if (!compact || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1) {
    return { ok: false, reason: 'malformed', message: 'Invalid base64 SAMLResponse' };
  }
  const xml = Buffer.from(compact, 'base64').toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return { ok: false, reason: 'malformed', message: 'DTDs are not allowed in a SAML response' };
  let doc: XDocument;
  try {
    doc = strictParse(xml);
  } catch {
    return { ok: false, reason: 'malformed', message: 'Response is not well-formed XML' };
  }
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== NS.protocol || root.localName !== 'Response') {
    return { ok: false, reason: 'malformed', message: 'The document is not a SAML 2.0 Response' };
  }
  const statusCode = (() => {
    const st = child(root, NS.protocol, 'Status');
    return st ? child(st, NS.protocol, 'StatusCode')?.getAttribute('Value') : undefined;
  })();
  if (statusCode !== STATUS_SUCCESS) {
    return { ok: false, reason: 'status', message: `The SAML response status is ${statusCode ?? 'missing'}` };
  }
  if (doc.getElementsByTagNameNS(NS.assertion, 'EncryptedAssertion').length > 0) {
    return { ok: false, reason: 'encrypted', message: 'Encrypted assertions cannot be decrypted: no private key is configured for this provider' };
  }
  const assertions = doc.getElementsByTagNameNS(NS.assertion, 'Assertion');
  if (assertions.length !== 1 || assertions[0]!.parentNode !== root) {
    return { ok: false, reason: 'structure', message: 'The SAML response must contain exactly one Assertion' };
  }
  const docAssertion = assertions[0]!;
  const responseIssuer = text(child(root, NS.assertion, 'Issuer')) || null;

  // Candidate signatures: directly inside the Assertion or directly inside the Response.
  const candidates = [...childElements(docAssertion, NS.dsig, 'Signature'), ...childElements(root, NS.dsig, 'Signature')];
  if (candidates.length === 0) return { ok: false, reason: 'signature', message: 'The SAML response is not signed' };
  for (const sigEl of candidates) {
    const parent = sigEl.parentNode as XElement;
    const signedElement = parent === root ? 'Response' : 'Assertion';
    for (const certPem of trustedCerts) {
      const sx = new SignedXml({ publicCert: certPem, getCertFromKeyInfo: () => null });
      let valid: boolean;
      try {
        sx.loadSignature(sigEl as unknown as Node);
        valid = sx.checkSignature(xml);
      } catch {
        valid = false;
      }
      if (!valid) continue;
      // The reference must cover the element that holds the signature (an enveloped signature of that element).
      const refs = sx.getSignedReferences();
      const parentId = parent.getAttribute('ID');
      for (const ref of refs) {
        let signedDoc: XDocument;
        try {
          signedDoc = strictParse(ref);
        } catch {
          continue;
        }
        const signedRoot = signedDoc.documentElement;
        if (!signedRoot || signedRoot.localName !== signedElement || signedRoot.getAttribute('ID') !== parentId) continue;
        let signedAssertion: XElement | undefined;
        if (signedElement === 'Assertion') {
          if (signedRoot.namespaceURI !== NS.assertion) continue;
          signedAssertion = signedRoot;
        } else {
          if (signedRoot.namespaceURI !== NS.protocol) continue;
          const inner = childElements(signedRoot, NS.assertion, 'Assertion');
          if (inner.length !== 1) continue;
          signedAssertion = inner[0];
        }
        if (!signedAssertion || signedAssertion.getAttribute('ID') !== docAssertion.getAttribute('ID')) continue;
        const read = readAssertion(signedAssertion, signedElement, certPem, responseIssuer);
        if (typeof read === 'string') return { ok: false, reason: 'structure', message: read };
        return { ok: true, assertion: read };
      }
    }
  }
  return { ok: false, reason: 'signature', message: 'Signature validation failed' };
}

export type TimeCheck = { ok: true } | { ok: false; reason: 'window' | 'expired' | 'not-yet-valid'; message: string };

/** AWS's timing rules: redeem within 5 minutes of IssueInstant, before NotOnOrAfter, not before NotBefore. */
export function checkAssertionTime(a: VerifiedAssertion, nowMs: number): TimeCheck {
  if (a.issueInstant.getTime() + 5 * 60_000 <= nowMs) {
    return { ok: false, reason: 'window', message: 'Token must be redeemed within 5 minutes of issuance' };
  }
  if (a.notOnOrAfter && a.notOnOrAfter.getTime() <= nowMs) {
    return { ok: false, reason: 'expired', message: 'Token is expired' };
  }
  // A small allowance for IdP clocks running fast, as real services allow.
  if ((a.notBefore && a.notBefore.getTime() > nowMs + 60_000) || a.issueInstant.getTime() > nowMs + 5 * 60_000) {
    return { ok: false, reason: 'not-yet-valid', message: 'Token is not yet valid' };
  }
  return { ok: true };
}

// Signature verification is deterministic for the same assertion and certificate (time checks are separate),
// so answers are memoised: a client redeeming one assertion for 20 roles in parallel then measures its own
// concurrency rather than this process verifying the same XML 20 times on the client's CPU.
const verifyMemo = new Map<string, VerifyResult>();
/** `verifySamlResponse` against one certificate, memoised (the last 32 answers). */
export function verifyCached(assertionB64: string, certPem: string): VerifyResult {
  const key = `${certPem}\n${assertionB64}`;
  let result = verifyMemo.get(key);
  if (!result) {
    result = verifySamlResponse(assertionB64, [certPem]);
    if (verifyMemo.size >= 32) verifyMemo.delete(verifyMemo.keys().next().value!);
    verifyMemo.set(key, result);
  }
  return result;
}
