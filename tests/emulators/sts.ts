/**
 * A strict AWS STS emulator for AssumeRoleWithSAML (query protocol, XML answers, real error codes),
 * plus the SAML verification it shares with the AWS sign-in emulator.
 *
 * It checks what real STS checks (docs/sts.md): form body only, Action/Version, unsigned call,
 * XML signature against the provider's certificate (values read only from the signed element), issuer,
 * audience and recipient for the endpoint's partition, the 5-minute redemption window and NotOnOrAfter,
 * the (role, provider) pair, the partition of the endpoint, DurationSeconds vs the role's MaxSessionDuration,
 * RoleSessionName. Failures and latency can be injected through the control API: STS's own refusals, and what
 * else a client may meet on the way to STS (a request left hanging, a captive portal's or proxy's page, an empty
 * answer, credentials tampered with after every check passed).
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { DOMParser } from '@xmldom/xmldom';
import type { Document as XDocument, Element as XElement } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { AWS_ATTR, NS, STATUS_SUCCESS } from '../support/saml-builder';
import { readBody, requestHost } from './node-client';
import { findProvider, findRole } from './world';
import type { Partition, World, WorldProvider } from './world';

// ───────────────────────────── partitions and hosts ─────────────────────────────

export interface StsEndpoint {
  partition: Partition;
  region: string;
}

const REGION_RE = /^[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}$/;

/** The partition and region an STS hostname serves, or null when it is not an STS endpoint. */
export function stsEndpointForHost(host: string): StsEndpoint | null {
  const h = host.toLowerCase();
  if (h === 'sts.amazonaws.com') return { partition: 'aws', region: 'us-east-1' };
  let m = /^sts\.([a-z0-9-]+)\.amazonaws\.com$/.exec(h);
  if (m && REGION_RE.test(m[1]!) && !m[1]!.startsWith('cn-')) {
    return { partition: m[1]!.startsWith('us-gov-') ? 'aws-us-gov' : 'aws', region: m[1]! };
  }
  m = /^sts\.(cn-north-1|cn-northwest-1)\.amazonaws\.com\.cn$/.exec(h);
  if (m) return { partition: 'aws-cn', region: m[1]! };
  return null;
}

