/**
 * STS failures in plain words with the next step. Messages never include the assertion or keys: only the
 * error code, the endpoint host and a short, cleaned slice of STS's own message (which carries neither).
 * Every sentence that names the IdP takes its words from `lib/idp.ts`.
 */
import { idpWords, type IdpInfo, type IdpKind } from './idp';

/**
 * STS's 5-minute redemption window. The same as `REDEMPTION_WINDOW_MS` in lib/saml-response.ts, not imported from
 * there because the popup uses this module and would then bundle the SAML parser's XML library.
 */
const REDEMPTION_WINDOW_MS = 5 * 60 * 1000;

/** A failure the popup can show next to what failed. */
export interface PlainError {
  /** Machine-readable code (the STS error code, or one of ours). */
  code: string;
  /** What happened, in plain words. */
  message: string;
  /** What to do next. */
  action: string;
}

/** Longest `message` and `action` this layer ever produces, and the longest slice of AWS's own message quoted. */
export const MAX_MESSAGE_LENGTH = 500;
export const MAX_ACTION_LENGTH = 300;
export const MAX_AWS_SAID_LENGTH = 300;

/** What went wrong with a failed call, in the terms the retry loop needs. */
export type FailureKind =
  | 'throttled'
  | 'server'
  | 'network'
  /** Our own per-attempt time limit ran out. */
  | 'timeout'
  /** Not STS: a 5xx page from a proxy or gateway (worth retrying). */
  | 'gateway'
  /** Not STS: a captive portal's page, an empty or unreadable answer. */
  | 'not-sts'
  | 'duration-too-long'
  | 'final';

const RETRYABLE: ReadonlySet<FailureKind> = new Set(['throttled', 'server', 'network', 'timeout', 'gateway']);

/** Whether a failure of this kind is worth another attempt. */
export function isRetryable(kind: FailureKind): boolean {
  return RETRYABLE.has(kind);
}

/** Name of the error our own per-attempt time limit raises (lib/sts.ts). */
export const TIMEOUT_ERROR = 'StsTimeout';
/** Name of the error raised for a 2xx answer that holds no STS result. */
export const NOT_STS_ERROR = 'NotStsAnswer';

/** The error our own per-attempt time limit raises. */
export function stsTimeoutError(ms: number): Error {
  return Object.assign(new Error(`No answer within ${ms} ms`), { name: TIMEOUT_ERROR, timeoutMs: ms });
}

interface ErrorLike {
  name?: string;
  message?: string;
  /** Node's network error code (ECONNRESET…). */
  code?: string;
  /** The STS error code as it came over the wire (the SDK copies the XML `Error/Code` here). */
  Code?: unknown;
  timeoutMs?: number;
  $metadata?: { httpStatusCode?: number };
}

function asErrorLike(error: unknown): ErrorLike {
  return error && typeof error === 'object' ? (error as ErrorLike) : { message: String(error) };
}

/**
 * The SDK raises the errors STS models under its own class names, while the wire (and our emulator, and AWS's
 * documentation) use the short code. Both forms map to the wire code. ExpiredTokenException and
 * RegionDisabledException are spelt the same in both.
 */
const SDK_NAMES: Readonly<Record<string, string>> = {
  InvalidIdentityTokenException: 'InvalidIdentityToken',
  IDPRejectedClaimException: 'IDPRejectedClaim',
  IDPCommunicationErrorException: 'IDPCommunicationError',
  MalformedPolicyDocumentException: 'MalformedPolicyDocument',
  PackedPolicyTooLargeException: 'PackedPolicyTooLarge',
};
const KNOWN_STS_CODES = new Set([
  ...Object.values(SDK_NAMES),
  'ExpiredTokenException',
  'RegionDisabledException',
  'AccessDenied',
  'AccessDeniedException',
  'ValidationError',
  'InvalidClientTokenId',
  'InternalFailure',
  'ServiceUnavailable',
  'InvalidAction',
  'MissingAction',
]);
const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown']);
const NETWORK = new Set(['TypeError', 'TimeoutError', 'RequestTimeout', 'AbortError', 'NetworkError', 'NetworkingError']);
const NODE_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
/** An error code is shown to the user: only a plain identifier of sane length. */
const CODE_SHAPE = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

/** The HTTP status of the answer a failure came with; undefined when nothing answered. */
export function httpStatusOf(error: unknown): number | undefined {
  return asErrorLike(error).$metadata?.httpStatusCode;
}

/** The STS error code of a failure, in its wire form, whichever form the SDK reported; `UnknownError` if none. */
export function stsErrorCode(error: unknown): string {
  const e = asErrorLike(error);
  const wire = typeof e.Code === 'string' ? e.Code : undefined;
  const raw = wire ?? (e.name && e.name !== 'Error' ? (SDK_NAMES[e.name] ?? e.name) : e.code);
  return raw && CODE_SHAPE.test(raw) ? raw : 'UnknownError';
}

