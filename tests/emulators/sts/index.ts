/**
 * A strict AWS STS emulator for AssumeRoleWithSAML (query protocol, XML answers, real error codes).
 *
 * It checks what real STS checks (docs/sts.md): form body only, Action/Version, unsigned call,
 * XML signature against the provider's certificate (values read only from the signed element), issuer,
 * audience and recipient for the endpoint's partition, the 5-minute redemption window and NotOnOrAfter,
 * the (role, provider) pair, the partition of the endpoint, DurationSeconds vs the role's MaxSessionDuration,
 * RoleSessionName. AssumeRole (role chaining) with a real SigV4 check (`sigv4.ts`) against the credentials it
 * issued, the world's chain trust and external IDs, and the one-hour cap for chained sessions. Which hosts and values an endpoint accepts: `endpoints.ts`; SAML verification (shared with the
 * AWS sign-in emulator): `saml-verify.ts`; failures and latency injected through the control API: `faults.ts`.
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { readBody, requestHost } from '../node-client';
import { findProvider, findRole } from '../world';
import type { World, WorldProvider } from '../world';
import { audienceAcceptable, partitionOfArn, PROVIDER_ARN_RE, recipientAcceptable, SESSION_NAME_RE, stsEndpointForHost, type StsEndpoint } from './endpoints';
import { FaultInjector, injectedError, isNotStsFault, notStsAnswer, type FailureKind, type InjectedStsError, type TamperedCredentials } from './faults';
import type { ProviderRegistry } from './providers';
import { checkAssertionTime, verifyCached } from './saml-verify';
import { verifySigV4 } from './sigv4';

export type { FailureKind, InjectedStsError, TamperedCredentials } from './faults';
export { ProviderRegistry } from './providers';

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
  /** `AROA…:<session name>`, what GetCallerIdentity answers as UserId (always set by this emulator). */
  assumedRoleId?: string;
  issuedAt: Date;
  /** For a session reached by role chaining: the role whose session assumed it. */
  chainedFrom?: string;
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

/** One GetCallerIdentity call (`sts.callerIdentityLog`). */
export interface CallerIdentityRecord {
  at: Date;
  host: string;
  /** The access key id the request was signed with (null when unsigned or unreadable). */
  accessKeyId: string | null;
  /** The session's assumed-role ARN when the key is one this STS issued. */
  assumedRoleArn: string | null;
  /** Whether the key's session had expired (the call was refused with ExpiredToken). */
  expired: boolean;
  /** 'OK' or the STS error code answered. */
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
  /**
   * Compressed time for tests: credentials issued from now on (AssumeRoleWithSAML and AssumeRole) expire after `seconds`
   * whatever DurationSeconds asked (still validated as AWS does); undefined restores AWS's lifetimes.
   */
  setLifetimeSeconds(seconds: number | undefined): void;
  /** Every GetCallerIdentity call, in order. */
  readonly callerIdentityLog: CallerIdentityRecord[];
  /** How many GetCallerIdentity calls were signed with this access key id (answered or refused). */
  callerIdentityCount(accessKeyId: string): number;
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
/** The `AssumedRoleUser` and `Credentials` elements both AssumeRoleWithSAML and AssumeRole answer with. */
function sessionXml(
  assumedRoleId: string,
  assumedRoleArn: string,
  c: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string },
): string {
  return (
    `    <AssumedRoleUser>\n` +
    `      <AssumedRoleId>${xmlText(assumedRoleId)}</AssumedRoleId>\n` +
    `      <Arn>${xmlText(assumedRoleArn)}</Arn>\n` +
    `    </AssumedRoleUser>\n` +
    `    <Credentials>\n` +
    `      <AccessKeyId>${xmlText(c.accessKeyId)}</AccessKeyId>\n` +
    `      <SecretAccessKey>${xmlText(c.secretAccessKey)}</SecretAccessKey>\n` +
    `      <SessionToken>${xmlText(c.sessionToken)}</SessionToken>\n` +
    `      <Expiration>${xmlText(c.expiration)}</Expiration>\n` +
    `    </Credentials>\n`
  );
}

