/**
 * `uninstall-host` reports what it actually removed, what was already absent and what it could not remove
 * (not the plan). The built CLI on a temporary HOME, and the Windows registry steps with a fake reg.exe.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIVE_HOST_NAME } from '@/lib/native-host-name';
import type { PathContext } from '@/native-host/browsers';
import { applyUninstall, formatUninstall, planUninstall, type RegistryCommand } from '@/native-host/installer';
import { hostEnv, useBuiltHost } from '../support/host-process';

const built = useBuiltHost();
const cli = (home: string, args: string[]) => {
  const r = spawnSync(process.execPath, [built.cliScript, ...args], { env: hostEnv(home), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const manifestIn = (dir: string) => join(dir, `${NATIVE_HOST_NAME}.json`);

describe('uninstall-host (the built CLI)', () => {
  it('lists the manifests and folder it removed and those that were not there; a second run has nothing to remove', () => {
    const home = built.tempDir('uninstall-home-');
    mkdirSync(join(home, '.config', 'google-chrome'), { recursive: true });
    expect(cli(home, ['install-host']).code).toBe(0);
    const chrome = manifestIn(join(home, '.config', 'google-chrome', 'NativeMessagingHosts'));
    const dir = join(home, '.local', 'share', 'aws-saml-bridge');
    const absent = [
      manifestIn(join(home, '.config', 'chromium', 'NativeMessagingHosts')),
      manifestIn(join(home, '.config', 'microsoft-edge', 'NativeMessagingHosts')),
      manifestIn(join(home, '.config', 'BraveSoftware', 'Brave-Browser', 'NativeMessagingHosts')),
      manifestIn(join(home, '.mozilla', 'native-messaging-hosts')),
    ];

    const first = cli(home, ['uninstall-host']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    // Nothing was ever saved: the helper's state files and backups (credentials and config) were never there.
    const own = [
      `  state file     ${join(home, '.aws', '.aws-saml-bridge-managed.json')}`,
      `  backup         ${join(home, '.aws', 'credentials.aws-saml-bridge.bak')}`,
      `  state file     ${join(home, '.aws', '.aws-saml-bridge-config-managed.json')}`,
      `  backup         ${join(home, '.aws', 'config.aws-saml-bridge.bak')}`,
    ];
    expect(first.stdout).toBe(
      ['Removed:', `  manifest       ${chrome}`, `  install folder ${dir}`, 'Already absent:', ...absent.map((m) => `  manifest       ${m}`), ...own, ''].join(
        '\n',
      ),
    );
    expect(existsSync(chrome)).toBe(false);
    expect(existsSync(dir)).toBe(false);

    const second = cli(home, ['uninstall-host']);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(
      [
        'Nothing to remove: the host was not registered in any of the places checked.',
        'Already absent:',
        `  manifest       ${chrome}`,
        ...absent.map((m) => `  manifest       ${m}`),
        `  install folder ${dir}`,
        ...own,
        '',
      ].join('\n'),
    );
  });

  it('says what it could not remove, and why, and exits 1', () => {
    const home = built.tempDir('uninstall-home-');
    const profile = built.tempDir('uninstall-profile-');
    expect(cli(home, ['install-host', '--user-data-dir', profile]).code).toBe(0);
    // Something that is not our manifest sits where it would be: a folder with a file in it.
    const manifest = manifestIn(join(profile, 'NativeMessagingHosts'));
    const other = built.tempDir('uninstall-other-');
    const blocked = manifestIn(join(other, 'NativeMessagingHosts'));
    mkdirSync(blocked, { recursive: true });
    writeFileSync(join(blocked, 'keep'), 'x');

    const ok = cli(home, ['uninstall-host', '--user-data-dir', profile]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`Removed:\n  manifest       ${manifest}\n`);

    const failed = cli(home, ['uninstall-host', '--user-data-dir', other]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toBe(`Could not remove:\n  manifest       ${blocked}: a folder is in its place; remove it by hand if it is not yours\n`);
    expect(existsSync(join(blocked, 'keep'))).toBe(true);
  });
});

describe('uninstall on Windows: registry keys', () => {
  const win: PathContext = { platform: 'win32', home: 'C:\\Users\\u', env: { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' } };

  it('a key reg.exe deletes is removed, one it cannot find is absent, any other failure is reported', async () => {
    const plan = planUninstall({ context: win, browsers: ['chrome', 'edge', 'firefox'], system: false });
    // No manifest files on this machine: only the registry steps matter here.
    plan.manifests = [];
    plan.installDir = null;
    const runner = async (command: RegistryCommand) => {
      const key = command.args[1]!;
      if (key.includes('Google')) return;
      const error = Object.assign(new Error('Command failed: reg.exe delete'), {
        code: 1,
        stderr: key.includes('Microsoft') ? 'ERROR: The system was unable to find the specified registry key or value.\r\n' : 'ERROR: Access is denied.\r\n',
      });
      throw error;
    };
    const outcomes = await applyUninstall(plan, runner);
    expect(outcomes).toEqual([
      { what: 'registry key', path: `HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`, result: 'removed' },
      { what: 'registry key', path: `HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`, result: 'absent' },
      {
        what: 'registry key',
        path: `HKCU\\Software\\Mozilla\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
        result: 'failed',
        reason: 'ERROR: Access is denied.',
      },
    ]);
    expect(formatUninstall(outcomes).stderr).toBe(
      `Could not remove:\n  registry key   HKCU\\Software\\Mozilla\\NativeMessagingHosts\\${NATIVE_HOST_NAME}: ERROR: Access is denied.\n`,
    );
  });
});