/**
 * Whether an HTTP answer came from STS: the SDK could read an STS error out of it. A proxy's or captive portal's
 * page, an empty body or unreadable XML leaves the SDK with no code (`Unknown`, or a deserialization error).
 */
function isStsAnswer(e: ErrorLike): boolean {
  if (e.name === NOT_STS_ERROR) return false;
  if (typeof e.Code === 'string' && e.Code !== '') return true;
  return !!e.name && (KNOWN_STS_CODES.has(e.name) || e.name in SDK_NAMES || THROTTLING.has(e.name));
}

/** How the retry loop treats a failure. */
export function classifyStsError(error: unknown): FailureKind {
  const e = asErrorLike(error);
  if (e.name === TIMEOUT_ERROR) return 'timeout';
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && !isStsAnswer(e)) return status >= 500 ? 'gateway' : 'not-sts';
  const code = stsErrorCode(error);
  if (THROTTLING.has(code) || status === 429) return 'throttled';
  if (code === 'IDPCommunicationError') return 'server';
  if (status !== undefined && status >= 500) return 'server';
  if (code === 'ValidationError' && /MaxSessionDuration/i.test(e.message ?? '')) return 'duration-too-long';
  if (status === undefined && ((e.name && NETWORK.has(e.name)) || (e.code && NODE_NETWORK_CODES.has(e.code)))) return 'network';
  return 'final';
}

/** Cuts `text` to `max` characters, ending in an ellipsis when cut. */
export function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** A plain error with both texts held to their bounds. */
export function plainError(code: string, message: string, action: string): PlainError {
  return { code, message: bounded(message, MAX_MESSAGE_LENGTH), action: bounded(action, MAX_ACTION_LENGTH) };
}

/**
 * A short slice of what STS said, as plain text: no control characters, and any long base64-looking run (an
 * assertion or token a message might echo) left out.
 */
