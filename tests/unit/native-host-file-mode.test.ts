/**
 * A credentials file other users can read: the host reports its mode, and sets 0600 only when asked
 * (`make-file-private`, sent when the user clicks "Make it private" in the popup); `doctor` warns with both fixes.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOpenToOthers } from '@/lib/host-protocol';
import { creds, frame, hostEnv, modeOf, sha, startHost, useBuiltHost, writeRequest } from '../support/host-process';

const built = useBuiltHost();

describe('isOpenToOthers', () => {
  it.each<[string | null, string, boolean]>([
    ['0600', 'linux', false],
    ['0400', 'darwin', false],
    ['0700', 'linux', false],
    ['0640', 'linux', true],
    ['0644', 'darwin', true],
    ['0604', 'linux', true],
    ['0620', 'linux', true],
    ['0666', 'win32', false],
    [null, 'linux', false],
  ])('mode %s on %s → %s', (mode, platform, open) => {
    expect(isOpenToOthers({ exists: mode !== null, mode }, platform)).toBe(open);
  });
});

/** A HOME whose credentials file has `mode`. */
function homeWithFile(mode: number): { home: string; file: string } {
  const home = built.tempDir('mode-home-');
  mkdirSync(join(home, '.aws'), { mode: 0o700 });
  const file = join(home, '.aws', 'credentials');
  writeFileSync(file, '# mine\n[default]\nregion = eu-west-1\n');
  chmodSync(file, mode);
  return { home, file };
}
const run = (home: string, input: Buffer[], env?: Record<string, string>) => startHost(built.hostScript, { home, input, env }).done;

describe('host process: make-file-private', () => {
  it('reports 0644, sets 0600 when asked (content untouched), and says when there was nothing to do', async () => {
    const { home, file } = homeWithFile(0o644);
    const before = sha(file);
    const { replies } = await run(home, [
      frame({ v: 1, id: 'p', type: 'ping' }),
      frame({ v: 1, id: 'm1', type: 'make-file-private' }),
      frame({ v: 1, id: 'm2', type: 'make-file-private' }),
    ]);
    expect(replies).toMatchObject([
      { id: 'p', ok: true, credentialsFile: { path: file, exists: true, mode: '0644' } },
      { id: 'm1', ok: true, type: 'make-file-private', changed: true, credentialsFile: { path: file, exists: true, mode: '0600', target: null } },
      { id: 'm2', ok: true, changed: false, credentialsFile: { mode: '0600' } },
    ]);
    expect(modeOf(file)).toBe(0o600);
    expect(sha(file)).toBe(before);
  });

  it('a write keeps 0644: only the explicit request changes the mode', async () => {
    const { home, file } = homeWithFile(0o644);
    await run(home, [writeRequest('w', [{ name: 'dev', credentials: creds() }])]);
    expect(modeOf(file)).toBe(0o644);
    expect(readFileSync(file, 'utf8')).toContain('[dev]');
  });

  it('through a symlink: the target becomes 0600, the link stays a link', async () => {
    const home = built.tempDir('mode-home-');
    mkdirSync(join(home, 'dotfiles'));
    writeFileSync(join(home, 'dotfiles', 'aws'), '[default]\nregion = eu-west-1\n');
    chmodSync(join(home, 'dotfiles', 'aws'), 0o664);
    symlinkSync(join(home, 'dotfiles', 'aws'), join(home, 'creds'));
    const { replies } = await run(home, [frame({ v: 1, id: 'm', type: 'make-file-private' })], { AWS_SHARED_CREDENTIALS_FILE: join(home, 'creds') });
    expect(replies).toMatchObject([
      { id: 'm', ok: true, changed: true, credentialsFile: { path: join(home, 'creds'), mode: '0600', target: join(home, 'dotfiles', 'aws') } },
    ]);
    expect(modeOf(join(home, 'dotfiles', 'aws'))).toBe(0o600);
    expect(lstatSync(join(home, 'creds')).isSymbolicLink()).toBe(true);
  });

  it('no file: nothing to do, nothing created', async () => {
    const home = built.tempDir('mode-home-');
    const { replies } = await run(home, [frame({ v: 1, id: 'm', type: 'make-file-private' })]);
    expect(replies).toMatchObject([{ id: 'm', ok: true, changed: false, credentialsFile: { exists: false, mode: null } }]);
    expect(existsSync(join(home, '.aws'))).toBe(false);
  });

  it('doctor warns about a 0644 file with both fixes, and is quiet once it is private', async () => {
    const { home, file } = homeWithFile(0o644);
    const doctor = () => spawnSync(process.execPath, [built.cliScript, 'doctor'], { env: hostEnv(home), encoding: 'utf8' }).stdout;
    expect(doctor()).toContain(
      `warning: ${file} is readable by other users (mode 0644); make it private: click "Make it private" in the extension's popup, or run: chmod 600 ${file}\n`,
    );
    await run(home, [frame({ v: 1, id: 'm', type: 'make-file-private' })]);
    expect(doctor()).not.toContain('readable by other users');
  });
});
