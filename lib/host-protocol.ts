/**
 * The extension ↔ native host protocol, version 1: one typed request per frame, one reply per request, matched by
 * `id`. Pure (no Node or browser APIs): the extension (lib/native-port.ts) and the host (native-host/) both import
 * it, so the request types, `PROTOCOL_VERSION` and `parseRequest`'s value rules (shared with the credentials-file
 * writer) are written once.
 */
import type { AwsCredentials } from './credentials';
import { CREDENTIAL_VALUE, isWritableProfileName, REGION_VALUE } from './credentials-file';

export const PROTOCOL_VERSION = 1;
/** More profiles than anyone assumes at once (the popup handles 300 roles); bounds the work per request. */
export const MAX_PROFILES_PER_REQUEST = 500;

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
export type HostRequest = PingRequest | WriteProfilesRequest | RemoveProfilesRequest | ListProfilesRequest | MakeFilePrivateRequest;
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
  'write-profiles': { credentialsFile: string; written: string[]; changed: boolean; backupFile: string | null };
  'remove-profiles': { credentialsFile: string; removed: string[]; skipped: string[] };
  'list-profiles': { credentialsFile: string; profiles: ProfileSummary[] };
  /** `changed` is false when the file was already private. */
  'make-file-private': { credentialsFile: CredentialsFileStatus; changed: boolean };
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
  /** The file system refused (permissions, disk full…): `message` says which operation and path. */
  | 'FILE_ERROR'
  | 'INTERNAL';
export interface HostError {
  code: HostErrorCode;
  message: string;
}
export interface ErrorReply {
  v: typeof PROTOCOL_VERSION;
  /** The request's id, or null when the request could not be read far enough to know it. */
  id: string | null;
  ok: false;
  error: HostError;
}
export type HostReply = OkReply | ErrorReply;

/** An error reply. */
export function errorReply(id: string | null, code: HostErrorCode, message: string): ErrorReply {
  return { v: PROTOCOL_VERSION, id, ok: false, error: { code, message } };
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
  ['write-profiles', ['profiles', 'overwriteUnmanaged']],
  ['remove-profiles', ['names']],
  ['list-profiles', []],
  ['make-file-private', []],
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
  constructor(
    readonly code: HostErrorCode,
    message: string,
  ) {
    super(message);
  }
}
const fail = (code: HostErrorCode, message: string): never => {
  throw new Invalid(code, message);
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

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const extra = Object.keys(value).find((k) => !allowed.includes(k));
  if (extra !== undefined) fail('INVALID_REQUEST', `${where} has a field the protocol does not know: ${JSON.stringify(extra.slice(0, 40))}`);
}

function profileName(value: unknown, where: string): string {
  if (typeof value !== 'string') return fail('INVALID_REQUEST', `${where} must be a string`);
  if (!isWritableProfileName(value)) {
    fail('INVALID_PROFILE_NAME', `${where} ${JSON.stringify(value.slice(0, 80))} is not a valid profile name (1–64 letters, digits, _ and -; not DEFAULT)`);
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
      return { ...base, type: t, profiles, ...(overwrite === undefined ? {} : { overwriteUnmanaged: overwrite as boolean }) };
    }
    case 'remove-profiles': {
      const names = nameList(value.names, 'names').map((n, i) => profileName(n, `names[${i}]`));
      noDuplicates(names, 'names');
      return { ...base, type: t, names };
    }
  }
}

/** Checks every field of a decoded frame; a refusal comes as the error reply to send. Messages never echo secrets. */
export function parseRequest(value: unknown): ParsedRequest {
  if (!isRecord(value)) return { ok: false, reply: errorReply(null, 'INVALID_REQUEST', 'a request must be a JSON object') };
  const id = typeof value.id === 'string' && ID.test(value.id) ? value.id : null;
  try {
    if (value.v === undefined) fail('INVALID_REQUEST', 'the request has no protocol version "v"');
    if (value.v !== PROTOCOL_VERSION)
      fail('UNSUPPORTED_VERSION', `protocol version ${shown(value.v)} is not supported; this host speaks version ${PROTOCOL_VERSION}`);
    if (id === null) fail('INVALID_REQUEST', 'the request needs an "id": 1–128 printable ASCII characters');
    return { ok: true, request: requestOf(value, id!) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, reply: errorReply(id, e.code, e.message) };
    throw e;
  }
}