function stsSaid(e: ErrorLike): string {
  const text = (e.message ?? '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/[A-Za-z0-9+/=_-]{40,}/g, '…')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? ` AWS said: “${bounded(text, MAX_AWS_SAID_LENGTH)}”` : '';
}

/** "15 seconds", or milliseconds below one second (tests use short limits). */
function waited(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} seconds` : `${ms} ms`;
}

/** "Open the AWS tile in My Apps again first if …": the sign-in advice for failures that may outlast the 5 minutes. */
function signInFirst(kind: IdpKind | undefined): string {
  return `${idpWords(kind).signInAgain} first if more than 5 minutes have passed since you signed in.`;
}

/**
 * Why a sign-in stopped being usable: AWS's 5-minute window, or the IdP's own NotOnOrAfter when that came first
 * (`usableUntil` is the earlier of the two; see lib/saml-response.ts).
 */
export function expiryReason(summary: { issueInstant?: number; usableUntil: number }): 'window' | 'not-on-or-after' {
  return summary.issueInstant !== undefined && summary.issueInstant + REDEMPTION_WINDOW_MS > summary.usableUntil ? 'not-on-or-after' : 'window';
}

/**
 * STS refuses a SAML sign-in 5 minutes after issue (or at the IdP's own NotOnOrAfter, when that is earlier); said
 * the same way wherever the extension notices it.
 */
export function expiredSignIn(kind: IdpKind | undefined, reason: 'window' | 'not-on-or-after' = 'window'): { message: string; action: string } {
  return {
    message:
      reason === 'window'
        ? 'This sign-in is older than 5 minutes, and AWS only accepts a SAML sign-in within 5 minutes of issue.'
        : 'This sign-in has passed the time your identity provider allowed for it, so AWS no longer accepts it.',
    action: `${idpWords(kind).signInAgain}, then assume your roles right away.`,
  };
}

/** Credentials STS (or something posing as it) answered with that are not what STS issues. */
export function malformedCredentials(host: string, problem: string): PlainError {
  return plainError(
    'MalformedCredentials',
    `STS at ${host} answered with credentials that are not well-formed (${problem}), so the extension did not keep them.`,
    'Assume again. If it happens again, something on your network may be changing AWS’s answers: show this message to your network admin.',
  );
}

export interface FailureContext {
  /** The STS endpoint's host. */
  host: string;
  /** How many requests were made (said when more than one). */
  attempts?: number;
  /** The sign-in's IdP, for the "sign in again" and "ask your admin" sentences. */
  idp?: IdpInfo;
  /** The extension stopped retrying because the sign-in can no longer be used. */
  stoppedAtDeadline?: boolean;
}

/** Maps an STS (or transport) failure to plain words. */
export function describeStsError(error: unknown, context: FailureContext): PlainError {
  const plain = describe(error, context);
  if (!context.stoppedAtDeadline) return plain;
  return plainError(
    plain.code,
    `${plain.message} This sign-in can no longer be used, so the extension stopped trying.`,
    expiredSignIn(context.idp?.kind).action,
  );
}

function describe(error: unknown, { host, attempts = 1, idp }: FailureContext): PlainError {
  const e = asErrorLike(error);
  const code = stsErrorCode(error);
  const kind = idp?.kind;
  const words = idpWords(kind);
  const tried = attempts > 1 ? ` (tried ${attempts} times)` : '';
  switch (classifyStsError(error)) {
    case 'throttled':
      return plainError(code, `AWS STS at ${host} is throttling requests${tried}.`, `Wait a minute, then assume fewer roles at once. ${signInFirst(kind)}`);
    case 'server':
      if (code === 'IDPCommunicationError') {
        return plainError(code, `AWS could not reach your identity provider to check this sign-in${tried}.`, `Try again in a minute. ${signInFirst(kind)}`);
      }
      return plainError(code, `AWS STS at ${host} had an internal error${tried}.`, `Try again in a minute. ${signInFirst(kind)}`);
    case 'network':
      return plainError(
        'NetworkError',
        `Could not reach AWS STS at ${host}${tried}.`,
        `Check your network, VPN or proxy, then assume again. ${signInFirst(kind)}`,
      );
    case 'timeout':
      return plainError(
        'Timeout',
        `AWS STS at ${host} did not answer within ${waited(e.timeoutMs ?? 0)}${tried}.`,
        `Check your network, VPN or proxy, then assume again. ${signInFirst(kind)}`,
      );
    case 'gateway':
    case 'not-sts':
      return plainError(
        'NotStsAnswer',
        `Something between you and AWS (a proxy, captive portal or firewall) answered instead of STS at ${host}${tried}.`,
        `On a hotel or guest network, open any web page and finish its sign-in; otherwise ask your network admin to let ${host} through. Then assume again.`,
      );
    default:
      break;
  }
  if (code === 'ExpiredTokenException' || (code === 'InvalidIdentityToken' && /redeemed within 5 minutes|expired/i.test(e.message ?? ''))) {
    return { code, ...expiredSignIn(kind, /5 minutes/i.test(e.message ?? '') || !/expired/i.test(e.message ?? '') ? 'window' : 'not-on-or-after') };
  }
  if (code === 'InvalidIdentityToken' && /AuthSamlManifestNotFound/i.test(e.message ?? '')) {
    return plainError(
      code,
      `AWS at ${host} does not know the identity provider named in this role (wrong partition or a missing SAML provider).`,
      'Ask your AWS admin to check that the SAML provider exists in this account and partition.',
    );
  }
  switch (code) {
    case 'InvalidIdentityToken':
      return plainError(
        code,
        `AWS could not validate the SAML sign-in (signature or provider metadata).${stsSaid(e)}`,
        `Ask your AWS admin to upload ${kind === 'entra' ? 'Entra' : (idp?.name ?? 'your identity provider')}’s current federation metadata to the account’s SAML provider.`,
      );
    case 'IDPRejectedClaim':
      return plainError(
        code,
        `AWS rejected a claim in the SAML sign-in.${stsSaid(e)}`,
        `Ask ${words.admin} to check the Role, RoleSessionName and SessionDuration claims in ${words.claimsPlace}.`,
      );
    case 'AccessDenied':
    case 'AccessDeniedException':
      return plainError(
        code,
        `The role’s trust policy does not allow this sign-in.${stsSaid(e)}`,
        'Ask your AWS admin to allow sts:AssumeRoleWithSAML for this SAML provider in the role’s trust policy.',
      );
    case 'RegionDisabledException':
      return plainError(
        code,
        `STS is not activated in the region of ${host}.`,
        'Ask your AWS admin to activate STS in this region (IAM → Account settings), or sign in through the global AWS sign-in endpoint.',
      );
    case 'MalformedPolicyDocument':
      return plainError(
        code,
        `AWS refused a policy that came with this sign-in as malformed.${stsSaid(e)}`,
        'Show this message to your AWS admin: the role’s session policy or the sign-in’s session tags need fixing.',
      );
    case 'PackedPolicyTooLarge':
      return plainError(
        code,
        `The session policies and tags that came with this sign-in are too large for AWS.${stsSaid(e)}`,
        `Ask ${words.admin} to send fewer or shorter session tags (PrincipalTag claims) to AWS.`,
      );
    case 'ValidationError':
      return plainError(code, `AWS refused the request.${stsSaid(e)}`, 'Pick a shorter duration and try again.');
    case 'InvalidClientTokenId':
      return plainError(code, `AWS refused the request as signed with unknown credentials.${stsSaid(e)}`, 'This is a bug in the extension; please report it.');
    default:
      return plainError(
        code,
        `AWS STS refused the request (${code}).${stsSaid(e)}`,
        `${words.signInAgain} and assume again; if it keeps failing, show this message to your AWS admin.`,
      );
  }
}
