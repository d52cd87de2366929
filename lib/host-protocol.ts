/**
 * The extension ↔ native host protocol, version 1: one typed request per frame, one reply per request, matched by
 * `id`. Pure (no Node or browser APIs): the extension (lib/native-port.ts) and the host (native-host/) both import
 * it, so the request types, `PROTOCOL_VERSION` and `parseRequest`'s value rules (shared with the credentials-file
 * writer) are written once. An error reply carries a code, the host's own words (`message`, for logs and the CLI) and,
 * for the codes in `HostErrorData`, the facts each side words for itself (`data`: added within version 1, optional).
 */
import type { AwsCredentials } from './credentials';
import { chainEntries, ConfigValueError, type ConfigChain } from './config-file';
import { CREDENTIAL_VALUE, isWritableProfileName, REGION_VALUE, type CredentialsFileIssue } from './credentials-file';
import { isValidProfileName } from './profile-name';
import { parseRoleArn } from './arn';

export const PROTOCOL_VERSION = 1;
/** More profiles than anyone assumes at once (the popup handles 300 roles); bounds the work per request. */
export const MAX_PROFILES_PER_REQUEST = 500;
/** The longest "remove sections expired more than N days ago" (ten years). */
export const MAX_EXPIRED_DAYS = 3650;

// ── timing: the host answers before the extension gives up ───────────────────────────────────────────────────
// The host handles one request at a time; the extension's clock for a request starts when the host can start on
// it (lib/native-port.ts). Worst case for one request:
//   HOST_LOCK_WAIT_MS    waiting for other writers' lock, then LOCKED "busy, try again"                 6.0 s
//   HOST_WORK_BUDGET_MS  the work once locked: read, merge, back up, write, at most 3 attempts when the
//                        file changes underneath (≈0.13 s each for a 2,000-profile file, bench:credentials)  2.5 s
//   margin               starting Node, passing the messages (≈0.05 s; more on a busy machine)            1.5 s
//   = CLIENT_REQUEST_TIMEOUT_MS                                                                          10 s
// A dead writer's lock is stale after LOCK_STALE_MS = 3 s (native-host/credentials-store.ts), well inside the
// wait; 20 hosts writing a 2,000-profile file at once all finish within ≈3.5 s on the reference machine.

/** How long the extension waits for one reply. */
export const CLIENT_REQUEST_TIMEOUT_MS = 10_000;
/** How long the host waits for the credentials file's lock before answering LOCKED ("busy, try again"). */
export const HOST_LOCK_WAIT_MS = 6_000;
/** Room for one request's work after its lock wait (not a timer: a write is never stopped halfway). */
export const HOST_WORK_BUDGET_MS = 2_500;

// ── requests ─────────────────────────────────────────────────────────────────────────────────────────────────

interface RequestBase {
  v: typeof PROTOCOL_VERSION;
  /** Chosen by the extension, echoed in the reply: 1–128 printable ASCII characters. */
  id: string;
}
export interface PingRequest extends RequestBase {
  type: 'ping';
}
export interface ProfileToWrite {
  name: string;
  credentials: AwsCredentials;
  region?: string;
}
export interface WriteProfilesRequest extends RequestBase {
  type: 'write-profiles';
  profiles: ProfileToWrite[];
  /**
   * Replace the keys of sections holding credentials this host did not write (say, long-term keys in `[default]`).
   * Without it such a write is refused with `UNMANAGED_PROFILE`, so the user can be asked first.
   */
  overwriteUnmanaged?: boolean;
  /**
   * Also remove sections this host wrote whose credentials expired more than this many days ago (1–3650; the
   * setting "remove expired sections"). Never a section it did not write. Absent: keep them.
   */
  removeExpiredAfterDays?: number;
}
export interface RemoveProfilesRequest extends RequestBase {
  type: 'remove-profiles';
  /** Only sections this host wrote are removed; others are reported as `skipped`. */
  names: string[];
}
export interface ListProfilesRequest extends RequestBase {
  type: 'list-profiles';
}
/** Sets the credentials file's permission bits to 0600 (sent only when the user asks for it). */
export interface MakeFilePrivateRequest extends RequestBase {
  type: 'make-file-private';
}
// ── the credential_process agent (docs/credential-process.md) ───────────────────────────────────────────────────

