/**
 * Opening the AWS Management Console as a role: the federation endpoint's requests and answers, per partition.
 * Pure (no browser API); the background's fetch and new tab are in lib/background/console.ts.
 * Facts and sources: docs/console.md.
 */
import type { AwsCredentials } from './credentials';
import { PARTITION_INFO, type Partition } from './partitions';

/** The shortest and longest console session `SessionDuration` may ask for (docs/console.md#sessionduration). */
export const MIN_CONSOLE_SESSION_SECONDS = 900;
export const MAX_CONSOLE_SESSION_SECONDS = 43_200;
/** How long AWS accepts a sign-in token (the login URL) after it was issued. */
export const SIGNIN_TOKEN_VALIDITY_MS = 15 * 60_000;
/** How long the background waits for the federation endpoint. */
export const FEDERATION_TIMEOUT_MS = 15_000;
/** Bytes of the federation answer read at most: a real answer is one short JSON object. */
export const MAX_ANSWER_BYTES = 16_384;

/** The console's host per partition (regional consoles prefix it with `<region>.` in the `aws` partition only). */
const CONSOLE_HOST: Readonly<Record<Partition, string>> = {
  aws: 'console.aws.amazon.com',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
  'aws-cn': 'console.amazonaws.cn',
};

/** The partition's federation endpoint: `https://<sign-in host>/federation`. */
export function federationEndpoint(partition: Partition): string {
  return `https://${PARTITION_INFO[partition].signinHost}/federation`;
}

/** Host permissions the federation endpoints need (origin-wide, like every host permission). */
export function federationHostPermissions(): string[] {
  return Object.values(PARTITION_INFO).map((p) => `https://${p.signinHost}/*`);
}

/**
 * The console home for `partition`, in `region` when it is one of that partition's regions; a region of another
 * partition (or none) gives the partition's console home, where the console picks the region itself.
 */
export function consoleHomeUrl(partition: Partition, region?: string): string {
  const host = CONSOLE_HOST[partition];
  if (!region || !PARTITION_INFO[partition].regions.includes(region)) return `https://${host}/console/home`;
  const regional = partition === 'aws' ? `${region}.${host}` : host;
  return `https://${regional}/console/home?region=${region}`;
}

/**
 * Console pages a role may open on instead of the console home: service id → its path on the console host and
 * whether its page is per region. Each path is the one the service's user guide gives for its console ("Open the …
 * console at https://console.aws.amazon.com/<path>/"); every one is offered in all three partitions. Sources:
 * docs/console.md#destinations.
 */
export const CONSOLE_SERVICES = {
  cloudwatch: { label: 'CloudWatch', path: 'cloudwatch', regional: true },
  ec2: { label: 'EC2', path: 'ec2', regional: true },
  s3: { label: 'S3', path: 's3', regional: true },
  lambda: { label: 'Lambda', path: 'lambda', regional: true },
  cloudformation: { label: 'CloudFormation', path: 'cloudformation', regional: true },
  cloudtrail: { label: 'CloudTrail', path: 'cloudtrail', regional: true },
  dynamodb: { label: 'DynamoDB', path: 'dynamodbv2', regional: true },
  rds: { label: 'RDS', path: 'rds', regional: true },
  vpc: { label: 'VPC', path: 'vpc', regional: true },
  iam: { label: 'IAM', path: 'iam', regional: false },
} as const satisfies Record<string, { label: string; path: string; regional: boolean }>;

export type ConsoleService = keyof typeof CONSOLE_SERVICES;

/** Whether `id` names a service of `CONSOLE_SERVICES` (own keys only: settings come from anywhere). */
export function isConsoleService(id: unknown): id is ConsoleService {
  return typeof id === 'string' && Object.hasOwn(CONSOLE_SERVICES, id);
}

/** Where a role's console opens: a service's page, in `region` when given (absent: the role's own region). */
export interface ConsoleDestination {
  service: ConsoleService;
  region?: string;
}

/**
 * The console URL to land on: the console home (no destination), or the destination's service page in its region,
 * else in `fallbackRegion` (the role's region from the options). A region that is not one of the partition's is
 * never used; a global service (IAM) has no region. Partition-correct hosts as for the console home.
 */
export function consoleDestinationUrl(partition: Partition, destination: ConsoleDestination | undefined, fallbackRegion?: string): string {
  if (!destination) return consoleHomeUrl(partition, fallbackRegion);
  const service = CONSOLE_SERVICES[destination.service];
  const host = CONSOLE_HOST[partition];
  const candidate = destination.region ?? fallbackRegion;
  const region = service.regional && candidate && PARTITION_INFO[partition].regions.includes(candidate) ? candidate : undefined;
  if (!region) return `https://${host}/${service.path}/home`;
  const regional = partition === 'aws' ? `${region}.${host}` : host;
  return `https://${regional}/${service.path}/home?region=${region}`;
}

/** Whether `url` is an https console URL of `partition` (the only destinations the extension asks for). */
export function isConsoleUrl(partition: Partition, url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const host = CONSOLE_HOST[partition];
  if (u.protocol !== 'https:' || u.port !== '' || u.username || u.password) return false;
  if (u.hostname === host) return true;
  const region = u.hostname.slice(0, -host.length - 1);
  return partition === 'aws' && u.hostname.endsWith(`.${host}`) && PARTITION_INFO.aws.regions.includes(region);
}

export type ConsoleFailure = 'no-session' | 'expired' | 'too-short' | 'refused' | 'unavailable' | 'network' | 'timeout' | 'not-aws' | 'no-tab';

