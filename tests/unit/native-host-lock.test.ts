/**
 * Writers taking turns on the credentials file: the lock itself (native-host/file-lock.ts), a writer that stalls
 * past the lock's stale time while another writes (SIGSTOP stands for suspend/resume or a VM pause), a program that
 * writes the file without the lock, and a lock held so long that the host must answer "busy" before the
 * extension's timeout.
 */
import { type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, utimesSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCredentialsFile, renderCredentialsFile } from '@/lib/credentials-file';
import { LOCK_STALE_MS, LOCK_UPDATE_MS } from '@/native-host/credentials-store';
import { acquireLock, LockBusyError, type HeldLock } from '@/native-host/file-lock';
import { CLIENT_REQUEST_TIMEOUT_MS, HOST_LOCK_WAIT_MS, HOST_WORK_BUDGET_MS } from '@/lib/host-protocol';
import { creds, okBody, startHost, useBuiltHost, writeRequest, type HostRun } from '../support/host-process';

const built = useBuiltHost();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const options = (over: Partial<Parameters<typeof acquireLock>[1]> = {}) => ({
  staleMs: LOCK_STALE_MS,
  updateMs: LOCK_UPDATE_MS,
  deadline: performance.now() + 2000,
  ...over,
});

const held: HeldLock[] = [];
afterEach(async () => {
  for (const lock of held.splice(0)) await lock.release();
});
async function take(file: string, over: Partial<Parameters<typeof acquireLock>[1]> = {}): Promise<HeldLock> {
  const lock = await acquireLock(file, options(over));
  held.push(lock);
  return lock;
}

