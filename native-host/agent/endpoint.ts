/**
 * The agent's folder, socket and secret on disk: the server makes and checks them (fixing only the mode of its
 * own folder), the client checks them and refuses anything off. Every refusal is an `AgentRefusal` with one line
 * saying what to do.
 */
import { randomBytes } from 'node:crypto';
import { constants, lstatSync, rmSync } from 'node:fs';
import { chmod, lstat, mkdir, open, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { homedir, userInfo } from 'node:os';
import { writeFileAtomic } from '../atomic-write';
import { agentPaths, checkRunDir, MAX_SOCKET_PATH_BYTES, usableRuntimeDir, type AgentPathContext, type AgentPaths, type AgentPlatform } from './run-dir';
import { SECRET_BYTES } from './proof';

/** Refused for safety (exit 6) or nothing to talk to (exit 4). */
export class AgentRefusal extends Error {
  constructor(
    readonly kind: 'unsafe' | 'not-running',
    message: string,
  ) {
    super(message);
    this.name = 'AgentRefusal';
  }
}

const errnoOf = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

/** This process's paths: the environment, home and user it runs with. */
export function currentAgentPaths(env: NodeJS.ProcessEnv = process.env, home = homedir()): AgentPaths {
  const platform: AgentPlatform = process.platform === 'win32' || process.platform === 'darwin' ? process.platform : 'linux';
  const uid = platform === 'win32' ? undefined : process.getuid?.();
  const context: AgentPathContext = { platform, env, home, uid, user: platform === 'win32' ? safeUserName() : '' };
  let runtimeOk = false;
  if (platform === 'linux' && env.XDG_RUNTIME_DIR) {
    try {
      runtimeOk = usableRuntimeDir(env.XDG_RUNTIME_DIR, lstatSync(env.XDG_RUNTIME_DIR), uid);
    } catch {
      runtimeOk = false;
    }
  }
  return agentPaths(context, runtimeOk);
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USERNAME ?? 'user';
  }
}

const uidNow = () => (process.platform === 'win32' ? undefined : process.getuid?.());

/** Server: creates the folder (0700) and its parents where missing, and checks them; fixes its own folder's mode. */
export async function prepareRunDir(paths: AgentPaths, log: (line: string) => void): Promise<void> {
  if (process.platform === 'win32') {
    await mkdir(paths.dir, { recursive: true });
    return;
  }
  if (Buffer.byteLength(paths.endpoint) > MAX_SOCKET_PATH_BYTES) {
    throw new AgentRefusal('unsafe', `the socket path ${paths.endpoint} is too long for a Unix socket; set XDG_RUNTIME_DIR to a shorter private folder`);
  }
  const uid = uidNow();
  for (const dir of [...paths.createParents, paths.dir]) {
    try {
      await mkdir(dir, { mode: 0o700 });
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') throw new AgentRefusal('unsafe', `cannot create ${dir} (${errnoOf(e) ?? 'error'})`);
    }
    let check = checkRunDir(await lstat(dir), uid, dir);
    if (!check.ok && check.problem === 'open-mode') {
      // Ours, a real folder, only too open: close it, say so, and check again.
      await chmod(dir, 0o700);
      log(`aws-saml-bridge: ${dir} was open to other users; set it to 0700`);
      check = checkRunDir(await lstat(dir), uid, dir);
    }
    if (!check.ok) throw new AgentRefusal('unsafe', check.message);
  }
}

/** Client: the folder must already be safe; nothing is changed. */
export function verifyRunDir(paths: AgentPaths): void {
  if (process.platform === 'win32') return;
  let stat;
  try {
    stat = lstatSync(paths.dir);
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') throw new AgentRefusal('not-running', notRunningText());
    throw new AgentRefusal('unsafe', `cannot check ${paths.dir} (${errnoOf(e) ?? 'error'})`);
  }
  const check = checkRunDir(stat, uidNow(), paths.dir);
  if (!check.ok) throw new AgentRefusal('unsafe', `refused: ${check.message}`);
}

export function notRunningText(): string {
  return 'no browser is serving credentials: start the browser, and turn on "Serve credentials to credential_process" in the extension\'s options (Delivery)';
}