export type SessionDurationChoice = { ok: true; seconds?: number } | { ok: false; reason: Extract<ConsoleFailure, 'expired' | 'too-short'> };

/**
 * The `SessionDuration` to ask for: the credentials' remaining life (whole seconds), at most 12 hours, so the
 * console never outlives the credentials the user chose. Omitted for credentials from role chaining, where AWS
 * does not allow it. Below AWS's 15-minute minimum there is no duration that keeps that promise: refused.
 */
export function consoleSessionDuration(credentials: Pick<AwsCredentials, 'expiration'>, now: number, viaRoleChaining = false): SessionDurationChoice {
  const expiresAt = Date.parse(credentials.expiration);
  if (!Number.isFinite(expiresAt) || expiresAt <= now) return { ok: false, reason: 'expired' };
  const remaining = Math.floor((expiresAt - now) / 1000);
  if (viaRoleChaining) return { ok: true };
  if (remaining < MIN_CONSOLE_SESSION_SECONDS) return { ok: false, reason: 'too-short' };
  return { ok: true, seconds: Math.min(remaining, MAX_CONSOLE_SESSION_SECONDS) };
}

/** The `Session` parameter: the JSON AWS documents, with exactly these three keys. */
export function sessionJson(credentials: Pick<AwsCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>): string {
  return JSON.stringify({ sessionId: credentials.accessKeyId, sessionKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken });
}

/** The getSigninToken request (a GET with query parameters, as AWS documents it). Holds secrets: never log it. */
export function getSigninTokenUrl(partition: Partition, credentials: AwsCredentials, sessionDurationSeconds?: number): string {
  const params = new URLSearchParams({ Action: 'getSigninToken' });
  if (sessionDurationSeconds !== undefined) params.set('SessionDuration', String(sessionDurationSeconds));
  params.set('Session', sessionJson(credentials));
  return `${federationEndpoint(partition)}?${params.toString()}`;
}

/** The login navigation. Holds the sign-in token: it goes to one new tab and nowhere else. */
export function loginUrl(partition: Partition, { issuer, destination, token }: { issuer: string; destination: string; token: string }): string {
  const params = new URLSearchParams({ Action: 'login', Issuer: issuer, Destination: destination, SigninToken: token });
  return `${federationEndpoint(partition)}?${params.toString()}`;
}

/** What a sign-in token may look like: URL-safe base64-like text of a bounded length (real ones are ~1–2 KB). */
const TOKEN_SHAPE = /^[A-Za-z0-9_\-+/=.~]{16,8192}$/;

export type SigninTokenAnswer = { ok: true; token: string } | { ok: false; reason: Extract<ConsoleFailure, 'refused' | 'unavailable' | 'not-aws'> };

/**
 * Reads the federation endpoint's answer: `200` with `{"SigninToken": "…"}` and nothing suspicious about it.
 * A 4xx is AWS refusing the credentials; a 5xx is AWS having trouble; anything else (a redirect, HTML, other
 * JSON, an oversized or odd token) did not come from AWS's federation endpoint.
 */
export function parseSigninTokenAnswer(status: number, body: string): SigninTokenAnswer {
  if (status >= 400 && status < 500) return { ok: false, reason: 'refused' };
  if (status >= 500 && status < 600) return { ok: false, reason: 'unavailable' };
  if (status !== 200 || body.length > MAX_ANSWER_BYTES) return { ok: false, reason: 'not-aws' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'not-aws' };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, reason: 'not-aws' };
  const token = (parsed as Record<string, unknown>).SigninToken;
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return { ok: false, reason: 'not-aws' };
  return { ok: true, token };
}

/** The plain words for each failure, with the next step; `host` names the sign-in host that was asked. */
export function consoleFailureText(reason: ConsoleFailure, host: string): { message: string; action: string } {
  switch (reason) {
    case 'no-session':
      return { message: 'This role has no live session any more.', action: 'Assume it again, then open the console.' };
    case 'expired':
      return { message: 'These credentials have expired.', action: 'Assume the role again, then open the console.' };
    case 'too-short':
      return {
        message: 'These credentials expire in less than 15 minutes, the shortest console session AWS allows.',
        action: 'Assume the role again, then open the console.',
      };
    case 'refused':
      return {
        message: `AWS sign-in (${host}) did not accept these credentials for a console session.`,
        action: 'Assume the role again and retry; if it keeps failing, the role’s sessions may have been revoked.',
      };
    case 'unavailable':
      return { message: `AWS sign-in (${host}) had a problem and gave no sign-in token.`, action: 'Try again in a minute.' };
    case 'network':
      return { message: `Could not reach AWS sign-in (${host}).`, action: 'Check your connection, then try again.' };
    case 'timeout':
      return { message: `AWS sign-in (${host}) did not answer within ${FEDERATION_TIMEOUT_MS / 1000} seconds.`, action: 'Try again in a moment.' };
    case 'not-aws':
      return {
        message: `The answer did not come from AWS sign-in (${host}); a proxy or a network login page may be in the way.`,
        action: 'Check your connection or proxy, then try again.',
      };
    case 'no-tab':
      return { message: 'The browser did not open a new tab for the console.', action: 'Try again.' };
  }
}

/** Shown next to the button: what AWS documents (and does not) about a second account in the same browser. */
export const MULTI_SESSION_NOTE = 'Opening a console for another account may sign you out of the one open in this browser unless multi-session is turned on.';
