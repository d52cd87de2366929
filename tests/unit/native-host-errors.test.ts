/**
 * The host's refusals as structured errors: lib's `CredentialsFileError` detail becomes the protocol's code and
 * `data` (native-host/error-words.ts), the host words `message` from them, and what the built host sends is
 * exactly what the extension's check (`parseHostError`) accepts. The CLI and doctor word the same facts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialsFileError, mergeCredentialsFile, type CredentialsFileErrorDetail, type ProfileUpdate } from '@/lib/credentials-file';
import {
  HOST_LOCK_WAIT_MS,
  MAX_ERROR_ISSUES,
  MAX_ISSUE_MESSAGE_LENGTH,
  parseHostError,
  parseRequest,
  type HostError,
  type HostErrorDetail,
} from '@/lib/host-protocol';
import { boundedIssues, hostErrorMessage, mergeRefusal } from '@/native-host/error-words';
import { creds, frame, hostEnv, okBody, sha, startHost, useBuiltHost, writeRequest } from '../support/host-process';

const PATH = '/home/alice/.aws/credentials';
const update = (name: string, extra: Partial<ProfileUpdate> = {}): ProfileUpdate => ({ name, credentials: creds(), ...extra });

/** The detail of lib's refusal of this merge. */
function refusalOf(existing: string, updates: ProfileUpdate[], removals: string[] = []): CredentialsFileErrorDetail {
  try {
    mergeCredentialsFile(existing, updates, { removals });
  } catch (e) {
    if (e instanceof CredentialsFileError) return e.detail;
    throw e;
  }
  throw new Error('the merge was not refused');
}

describe('lib refusal → protocol error (mergeRefusal)', () => {
  it.each<[string, CredentialsFileErrorDetail, HostError]>([
    [
      'a damaged file: its problems, with the path',
      refusalOf('[dev]\nx = 1\n[dev]\ny = 2\n', [update('dev')]),
      {
        code: 'DAMAGED_FILE',
        data: {
          path: PATH,
          issues: [
            {
              line: 3,
              message: 'second [dev] section (the first is on line 1); the AWS CLI refuses a file with a section twice — merge the two or delete one',
            },
          ],
          more: 0,
        },
        message: `${PATH} cannot be read by the AWS CLI, so it was left as it is: line 3: second [dev] section (the first is on line 1); the AWS CLI refuses a file with a section twice — merge the two or delete one`,
      },
    ],
    [
      'an unsafe edit: the section that would change',
      refusalOf('[a]\nx = 1\n[old]\n  [prod]\n  z = 1\n', [], ['old']),
      {
        code: 'UNSAFE_EDIT',
        data: { path: PATH, section: 'a' },
        message: `this change would alter how [a] in ${PATH} reads, so nothing was written; check the indentation of the lines around it`,
      },
    ],
    [
      'an unsafe edit found by re-reading: no section',
      refusalOf('[DEFAULT]\ns3 =\n  words\n', [update('dev')]),
      {
        code: 'UNSAFE_EDIT',
        data: { path: PATH, section: null },
        message: `this change would alter how other parts of ${PATH} read, so nothing was written; check the indentation of the lines around it`,
      },
    ],
    [
      'an invalid profile name',
      refusalOf('', [update('dev.admin')]),
      {
        code: 'INVALID_PROFILE_NAME',
        data: { name: 'dev.admin' },
        message: '"dev.admin" is not a valid profile name (1–64 letters, digits, _ and -; not DEFAULT)',
      },
    ],
    [
      'DEFAULT (reserved): an invalid profile name to the protocol',
      refusalOf('', [update('DEFAULT')]),
      {
        code: 'INVALID_PROFILE_NAME',
        data: { name: 'DEFAULT' },
        message: '"DEFAULT" is not a valid profile name (1–64 letters, digits, _ and -; not DEFAULT)',
      },
    ],
    [
      'a value the file cannot hold: an invalid request, naming the field only',
      refusalOf('', [update('dev', { credentials: { ...creds(), sessionToken: 'FwoG SECRETMARKER' } })]),
      { code: 'INVALID_REQUEST', message: 'profile dev: the sessionToken cannot be written to a credentials file' },
    ],
    ['the same profile twice', refusalOf('', [update('dev')], ['dev']), { code: 'INVALID_REQUEST', message: 'profile dev appears twice in one request' }],
  ])('%s', (_title, detail, expected) => {
    const error = mergeRefusal(detail, PATH);
    expect(error).toEqual(expected);
    expect(parseHostError(JSON.parse(JSON.stringify(error)))).toEqual(expected);
    expect(JSON.stringify(error)).not.toContain('SECRETMARKER');
  });

  it('bounds a damaged file’s problems for the reply: at most MAX_ERROR_ISSUES, each message shortened, the rest counted', () => {
    const issues = Array.from({ length: MAX_ERROR_ISSUES + 3 }, (_, i) => ({ line: i + 1, message: i === 0 ? `in [${'x'.repeat(400)}]: …` : 'text' }));
    const bounded = boundedIssues(issues);
    expect(bounded.issues).toHaveLength(MAX_ERROR_ISSUES);
    expect(bounded.more).toBe(3);
    expect(bounded.issues[0]!.message).toHaveLength(MAX_ISSUE_MESSAGE_LENGTH);
    expect(bounded.issues[0]!.message.endsWith('…')).toBe(true);
    expect(parseHostError({ code: 'DAMAGED_FILE', message: 'm', data: { path: PATH, ...bounded } })).not.toBeNull();
  });
});

