/**
 * install-host run from the one file the popup downloads: it copies the helper (CLI and host) to its per-user home,
 * points the manifests there (never at the download), runs doctor, and can be run again — from the download or
 * from the home copy — with the same result.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIVE_HOST_NAME } from '@/lib/native-host-name';
import { CLI_SCRIPT_NAME, HOST_SCRIPT_NAME } from '@/native-host/manifest';
import { frame, hostEnv, modeOf, sha, startHost, useBuiltHost } from '../support/host-process';

const built = useBuiltHost();

/** A HOME with a Chromium profile folder and the helper downloaded to ~/Downloads, as the popup leaves it. */
function downloadedHelper(): { home: string; download: string } {
  const home = built.tempDir('helper-home-');
  mkdirSync(join(home, '.config', 'chromium'), { recursive: true });
  mkdirSync(join(home, 'Downloads'));
  const download = join(home, 'Downloads', CLI_SCRIPT_NAME);
  copyFileSync(built.cliScript, download); // a browser download carries no execute bit
  return { home, download };
}

const run = (script: string, home: string, args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [script, ...args], { env: hostEnv(home, env), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** Every file under `dir` with its hash and mode. */
const snapshot = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((f) => [f, sha(join(dir, f)), modeOf(join(dir, f))]);

describe('install-host from the downloaded file', () => {
  it.each<[string, Record<string, string>, (home: string) => string]>([
    ['default data home', {}, (home) => join(home, '.local', 'share', 'aws-saml-bridge')],
    ['XDG_DATA_HOME', { XDG_DATA_HOME: 'data' }, (home) => join(home, 'data', 'aws-saml-bridge')],
  ])(
    '%s: copies the helper home, registers that copy, runs doctor; again is idempotent',
    async (_title, extra, expectedDir) => {
      const { home, download } = downloadedHelper();
      const env = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, join(home, v)]));
      const dir = expectedDir(home);
      const first = run(download, home, ['install-host'], env);
      expect(first.code, first.stderr + first.stdout).toBe(0);
      expect(first.stdout).toContain(`Installed the helper in ${dir}`);
      expect(first.stdout).toContain(`node "${join(dir, CLI_SCRIPT_NAME)}" doctor`);
      expect(first.stdout).toContain('No problems found.');

      const manifest = JSON.parse(readFileSync(join(home, '.config', 'chromium', 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`), 'utf8')) as {
        path: string;
      };
      expect(manifest.path).toBe(join(dir, 'aws-saml-bridge-host'));
      expect(readFileSync(manifest.path, 'utf8')).toContain(join(dir, HOST_SCRIPT_NAME));
      expect(readFileSync(manifest.path, 'utf8')).not.toContain('Downloads');
      expect(sha(join(dir, CLI_SCRIPT_NAME))).toBe(sha(download));
      expect(sha(join(dir, HOST_SCRIPT_NAME))).toBe(sha(built.hostScript));
      for (const f of [CLI_SCRIPT_NAME, HOST_SCRIPT_NAME, 'aws-saml-bridge-host']) expect(modeOf(join(dir, f)) & 0o111, f).toBe(0o111);

      // The installed host answers with the download gone.
      rmSync(download);
      const ping = await startHost(built.hostScript, { home, command: manifest.path, input: [frame({ v: 1, id: 'p', type: 'ping' })] }).done;
      expect(ping.replies).toMatchObject([{ id: 'p', ok: true }]);

      // Again, from the home copy itself (it must not empty itself), then doctor from there.
      const before = snapshot(dir);
      const again = run(join(dir, CLI_SCRIPT_NAME), home, ['install-host'], env);
      expect(again.code, again.stderr + again.stdout).toBe(0);
      expect(snapshot(dir)).toEqual(before);
      expect(run(join(dir, CLI_SCRIPT_NAME), home, ['doctor'], env).code).toBe(0);
    },
    60_000,
  );
});