export function createStsEmulator(opts: StsOptions): StsEmulator {
  const now = opts.now ?? Date.now;
  const faults = new FaultInjector();
  const timers = new Set<NodeJS.Timeout>();
  const issued: IssuedCredentials[] = [];
  const requests: StsRequestRecord[] = [];
  const callerIdentityLog: CallerIdentityRecord[] = [];
  let lifetimeOverride: number | undefined;

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

    const lifetime = lifetimeOverride ?? Math.min(durationSeconds ?? 3600, sessionDuration ?? Number.POSITIVE_INFINITY);
    const issuedAt = now();
    const tampered = faults.takeTampering();
    const accessKeyId = tampered.accessKeyId ?? `ASIA${randomChars(UPPER_ALNUM, 16)}`;
    const secretAccessKey = tampered.secretAccessKey ?? randomChars(SECRET_CHARS, 40);
    const sessionToken = tampered.sessionToken ?? `IQoJb3JpZ2luX2Vj${randomBytes(660).toString('base64')}`;
    const expiration = tampered.expiration ?? stsTime(issuedAt + lifetime * 1000);
    const assumedRoleArn = `arn:${role.partition}:sts::${role.accountId}:assumed-role/${role.roleName}/${a.roleSessionName}`;
    const assumedRoleId = `${role.roleId}:${a.roleSessionName}`;
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
      assumedRoleId,
      issuedAt: new Date(issuedAt),
    });
    const sourceIdentity = a.sourceIdentity ? `    <SourceIdentity>${xmlText(a.sourceIdentity)}</SourceIdentity>\n` : '';
    return (
      `<AssumeRoleWithSAMLResponse xmlns="${STS_NS}">\n` +
      `  <AssumeRoleWithSAMLResult>\n` +
      `    <Audience>${xmlText(audience)}</Audience>\n` +
      sessionXml(assumedRoleId, assumedRoleArn, { accessKeyId, secretAccessKey, sessionToken, expiration }) +
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

  /**
   * The session a SigV4-signed request is made with: signature, session token, expiry and partition checked as STS does.
   * `seen` learns the access key id and session as soon as they are known (for the caller's log).
   */
  function signedSession(
    endpoint: StsEndpoint,
    req: IncomingMessage,
    body: Buffer,
    seen: (accessKeyId: string, session: IssuedCredentials | undefined) => void = () => undefined,
  ): IssuedCredentials {
    const signed = verifySigV4(
      { method: req.method ?? 'POST', path: new URL(req.url ?? '/', 'https://sts.invalid').pathname, headers: req.headers, body },
      {
        region: endpoint.region,
        service: 'sts',
        now: now(),
        secretFor: (id) => {
          const found = emulator.findIssued(id);
          seen(id, found);
          return found?.secretAccessKey;
        },
      },
    );
    if (!signed.ok) throw new StsError(signed.status, signed.code, signed.message);
    const source = emulator.findIssued(signed.accessKeyId)!;
    if (req.headers['x-amz-security-token'] !== source.sessionToken) {
      throw new StsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    if (Date.parse(source.expiration) <= now()) throw new StsError(403, 'ExpiredToken', 'The security token included in the request is expired');
    // Session credentials work at every STS endpoint of their partition, and at no other.
    if (stsEndpointForHost(source.host)?.partition !== endpoint.partition)
      throw new StsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    return source;
  }

  /** GetCallerIdentity, signed with a session this emulator issued; every call is logged. */
  function callerIdentity(host: string, endpoint: StsEndpoint, req: IncomingMessage, body: Buffer, requestId: string): string {
    const record: CallerIdentityRecord = {
      at: new Date(now()),
      host,
      accessKeyId: null,
      assumedRoleArn: null,
      expired: false,
      outcome: 'pending',
      status: 0,
    };
    callerIdentityLog.push(record);
    try {
      const session = signedSession(endpoint, req, body, (id, found) => {
        record.accessKeyId = id;
        record.assumedRoleArn = found?.assumedRoleArn ?? null;
      });
      record.outcome = 'OK';
      record.status = 200;
      const account = /^arn:[\w-]+:sts::(\d{12}):/.exec(session.assumedRoleArn)?.[1] ?? '';
      return (
        `<GetCallerIdentityResponse xmlns="${STS_NS}">\n` +
        `  <GetCallerIdentityResult>\n` +
        `    <Arn>${xmlText(session.assumedRoleArn)}</Arn>\n` +
        `    <UserId>${xmlText(session.assumedRoleId ?? '')}</UserId>\n` +
        `    <Account>${account}</Account>\n` +
        `  </GetCallerIdentityResult>\n` +
        `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
        `</GetCallerIdentityResponse>\n`
      );
    } catch (e) {
      if (e instanceof StsError) {
        record.outcome = e.code;
        record.status = e.status;
        record.expired = e.code === 'ExpiredToken';
      }
      throw e;
    }
  }

  /** AssumeRole with the credentials of a session this emulator issued (role chaining). */
  function chain(host: string, endpoint: StsEndpoint, req: IncomingMessage, body: Buffer, params: URLSearchParams, requestId: string): string {
    const source = signedSession(endpoint, req, body);
    const roleArn = params.get('RoleArn');
    const sessionName = params.get('RoleSessionName');
    const durationRaw = params.get('DurationSeconds');
    const externalId = params.get('ExternalId');
    const problems: string[] = [];
    if (roleArn === null) problems.push("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
    if (sessionName === null) problems.push("Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
    else if (!SESSION_NAME_RE.test(sessionName))
      problems.push(`Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    if (externalId !== null && !/^[\w+=,.@:/-]{2,1224}$/.test(externalId))
      problems.push("Value at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:/-]*");
    let durationSeconds = 3600;
    if (durationRaw !== null) {
      durationSeconds = /^\d+$/.test(durationRaw) ? Number(durationRaw) : NaN;
      if (!(durationSeconds >= 900 && durationSeconds <= 43200))
        problems.push(`Value '${durationRaw}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
    }
    if (problems.length) throw validationError(problems);
    const denied = new StsError(403, 'AccessDenied', `User: ${source.assumedRoleArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn!}`);
    const target = opts.world.chainRoles.find((r) => r.roleArn === roleArn);
    const trust = opts.world.chainTrust.find((t) => t.targetRoleArn === roleArn && t.sourceRoleArn === source.roleArn);
    // The same AccessDenied for a trust policy naming someone else and for a wrong or missing external ID, as AWS.
    if (!target || !trust || partitionOfArn(target.roleArn) !== endpoint.partition || (trust.externalId ?? null) !== externalId) throw denied;
    if (durationSeconds > 3600) {
      throw new StsError(400, 'ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    const issuedAt = now();
    const tampered = faults.takeTampering();
    const accessKeyId = tampered.accessKeyId ?? `ASIA${randomChars(UPPER_ALNUM, 16)}`;
    const secretAccessKey = tampered.secretAccessKey ?? randomChars(SECRET_CHARS, 40);
    const sessionToken = tampered.sessionToken ?? `IQoJb3JpZ2luX2Vj${randomBytes(660).toString('base64')}`;
    const lifetime = lifetimeOverride ?? durationSeconds;
    const expiration = tampered.expiration ?? stsTime(issuedAt + lifetime * 1000);
    const assumedRoleArn = `arn:${target.partition}:sts::${target.accountId}:assumed-role/${target.roleName}/${sessionName!}`;
    const assumedRoleId = `${target.roleId}:${sessionName!}`;
    issued.push({
      host,
      roleArn: target.roleArn,
      principalArn: source.assumedRoleArn,
      durationSeconds: lifetime,
      requestedDurationSeconds: durationRaw === null ? undefined : durationSeconds,
      roleSessionName: sessionName!,
      accessKeyId,
      secretAccessKey,
      sessionToken,
      expiration,
      assumedRoleArn,
      assumedRoleId,
      issuedAt: new Date(issuedAt),
      chainedFrom: source.roleArn,
    });
    return (
      `<AssumeRoleResponse xmlns="${STS_NS}">\n` +
      `  <AssumeRoleResult>\n` +
      sessionXml(assumedRoleId, assumedRoleArn, { accessKeyId, secretAccessKey, sessionToken, expiration }) +
      `  </AssumeRoleResult>\n` +
      `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
      `</AssumeRoleResponse>\n`
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
    if (action === 'AssumeRole' && params.get('Version') === '2011-06-15') {
      return { status: 200, body: chain(host, endpoint, req, bodyBuf, params, requestId) };
    }
    if (action === 'GetCallerIdentity' && params.get('Version') === '2011-06-15') {
      return { status: 200, body: callerIdentity(host, endpoint, req, bodyBuf, requestId) };
    }
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
    callerIdentityLog,
    providers: opts.providers,
    setLifetimeSeconds(seconds: number | undefined): void {
      if (seconds !== undefined && !(Number.isInteger(seconds) && seconds > 0)) throw new Error(`sts.setLifetimeSeconds: ${seconds} is not a positive integer`);
      lifetimeOverride = seconds;
    },
    callerIdentityCount(accessKeyId: string): number {
      return callerIdentityLog.filter((r) => r.accessKeyId === accessKeyId).length;
    },
    failNext(kind: FailureKind, count?: number): void {
      faults.failNext(kind, count);
    },
    errorNext(error: InjectedStsError, count?: number): void {
      faults.errorNext(error, count);
    },
    tamperNext(values: TamperedCredentials, count?: number): void {
      faults.tamperNext(values, count);
    },
    hangingCount(): number {
      return faults.hangingCount();
    },
    reset(): void {
      faults.reset();
      issued.length = 0;
      requests.length = 0;
      callerIdentityLog.length = 0;
      lifetimeOverride = undefined;
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
        const failure = faults.takeFailure();
        if (failure === 'reset') {
          record.outcome = 'Reset';
          req.socket.destroy();
          return;
        }
        if (failure === 'hang') {
          record.outcome = 'Hang';
          req.resume();
          faults.hang(res);
          return;
        }
        // Read the whole request first, as servers do: answering before the body is in leaves the connection
        // unusable, and the client's next request on it fails for a reason no real server gives.
        if (failure) await readBody(req, 1024 * 1024).catch(() => undefined);
        if (failure && isNotStsFault(failure)) {
          const answer = notStsAnswer(failure);
          record.outcome = answer.outcome;
          record.status = answer.status;
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
          return;
        }
        if (failure) {
          const injected = injectedError(failure);
          const err = new StsError(injected.status, injected.code, injected.message);
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
      faults.endHanging();
    },
  };
  return emulator;
}