/** One live session the extension lends the agent (kept in the host's memory only, never on disk). */
export interface AgentSession {
  /** The profile name `credential-process --profile` asks for. */
  profile: string;
  roleArn: string;
  credentials: AwsCredentials;
  /** The sign-in source (`sourceKeyFor`): renewals of roles of one source are coalesced. */
  sourceKey?: string;
}
/** Starts the agent on this (long-lived) port: the host listens on its local endpoint until the port closes. */
export interface AgentStartRequest extends RequestBase {
  type: 'agent-start';
}
/** The extension's live sessions, replacing whatever the agent had. */
export interface AgentSessionsRequest extends RequestBase {
  type: 'agent-sessions';
  sessions: AgentSession[];
}
/** How a renewal the agent asked for (`agent-renew` event) ended. */
export type AgentRenewResult = { ok: true } | { ok: false; reason: 'needs-sign-in' | 'blocked'; message: string };
/** The extension's answer to an `agent-renew` event, sent after it pushed the renewed sessions. */
export interface AgentRenewResultRequest extends RequestBase {
  type: 'agent-renew-result';
  renewId: string;
  result: AgentRenewResult;
}
export type AgentRequest = AgentStartRequest | AgentSessionsRequest | AgentRenewResultRequest;
/** At most this many sessions per push (as many as profiles per write). */
export const MAX_AGENT_SESSIONS = MAX_PROFILES_PER_REQUEST;
/** The longest sign-in source key (issuer | audience | ACS URL). */
export const MAX_SOURCE_KEY_LENGTH = 2048;
/** The longest message in a renewal result. */
export const MAX_AGENT_MESSAGE_LENGTH = 500;

// config-file delivery (~/.aws/config): credential_process and CLI-side chaining
/** One `~/.aws/config` profile: `credential_process` (the host builds the command from its own path) or a chain. */
export interface ConfigProfileToWrite {
  name: string;
  /** Write `credential_process = <absolute node> <absolute helper> credential-process --profile <name>`. */
  credentialProcess?: true;
  region?: string;
  /** `role_arn` + `source_profile` (+ options): the AWS CLI assumes the role itself. */
  chain?: ConfigChain;
}
/** Creates or updates helper-managed `[profile <name>]` sections; profiles the user defines are `skipped`. */
export interface WriteConfigRequest extends RequestBase {
  type: 'write-config';
  profiles: ConfigProfileToWrite[];
}
/** Removes helper-managed config sections; others are reported as `skipped`. */
export interface RemoveConfigRequest extends RequestBase {
  type: 'remove-config';
  names: string[];
}
export type HostRequest =
  | PingRequest
  | WriteProfilesRequest
  | RemoveProfilesRequest
  | ListProfilesRequest
  | MakeFilePrivateRequest
  | AgentRequest
  | WriteConfigRequest
  | RemoveConfigRequest;
export type HostRequestType = HostRequest['type'];

// ── replies ──────────────────────────────────────────────────────────────────────────────────────────────────

/** The credentials file as the host sees it (no content). */
export interface CredentialsFileStatus {
  path: string;
  exists: boolean;
  /** Permission bits in octal, e.g. "0600"; null when the file does not exist. */
  mode: string | null;
  /** The file a symlinked path points at; null when the path is not a symlink. */
  target: string | null;
}
/**
 * Whether other users may read (or write) the file: any group or other permission bit. Never on Windows, where
 * Node's mode bits do not describe who may read a file.
 */
export function isOpenToOthers(file: Pick<CredentialsFileStatus, 'exists' | 'mode'>, platform: string): boolean {
  return platform !== 'win32' && file.exists && file.mode !== null && (parseInt(file.mode, 8) & 0o077) !== 0;
}

