/**
 * The native-messaging host and its installer. Pure parts (framing, protocol, caller check, install plans for
 * every platform) are tested directly; the rest runs the shipped artifacts — built by scripts/build-host.mjs into
 * a temporary folder — as child processes, with HOME and AWS_SHARED_CREDENTIALS_FILE in temporary folders.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeCredentialsFile, parseCredentialsFile, renderCredentialsFile } from '@/lib/credentials-file';
import { CHROME_EXTENSION_ID, GECKO_ID } from '@/lib/extension-ids';
import { NATIVE_HOST_NAME, NATIVE_HOST_NAME_PATTERN } from '@/lib/native-host-name';
import { installDir, manifestDirs, registryKey, type PathContext } from '@/native-host/browsers';
import { credentialsFilePath, firstInvalidUtf8, LOCK_STALE_MS } from '@/native-host/credentials-store';
import { decodeBody, encodeFrame, FrameDecoder, MAX_REPLY_BYTES, MAX_REQUEST_BYTES } from '@/native-host/framing';
import { encodeReply } from '@/native-host/handlers';
import { defaultHostConfig, hostConfigWith, identifyCaller, isAllowedCaller } from '@/native-host/host-config';
import { planInstall, planUninstall } from '@/native-host/installer';
import { launcherScript } from '@/native-host/manifest';
import { errorReply, MAX_PROFILES_PER_REQUEST, parseRequest, type HostReply } from '@/lib/host-protocol';
import {
  creds,
  frame,
  hostEnv,
  lengthOnly,
  modeOf,
  okBody,
  ORIGIN,
  SECRET,
  sha,
  startHost as start,
  useBuiltHost,
  waitFor,
  writeRequest,
  type HostOptions,
} from '../support/host-process';

// ── pure parts ───────────────────────────────────────────────────────────────────────────────────────────────

describe('framing', () => {
  const json = (o: unknown) => encodeFrame(JSON.stringify(o));
  const bodies = (events: ReturnType<FrameDecoder['push']>) => events.map((e) => (e.kind === 'frame' ? e.body.toString() : `oversized:${e.length}`));

  it('reassembles frames split at every byte, including inside the length', () => {
    const d = new FrameDecoder();
    const bytes = Buffer.concat([json({ a: 1 }), json({ b: 'é' })]);
    const out = [...bytes].flatMap((b) => bodies(d.push(Buffer.from([b]))));
    expect(out).toEqual(['{"a":1}', '{"b":"é"}']);
    expect(d.pendingBytes).toBe(0);
  });

  it('returns several frames from one chunk, zero-length ones too', () => {
    const d = new FrameDecoder();
    expect(bodies(d.push(Buffer.concat([json(1), Buffer.from([0, 0, 0, 0]), json([2])])))).toEqual(['1', '', '[2]']);
  });

  it('keeps a partial frame pending (EOF mid-frame is then visible)', () => {
    const d = new FrameDecoder();
    expect(d.push(json({ long: 'x'.repeat(100) }).subarray(0, 50))).toEqual([]);
    expect(d.pendingBytes).toBe(50);
  });

  it('stops at a length over the limit', () => {
    const d = new FrameDecoder(100);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(101);
    expect(bodies(d.push(Buffer.concat([json(1), header, Buffer.alloc(10)])))).toEqual(['1', 'oversized:101']);
    expect(d.push(json(2))).toEqual([]);
    expect(MAX_REQUEST_BYTES).toBe(8 * 1024 * 1024);
  });

  it('decodes strictly: invalid UTF-8 and invalid JSON are told apart', () => {
    expect(decodeBody(Buffer.from([0x7b, 0xff, 0x7d]))).toEqual({ ok: false, reason: 'invalid-utf8' });
    expect(decodeBody(Buffer.from('{"a":'))).toEqual({ ok: false, reason: 'invalid-json' });
    expect(decodeBody(Buffer.from('\ufeff{}'))).toEqual({ ok: false, reason: 'invalid-json' });
    expect(decodeBody(Buffer.from('{"a":"é"}'))).toEqual({ ok: true, value: { a: 'é' } });
  });

  it('replaces a reply over 1 MB by an error for the same id', () => {
    const big: HostReply = { v: 1, id: 'r1', ok: true, type: 'list-profiles', credentialsFile: '/x', profiles: [] };
    const huge = { ...big, credentialsFile: 'x'.repeat(MAX_REPLY_BYTES) };
    const frame = encodeReply(huge);
    const reply = JSON.parse(frame.subarray(4).toString()) as HostReply;
    expect(reply).toMatchObject({ id: 'r1', ok: false, error: { code: 'REPLY_TOO_LARGE' } });
    expect(encodeReply(big).readUInt32LE(0)).toBe(encodeReply(big).length - 4);
  });

  it('finds the first byte that is not UTF-8', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo 日本 😀'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // a UTF-16 surrogate
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0x80]))).toBe(0); // overlong
  });
});

describe('protocol validation', () => {
  const write = (profiles: unknown, extra: Record<string, unknown> = {}) => ({ v: 1, id: 'w1', type: 'write-profiles', profiles, ...extra });
  const profile = (over: Record<string, unknown> = {}) => ({ name: 'dev', credentials: creds(), ...over });
  const code = (value: unknown) => {
    const r = parseRequest(value);
    return r.ok ? 'ok' : r.reply.error.code;
  };

  it.each<[string, unknown, string]>([
    ['ping', { v: 1, id: 'p', type: 'ping' }, 'ok'],
    ['list-profiles', { v: 1, id: 'p', type: 'list-profiles' }, 'ok'],
    ['remove-profiles', { v: 1, id: 'p', type: 'remove-profiles', names: ['dev', 'prod'] }, 'ok'],
    ['write-profiles with a region and overwriteUnmanaged', write([profile({ region: 'eu-west-1' })], { overwriteUnmanaged: true }), 'ok'],
    ['not an object', [1], 'INVALID_REQUEST'],
    ['no version', { id: 'p', type: 'ping' }, 'INVALID_REQUEST'],
    ['version 2', { v: 2, id: 'p', type: 'ping' }, 'UNSUPPORTED_VERSION'],
    ['version "1"', { v: '1', id: 'p', type: 'ping' }, 'UNSUPPORTED_VERSION'],
    ['no id', { v: 1, type: 'ping' }, 'INVALID_REQUEST'],
    ['an empty id', { v: 1, id: '', type: 'ping' }, 'INVALID_REQUEST'],
    ['a numeric id', { v: 1, id: 7, type: 'ping' }, 'INVALID_REQUEST'],
    ['an unknown type', { v: 1, id: 'p', type: 'format-disk' }, 'UNKNOWN_TYPE'],
    ['an unknown field', { v: 1, id: 'p', type: 'ping', force: true }, 'INVALID_REQUEST'],
    ['profiles not an array', write({}), 'INVALID_REQUEST'],
    ['no profiles', write([]), 'INVALID_REQUEST'],
    [
      `${MAX_PROFILES_PER_REQUEST + 1} profiles`,
      write(Array.from({ length: MAX_PROFILES_PER_REQUEST + 1 }, (_, i) => profile({ name: `p${i}` }))),
      'INVALID_REQUEST',
    ],
    ['a profile name with ]', write([profile({ name: 'a]b' })]), 'INVALID_PROFILE_NAME'],
    ['a profile name with =', write([profile({ name: 'a=b' })]), 'INVALID_PROFILE_NAME'],
    ['a profile name with a newline', write([profile({ name: 'a\n[default]' })]), 'INVALID_PROFILE_NAME'],
    ['a profile name with a space', write([profile({ name: 'a b' })]), 'INVALID_PROFILE_NAME'],
    ['an empty profile name', write([profile({ name: '' })]), 'INVALID_PROFILE_NAME'],
    ['a 65-character profile name', write([profile({ name: 'a'.repeat(65) })]), 'INVALID_PROFILE_NAME'],
    ['the profile name DEFAULT', write([profile({ name: 'DEFAULT' })]), 'INVALID_PROFILE_NAME'],
    ['a numeric profile name', write([profile({ name: 5 })]), 'INVALID_REQUEST'],
    ['the same profile twice', write([profile(), profile()]), 'INVALID_REQUEST'],
    ['credentials missing', write([{ name: 'dev' }]), 'INVALID_REQUEST'],
    ['a credentials field missing', write([profile({ credentials: { ...creds(), sessionToken: undefined } })]), 'INVALID_REQUEST'],
    ['a credentials field not a string', write([profile({ credentials: { ...creds(), accessKeyId: 42 } })]), 'INVALID_REQUEST'],
    ['a secret with a line break', write([profile({ credentials: { ...creds(), secretAccessKey: 'a\nb' } })]), 'INVALID_REQUEST'],
    ['an extra credentials field', write([profile({ credentials: { ...creds(), accountId: '1' } })]), 'INVALID_REQUEST'],
    ['an expiration that is not a date', write([profile({ credentials: { ...creds(), expiration: 'soon' } })]), 'INVALID_REQUEST'],
    ['an expiration that is not RFC 3339', write([profile({ credentials: { ...creds(), expiration: 'Sat, 22 Nov 2030 11:00:00 GMT' } })]), 'INVALID_REQUEST'],
    ['an impossible date', write([profile({ credentials: { ...creds(), expiration: '2030-13-45T11:00:00Z' } })]), 'INVALID_REQUEST'],
    ['a region with capitals', write([profile({ region: 'EU-WEST-1' })]), 'INVALID_REQUEST'],
    ['a region with a space', write([profile({ region: 'eu west' })]), 'INVALID_REQUEST'],
    ['overwriteUnmanaged not a boolean', write([profile()], { overwriteUnmanaged: 'yes' }), 'INVALID_REQUEST'],
    ['remove-profiles with a bad name', { v: 1, id: 'p', type: 'remove-profiles', names: ['ok', 'not ok'] }, 'INVALID_PROFILE_NAME'],
  ])('%s → %s', (_title, value, expected) => {
    expect(code(value)).toBe(expected);
  });

  it('echoes the id when it could read one, never a secret', () => {
    const r = parseRequest(write([profile({ credentials: { ...creds(), secretAccessKey: `${SECRET} with space` } })]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reply.id).toBe('w1');
    expect(r.reply.error.message).toBe('profiles[0].credentials.secretAccessKey must be 1–256 printable ASCII characters without spaces');
    expect(JSON.stringify(r.reply)).not.toContain('SECRETMARKER');
  });
});

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

describe('callers', () => {
  it.each<[string[], ReturnType<typeof identifyCaller>]>([
    [[ORIGIN], { browser: 'chromium', extensionId: CHROME_EXTENSION_ID }],
    [[ORIGIN, '--parent-window=1234'], { browser: 'chromium', extensionId: CHROME_EXTENSION_ID }],
    [['/home/u/.mozilla/native-messaging-hosts/x.json', GECKO_ID], { browser: 'firefox', extensionId: GECKO_ID }],
    [[`chrome-extension://${CHROME_EXTENSION_ID}`], { browser: 'unknown' }],
    [['chrome-extension://ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP/'], { browser: 'unknown' }],
    [[], { browser: 'unknown' }],
  ])('%j', (args, caller) => {
    expect(identifyCaller(args)).toEqual(caller);
  });

  it('allows the built-in ids and ids baked in at install time, nothing else', () => {
    const extra = 'abcdefghijklmnopabcdefghijklmnop';
    expect(isAllowedCaller({ browser: 'chromium', extensionId: CHROME_EXTENSION_ID }, defaultHostConfig())).toBe(true);
    expect(isAllowedCaller({ browser: 'firefox', extensionId: GECKO_ID }, defaultHostConfig())).toBe(true);
    expect(isAllowedCaller({ browser: 'chromium', extensionId: extra }, defaultHostConfig())).toBe(false);
    expect(isAllowedCaller({ browser: 'chromium', extensionId: extra }, hostConfigWith({ chromeExtensionIds: [extra] }))).toBe(true);
    expect(isAllowedCaller({ browser: 'firefox', extensionId: CHROME_EXTENSION_ID }, defaultHostConfig())).toBe(false);
    expect(isAllowedCaller({ browser: 'unknown' }, defaultHostConfig())).toBe(false);
  });

  it('uses a valid host name', () => {
    expect(NATIVE_HOST_NAME).toMatch(NATIVE_HOST_NAME_PATTERN);
    expect(NATIVE_HOST_NAME).toMatch(/^[a-z0-9_.]+$/);
  });
});

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
      hostScriptSource: 'x.mjs',
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

// ── the built host, as a process ─────────────────────────────────────────────────────────────────────────────

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

describe('errorReply', () => {
  it('has the protocol shape', () => {
    expect(errorReply('x', 'INTERNAL', 'm')).toEqual({ v: 1, id: 'x', ok: false, error: { code: 'INTERNAL', message: 'm' } });
  });
});