/**
 * Server: a new random secret in a 0600 file, written atomically (a temporary file opened O_CREAT|O_EXCL, so an
 * existing file or symlink is never followed, then renamed over the old one).
 */
export async function writeSecret(paths: AgentPaths): Promise<Buffer> {
  const secret = randomBytes(SECRET_BYTES);
  await writeFileAtomic(paths.secretFile, Buffer.from(secret.toString('hex') + '\n'), { mode: 0o600 });
  return secret;
}

/** Client: reads the secret without following a symlink, from a regular file of this user that no one else may read. */
export async function readSecret(paths: AgentPaths): Promise<Buffer> {
  const flags = constants.O_RDONLY | (process.platform === 'win32' ? 0 : constants.O_NOFOLLOW);
  let handle;
  try {
    handle = await open(paths.secretFile, flags);
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT') throw new AgentRefusal('not-running', notRunningText());
    if (code === 'ELOOP') throw new AgentRefusal('unsafe', `refused: ${paths.secretFile} is a symbolic link; restart the browser to make a new one`);
    throw new AgentRefusal('unsafe', `cannot read ${paths.secretFile} (${code ?? 'error'})`);
  }
  try {
    const stat = await handle.stat();
    const uid = uidNow();
    if (!stat.isFile() || stat.size > 256)
      throw new AgentRefusal('unsafe', `refused: ${paths.secretFile} is not the helper's secret file; restart the browser`);
    if (process.platform !== 'win32' && ((uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0)) {
      throw new AgentRefusal('unsafe', `refused: ${paths.secretFile} is readable by or belongs to another user; restart the browser to make a new one`);
    }
    const text = (await handle.readFile('utf8')).trim();
    if (!/^[0-9a-f]{64}$/.test(text)) throw new AgentRefusal('unsafe', `refused: ${paths.secretFile} is damaged; restart the browser to make a new one`);
    return Buffer.from(text, 'hex');
  } finally {
    await handle.close();
  }
}

/** Whether something answers on the socket (a live agent) or not (a stale socket from a crash). */
export function socketAnswers(path: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (alive: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(alive);
    };
    const timer = setTimeout(() => done(true), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Server: removes a stale socket; refuses when it is not a socket, or when a live agent still holds it after
 * `waitMs` (the previous helper of this same browser may still be closing when the extension reconnects; another
 * browser's stays).
 */
export async function clearStaleSocket(paths: AgentPaths, waitMs = 3_000): Promise<void> {
  if (process.platform === 'win32') return;
  const giveUpAt = Date.now() + waitMs;
  for (;;) {
    let stat;
    try {
      stat = await lstat(paths.endpoint);
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return;
      throw e;
    }
    if (!stat.isSocket()) throw new AgentRefusal('unsafe', `${paths.endpoint} is not a socket; remove it and restart the browser`);
    if (!(await socketAnswers(paths.endpoint))) {
      await rm(paths.endpoint, { force: true });
      return;
    }
    if (Date.now() >= giveUpAt) {
      throw new AgentRefusal('unsafe', 'another browser already serves credential_process for this user; close it or turn the setting off there');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Client: the socket must be a socket of this user (Linux and macOS); a missing one means no agent. */
export function verifySocket(paths: AgentPaths): void {
  if (process.platform === 'win32') return;
  let stat;
  try {
    stat = lstatSync(paths.endpoint);
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') throw new AgentRefusal('not-running', notRunningText());
    throw new AgentRefusal('unsafe', `cannot check ${paths.endpoint} (${errnoOf(e) ?? 'error'})`);
  }
  const uid = uidNow();
  if (!stat.isSocket() || (uid !== undefined && stat.uid !== uid))
    throw new AgentRefusal('unsafe', `refused: ${paths.endpoint} is not this user's agent socket`);
}

/** Removes the socket and the secret (the port closed). Synchronous: also runs on a signal, right before exit. */
export function removeEndpoint(paths: AgentPaths): void {
  for (const file of process.platform === 'win32' ? [paths.secretFile] : [paths.endpoint, paths.secretFile]) {
    try {
      rmSync(file, { force: true });
    } catch {
      // Best effort: a leftover socket is replaced as stale at the next start, a leftover secret overwritten.
    }
  }
}
