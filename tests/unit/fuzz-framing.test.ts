/**
 * Fuzz proofs for the host's input path: the frame decoder (native-host/framing.ts) under any chunking, random
 * lengths, garbage and huge length prefixes; strict body decoding (invalid UTF-8 / JSON); and request validation
 * of whatever JSON arrives. Seeded, so a failure reproduces; fast-check prints the seed and the shrunk input.
 *
 *   FUZZ_RUNS  inputs per property (default 10,000, as in `npm test`; `npm run fuzz` runs 100,000 for every
 *              tests/unit/fuzz-*.test.ts; other sizes: FUZZ_RUNS=n npx vitest run tests/unit/fuzz-)
 *   FUZZ_SEED  the seed (default fixed, so CI is repeatable; set another to explore)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBody, encodeFrame, FrameDecoder, type FrameEvent } from '@/native-host/framing';
import { parseRequest } from '@/lib/host-protocol';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const settings = { numRuns: RUNS, seed: SEED };
/** A long property may take a while at 100,000 runs. */
const TIMEOUT = Math.max(20_000, RUNS * 3);

const header = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
/** Cuts `bytes` at the given offsets (any order, repeats allowed) into chunks, empty ones included. */
function cut(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((a) => a % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(start, p));
    start = p;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}
const feed = (decoder: FrameDecoder, chunks: Buffer[]): FrameEvent[] => chunks.flatMap((c) => decoder.push(c));
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const isUtf8 = (b: Uint8Array) => {
  try {
    utf8.decode(b);
    return true;
  } catch {
    return false;
  }
};

/** Frame bodies: mostly small, sometimes empty, now and then tens of kilobytes. */
const body = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => new Uint8Array(n).fill(0x61)) },
);
const cuts = fc.array(fc.nat(), { maxLength: 40 });

describe(`fuzz: frame decoder (${RUNS} inputs per property, seed ${SEED})`, () => {
  it(
    'any frames, cut anywhere into any chunks, come out whole and in order, with nothing left over',
    () => {
      fc.assert(
        fc.property(fc.array(body, { maxLength: 8 }), cuts, (bodies, at) => {
          const d = new FrameDecoder();
          const events = feed(d, cut(Buffer.concat(bodies.map((b) => Buffer.concat([header(b.length), b]))), at));
          expect(events.map((e) => (e.kind === 'frame' ? Buffer.from(e.body).toString('hex') : e.kind))).toEqual(
            bodies.map((b) => Buffer.from(b).toString('hex')),
          );
          expect(d.pendingBytes).toBe(0);
        }),
        settings,
      );
    },
    TIMEOUT,
  );

  it(
    'garbage never throws; every byte is accounted for (frames + pending), and an oversized length stops the stream for good',
    () => {
      const max = 4096;
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 12 }), (chunks) => {
          const d = new FrameDecoder(max);
          let consumed = 0;
          let stopped = false;
          let total = 0;
          for (const chunk of chunks) {
            const events = d.push(Buffer.from(chunk));
            if (stopped) expect(events).toEqual([]);
            else total += chunk.length;
            for (const e of events) {
              expect(stopped).toBe(false);
              if (e.kind === 'frame') {
                expect(e.body.length).toBeLessThanOrEqual(max);
                consumed += 4 + e.body.length;
              } else {
                expect(e.length).toBeGreaterThan(max);
                stopped = true;
              }
            }
            if (!stopped) expect(consumed + d.pendingBytes).toBe(total);
          }
        }),
        settings,
      );
    },
    TIMEOUT,
  );

  it(
    'a length prefix over the limit (up to 4 GiB) is reported with its value after the frames before it, never buffered',
    () => {
      fc.assert(
        fc.property(
          fc.array(body, { maxLength: 3 }),
          fc.integer({ min: 8 * 1024 * 1024 + 1, max: 0xffffffff }),
          fc.uint8Array({ maxLength: 64 }),
          cuts,
          (before, huge, tail, at) => {
            const d = new FrameDecoder();
            const bytes = Buffer.concat([...before.map((b) => Buffer.concat([header(b.length), b])), header(huge), tail]);
            const events = feed(d, cut(bytes, at));
            expect(events).toHaveLength(before.length + 1);
            expect(events.at(-1)).toEqual({ kind: 'oversized', length: huge });
            expect(d.pendingBytes).toBe(0);
            expect(d.push(Buffer.from(encodeFrame('{}')))).toEqual([]);
          },
        ),
        settings,
      );
    },
    TIMEOUT,
  );

  it(
    'random lengths with too few bytes after them stay pending, exactly',
    () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 8 * 1024 * 1024 }), fc.uint8Array({ maxLength: 200 }), cuts, (length, partial, at) => {
          const d = new FrameDecoder();
          const have = partial.subarray(0, Math.min(partial.length, length - 1));
          const events = feed(d, cut(Buffer.concat([header(length), have]), at));
          expect(events).toEqual([]);
          expect(d.pendingBytes).toBe(4 + have.length);
        }),
        settings,
      );
    },
    TIMEOUT,
  );
});

