/**
 * The built native host as a child process, for the tests/unit/native-host*.test.ts files: `useBuiltHost()` builds
 * it (scripts/build-host.mjs) into a temporary folder once per file, then `startHost`/`runHost` start it like a
 * browser would, with HOME (and so `~/.aws/credentials`) in a temporary folder, and collect every reply.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { AwsCredentials } from '../../lib/credentials';
import { CHROME_EXTENSION_ID } from '../../lib/extension-ids';
import { encodeFrame, FrameDecoder } from '../../native-host/framing';
import type { ErrorReply, HostReply, OkReply } from '../../lib/host-protocol';

export const ORIGIN = `chrome-extension://${CHROME_EXTENSION_ID}/`;
/** Part of every test secret: no reply, stderr or message may contain it. */
export const SECRET = 'wJalrXUtnFEMI/K7MDENG/SECRETMARKER';
/** STS-shaped credentials; `tag` makes the key id and token distinct. */
export const creds = (tag = 'A'): AwsCredentials => ({
  accessKeyId: `ASIA${tag.toUpperCase().padEnd(16, 'X')}`,
  secretAccessKey: SECRET,
  sessionToken: `FwoGZXIvYXdzE${tag}//TOKEN+/==`,
  expiration: '2030-11-22T11:00:00Z',
});
export const sha = (path: string) => (existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'absent');
export const modeOf = (path: string) => statSync(path).mode & 0o777;

export const frame = (o: unknown) => encodeFrame(JSON.stringify(o));
/** A frame header alone: the length `n`. */
export const lengthOnly = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
export const hostEnv = (home: string, extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...extra });
export const writeRequest = (id: string, profiles: { name: string; credentials: AwsCredentials; region?: string }[], extra: Record<string, unknown> = {}) =>
  frame({ v: 1, id, type: 'write-profiles', profiles, ...extra });
/** Asserts the reply's `ok` and returns it typed accordingly. */
export const okBody = <T extends HostReply['ok']>(r: HostReply | undefined, ok: T) => {
  expect(r?.ok, JSON.stringify(r)).toBe(ok);
  return r as T extends true ? OkReply<'write-profiles'> : ErrorReply;
};

export interface BuiltHost {
  /** dist/aws-saml-bridge-host.mjs (what browsers start). */
  readonly hostScript: string;
  /** dist/aws-saml-bridge.mjs (the CLI). */
  readonly cliScript: string;
  /** A new temporary folder, removed after the file's tests. */
  tempDir(prefix: string): string;
}

/** Builds the host before this file's tests and removes every temporary folder after them. */
export function useBuiltHost(): BuiltHost {
  const scratch: string[] = [];
  const tempDir = (prefix: string) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    scratch.push(d);
    return d;
  };
  let dist = '';
  beforeAll(() => {
    dist = tempDir('aws-saml-bridge-dist-');
    const built = spawnSync(process.execPath, ['scripts/build-host.mjs', '--outdir', dist], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
  }, 60_000);
  afterAll(() => {
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });
  return {
    get hostScript() {
      return join(dist, 'aws-saml-bridge-host.mjs');
    },
    get cliScript() {
      return join(dist, 'aws-saml-bridge.mjs');
    },
    tempDir,
  };
}

export interface HostRun {
  replies: HostReply[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Bytes on stdout that were not a whole frame (must always be 0). */
  leftover: number;
}
export interface HostOptions {
  home: string;
  args?: string[];
  env?: Record<string, string>;
  /** Written in order; a number waits that many ms. stdin is closed after, unless `keepOpen`. */
  input: (Buffer | number)[];
  keepOpen?: boolean;
  /** A launcher to run instead of `node <hostScript>`. */
  command?: string;
}

/** Starts a host like a browser would and collects every reply. */
export function startHost(hostScript: string, options: HostOptions): { child: ReturnType<typeof spawn>; done: Promise<HostRun> } {
  const command = options.command ?? process.execPath;
  const args = options.command ? (options.args ?? [ORIGIN]) : [hostScript, ...(options.args ?? [ORIGIN])];
  const child = spawn(command, args, { env: hostEnv(options.home, options.env), stdio: ['pipe', 'pipe', 'pipe'] });
  const decoder = new FrameDecoder(64 * 1024 * 1024);
  const replies: HostReply[] = [];
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const e of decoder.push(chunk)) if (e.kind === 'frame') replies.push(JSON.parse(e.body.toString()) as HostReply);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin!.on('error', () => undefined);
  const done = new Promise<HostRun>((resolve) => {
    child.on('close', (code, signal) => resolve({ replies, code, signal, stderr, leftover: decoder.pendingBytes }));
  });
  void (async () => {
    for (const part of options.input) {
      if (typeof part === 'number') await new Promise((r) => setTimeout(r, part));
      else if (!child.stdin!.destroyed) child.stdin!.write(part);
    }
    if (!options.keepOpen) child.stdin!.end();
  })();
  return { child, done };
}

/** Polls `condition` every 2 ms; resolves with the time it became true. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
  return performance.now();
}
