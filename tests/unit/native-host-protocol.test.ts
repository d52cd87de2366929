/**
 * The host's protocol edge: request fields that name `Object.prototype` members, values that make naive error
 * messages throw, and expirations that do not exist on the calendar. Pure checks first, then the built host.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRfc3339DateTime, parseRequest } from '@/lib/host-protocol';
import { creds, frame, hostEnv, sha, startHost, useBuiltHost, writeRequest } from '../support/host-process';

/** Every name `in` finds on a plain object without it being an own key. */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

const write = (expiration: string) => ({ v: 1, id: 'w1', type: 'write-profiles', profiles: [{ name: 'dev', credentials: { ...creds(), expiration } }] });
const codeOf = (value: unknown) => {
  const r = parseRequest(value);
  return r.ok ? 'ok' : r.reply.error.code;
};

describe('request types named like Object.prototype members', () => {
  it('covers the names that matter', () => {
    expect(PROTOTYPE_NAMES).toEqual(
      expect.arrayContaining(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'toLocaleString']),
    );
  });

  it.each(PROTOTYPE_NAMES)('type %j is an unknown type, named in the error', (type) => {
    const r = parseRequest({ v: 1, id: 'x1', type });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reply).toEqual({
      v: 1,
      id: 'x1',
      ok: false,
      error: {
        code: 'UNKNOWN_TYPE',
        message: `unknown request type ${JSON.stringify(type)}; this host knows ping, write-profiles, remove-profiles, list-profiles, make-file-private, agent-start, agent-sessions, agent-renew-result, write-config, remove-config`,
      },
    });
  });

  it.each<[string, unknown]>([
    ['an object whose own toString is not a function', { toString: 1 }],
    ['an object whose toString and valueOf are not functions', { toString: 1, valueOf: 2 }],
    ['an array', ['ping']],
    ['null', null],
  ])('type as %s is an unknown type, without throwing', (_title, type) => {
    expect(codeOf({ v: 1, id: 'x', type })).toBe('UNKNOWN_TYPE');
  });

  it('a version nested too deep to stringify is refused, without throwing', () => {
    const deep = JSON.parse(`{"v":${'['.repeat(100_000)}${']'.repeat(100_000)},"id":"d","type":"ping"}`) as unknown;
    const r = parseRequest(deep);
    expect(r.ok ? 'ok' : r.reply.error).toEqual({
      code: 'UNSUPPORTED_VERSION',
      message: 'protocol version of JSON type array is not supported; this host speaks version 1',
      data: { hostProtocol: 1 },
    });
  });

  it.each(PROTOTYPE_NAMES)('a profile or credentials field %j is refused as not in the protocol', (field) => {
    const profile = JSON.parse(`{"name":"dev","credentials":${JSON.stringify(creds())},${JSON.stringify(field)}:1}`) as unknown;
    expect(codeOf({ v: 1, id: 'f', type: 'write-profiles', profiles: [profile] })).toBe('INVALID_REQUEST');
  });
});

