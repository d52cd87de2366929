/**
 * Where STS is called: AssumeRoleWithSAML through @aws-sdk/client-sts, unsigned, at the endpoint of the role's
 * partition, with a time limit per attempt, bounded retries, a deadline (the assertion's usable-until) and the
 * MaxSessionDuration fallback; and AssumeRole for role chaining, signed with the source session's credentials at the
 * endpoint the source used. What STS answers is untrusted: credentials are checked before anyone sees them.
 * Facts: docs/sts.md.
 */
import { AssumeRoleCommand, AssumeRoleWithSAMLCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import type { SamlRole } from './arn';
import { describeChainError } from './chaining';
import type { AwsCredentials } from './credentials';
import { FALLBACK_DURATION_SECONDS, formatDuration } from './duration';
import type { IdpInfo } from './idp';
import { stsEndpointsFor, type AcsEndpoint } from './partitions';
import {
  classifyStsError,
  describeStsError,
  httpStatusOf,
  isRetryable,
  malformedCredentials,
  NOT_STS_ERROR,
  stsTimeoutError,
  type PlainError,
} from './sts-errors';

/** Each request to STS is given up after this long and counts as a network failure (retried). */
export const STS_ATTEMPT_TIMEOUT_MS = 15_000;
/** Requests per role for throttling, 5xx, network errors and timeouts. */
export const STS_MAX_ATTEMPTS = 3;
/** The longest backoff between two attempts. */
export const MAX_BACKOFF_MS = 3000;
/**
 * The longest one role's assume can take: every attempt (and the one-hour fallback request) running into the time
 * limit, with the longest backoffs between them. A role still pending after this was cut off.
 */
export const STS_ASSUME_BUDGET_MS = (STS_MAX_ATTEMPTS + 1) * STS_ATTEMPT_TIMEOUT_MS + (STS_MAX_ATTEMPTS - 1) * MAX_BACKOFF_MS;

/**
 * STS calls in flight at once: a typical pick (up to 20 roles) goes out in one wave; 300 roles go in waves
 * rather than a burst that would trip STS throttling. Chromium itself keeps ≤ 6 HTTP/1.1 connections per host, so
 * a wave is spread over the region's equivalent hosts where AWS documents more than one (`stsEndpointsFor`).
 */
export const ASSUME_CONCURRENCY = 20;

export interface AssumeInput {
  role: SamlRole;
  /** The base64 SAMLResponse exactly as posted to AWS. */
  samlResponse: string;
  durationSeconds: number;
  /** Where the sign-in was posted: picks a regional STS endpoint when it was regional. */
  acs?: AcsEndpoint;
  /** Epoch ms after which STS will refuse the assertion: no new attempt starts from then on. */
  deadline?: number;
  /** The sign-in's IdP, for the wording of failures. */
  idp?: IdpInfo;
  /** The call's place in its wave: picks one of the region's equivalent STS hosts (`stsEndpointsFor`), round robin. */
  spread?: number;
}

export type AssumeOutcome =
  | {
      ok: true;
      credentials: AwsCredentials;
      /** `arn:…:sts::…:assumed-role/…` */
      assumedRoleArn?: string;
      durationSeconds: number;
      /** Set when the result differs from what was asked (e.g. the 1 h fallback). */
      notice?: string;
      stsHost: string;
    }
  | { ok: false; error: PlainError; stsHost: string };

export interface StsCall {
  endpoint: string;
  region: string;
  roleArn: string;
  principalArn: string;
  samlAssertion: string;
  durationSeconds: number;
  /** Aborted when the attempt's time is up. */
  signal?: AbortSignal;
}

/** Credentials as a transport read them off the wire: not yet checked, so of any shape. */
export interface UncheckedCredentials {
  accessKeyId?: unknown;
  secretAccessKey?: unknown;
  sessionToken?: unknown;
  /** An ISO 8601 string or a Date. */
  expiration?: unknown;
}

export interface StsCallResult {
  credentials: UncheckedCredentials;
  assumedRoleArn?: unknown;
}

/** Sends one AssumeRoleWithSAML call; replaceable in tests and benchmarks. */
export type StsTransport = (call: StsCall) => Promise<StsCallResult>;

export interface AssumeOptions {
  transport?: StsTransport;
  /** Attempts per call for throttling, 5xx, network errors and timeouts (default 3). */
  maxAttempts?: number;
  /** Backoff before retry n (1-based), ms. */
  backoffMs?: (retry: number) => number;
  sleep?: (ms: number) => Promise<void>;
  /** Time limit per attempt, ms (default 15 s). */
  attemptTimeoutMs?: number;
  /** Clock, epoch ms. */
  now?: () => number;
}

/** The retry and timing knobs of one STS call (AssumeRoleWithSAML or AssumeRole), with their defaults. */
function retryPolicy(options: Omit<AssumeOptions, 'transport'>) {
  return {
    maxAttempts: Math.max(1, options.maxAttempts ?? STS_MAX_ATTEMPTS),
    backoff: options.backoffMs ?? defaultBackoffMs,
    sleep: options.sleep ?? sleepMs,
    timeoutMs: options.attemptTimeoutMs ?? STS_ATTEMPT_TIMEOUT_MS,
    now: options.now ?? Date.now,
  };
}

/** Exponential backoff with jitter: ~300 ms, ~600 ms, … capped at 3 s. */
export function defaultBackoffMs(retry: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 300 * 2 ** (retry - 1));
  return base / 2 + Math.random() * (base / 2);
}

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ───────────────────────────── what a well-formed answer looks like ─────────────────────────────

