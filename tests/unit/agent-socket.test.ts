/**
 * The agent over its real Unix socket: the mutual proof (a client without the secret gets nothing; a squatting
 * server without it is caught and nothing it says is accepted), frame bounds, timeouts, stale sockets.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentSession } from '../../lib/host-protocol';
import { credentialProcess } from '../../native-host/agent/client';
import { EXIT } from '../../native-host/agent/exit-codes';
import { clientProof, newNonce, serverProof } from '../../native-host/agent/proof';
import type { AgentPaths } from '../../native-host/agent/run-dir';
import { AgentServer } from '../../native-host/agent/server';
import { AgentState } from '../../native-host/agent/state';
import { encodeFrame, FrameDecoder } from '../../native-host/framing';
import { MAX_AGENT_FRAME_BYTES } from '../../native-host/agent/wire';

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
const session = (profile: string): AgentSession => ({
  profile,
  roleArn: `arn:aws:iam::111111111111:role/${profile}`,
  credentials: {
    accessKeyId: 'ASIAAGENTTEST000001',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/SECRETMARKER',
    sessionToken: 'FwoGZXIvYXdzEAGENT//TOKEN+/==',
    expiration: inAnHour(),
  },
});

let root = '';
let paths: AgentPaths;
let server: AgentServer | undefined;
let fake: Server | undefined;
const renews: string[][] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'agent-sock-'));
  const dir = join(root, 'aws-saml-bridge');
  paths = { dir, endpoint: join(dir, 'agent.sock'), secretFile: join(dir, 'agent.secret'), createParents: [] };
  renews.length = 0;
});
afterEach(async () => {
  server?.stop();
  server = undefined;
  await new Promise<void>((r) => (fake ? fake.close(() => r()) : r()));
  fake = undefined;
  rmSync(root, { recursive: true, force: true });
});

async function startAgent(sessions: AgentSession[] = [session('dev-admin')]): Promise<AgentState> {
  const state = new AgentState({ renew: (arns) => (renews.push(arns), Promise.resolve({ ok: true })), openSignIn: () => undefined });
  state.setSessions(sessions);
  server = new AgentServer(paths, state, { handshakeTimeoutMs: 300 });
  await server.start();
  return state;
}

/** A program squatting on the socket path: answers the hello with `reply(nonce)`. */
async function squat(reply: (clientNonce: string) => unknown[]): Promise<void> {
  mkdirSync(paths.dir, { mode: 0o700, recursive: true });
  writeFileSync(paths.secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  fake = createServer((socket) => {
    const decoder = new FrameDecoder(MAX_AGENT_FRAME_BYTES);
    socket.on('data', (chunk: Buffer) => {
      for (const e of decoder.push(chunk)) {
        if (e.kind !== 'frame') continue;
        const m = JSON.parse(e.body.toString()) as { t: string; nonce?: string };
        if (m.t === 'hello') for (const out of reply(m.nonce!)) socket.write(encodeFrame(JSON.stringify(out)));
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => fake!.listen(paths.endpoint, r));
}

describe('credential-process against the agent', () => {
  it('a cache hit: exactly the credential_process JSON on stdout, exit 0, nothing on stderr', async () => {
    await startAgent();
    const r = await credentialProcess({ profile: 'dev-admin', wait: 0, paths });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT.ok);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
    expect(json).toMatchObject({ Version: 1, AccessKeyId: 'ASIAAGENTTEST000001', SecretAccessKey: session('x').credentials.secretAccessKey });
    expect(json.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(renews).toEqual([]);
  });

  it('the socket is 0600 and the secret a 0600 file of 64 hex digits in a 0700 folder; both go on stop', async () => {
    await startAgent();
    expect(statSync(paths.dir).mode & 0o777).toBe(0o700);
    expect(statSync(paths.endpoint).mode & 0o777).toBe(0o600);
    expect(statSync(paths.secretFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(paths.secretFile, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    server!.stop();
    server = undefined;
    expect(existsSync(paths.endpoint)).toBe(false);
    expect(existsSync(paths.secretFile)).toBe(false);
  });

  it('a client with the wrong secret is refused (exit 6) and gets no credentials', async () => {
    await startAgent();
    // A second user-level process that read an old or guessed secret.
    writeFileSync(paths.secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    const r = await credentialProcess({ profile: 'dev-admin', wait: 0, paths });
    expect(r.code).toBe(EXIT.blocked);
    expect(r.stdout).toBe('');
  });

  it('the server refuses a client whose proof is wrong, without a word about sessions', async () => {
    await startAgent();
    const socket = connect(paths.endpoint);
    const decoder = new FrameDecoder(MAX_AGENT_FRAME_BYTES);
    const got: Record<string, unknown>[] = [];
    socket.on('data', (c: Buffer) => decoder.push(c).forEach((e) => e.kind === 'frame' && got.push(JSON.parse(e.body.toString()) as Record<string, unknown>)));
    const closed = new Promise((r) => socket.on('close', r));
    socket.write(encodeFrame(JSON.stringify({ t: 'hello', v: 1, nonce: newNonce() })));
    await new Promise((r) => setTimeout(r, 50));
    const proof = got[0] as { nonce: string };
    socket.write(encodeFrame(JSON.stringify({ t: 'auth', mac: clientProof(randomBytes(32), proof.nonce) })));
    socket.write(encodeFrame(JSON.stringify({ t: 'get', profile: 'dev-admin', wait: 0 })));
    await closed;
    expect(got.slice(1)).toEqual([{ t: 'error', code: 'blocked', message: 'the client could not prove it holds the agent secret' }]);
    expect(JSON.stringify(got)).not.toContain('ASIA');
  });

  it.each([
    [
      'a random proof',
      (_n: string) => [
        { t: 'proof', v: 1, nonce: newNonce(), mac: randomBytes(32).toString('hex') },
        { t: 'credentials', credentials: session('x').credentials },
      ],
    ],
    ['credentials without any proof', () => [{ t: 'credentials', credentials: session('x').credentials }]],
    [
      'a proof made with another secret',
      (n: string) => {
        const sn = newNonce();
        return [
          { t: 'proof', v: 1, nonce: sn, mac: serverProof(randomBytes(32), n, sn) },
          { t: 'credentials', credentials: session('x').credentials },
        ];
      },
    ],
  ])('a squatting server is detected (%s): exit 6 and no credentials accepted', async (_name, reply) => {
    await squat(reply);
    const r = await credentialProcess({ profile: 'dev-admin', wait: 0, paths, handshakeTimeoutMs: 500 });
    expect(r.code).toBe(EXIT.blocked);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^aws-saml-bridge: refused: the program listening on .* could not prove it is the helper; close it and restart the browser\n$/);
  });

  it('no agent: exit 4 with the fix; a stale socket left by a crash: exit 4, and the next agent replaces it', async () => {
    let r = await credentialProcess({ profile: 'dev-admin', wait: 0, paths });
    expect(r.code).toBe(EXIT.notRunning);
    expect(r.stderr).toContain('Serve credentials to credential_process');
    // A crash: a process listening on the path is killed, its socket file and a secret stay behind.
    mkdirSync(paths.dir, { mode: 0o700, recursive: true });
    writeFileSync(paths.secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(paths.endpoint)}, () => console.log('up'))`]);
    await new Promise((res) => child.stdout.once('data', res));
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    expect(statSync(paths.endpoint).isSocket()).toBe(true);
    r = await credentialProcess({ profile: 'dev-admin', wait: 0, paths });
    expect(r.code).toBe(EXIT.notRunning);
    await startAgent();
    expect((await credentialProcess({ profile: 'dev-admin', wait: 0, paths })).code).toBe(EXIT.ok);
  });

  it('a new agent takes over from one that is still closing (the same browser reconnecting)', async () => {
    await startAgent();
    const previous = server!;
    setTimeout(() => previous.stop(), 300);
    const next = new AgentServer(paths, new AgentState({ renew: () => Promise.resolve({ ok: true }), openSignIn: () => undefined }), { takeoverWaitMs: 2_000 });
    await next.start();
    server = next;
    expect(statSync(paths.endpoint).isSocket()).toBe(true);
    // The new agent answers (its own secret, no sessions pushed yet).
    expect((await credentialProcess({ profile: 'dev-admin', wait: 0, paths })).code).toBe(EXIT.needsSignIn);
  });

  it('a second agent for the same user is refused while the first one keeps serving', async () => {
    await startAgent();
    const other = new AgentServer(paths, new AgentState({ renew: () => Promise.resolve({ ok: true }), openSignIn: () => undefined }), { takeoverWaitMs: 300 });
    await expect(other.start()).rejects.toMatchObject({ kind: 'unsafe', message: expect.stringContaining('another browser already serves') as unknown });
    expect((await credentialProcess({ profile: 'dev-admin', wait: 0, paths })).code).toBe(EXIT.ok);
  });
});

describe('frame bounds and timeouts', () => {
  it('a frame over 64 KiB ends the connection at once, before any proof', async () => {
    await startAgent();
    const socket = connect(paths.endpoint);
    const closed = new Promise((r) => socket.on('close', r));
    const header = Buffer.alloc(4);
    header.writeUInt32LE(MAX_AGENT_FRAME_BYTES + 1);
    socket.write(header);
    const t0 = Date.now();
    await closed;
    expect(Date.now() - t0).toBeLessThan(250);
  });

  it('a client that says nothing is dropped after the handshake timeout', async () => {
    await startAgent();
    const socket = connect(paths.endpoint);
    const t0 = Date.now();
    await new Promise((r) => socket.on('close', r));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a squatter that never answers: the client gives up with exit 7', async () => {
    await squat(() => []);
    const r = await credentialProcess({ profile: 'dev-admin', wait: 0, paths, handshakeTimeoutMs: 200 });
    expect(r.code).toBe(EXIT.timeout);
    expect(r.stdout).toBe('');
  });
});
