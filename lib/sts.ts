/**
 * Where STS is called: AssumeRoleWithSAML through @aws-sdk/client-sts, unsigned, at the endpoint of the role's
 * partition, with bounded retries and the MaxSessionDuration fallback. Facts: docs/sts.md.
 */
import { AssumeRoleWithSAMLCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import type { SamlRole } from './arn';
import type { AwsCredentials } from './credentials';
import { FALLBACK_DURATION_SECONDS, formatDuration } from './duration';
import { stsEndpointFor, type AcsEndpoint } from './partitions';
import { classifyStsError, describeStsError, type PlainError } from './sts-errors';

export interface AssumeInput {
  role: SamlRole;
  /** The base64 SAMLResponse exactly as posted to AWS. */
  samlResponse: string;
  durationSeconds: number;
  /** Where the sign-in was posted: picks a regional STS endpoint when it was regional. */
  acs?: AcsEndpoint;
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
}

export interface StsCallResult {
  credentials: AwsCredentials;
  assumedRoleArn?: string;
}

/** Sends one AssumeRoleWithSAML call; replaceable in tests and benchmarks. */
export type StsTransport = (call: StsCall) => Promise<StsCallResult>;

export interface AssumeOptions {
  transport?: StsTransport;
  /** Attempts per call for throttling, 5xx and network errors (default 3). */
  maxAttempts?: number;
  /** Backoff before retry n (1-based), ms. */
  backoffMs?: (retry: number) => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Exponential backoff with jitter: ~300 ms, ~600 ms, … capped at 3 s. */
export function defaultBackoffMs(retry: number): number {
  const base = Math.min(3000, 300 * 2 ** (retry - 1));
  return base / 2 + Math.random() * (base / 2);
}

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A transport over @aws-sdk/client-sts. The SDK's own retries are off (we retry network errors too, which it
 * does not in browsers); `extraConfig` lets Node callers supply a request handler.
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
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw Object.assign(new Error('STS answered without complete credentials'), { name: 'IncompleteCredentials' });
    }
    return {
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: new Date(c.Expiration).toISOString(),
      },
      assumedRoleArn: out.AssumedRoleUser?.Arn,
    };
  };
}

let defaultTransport: StsTransport | undefined;

/** Assumes one role. Never throws: a failure comes back as plain words. */
export async function assumeRoleWithSaml(input: AssumeInput, options: AssumeOptions = {}): Promise<AssumeOutcome> {
  const transport = options.transport ?? (defaultTransport ??= sdkTransport());
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const backoff = options.backoffMs ?? defaultBackoffMs;
  const sleep = options.sleep ?? sleepMs;
  const { url, region } = stsEndpointFor(input.role.partition, input.acs);
  const stsHost = new URL(url).host;

  let duration = input.durationSeconds;
  let notice: string | undefined;
  let attempt = 0;
  for (;;) {
    attempt++;
    try {
      const result = await transport({
        endpoint: url,
        region,
        roleArn: input.role.roleArn,
        principalArn: input.role.providerArn,
        samlAssertion: input.samlResponse,
        durationSeconds: duration,
      });
      return { ok: true, ...result, durationSeconds: duration, notice, stsHost };
    } catch (error) {
      const kind = classifyStsError(error);
      if (kind === 'duration-too-long' && duration > FALLBACK_DURATION_SECONDS && notice === undefined) {
        notice = `This role allows less than ${formatDuration(duration)}, so you got ${formatDuration(FALLBACK_DURATION_SECONDS)}.`;
        duration = FALLBACK_DURATION_SECONDS;
        attempt--; // the fallback is a new request, not a retry
        continue;
      }
      const retryable = kind === 'throttled' || kind === 'server' || kind === 'network';
      if (retryable && attempt < maxAttempts) {
        await sleep(backoff(attempt));
        continue;
      }
      return { ok: false, error: describeStsError(error, stsHost, attempt), stsHost };
    }
  }
}
