/**
 * The built host as a process, request by request: ping, write/list/remove, refusing sections it did not write,
 * broken and oversized frames, damaged files, and callers it must refuse.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCredentialsFile, renderCredentialsFile } from '@/lib/credentials-file';
import { GECKO_ID } from '@/lib/extension-ids';
import { MAX_REQUEST_BYTES } from '@/native-host/framing';
import { creds, frame, lengthOnly, okBody, sha, startHost as start, useBuiltHost, writeRequest, type HostOptions } from '../support/host-process';

const built = useBuiltHost();
const tempDir = built.tempDir;
const startHost = (options: HostOptions) => start(built.hostScript, options);
const runHost = (options: HostOptions) => startHost(options).done;

describe('host process: requests and framing', () => {
  it('answers ping with its version, the credentials file, its mode and the platform', async () => {
    const home = tempDir('host-home-');
    mkdirSync(join(home, '.aws'), { mode: 0o700 });
    writeFileSync(join(home, '.aws', 'credentials'), '[default]\nregion = eu-west-1\n', { mode: 0o640 });
    chmodSync(join(home, '.aws', 'credentials'), 0o640);
    const run = await runHost({ home, input: [frame({ v: 1, id: 'p1', type: 'ping' })] });
    expect(run.code).toBe(0);
    expect(run.leftover).toBe(0);
    expect(run.replies).toEqual([
      {
        v: 1,
        id: 'p1',
        ok: true,
        type: 'ping',
        hostVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
        protocol: 1,
        platform: process.platform,
        credentialsFile: { path: join(home, '.aws', 'credentials'), exists: true, mode: '0640', target: null },
      },
    ]);
  });

  it('writes profiles, lists them without secrets, removes only its own', async () => {
    const home = tempDir('host-home-');
    const file = join(home, '.aws', 'credentials');
    mkdirSync(join(home, '.aws'));
    writeFileSync(file, '# mine\n[personal]\naws_access_key_id = AKIAMINE\naws_secret_access_key = mine\n');
    const run = await runHost({
      home,
      input: [
        writeRequest('w', [
          { name: 'dev', credentials: creds('d') },
          { name: 'prod', credentials: creds('p'), region: 'eu-west-1' },
        ]),
        frame({ v: 1, id: 'l', type: 'list-profiles' }),
        frame({ v: 1, id: 'r', type: 'remove-profiles', names: ['dev', 'personal'] }),
      ],
    });
    const [w, l, r] = run.replies;
    expect(okBody(w, true)).toMatchObject({ type: 'write-profiles', written: ['dev', 'prod'], changed: true, backupFile: `${file}.aws-saml-bridge.bak` });
    expect(okBody(l, true)).toMatchObject({
      type: 'list-profiles',
      profiles: [
        { name: 'personal', managed: false, hasCredentials: true, expiration: null, region: null },
        { name: 'dev', managed: true, hasCredentials: true, expiration: '2030-11-22T11:00:00+00:00', region: null },
        { name: 'prod', managed: true, hasCredentials: true, expiration: '2030-11-22T11:00:00+00:00', region: 'eu-west-1' },
      ],
    });
    expect(JSON.stringify(l)).not.toContain('SECRETMARKER');
    expect(okBody(r, true)).toMatchObject({ removed: ['dev'], skipped: ['personal'] });
    expect(readFileSync(file, 'utf8')).toBe(
      `# mine\n[personal]\naws_access_key_id = AKIAMINE\naws_secret_access_key = mine\n\n${renderCredentialsFile([{ name: 'prod', credentials: creds('p'), region: 'eu-west-1' }])}`,
    );
    expect(JSON.parse(readFileSync(join(home, '.aws', '.aws-saml-bridge-managed.json'), 'utf8'))).toEqual({ version: 1, profiles: ['prod'] });
    expect(run.stderr).not.toContain('SECRETMARKER');
  });

  it('refuses to overwrite credentials it did not write unless told to', async () => {
    const home = tempDir('host-home-');
    const file = join(home, '.aws', 'credentials');
    mkdirSync(join(home, '.aws'));
    writeFileSync(file, '[default]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = x\n');
    const before = sha(file);
    const run = await runHost({
      home,
      input: [
        writeRequest('a', [{ name: 'default', credentials: creds() }]),
        writeRequest('b', [{ name: 'default', credentials: creds() }], { overwriteUnmanaged: true }),
      ],
    });
    expect(okBody(run.replies[0], false).error).toMatchObject({ code: 'UNMANAGED_PROFILE', message: expect.stringContaining('[default]') });
    expect(okBody(run.replies[1], true).written).toEqual(['default']);
    expect(sha(`${file}.aws-saml-bridge.bak`)).toBe(before);
    expect(parseCredentialsFile(readFileSync(file, 'utf8'))).toMatchObject({ ok: true });
  });

  it.each<[string, (Buffer | number)[], { replies: unknown[]; code: number }]>([
    [
      'a frame split across many writes',
      [...[...frame({ v: 1, id: 's', type: 'ping' })].map((b) => Buffer.from([b])).flatMap((b) => [b, 2])],
      { replies: [{ id: 's', ok: true }], code: 0 },
    ],
    [
      'a zero-length frame, then a ping',
      [lengthOnly(0), frame({ v: 1, id: 'z', type: 'ping' })],
      {
        replies: [
          { id: null, ok: false, error: { code: 'INVALID_JSON' } },
          { id: 'z', ok: true },
        ],
        code: 0,
      },
    ],
    [
      'invalid UTF-8, then a ping',
      [lengthOnly(3), Buffer.from([0x7b, 0xff, 0x7d]), frame({ v: 1, id: 'u', type: 'ping' })],
      {
        replies: [
          { ok: false, error: { code: 'INVALID_UTF8' } },
          { id: 'u', ok: true },
        ],
        code: 0,
      },
    ],
    [
      'invalid JSON, then a ping',
      [lengthOnly(5), Buffer.from('{"v":'), frame({ v: 1, id: 'j', type: 'ping' })],
      {
        replies: [
          { ok: false, error: { code: 'INVALID_JSON' } },
          { id: 'j', ok: true },
        ],
        code: 0,
      },
    ],
    [
      'an unknown request type',
      [frame({ v: 1, id: 't', type: 'format-disk' })],
      { replies: [{ id: 't', ok: false, error: { code: 'UNKNOWN_TYPE' } }], code: 0 },
    ],
    ['a length larger than the data, then EOF', [lengthOnly(1000), Buffer.from('{"v":1')], { replies: [], code: 0 }],
    ['EOF inside the length', [Buffer.from([5, 0])], { replies: [], code: 0 }],
    [
      'a length over 8 MiB',
      [lengthOnly(MAX_REQUEST_BYTES + 1), Buffer.alloc(1000)],
      { replies: [{ id: null, ok: false, error: { code: 'REQUEST_TOO_LARGE' } }], code: 1 },
    ],
    ['a length of 64 MiB', [lengthOnly(64 * 1024 * 1024)], { replies: [{ ok: false, error: { code: 'REQUEST_TOO_LARGE' } }], code: 1 }],
  ])('%s', async (_title, input, expected) => {
    const home = tempDir('host-home-');
    mkdirSync(join(home, '.aws'));
    const file = join(home, '.aws', 'credentials');
    writeFileSync(file, '[default]\nregion = eu-west-1\n');
    const before = sha(file);
    const run = await runHost({ home, input, keepOpen: expected.code === 1 });
    expect(run.replies).toMatchObject(expected.replies);
    expect(run.replies).toHaveLength(expected.replies.length);
    expect(run.code).toBe(expected.code);
    expect(run.leftover).toBe(0);
    expect(sha(file)).toBe(before);
    expect(readdirSync(join(home, '.aws'))).toEqual(['credentials']);
  });

  it('answers a reply that would exceed 1 MB with REPLY_TOO_LARGE', async () => {
    const home = tempDir('host-home-');
    mkdirSync(join(home, '.aws'));
    const names = Array.from({ length: 9000 }, (_, i) => `p${String(i).padStart(5, '0')}${'x'.repeat(58)}`);
    writeFileSync(join(home, '.aws', 'credentials'), names.map((n) => `[${n}]\nregion = eu-west-1\n`).join(''));
    const run = await runHost({ home, input: [frame({ v: 1, id: 'big', type: 'list-profiles' }), frame({ v: 1, id: 'after', type: 'ping' })] });
    expect(run.replies).toMatchObject([
      { id: 'big', ok: false, error: { code: 'REPLY_TOO_LARGE' } },
      { id: 'after', ok: true },
    ]);
  });

  it.each([
    ['a duplicate section', '[dev]\nx = 1\n\n[prod]\ny = 2\n[dev]\nz = 3\n', /line 6: second \[dev\] section \(the first is on line 1\)/],
    [
      'bytes that are not UTF-8',
      Buffer.concat([Buffer.from('[dev]\nx = '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]),
      /line 2: bytes that are not UTF-8 text/,
    ],
    ['a byte-order mark', '\ufeff[dev]\nx = 1\n', /byte-order mark/],
  ])('refuses a damaged file (%s) with where and what, leaving it untouched', async (_title, content, message) => {
    const home = tempDir('host-home-');
    mkdirSync(join(home, '.aws'));
    const file = join(home, '.aws', 'credentials');
    writeFileSync(file, content);
    const before = sha(file);
    const run = await runHost({ home, input: [writeRequest('w', [{ name: 'dev', credentials: creds() }]), frame({ v: 1, id: 'l', type: 'list-profiles' })] });
    expect(okBody(run.replies[0], false).error).toMatchObject({ code: 'DAMAGED_FILE', message: expect.stringMatching(message) });
    expect(okBody(run.replies[1], false).error.code).toBe('DAMAGED_FILE');
    expect(sha(file)).toBe(before);
    expect(existsSync(`${file}.aws-saml-bridge.bak`)).toBe(false);
  });

  it.each([
    ['another extension', [`chrome-extension://${'a'.repeat(32)}/`]],
    ['another Firefox add-on', ['/x/manifest.json', 'evil@example.com']],
    ['no caller at all', []],
    ['a malformed origin', ['https://evil.example/']],
  ])('refuses %s with one error frame and exit code 1', async (_title, args) => {
    const home = tempDir('host-home-');
    const run = await runHost({ home, args, input: [writeRequest('w', [{ name: 'dev', credentials: creds() }])] });
    expect(run.code).toBe(1);
    expect(run.replies).toMatchObject([{ id: null, ok: false, error: { code: 'FORBIDDEN_CALLER' } }]);
    expect(existsSync(join(home, '.aws'))).toBe(false);
  });

  it('accepts Firefox (manifest path, then the add-on id)', async () => {
    const home = tempDir('host-home-');
    const run = await runHost({ home, args: [join(home, 'x.json'), GECKO_ID], input: [frame({ v: 1, id: 'f', type: 'ping' })] });
    expect(run.replies).toMatchObject([{ id: 'f', ok: true }]);
  });
});