/** One section of the credentials file, without its secrets. */
export interface ProfileSummary {
  name: string;
  /** Written by this host (listed in its state file). */
  managed: boolean;
  hasCredentials: boolean;
  /** `x_security_token_expires` as written, if any. */
  expiration: string | null;
  region: string | null;
}
export interface ReplyBodies {
  ping: { hostVersion: string; protocol: typeof PROTOCOL_VERSION; platform: string; credentialsFile: CredentialsFileStatus };
  /** `removedExpired`: the expired sections removed (only when `removeExpiredAfterDays` was asked for). */
  'write-profiles': { credentialsFile: string; written: string[]; changed: boolean; backupFile: string | null; removedExpired?: string[] };
  'remove-profiles': { credentialsFile: string; removed: string[]; skipped: string[] };
  'list-profiles': { credentialsFile: string; profiles: ProfileSummary[] };
  /** `changed` is false when the file was already private. */
  'make-file-private': { credentialsFile: CredentialsFileStatus; changed: boolean };
  /** `endpoint`: the socket (or Windows pipe) the agent listens on. */
  'agent-start': { endpoint: string };
  /** `count`: how many sessions the agent now holds. */
  'agent-sessions': { count: number };
  'agent-renew-result': Record<string, never>;
  /** `skipped`: profiles the config file already defines in sections this host did not write (left as they are). */
  'write-config': { configFile: string; written: string[]; skipped: string[]; changed: boolean; backupFile: string | null };
  'remove-config': { configFile: string; removed: string[]; skipped: string[] };
}
export type OkReply<T extends HostRequestType = HostRequestType> = {
  [K in T]: { v: typeof PROTOCOL_VERSION; id: string; ok: true; type: K } & ReplyBodies[K];
}[T];

export type HostErrorCode =
  /** The frame's bytes are not UTF-8. */
  | 'INVALID_UTF8'
  /** The frame's text is not JSON. */
  | 'INVALID_JSON'
  /** A frame over `MAX_REQUEST_BYTES`; the host exits after saying so. */
  | 'REQUEST_TOO_LARGE'
  /** The reply would exceed the browser's 1 MB limit. */
  | 'REPLY_TOO_LARGE'
  | 'UNSUPPORTED_VERSION'
  | 'UNKNOWN_TYPE'
  /** A field missing, of the wrong type, out of range, or not in the protocol. */
  | 'INVALID_REQUEST'
  | 'INVALID_PROFILE_NAME'
  /** The caller is not one of the extension ids this host was installed for. */
  | 'FORBIDDEN_CALLER'
  /** The credentials file is one the AWS CLI cannot read (duplicate section, BOM, not UTF-8…); left untouched. */
  | 'DAMAGED_FILE'
  /** The change would alter other parts of the file; nothing written. */
  | 'UNSAFE_EDIT'
  /** A target section holds credentials this host did not write; see `overwriteUnmanaged`. */
  | 'UNMANAGED_PROFILE'
  /** Other writers kept the file busy for longer than this host may wait (`HOST_LOCK_WAIT_MS`): try again. */
  | 'LOCKED'
  /** The credentials path is a symlink to nothing. */
  | 'DANGLING_SYMLINK'
  /** The agent cannot serve: its folder is unsafe, another agent serves, or the request needs `agent-start` first. */
  | 'AGENT_UNAVAILABLE'
  /** The file system refused (permissions, disk full…): `data` says which operation on which path, and why. */
  | 'FILE_ERROR'
  | 'INTERNAL';

/** What a FILE_ERROR was doing when the file system refused. */
export const FILE_OPERATIONS = ['inspect', 'follow-symlink', 'create-folder', 'resolve', 'read', 'write', 'write-backup', 'lock', 'chmod'] as const;
export type FileOperation = (typeof FILE_OPERATIONS)[number];

/**
 * The `data` of an error reply, per code: what each side needs to word the error itself (the extension in the
 * popup, the CLI in a terminal), so neither has to pick another's sentence apart. Paths are as the host names
 * them; nothing here is ever a value from the file. Hosts before `data` existed send none, so it is optional; a
 * reply whose `data` does not match its code is not a protocol reply (lib/native-port.ts: BAD_REPLY). Fields a
 * later host adds are ignored.
 */