describe('the host’s words from code and data (hostErrorMessage)', () => {
  it.each<[HostErrorDetail, string]>([
    [
      { code: 'UNMANAGED_PROFILE', data: { path: PATH, profiles: ['default', 'personal'], backupFile: `${PATH}.aws-saml-bridge.bak` } },
      `${PATH} already has credentials in [default], [personal] that AWS SAML Bridge did not write, so nothing was written; a write with overwriteUnmanaged replaces them (the old file is kept as credentials.aws-saml-bridge.bak)`,
    ],
    [
      { code: 'LOCKED', data: { path: PATH, lock: `${PATH}.lock`, reason: 'held' } },
      `${PATH} is busy: another writer held ${PATH}.lock for over ${HOST_LOCK_WAIT_MS / 1000} s; try again in a moment (if no other writer is running, delete that folder)`,
    ],
    [
      { code: 'LOCKED', data: { path: PATH, lock: `${PATH}.lock`, reason: 'changing' } },
      `${PATH} kept changing while this host was writing it, so nothing was written; try again in a moment`,
    ],
    [{ code: 'DANGLING_SYMLINK', data: { path: PATH } }, `${PATH} is a symlink to a file that does not exist; create the target or remove the link`],
    [{ code: 'FILE_ERROR', data: { path: PATH, operation: 'write', errno: 'EACCES' } }, `could not write ${PATH}: EACCES (permission denied)`],
    [
      { code: 'FILE_ERROR', data: { path: '/home/alice/.aws', operation: 'create-folder', errno: 'ENOSPC' } },
      'could not create the folder /home/alice/.aws: ENOSPC (disk full)',
    ],
    [
      { code: 'FILE_ERROR', data: { path: PATH, operation: 'chmod', errno: 'EROFS' } },
      `could not change the permissions of ${PATH}: EROFS (read-only file system)`,
    ],
    [{ code: 'FILE_ERROR', data: { path: PATH, operation: 'write-backup', errno: null } }, `could not write the backup ${PATH}: unknown error`],
    [
      { code: 'DAMAGED_FILE', data: { path: PATH, issues: [{ line: 1, message: 'text before the first [section] header' }], more: 7 } },
      `${PATH} cannot be read by the AWS CLI, so it was left as it is: line 1: text before the first [section] header; and 7 more`,
    ],
  ])('%j', (detail, message) => {
    expect(hostErrorMessage(detail)).toBe(message);
  });

  it('a request naming an invalid profile is refused with the name as data', () => {
    const r = parseRequest({ v: 1, id: 'n', type: 'remove-profiles', names: ['dev', 'my profile'] });
    expect(r.ok ? r : r.reply.error).toEqual({
      code: 'INVALID_PROFILE_NAME',
      message: 'names[1] "my profile" is not a valid profile name (1–64 letters, digits, _ and -; not DEFAULT)',
      data: { name: 'my profile' },
    });
  });
});

// ── the built host ───────────────────────────────────────────────────────────────────────────────────────────

const built = useBuiltHost();

/** A HOME with `~/.aws/credentials` holding `content` (nothing when undefined). */
function homeWith(content?: string | Buffer): { home: string; file: string } {
  const home = built.tempDir('errors-home-');
  mkdirSync(join(home, '.aws'));
  const file = join(home, '.aws', 'credentials');
  if (content !== undefined) writeFileSync(file, content);
  return { home, file };
}
const run = (home: string, input: Buffer[]) => startHost(built.hostScript, { home, input }).done;

