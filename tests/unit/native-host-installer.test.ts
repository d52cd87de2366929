/**
 * The installer: install plans for every platform (pure), then the built CLI — install-host, uninstall-host,
 * doctor, list — on a temporary HOME.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID, GECKO_ID } from '@/lib/extension-ids';
import { NATIVE_HOST_NAME } from '@/lib/native-host-name';
import { installDir, manifestDirs, registryKey, type PathContext } from '@/native-host/browsers';
import { planInstall, planUninstall } from '@/native-host/installer';
import { launcherScript } from '@/native-host/manifest';
import { creds, frame, hostEnv, modeOf, ORIGIN, startHost as start, useBuiltHost, writeRequest, type HostOptions } from '../support/host-process';

describe('install plans for every platform', () => {
  const linux: PathContext = { platform: 'linux', home: '/home/u', env: {} };
  const mac: PathContext = { platform: 'darwin', home: '/Users/u', env: {} };
  const win: PathContext = { platform: 'win32', home: 'C:\\Users\\u', env: { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' } };

  it.each<[string, PathContext, boolean, Record<string, string[]>]>([
    [
      'Linux, per user',
      linux,
      false,
      {
        chrome: ['/home/u/.config/google-chrome/NativeMessagingHosts'],
        chromium: ['/home/u/.config/chromium/NativeMessagingHosts'],
        edge: ['/home/u/.config/microsoft-edge/NativeMessagingHosts'],
        brave: ['/home/u/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts'],
        firefox: ['/home/u/.mozilla/native-messaging-hosts'],
      },
    ],
    [
      'Linux, system',
      linux,
      true,
      {
        chrome: ['/etc/opt/chrome/native-messaging-hosts'],
        chromium: ['/etc/chromium/native-messaging-hosts'],
        edge: ['/etc/opt/edge/native-messaging-hosts'],
        brave: ['/etc/opt/chrome/native-messaging-hosts'],
        firefox: ['/usr/lib/mozilla/native-messaging-hosts'],
      },
    ],
    [
      'macOS, per user',
      mac,
      false,
      {
        chrome: ['/Users/u/Library/Application Support/Google/Chrome/NativeMessagingHosts'],
        chromium: ['/Users/u/Library/Application Support/Chromium/NativeMessagingHosts'],
        edge: ['/Users/u/Library/Application Support/Microsoft Edge/NativeMessagingHosts'],
        brave: [
          '/Users/u/Library/Application Support/Google/Chrome/NativeMessagingHosts',
          '/Users/u/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts',
        ],
        firefox: ['/Users/u/Library/Application Support/Mozilla/NativeMessagingHosts'],
      },
    ],
    [
      'macOS, system',
      mac,
      true,
      {
        chrome: ['/Library/Google/Chrome/NativeMessagingHosts'],
        chromium: ['/Library/Application Support/Chromium/NativeMessagingHosts'],
        edge: ['/Library/Microsoft/Edge/NativeMessagingHosts'],
        brave: ['/Library/Google/Chrome/NativeMessagingHosts'],
        firefox: ['/Library/Application Support/Mozilla/NativeMessagingHosts'],
      },
    ],
  ])('%s', (_title, context, system, expected) => {
    for (const [browser, dirs] of Object.entries(expected)) expect(manifestDirs(browser as 'chrome', context, { system })).toEqual(dirs);
  });

  it('honours XDG_CONFIG_HOME and XDG_DATA_HOME on Linux', () => {
    const c: PathContext = { ...linux, env: { XDG_CONFIG_HOME: '/cfg', XDG_DATA_HOME: '/data' } };
    expect(manifestDirs('chrome', c, { system: false })).toEqual(['/cfg/google-chrome/NativeMessagingHosts']);
    expect(installDir(c, { system: false })).toBe('/data/aws-saml-bridge');
  });

  it('Windows: manifests in %LOCALAPPDATA%, registered with reg.exe add … /ve /d <manifest> /f', () => {
    const plan = planInstall({
      context: win,
      browsers: ['chrome', 'edge', 'brave', 'chromium', 'firefox'],
      system: false,
      extraChromeExtensionIds: [],
      nodePath: 'C:\\Program Files\\nodejs\\node.exe',
      hostScript: { source: 'x.mjs' },
    });
    const dir = 'C:\\Users\\u\\AppData\\Local\\aws-saml-bridge';
    const manifest = (b: string) => `${dir}\\manifests\\${b}\\${NATIVE_HOST_NAME}.json`;
    expect(plan.registry.map((c) => [c.file, ...c.args])).toEqual([
      ['reg.exe', 'add', `HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`, '/ve', '/t', 'REG_SZ', '/d', manifest('chrome'), '/f'],
      ['reg.exe', 'add', `HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`, '/ve', '/t', 'REG_SZ', '/d', manifest('edge'), '/f'],
      [
        'reg.exe',
        'add',
        `HKCU\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`,
        '/ve',
        '/t',
        'REG_SZ',
        '/d',
        manifest('brave'),
        '/f',
      ],
      ['reg.exe', 'add', `HKCU\\Software\\Chromium\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`, '/ve', '/t', 'REG_SZ', '/d', manifest('chromium'), '/f'],
      ['reg.exe', 'add', `HKCU\\Software\\Mozilla\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`, '/ve', '/t', 'REG_SZ', '/d', manifest('firefox'), '/f'],
    ]);
    expect(plan.launcher).toBe(`${dir}\\aws-saml-bridge-host.bat`);
    expect(plan.files.find((f) => f.path === plan.launcher)?.content).toBe(
      `@echo off\r\n"C:\\Program Files\\nodejs\\node.exe" "${dir}\\aws-saml-bridge-host.mjs" %*\r\n`,
    );
    expect(JSON.parse(plan.files.find((f) => f.path === manifest('chrome'))!.content)).toMatchObject({ path: plan.launcher, allowed_origins: [ORIGIN] });
    expect(planUninstall({ context: win, browsers: ['chrome'], system: false }).registry.map((c) => c.args)).toEqual([
      ['delete', `HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`, '/f'],
    ]);
    expect(registryKey('firefox', NATIVE_HOST_NAME, { system: true })).toBe(`HKLM\\Software\\Mozilla\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`);
  });

  it('quotes any path in the sh launcher', () => {
    expect(launcherScript('linux', "/opt/my node's/bin/node", '/home/u/a b/host.mjs')).toBe(
      `#!/bin/sh\n# Started by the browser for ${NATIVE_HOST_NAME}; written by aws-saml-bridge install-host.\nexec '/opt/my node'\\''s/bin/node' '/home/u/a b/host.mjs' "$@"\n`,
    );
  });
});

const built = useBuiltHost();
const tempDir = built.tempDir;
const startHost = (options: HostOptions) => start(built.hostScript, options);
const runHost = (options: HostOptions) => startHost(options).done;

// ── the installer and doctor, as the built CLI ───────────────────────────────────────────────────────────────

function cli(home: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [built.cliScript, ...args], { env: hostEnv(home, env), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('install-host, uninstall-host, doctor', () => {
  const extraId = 'abcdefghijklmnopabcdefghijklmnop';

  it('installs for the browsers found, with exact manifests and a runnable launcher; doctor agrees; uninstall removes it all', async () => {
    const home = tempDir('cli-home-');
    mkdirSync(join(home, '.config', 'google-chrome'), { recursive: true });
    mkdirSync(join(home, '.config', 'BraveSoftware', 'Brave-Browser'), { recursive: true });
    mkdirSync(join(home, '.mozilla'));
    const install = cli(home, ['install-host', '--extension-id', extraId]);
    expect(install.code, install.stderr).toBe(0);
    const dir = join(home, '.local', 'share', 'aws-saml-bridge');
    const launcher = join(dir, 'aws-saml-bridge-host');
    const chromeManifest = join(home, '.config', 'google-chrome', 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`);
    const braveManifest = join(home, '.config', 'BraveSoftware', 'Brave-Browser', 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`);
    const firefoxManifest = join(home, '.mozilla', 'native-messaging-hosts', `${NATIVE_HOST_NAME}.json`);
    const base = { name: NATIVE_HOST_NAME, description: expect.any(String), path: launcher, type: 'stdio' };
    for (const m of [chromeManifest, braveManifest]) {
      expect(JSON.parse(readFileSync(m, 'utf8'))).toStrictEqual({ ...base, allowed_origins: [ORIGIN, `chrome-extension://${extraId}/`] });
    }
    expect(JSON.parse(readFileSync(firefoxManifest, 'utf8'))).toStrictEqual({ ...base, allowed_extensions: [GECKO_ID] });
    expect(existsSync(join(home, '.config', 'chromium'))).toBe(false);
    expect(modeOf(launcher) & 0o111).toBe(0o111);
    expect(readFileSync(launcher, 'utf8')).toBe(launcherScript('linux', process.execPath, join(dir, 'aws-saml-bridge-host.mjs')));
    expect(JSON.parse(readFileSync(join(dir, 'host-config.json'), 'utf8'))).toEqual({
      version: 1,
      chromeExtensionIds: [CHROME_EXTENSION_ID, extraId],
      geckoIds: [GECKO_ID],
    });

    // The installed launcher, started as a browser starts it: the extra id is allowed, others are not.
    const asExtra = await runHost({ home, command: launcher, args: [`chrome-extension://${extraId}/`], input: [frame({ v: 1, id: 'x', type: 'ping' })] });
    expect(asExtra.replies).toMatchObject([{ id: 'x', ok: true }]);
    const asOther = await runHost({ home, command: launcher, args: [`chrome-extension://${'b'.repeat(32)}/`], input: [] });
    expect(asOther.replies).toMatchObject([{ ok: false, error: { code: 'FORBIDDEN_CALLER' } }]);

    const doctor = cli(home, ['doctor']);
    expect(doctor.code, doctor.stdout).toBe(0);
    expect(doctor.stdout).toContain(`chrome    registered (user) ${chromeManifest}`);
    expect(doctor.stdout).toContain(`firefox   registered (user) ${firefoxManifest}`);
    expect(doctor.stdout).toContain('chromium  not registered');
    expect(doctor.stdout).toMatch(new RegExp(`launcher ${launcher}: runs \\(host \\d`));
    expect(doctor.stdout).toContain(`allowed callers (${join(dir, 'host-config.json')}): ${ORIGIN}, chrome-extension://${extraId}/, ${GECKO_ID}`);
    expect(doctor.stdout).toContain('does not exist yet (created 0600 on first write)');
    expect(doctor.stdout).toContain('No problems found.');

    const uninstall = cli(home, ['uninstall-host']);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    for (const m of [chromeManifest, braveManifest, firefoxManifest]) expect(existsSync(m)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    const after = cli(home, ['doctor']);
    expect(after.code).toBe(1);
    expect(after.stdout).toContain('problem: the host is not registered for any browser; run: aws-saml-bridge install-host');
  }, 60_000);

  it('--user-data-dir writes <dir>/NativeMessagingHosts/<name>.json only; doctor checks that folder', () => {
    const home = tempDir('cli-home-');
    const profile = tempDir('chromium-profile-');
    const install = cli(home, ['install-host', '--user-data-dir', profile]);
    expect(install.code, install.stderr).toBe(0);
    const manifest = join(profile, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`);
    expect(JSON.parse(readFileSync(manifest, 'utf8'))).toMatchObject({
      allowed_origins: [ORIGIN],
      path: join(home, '.local', 'share', 'aws-saml-bridge', 'aws-saml-bridge-host'),
    });
    expect(existsSync(join(home, '.config'))).toBe(false);
    const doctor = cli(home, ['doctor', '--user-data-dir', profile]);
    expect(doctor.code, doctor.stdout).toBe(0);
    expect(doctor.stdout).toContain(`chromium  registered (user-data-dir) ${manifest}`);
    expect(cli(home, ['uninstall-host', '--user-data-dir', profile]).code).toBe(0);
    expect(existsSync(manifest)).toBe(false);
  });

  it('doctor flags a group-readable credentials file and a broken launcher', () => {
    const home = tempDir('cli-home-');
    const profile = tempDir('chromium-profile-');
    expect(cli(home, ['install-host', '--user-data-dir', profile]).code).toBe(0);
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), '[default]\nregion = eu-west-1\n');
    chmodSync(join(home, '.aws', 'credentials'), 0o644);
    const warned = cli(home, ['doctor', '--user-data-dir', profile]);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain(
      `warning: ${join(home, '.aws', 'credentials')} is readable by other users (mode 0644); make it private: click "Make it private" in the extension's popup, or run: chmod 600`,
    );
    rmSync(join(home, '.local', 'share', 'aws-saml-bridge', 'aws-saml-bridge-host'));
    const broken = cli(home, ['doctor', '--user-data-dir', profile]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('is missing or not executable; run aws-saml-bridge install-host again');
  });

  it.each([
    [['frobnicate'], 2, /unknown command "frobnicate"/],
    [['install-host', '--browser', 'opera'], 2, /unknown browser "opera"/],
    [['install-host', '--extension-id', 'not-an-id'], 2, /is not a Chrome extension id/],
    [['doctor', '--extension-id', 'abcdefghijklmnopabcdefghijklmnop'], 2, /--extension-id does not apply to doctor/],
    [['install-host', '--browser', 'firefox', '--user-data-dir', '/tmp/x'], 2, /Chrome-family browsers only/],
    [['install-host', '--nope'], 2, /Unknown option '--nope'/],
    [['install-host', '--system'], 2, /name the browsers to register for every user/],
    [['install-host'], 1, /No supported browser profile found/],
  ])('%j exits %i', (args, code, message) => {
    const r = cli(tempDir('cli-home-'), args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  it('list prints names, expiry and region, never secrets', async () => {
    const home = tempDir('cli-home-');
    await runHost({ home, input: [writeRequest('w', [{ name: 'dev', credentials: creds(), region: 'eu-west-1' }])] });
    const r = cli(home, ['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dev\s+2030-11-22T11:00:00\+00:00\s+eu-west-1\s+aws-saml-bridge/);
    expect(r.stdout).not.toContain('SECRETMARKER');
    expect(cli(home, ['--version']).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