describe(`fuzz: frame bodies (${RUNS} inputs per property, seed ${SEED})`, () => {
  it(
    'any bytes: never throws; ok exactly when they are UTF-8 and JSON, else the right reason',
    () => {
      // Bytes biased towards UTF-8 trouble: continuation bytes, overlongs, surrogates, a BOM, and JSON punctuation.
      const byte = fc.oneof(
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom(0x7b, 0x7d, 0x22, 0x3a, 0x5b, 0x5d, 0x80, 0xbf, 0xc0, 0xc3, 0xed, 0xef, 0xf4, 0xf5, 0xff),
      );
      fc.assert(
        fc.property(
          fc.oneof(
            fc.array(byte, { maxLength: 40 }).map((b) => Uint8Array.from(b)),
            fc.uint8Array({ maxLength: 200 }),
          ),
          (bytes) => {
            const r = decodeBody(bytes);
            let expected: ReturnType<typeof decodeBody>;
            if (!isUtf8(bytes)) expected = { ok: false, reason: 'invalid-utf8' };
            else {
              try {
                expected = { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) as unknown };
              } catch {
                expected = { ok: false, reason: 'invalid-json' };
              }
            }
            expect(r).toEqual(expected);
          },
        ),
        settings,
      );
    },
    TIMEOUT,
  );

  it(
    'any JSON value with any Unicode text round-trips through a frame',
    () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 3, depthSize: 'small' }), fc.string({ unit: 'binary', maxLength: 40 }), (value, text) => {
          const json = JSON.stringify([value, text]);
          const events = new FrameDecoder().push(encodeFrame(json));
          expect(events).toHaveLength(1);
          const frame = events[0]!;
          if (frame.kind !== 'frame') throw new Error('not a frame');
          // Lone surrogates are written as U+FFFD by the UTF-8 encoder; compare with what JSON.parse of the text gives.
          expect(decodeBody(frame.body)).toEqual({ ok: true, value: JSON.parse(Buffer.from(json, 'utf8').toString('utf8')) });
        }),
        settings,
      );
    },
    TIMEOUT,
  );

  it(
    'any decoded JSON, request-shaped or not: validation never throws and answers with a protocol reply',
    () => {
      const types = fc.oneof(
        fc.constantFrom('ping', 'write-profiles', 'remove-profiles', 'list-profiles', 'make-file-private', ...Object.getOwnPropertyNames(Object.prototype)),
        fc.jsonValue({ maxDepth: 2 }),
      );
      const requestish = fc.record(
        {
          v: fc.oneof(fc.constant(1), fc.jsonValue({ maxDepth: 2 })),
          id: fc.oneof(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 })),
          type: types,
          profiles: fc.oneof(
            fc.array(fc.dictionary(fc.constantFrom('name', 'credentials', 'region', '__proto__', 'toString'), fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }),
            fc.jsonValue({ maxDepth: 2 }),
          ),
          names: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })),
          overwriteUnmanaged: fc.jsonValue({ maxDepth: 1 }),
        },
        { requiredKeys: ['v', 'id', 'type'] },
      );
      fc.assert(
        fc.property(fc.oneof(requestish, fc.jsonValue({ maxDepth: 3 })), (value) => {
          // Through JSON, so "__proto__" keys are own keys as in a real frame.
          const r = parseRequest(JSON.parse(JSON.stringify(value)));
          if (r.ok) expect(['ping', 'write-profiles', 'remove-profiles', 'list-profiles', 'make-file-private']).toContain(r.request.type);
          else {
            expect(r.reply).toMatchObject({ v: 1, ok: false, error: { code: expect.any(String), message: expect.any(String) } });
            expect(r.reply.error.message.length).toBeLessThan(400);
          }
        }),
        settings,
      );
    },
    TIMEOUT,
  );
});
