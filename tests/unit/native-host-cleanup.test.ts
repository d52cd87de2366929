/**
 * The helper removes only what it wrote: sections whose credentials expired long ago (on a write, when asked),
 * and on `uninstall-host --remove-profiles` every section it wrote plus its state file and backup. The user's own
 * sections stay byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRequest } from '@/lib/host-protocol';
import { CONFIG_STATE_FILE_NAME, writeConfigProfiles } from '@/native-host/config-store';
import { BACKUP_SUFFIX, STATE_FILE_NAME, writeProfiles } from '@/native-host/credentials-store';
import { creds, hostEnv, useBuiltHost } from '../support/host-process';

const built = useBuiltHost();

/** A user's own file: comments, a long-term [default], an expired session of their own, CRLF-free but odd spacing. */
const USER_FILE = [
  '# my own credentials',
  '[default]',
  'aws_access_key_id = AKIAUSEROWNKEY000000',
  'aws_secret_access_key = user/secret/value',
  '',
  '[old-session]',
  'aws_access_key_id=ASIAUSEROLD000000000',
  'aws_secret_access_key=old',
  'aws_session_token=old',
  'x_security_token_expires = 2020-01-01T00:00:00Z',
  '',
].join('\n');

const at = (iso: string) => ({ ...creds(iso.slice(0, 4)), expiration: iso });
const NOW = Date.parse('2030-06-30T12:00:00Z');

function userHome(): { home: string; file: string } {
  const home = built.tempDir('cleanup-home-');
  mkdirSync(join(home, '.aws'), { mode: 0o700 });
  const file = join(home, '.aws', 'credentials');
  writeFileSync(file, USER_FILE, { mode: 0o600 });
  return { home, file };
}

describe('removing sections whose credentials expired long ago', () => {
  it('removes only its own sections expired more than N days ago; the user’s (even expired) stay byte for byte', async () => {
    const { file } = userHome();
    await writeProfiles(file, [
      { name: 'long-gone', credentials: at('2030-06-01T00:00:00Z') },
      { name: 'recent', credentials: at('2030-06-28T00:00:00Z') },
    ]);
    const reply = await writeProfiles(file, [{ name: 'fresh', credentials: at('2030-06-30T13:00:00Z') }], { removeExpiredAfterDays: 7, now: NOW });
    expect(reply.removedExpired).toEqual(['long-gone']);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(USER_FILE)).toBe(true);
    expect(text).not.toContain('[long-gone]');
    expect(text).toContain('[recent]');
    expect(text).toContain('[fresh]');
    const state = JSON.parse(readFileSync(join(file, '..', STATE_FILE_NAME), 'utf8')) as { profiles: string[] };
    expect(state.profiles).toEqual(['fresh', 'recent']);
  });

  it('keeps everything when the setting is off (the default), and never removes a section being written', async () => {
    const { file } = userHome();
    await writeProfiles(file, [{ name: 'long-gone', credentials: at('2030-01-01T00:00:00Z') }]);
    const off = await writeProfiles(file, [{ name: 'other', credentials: at('2030-01-01T00:00:00Z') }], { now: NOW });
    expect(off).not.toHaveProperty('removedExpired');
    expect(readFileSync(file, 'utf8')).toContain('[long-gone]');
    const rewritten = await writeProfiles(file, [{ name: 'long-gone', credentials: at('2030-01-02T00:00:00Z') }], { removeExpiredAfterDays: 1, now: NOW });
    expect(rewritten.removedExpired).toEqual(['other']);
    expect(readFileSync(file, 'utf8')).toContain('[long-gone]');
  });

  it.each([0, -1, 1.5, 3651, '7'])('the protocol refuses removeExpiredAfterDays = %j', (days) => {
    const r = parseRequest({ v: 1, id: 'w', type: 'write-profiles', profiles: [{ name: 'dev', credentials: creds() }], removeExpiredAfterDays: days });
    expect(r.ok ? 'ok' : r.reply.error.code).toBe('INVALID_REQUEST');
  });
});

