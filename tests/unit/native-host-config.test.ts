/**
 * The host's config-file store (native-host/config-store.ts) and `aws-saml-bridge configure-profiles`: the lock, the
 * backup, AWS_CONFIG_FILE, sections the helper did not write left alone, and the `credential_process` line built from
 * the helper's own absolute paths — directly, through the built host process, and through the CLI in a temp HOME.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCredentialsFile, renderCredentialsFile } from '@/lib/credentials-file';
import { runCli, type CliEnvironment } from '@/native-host/cli';
import { CONFIG_STATE_FILE_NAME, configFilePath, removeConfigProfiles, writeConfigProfiles, type HelperCommand } from '@/native-host/config-store';
import { BACKUP_SUFFIX, STATE_FILE_NAME } from '@/native-host/credentials-store';
import { acquireLock } from '@/native-host/file-lock';
import { creds, frame, okBody, sha, startHost, useBuiltHost } from '../support/host-process';

const built = useBuiltHost();
const tempDir = built.tempDir;
const HELPER: HelperCommand = { nodePath: '/usr/bin/node', helperPath: '/opt/aws saml/aws-saml-bridge.mjs', platform: 'linux' };
const line = (name: string) => `credential_process = /usr/bin/node '/opt/aws saml/aws-saml-bridge.mjs' credential-process --profile ${name}`;
const USER_CONFIG =
  '# my settings\r\n[default]\r\nregion = eu-central-1\r\n\r\n[profile mine]\r\nsso_session = corp\r\n[sso-session corp]\r\nsso_region = eu-west-1';

function awsDir(): { dir: string; config: string } {
  const dir = join(tempDir('config-store-'), '.aws');
  mkdirSync(dir, { mode: 0o700 });
  return { dir, config: join(dir, 'config') };
}

describe('config store', () => {
  it('writes its sections after the user’s, which keep their bytes; backs up the old file; lists what it wrote', async () => {
    const { dir, config } = awsDir();
    writeFileSync(config, USER_CONFIG);
    const r = await writeConfigProfiles(config, [{ name: 'dev', credentialProcess: true, region: 'us-east-1' }], HELPER);
    expect(r).toEqual({ configFile: config, written: ['dev'], skipped: [], changed: true, backupFile: `${config}${BACKUP_SUFFIX}` });
    expect(readFileSync(config, 'utf8')).toBe(`${USER_CONFIG}\r\n\r\n[profile dev]\r\n${line('dev')}\r\nregion = us-east-1\r\n`);
    expect(readFileSync(`${config}${BACKUP_SUFFIX}`, 'utf8')).toBe(USER_CONFIG);
    expect(JSON.parse(readFileSync(join(dir, CONFIG_STATE_FILE_NAME), 'utf8'))).toEqual({ version: 1, profiles: ['dev'] });
    // Its own list: the credentials store's list in the same folder is not touched.
    expect(existsSync(join(dir, STATE_FILE_NAME))).toBe(false);
  });

  it('leaves a profile the user defines alone (skipped), in any spelling botocore reads, and writes the rest', async () => {
    const { config } = awsDir();
    writeFileSync(config, USER_CONFIG + '\n[profile "dev"]\noutput = json\n');
    const before = sha(config);
    const r = await writeConfigProfiles(
      config,
      ['default', 'mine', 'dev'].map((name) => ({ name, credentialProcess: true as const })),
      HELPER,
    );
    expect(r).toMatchObject({ written: [], skipped: ['default', 'mine', 'dev'], changed: false, backupFile: null });
    expect(sha(config)).toBe(before);
  });

  it('removes only its own sections; a profile it did not write is skipped', async () => {
    const { config } = awsDir();
    writeFileSync(config, USER_CONFIG);
    await writeConfigProfiles(config, [{ name: 'dev', chain: { roleArn: 'arn:aws:iam::777777777777:role/Audit', sourceProfile: 'base' } }], HELPER);
    expect(await removeConfigProfiles(config, ['dev', 'mine'])).toEqual({ configFile: config, removed: ['dev'], skipped: ['mine'] });
    // The separator line the write added goes with the last section it wrote; what stays is the user's text, with the
    // line end the write had to give its unterminated last line.
    expect(readFileSync(config, 'utf8')).toBe(`${USER_CONFIG}\r\n`);
  });

  it('waits for the lock and gives up with LOCKED, writing nothing, while another writer holds it', async () => {
    const { config } = awsDir();
    writeFileSync(config, USER_CONFIG);
    const held = await acquireLock(config, { staleMs: 60_000, updateMs: 1000, deadline: performance.now() + 1000 });
    try {
      await expect(
        writeConfigProfiles(config, [{ name: 'dev', credentialProcess: true }], HELPER, { deadline: performance.now() + 300 }),
      ).rejects.toMatchObject({
        code: 'LOCKED',
      });
      expect(readFileSync(config, 'utf8')).toBe(USER_CONFIG);
    } finally {
      await held.release();
    }
  });

  it('refuses to write a credential_process that is not an absolute path, before touching the file', async () => {
    const { config } = awsDir();
    await expect(writeConfigProfiles(config, [{ name: 'dev', credentialProcess: true }], { ...HELPER, helperPath: '~/x.mjs' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    expect(existsSync(config)).toBe(false);
  });

  it.each([
    [{}, '/home/ana/.aws/config'],
    [{ AWS_CONFIG_FILE: '$HOME/cfg/aws' }, '/home/ana/cfg/aws'],
    [{ AWS_CONFIG_FILE: '~/elsewhere' }, '/home/ana/elsewhere'],
  ])('config path for %j is %s', (env, path) => {
    expect(configFilePath({ HOME: '/home/ana', ...env }, '/home/ana')).toBe(path);
  });
});

describe('the host process: write-config', () => {
  it('writes credential_process with the absolute Node and the helper next to the host, to AWS_CONFIG_FILE', async () => {
    const home = tempDir('host-config-home-');
    const config = join(home, 'custom', 'aws-config');
    const run = await startHost(built.hostScript, {
      home,
      env: { AWS_CONFIG_FILE: config },
      input: [
        frame({ v: 1, id: 'c1', type: 'write-config', profiles: [{ name: 'dev', credentialProcess: true }] }),
        frame({ v: 1, id: 'c2', type: 'write-config', profiles: [{ name: 'x', credentialProcess: '/bin/sh -c evil' }] }),
      ],
    }).done;
    const ok = okBody(run.replies[0], true);
    expect(ok).toMatchObject({ type: 'write-config', configFile: config, written: ['dev'], skipped: [] });
    const helper = join(built.hostScript, '..', 'aws-saml-bridge.mjs');
    expect(readFileSync(config, 'utf8')).toBe(`[profile dev]\ncredential_process = ${process.execPath} ${helper} credential-process --profile dev\n`);
    // The command never comes from the message.
    expect(run.replies[1]).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });
});

describe('aws-saml-bridge configure-profiles', () => {
  function sandbox() {
    const home = tempDir('cli-home-');
    const out: string[] = [];
    const err: string[] = [];
    const io: CliEnvironment = {
      env: { HOME: home },
      home,
      platform: 'linux',
      nodePath: '/usr/bin/node',
      hostScript: { content: '' },
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      registry: () => Promise.resolve(),
    };
    const installed = join(home, '.local', 'share', 'aws-saml-bridge', 'aws-saml-bridge.mjs');
    return { home, io, out, err, installed, aws: join(home, '.aws') };
  }

  it('moves the saved profiles to credential_process: config sections in, their keys out, the user’s own sections untouched', async () => {
    const s = sandbox();
    mkdirSync(join(s.installed, '..'), { recursive: true });
    writeFileSync(s.installed, '// the installed helper\n');
    mkdirSync(s.aws, { mode: 0o700 });
    const mine = '[long-term]\naws_access_key_id = AKIAUSER\naws_secret_access_key = mine\n';
    writeFileSync(join(s.aws, 'credentials'), mine + '\n' + renderCredentialsFile([{ name: 'dev', credentials: creds('D') }]));
    writeFileSync(join(s.aws, STATE_FILE_NAME), JSON.stringify({ version: 1, profiles: ['dev'] }));
    writeFileSync(join(s.aws, 'config'), USER_CONFIG);

    expect(await runCli(['configure-profiles'], s.io)).toBe(0);
    expect(s.out.join('')).toBe(`dev: credential_process in ${join(s.aws, 'config')}; its keys removed from ${join(s.aws, 'credentials')}\n`);
    expect(readFileSync(join(s.aws, 'config'), 'utf8')).toBe(
      `${USER_CONFIG}\r\n\r\n[profile dev]\r\ncredential_process = /usr/bin/node ${s.installed} credential-process --profile dev\r\n`,
    );
    // The keys' section and the blank line before it are gone: the user's own section is all that is left.
    expect(readFileSync(join(s.aws, 'credentials'), 'utf8')).toBe(mine);

    s.out.length = 0;
    expect(await runCli(['configure-profiles', '--remove'], s.io)).toBe(0);
    expect(s.out.join('')).toMatch(/^dev: removed from .*config; save it from the extension again/);
    expect(readFileSync(join(s.aws, 'config'), 'utf8')).toBe(`${USER_CONFIG}\r\n`);
  });

  it('names a profile the user defines as skipped and exits 1; refuses to run before install-host', async () => {
    const s = sandbox();
    expect(await runCli(['configure-profiles', '--profile', 'mine'], s.io)).toBe(1);
    expect(s.err.join('')).toMatch(/not installed in .*aws-saml-bridge; run install-host first/);
    mkdirSync(join(s.installed, '..'), { recursive: true });
    writeFileSync(s.installed, '');
    mkdirSync(s.aws);
    writeFileSync(join(s.aws, 'config'), USER_CONFIG);
    expect(await runCli(['configure-profiles', '--profile', 'mine', '--profile', 'new'], s.io)).toBe(1);
    expect(s.out.join('')).toContain('mine: skipped');
    expect(parseCredentialsFile(readFileSync(join(s.aws, 'config'), 'utf8'))).toMatchObject({ ok: true });
    expect(readFileSync(join(s.aws, 'config'), 'utf8').startsWith(USER_CONFIG)).toBe(true);
    expect(await runCli(['configure-profiles', '--profile', 'a]b'], s.io)).toBe(2);
  });

  it.skipIf(!existsSync('/usr/bin/aws'))(
    'the real AWS CLI runs the written credential_process (helper path with a space) once the static keys are gone',
    async () => {
      const s = sandbox();
      s.io.env.XDG_DATA_HOME = join(s.home, 'my data');
      s.io.nodePath = process.execPath;
      const installed = join(s.home, 'my data', 'aws-saml-bridge', 'aws-saml-bridge.mjs');
      mkdirSync(join(installed, '..'), { recursive: true });
      // Stands in for the helper's credential-process command (another part of the helper): prints the JSON.
      const json = { Version: 1, AccessKeyId: 'ASIAPROCESSKEY7777', SecretAccessKey: 's', SessionToken: 't', Expiration: '2099-01-01T00:00:00Z' };
      writeFileSync(
        installed,
        `if (process.argv.slice(2).join(' ') === 'credential-process --profile dev') console.log(${JSON.stringify(JSON.stringify(json))});\n`,
      );
      mkdirSync(s.aws, { mode: 0o700 });
      writeFileSync(join(s.aws, 'credentials'), renderCredentialsFile([{ name: 'dev', credentials: { ...creds('D'), accessKeyId: 'ASIASTATICKEY1111' } }]));
      writeFileSync(join(s.aws, STATE_FILE_NAME), JSON.stringify({ version: 1, profiles: ['dev'] }));
      const aws = () =>
        spawnSync('/usr/bin/aws', ['configure', 'list', '--profile', 'dev'], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH, HOME: s.home },
          timeout: 30_000,
        });
      expect(await runCli(['configure-profiles'], s.io)).toBe(0);
      const listed = aws();
      expect(listed.status, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/access_key\s+\*+7777\s+custom-process/);
    },
    60_000,
  );
});