/** AWS documents access key ids as 16–128 word characters; STS issues `ASIA` + 16 upper-case letters and digits. */
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
/** STS secrets are 40 base64 characters. */
const SECRET_ACCESS_KEY = /^[A-Za-z0-9+/=]{16,128}$/;
/**
 * Session tokens are base64. AWS gives no maximum ("typically less than 4096 bytes … make no assumptions"); tokens
 * with session policies and tags run to a few KiB, so 16 KiB leaves room while refusing nonsense.
 */
const SESSION_TOKEN = /^[A-Za-z0-9+/=]{16,16384}$/;
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;
/** Credentials last at most 12 h; anything expiring later than this (clock skew included) is not from STS. */
export const MAX_EXPIRATION_AHEAD_MS = 36 * 60 * 60 * 1000;
const ASSUMED_ROLE_ARN = /^arn:aws(-us-gov|-cn)?:sts::\d{12}:assumed-role\/[\w+=,.@/-]{1,600}$/;

export type CredentialsCheck = { ok: true; credentials: AwsCredentials } | { ok: false; problem: string };

/**
 * Checks credentials from STS before they go anywhere: each value must have the shape STS gives it, so nothing a
 * proxy or a broken answer slips in can run as code in a pasted shell line or add a section to a credentials
 * file. The problem names the field, never its value.
 */
export function checkCredentials(c: UncheckedCredentials | undefined, now: number): CredentialsCheck {
  if (!c) return { ok: false, problem: 'no credentials in the answer' };
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const id = text(c.accessKeyId);
  if (!id || !ACCESS_KEY_ID.test(id)) return { ok: false, problem: 'the access key id is not 16–128 capital letters and digits' };
  const secret = text(c.secretAccessKey);
  if (!secret || !SECRET_ACCESS_KEY.test(secret)) return { ok: false, problem: 'the secret access key is not 16–128 base64 characters' };
  const token = text(c.sessionToken);
  if (!token || !SESSION_TOKEN.test(token)) return { ok: false, problem: 'the session token is not 16–16384 base64 characters' };
  const expiresAt =
    c.expiration instanceof Date ? c.expiration.getTime() : typeof c.expiration === 'string' && ISO_INSTANT.test(c.expiration) ? Date.parse(c.expiration) : NaN;
  if (!Number.isFinite(expiresAt)) return { ok: false, problem: 'the expiration is not a date' };
  if (expiresAt <= now) return { ok: false, problem: 'the expiration has already passed' };
  if (expiresAt > now + MAX_EXPIRATION_AHEAD_MS) return { ok: false, problem: 'the expiration is more than 36 hours away' };
  return { ok: true, credentials: { accessKeyId: id, secretAccessKey: secret, sessionToken: token, expiration: new Date(expiresAt).toISOString() } };
}

/** The assumed-role ARN when it has the shape STS gives it; anything else is dropped (it is informational). */
function checkedAssumedRoleArn(value: unknown): string | undefined {
  return typeof value === 'string' && ASSUMED_ROLE_ARN.test(value) ? value : undefined;
}

// ───────────────────────────── the call ─────────────────────────────

/**
 * A transport over @aws-sdk/client-sts. The SDK's own retries are off (we retry network errors too, which it
 * does not in browsers); `extraConfig` lets Node callers supply a request handler. The attempt's AbortSignal is
 * passed on, so a request given up is really cancelled (fetch in a service worker, http in Node).
 */