/** Audiences an IAM SAML provider in the partition accepts. */
export function audienceAcceptable(partition: Partition, audience: string): boolean {
  switch (partition) {
    case 'aws':
      return /^https:\/\/([a-z0-9-]+\.)?signin\.aws\.amazon\.com\/saml(#\d+)?$/.test(audience) || audience === 'urn:amazon:webservices';
    case 'aws-us-gov':
      return audience === 'urn:amazon:webservices:govcloud' || /^https:\/\/([a-z0-9-]+\.)?signin\.amazonaws-us-gov\.com\/saml(#\d+)?$/.test(audience);
    case 'aws-cn':
      return audience === 'urn:amazon:webservices:cn' || /^https:\/\/([a-z0-9-]+\.)?signin\.amazonaws\.cn\/saml(#\d+)?$/.test(audience);
  }
}

/** Whether `url` is an AWS sign-in ACS URL of the partition (global or regional, optional trailing slash). */
export function recipientAcceptable(partition: Partition, url: string): boolean {
  const host = { aws: 'signin\\.aws\\.amazon\\.com', 'aws-us-gov': 'signin\\.amazonaws-us-gov\\.com', 'aws-cn': 'signin\\.amazonaws\\.cn' }[partition];
  return new RegExp(`^https://([a-z0-9-]+\\.)?${host}/saml/?$`).test(url);
}

export function partitionOfArn(arn: string): Partition | null {
  const m = /^arn:(aws|aws-us-gov|aws-cn):/.exec(arn);
  return m ? (m[1] as Partition) : null;
}

const ROLE_ARN_RE = /^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
const PROVIDER_ARN_RE = /^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}):saml-provider\/([\w.-]{1,128})$/;
const SESSION_NAME_RE = /^[\w+=,.@-]{2,64}$/;

// ───────────────────────────── provider registry ─────────────────────────────

/** The IAM SAML providers "uploaded" with their metadata: provider ARN → signing certificate (PEM). */
export class ProviderRegistry {
  private readonly certs = new Map<string, string>();

  constructor(world: World, idpCertPem: string) {
    for (const p of world.providers) this.certs.set(p.arn, idpCertPem);
  }

  /** The provider's certificate, or undefined when the provider does not exist. */
  certFor(providerArn: string): string | undefined {
    return this.certs.get(providerArn);
  }

  /** Replace a provider's metadata certificate (rotation tests), or delete the provider with null. */
  set(providerArn: string, certPem: string | null): void {
    if (certPem === null) this.certs.delete(providerArn);
    else this.certs.set(providerArn, certPem);
  }

  /** Every distinct certificate registered. */
  allCerts(): string[] {
    return [...new Set(this.certs.values())];
  }
}

// ───────────────────────────── SAML verification ─────────────────────────────

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

// ───────────────────────────── STS emulator ─────────────────────────────

/**
 * Injected failures, each for one non-preflight request: STS throttling or a 5xx; the connection dropped (`reset`);
 * no answer at all until the client gives up (`hang`); a captive portal's HTML login page with status 200
 * (`html200`); a proxy's HTML `502 Bad Gateway` page (`proxy502`); a 200 with an empty body (`empty200`).
 */
export type FailureKind = 'throttle' | '500' | '503' | 'reset' | 'hang' | 'html200' | 'proxy502' | 'empty200';

/** An STS error answer to inject as it is (for codes the world cannot produce, e.g. `PackedPolicyTooLarge`). */
export interface InjectedStsError {
  status: number;
  code: string;
  message: string;
}

/** Values to put into the next successful answer in place of the issued ones (hostile or odd credentials). */
export type TamperedCredentials = Partial<Record<'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration', string>>;

export interface IssuedCredentials {
  host: string;
  roleArn: string;
  principalArn: string;
  /** The lifetime actually granted, in seconds. */
  durationSeconds: number;
  /** DurationSeconds as requested (undefined when the caller omitted it). */
  requestedDurationSeconds: number | undefined;
  roleSessionName: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601, e.g. `2026-11-22T11:00:00Z`. */
  expiration: string;
  assumedRoleArn: string;
  issuedAt: Date;
}

export interface StsRequestRecord {
  at: Date;
  host: string;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  hadQuery: boolean;
  /** Form parameter names seen in the body (values are not kept). */
  params: string[];
  /** 'OK', an STS error code, 'Preflight', or 'Reset'. */
  outcome: string;
  status: number;
}

export interface StsEmulator {
  /** Delay before every answer (preflights included), ms. */
  latencyMs: number;
  /** Answer the next `count` (default 1) non-preflight requests with an injected failure. */
  failNext(kind: FailureKind, count?: number): void;
  /** Answer the next `count` (default 1) non-preflight requests with this STS error, before any check. */
  errorNext(error: InjectedStsError, count?: number): void;
  /**
   * Let the next `count` (default 1) requests go through every check, then answer with these values in the
   * credentials (the `issued` log keeps what was really answered).
   */
  tamperNext(values: TamperedCredentials, count?: number): void;
  readonly issued: IssuedCredentials[];
  readonly requests: StsRequestRecord[];
  /** How many requests are being left hanging right now (a client that gave up has closed its own). */
  hangingCount(): number;
  /** Clears logs, pending failures, tampering and latency; ends hanging requests. */
  reset(): void;
  /** Credentials issued under this access key id, if any (used by the sign-in federation endpoint). */
  findIssued(accessKeyId: string): IssuedCredentials | undefined;
  /** The IAM SAML providers and their certificates (shared with the sign-in emulator). */
  readonly providers: ProviderRegistry;
  handles(host: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Cancels pending delayed answers (called by stop()). */
  close(): void;
}

export interface StsOptions {
  world: World;
  providers: ProviderRegistry;
  /** Clock (ms since epoch); default Date.now. */
  now?: () => number;
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const OTHER_STS_ACTIONS = new Set([
  'AssumeRole',
  'AssumeRoleWithWebIdentity',
  'AssumeRoot',
  'DecodeAuthorizationMessage',
  'GetAccessKeyInfo',
  'GetCallerIdentity',
  'GetFederationToken',
  'GetSessionToken',
  'GetDelegatedAccessToken',
  'GetWebIdentityToken',
]);

class StsError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {}
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomChars(alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** `2026-11-22T11:00:00Z`: STS writes whole seconds. */
function stsTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function subjectType(format: string | null): string {
  if (!format) return 'unspecified';
  const prefix = 'urn:oasis:names:tc:SAML:2.0:nameid-format:';
  return format.startsWith(prefix) ? format.slice(prefix.length) : format;
}

function validationError(problems: string[]): StsError {
  const n = problems.length;
  return new StsError(400, 'ValidationError', `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
}

function manifestNotFound(providerArn: string, requestId: string): StsError {
  return new StsError(
    400,
    'InvalidIdentityToken',
    `SAML provider ${providerArn} was not found for this endpoint (Service: AWSOpenIdDiscoveryService; Status Code: 400; Error Code: AuthSamlManifestNotFoundException; Request ID: ${requestId}; Proxy: null)`,
  );
}

/** Creates the STS emulator. Hosts: sts.amazonaws.com, sts.<region>.amazonaws.com (incl. us-gov-*), sts.cn-*.amazonaws.com.cn. */
/**
 * Signature verification is deterministic for the same assertion and certificate (time checks are separate),
 * so answers are memoised: a client redeeming one assertion for 20 roles in parallel then measures its own
 * concurrency rather than this process verifying the same XML 20 times on the client's CPU.
 */
const verifyMemo = new Map<string, VerifyResult>();
function verifyCached(assertionB64: string, certPem: string): VerifyResult {
  const key = `${certPem}\n${assertionB64}`;
  let result = verifyMemo.get(key);
  if (!result) {
    result = verifySamlResponse(assertionB64, [certPem]);
    if (verifyMemo.size >= 32) verifyMemo.delete(verifyMemo.keys().next().value!);
    verifyMemo.set(key, result);
  }
  return result;
}

/** What a captive portal and a proxy answer in STS's place. */
const notStsBodies = {
  html200:
    '<!DOCTYPE html>\n<html><head><title>Guest Wi-Fi</title></head><body><h1>Welcome</h1>' +
    '<form method="post" action="/login"><label>Room number <input name="room"></label><button>Connect</button></form></body></html>\n',
  proxy502:
    '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>The proxy could not reach the upstream server.</p></body></html>\n',
  empty200: '',
} as const;

export function createStsEmulator(opts: StsOptions): StsEmulator {
  const now = opts.now ?? Date.now;
  const failures: (FailureKind | InjectedStsError)[] = [];
  const tampering: TamperedCredentials[] = [];
  /** Requests left hanging on purpose, ended by reset() and close(). */
  const hanging = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const issued: IssuedCredentials[] = [];
  const requests: StsRequestRecord[] = [];

  function corsHeaders(req: IncomingMessage): OutgoingHttpHeaders {
    const origin = req.headers.origin;
    return {
      'access-control-allow-origin': typeof origin === 'string' && origin ? origin : '*',
      'access-control-expose-headers': 'x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date',
      vary: 'Origin',
    };
  }

  function send(req: IncomingMessage, res: ServerResponse, status: number, body: string, requestId: string): void {
    res.writeHead(status, {
      'x-amzn-RequestId': requestId,
      'content-type': 'text/xml',
      'content-length': Buffer.byteLength(body),
      date: new Date(now()).toUTCString(),
      ...corsHeaders(req),
    });
    res.end(body);
  }

  function errorBody(err: StsError, requestId: string): string {
    return (
      `<ErrorResponse xmlns="${STS_NS}">\n` +
      `  <Error>\n    <Type>${err.type}</Type>\n    <Code>${err.code}</Code>\n    <Message>${xmlText(err.message)}</Message>\n  </Error>\n` +
      `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`
    );
  }

  function assume(host: string, endpoint: StsEndpoint, params: URLSearchParams, requestId: string): string {
    // Parameter validation, in the order and wording of the AWS query protocol.
    const roleArn = params.get('RoleArn');
    const principalArn = params.get('PrincipalArn');
    const assertionB64 = params.get('SAMLAssertion');
    const durationRaw = params.get('DurationSeconds');
    const problems: string[] = [];
    if (roleArn === null) problems.push("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
    else if (roleArn.length < 20 || roleArn.length > 2048)
      problems.push(`Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20`);
    if (principalArn === null) problems.push("Value null at 'principalArn' failed to satisfy constraint: Member must not be null");
    else if (principalArn.length < 20 || principalArn.length > 2048)
      problems.push(`Value '${principalArn}' at 'principalArn' failed to satisfy constraint: Member must have length greater than or equal to 20`);
    if (assertionB64 === null) problems.push("Value null at 'sAMLAssertion' failed to satisfy constraint: Member must not be null");
    else if (assertionB64.length < 4)
      problems.push("Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length greater than or equal to 4");
    else if (assertionB64.length > 100000)
      problems.push("Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length less than or equal to 100000");
    let durationSeconds: number | undefined;
    if (durationRaw !== null) {
      if (!/^-?\d+$/.test(durationRaw.trim())) {
        throw new StsError(400, 'ValidationError', `Value '${durationRaw}' at 'durationSeconds' failed to satisfy constraint: Member must be an integer`);
      }
      durationSeconds = Number(durationRaw.trim());
      if (durationSeconds < 900)
        problems.push(`Value '${durationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`);
      else if (durationSeconds > 43200)
        problems.push(`Value '${durationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`);
    }
    if (problems.length) throw validationError(problems);
    const rArn = roleArn!;
    const pArn = principalArn!;

    // The provider must exist in the partition this endpoint serves.
    if (partitionOfArn(pArn) !== endpoint.partition || !PROVIDER_ARN_RE.test(pArn)) throw manifestNotFound(pArn, requestId);
    const certPem = opts.providers.certFor(pArn);
    const provider: WorldProvider | undefined = findProvider(pArn);
    if (!certPem || !provider) throw manifestNotFound(pArn, requestId);
    const accountId = provider.accountId;
    if (endpoint.partition === 'aws' && opts.world.stsDisabledRegions.includes(endpoint.region)) {
      throw new StsError(
        403,
        'RegionDisabledException',
        `STS is not activated in this region for account:${accountId}. Your account administrator can activate STS in this region using the IAM Console.`,
      );
    }

    const verified = verifyCached(assertionB64!, certPem);
    if (!verified.ok) {
      throw new StsError(400, 'InvalidIdentityToken', verified.message);
    }
    const a = verified.assertion;
    if (a.issuer !== provider.issuer) {
      throw new StsError(400, 'InvalidIdentityToken', 'Issuer not present in the metadata of the SAML provider');
    }
    const time = checkAssertionTime(a, now());
    if (!time.ok) {
      if (time.reason === 'not-yet-valid') throw new StsError(400, 'InvalidIdentityToken', time.message);
      throw new StsError(400, 'ExpiredTokenException', time.message);
    }
    if (a.audiences.length === 0 || !a.audiences.some((aud) => audienceAcceptable(endpoint.partition, aud))) {
      throw new StsError(400, 'InvalidIdentityToken', 'Audience in the SAML assertion does not match this service provider');
    }
    if (a.recipients.length === 0 || !a.recipients.every((r) => recipientAcceptable(endpoint.partition, r))) {
      throw new StsError(400, 'InvalidIdentityToken', 'Recipient in the SAML assertion is not an AWS sign-in endpoint of this partition');
    }
    const denied = new StsError(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML');
    if (!a.roles.some((r) => r.roleArn === rArn && r.providerArn === pArn)) throw denied;
    if (partitionOfArn(rArn) !== endpoint.partition) throw manifestNotFound(pArn, requestId);
    const role = findRole(rArn);
    // The role's trust policy trusts its own account's provider only.
    if (!role || role.providerArn !== pArn) throw denied;

    if (a.roleSessionName === null) {
      throw new StsError(400, 'InvalidIdentityToken', 'The SAML assertion does not contain the RoleSessionName attribute');
    }
    if (!SESSION_NAME_RE.test(a.roleSessionName)) {
      throw new StsError(403, 'IDPRejectedClaim', `Invalid RoleSessionName in the SAML assertion: '${a.roleSessionName}'`);
    }
    let sessionDuration: number | undefined;
    if (a.sessionDuration !== null) {
      sessionDuration = /^\d+$/.test(a.sessionDuration) ? Number(a.sessionDuration) : NaN;
      if (!(sessionDuration >= 900 && sessionDuration <= 43200)) {
        throw new StsError(400, 'InvalidIdentityToken', `Invalid SessionDuration in the SAML assertion: '${a.sessionDuration}'`);
      }
    }
    if (durationSeconds !== undefined && durationSeconds > role.maxSessionDuration) {
      throw new StsError(400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }

    const lifetime = Math.min(durationSeconds ?? 3600, sessionDuration ?? Number.POSITIVE_INFINITY);
    const issuedAt = now();
    const tampered = tampering.shift() ?? {};
    const accessKeyId = tampered.accessKeyId ?? `ASIA${randomChars(UPPER_ALNUM, 16)}`;
    const secretAccessKey = tampered.secretAccessKey ?? randomChars(SECRET_CHARS, 40);
    const sessionToken = tampered.sessionToken ?? `IQoJb3JpZ2luX2Vj${randomBytes(660).toString('base64')}`;
    const expiration = tampered.expiration ?? stsTime(issuedAt + lifetime * 1000);
    const assumedRoleArn = `arn:${role.partition}:sts::${role.accountId}:assumed-role/${role.roleName}/${a.roleSessionName}`;
    const audience = a.audiences.find((aud) => audienceAcceptable(endpoint.partition, aud))!;
    const nameQualifier = createHash('sha1').update(`${a.issuer}${accountId}/${provider.name}`).digest('base64');
    issued.push({
      host,
      roleArn: rArn,
      principalArn: pArn,
      durationSeconds: lifetime,
      requestedDurationSeconds: durationSeconds,
      roleSessionName: a.roleSessionName,
      accessKeyId,
      secretAccessKey,
      sessionToken,
      expiration,
      assumedRoleArn,
      issuedAt: new Date(issuedAt),
    });
    const sourceIdentity = a.sourceIdentity ? `    <SourceIdentity>${xmlText(a.sourceIdentity)}</SourceIdentity>\n` : '';
    return (
      `<AssumeRoleWithSAMLResponse xmlns="${STS_NS}">\n` +
      `  <AssumeRoleWithSAMLResult>\n` +
      `    <Audience>${xmlText(audience)}</Audience>\n` +
      `    <AssumedRoleUser>\n` +
      `      <AssumedRoleId>${role.roleId}:${xmlText(a.roleSessionName)}</AssumedRoleId>\n` +
      `      <Arn>${xmlText(assumedRoleArn)}</Arn>\n` +
      `    </AssumedRoleUser>\n` +
      `    <Credentials>\n` +
      `      <AccessKeyId>${xmlText(accessKeyId)}</AccessKeyId>\n` +
      `      <SecretAccessKey>${xmlText(secretAccessKey)}</SecretAccessKey>\n` +
      `      <SessionToken>${xmlText(sessionToken)}</SessionToken>\n` +
      `      <Expiration>${xmlText(expiration)}</Expiration>\n` +
      `    </Credentials>\n` +
      `    <Issuer>${xmlText(a.issuer)}</Issuer>\n` +
      `    <NameQualifier>${nameQualifier}</NameQualifier>\n` +
      sourceIdentity +
      `    <Subject>${xmlText(a.nameId)}</Subject>\n` +
      `    <SubjectType>${xmlText(subjectType(a.nameIdFormat))}</SubjectType>\n` +
      `  </AssumeRoleWithSAMLResult>\n` +
      `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
      `</AssumeRoleWithSAMLResponse>\n`
    );
  }

  async function processRequest(req: IncomingMessage, record: StsRequestRecord, requestId: string): Promise<{ status: number; body: string }> {
    const host = record.host;
    const endpoint = stsEndpointForHost(host)!;
    let bodyBuf: Buffer;
    try {
      bodyBuf = await readBody(req, 1024 * 1024);
    } catch {
      throw new StsError(413, 'RequestEntityTooLarge', 'Request size exceeds the maximum allowed.');
    }
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    const isForm = /^application\/x-www-form-urlencoded\s*(;|$)/.test(contentType);
    const params = isForm ? new URLSearchParams(bodyBuf.toString('utf8')) : new URLSearchParams();
    record.params = [...new Set(params.keys())];

    if (record.hadQuery) {
      throw new StsError(400, 'InvalidQueryParameter', 'Parameters must be sent in the request body, not in the URL (the SAML assertion never goes in a URL).');
    }
    if (req.method !== 'POST') throw new StsError(400, 'MissingAction', 'Missing Action');
    if (record.path !== '/') throw new StsError(404, 'UnknownOperationException', `No operation for path ${record.path}`);
    if (!isForm) throw new StsError(400, 'MissingAction', 'Missing Action');
    const action = params.get('Action');
    if (!action) throw new StsError(400, 'MissingAction', 'Missing Action');
    if (req.headers.authorization || req.headers['x-amz-security-token'] || params.has('X-Amz-Signature')) {
      throw new StsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    const version = params.get('Version');
    if (!version) throw new StsError(400, 'MissingParameter', 'The request must contain the parameter Version');
    if (action === 'AssumeRoleWithSAML' && version === '2011-06-15') {
      return { status: 200, body: assume(host, endpoint, params, requestId) };
    }
    if (OTHER_STS_ACTIONS.has(action) && version === '2011-06-15') {
      throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    }
    throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version ${version}`);
  }

  function delay(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  const emulator: StsEmulator = {
    latencyMs: 0,
    issued,
    requests,
    providers: opts.providers,
    failNext(kind: FailureKind, count = 1): void {
      for (let i = 0; i < count; i++) failures.push(kind);
    },
    errorNext(error: InjectedStsError, count = 1): void {
      for (let i = 0; i < count; i++) failures.push({ ...error });
    },
    tamperNext(values: TamperedCredentials, count = 1): void {
      for (let i = 0; i < count; i++) tampering.push({ ...values });
    },
    hangingCount(): number {
      return hanging.size;
    },
    reset(): void {
      endHanging();
      failures.length = 0;
      tampering.length = 0;
      issued.length = 0;
      requests.length = 0;
      emulator.latencyMs = 0;
    },
    findIssued(accessKeyId: string): IssuedCredentials | undefined {
      return issued.find((c) => c.accessKeyId === accessKeyId);
    },
    handles(host: string): boolean {
      return stsEndpointForHost(host) !== null;
    },
    handle(req: IncomingMessage, res: ServerResponse): void {
      const url = new URL(req.url ?? '/', 'https://sts.invalid');
      const requestId = randomUUID();
      const record: StsRequestRecord = {
        at: new Date(now()),
        host: requestHost(req),
        method: req.method ?? 'GET',
        path: url.pathname,
        headers: { ...req.headers },
        hadQuery: url.search.length > 1,
        params: [],
        outcome: 'pending',
        status: 0,
      };
      requests.push(record);
      const finish = (status: number, outcome: string, body: string): void => {
        record.status = status;
        record.outcome = outcome;
        if (!res.destroyed) send(req, res, status, body, requestId);
      };
      void (async () => {
        await delay(emulator.latencyMs);
        if (req.method === 'OPTIONS') {
          record.status = 200;
          record.outcome = 'Preflight';
          const requested = req.headers['access-control-request-headers'];
          res.writeHead(200, {
            ...corsHeaders(req),
            'access-control-allow-methods': 'GET,POST,OPTIONS',
            'access-control-allow-headers': typeof requested === 'string' && requested ? requested : '*',
            'access-control-max-age': '86400',
            'x-amzn-RequestId': requestId,
            'content-length': '0',
          });
          res.end();
          return;
        }
        const failure = failures.shift();
        if (failure === 'reset') {
          record.outcome = 'Reset';
          req.socket.destroy();
          return;
        }
        if (failure === 'hang') {
          record.outcome = 'Hang';
          req.resume();
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        }
        // Read the whole request first, as servers do: answering before the body is in leaves the connection
        // unusable, and the client's next request on it fails for a reason no real server gives.
        if (failure) await readBody(req, 1024 * 1024).catch(() => undefined);
        if (failure === 'html200' || failure === 'proxy502' || failure === 'empty200') {
          record.outcome = { html200: 'CaptivePortal', proxy502: 'ProxyError', empty200: 'Empty' }[failure];
          record.status = failure === 'proxy502' ? 502 : 200;
          // Not STS: no request id, no STS CORS headers, a body STS never sends.
          const body = notStsBodies[failure];
          res.writeHead(record.status, {
            'content-type': failure === 'empty200' ? 'text/plain' : 'text/html; charset=utf-8',
            'content-length': Buffer.byteLength(body),
          });
          res.end(body);
          return;
        }
        if (failure) {
          const err =
            typeof failure === 'object'
              ? new StsError(failure.status, failure.code, failure.message)
              : failure === 'throttle'
                ? new StsError(400, 'Throttling', 'Rate exceeded')
                : failure === '500'
                  ? new StsError(500, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.')
                  : new StsError(503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.');
          finish(err.status, err.code, errorBody(err, requestId));
          return;
        }
        try {
          const ok = await processRequest(req, record, requestId);
          finish(ok.status, 'OK', ok.body);
        } catch (e) {
          const err =
            e instanceof StsError
              ? e
              : new StsError(500, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.');
          if (!(e instanceof StsError)) console.error('sts emulator: unexpected error', e);
          finish(err.status, err.code, errorBody(err, requestId));
        }
      })();
    },
    close(): void {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      endHanging();
    },
  };

  function endHanging(): void {
    for (const res of hanging) res.destroy();
    hanging.clear();
  }
  return emulator;
}