export interface HostErrorData {
  /** `name`: the refused name, at most its first 80 characters. */
  INVALID_PROFILE_NAME: { name: string };
  /**
   * `path`: the file; `issues`: at most `MAX_ERROR_ISSUES` problems, first lines first, each message at most
   * `MAX_ISSUE_MESSAGE_LENGTH` characters; `more`: how many further problems were left out.
   */
  DAMAGED_FILE: { path: string; issues: CredentialsFileIssue[]; more: number };
  /** `section`: a section whose reading would change (at most 80 characters), null when the change is elsewhere or to the set of sections. */
  UNSAFE_EDIT: { path: string; section: string | null };
  /** `profiles`: the sections holding credentials the host did not write; `backupFile`: where an overwrite keeps the old file. */
  UNMANAGED_PROFILE: { path: string; profiles: string[]; backupFile: string };
  /** `lock`: the lock folder; `reason`: another writer held it too long (`held`), or the file kept changing (`changing`). */
  LOCKED: { path: string; lock: string; reason: 'held' | 'changing' };
  /** `path`: the symlink. */
  DANGLING_SYMLINK: { path: string };
  /** `hostProtocol`: the version this host speaks, so the extension can say which side to update. */
  UNSUPPORTED_VERSION: { hostProtocol: number };
  /** `path`: what was being worked on; `errno`: Node's error code (EACCES, ENOSPC…), null when there was none. */
  FILE_ERROR: { path: string; operation: FileOperation; errno: string | null };
}
/** An error code that carries `data`. */
export type HostErrorCodeWithData = keyof HostErrorData;
/** A code and its data: what the host words into `message`. */
export type HostErrorDetail = { [K in HostErrorCodeWithData]: { code: K; data: HostErrorData[K] } }[HostErrorCodeWithData];
/** The `error` of an error reply: a code, words for people (CLI, logs), and per code the data to word it anew. */
export type HostError =
  | { [K in HostErrorCodeWithData]: { code: K; message: string; data?: HostErrorData[K] } }[HostErrorCodeWithData]
  | { code: Exclude<HostErrorCode, HostErrorCodeWithData>; message: string };

/** At most this many problems of a damaged file travel in `data.issues`. */
export const MAX_ERROR_ISSUES = 10;
/** The longest issue message in `data.issues` (the host shortens longer ones: a section name can be long). */
export const MAX_ISSUE_MESSAGE_LENGTH = 300;
/** The longest path in `data` (PATH_MAX on Linux). */
const MAX_PATH_LENGTH = 4096;
/** The longest profile or section name in `data` (names are shortened to this). */
export const MAX_NAME_IN_ERROR = 80;
export interface ErrorReply {
  v: typeof PROTOCOL_VERSION;
  /** The request's id, or null when the request could not be read far enough to know it. */
  id: string | null;
  ok: false;
  error: HostError;
}
export type HostReply = OkReply | ErrorReply;

/** An error reply. */
export function errorReply(id: string | null, code: Exclude<HostErrorCode, HostErrorCodeWithData>, message: string): ErrorReply {
  return { v: PROTOCOL_VERSION, id, ok: false, error: { code, message } };
}

/** An error reply carrying `error` as it is (with its data, if any). */
export function hostErrorReply(id: string | null, error: HostError): ErrorReply {
  return { v: PROTOCOL_VERSION, id, ok: false, error };
}

/** A Node error code as FILE_ERROR's `errno` carries it: EACCES, ENOSPC, ERR_FS_… */
export const ERRNO_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isText = (x: unknown, max: number): x is string => typeof x === 'string' && x.length <= max;
const isPath = (x: unknown): x is string => isText(x, MAX_PATH_LENGTH) && x.length > 0;
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isIssue = (x: unknown): x is CredentialsFileIssue => isRecord(x) && isCount(x.line) && x.line > 0 && isText(x.message, MAX_ISSUE_MESSAGE_LENGTH);

/** Each code's data, checked and copied without fields this version does not know; null when it does not match. */
const DATA_OF: { [K in HostErrorCodeWithData]: (d: Record<string, unknown>) => HostErrorData[K] | null } = {
  INVALID_PROFILE_NAME: (d) => (isText(d.name, MAX_NAME_IN_ERROR) ? { name: d.name } : null),
  DAMAGED_FILE: (d) =>
    isPath(d.path) && Array.isArray(d.issues) && d.issues.length <= MAX_ERROR_ISSUES && d.issues.every(isIssue) && isCount(d.more)
      ? { path: d.path, issues: d.issues.map((i: CredentialsFileIssue) => ({ line: i.line, message: i.message })), more: d.more }
      : null,
  UNSAFE_EDIT: (d) => (isPath(d.path) && (d.section === null || isText(d.section, MAX_NAME_IN_ERROR)) ? { path: d.path, section: d.section } : null),
  UNMANAGED_PROFILE: (d) =>
    isPath(d.path) &&
    isPath(d.backupFile) &&
    Array.isArray(d.profiles) &&
    d.profiles.length > 0 &&
    d.profiles.length <= MAX_PROFILES_PER_REQUEST &&
    d.profiles.every((p) => typeof p === 'string' && isWritableProfileName(p))
      ? { path: d.path, profiles: [...(d.profiles as string[])], backupFile: d.backupFile }
      : null,
  LOCKED: (d) =>
    isPath(d.path) && isPath(d.lock) && (d.reason === 'held' || d.reason === 'changing') ? { path: d.path, lock: d.lock, reason: d.reason } : null,
  DANGLING_SYMLINK: (d) => (isPath(d.path) ? { path: d.path } : null),
  UNSUPPORTED_VERSION: (d) => (isCount(d.hostProtocol) && d.hostProtocol > 0 ? { hostProtocol: d.hostProtocol } : null),
  FILE_ERROR: (d) =>
    isPath(d.path) &&
    (FILE_OPERATIONS as readonly unknown[]).includes(d.operation) &&
    (d.errno === null || (typeof d.errno === 'string' && ERRNO_CODE.test(d.errno)))
      ? { path: d.path, operation: d.operation as FileOperation, errno: d.errno }
      : null,
};