describe('the lock', () => {
  it('is a <file>.lock folder while held, gone after release; the next writer waits for the release', async () => {
    const file = join(built.tempDir('lock-'), 'credentials');
    const first = await take(file);
    expect(statSync(`${file}.lock`).isDirectory()).toBe(true);
    const t0 = performance.now();
    const second = take(file);
    await sleep(150);
    await first.release();
    await second;
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('takes over a lock nobody touched for longer than the stale time', async () => {
    const file = join(built.tempDir('lock-'), 'credentials');
    mkdirSync(`${file}.lock`);
    const old = new Date(Date.now() - LOCK_STALE_MS - 1000);
    utimesSync(`${file}.lock`, old, old);
    const t0 = performance.now();
    const lock = await take(file);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(await lock.isHeld()).toBe(true);
  });

  it('keeps a held lock fresh, so a waiter gives up at its deadline instead of taking it over', async () => {
    const file = join(built.tempDir('lock-'), 'credentials');
    const owner = await take(file);
    const t0 = performance.now();
    const error = await acquireLock(file, options({ deadline: t0 + LOCK_STALE_MS + 1500 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockBusyError);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(LOCK_STALE_MS + 1500);
    expect(await owner.isHeld()).toBe(true);
  }, 10_000);

  it('knows when it was taken over, and its release leaves the successor’s lock alone', async () => {
    const file = join(built.tempDir('lock-'), 'credentials');
    const stalled = await take(file);
    // What a successor does to a stale lock: remove it and make its own (maybe with the same inode number).
    await sleep(5);
    rmdirSync(`${file}.lock`);
    const successor = await take(file);
    expect(await stalled.isHeld()).toBe(false);
    await stalled.release();
    expect(statSync(`${file}.lock`).isDirectory()).toBe(true);
    expect(await successor.isHeld()).toBe(true);
  });

  it('tells a directory it did not touch last from its own, even with the same inode', async () => {
    const file = join(built.tempDir('lock-'), 'credentials');
    const lock = await take(file);
    const other = new Date(Date.now() + 5000);
    utimesSync(`${file}.lock`, other, other);
    expect(await lock.isHeld()).toBe(false);
  });
});

// ── the built host ───────────────────────────────────────────────────────────────────────────────────────────

/** A 2,000-profile file (≈3 MB), so a write lasts long enough to stop the writer in the middle of it. */
function bigHome(): { home: string; file: string; state: string } {
  const home = built.tempDir('lock-home-');
  const dir = join(home, '.aws');
  mkdirSync(dir);
  const names = Array.from({ length: 2000 }, (_, i) => `bulk-${i}`);
  writeFileSync(
    join(dir, 'credentials'),
    renderCredentialsFile(names.map((name, i) => ({ name, credentials: { ...creds(`b${i}`), sessionToken: `FwoG${'x'.repeat(700)}${i}` } }))),
  );
  writeFileSync(join(dir, '.aws-saml-bridge-managed.json'), JSON.stringify({ version: 1, profiles: names }));
  return { home, file: join(dir, 'credentials'), state: join(dir, '.aws-saml-bridge-managed.json') };
}

/** Bytes the process has read so far (`rchar` of /proc/<pid>/io). */
const bytesRead = (pid: number) => Number(/rchar: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);
const isStopped = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('T') ?? false;

/** Where the writer is stopped: just after it read the file (merging), or with its new file written, about to rename it. */
type StopAt = 'after-reading' | 'before-renaming';

/**
 * Starts a writer of `profile` and stops it (SIGSTOP) at `at`: it holds the lock and has read the file, and has not
 * renamed anything yet. Retries on a fresh copy of the situation when the signal landed elsewhere.
 */
async function stopWriter(profile: string, at: StopAt): Promise<{ home: string; file: string; state: string; child: ChildProcess; done: Promise<HostRun> }> {
  for (let trial = 0; trial < 20; trial++) {
    const { home, file, state } = bigHome();
    const before = readFileSync(file);
    const stateBefore = readFileSync(state);
    const { child, done } = startHost(built.hostScript, { home, input: [writeRequest(profile, [{ name: profile, credentials: creds(profile) }])] });
    const pid = child.pid!;
    const tmpPrefixes = [`.credentials.${pid}.`, `.credentials.aws-saml-bridge.bak.${pid}.`, `..aws-saml-bridge-managed.json.${pid}.`];
    const watcher = watch(join(home, '.aws'), (_event, name) => {
      if (typeof name !== 'string') return;
      if (at === 'before-renaming' && name.startsWith(tmpPrefixes[0]!)) child.kill('SIGSTOP');
      if (at === 'after-reading' && name === 'credentials.lock') {
        // The writer holds the lock and reads next: stop it the moment it has read the whole file (it then spends
        // tens of milliseconds merging before it writes anything).
        const base = bytesRead(pid);
        const limit = Date.now() + 2000;
        while (bytesRead(pid) - base < before.length && Date.now() < limit);
        child.kill('SIGSTOP');
      }
    });
    const ended = done.then(() => false);
    const stopped = await Promise.race([
      ended,
      (async () => {
        for (let i = 0; i < 5000 && child.exitCode === null; i++) {
          if (isStopped(pid)) return true;
          await sleep(2);
        }
        return false;
      })(),
    ]);
    watcher.close();
    const names = readdirSync(join(home, '.aws'));
    const tmp = names.filter((n) => tmpPrefixes.some((p) => n.startsWith(p)));
    // Before renaming the credentials file, the writer has already renamed its new state file (names first).
    const untouched = readFileSync(file).equals(before) && (at === 'before-renaming' || readFileSync(state).equals(stateBefore));
    const where = at === 'before-renaming' ? tmp.some((n) => n.startsWith(tmpPrefixes[0]!)) : tmp.length === 0;
    if (stopped && untouched && where) return { home, file, state, child, done };
    child.kill('SIGCONT');
    await done;
  }
  throw new Error(`could not stop a writer ${at} in 20 trials`);
}

const sectionsOf = (file: string) => {
  const parsed = parseCredentialsFile(readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error('the file does not parse');
  return parsed.sections;
};

describe.skipIf(process.platform !== 'linux')('host process: a writer stalled past the lock’s stale time', () => {
  it.each<StopAt>(['after-reading', 'before-renaming'])(
    'stopped %s, it re-merges instead of dropping the profile another writer saved meanwhile; both say saved, both are in the file',
    async (at) => {
      const a = await stopWriter('stalled-a', at);
      try {
        // A's lock goes stale; B takes it over and writes its profile while A is stopped.
        await sleep(LOCK_STALE_MS + 500);
        const b = await startHost(built.hostScript, { home: a.home, input: [writeRequest('b', [{ name: 'fresh-b', credentials: creds('fresh-b') }])] }).done;
        okBody(b.replies[0], true);
        expect(sectionsOf(a.file).has('fresh-b')).toBe(true);
      } finally {
        a.child.kill('SIGCONT');
      }
      const run = await a.done;
      expect(okBody(run.replies[0], true).written).toEqual(['stalled-a']);
      const sections = sectionsOf(a.file);
      expect(sections.get('fresh-b')?.get('aws_access_key_id')).toBe(creds('fresh-b').accessKeyId);
      expect(sections.get('stalled-a')?.get('aws_access_key_id')).toBe(creds('stalled-a').accessKeyId);
      expect(sections.size).toBe(2002);
      const managed = (JSON.parse(readFileSync(a.state, 'utf8')) as { profiles: string[] }).profiles;
      expect(managed).toEqual(expect.arrayContaining(['fresh-b', 'stalled-a']));
      expect(readdirSync(join(a.home, '.aws')).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock'))).toEqual([]);
    },
    60_000,
  );

  it('re-merges when a program that ignores the lock (say, aws configure set) changed the file meanwhile', async () => {
    const a = await stopWriter('paused-a', 'before-renaming');
    try {
      await sleep(200); // well under the stale time: A still owns the lock
      appendFileSync(a.file, '\n[external]\nregion = eu-north-1\n');
    } finally {
      a.child.kill('SIGCONT');
    }
    const t0 = performance.now();
    const run = await a.done;
    okBody(run.replies[0], true);
    // Still the lock's owner: it merges again at once, without waiting for its own lock to go stale.
    expect(performance.now() - t0).toBeLessThan(LOCK_STALE_MS);
    const sections = sectionsOf(a.file);
    expect(sections.get('external')?.get('region')).toBe('eu-north-1');
    expect(sections.has('paused-a')).toBe(true);
  }, 60_000);
});

describe('host process: a lock held past the wait', () => {
  it('the timing budget: the host gives up on the lock and answers before the extension gives up on the host', () => {
    expect(LOCK_STALE_MS).toBeLessThan(HOST_LOCK_WAIT_MS);
    expect(HOST_LOCK_WAIT_MS + HOST_WORK_BUDGET_MS + 1500).toBeLessThanOrEqual(CLIENT_REQUEST_TIMEOUT_MS);
  });

  it('answers LOCKED ("try again") after HOST_LOCK_WAIT_MS, well before the client timeout; the file is untouched', async () => {
    const home = built.tempDir('lock-home-');
    mkdirSync(join(home, '.aws'));
    const file = join(home, '.aws', 'credentials');
    writeFileSync(file, '[default]\nregion = eu-west-1\n');
    // Another live writer: its lock stays fresh for as long as the test wants.
    mkdirSync(`${file}.lock`);
    const keepFresh = setInterval(() => {
      const now = new Date();
      utimesSync(`${file}.lock`, now, now);
    }, 500);
    try {
      const t0 = performance.now();
      const run = await startHost(built.hostScript, { home, input: [writeRequest('w', [{ name: 'dev', credentials: creds() }])] }).done;
      const elapsed = performance.now() - t0;
      expect(okBody(run.replies[0], false).error).toEqual({
        code: 'LOCKED',
        message: `${file} is busy: another writer held ${file}.lock for over ${HOST_LOCK_WAIT_MS / 1000} s; try again in a moment (if no other writer is running, delete that folder)`,
        data: { path: file, lock: `${file}.lock`, reason: 'held' },
      });
      expect(elapsed).toBeGreaterThanOrEqual(HOST_LOCK_WAIT_MS);
      expect(elapsed).toBeLessThan(CLIENT_REQUEST_TIMEOUT_MS - 1000);
    } finally {
      clearInterval(keepFresh);
    }
    expect(readFileSync(file, 'utf8')).toBe('[default]\nregion = eu-west-1\n');
    expect(statSync(`${file}.lock`).isDirectory()).toBe(true);
  }, 30_000);
});
