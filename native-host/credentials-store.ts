/**
 * The file side of the host: where the credentials file is, and locked, crash-safe read-merge-write cycles on it
 * through lib's one writer. Next to the file (in its real directory) live one backup of the previous content and
 * the list of profiles this host manages. Nothing here logs a value from the file.
 */
import { lstat, mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { CredentialsFileError, mergeCredentialsFile, parseCredentialsFile, type ProfileUpdate } from '../lib/credentials-file';
import { removeStaleTemporaryFiles, writeFileAtomic } from './atomic-write';
import type { CredentialsFileStatus, HostErrorCode, ProfileSummary, ProfileToWrite, ReplyBodies } from './protocol';

export const BACKUP_SUFFIX = '.aws-saml-bridge.bak';
export const STATE_FILE_NAME = '.aws-saml-bridge-managed.json';
/** A lock older than this is a dead writer's; live holders refresh it every `LOCK_UPDATE_MS`. */
export const LOCK_STALE_MS = 3000;
export const LOCK_UPDATE_MS = 1000;
/** Retries reach well past `LOCK_STALE_MS`, so a dead writer's lock delays the next one but never blocks it. */
const LOCK_RETRIES = { retries: 60, factor: 1.3, minTimeout: 15, maxTimeout: 250, randomize: true };

/** A refusal with a protocol error code; `message` names paths and operations, never file content. */
export class StoreError extends Error {
  constructor(
    readonly code: HostErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Where things are: the path as configured, the file actually written, and the files kept next to it. */
export interface StoreLocation {
  configured: string;
  /** The real file (symlinks followed). */
  file: string;
  backupFile: string;
  stateFile: string;
}

/** `$VAR`/`${VAR}` and `~` expanded like botocore (`os.path.expandvars`, then `expanduser`). */
export function expandPath(path: string, env: NodeJS.ProcessEnv, home: string): string {
  const vars = path.replace(/\$(\w+)|\$\{([^}]*)\}/g, (whole, a: string | undefined, b: string | undefined) => env[a ?? b ?? ''] ?? whole);
  const tilde = vars === '~' || vars.startsWith('~/') || vars.startsWith('~\\') ? join(home, vars.slice(1)) : vars;
  return isAbsolute(tilde) ? tilde : resolve(tilde);
}

/** `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials` (botocore's rule). */
export function credentialsFilePath(env: NodeJS.ProcessEnv, home: string): string {
  const configured = env.AWS_SHARED_CREDENTIALS_FILE;
  return expandPath(configured ? configured : join('~', '.aws', 'credentials'), env, home);
}

const errno = (e: unknown): string | undefined => (e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined);

/** A Node file-system error as a FILE_ERROR that says what was being done to which path. */
function fileError(e: unknown, operation: string, path: string): StoreError {
  if (e instanceof StoreError) return e;
  const code = errno(e) ?? 'unknown error';
  const hint = code === 'EACCES' || code === 'EPERM' ? ' (permission denied)' : code === 'ENOSPC' ? ' (disk full)' : code === 'EROFS' ? ' (read-only file system)' : '';
  return new StoreError('FILE_ERROR', `could not ${operation} ${path}: ${code}${hint}`);
}

/** Resolves `configured` to the file to write; with `create`, makes a missing directory (0700). */
export async function locate(configured: string, create: boolean): Promise<StoreLocation> {
  let file: string;
  const link = await lstat(configured).catch((e: unknown) => (errno(e) === 'ENOENT' ? null : Promise.reject(fileError(e, 'inspect', configured))));
  if (link?.isSymbolicLink()) {
    try {
      file = await realpath(configured);
    } catch (e) {
      if (errno(e) === 'ENOENT') throw new StoreError('DANGLING_SYMLINK', `${configured} is a symlink to a file that does not exist; create the target or remove the link`);
      throw fileError(e, 'follow the symlink', configured);
    }
  } else {
    const dir = dirname(configured);
    if (create) await mkdir(dir, { recursive: true, mode: 0o700 }).catch((e: unknown) => Promise.reject(fileError(e, 'create the folder', dir)));
    const realDir = await realpath(dir).catch((e: unknown) => (errno(e) === 'ENOENT' ? dir : Promise.reject(fileError(e, 'resolve', dir))));
    file = join(realDir, basename(configured));
  }
  return { configured, file, backupFile: `${file}${BACKUP_SUFFIX}`, stateFile: join(dirname(file), STATE_FILE_NAME) };
}

/** The file's path, whether it exists, its permission bits and its symlink target. */
export async function credentialsFileStatus(configured: string): Promise<CredentialsFileStatus> {
  const link = await lstat(configured).catch(() => null);
  const target = link?.isSymbolicLink() ? await realpath(configured).catch(() => null) : null;
  const st = await stat(configured).catch(() => null);
  return { path: configured, exists: st !== null, mode: st ? `0${(st.mode & 0o777).toString(8)}` : null, target };
}

interface CurrentFile {
  exists: boolean;
  bytes: Buffer;
  text: string;
  mode: number;
  owner: { uid: number; gid: number } | undefined;
}

/** Lead bytes of multi-byte UTF-8 sequences: how many bytes follow and the range of the first (RFC 3629 table 3-7). */
const UTF8_LEADS = [
  { from: 0xc2, to: 0xdf, follow: 1, second: [0x80, 0xbf] },
  { from: 0xe0, to: 0xe0, follow: 2, second: [0xa0, 0xbf] },
  { from: 0xe1, to: 0xec, follow: 2, second: [0x80, 0xbf] },
  { from: 0xed, to: 0xed, follow: 2, second: [0x80, 0x9f] },
  { from: 0xee, to: 0xef, follow: 2, second: [0x80, 0xbf] },
  { from: 0xf0, to: 0xf0, follow: 3, second: [0x90, 0xbf] },
  { from: 0xf1, to: 0xf3, follow: 3, second: [0x80, 0xbf] },
  { from: 0xf4, to: 0xf4, follow: 3, second: [0x80, 0x8f] },
] as const;

/** Offset of the first byte that is not part of well-formed UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const lead = UTF8_LEADS.find((l) => b >= l.from && b <= l.to);
    if (!lead) return i;
    for (let k = 1; k <= lead.follow; k++) {
      const c = bytes[i + k];
      const [lo, hi] = k === 1 ? lead.second : [0x80, 0xbf];
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += lead.follow + 1;
  }
  return -1;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

async function readCurrent(file: string): Promise<CurrentFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    if (errno(e) === 'ENOENT') return { exists: false, bytes: Buffer.alloc(0), text: '', mode: 0o600, owner: undefined };
    throw fileError(e, 'read', file);
  }
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    const line = bytes.subarray(0, Math.max(0, firstInvalidUtf8(bytes))).filter((b) => b === 0x0a).length + 1;
    throw new StoreError('DAMAGED_FILE', `${file} is not UTF-8 text (line ${line} has bytes that are not UTF-8), so it was left as it is; the AWS CLI cannot read it either`);
  }
  const st = await stat(file).catch((e: unknown) => Promise.reject(fileError(e, 'inspect', file)));
  const root = process.getuid?.() === 0;
  return { exists: true, bytes, text, mode: st.mode & 0o777, owner: root ? { uid: st.uid, gid: st.gid } : undefined };
}

/** Names of the profiles this host wrote, from the state file (an unreadable state file counts as empty). */
async function readManaged(stateFile: string): Promise<Set<string>> {
  try {
    const json: unknown = JSON.parse(await readFile(stateFile, 'utf8'));
    const profiles = typeof json === 'object' && json !== null && 'profiles' in json ? json.profiles : undefined;
    return new Set(Array.isArray(profiles) ? profiles.filter((p): p is string => typeof p === 'string') : []);
  } catch (e) {
    if (errno(e) !== 'ENOENT') process.stderr.write(`aws-saml-bridge: ignoring unreadable ${stateFile}\n`);
    return new Set();
  }
}

async function writeManaged(stateFile: string, names: ReadonlySet<string>): Promise<void> {
  const json = JSON.stringify({ version: 1, profiles: [...names].sort() }, null, 2) + '\n';
  await writeFileAtomic(stateFile, Buffer.from(json), { mode: 0o600, syncDirectory: false }).catch((e: unknown) => Promise.reject(fileError(e, 'write', stateFile)));
}

/** Runs `task` holding the lock on `file` (a `<file>.lock` folder), so concurrent hosts take turns. */
async function withLock<T>(file: string, task: () => Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      retries: LOCK_RETRIES,
      // Only possible if this process stalls for longer than LOCK_STALE_MS; the write itself is atomic either way.
      onCompromised: () => process.stderr.write('aws-saml-bridge: the credentials file lock was taken over while held\n'),
    });
  } catch (e) {
    if (errno(e) === 'ELOCKED') throw new StoreError('LOCKED', `another program holds ${file}.lock; if no other writer is running, delete that folder`);
    throw fileError(e, 'lock', file);
  }
  try {
    return await task();
  } finally {
    await release().catch(() => undefined);
  }
}

