/**
 * How the host writes a merge without copying the file (native-host/credentials-store.ts, atomic-write.ts): the
 * kept pieces are views of the bytes read, the atomic write takes pieces, and the pre-rename check compares the
 * file with what it expects a block at a time. And what that buys: the built host's peak memory on a 3 MB file.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { joinMergePieces, mergeCredentialsFile, mergeCredentialsFilePieces, renderCredentialsFile } from '@/lib/credentials-file';
import { writeFileAtomic } from '@/native-host/atomic-write';
import { holds, mergedBytes, readCurrent } from '@/native-host/credentials-store';
import { creds, okBody, startHost, useBuiltHost, writeRequest } from '../support/host-process';

const dir = mkdtempSync(join(tmpdir(), 'host-pieces-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fileWith = (content: string | Buffer) => {
  const path = join(dir, `f${n++}`);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
};
const concat = (chunks: readonly Uint8Array[]) => Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));

describe('mergedBytes: the merged file as pieces of the bytes read', () => {
  // Comments in other scripts, an emoji (4 bytes, a surrogate pair in the text) and CRLF: byte and text offsets differ.
  const profiles = Array.from({ length: 40 }, (_, i) => ({ name: `${String(210987654321 + i)}-ReadOnly`, credentials: creds(`K${i}`) }));
  it.each<[string, string]>([
    ['ASCII, LF', renderCredentialsFile(profiles)],
    [
      'comments in Greek, Japanese and an emoji, CRLF',
      `# Λογαριασμοί 本番環境 🔑\r\n${renderCredentialsFile(profiles).replaceAll('\n', '\r\n').replace('[2109876543', '; ünïcödé\r\n[2109876543')}`,
    ],
  ])('%s: the bytes are the merged text’s UTF-8, and the kept pieces are views, not copies', async (_title, text) => {
    const current = await readCurrent(fileWith(text));
    const pieces = mergeCredentialsFilePieces(current.text, [
      { name: profiles[20]!.name, credentials: creds('NEW') },
      { name: 'added', credentials: creds('ADD') },
    ]);
    const chunks = mergedBytes(current, pieces);
    expect(concat(chunks).equals(Buffer.from(joinMergePieces(current.text, pieces), 'utf8'))).toBe(true);
    pieces.forEach((p, i) => {
      if (p.text === undefined) expect(chunks[i]!.buffer).toBe(current.bytes.buffer);
    });
  });
});

describe('writeFileAtomic with pieces', () => {
  it('writes them in order, one after another, and checks the total length landed', async () => {
    const path = join(dir, 'atomic');
    const chunks = [Buffer.from('[a]\n'), Buffer.alloc(0), Buffer.from('x = 1\n'.repeat(50_000)), new Uint8Array(Buffer.from('[b]\ny = 2\n'))];
    await writeFileAtomic(path, chunks, { mode: 0o600 });
    expect(readFileSync(path).equals(concat(chunks))).toBe(true);
  });
});

describe('holds: the file is exactly the expected bytes, compared a block at a time', () => {
  // Over one 256 KB compare block, so pieces and blocks end in different places.
  const big = Buffer.from('y'.repeat(600_000));
  const split = [big.subarray(0, 1), big.subarray(1, 300_001), Buffer.alloc(0), big.subarray(300_001)];
  const changedAt = (i: number) => Buffer.concat([big.subarray(0, i), Buffer.from('z'), big.subarray(i + 1)]);
  it.each<[string, boolean, () => string, Uint8Array | Uint8Array[] | null]>([
    ['the same bytes, in one piece', true, () => fileWith(big), big],
    ['the same bytes, in pieces that cross blocks', true, () => fileWith(big), split],
    ['a byte changed in the last block', false, () => fileWith(changedAt(599_999)), split],
    ['a byte changed where two pieces meet', false, () => fileWith(changedAt(300_001)), split],
    ['one byte longer', false, () => fileWith(Buffer.concat([big, Buffer.from('\n')])), split],
    ['one byte shorter', false, () => fileWith(big.subarray(1)), split],
    ['an empty file and no bytes', true, () => fileWith(''), []],
    ['absent, and expected absent', true, () => join(dir, 'missing'), null],
    ['absent, but expected', false, () => join(dir, 'missing'), [Buffer.from('x')]],
    ['present, but expected absent', false, () => fileWith('x'), null],
  ])('%s → %s', async (_title, result, path, expected) => {
    expect(await holds(path(), expected)).toBe(result);
  });
});

const built = useBuiltHost();

describe.skipIf(process.platform !== 'linux')('the built host on a 2,000-profile file (3 MB, 700-character tokens)', () => {
  it('writes two profiles without holding the file many times over (peak resident memory under 75 MB; Node alone peaks at ~43 MB)', async () => {
    const home = built.tempDir('host-big-');
    mkdirSync(join(home, '.aws'), { mode: 0o700 });
    const file = join(home, '.aws', 'credentials');
    const token = (i: number) => ({ ...creds(`K${i}`), sessionToken: `FwoGZXIvYXdzE${'A'.repeat(700)}${i}` });
    const big = renderCredentialsFile(Array.from({ length: 2000 }, (_, i) => ({ name: `${String(100000000000 + i)}-Admin`, credentials: token(i) })));
    writeFileSync(file, big, { mode: 0o600 });
    const updates = [
      { name: '100000001000-Admin', credentials: token(5000) },
      { name: 'new-profile', credentials: token(5001), region: 'eu-west-1' },
    ];
    const { child, done } = startHost(built.hostScript, { home, input: [writeRequest('w', updates, { overwriteUnmanaged: true })], keepOpen: true });
    await new Promise((r) => child.stdout!.once('data', r));
    // VmHWM: the most the process ever held resident, read before it exits.
    const peakMb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024;
    child.stdin!.end();
    const run = await done;
    expect(okBody(run.replies[0], true).changed).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(mergeCredentialsFile(big, updates));
    // A guard against the old copies (86–91 MB), loose enough for another machine's baseline: the 60 MB target is
    // measured and printed by `npm run bench:credentials`, not asserted here.
    expect(peakMb).toBeLessThan(75);
  });
});
