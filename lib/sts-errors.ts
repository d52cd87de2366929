/**
 * STS failures in plain words with the next step. Messages never include the assertion or keys: only the
 * error code, the endpoint host and STS's own message (which carries neither).
 */

/** A failure the popup can show next to what failed. */
export interface PlainError {
  /** Machine-readable code (the STS error code, or one of ours). */
  code: string;
  /** What happened, in plain words. */
  message: string;
  /** What to do next. */
  action: string;
}

/** STS refuses a SAML sign-in 5 minutes after issue; said the same way wherever the extension notices it. */
export const EXPIRED_SIGN_IN = {
  message: 'This sign-in is older than 5 minutes, and AWS only accepts a SAML sign-in within 5 minutes of issue.',
  action: 'Open the AWS tile in My Apps again, then assume your roles right away.',
} as const;

/** How the retry loop treats a failure. */
export type FailureKind = 'throttled' | 'server' | 'network' | 'duration-too-long' | 'final';

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

function asErrorLike(error: unknown): ErrorLike {
  return error && typeof error === 'object' ? (error as ErrorLike) : { message: String(error) };
}

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown']);
const NETWORK = new Set(['TypeError', 'TimeoutError', 'RequestTimeout', 'AbortError', 'NetworkError', 'NetworkingError']);
const NODE_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

export function classifyStsError(error: unknown): FailureKind {
  const e = asErrorLike(error);
  const status = e.$metadata?.httpStatusCode;
  if (e.name && THROTTLING.has(e.name)) return 'throttled';
  if (status === 429) return 'throttled';
  if (status !== undefined && status >= 500) return 'server';
  if (e.name === 'ValidationError' && /MaxSessionDuration/i.test(e.message ?? '')) return 'duration-too-long';
  if (status === undefined && ((e.name && NETWORK.has(e.name)) || (e.code && NODE_NETWORK_CODES.has(e.code)))) return 'network';
  return 'final';
}

/** Keeps STS's message short and free of anything but plain text. */
function stsSaid(e: ErrorLike): string {
  const text = (e.message ?? '').replace(/\s+/g, ' ').trim().slice(0, 300);
  return text ? ` AWS said: “${text}”` : '';
}

/** Maps an STS (or transport) failure to plain words. `host` is the STS endpoint's host. */
export function describeStsError(error: unknown, host: string, attempts = 1): PlainError {
  const e = asErrorLike(error);
  const code = e.name && e.name !== 'Error' ? e.name : e.code ?? 'UnknownError';
  const tried = attempts > 1 ? ` (tried ${attempts} times)` : '';
  switch (classifyStsError(error)) {
    case 'throttled':
      return { code, message: `AWS STS is throttling requests${tried}.`, action: 'Wait a minute, then sign in again from My Apps and pick fewer roles at once.' };
    case 'server':
      return { code, message: `AWS STS at ${host} had an internal error${tried}.`, action: 'Try again in a minute; open the AWS tile again first if more than 5 minutes have passed since you signed in.' };
    case 'network':
      return { code: 'NetworkError', message: `Could not reach ${host}${tried}.`, action: 'Check your network, VPN or proxy, then open the AWS tile in My Apps again and retry.' };
    default:
      break;
  }
  if (code === 'ExpiredTokenException' || (code === 'InvalidIdentityToken' && /redeemed within 5 minutes|expired/i.test(e.message ?? ''))) {
    return { code, ...EXPIRED_SIGN_IN };
  }
  if (code === 'InvalidIdentityToken' && /AuthSamlManifestNotFound/i.test(e.message ?? '')) {
    return {
      code,
      message: `AWS at ${host} does not know the identity provider named in this role (wrong partition or a missing SAML provider).`,
      action: 'Ask your AWS admin to check that the SAML provider exists in this account and partition.',
    };
  }
  switch (code) {
    case 'InvalidIdentityToken':
      return { code, message: `AWS could not validate the SAML sign-in (signature or provider metadata).${stsSaid(e)}`, action: "Ask your AWS admin to upload Entra's current federation metadata to the account's SAML provider." };
    case 'IDPRejectedClaim':
      return { code, message: `AWS rejected a claim in the SAML sign-in.${stsSaid(e)}`, action: 'Ask your Entra admin to check the AWS app’s claims (Role, RoleSessionName, SessionDuration).' };
    case 'AccessDenied':
    case 'AccessDeniedException':
      return { code, message: `The role’s trust policy does not allow this sign-in.${stsSaid(e)}`, action: 'Ask your AWS admin to allow sts:AssumeRoleWithSAML for this SAML provider in the role’s trust policy.' };
    case 'RegionDisabledException':
      return { code, message: `STS is not activated in the region of ${host}.`, action: 'Ask your AWS admin to activate STS in this region (IAM → Account settings), or sign in through the global AWS sign-in endpoint.' };
    case 'ValidationError':
      return { code, message: `AWS refused the request.${stsSaid(e)}`, action: 'Pick a shorter duration and try again.' };
    case 'InvalidClientTokenId':
      return { code, message: `AWS refused the request as signed with unknown credentials.${stsSaid(e)}`, action: 'This is a bug in the extension; please report it.' };
    default:
      return { code, message: `AWS STS refused the request (${code}).${stsSaid(e)}`, action: 'Open the AWS tile in My Apps again and retry; if it keeps failing, show this message to your AWS admin.' };
  }
}