/**
 * The `error` of an error reply as sent by a host, checked: a string code, a string message, and for a code with
 * data either no data or data of that code's shape. Null when it is none of these (the caller treats the reply as
 * unreadable). A code this version does not know passes with its message only.
 */
export function parseHostError(value: unknown): HostError | null {
  if (!isRecord(value) || typeof value.code !== 'string' || typeof value.message !== 'string') return null;
  const { code, message } = value;
  const check = Object.hasOwn(DATA_OF, code) ? (DATA_OF[code as HostErrorCodeWithData] as (d: Record<string, unknown>) => object | null) : undefined;
  if (!check || value.data === undefined) return { code, message } as HostError;
  const data = isRecord(value.data) ? check(value.data) : null;
  return data ? ({ code, message, data } as HostError) : null;
}

// ── validation ───────────────────────────────────────────────────────────────────────────────────────────────

export type ParsedRequest = { ok: true; request: HostRequest } | { ok: false; reply: ErrorReply };

const ID = /^[\x20-\x7e]{1,128}$/;
/** RFC 3339 date-time, as STS and the extension write it (fields checked by `isRfc3339DateTime`). */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/i;
const CREDENTIAL_LIMITS = { accessKeyId: 128, secretAccessKey: 256, sessionToken: 16_384 } as const;
/** Each request type's own fields. A Map: a `type` such as "constructor" or "__proto__" must not find anything. */
const FIELDS: ReadonlyMap<string, readonly string[]> = new Map<HostRequestType, readonly string[]>([
  ['ping', []],
  ['write-profiles', ['profiles', 'overwriteUnmanaged', 'removeExpiredAfterDays']],
  ['remove-profiles', ['names']],
  ['list-profiles', []],
  ['make-file-private', []],
  ['agent-start', []],
  ['agent-sessions', ['sessions']],
  ['agent-renew-result', ['renewId', 'result']],
  ['write-config', ['profiles']],
  ['remove-config', ['names']],
]);

/**
 * Whether `value` is an RFC 3339 date-time that names a real instant: the pattern, then a round trip through the
 * calendar, so `2030-02-30`, month 13, hour 24 or second 60 are refused instead of rolling over to another date.
 */
export function isRfc3339DateTime(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return false;
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(hour, minute, second, 0);
  return (
    t.getUTCFullYear() === year &&
    t.getUTCMonth() === month - 1 &&
    t.getUTCDate() === day &&
    t.getUTCHours() === hour &&
    t.getUTCMinutes() === minute &&
    t.getUTCSeconds() === second
  );
}

class Invalid extends Error {
  constructor(readonly error: HostError) {
    super(error.message);
  }
}
const fail = (code: Exclude<HostErrorCode, HostErrorCodeWithData>, message: string): never => {
  throw new Invalid({ code, message });
};

/**
 * A request value in an error message, bounded. Never `String(x)` (an object whose own "toString" is not a function
 * makes it throw) nor `JSON.stringify` of a structure (deep nesting overflows the stack).
 */
function shown(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x.slice(0, 40));
  if (typeof x === 'number' || typeof x === 'boolean' || x === null) return String(x);
  return `of JSON type ${Array.isArray(x) ? 'array' : typeof x}`;
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const extra = Object.keys(value).find((k) => !allowed.includes(k));
  if (extra !== undefined) fail('INVALID_REQUEST', `${where} has a field the protocol does not know: ${JSON.stringify(extra.slice(0, 40))}`);
}