/** lib's merge with its refusals turned into protocol errors. */
function merge(text: string, file: string, updates: readonly ProfileUpdate[], removals: readonly string[] = []): string {
  try {
    return mergeCredentialsFile(text, updates, { removals });
  } catch (e) {
    if (!(e instanceof CredentialsFileError)) throw e;
    const code: HostErrorCode = e.code === 'DAMAGED_FILE' || e.code === 'UNSAFE_EDIT' ? e.code : e.code === 'INVALID_PROFILE_NAME' || e.code === 'RESERVED_PROFILE_NAME' ? 'INVALID_PROFILE_NAME' : 'INVALID_REQUEST';
    throw new StoreError(code, code === 'DAMAGED_FILE' ? e.message.replace('The credentials file', file) : e.message);
  }
}

/** Backs up the current content (one backup, 0600) and replaces the file, keeping its mode (0600 when new). */
async function replaceFile(location: StoreLocation, current: CurrentFile, next: string): Promise<string | null> {
  let backup: string | null = null;
  if (current.exists) {
    await writeFileAtomic(location.backupFile, current.bytes, { mode: 0o600, owner: current.owner, syncDirectory: false }).catch((e: unknown) => Promise.reject(fileError(e, 'write the backup', location.backupFile)));
    backup = location.backupFile;
  }
  // One directory fsync makes this rename and the backup's and state file's before it durable (same directory).
  await writeFileAtomic(location.file, Buffer.from(next, 'utf8'), { mode: current.mode, owner: current.owner }).catch((e: unknown) => Promise.reject(fileError(e, 'write', location.file)));
  return backup;
}

