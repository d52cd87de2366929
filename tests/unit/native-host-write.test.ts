/**
 * Where and how the host writes the credentials file: the path (AWS_SHARED_CREDENTIALS_FILE), modes and backup,
 * symlinks, 20 concurrent writers, writers killed mid-write, and the AWS CLI reading the result.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeCredentialsFile, parseCredentialsFile, renderCredentialsFile } from '@/lib/credentials-file';
import { credentialsFilePath, LOCK_STALE_MS } from '@/native-host/credentials-store';
import { creds, frame, hostEnv, modeOf, okBody, startHost as start, useBuiltHost, waitFor, writeRequest, type HostOptions } from '../support/host-process';

describe('credentials file path', () => {
  it.each<[Record<string, string>, string]>([
    [{}, '/home/u/.aws/credentials'],
    [{ AWS_SHARED_CREDENTIALS_FILE: '~/work/creds' }, '/home/u/work/creds'],
    [{ AWS_SHARED_CREDENTIALS_FILE: '$HOME/x/${PROFILE_DIR}/creds', PROFILE_DIR: 'p', HOME: '/h' }, '/h/x/p/creds'],
    [{ AWS_SHARED_CREDENTIALS_FILE: '/abs/creds' }, '/abs/creds'],
    [{ AWS_SHARED_CREDENTIALS_FILE: '' }, '/home/u/.aws/credentials'],
  ])('%j → %s', (env, expected) => {
    expect(credentialsFilePath(env, '/home/u')).toBe(expected);
  });
});

const built = useBuiltHost();
const tempDir = built.tempDir;
const startHost = (options: HostOptions) => start(built.hostScript, options);
const runHost = (options: HostOptions) => startHost(options).done;

describe('host process: the file on disk', () => {
  it('creates a missing ~/.aws as 0700 and the file as 0600, with no backup', async () => {
    const home = tempDir('host-home-');
    const run = await runHost({ home, input: [writeRequest('w', [{ name: 'dev', credentials: creds() }])] });
    expect(okBody(run.replies[0], true).backupFile).toBeNull();
    expect(modeOf(join(home, '.aws'))).toBe(0o700);
    expect(modeOf(join(home, '.aws', 'credentials'))).toBe(0o600);
    expect(modeOf(join(home, '.aws', '.aws-saml-bridge-managed.json'))).toBe(0o600);
    expect(readFileSync(join(home, '.aws', 'credentials'), 'utf8')).toBe(renderCredentialsFile([{ name: 'dev', credentials: creds() }]));
  });

  it('keeps the mode of an existing file and one backup (0600) of the previous content', async () => {
    const home = tempDir('host-home-');
    const file = join(home, '.aws', 'credentials');
    mkdirSync(join(home, '.aws'));
    writeFileSync(file, '[default]\nregion = eu-west-1\n');
    chmodSync(file, 0o640);
    await runHost({ home, input: [writeRequest('1', [{ name: 'dev', credentials: creds('one') }])] });
    const afterFirst = readFileSync(file, 'utf8');
    await runHost({ home, input: [writeRequest('2', [{ name: 'dev', credentials: creds('two') }])] });
    expect(modeOf(file)).toBe(0o640);
    expect(readFileSync(`${file}.aws-saml-bridge.bak`, 'utf8')).toBe(afterFirst);
    expect(modeOf(`${file}.aws-saml-bridge.bak`)).toBe(0o600);
    expect(readdirSync(join(home, '.aws')).sort()).toEqual(['.aws-saml-bridge-managed.json', 'credentials', 'credentials.aws-saml-bridge.bak']);
  });

  it('a 0600 file: the backup is the previous content (0600), untouched by the write and by the next one', async () => {
    const home = tempDir('host-home-');
    const file = join(home, '.aws', 'credentials');
    mkdirSync(join(home, '.aws'), { mode: 0o700 });
    writeFileSync(file, '[default]\nregion = eu-west-1\n', { mode: 0o600 });
    await runHost({ home, input: [writeRequest('1', [{ name: 'dev', credentials: creds('one') }])] });
    expect(readFileSync(`${file}.aws-saml-bridge.bak`, 'utf8')).toBe('[default]\nregion = eu-west-1\n');
    const afterFirst = readFileSync(file, 'utf8');
    await runHost({ home, input: [writeRequest('2', [{ name: 'dev', credentials: creds('two') }])] });
    expect(readFileSync(`${file}.aws-saml-bridge.bak`, 'utf8')).toBe(afterFirst);
    expect(modeOf(`${file}.aws-saml-bridge.bak`)).toBe(0o600);
    expect(modeOf(file)).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toBe(afterFirst);
  });

  it('follows AWS_SHARED_CREDENTIALS_FILE (with ~) and a symlink: the link stays, its target is written', async () => {
    const home = tempDir('host-home-');
    mkdirSync(join(home, 'dotfiles'));
    mkdirSync(join(home, 'links'));
    writeFileSync(join(home, 'dotfiles', 'aws-credentials'), '# kept\n[default]\nregion = eu-west-1\n');
    symlinkSync('../dotfiles/aws-credentials', join(home, 'links', 'creds'));
    const run = await runHost({
      home,
      env: { AWS_SHARED_CREDENTIALS_FILE: '~/links/creds' },
      input: [frame({ v: 1, id: 'p', type: 'ping' }), writeRequest('w', [{ name: 'dev', credentials: creds() }])],
    });
    expect(okBody(run.replies[0], true)).toMatchObject({
      credentialsFile: { path: join(home, 'links', 'creds'), exists: true, target: join(home, 'dotfiles', 'aws-credentials') },
    });
    okBody(run.replies[1], true);
    expect(lstatSync(join(home, 'links', 'creds')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(home, 'links', 'creds'))).toBe('../dotfiles/aws-credentials');
    expect(readFileSync(join(home, 'dotfiles', 'aws-credentials'), 'utf8')).toMatch(/^# kept\n\[default\]\nregion = eu-west-1\n\n\[dev\]\n/);
    expect(existsSync(join(home, 'dotfiles', 'aws-credentials.aws-saml-bridge.bak'))).toBe(true);
    expect(readdirSync(join(home, 'links'))).toEqual(['creds']);
  });

  it('refuses a symlink to nothing', async () => {
    const home = tempDir('host-home-');
    mkdirSync(join(home, '.aws'));
    symlinkSync('/nonexistent/credentials', join(home, '.aws', 'credentials'));
    const run = await runHost({ home, input: [writeRequest('w', [{ name: 'dev', credentials: creds() }])] });
    expect(okBody(run.replies[0], false).error.code).toBe('DANGLING_SYMLINK');
  });

  it('20 hosts writing at once: all 20 profiles, each once', async () => {
    const home = tempDir('host-home-');
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), '# shared\n[default]\nregion = eu-west-1\n');
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => runHost({ home, input: [writeRequest(`w${i}`, [{ name: `p${i}`, credentials: creds(`c${i}`) }])] })),
    );
    for (const run of runs) okBody(run.replies[0], true);
    const text = readFileSync(join(home, '.aws', 'credentials'), 'utf8');
    const parsed = parseCredentialsFile(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect([...parsed.sections.keys()].sort()).toEqual(['default', ...Array.from({ length: 20 }, (_, i) => `p${i}`)].sort());
    for (let i = 0; i < 20; i++) expect(parsed.sections.get(`p${i}`)?.get('aws_access_key_id')).toBe(creds(`c${i}`).accessKeyId);
    expect(text.match(/^\[p\d+\]$/gm)).toHaveLength(20);
    expect(text.startsWith('# shared\n[default]\nregion = eu-west-1\n\n')).toBe(true);
    expect(JSON.parse(readFileSync(join(home, '.aws', '.aws-saml-bridge-managed.json'), 'utf8')).profiles).toHaveLength(20);
  }, 60_000);

  it('a writer killed at random moments leaves the old or the new file, never a mix, and its lock never blocks for good', async () => {
    const home = tempDir('host-home-');
    const file = join(home, '.aws', 'credentials');
    mkdirSync(join(home, '.aws'));
    // A 2,000-profile file (about 3 MB with real-sized tokens), so a write takes long enough to be interrupted.
    writeFileSync(
      file,
      renderCredentialsFile(
        Array.from({ length: 2000 }, (_, i) => ({ name: `bulk-${i}`, credentials: { ...creds(`b${i}`), sessionToken: `FwoG${'x'.repeat(700)}${i}` } })),
      ),
    );
    writeFileSync(
      join(home, '.aws', '.aws-saml-bridge-managed.json'),
      JSON.stringify({ version: 1, profiles: Array.from({ length: 2000 }, (_, i) => `bulk-${i}`) }),
    );
    // A writer's temporary files carry its pid and exist only while it holds the lock and writes.
    const writing = (pid: number | undefined) => readdirSync(join(home, '.aws')).some((n) => n.includes(`.${pid}.`) && n.endsWith('.aws-saml-bridge.tmp'));
    // How long the write phase lasts: from the first temporary file to the reply.
    let writePhase = 0;
    {
      const { child, done } = startHost({ home, input: [writeRequest('warm', [{ name: 'warm', credentials: creds('warm') }])] });
      const began = await waitFor(() => writing(child.pid) || child.exitCode !== null, 10_000);
      child.stdout!.once('data', () => (writePhase = performance.now() - began));
      okBody((await done).replies[0], true);
    }
    const outcomes = { early: 0, writing: 0, finished: 0 };
    for (let i = 0; i < 20; i++) {
      const old = readFileSync(file, 'utf8');
      const update = { name: `kill-${i}`, credentials: creds(`k${i}`) };
      const next = mergeCredentialsFile(old, [update]);
      const { child, done } = startHost({ home, input: [writeRequest(`k${i}`, [update])], keepOpen: true });
      // Every other writer is killed early (starting, reading, or waiting for a dead predecessor's lock); the
      // others at a random point of their write phase, after the previous writer's stale lock was taken over.
      let inWrite = false;
      if (i % 2 === 0) await new Promise((r) => setTimeout(r, Math.random() * 150));
      else {
        await waitFor(() => writing(child.pid) || child.exitCode !== null, 20_000);
        inWrite = child.exitCode === null;
        await new Promise((r) => setTimeout(r, Math.random() * writePhase * 1.1));
      }
      child.kill('SIGKILL');
      const run = await done;
      if (run.replies.length) outcomes.finished++;
      else if (inWrite) outcomes.writing++;
      else outcomes.early++;
      const now = readFileSync(file, 'utf8');
      expect(now === old || now === next, `iteration ${i}: the file is neither the old nor the new content`).toBe(true);
    }
    // The next writer gets through: a dead writer's lock is stale after LOCK_STALE_MS.
    const t1 = performance.now();
    const last = await runHost({ home, input: [writeRequest('last', [{ name: 'after-kills', credentials: creds('z') }])] });
    okBody(last.replies[0], true);
    expect(performance.now() - t1).toBeLessThan(LOCK_STALE_MS + 5000);
    const parsed = parseCredentialsFile(readFileSync(file, 'utf8'));
    expect(parsed.ok && parsed.sections.has('after-kills')).toBe(true);
    // Temporary files of killed writers are cleaned up by the next writer, under the lock.
    expect(readdirSync(join(home, '.aws')).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock'))).toEqual([]);
    expect(outcomes.writing).toBeGreaterThan(3);
    console.info(
      `kill test: write phase ≈ ${writePhase.toFixed(0)} ms; killed early ${outcomes.early}, while writing ${outcomes.writing}, after finishing ${outcomes.finished}`,
    );
  }, 240_000);
});

const hasAwsCli = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
describe.skipIf(!hasAwsCli)('the AWS CLI reads what the host wrote (aws found)', () => {
  it('aws configure get returns the values, next to the user’s own sections', async () => {
    const home = tempDir('host-home-');
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), '; mine\r\n[personal]\r\naws_access_key_id = AKIAMINE\r\noutput: json\r\n');
    const c = creds('cli');
    await runHost({ home, input: [writeRequest('w', [{ name: 'dev', credentials: c, region: 'eu-west-1' }])] });
    const get = (key: string, profile: string) =>
      spawnSync('aws', ['configure', 'get', key, '--profile', profile], {
        env: { ...hostEnv(home), AWS_CONFIG_FILE: join(home, 'nope') },
        encoding: 'utf8',
      }).stdout.trim();
    expect(get('aws_access_key_id', 'dev')).toBe(c.accessKeyId);
    expect(get('aws_session_token', 'dev')).toBe(c.sessionToken);
    expect(get('region', 'dev')).toBe('eu-west-1');
    expect(get('aws_access_key_id', 'personal')).toBe('AKIAMINE');
  }, 60_000);
});