function profileName(value: unknown, where: string): string {
  if (typeof value !== 'string') return fail('INVALID_REQUEST', `${where} must be a string`);
  if (!isWritableProfileName(value)) {
    const name = value.slice(0, MAX_NAME_IN_ERROR);
    const message = `${where} ${JSON.stringify(name)} is not a valid profile name (1–64 letters, digits, _ and -; not DEFAULT)`;
    throw new Invalid({ code: 'INVALID_PROFILE_NAME', message, data: { name } });
  }
  return value;
}

function nameList(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) return fail('INVALID_REQUEST', `${where} must be an array`);
  if (value.length === 0) fail('INVALID_REQUEST', `${where} is empty`);
  if (value.length > MAX_PROFILES_PER_REQUEST) fail('INVALID_REQUEST', `${where} has ${value.length} entries; at most ${MAX_PROFILES_PER_REQUEST} per request`);
  return value;
}

function noDuplicates(names: readonly string[], where: string): void {
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) fail('INVALID_REQUEST', `${where} names profile ${dup} twice`);
}

function credentials(value: unknown, where: string): AwsCredentials {
  if (!isRecord(value)) return fail('INVALID_REQUEST', `${where} must be an object`);
  onlyKeys(value, ['accessKeyId', 'secretAccessKey', 'sessionToken', 'expiration'], where);
  for (const [field, max] of Object.entries(CREDENTIAL_LIMITS)) {
    const v = value[field];
    if (typeof v !== 'string') fail('INVALID_REQUEST', `${where}.${field} is missing or not a string`);
    else if (v.length > max || !CREDENTIAL_VALUE.test(v))
      fail('INVALID_REQUEST', `${where}.${field} must be 1–${max} printable ASCII characters without spaces`);
  }
  const expiration = value.expiration;
  if (typeof expiration !== 'string') return fail('INVALID_REQUEST', `${where}.expiration is missing or not a string`);
  if (!isRfc3339DateTime(expiration)) fail('INVALID_REQUEST', `${where}.expiration must be an RFC 3339 date-time that exists (e.g. 2030-11-22T11:00:00Z)`);
  return { accessKeyId: value.accessKeyId as string, secretAccessKey: value.secretAccessKey as string, sessionToken: value.sessionToken as string, expiration };
}

function profileToWrite(value: unknown, where: string): ProfileToWrite {
  if (!isRecord(value)) return fail('INVALID_REQUEST', `${where} must be an object`);
  onlyKeys(value, ['name', 'credentials', 'region'], where);
  const profile: ProfileToWrite = { name: profileName(value.name, `${where}.name`), credentials: credentials(value.credentials, `${where}.credentials`) };
  if (value.region !== undefined) {
    if (typeof value.region !== 'string' || !REGION_VALUE.test(value.region)) fail('INVALID_REQUEST', `${where}.region must match [a-z0-9-]+ (e.g. eu-west-1)`);
    profile.region = value.region as string;
  }
  return profile;
}

const CHAIN_FIELDS = ['roleArn', 'sourceProfile', 'externalId', 'durationSeconds', 'sessionName'] as const;

function configChain(value: unknown, profile: string, where: string): ConfigChain {
  if (!isRecord(value)) return fail('INVALID_REQUEST', `${where} must be an object`);
  onlyKeys(value, CHAIN_FIELDS, where);
  const chain = Object.fromEntries(CHAIN_FIELDS.filter((k) => value[k] !== undefined).map((k) => [k, value[k]])) as unknown as ConfigChain;
  try {
    chainEntries(profile, chain);
  } catch (e) {
    if (e instanceof ConfigValueError) fail('INVALID_REQUEST', `${where}.${e.field} ${e.reason}`);
    throw e;
  }
  return chain;
}

function configProfileToWrite(value: unknown, where: string): ConfigProfileToWrite {
  if (!isRecord(value)) return fail('INVALID_REQUEST', `${where} must be an object`);
  onlyKeys(value, ['name', 'credentialProcess', 'region', 'chain'], where);
  const name = profileName(value.name, `${where}.name`);
  if (value.credentialProcess !== undefined && value.credentialProcess !== true) fail('INVALID_REQUEST', `${where}.credentialProcess must be true or absent`);
  if ((value.credentialProcess === undefined) === (value.chain === undefined))
    fail('INVALID_REQUEST', `${where} needs exactly one of credentialProcess or chain`);
  const profile: ConfigProfileToWrite = { name };
  if (value.credentialProcess === true) profile.credentialProcess = true;
  if (value.chain !== undefined) profile.chain = configChain(value.chain, name, `${where}.chain`);
  if (value.region !== undefined) {
    if (typeof value.region !== 'string' || !REGION_VALUE.test(value.region)) fail('INVALID_REQUEST', `${where}.region must match [a-z0-9-]+ (e.g. eu-west-1)`);
    profile.region = value.region as string;
  }
  return profile;
}