export function sdkTransport(extraConfig: Partial<STSClientConfig> = {}): StsTransport {
  const clients = new Map<string, STSClient>();
  return async (call) => {
    let client = clients.get(call.endpoint);
    if (!client) {
      client = new STSClient({ region: call.region, endpoint: call.endpoint, maxAttempts: 1, ...extraConfig });
      clients.set(call.endpoint, client);
    }
    const out = await client.send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: call.roleArn,
        PrincipalArn: call.principalArn,
        SAMLAssertion: call.samlAssertion,
        DurationSeconds: call.durationSeconds,
      }),
      { abortSignal: call.signal },
    );
    return resultOf(out);
  };
}

/** The credentials of an SDK answer, unchecked. */
function resultOf(out: {
  Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date };
  AssumedRoleUser?: { Arn?: string };
  $metadata: object;
}): StsCallResult {
  const c = out.Credentials;
  // A 2xx answer without a result is not from STS (a captive portal's page, an empty body).
  if (!c) throw Object.assign(new Error('The answer holds no STS result'), { name: NOT_STS_ERROR, $metadata: out.$metadata });
  return {
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration },
    assumedRoleArn: out.AssumedRoleUser?.Arn,
  };
}

/**
 * Runs one attempt with a time limit. The signal tells the transport to stop; the race makes sure we stop waiting
 * even for a transport that ignores it.
 */
