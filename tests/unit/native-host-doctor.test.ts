/**
 * doctor's checks beyond registration: the Node version, that each manifest points at this helper's installed copy,
 * which side is older when the registered helper and this copy differ, and sandboxed (snap, flatpak) browsers on
 * Linux — each problem one line with its fix. A fake file system answers "is this browser installed?".
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIVE_HOST_NAME } from '@/lib/native-host-name';
import { MIN_NODE_MAJOR, runDoctor, type DoctorOptions } from '@/native-host/doctor';
import { hostEnv, ORIGIN, useBuiltHost } from '../support/host-process';

const built = useBuiltHost();
const nothingInstalled = () => Promise.resolve(false);

function options(home: string, over: Partial<DoctorOptions> = {}): DoctorOptions {
  return {
    context: { platform: 'linux', home, env: {} },
    credentialsFile: join(home, '.aws', 'credentials'),
    exists: nothingInstalled,
    nodeVersion: '22.12.0',
    ...over,
  };
}

/** install-host for a Chromium profile folder, with the built CLI (its own version: package.json's). */
function installed(): { home: string; profile: string } {
  const home = built.tempDir('doctor-home-');
  const profile = built.tempDir('doctor-profile-');
  const r = spawnSync(process.execPath, [built.cliScript, 'install-host', '--user-data-dir', profile], { env: hostEnv(home), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return { home, profile };
}

describe('doctor: Node', () => {
  it.each<[string, boolean]>([
    ['18.19.1', true],
    ['v16.20.0', true],
    [`${MIN_NODE_MAJOR}.0.0`, false],
    ['22.12.0', false],
  ])('Node %s → a problem: %s', async (nodeVersion, problem) => {
    const report = await runDoctor(options(built.tempDir('doctor-home-'), { nodeVersion }));
    const line = report.problems.find((p) => p.startsWith('Node '));
    if (problem)
      expect(line).toBe(
        `Node ${nodeVersion} is older than the helper needs (Node ${MIN_NODE_MAJOR} or later): install a current Node, then run install-host again with it`,
      );
    else expect(line).toBeUndefined();
  });
});

describe('doctor: the manifests point at this helper', () => {
  it('a freshly installed helper: no problem', async () => {
    const { home, profile } = installed();
    const report = await runDoctor(options(home, { userDataDir: profile }));
    expect(report.problems).toEqual([]);
  });

  it('a manifest pointing at another program (an old install elsewhere) is one problem line with the fix', async () => {
    const home = built.tempDir('doctor-home-');
    const profile = built.tempDir('doctor-profile-');
    const other = join(built.tempDir('doctor-other-'), 'old-host');
    writeFileSync(other, '#!/bin/sh\nexit 1\n');
    chmodSync(other, 0o755);
    const manifest = join(profile, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`);
    mkdirSync(join(profile, 'NativeMessagingHosts'));
    writeFileSync(manifest, JSON.stringify({ name: NATIVE_HOST_NAME, description: 'x', path: other, type: 'stdio', allowed_origins: [ORIGIN] }));
    const report = await runDoctor(options(home, { userDataDir: profile, pingTimeoutMs: 2000 }));
    expect(report.problems).toContain(
      `${manifest} points at ${other}, not at this helper's installed copy (${join(home, '.local', 'share', 'aws-saml-bridge', 'aws-saml-bridge-host')}); run install-host again to point it there`,
    );
  });

  it.each<[string, RegExp]>([
    ['999.0.0', /is older than this copy: run install-host from this copy$/],
    ['0.0.1', /is newer than this copy: .*update the extension$/],
  ])('this copy is %s: says which side to update', async (selfVersion, words) => {
    const { home, profile } = installed();
    const report = await runDoctor(options(home, { userDataDir: profile, selfVersion }));
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(words);
  });
});

describe('doctor: sandboxed browsers on Linux', () => {
  const home = '/home/u';
  const only = (paths: string[]) => (p: string) => Promise.resolve(paths.includes(p));
  it.each<[string, string[], RegExp[]]>([
    ['snap Chromium', ['/snap/bin/chromium'], [/^Chromium installed as a snap cannot start the helper: .*Use Chromium from another package/]],
    ['snap Firefox', ['/snap/bin/firefox'], [/^Firefox installed as a snap starts the helper only through the WebExtensions desktop portal/]],
    [
      'flatpak Chrome (user) and Firefox (system)',
      [`${home}/.local/share/flatpak/app/com.google.Chrome`, '/var/lib/flatpak/app/org.mozilla.firefox'],
      [
        /^Google Chrome installed as a flatpak \(com\.google\.Chrome\) cannot start the helper: .*~\/\.var\/app\/com\.google\.Chrome\/config\/google-chrome\/NativeMessagingHosts\/.*flatpak-spawn --host.*flatpak override --user --talk-name=org\.freedesktop\.Flatpak com\.google\.Chrome/,
        /^Firefox installed as a flatpak \(org\.mozilla\.firefox\) cannot start the helper: .*~\/\.var\/app\/org\.mozilla\.firefox\/\.mozilla\/native-messaging-hosts\//,
      ],
    ],
    [
      'flatpak Edge and Brave',
      ['/var/lib/flatpak/app/com.microsoft.Edge', `${home}/.local/share/flatpak/app/com.brave.Browser`],
      [/^Microsoft Edge /, /^Brave /],
    ],
    ['none', [], []],
  ])('%s: one warning each, saying what to do', async (_title, present, expected) => {
    const report = await runDoctor({ ...options(home), exists: only(present) });
    const sandboxed = report.warnings.filter((w) => / installed as a (snap|flatpak)/.test(w));
    expect(sandboxed).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(sandboxed[i]).toMatch(re));
  });

  it('is not checked on macOS', async () => {
    const report = await runDoctor({ ...options(home), context: { platform: 'darwin', home, env: {} }, exists: () => Promise.resolve(true) });
    expect(report.warnings.filter((w) => / installed as a (snap|flatpak)/.test(w))).toEqual([]);
  });
});
