/**
 * What a captured sign-in is, how the SAMLResponse is pulled out of the browser's ACS POST, and whether a post
 * becomes a capture (`planCapture`: who sent it, is it a repeat, may it replace the sign-in there is). Pure.
 */
import type { AwsCredentials } from './credentials';
import { identifyIdp, type IdpKind } from './idp';
import { PARTITION_INFO, type AcsEndpoint } from './partitions';
import type { SamlError, SamlSummary } from './saml-response';
import type { TrustedOrigin } from './sign-in-origin';
import type { PlainError } from './sts-errors';
import type { Partition } from './partitions';

/** Where a sign-in came from: the page that posted it (as the browser reported it) and the IdP it names. */
export interface CaptureSource {
  /** `https://host` of the page that started the POST. */
  origin: string;
  host: string;
  /** Whether the page is one the extension knows, or one the user or organisation trusted in the settings. */
  trust: TrustedOrigin['trust'];
  /** From the assertion's issuer (a hint for wording: the issuer is not verified). */
  idp: IdpKind;
  /** The Entra tenant id, Google IdP id or AD FS host, when the assertion names one. */
  tenant?: string;
}

/** One sign-in to one AWS app (Entra enterprise application), kept side by side with other apps' sign-ins. */
export interface Capture {
  /** Stable per AWS app: issuer + audience. A new sign-in to the same app from the same page replaces the old one. */
  id: string;
  capturedAt: number;
  acs: AcsEndpoint & { url: string };
  summary: SamlSummary;
  /** The base64 SAMLResponse, needed for STS; removed once it can no longer be redeemed. */
  samlResponse?: string;
  /** SHA-256 of the SAMLResponse (kept after it is removed), to recognise the role picker posting it again. */
  assertionDigest?: string;
  source?: CaptureSource;
}

/** Why a post to the AWS sign-in page was not taken although it carried a SAMLResponse. */
export interface SignInRefusal {
  /** `untrusted-page`: not an IdP's page; `relayed`: only AWS's page passed it on; `other-page`: a sign-in already came from another page. */
  code: 'untrusted-page' | 'relayed' | 'other-page';
  /** Plain words with the next step; names hosts, never the assertion. */
  message: string;
}

/** A sign-in that reached AWS but could not be used (malformed, encrypted, refused…). */
export interface CaptureProblem {
  capturedAt: number;
  acsHost: string;
  error: SamlError | SignInRefusal;
  /** The host of the page that posted it, when the browser named one. */
  page?: string;
  /** SHA-256 of its SAMLResponse, so the role picker's repeat of the same post is not reported again. */
  assertionDigest?: string;
}

interface RoleRef {
  roleArn: string;
  captureId: string;
  accountId: string;
  roleName: string;
  partition: Partition;
  /** Set for a role reached by role chaining: the role (of the same sign-in) whose session assumed it. */
  chainedFrom?: string;
}

/** The state of one role after the user pressed Assume; one per role ARN. */
export type RoleOutcome =
  | (RoleRef & { status: 'pending'; startedAt: number })
  | (RoleRef & {
      status: 'ok';
      profileName: string;
      credentials: AwsCredentials;
      assumedRoleArn?: string;
      durationSeconds: number;
      notice?: string;
      assumedAt: number;
      stsHost: string;
      /** The name a learnt alias would give it; the role keeps `profileName` until the user accepts the rename. */
      renameTo?: string;
    })
  | (RoleRef & { status: 'error'; error: PlainError; finishedAt: number; stsHost: string });

/** The subset of webRequest's `requestBody` we read. */
export interface RequestBodyLike {
  formData?: Record<string, unknown>;
  raw?: { bytes?: ArrayBuffer }[];
}

/** The form fields of the ACS POST: from `formData`, else decoded from the `raw` bytes. */
export function formFieldsFromRequestBody(body: RequestBodyLike | null | undefined): Map<string, string> {
  const fields = new Map<string, string>();
  if (!body) return fields;
  if (body.formData) {
    for (const [name, values] of Object.entries(body.formData)) {
      const first: unknown = Array.isArray(values) ? values[0] : values;
      if (typeof first === 'string') fields.set(name, first);
    }
    return fields;
  }
  const chunks = (body.raw ?? []).map((r) => r.bytes).filter((b): b is ArrayBuffer => b !== undefined);
  if (chunks.length === 0) return fields;
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(new Uint8Array(c), offset);
    offset += c.byteLength;
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  for (const [name, value] of new URLSearchParams(text)) if (!fields.has(name)) fields.set(name, value);
  return fields;
}

/** SHA-256 (base64url) of a SAMLResponse: recognises a repeat without keeping the assertion. */
export async function assertionDigest(samlResponse: string): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(samlResponse)));
  let binary = '';
  for (const b of hash) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Identifies the AWS app a sign-in belongs to, so sign-ins to different apps are kept side by side. */
export function captureIdFor(summary: Pick<SamlSummary, 'issuer' | 'audience'>): string {
  return `${summary.issuer}|${summary.audience ?? ''}`;
}

/** How long after its usable window an assertion is kept anyway, for clocks that disagree a little. */
export const ASSERTION_GRACE_MS = 2 * 60 * 1000;
/** A capture's role list is kept this long (for the popup), its assertion much shorter. */
export const CAPTURE_LIFETIME_MS = 12 * 60 * 60 * 1000;

// ── how a sign-in is named in the popup ──────────────────────────────────────────────────────────────────────────

/** AWS's own SAML entity ids (the audience), with the `#n` gallery apps add to keep several apps apart. */
const AWS_ENTITY_ID =
  /^(?:https:\/\/signin\.(?:aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)\/saml|urn:amazon:webservices(?::govcloud|:cn)?)(?:#(\d{1,4}))?$/i;

/**
 * A heading people recognise: the AWS app ("AWS", "AWS app #2", "AWS GovCloud (US)", or a custom entity id) and
 * who signed it in: the IdP's name on hosts shared by every tenant (Entra, Google), else the page's own host (an
 * Okta org, an AD FS farm); undefined when nothing names it.
 */
export function signInHeading(capture: Pick<Capture, 'summary' | 'acs' | 'source'>): { app: string; idp?: string } {
  const { summary, acs, source } = capture;
  const audience = summary.audience?.trim() ?? '';
  const aws = AWS_ENTITY_ID.exec(audience);
  const partition = PARTITION_INFO[acs.partition]?.label ?? 'AWS';
  const app = aws
    ? `${partition}${aws[1] && aws[1] !== '1' ? ` app #${aws[1]}` : ''}`
    : shorten((audience || summary.issuer || 'AWS sign-in').replace(/^https?:\/\//i, ''), 60);
  const idp = identifyIdp(summary.issuer);
  if (idp.kind === 'entra' || idp.kind === 'google') return { app, idp: idp.name };
  if (source) return { app, idp: source.host };
  return idp.kind === 'other' ? { app } : { app, idp: idp.name };
}

/** One line on where a sign-in came from: the IdP, its tenant and the page that sent it. */
export function signInSourceText(capture: Pick<Capture, 'summary' | 'source'>): string {
  const { source, summary } = capture;
  const idp = identifyIdp(summary.issuer);
  const name = idp.kind === 'other' ? 'Identity provider' : idp.name;
  if (!source) return `${name}, from a page not recorded`;
  const tenant = source.tenant && source.tenant !== source.host ? (idp.kind === 'entra' ? `, tenant ${source.tenant}` : `, ${source.tenant}`) : '';
  const trusted = source.trust === 'settings' ? ' (trusted in Options)' : '';
  return `${name}${tenant} · sent from ${source.host}${trusted}`;
}

function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