async function attemptWithTimeout<C extends { signal?: AbortSignal }>(
  transport: (call: C) => Promise<StsCallResult>,
  call: C,
  timeoutMs: number,
): Promise<StsCallResult> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(stsTimeoutError(timeoutMs));
      controller.abort();
    }, timeoutMs);
  });
  const sent = Promise.resolve().then(() => transport({ ...call, signal: controller.signal }));
  sent.catch(() => undefined); // its rejection after a timeout is expected and not interesting
  try {
    return await Promise.race([sent, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

let defaultTransport: StsTransport | undefined;

/** Assumes one role. Never throws: a failure comes back as plain words. */
export async function assumeRoleWithSaml(input: AssumeInput, options: AssumeOptions = {}): Promise<AssumeOutcome> {
  const transport = options.transport ?? (defaultTransport ??= sdkTransport());
  const { maxAttempts, backoff, sleep, timeoutMs, now } = retryPolicy(options);
  const endpoints = stsEndpointsFor(input.role.partition, input.acs);
  const { url, region } = endpoints[(input.spread ?? 0) % endpoints.length]!;
  const stsHost = new URL(url).host;
  const fail = (error: unknown, attempts: number, stoppedAtDeadline = false): AssumeOutcome => ({
    ok: false,
    error: describeStsError(error, { host: stsHost, attempts, idp: input.idp, stoppedAtDeadline }),
    stsHost,
  });
  const pastDeadline = (wait = 0) => input.deadline !== undefined && now() + wait >= input.deadline;

  let duration = input.durationSeconds;
  let notice: string | undefined;
  let attempt = 0;
  /**
   * The last failure that came with an HTTP answer. After a few 5xx answers in a row Chrome refuses an extension's
   * next requests to that URL for a while without sending them (its anti-DDoS throttle), which looks like a network
   * failure; what STS last answered then says more.
   */
  let lastAnswer: unknown;
  for (;;) {
    attempt++;
    let result: StsCallResult;
    try {
      result = await attemptWithTimeout(
        transport,
        {
          endpoint: url,
          region,
          roleArn: input.role.roleArn,
          principalArn: input.role.providerArn,
          samlAssertion: input.samlResponse,
          durationSeconds: duration,
        },
        timeoutMs,
      );
    } catch (caught) {
      const kind = classifyStsError(caught);
      const error = kind === 'network' && lastAnswer !== undefined ? lastAnswer : caught;
      if (httpStatusOf(caught) !== undefined) lastAnswer = caught;
      if (kind === 'duration-too-long' && duration > FALLBACK_DURATION_SECONDS && notice === undefined) {
        if (pastDeadline()) return fail(error, attempt, true);
        notice = `This role allows less than ${formatDuration(duration)}, so you got ${formatDuration(FALLBACK_DURATION_SECONDS)}.`;
        duration = FALLBACK_DURATION_SECONDS;
        attempt--; // the fallback is a new request, not a retry
        continue;
      }
      if (isRetryable(kind) && attempt < maxAttempts) {
        const wait = backoff(attempt);
        if (pastDeadline(wait)) return fail(error, attempt, true);
        await sleep(wait);
        continue;
      }
      return fail(error, attempt);
    }
    const checked = checkCredentials(result.credentials, now());
    if (!checked.ok) return { ok: false, error: malformedCredentials(stsHost, checked.problem), stsHost };
    return {
      ok: true,
      credentials: checked.credentials,
      assumedRoleArn: checkedAssumedRoleArn(result.assumedRoleArn),
      durationSeconds: duration,
      notice,
      stsHost,
    };
  }
}

// ───────────────────────────── role chaining ─────────────────────────────

export interface ChainInput {
  /** The role to reach. */
  roleArn: string;
  /** The role whose session signs the call (for the wording of failures). */
  sourceRoleArn: string;
  /** The source session's credentials: they sign the request. */
  source: AwsCredentials;
  /** The STS host the source was assumed at (same partition, same endpoint). */
  stsHost: string;
  /** That host's signing region. */
  region: string;
  durationSeconds: number;
  roleSessionName: string;
  externalId?: string;
}

export interface ChainCall {
  endpoint: string;
  region: string;
  roleArn: string;
  roleSessionName: string;
  durationSeconds: number;
  externalId?: string;
  credentials: Pick<AwsCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>;
  signal?: AbortSignal;
}

/** Sends one AssumeRole call; replaceable in tests. */
export type ChainTransport = (call: ChainCall) => Promise<StsCallResult>;

export interface ChainOptions extends Omit<AssumeOptions, 'transport'> {
  transport?: ChainTransport;
}

export type ChainOutcome =
  | { ok: true; credentials: AwsCredentials; assumedRoleArn?: string; durationSeconds: number; stsHost: string }
  | { ok: false; error: PlainError; stsHost: string };

/** AssumeRole over @aws-sdk/client-sts, SigV4-signed with the source session's credentials; the SDK's retries off. */
export function sdkChainTransport(extraConfig: Partial<STSClientConfig> = {}): ChainTransport {
  return async (call) => {
    // One client per call: each signs with another session's credentials.
    const client = new STSClient({ region: call.region, endpoint: call.endpoint, maxAttempts: 1, credentials: { ...call.credentials }, ...extraConfig });
    try {
      const out = await client.send(
        new AssumeRoleCommand({
          RoleArn: call.roleArn,
          RoleSessionName: call.roleSessionName,
          DurationSeconds: call.durationSeconds,
          ...(call.externalId === undefined ? {} : { ExternalId: call.externalId }),
        }),
        { abortSignal: call.signal },
      );
      return resultOf(out);
    } finally {
      client.destroy();
    }
  };
}

let defaultChainTransport: ChainTransport | undefined;

/**
 * Assumes a role with another role's session (role chaining). Never throws. Throttling, 5xx, network failures and
 * timeouts are retried like AssumeRoleWithSAML's; no attempt starts once the source session has expired.
 */
export async function assumeChainedRole(input: ChainInput, options: ChainOptions = {}): Promise<ChainOutcome> {
  const transport = options.transport ?? (defaultChainTransport ??= sdkChainTransport());
  const { maxAttempts, backoff, sleep, timeoutMs, now } = retryPolicy(options);
  const stsHost = input.stsHost;
  const sourceExpires = Date.parse(input.source.expiration);
  const fail = (error: unknown, attempts: number): ChainOutcome => ({
    ok: false,
    error: describeChainError(error, {
      sourceRoleArn: input.sourceRoleArn,
      targetRoleArn: input.roleArn,
      externalId: input.externalId !== undefined,
      host: stsHost,
      attempts,
    }),
    stsHost,
  });
  const call: ChainCall = {
    endpoint: `https://${stsHost}`,
    region: input.region,
    roleArn: input.roleArn,
    roleSessionName: input.roleSessionName,
    durationSeconds: input.durationSeconds,
    ...(input.externalId === undefined ? {} : { externalId: input.externalId }),
    credentials: { accessKeyId: input.source.accessKeyId, secretAccessKey: input.source.secretAccessKey, sessionToken: input.source.sessionToken },
  };
  let lastAnswer: unknown;
  for (let attempt = 1; ; attempt++) {
    let result: StsCallResult;
    try {
      result = await attemptWithTimeout(transport, call, timeoutMs);
    } catch (caught) {
      const kind = classifyStsError(caught);
      const error = kind === 'network' && lastAnswer !== undefined ? lastAnswer : caught;
      if (httpStatusOf(caught) !== undefined) lastAnswer = caught;
      const wait = isRetryable(kind) && attempt < maxAttempts ? backoff(attempt) : undefined;
      if (wait === undefined || now() + wait >= sourceExpires) return fail(error, attempt);
      await sleep(wait);
      continue;
    }
    const checked = checkCredentials(result.credentials, now());
    if (!checked.ok) return { ok: false, error: malformedCredentials(stsHost, checked.problem), stsHost };
    return {
      ok: true,
      credentials: checked.credentials,
      assumedRoleArn: checkedAssumedRoleArn(result.assumedRoleArn),
      durationSeconds: input.durationSeconds,
      stsHost,
    };
  }
}