describe('expirations must exist', () => {
  it.each([
    '2030-11-22T11:00:00Z',
    '2030-11-22T11:00:00.123Z',
    '2030-11-22T11:00:00.123456789Z',
    '2030-11-22t11:00:00z',
    '2030-11-22T11:00:00+05:30',
    '2030-11-22T11:00:00-23:59',
    '2028-02-29T00:00:00Z',
    '2000-02-29T23:59:59Z',
    '2030-12-31T23:59:59Z',
    '2030-01-01T00:00:00Z',
  ])('%s is accepted', (expiration) => {
    expect(isRfc3339DateTime(expiration)).toBe(true);
    expect(codeOf(write(expiration))).toBe('ok');
  });

  it.each([
    ['2030-02-30T11:00:00Z', 'February 30th'],
    ['2029-02-29T11:00:00Z', 'February 29th of a common year'],
    ['2100-02-29T11:00:00Z', 'February 29th of a century that is not a leap year'],
    ['2030-04-31T11:00:00Z', 'April 31st'],
    ['2030-13-01T11:00:00Z', 'month 13'],
    ['2030-00-10T11:00:00Z', 'month 0'],
    ['2030-11-00T11:00:00Z', 'day 0'],
    ['2030-11-22T24:00:00Z', 'hour 24'],
    ['2030-11-22T24:00:61Z', 'hour 24, second 61'],
    ['2030-11-22T23:60:00Z', 'minute 60'],
    ['2030-11-22T23:59:60Z', 'a leap second (STS never sends one; JavaScript cannot represent it)'],
    ['2030-11-22T11:00:00+24:00', 'an offset of 24 hours'],
    ['2030-11-22T11:00:00+05:60', 'an offset of 60 minutes'],
    ['2030-11-22T11:00:00', 'no offset'],
    ['2030-11-22 11:00:00Z', 'a space for T'],
    ['2030-11-22T11:00Z', 'no seconds'],
    ['+02030-11-22T11:00:00Z', 'an expanded year'],
  ])('%s (%s) is refused', (expiration) => {
    expect(isRfc3339DateTime(expiration)).toBe(false);
    const r = parseRequest(write(expiration));
    expect(r.ok ? 'ok' : r.reply.error).toEqual({
      code: 'INVALID_REQUEST',
      message: 'profiles[0].credentials.expiration must be an RFC 3339 date-time that exists (e.g. 2030-11-22T11:00:00Z)',
    });
  });
});

// ── the built host ───────────────────────────────────────────────────────────────────────────────────────────

const built = useBuiltHost();

describe('host process: prototype names', () => {
  it.each(PROTOTYPE_NAMES)('type %j gets UNKNOWN_TYPE and the host serves the next frame', async (type) => {
    const home = built.tempDir('host-proto-');
    const run = await startHost(built.hostScript, { home, input: [frame({ v: 1, id: 'bad', type }), frame({ v: 1, id: 'next', type: 'ping' })] }).done;
    expect(run.replies).toMatchObject([
      { id: 'bad', ok: false, error: { code: 'UNKNOWN_TYPE', message: expect.stringContaining(`unknown request type ${JSON.stringify(type)}`) } },
      { id: 'next', ok: true, type: 'ping' },
    ]);
    expect(run.code).toBe(0);
  });

  it('a type object with its own toString gets UNKNOWN_TYPE and the host serves the next frame', async () => {
    const home = built.tempDir('host-proto-');
    const run = await startHost(built.hostScript, {
      home,
      input: [frame({ v: 1, id: 'obj', type: { toString: 1, valueOf: 1 } }), frame({ v: 1, id: 'next', type: 'ping' })],
    }).done;
    expect(run.replies).toMatchObject([
      { id: 'obj', ok: false, error: { code: 'UNKNOWN_TYPE' } },
      { id: 'next', ok: true },
    ]);
  });

  it('an impossible expiration is refused and the file left alone', async () => {
    const home = built.tempDir('host-proto-');
    mkdirSync(join(home, '.aws'));
    const file = join(home, '.aws', 'credentials');
    writeFileSync(file, '[default]\nregion = eu-west-1\n');
    const before = sha(file);
    const run = await startHost(built.hostScript, {
      home,
      input: [writeRequest('w', [{ name: 'dev', credentials: { ...creds(), expiration: '2030-02-30T11:00:00Z' } }])],
    }).done;
    expect(run.replies).toMatchObject([{ id: 'w', ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('expiration') } }]);
    expect(sha(file)).toBe(before);
    expect(readdirSync(join(home, '.aws'))).toEqual(['credentials']);
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('the CLI calls %j an unknown command', (command) => {
    const r = spawnSync(process.execPath, [built.cliScript, command, '--json'], { env: hostEnv(built.tempDir('cli-proto-')), encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`unknown command "${command}"`);
  });
});