describe('host process: each refusal carries its data, and the extension’s check accepts it', () => {
  it('UNMANAGED_PROFILE names exactly the sections holding keys it did not write', async () => {
    const { home, file } = homeWith('[default]\naws_access_key_id = AKIALONGTERM\n\n[personal]\naws_access_key_id = AKIAMINE\n\n[tools]\nregion = eu-west-1\n');
    const before = sha(file);
    const r = await run(home, [writeRequest('w', [update('personal'), update('dev'), update('tools'), update('default')])]);
    const error = okBody(r.replies[0], false).error;
    expect(error).toEqual({
      code: 'UNMANAGED_PROFILE',
      message: expect.stringContaining('[personal], [default]'),
      data: { path: file, profiles: ['personal', 'default'], backupFile: `${file}.aws-saml-bridge.bak` },
    });
    expect(parseHostError(error)).toEqual(error);
    expect(sha(file)).toBe(before);
  });

  it.each<[string, string | Buffer, { line: number; message: string }[], number]>([
    ['a duplicate key', '[dev]\nregion = a\nregion = b\n', [{ line: 3, message: 'second "region" key in [dev] (the first is on line 2)' }], 0],
    [
      'bytes that are not UTF-8',
      Buffer.concat([Buffer.from('[dev]\nx = 1\ny = '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]),
      [{ line: 3, message: 'bytes that are not UTF-8 text' }],
      0,
    ],
    [
      '14 lines of text before any section',
      `${'x\n'.repeat(14)}[dev]\n`,
      Array.from({ length: MAX_ERROR_ISSUES }, (_, i) => ({ line: i + 1, message: 'text before the first [section] header' })),
      14 - MAX_ERROR_ISSUES,
    ],
  ])('DAMAGED_FILE (%s): the problems with their lines, bounded, for write and list alike', async (_title, content, issues, more) => {
    const { home, file } = homeWith(content);
    const r = await run(home, [writeRequest('w', [update('dev')]), frame({ v: 1, id: 'l', type: 'list-profiles' })]);
    for (const reply of r.replies) {
      const error = okBody(reply, false).error;
      expect(error).toEqual({ code: 'DAMAGED_FILE', message: expect.stringContaining(`line ${issues[0]!.line}: `), data: { path: file, issues, more } });
      expect(parseHostError(error)).toEqual(error);
    }
    expect(r.replies).toHaveLength(2);
  });

  it('UNSAFE_EDIT: a new section under a [DEFAULT] whose nested value botocore cannot parse', async () => {
    const { home, file } = homeWith('[DEFAULT]\ns3 =\n  words\n');
    const r = await run(home, [writeRequest('w', [update('dev')])]);
    const error = okBody(r.replies[0], false).error;
    expect(error).toEqual({ code: 'UNSAFE_EDIT', message: expect.any(String), data: { path: file, section: null } });
    expect(parseHostError(error)).toEqual(error);
  });

  it('DANGLING_SYMLINK names the link', async () => {
    const { home, file } = homeWith();
    symlinkSync('/nonexistent/credentials', file);
    const error = okBody((await run(home, [writeRequest('w', [update('dev')])])).replies[0], false).error;
    expect(error).toEqual({ code: 'DANGLING_SYMLINK', message: expect.any(String), data: { path: file } });
    expect(parseHostError(error)).toEqual(error);
  });

  it('FILE_ERROR says which operation on which path failed, and Node’s code', async () => {
    const { home, file } = homeWith();
    mkdirSync(file);
    const error = okBody((await run(home, [writeRequest('w', [update('dev')])])).replies[0], false).error;
    expect(error).toEqual({ code: 'FILE_ERROR', message: `could not read ${file}: EISDIR`, data: { path: file, operation: 'read', errno: 'EISDIR' } });
    expect(parseHostError(error)).toEqual(error);
  });

  it('INVALID_PROFILE_NAME carries the name', async () => {
    const { home } = homeWith();
    const error = okBody((await run(home, [writeRequest('w', [update('dev]x')])])).replies[0], false).error;
    expect(error).toMatchObject({ code: 'INVALID_PROFILE_NAME', data: { name: 'dev]x' } });
    expect(parseHostError(error)).toEqual(error);
  });
});

describe('the CLI words the same facts', () => {
  const cli = (home: string, args: string[]) => spawnSync(process.execPath, [built.cliScript, ...args], { env: hostEnv(home), encoding: 'utf8' });

  it('list on a damaged file: where and what, exit 1', () => {
    const { home, file } = homeWith('[dev]\nx = 1\n[dev]\n');
    const r = cli(home, ['list']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `aws-saml-bridge: ${file} cannot be read by the AWS CLI, so it was left as it is: line 3: second [dev] section (the first is on line 1); the AWS CLI refuses a file with a section twice — merge the two or delete one\n`,
    );
  });

  it('doctor on a damaged file: the first three problems and how many more', () => {
    const { home, file } = homeWith(`${'x\n'.repeat(5)}[dev]\n`);
    const r = cli(home, ['doctor']);
    expect(r.stdout).toContain(
      `problem: ${file} cannot be read by the AWS CLI: line 1: text before the first [section] header; line 2: text before the first [section] header; line 3: text before the first [section] header; and 2 more\n`,
    );
  });
});
