/**
 * What a captured sign-in is, and how the SAMLResponse is pulled out of the browser's ACS POST. Pure.
 */
import type { AwsCredentials } from './credentials';
import type { AcsEndpoint } from './partitions';
import type { SamlError, SamlSummary } from './saml-response';
import type { PlainError } from './sts-errors';
import type { Partition } from './partitions';

/** One sign-in to one AWS app (Entra enterprise application), kept side by side with other apps' sign-ins. */
export interface Capture {
  /** Stable per AWS app: issuer + audience. A new sign-in to the same app replaces the old one. */
  id: string;
  capturedAt: number;
  acs: AcsEndpoint & { url: string };
  summary: SamlSummary;
  /** The base64 SAMLResponse, needed for STS; removed once it can no longer be redeemed. */
  samlResponse?: string;
}

/** A sign-in that reached AWS but could not be used (malformed, encrypted, refused…). */
export interface CaptureProblem {
  capturedAt: number;
  acsHost: string;
  error: SamlError;
}

interface RoleRef {
  roleArn: string;
  captureId: string;
  accountId: string;
  roleName: string;
  partition: Partition;
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

/** Identifies the AWS app a sign-in belongs to, so sign-ins to different apps are kept side by side. */
export function captureIdFor(summary: Pick<SamlSummary, 'issuer' | 'audience'>): string {
  return `${summary.issuer}|${summary.audience ?? ''}`;
}

/** How long after its usable window an assertion is kept anyway, for clocks that disagree a little. */
export const ASSERTION_GRACE_MS = 2 * 60 * 1000;
/** A capture's role list is kept this long (for the popup), its assertion much shorter. */
export const CAPTURE_LIFETIME_MS = 12 * 60 * 60 * 1000;
