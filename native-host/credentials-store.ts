/**
 * The file side of the host: where the credentials file is, and locked, crash-safe read-merge-write cycles on it
 * through lib's one writer. Next to the file (in its real directory) live one backup of the previous content and
 * the list of profiles this host manages. Nothing here logs a value from the file.
 */
import { chmod, link, lstat, mkdir, open, readFile, realpath, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import {
  CredentialsFileError,
  mergeCredentialsFilePieces,
  mergePiecesChange,
  parseCredentialsFile,
  type MergePiece,
  type ProfileUpdate,
} from '../lib/credentials-file';
import { removeStaleTemporaryFiles, writeFileAtomic } from './atomic-write';
import { acquireLock, LockBusyError, type HeldLock } from './file-lock';
import {
  ERRNO_CODE,
  HOST_LOCK_WAIT_MS,
  type CredentialsFileStatus,
  type FileOperation,
  type HostError,
  type HostErrorCode,
  type HostErrorDetail,
  type ProfileSummary,
  type ProfileToWrite,
  type ReplyBodies,
} from '../lib/host-protocol';
import { boundedIssues, hostError, mergeRefusal } from './error-words';

export const BACKUP_SUFFIX = '.aws-saml-bridge.bak';
export const STATE_FILE_NAME = '.aws-saml-bridge-managed.json';
/**
 * A lock older than this is a dead (or stalled) writer's and is taken over; live holders refresh it every
 * `LOCK_UPDATE_MS`. Well under `HOST_LOCK_WAIT_MS`, so a dead writer's lock delays the next one but never fails it.
 */
export const LOCK_STALE_MS = 3000;
export const LOCK_UPDATE_MS = 1000;

/** A refusal as the protocol's error (code, data, the host's words); it names paths and operations, never file content. */
export class StoreError extends Error {
  readonly code: HostErrorCode;
  constructor(readonly error: HostError) {
    super(error.message);
    this.code = error.code;
  }
}

/** A refusal with data, in the host's words. */
const refusal = (detail: HostErrorDetail) => new StoreError(hostError(detail));

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
function fileError(e: unknown, operation: FileOperation, path: string): Error {
  if (e instanceof StoreError || e instanceof Conflict) return e;
  const code = errno(e);
  return refusal({ code: 'FILE_ERROR', data: { path, operation, errno: code !== undefined && ERRNO_CODE.test(code) ? code : null } });
}

/** Resolves `configured` to the file to write; with `create`, makes a missing directory (0700). `stateFileName`: the list of managed sections next to it. */
export async function locate(configured: string, create: boolean, stateFileName: string = STATE_FILE_NAME): Promise<StoreLocation> {
  let file: string;
  const link = await lstat(configured).catch((e: unknown) => (errno(e) === 'ENOENT' ? null : Promise.reject(fileError(e, 'inspect', configured))));
  if (link?.isSymbolicLink()) {
    try {
      file = await realpath(configured);
    } catch (e) {
      if (errno(e) === 'ENOENT') throw refusal({ code: 'DANGLING_SYMLINK', data: { path: configured } });
      throw fileError(e, 'follow-symlink', configured);
    }
  } else {
    const dir = dirname(configured);
    if (create) await mkdir(dir, { recursive: true, mode: 0o700 }).catch((e: unknown) => Promise.reject(fileError(e, 'create-folder', dir)));
    const realDir = await realpath(dir).catch((e: unknown) => (errno(e) === 'ENOENT' ? dir : Promise.reject(fileError(e, 'resolve', dir))));
    file = join(realDir, basename(configured));
  }
  return { configured, file, backupFile: `${file}${BACKUP_SUFFIX}`, stateFile: join(dirname(file), stateFileName) };
}

/** The file's path, whether it exists, its permission bits and its symlink target. */
export async function credentialsFileStatus(configured: string): Promise<CredentialsFileStatus> {
  const link = await lstat(configured).catch(() => null);
  const target = link?.isSymbolicLink() ? await realpath(configured).catch(() => null) : null;
  const st = await stat(configured).catch(() => null);
  return { path: configured, exists: st !== null, mode: st ? `0${(st.mode & 0o777).toString(8)}` : null, target };
}

export interface CurrentFile {
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

export async function readCurrent(file: string): Promise<CurrentFile> {
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
    throw refusal({ code: 'DAMAGED_FILE', data: { path: file, issues: [{ line, message: 'bytes that are not UTF-8 text' }], more: 0 } });
  }
  const st = await stat(file).catch((e: unknown) => Promise.reject(fileError(e, 'inspect', file)));
  const root = process.getuid?.() === 0;
  return { exists: true, bytes, text, mode: st.mode & 0o777, owner: root ? { uid: st.uid, gid: st.gid } : undefined };
}

/** The state file: the names this host wrote, and its raw bytes (null when absent) to tell later whether it changed. */
export interface Managed {
  names: Set<string>;
  raw: Buffer | null;
}

/** Names of the profiles this host wrote, from the state file (an unreadable state file counts as empty). */
export async function readManaged(stateFile: string): Promise<Managed> {
  let raw: Buffer;
  try {
    raw = await readFile(stateFile);
  } catch (e) {
    if (errno(e) !== 'ENOENT') process.stderr.write(`aws-saml-bridge: ignoring unreadable ${stateFile}\n`);
    return { names: new Set(), raw: null };
  }
  try {
    const json: unknown = JSON.parse(raw.toString('utf8'));
    const profiles = typeof json === 'object' && json !== null && Object.hasOwn(json, 'profiles') ? (json as { profiles: unknown }).profiles : undefined;
    return { names: new Set(Array.isArray(profiles) ? profiles.filter((p): p is string => typeof p === 'string') : []), raw };
  } catch {
    process.stderr.write(`aws-saml-bridge: ignoring unreadable ${stateFile}\n`);
    return { names: new Set(), raw };
  }
}

/** Writes the state file (after `beforeRename`); returns the bytes written. */
export async function writeManaged(stateFile: string, names: ReadonlySet<string>, beforeRename: () => Promise<void>): Promise<Buffer> {
  const bytes = Buffer.from(JSON.stringify({ version: 1, profiles: [...names].sort() }, null, 2) + '\n');
  await writeFileAtomic(stateFile, bytes, { mode: 0o600, syncDirectory: false, beforeRename }).catch((e: unknown) =>
    Promise.reject(fileError(e, 'write', stateFile)),
  );
  return bytes;
}

/** The file changed (or the lock was lost) between reading and committing: read, merge and write again. */
class Conflict extends Error {}

/** At most this many read-merge-write attempts per request when the file keeps changing under the writer. */
const MAX_ATTEMPTS = 3;

/**
 * What one attempt read, so it can check, right before each rename, that it still holds the lock and that the
 * credentials and state files are exactly what it merged against. A writer stalled past the lock's stale time
 * (suspend, VM pause) finds out here instead of renaming a merge that drops another writer's profiles; so does a
 * program that writes the file without the lock (`aws configure set`), unless it writes in the microseconds between
 * this check and the rename (POSIX has no compare-and-rename).
 */
export class Snapshot {
  constructor(
    private readonly lock: HeldLock,
    private readonly location: StoreLocation,
    private file: Content | null,
    private state: Content | null,
  ) {}

  /** Throws Conflict unless the lock is ours and both files are as expected. */
  readonly check = async (): Promise<void> => {
    if (!(await this.lock.isHeld())) throw new Conflict('the lock was taken over');
    if (!(await holds(this.location.file, this.file))) throw new Conflict('the credentials file changed');
    if (!(await holds(this.location.stateFile, this.state))) throw new Conflict('the state file changed');
  };

  /** After our own rename: the new content is what the next check expects. */
  wrote(which: 'file' | 'state', bytes: Content): void {
    if (which === 'file') this.file = bytes;
    else this.state = bytes;
  }
}

/** A file's content: its bytes, or the pieces that make them up in order. */
export type Content = Uint8Array | readonly Uint8Array[];

/** Compared a block at a time, so checking a large file costs no copy of it. */
const COMPARE_BLOCK_BYTES = 256 * 1024;

/** Whether `file` holds exactly `expected` (null: the file is absent). */
export async function holds(file: string, expected: Content | null): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    if (errno(e) === 'ENOENT') return expected === null;
    throw fileError(e, 'read', file);
  }
  try {
    if (expected === null) return false;
    const chunks = expected instanceof Uint8Array ? [expected] : expected;
    const size = chunks.reduce((n, c) => n + c.byteLength, 0);
    if ((await handle.stat()).size !== size) return false;
    const block = Buffer.allocUnsafe(Math.min(COMPARE_BLOCK_BYTES, size + 1));
    let chunk = 0;
    let offset = 0;
    for (;;) {
      const { bytesRead } = await handle.read(block, 0, block.length, null);
      for (let at = 0; at < bytesRead;) {
        while (chunk < chunks.length && offset === chunks[chunk]!.byteLength) [chunk, offset] = [chunk + 1, 0];
        if (chunk === chunks.length) return false;
        const n = Math.min(bytesRead - at, chunks[chunk]!.byteLength - offset);
        if (Buffer.compare(block.subarray(at, at + n), chunks[chunk]!.subarray(offset, offset + n)) !== 0) return false;
        at += n;
        offset += n;
      }
      if (bytesRead === 0) break;
    }
    while (chunk < chunks.length && offset === chunks[chunk]!.byteLength) [chunk, offset] = [chunk + 1, 0];
    return chunk === chunks.length;
  } catch (e) {
    throw fileError(e, 'read', file);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Why a request gave up on the lock. */
function busy(location: StoreLocation, reason: 'held' | 'changing'): StoreError {
  return refusal({ code: 'LOCKED', data: { path: location.configured, lock: `${location.file}.lock`, reason } });
}

async function lock(location: StoreLocation, deadline: number): Promise<HeldLock> {
  try {
    return await acquireLock(location.file, {
      staleMs: LOCK_STALE_MS,
      updateMs: LOCK_UPDATE_MS,
      deadline,
      // Only if this process stalls for longer than LOCK_STALE_MS; Snapshot.check stops the commit that would follow.
      onCompromised: () => process.stderr.write('aws-saml-bridge: the credentials file lock was taken over while held\n'),
    });
  } catch (e) {
    if (e instanceof LockBusyError) throw busy(location, 'held');
    throw fileError(e, 'lock', location.file);
  }
}

/**
 * Runs `attempt` holding the lock on the credentials file (a `<file>.lock` folder), so concurrent hosts take turns.
 * An attempt that finds the file changed before it commits (Conflict) is run again on the new content, after
 * taking the lock again if it was lost. Bounded: no waiting for the lock past `deadline`, at most MAX_ATTEMPTS.
 */
export async function withLock<T>(
  location: StoreLocation,
  deadline: number,
  attempt: (snapshot: (file: CurrentFile, managed: Managed) => Snapshot) => Promise<T>,
): Promise<T> {
  let held = await lock(location, deadline);
  try {
    for (let n = 1; ; n++) {
      try {
        const current = held;
        return await attempt((file, managed) => new Snapshot(current, location, file.exists ? file.bytes : null, managed.raw));
      } catch (e) {
        if (!(e instanceof Conflict)) throw e;
        if (n >= MAX_ATTEMPTS) throw busy(location, 'changing');
        if (!(await held.isHeld())) {
          await held.release();
          held = await lock(location, deadline);
        }
      }
    }
  } finally {
    await held.release();
  }
}

/** lib's merge with its refusals turned into protocol errors for `file`. */
function merge(text: string, file: string, updates: readonly ProfileUpdate[], removals: readonly string[] = []): MergePiece[] {
  try {
    return mergeCredentialsFilePieces(text, updates, { removals });
  } catch (e) {
    if (!(e instanceof CredentialsFileError)) throw e;
    throw new StoreError(mergeRefusal(e.detail, file));
  }
}

/**
 * The bytes of a merge of `current`: kept pieces are views of the bytes read (no copy of a large file), new text
 * is encoded. The text was decoded strictly from those bytes, so each piece's bytes are its text's UTF-8.
 */
export function mergedBytes(current: CurrentFile, pieces: readonly MergePiece[]): Uint8Array[] {
  const ascii = current.bytes.length === current.text.length;
  let char = 0;
  let byte = 0;
  const byteOffset = (at: number) => {
    if (ascii) return at;
    byte += Buffer.byteLength(current.text.slice(char, at), 'utf8');
    char = at;
    return byte;
  };
  return pieces.map((p) => {
    if (p.text !== undefined) return Buffer.from(p.text, 'utf8');
    return current.bytes.subarray(byteOffset(p.from), byteOffset(p.to));
  });
}

/**
 * Makes the backup a second name of the current file (a hard link) instead of a copy: the rename that follows
 * replaces the file's name only, so the old content lives on under the backup's name without writing (and
 * syncing) its bytes again. Only for a 0600 file (a link shares the mode, and the backup must be 0600) and where
 * the file system allows links; false means: copy instead.
 */
async function linkBackup(location: StoreLocation, current: CurrentFile): Promise<boolean> {
  if (process.platform === 'win32' || current.mode !== 0o600) return false;
  try {
    await rm(location.backupFile, { force: true });
    await link(location.file, location.backupFile);
    return true;
  } catch {
    return false;
  }
}

/** Backs up the current content (one backup, 0600) and replaces the file, keeping its mode (0600 when new). */
export async function replaceFile(
  location: StoreLocation,
  current: CurrentFile,
  next: string | readonly Uint8Array[],
  snapshot: Snapshot,
): Promise<string | null> {
  let backup: string | null = null;
  if (current.exists) {
    if (!(await linkBackup(location, current))) {
      await writeFileAtomic(location.backupFile, current.bytes, { mode: 0o600, owner: current.owner, syncDirectory: false }).catch((e: unknown) =>
        Promise.reject(fileError(e, 'write-backup', location.backupFile)),
      );
    }
    backup = location.backupFile;
  }
  // One directory fsync makes this rename and the backup's and state file's before it durable (same directory).
  const bytes = typeof next === 'string' ? Buffer.from(next, 'utf8') : next;
  await writeFileAtomic(location.file, bytes, { mode: current.mode, owner: current.owner, beforeRename: snapshot.check }).catch((e: unknown) =>
    Promise.reject(fileError(e, 'write', location.file)),
  );
  snapshot.wrote('file', bytes);
  return backup;
}

/** When a request must stop waiting for the lock: `HOST_LOCK_WAIT_MS` after it started (performance.now() time; see protocol.ts). */
export const lockDeadline = (started: number = performance.now()) => started + HOST_LOCK_WAIT_MS;

/** One day in milliseconds. */
const DAY_MS = 86_400_000;

/**
 * Sections this host wrote (`managed`) whose credentials expired before `before` (ms), other than `keep`. Only
 * a section whose `x_security_token_expires` is a date is ever counted: a section without one is left alone.
 */
export function expiredManagedSections(text: string, managed: ReadonlySet<string>, keep: readonly string[], before: number): string[] {
  const parsed = parseCredentialsFile(text);
  if (!parsed.ok) return [];
  return [...parsed.sections]
    .filter(([name, keys]) => {
      if (!managed.has(name) || keep.includes(name)) return false;
      const expires = Date.parse(keys.get('x_security_token_expires') ?? '');
      return Number.isFinite(expires) && expires < before;
    })
    .map(([name]) => name)
    .sort();
}

/**
 * Creates or updates `profiles`; refuses sections holding someone else's credentials unless `overwriteUnmanaged`.
 * With `removeExpiredAfterDays`, also removes sections this host wrote whose credentials expired more than that many
 * days ago (`now`: for tests), in the same write.
 */
export async function writeProfiles(
  configured: string,
  profiles: readonly ProfileToWrite[],
  options: { overwriteUnmanaged?: boolean; deadline?: number; removeExpiredAfterDays?: number; now?: number } = {},
): Promise<ReplyBodies['write-profiles']> {
  const location = await locate(configured, true);
  return withLock(location, options.deadline ?? lockDeadline(), async (snapshotOf) => {
    await removeStaleTemporaryFiles(dirname(location.file), [location.file, location.backupFile, location.stateFile]);
    const current = await readCurrent(location.file);
    const managed = await readManaged(location.stateFile);
    const snapshot = snapshotOf(current, managed);
    const names = profiles.map((p) => p.name);
    // A name that occurs nowhere in the text cannot be a section's: only parse (≈15 ms for 2,000 profiles) when one might be.
    const unmanaged = options.overwriteUnmanaged ? [] : names.filter((n) => !managed.names.has(n) && current.text.includes(n));
    if (unmanaged.length) {
      const parsed = parseCredentialsFile(current.text);
      if (parsed.ok) {
        const foreign = unmanaged.filter((n) => parsed.sections.get(n)?.has('aws_access_key_id'));
        if (foreign.length) throw refusal({ code: 'UNMANAGED_PROFILE', data: { path: configured, profiles: foreign, backupFile: location.backupFile } });
      }
    }
    const days = options.removeExpiredAfterDays;
    const expired = days === undefined ? [] : expiredManagedSections(current.text, managed.names, names, (options.now ?? Date.now()) - days * DAY_MS);
    const pieces = merge(current.text, configured, profiles, expired);
    // State first: after a crash between the two writes, a listed-but-absent profile is harmless; the reverse
    // would make our own profile look foreign on the next write. For the same reason removed names leave the list
    // only after the file no longer has them.
    const nextManaged = new Set([...managed.names, ...names]);
    if (nextManaged.size !== managed.names.size) snapshot.wrote('state', await writeManaged(location.stateFile, nextManaged, snapshot.check));
    const changed = mergePiecesChange(current.text, pieces) || !current.exists;
    const backupFile = changed ? await replaceFile(location, current, mergedBytes(current, pieces), snapshot) : null;
    if (expired.length) {
      const kept = new Set([...nextManaged].filter((n) => !expired.includes(n)));
      snapshot.wrote('state', await writeManaged(location.stateFile, kept, snapshot.check));
    }
    return { credentialsFile: configured, written: names, changed, backupFile, ...(days === undefined ? {} : { removedExpired: expired }) };
  });
}

/** Removes the sections of `names` this host manages; names it does not manage are left alone and reported. */
export async function removeProfiles(
  configured: string,
  names: readonly string[],
  options: { deadline?: number } = {},
): Promise<ReplyBodies['remove-profiles']> {
  const location = await locate(configured, false);
  const exists = await stat(dirname(location.file)).then(
    () => true,
    () => false,
  );
  if (!exists) return { credentialsFile: configured, removed: [], skipped: [...names] };
  return withLock(location, options.deadline ?? lockDeadline(), async (snapshotOf) => {
    await removeStaleTemporaryFiles(dirname(location.file), [location.file, location.backupFile, location.stateFile]);
    const current = await readCurrent(location.file);
    const managed = await readManaged(location.stateFile);
    const snapshot = snapshotOf(current, managed);
    const removed = names.filter((n) => managed.names.has(n));
    const skipped = names.filter((n) => !managed.names.has(n));
    if (removed.length === 0) return { credentialsFile: configured, removed, skipped };
    const pieces = merge(current.text, configured, [], removed);
    if (current.exists && mergePiecesChange(current.text, pieces)) await replaceFile(location, current, mergedBytes(current, pieces), snapshot);
    await writeManaged(location.stateFile, new Set([...managed.names].filter((n) => !removed.includes(n))), snapshot.check);
    return { credentialsFile: configured, removed, skipped };
  });
}

/**
 * Sets the credentials file to 0600 (the real file when the path is a symlink), under the lock so a concurrent
 * writer cannot put the old mode back. Only on request: the popup sends it when the user clicks "Make it private".
 */
export async function makeFilePrivate(configured: string, options: { deadline?: number } = {}): Promise<ReplyBodies['make-file-private']> {
  const before = await credentialsFileStatus(configured);
  if (!before.exists) return { credentialsFile: before, changed: false };
  const location = await locate(configured, false);
  const changed = await withLock(location, options.deadline ?? lockDeadline(), async () => {
    const st = await stat(location.file).catch((e: unknown) => Promise.reject(fileError(e, 'inspect', location.file)));
    if ((st.mode & 0o077) === 0) return false;
    await chmod(location.file, 0o600).catch((e: unknown) => Promise.reject(fileError(e, 'chmod', location.file)));
    return true;
  });
  return { credentialsFile: await credentialsFileStatus(configured), changed };
}

/** Every section with what the popup may show (never a secret). Reads without the lock: writes are atomic renames. */
export async function listProfiles(configured: string): Promise<ReplyBodies['list-profiles']> {
  const location = await locate(configured, false);
  const current = await readCurrent(location.file);
  const parsed = parseCredentialsFile(current.text);
  if (!parsed.ok) throw refusal({ code: 'DAMAGED_FILE', data: { path: configured, ...boundedIssues(parsed.issues) } });
  const managed = (await readManaged(location.stateFile)).names;
  const profiles: ProfileSummary[] = [...parsed.sections].map(([name, keys]) => ({
    name,
    managed: managed.has(name),
    hasCredentials: keys.has('aws_access_key_id'),
    expiration: keys.get('x_security_token_expires') ?? null,
    region: keys.get('region') ?? null,
  }));
  return { credentialsFile: configured, profiles };
}

/** The profiles this host wrote into `configured` (its state file), for `uninstall-host --remove-profiles`. */
export async function managedProfileNames(configured: string): Promise<string[]> {
  const location = await locate(configured, false);
  return [...(await readManaged(location.stateFile)).names].sort();
}

/** What became of one of the host's own files next to the credentials file. */
export interface HostFileRemoval {
  what: 'state file' | 'backup';
  path: string;
  result: 'removed' | 'absent' | 'failed';
  reason?: string;
}

/**
 * Deletes the state file and the backup kept next to the credentials file (uninstall-host), under the file's lock
 * so a running host never finds half of them. The credentials file itself is not touched.
 */
export async function removeHostFiles(configured: string, options: { deadline?: number; stateFileName?: string } = {}): Promise<HostFileRemoval[]> {
  const location = await locate(configured, false, options.stateFileName);
  const folder = await stat(dirname(location.file)).catch(() => null);
  const targets: [HostFileRemoval['what'], string][] = [
    ['state file', location.stateFile],
    ['backup', location.backupFile],
  ];
  if (!folder) return targets.map(([what, path]) => ({ what, path, result: 'absent' }));
  const held = await lock(location, options.deadline ?? lockDeadline());
  try {
    const out: HostFileRemoval[] = [];
    for (const [what, path] of targets) {
      try {
        await unlink(path);
        out.push({ what, path, result: 'removed' });
      } catch (e) {
        const code = errno(e);
        out.push(code === 'ENOENT' ? { what, path, result: 'absent' } : { what, path, result: 'failed', reason: code ?? 'unknown error' });
      }
    }
    return out;
  } finally {
    await held.release();
  }
}
