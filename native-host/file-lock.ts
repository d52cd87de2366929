/**
 * A lock shared by every process that writes the credentials file: the directory `<file>.lock` (mkdir is atomic),
 * kept fresh by its holder, which touches its mtime every `updateMs`. A lock whose mtime is older than `staleMs` is
 * a dead (or stalled) holder's and is taken over. The on-disk format is proper-lockfile's (earlier versions of this
 * host used it), so hosts of both kinds still take turns.
 *
 * What proper-lockfile cannot do and the writer needs: tell the holder whether the lock is *still* its own. A holder
 * stalled past `staleMs` (laptop suspend, VM pause, SIGSTOP) has lost the lock to the next writer without knowing;
 * `isHeld()` finds out (the directory is no longer the one it made, or its mtime is not the one it last set), so
 * the writer can check right before it commits. `release()` removes the directory only while it is still ours, never
 * a successor's.
 */
import { mkdir, rmdir, stat, utimes } from 'node:fs/promises';
import { rmdirSync, statSync } from 'node:fs';

export interface LockOptions {
  /** A lock not touched for this long is a dead holder's. */
  staleMs: number;
  /** How often the holder touches the lock (well under `staleMs`). */
  updateMs: number;
  /**
   * Give up (`LockBusyError`) when the lock is still held by someone else at this `performance.now()` time: a
   * monotonic clock, which wall-clock jumps do not move (nor, on Linux and macOS, a suspended machine's sleep).
   */
  deadline: number;
  /** Told once when the holder notices, while refreshing, that the lock was taken over. */
  onCompromised?: () => void;
}

/** Someone else held the lock until `deadline`. */
export class LockBusyError extends Error {
  readonly code = 'ELOCKED';
  constructor(readonly lockPath: string) {
    super(`${lockPath} is held by another writer`);
  }
}

/**
 * Now, in seconds, with random microseconds below the millisecond: two holders that touch the lock in the same
 * millisecond (one stalled, one taking over) still leave different mtimes on file systems that keep them.
 */
const stampNow = () => Math.floor(Date.now()) / 1000 + Math.floor(Math.random() * 1000) / 1e6;
const errno = (e: unknown): string | undefined => (e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The lock directory's identity and the mtime its holder last set. */
interface Mark {
  dev: number;
  ino: number;
  mtimeMs: number;
}
const sameMark = (a: Mark, b: Mark) => a.dev === b.dev && a.ino === b.ino && a.mtimeMs === b.mtimeMs;

/** A lock this process acquired. */
export class HeldLock {
  private lost = false;
  private released = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Refreshes and checks run one at a time, so a check never races the refresh that moves the mtime. */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly onExit = () => this.releaseSync();

  constructor(
    readonly path: string,
    private mark: Mark,
    private readonly options: LockOptions,
  ) {
    process.once('exit', this.onExit);
    this.schedule();
  }

  /** Whether the lock is still this holder's (false once another writer took it over). */
  isHeld(): Promise<boolean> {
    const check = this.chain.then(async () => {
      if (this.lost || this.released) return false;
      const now = await stat(this.path).catch(() => null);
      if (!now || !sameMark(now, this.mark)) this.lost = true;
      return !this.lost;
    });
    this.chain = check.catch(() => undefined);
    return check;
  }

  /** Gives the lock up: removes the directory if it is still ours. Never throws. */
  async release(): Promise<void> {
    if (this.released) return;
    clearTimeout(this.timer);
    const held = await this.isHeld().catch(() => false);
    this.released = true;
    process.removeListener('exit', this.onExit);
    if (held) await rmdir(this.path).catch(() => undefined);
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.chain = this.chain.then(() => this.refresh()).catch(() => undefined);
    }, this.options.updateMs);
    // The lock must not keep the process alive; an exiting process releases it (see onExit).
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    if (this.released || this.lost) return;
    const now = await stat(this.path).catch(() => null);
    if (!now || !sameMark(now, this.mark)) {
      this.lost = true;
      this.options.onCompromised?.();
      return;
    }
    try {
      const t = stampNow();
      await utimes(this.path, t, t);
      const after = await stat(this.path);
      this.mark = { dev: after.dev, ino: after.ino, mtimeMs: after.mtimeMs };
    } finally {
      // A failed touch is tried again; if the lock went to someone else meanwhile, the next check finds out.
      if (!this.released && !this.lost) this.schedule();
    }
  }

  /** At process exit (no await possible): remove the directory if it is still ours. */
  private releaseSync(): void {
    if (this.released || this.lost) return;
    this.released = true;
    try {
      if (sameMark(statSync(this.path), this.mark)) rmdirSync(this.path);
    } catch {
      // Gone already, or not removable: it goes stale.
    }
  }
}

/**
 * Takes the lock for `file`, waiting for a live holder until `options.deadline` and taking over a stale one.
 * Throws `LockBusyError` past the deadline, or the file-system error that made locking impossible.
 */
export async function acquireLock(file: string, options: LockOptions): Promise<HeldLock> {
  const path = `${file}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(path);
      // Our own mtime, so isHeld() can tell our directory from a successor's even if the inode number is reused.
      const t = stampNow();
      await utimes(path, t, t);
      const st = await stat(path);
      return new HeldLock(path, { dev: st.dev, ino: st.ino, mtimeMs: st.mtimeMs }, options);
    } catch (e) {
      if (errno(e) !== 'EEXIST') throw e;
    }
    const st = await stat(path).catch((e: unknown) => (errno(e) === 'ENOENT' ? null : Promise.reject(e)));
    if (st === null) continue; // released meanwhile: try again at once
    if (Date.now() - st.mtimeMs > options.staleMs) {
      await removeIfUnchanged(path, st);
      continue;
    }
    const left = options.deadline - performance.now();
    if (left <= 0) throw new LockBusyError(path);
    // Short polls first (a typical write holds the lock for a few ms to a few hundred), then every 100 ms.
    await sleep(Math.min(10 * 1.5 ** attempt, 100, left));
  }
}

/** Removes a stale lock directory unless it changed since `seen` (someone took it over or refreshed it meanwhile). */
async function removeIfUnchanged(path: string, seen: Mark): Promise<void> {
  const now = await stat(path).catch(() => null);
  if (!now || !sameMark(now, seen)) return;
  await rmdir(path).catch((e: unknown) => (errno(e) === 'ENOENT' ? undefined : Promise.reject(e)));
}