describe('uninstall-host removes the helper’s own files (the built CLI)', () => {
  const cli = (home: string, args: string[]) => spawnSync(process.execPath, [built.cliScript, ...args], { env: hostEnv(home), encoding: 'utf8' });

  it('--remove-profiles: every section it wrote goes, each one reported; the file is the user’s original, byte for byte', async () => {
    const { home, file } = userHome();
    mkdirSync(join(home, '.config', 'chromium'), { recursive: true });
    expect(cli(home, ['install-host']).status).toBe(0);
    await writeProfiles(file, [
      { name: '111111111111-Admin', credentials: creds('a') },
      { name: 'contoso-prod-ReadOnly', credentials: creds('b') },
    ]);
    await writeProfiles(file, [{ name: '222222222222-Dev', credentials: creds('c') }]);
    expect(existsSync(`${file}${BACKUP_SUFFIX}`)).toBe(true);

    const run = cli(home, ['uninstall-host', '--remove-profiles']);
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(USER_FILE);
    expect(existsSync(join(home, '.aws', STATE_FILE_NAME))).toBe(false);
    expect(existsSync(`${file}${BACKUP_SUFFIX}`)).toBe(false);
    const removed = run.stdout.slice(0, run.stdout.indexOf('Already absent:'));
    for (const name of ['111111111111-Admin', '222222222222-Dev', 'contoso-prod-ReadOnly'])
      expect(removed).toContain(`  profile section [${name}] in ${file}\n`);
    expect(removed).toContain(`  state file     ${join(home, '.aws', STATE_FILE_NAME)}\n`);
    expect(removed).toContain(`  backup         ${file}${BACKUP_SUFFIX}\n`);
    expect(removed).not.toContain('[default]');
    expect(removed).not.toContain('[old-session]');
  });

  it('--remove-profiles also removes its ~/.aws/config sections (credential_process, CLI chaining), and the config list and backup', async () => {
    const { home } = userHome();
    const config = join(home, '.aws', 'config');
    const mine = '[default]\nregion = eu-central-1\n\n[profile personal]\noutput = json\n';
    writeFileSync(config, mine);
    const command = { nodePath: '/usr/bin/node', helperPath: '/opt/helper/aws-saml-bridge.mjs', platform: 'linux' as const };
    await writeConfigProfiles(config, [{ name: 'dev', credentialProcess: true }], command);
    await writeConfigProfiles(config, [{ name: 'audit', chain: { roleArn: 'arn:aws:iam::777777777777:role/OrgAuditor', sourceProfile: 'dev' } }], command);
    expect(readFileSync(config, 'utf8')).toContain('[profile audit]');

    const run = cli(home, ['uninstall-host', '--remove-profiles']);
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(config, 'utf8')).toBe(mine);
    expect(run.stdout).toContain(`  profile section [profile dev] in ${config}\n`);
    expect(run.stdout).toContain(`  profile section [profile audit] in ${config}\n`);
    expect(existsSync(join(home, '.aws', CONFIG_STATE_FILE_NAME))).toBe(false);
    expect(existsSync(`${config}${BACKUP_SUFFIX}`)).toBe(false);
  });

  it('without --remove-profiles the sections stay, the state file and backup go', async () => {
    const { home, file } = userHome();
    await writeProfiles(file, [{ name: 'dev', credentials: creds() }]);
    await writeProfiles(file, [{ name: 'dev', credentials: creds('z') }]);
    const before = readFileSync(file, 'utf8');
    const run = cli(home, ['uninstall-host']);
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(run.stdout).toContain(`  state file     ${join(home, '.aws', STATE_FILE_NAME)}\n`);
    expect(run.stdout).toContain(`  backup         ${file}${BACKUP_SUFFIX}\n`);
    expect(existsSync(join(home, '.aws', STATE_FILE_NAME))).toBe(false);
  });
});
