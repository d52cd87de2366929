/**
 * The host's wire format, pure: native-messaging frames (split, merged, oversized, undecodable), request validation
 * against the protocol, and the shape of error replies.
 */
import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8 } from '@/native-host/credentials-store';
import { decodeBody, encodeFrame, FrameDecoder, MAX_REPLY_BYTES, MAX_REQUEST_BYTES } from '@/native-host/framing';
import { encodeReply } from '@/native-host/handlers';
import { errorReply, MAX_PROFILES_PER_REQUEST, parseRequest, type HostReply } from '@/lib/host-protocol';
import { creds, SECRET } from '../support/host-process';

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
    ['a ping of another version (answered, so the caller learns the version of this host)', { v: 2, id: 'p', type: 'ping' }, 'ok'],
    ['another request of version 2', { v: 2, id: 'p', type: 'list-profiles' }, 'UNSUPPORTED_VERSION'],
    ['a ping of version 0', { v: 0, id: 'p', type: 'ping' }, 'UNSUPPORTED_VERSION'],
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

describe('errorReply', () => {
  it('has the protocol shape', () => {
    expect(errorReply('x', 'INTERNAL', 'm')).toEqual({ v: 1, id: 'x', ok: false, error: { code: 'INTERNAL', message: 'm' } });
  });
});
