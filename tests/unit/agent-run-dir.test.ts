/** The agent's folder: where it is per platform, and the lstat checks that keep other users and squatters out. */
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentPaths, checkRunDir, usableRuntimeDir, type DirStat } from '../../native-host/agent/run-dir';
import { AgentRefusal, prepareRunDir, verifyRunDir } from '../../native-host/agent/endpoint';

const UID = 1000;
const fakeStat = (over: Partial<{ symlink: boolean; dir: boolean; uid: number; mode: number }>): DirStat => ({
  isSymbolicLink: () => over.symlink ?? false,
  isDirectory: () => over.dir ?? true,
  uid: over.uid ?? UID,
  mode: over.mode ?? 0o40700,
});

describe('checkRunDir', () => {
  it.each([
    ['a 0700 folder of the user', {}, null],
    ['a symlink', { symlink: true, mode: 0o120777 }, 'symlink'],
    ['a file', { dir: false, mode: 0o100600 }, 'not-a-directory'],
    ["another user's folder (cannot be made as root in a test)", { uid: 0 }, 'other-owner'],
    ['group-readable', { mode: 0o40750 }, 'open-mode'],
    ['world-writable', { mode: 0o40777 }, 'open-mode'],
    ['world-writable with the sticky bit (/tmp-like)', { mode: 0o41777, uid: 0 }, 'other-owner'],
    ['only other-execute', { mode: 0o40701 }, 'open-mode'],
  ] as const)('%s', (_name, over, problem) => {
    const check = checkRunDir(fakeStat(over), UID, '/run/user/1000/aws-saml-bridge');
    if (problem === null) expect(check).toEqual({ ok: true });
    else {
      expect(check.ok).toBe(false);
      if (!check.ok) {
        expect(check.problem).toBe(problem);
        // One line, naming the folder and the fix.
        expect(check.message).toContain('/run/user/1000/aws-saml-bridge');
        expect(check.message).not.toContain('\n');
      }
    }
  });

  it('an open folder is named with its mode and the chmod that fixes it', () => {
    const check = checkRunDir(fakeStat({ mode: 0o40755 }), UID, '/x/run');
    expect(check).toMatchObject({ ok: false, message: expect.stringContaining('(mode 0755); run chmod 700 /x/run') as unknown });
  });

  it('$XDG_RUNTIME_DIR is used only when it is a private folder of the user', () => {
    expect(usableRuntimeDir('/run/user/1000', fakeStat({}), UID)).toBe(true);
    expect(usableRuntimeDir('/run/user/1000', fakeStat({ uid: 1001 }), UID)).toBe(false);
    expect(usableRuntimeDir('/tmp', fakeStat({ mode: 0o41777 }), UID)).toBe(false);
    expect(usableRuntimeDir('relative/dir', fakeStat({}), UID)).toBe(false);
    expect(usableRuntimeDir(undefined, undefined, UID)).toBe(false);
  });
});

describe('agentPaths', () => {
  const base = { env: {}, home: '/home/alice', uid: UID, user: 'alice' };
  it.each([
    [
      'linux with a usable XDG_RUNTIME_DIR',
      { platform: 'linux', env: { XDG_RUNTIME_DIR: '/run/user/1000' } },
      true,
      '/run/user/1000/aws-saml-bridge/agent.sock',
    ],
    ['linux with an unusable one', { platform: 'linux', env: { XDG_RUNTIME_DIR: '/tmp' } }, false, '/home/alice/.aws-saml-bridge/run/agent.sock'],
    ['linux without one', { platform: 'linux' }, false, '/home/alice/.aws-saml-bridge/run/agent.sock'],
    [
      'macOS: the per-user TMPDIR',
      { platform: 'darwin', env: { TMPDIR: '/var/folders/zz/abc123/T/' } },
      false,
      '/var/folders/zz/abc123/T/aws-saml-bridge/agent.sock',
    ],
    ['macOS without TMPDIR', { platform: 'darwin', home: '/Users/alice' }, false, '/Users/alice/.aws-saml-bridge/run/agent.sock'],
  ] as const)('%s', (_name, over, runtimeOk, endpoint) => {
    const p = agentPaths({ ...base, ...over }, runtimeOk);
    expect(p.endpoint).toBe(endpoint);
    expect(p.secretFile).toBe(p.endpoint.replace('agent.sock', 'agent.secret'));
  });

  it('Windows: a named pipe per user and home, the secret under LOCALAPPDATA', () => {
    const c = {
      platform: 'win32' as const,
      env: { LOCALAPPDATA: 'C:\\Users\\Alice\\AppData\\Local' },
      home: 'C:\\Users\\Alice',
      uid: undefined,
      user: 'Alice',
    };
    const p = agentPaths(c, false);
    expect(p.endpoint).toMatch(/^\\\\\.\\pipe\\aws-saml-bridge-alice-[0-9a-f]{16}$/);
    expect(p.secretFile).toBe('C:\\Users\\Alice\\AppData\\Local\\aws-saml-bridge\\run\\agent.secret');
    expect(agentPaths({ ...c, home: 'C:\\Users\\alice.CONTOSO' }, false).endpoint).not.toBe(p.endpoint);
  });
});

describe('on disk (Linux)', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const paths = (dir: string) => ({ dir, endpoint: join(dir, 'agent.sock'), secretFile: join(dir, 'agent.secret'), createParents: [] });

  it('the server creates its folder 0700', async () => {
    root = mkdtempSync(join(tmpdir(), 'agent-dir-'));
    const dir = join(root, 'aws-saml-bridge');
    await prepareRunDir(paths(dir), () => undefined);
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
    expect(() => verifyRunDir(paths(dir))).not.toThrow();
  });

  it('a symlinked folder is refused by the server and the client, and nothing is created behind it', async () => {
    root = mkdtempSync(join(tmpdir(), 'agent-dir-'));
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    const dir = join(root, 'aws-saml-bridge');
    symlinkSync(elsewhere, dir);
    await expect(prepareRunDir(paths(dir), () => undefined)).rejects.toMatchObject({
      kind: 'unsafe',
      message: expect.stringContaining('symbolic link') as unknown,
    });
    expect(() => verifyRunDir(paths(dir))).toThrow(AgentRefusal);
  });

  it('a world-writable folder: the client refuses it; the server, which owns it, closes it and says so', async () => {
    root = mkdtempSync(join(tmpdir(), 'agent-dir-'));
    const dir = join(root, 'aws-saml-bridge');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    expect(() => verifyRunDir(paths(dir))).toThrow(/open to other users \(mode 0777\); run chmod 700/);
    const said: string[] = [];
    await prepareRunDir(paths(dir), (l) => said.push(l));
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
    expect(said).toEqual([`aws-saml-bridge: ${dir} was open to other users; set it to 0700`]);
  });

  it('no folder at all: the client says the browser is not serving (exit 4), not "unsafe"', () => {
    root = mkdtempSync(join(tmpdir(), 'agent-dir-'));
    try {
      verifyRunDir(paths(join(root, 'missing')));
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ kind: 'not-running' });
    }
  });
});
