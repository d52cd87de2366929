/**
 * Where the agent listens and keeps its per-start secret, and whether that folder is safe: only the user may
 * reach it. Unix: a socket in a folder of its own, mode 0700, owned by the user, never a symlink (Linux checks
 * write permission on a socket to connect; other systems ignore socket permissions, so the folder is the fence).
 * Windows: a named pipe (Node cannot set its ACL, nodejs/node#47086), so every connection proves the secret.
 */
import { createHash } from 'node:crypto';
import { posix, win32 } from 'node:path';

export type AgentPlatform = 'linux' | 'darwin' | 'win32';

export interface AgentPaths {
  /** The folder holding the socket (Unix) and the secret. */
  dir: string;
  /** The socket path, or the Windows pipe name. */
  endpoint: string;
  secretFile: string;
  /** The folders above `dir` the helper may create (0700) on its way there; already-existing ones are left alone. */
  createParents: string[];
}

export interface AgentPathContext {
  platform: AgentPlatform;
  env: NodeJS.ProcessEnv;
  home: string;
  /** The user's uid (undefined on Windows). */
  uid: number | undefined;
  /** The user name (Windows pipe name). */
  user: string;
}

export const SOCKET_NAME = 'agent.sock';
export const SECRET_NAME = 'agent.secret';
const APP = 'aws-saml-bridge';
/** sun_path is 108 bytes on Linux, 104 on macOS, both counting the final NUL. */
export const MAX_SOCKET_PATH_BYTES = 103;

/** A stat the folder check needs (real `fs.Stats` or a fake one in tests). */
export interface DirStat {
  isSymbolicLink(): boolean;
  isDirectory(): boolean;
  uid: number;
  mode: number;
}

/**
 * Whether `$XDG_RUNTIME_DIR` may hold the agent's folder: set, absolute, and (by `stat`) a directory of this user
 * that no one else may enter. The XDG spec requires exactly that; a value that breaks it is not used.
 */
export function usableRuntimeDir(value: string | undefined, stat: DirStat | undefined, uid: number | undefined): boolean {
  return !!value && posix.isAbsolute(value) && stat !== undefined && checkRunDir(stat, uid).ok;
}

/**
 * The agent's folder, socket and secret file for this user. `runtimeDirOk` says whether `$XDG_RUNTIME_DIR` passed
 * `usableRuntimeDir` (only Linux consults it).
 */
export function agentPaths(c: AgentPathContext, runtimeDirOk: boolean): AgentPaths {
  if (c.platform === 'win32') {
    const dir = win32.join(c.env.LOCALAPPDATA ?? win32.join(c.home, 'AppData', 'Local'), APP, 'run');
    const user =
      c.user
        .toLowerCase()
        .replace(/[^a-z0-9_.-]/g, '_')
        .slice(0, 32) || 'user';
    // The home folder tells two users with the same name (a local and a domain account) apart.
    const hash = createHash('sha256').update(c.home.toLowerCase()).digest('hex').slice(0, 16);
    return { dir, endpoint: `\\\\.\\pipe\\${APP}-${user}-${hash}`, secretFile: win32.join(dir, SECRET_NAME), createParents: [] };
  }
  let dir: string;
  let createParents: string[] = [];
  if (c.platform === 'linux' && runtimeDirOk && c.env.XDG_RUNTIME_DIR) {
    dir = posix.join(c.env.XDG_RUNTIME_DIR, APP);
  } else if (c.platform === 'darwin' && c.env.TMPDIR && posix.isAbsolute(c.env.TMPDIR)) {
    // macOS gives each user a private $TMPDIR (/var/folders/…/T/, mode 0700).
    dir = posix.join(c.env.TMPDIR, APP);
  } else {
    const base = posix.join(c.home, `.${APP}`);
    dir = posix.join(base, 'run');
    createParents = [base];
  }
  return { dir, endpoint: posix.join(dir, SOCKET_NAME), secretFile: posix.join(dir, SECRET_NAME), createParents };
}

export type RunDirCheck = { ok: true } | { ok: false; problem: 'symlink' | 'not-a-directory' | 'other-owner' | 'open-mode'; message: string };

/**
 * Whether a folder (lstat, never stat: a symlink is refused, not followed) is one only `uid` can reach: a real
 * directory, owned by `uid`, without group or other permission bits. Pure, so each case is tested with fake stats.
 */
export function checkRunDir(stat: DirStat, uid: number | undefined, path = 'the folder'): RunDirCheck {
  if (stat.isSymbolicLink()) return { ok: false, problem: 'symlink', message: `${path} is a symbolic link; remove it (rm ${path}) and restart the browser` };
  if (!stat.isDirectory()) return { ok: false, problem: 'not-a-directory', message: `${path} is not a folder; remove it and restart the browser` };
  if (uid !== undefined && stat.uid !== uid) {
    return {
      ok: false,
      problem: 'other-owner',
      message: `${path} belongs to another user (uid ${stat.uid}); remove it as that user or root, then restart the browser`,
    };
  }
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    return { ok: false, problem: 'open-mode', message: `${path} is open to other users (mode ${mode}); run chmod 700 ${path} and restart the browser` };
  }
  return { ok: true };
}
