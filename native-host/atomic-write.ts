/**
 * Crash-safe file replacement: write a temporary file in the same directory, check every byte landed, fsync,
 * rename over the target, fsync the directory. A reader (or a crash) sees the old file or the new one, never a mix.
 *
 * Why not `write-file-atomic`: it issues one `fs.write` and ignores the byte count, so a short write (disk full)
 * renames a truncated file into place (see coder/xum#4282). `FileHandle.writeFile` loops until done or throws.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TMP_SUFFIX = '.aws-saml-bridge.tmp';

export interface AtomicWriteOptions {
  /** Permission bits of the result (the file is never more open than 0600 while being written). */
  mode: number;
  owner?: { uid: number; gid: number };
  /** fsync the directory after the rename (default true). Several renames in one directory need only one, at the end. */
  syncDirectory?: boolean;
  /** Runs after the data is durable, right before the rename; if it throws, nothing is renamed and the error comes back. */
  beforeRename?: () => Promise<void>;
}

/** Replaces `file` with `data` (bytes, or pieces written in order): the old content or the new, never a mix, even after a crash. */
export async function writeFileAtomic(file: string, data: Uint8Array | readonly Uint8Array[], options: AtomicWriteOptions): Promise<void> {
  const { mode, owner } = options;
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}${TMP_SUFFIX}`);
  const handle = await open(tmp, 'wx', 0o600);
  try {
    const chunks = data instanceof Uint8Array ? [data] : data;
    // Each writeFile continues where the last one ended.
    for (const chunk of chunks) await handle.writeFile(chunk);
    const length = chunks.reduce((n, c) => n + c.byteLength, 0);
    const { size } = await handle.stat();
    if (size !== length) throw new Error(`short write to ${tmp} (${size} of ${length} bytes)`);
    await handle.chmod(mode);
    if (owner) await handle.chown(owner.uid, owner.gid);
    await handle.sync();
    await handle.close();
    await options.beforeRename?.();
    await rename(tmp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw error;
  }
  if (options.syncDirectory !== false) await syncDirectory(dir);
}

/** Makes a rename in `dir` durable. Not possible on Windows (directories cannot be opened), where it is a no-op. */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Deletes temporary files a killed writer left for `files` (all in one folder). Call only while holding their lock. */
export async function removeStaleTemporaryFiles(dir: string, files: readonly string[]): Promise<void> {
  const prefixes = files.map((f) => `.${basename(f)}.`);
  const names = await readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((n) => n.endsWith(TMP_SUFFIX) && prefixes.some((p) => n.startsWith(p)));
  await Promise.all(stale.map((n) => rm(join(dir, n), { force: true })));
}