function requestOf(value: Record<string, unknown>, id: string): HostRequest {
  const type = value.type;
  const fields = typeof type === 'string' ? FIELDS.get(type) : undefined;
  if (fields === undefined) {
    return fail('UNKNOWN_TYPE', `unknown request type ${shown(type)}; this host knows ${[...FIELDS.keys()].join(', ')}`);
  }
  const t = type as HostRequestType;
  onlyKeys(value, ['v', 'id', 'type', ...fields], 'the request');
  const base = { v: PROTOCOL_VERSION, id } as const;
  switch (t) {
    case 'ping':
    case 'list-profiles':
    case 'make-file-private':
      return { ...base, type: t };
    case 'write-profiles': {
      const profiles = nameList(value.profiles, 'profiles').map((p, i) => profileToWrite(p, `profiles[${i}]`));
      noDuplicates(
        profiles.map((p) => p.name),
        'profiles',
      );
      const overwrite = value.overwriteUnmanaged;
      if (overwrite !== undefined && typeof overwrite !== 'boolean') fail('INVALID_REQUEST', 'overwriteUnmanaged must be true or false');
      const days = value.removeExpiredAfterDays;
      if (days !== undefined && !(isCount(days) && days >= 1 && days <= MAX_EXPIRED_DAYS))
        fail('INVALID_REQUEST', `removeExpiredAfterDays must be a whole number of days from 1 to ${MAX_EXPIRED_DAYS}`);
      return {
        ...base,
        type: t,
        profiles,
        ...(overwrite === undefined ? {} : { overwriteUnmanaged: overwrite as boolean }),
        ...(days === undefined ? {} : { removeExpiredAfterDays: days as number }),
      };
    }
    case 'remove-profiles':
    case 'remove-config': {
      const names = nameList(value.names, 'names').map((n, i) => profileName(n, `names[${i}]`));
      noDuplicates(names, 'names');
      return { ...base, type: t, names };
    }
    case 'agent-start':
      return { ...base, type: t };
    case 'agent-sessions': {
      if (!Array.isArray(value.sessions)) return fail('INVALID_REQUEST', 'sessions must be an array');
      if (value.sessions.length > MAX_AGENT_SESSIONS) fail('INVALID_REQUEST', `sessions has ${value.sessions.length} entries; at most ${MAX_AGENT_SESSIONS}`);
      const sessions = value.sessions.map((x: unknown, i) => agentSession(x, `sessions[${i}]`));
      noDuplicates(
        sessions.map((x) => x.profile),
        'sessions',
      );
      return { ...base, type: t, sessions };
    }
    case 'agent-renew-result': {
      if (typeof value.renewId !== 'string' || !ID.test(value.renewId)) fail('INVALID_REQUEST', 'renewId must be 1–128 printable ASCII characters');
      return { ...base, type: t, renewId: value.renewId as string, result: renewResult(value.result) };
    }
    case 'write-config': {
      const profiles = nameList(value.profiles, 'profiles').map((p, i) => configProfileToWrite(p, `profiles[${i}]`));
      noDuplicates(
        profiles.map((p) => p.name),
        'profiles',
      );
      return { ...base, type: t, profiles };
    }
  }
}

const isSourceKey = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= MAX_SOURCE_KEY_LENGTH && /^[\x20-\x7e]+$/.test(x);
const isRoleArn = (x: unknown): x is string => typeof x === 'string' && x.length <= 2048 && parseRoleArn(x) !== null;

function agentSession(value: unknown, where: string): AgentSession {
  if (!isRecord(value)) return fail('INVALID_REQUEST', `${where} must be an object`);
  onlyKeys(value, ['profile', 'roleArn', 'credentials', 'sourceKey'], where);
  if (typeof value.profile !== 'string' || !isValidProfileName(value.profile)) fail('INVALID_REQUEST', `${where}.profile is not a valid profile name`);
  if (!isRoleArn(value.roleArn)) fail('INVALID_REQUEST', `${where}.roleArn is not an IAM role ARN`);
  if (value.sourceKey !== undefined && !isSourceKey(value.sourceKey))
    fail('INVALID_REQUEST', `${where}.sourceKey must be 1–${MAX_SOURCE_KEY_LENGTH} printable ASCII characters`);
  return {
    profile: value.profile as string,
    roleArn: value.roleArn as string,
    credentials: credentials(value.credentials, `${where}.credentials`),
    ...(value.sourceKey === undefined ? {} : { sourceKey: value.sourceKey as string }),
  };
}