/** Creates or updates `profiles`; refuses sections holding someone else's credentials unless `overwriteUnmanaged`. */
export async function writeProfiles(configured: string, profiles: readonly ProfileToWrite[], options: { overwriteUnmanaged?: boolean } = {}): Promise<ReplyBodies['write-profiles']> {
  const location = await locate(configured, true);
  return withLock(location.file, async () => {
    await removeStaleTemporaryFiles(dirname(location.file), [location.file, location.backupFile, location.stateFile]);
    const current = await readCurrent(location.file);
    const managed = await readManaged(location.stateFile);
    const names = profiles.map((p) => p.name);
    if (!options.overwriteUnmanaged) {
      const parsed = parseCredentialsFile(current.text);
      if (parsed.ok) {
        const foreign = names.filter((n) => !managed.has(n) && parsed.sections.get(n)?.has('aws_access_key_id'));
        if (foreign.length) {
          throw new StoreError(
            'UNMANAGED_PROFILE',
            `${configured} already has credentials in ${foreign.map((n) => `[${n}]`).join(', ')} that AWS SAML Bridge did not write; send overwriteUnmanaged: true to replace them (the old file is kept as ${basename(location.backupFile)})`,
          );
        }
      }
    }
    const next = merge(current.text, configured, profiles);
    // State first: after a crash between the two writes, a listed-but-absent profile is harmless; the reverse
    // would make our own profile look foreign on the next write.
    const nextManaged = new Set([...managed, ...names]);
    if (nextManaged.size !== managed.size) await writeManaged(location.stateFile, nextManaged);
    const changed = next !== current.text || !current.exists;
    const backupFile = changed ? await replaceFile(location, current, next) : null;
    return { credentialsFile: configured, written: names, changed, backupFile };
  });
}

/** Removes the sections of `names` this host manages; names it does not manage are left alone and reported. */
export async function removeProfiles(configured: string, names: readonly string[]): Promise<ReplyBodies['remove-profiles']> {
  const location = await locate(configured, false);
  const exists = await stat(dirname(location.file)).then(
    () => true,
    () => false,
  );
  if (!exists) return { credentialsFile: configured, removed: [], skipped: [...names] };
  return withLock(location.file, async () => {
    await removeStaleTemporaryFiles(dirname(location.file), [location.file, location.backupFile, location.stateFile]);
    const current = await readCurrent(location.file);
    const managed = await readManaged(location.stateFile);
    const removed = names.filter((n) => managed.has(n));
    const skipped = names.filter((n) => !managed.has(n));
    if (removed.length === 0) return { credentialsFile: configured, removed, skipped };
    const next = merge(current.text, configured, [], removed);
    if (current.exists && next !== current.text) await replaceFile(location, current, next);
    await writeManaged(location.stateFile, new Set([...managed].filter((n) => !removed.includes(n))));
    return { credentialsFile: configured, removed, skipped };
  });
}

/** Every section with what the popup may show (never a secret). Reads without the lock: writes are atomic renames. */
export async function listProfiles(configured: string): Promise<ReplyBodies['list-profiles']> {
  const location = await locate(configured, false);
  const current = await readCurrent(location.file);
  const parsed = parseCredentialsFile(current.text);
  if (!parsed.ok) {
    const where = parsed.issues.slice(0, 5).map((i) => `line ${i.line}: ${i.message}`).join('; ');
    throw new StoreError('DAMAGED_FILE', `${configured} cannot be read by the AWS CLI: ${where}`);
  }
  const managed = await readManaged(location.stateFile);
  const profiles: ProfileSummary[] = [...parsed.sections].map(([name, keys]) => ({
    name,
    managed: managed.has(name),
    hasCredentials: keys.has('aws_access_key_id'),
    expiration: keys.get('x_security_token_expires') ?? null,
    region: keys.get('region') ?? null,
  }));
  return { credentialsFile: configured, profiles };
}