const boundedMessage = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= MAX_AGENT_MESSAGE_LENGTH && !/[\x00-\x1f\x7f]/.test(x);

function renewResult(value: unknown): AgentRenewResult {
  if (!isRecord(value)) return fail('INVALID_REQUEST', 'result must be an object');
  if (value.ok === true) {
    onlyKeys(value, ['ok'], 'result');
    return { ok: true };
  }
  onlyKeys(value, ['ok', 'reason', 'message'], 'result');
  if (value.ok !== false) fail('INVALID_REQUEST', 'result.ok must be true or false');
  if (value.reason !== 'needs-sign-in' && value.reason !== 'blocked') fail('INVALID_REQUEST', 'result.reason must be needs-sign-in or blocked');
  if (!boundedMessage(value.message)) fail('INVALID_REQUEST', `result.message must be 1–${MAX_AGENT_MESSAGE_LENGTH} characters on one line`);
  return { ok: false, reason: value.reason as 'needs-sign-in' | 'blocked', message: value.message as string };
}

// ── host → extension events (the agent's port only) ───────────────────────────────────────────────────────────

/**
 * What the agent asks of the extension over the open port: renew these roles (answer with `agent-renew-result`
 * after pushing the new sessions), or open the sign-in for a profile (`credential-process --wait`).
 * Events carry `event` instead of `id`, so they can never be taken for a reply.
 */
export type HostEvent =
  | { v: typeof PROTOCOL_VERSION; event: 'agent-renew'; renewId: string; roleArns: string[] }
  | { v: typeof PROTOCOL_VERSION; event: 'agent-sign-in'; profile: string; roleArn: string | null };

/** Checks a message from the host that is not a reply; null when it is not a valid event (native messages are hostile data). */
export function parseHostEvent(value: unknown): HostEvent | null {
  if (!isRecord(value) || value.v !== PROTOCOL_VERSION || 'id' in value) return null;
  const keys = Object.keys(value);
  if (value.event === 'agent-renew') {
    if (keys.length !== 4 || typeof value.renewId !== 'string' || !ID.test(value.renewId)) return null;
    const arns = value.roleArns;
    if (!Array.isArray(arns) || arns.length === 0 || arns.length > MAX_AGENT_SESSIONS || !arns.every(isRoleArn)) return null;
    return { v: PROTOCOL_VERSION, event: 'agent-renew', renewId: value.renewId, roleArns: [...(arns as string[])] };
  }
  if (value.event === 'agent-sign-in') {
    if (keys.length !== 4 || typeof value.profile !== 'string' || !isValidProfileName(value.profile)) return null;
    if (value.roleArn !== null && !isRoleArn(value.roleArn)) return null;
    return { v: PROTOCOL_VERSION, event: 'agent-sign-in', profile: value.profile, roleArn: value.roleArn as string | null };
  }
  return null;
}

/** Checks every field of a decoded frame; a refusal comes as the error reply to send. Messages never echo secrets. */
export function parseRequest(value: unknown): ParsedRequest {
  if (!isRecord(value)) return { ok: false, reply: errorReply(null, 'INVALID_REQUEST', 'a request must be a JSON object') };
  const id = typeof value.id === 'string' && ID.test(value.id) ? value.id : null;
  try {
    if (value.v === undefined) fail('INVALID_REQUEST', 'the request has no protocol version "v"');
    // A ping of any version is answered (it has no fields), so an extension of another version learns this host's.
    const anyPing = value.type === 'ping' && isCount(value.v) && value.v > 0;
    if (value.v !== PROTOCOL_VERSION && !anyPing) {
      const message = `protocol version ${shown(value.v)} is not supported; this host speaks version ${PROTOCOL_VERSION}`;
      throw new Invalid({ code: 'UNSUPPORTED_VERSION', message, data: { hostProtocol: PROTOCOL_VERSION } });
    }
    if (id === null) fail('INVALID_REQUEST', 'the request needs an "id": 1–128 printable ASCII characters');
    return { ok: true, request: requestOf(value, id!) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, reply: hostErrorReply(id, e.error) };
    throw e;
  }
}
