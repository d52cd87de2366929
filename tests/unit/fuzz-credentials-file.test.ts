/**
 * Fuzz proofs for the credentials-file merge (lib/credentials-file.ts mergeCredentialsFile), the one writer of
 * ~/.aws/credentials: on random files as people and tools leave them, with random changes, every untouched byte is
 * kept, the only refusals are the documented ones, the values read back, and no section ever appears twice; on
 * arbitrary text it never throws anything but its own refusal. Seeded; fast-check prints the seed and the input.
 *
 *   FUZZ_RUNS  inputs per property (default 10,000, as in `npm test`; `npm run fuzz` runs 100,000 for every
 *              tests/unit/fuzz-*.test.ts; other sizes: FUZZ_RUNS=n npx vitest run tests/unit/fuzz-)
 *   FUZZ_SEED  the seed (default fixed, so CI is repeatable; set another to explore)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CredentialsFileError, mergeCredentialsFile, parseCredentialsFile, type ProfileUpdate } from '@/lib/credentials-file';
import {
  credentials,
  expectUntouchedBytesKept,
  expectValuesWrittenOnce,
  mergeOrSkip,
  referenceRead,
  region,
  scenario,
} from '../support/credentials-file-model';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const TIMEOUT = Math.max(30_000, RUNS * 4);

describe(`fuzz: credentials-file merge (${RUNS} inputs per property, seed ${SEED})`, () => {
  it(
    'random files × random changes: refuses only unreadable files (and two unsafe edits), keeps every untouched byte, writes the values, never duplicates a section',
    () => {
      let merged = 0;
      fc.assert(
        fc.property(scenario, ({ file, updates, removals }) => {
          const out = mergeOrSkip(file, updates, removals);
          if (out === null) return;
          merged++;
          expectUntouchedBytesKept(file, out, updates, removals);
          expectValuesWrittenOnce(file, out, updates, removals);
        }),
        { numRuns: RUNS, seed: SEED },
      );
      // Most inputs must reach the byte checks, or the property proves little.
      expect(merged).toBeGreaterThan(RUNS * 0.7);
    },
    TIMEOUT,
  );

  it(
    'arbitrary text: never throws but a CredentialsFileError; what it returns reads, with each updated section once',
    () => {
      // Lines made of the characters that matter to the format, plus any Unicode, joined by any line break.
      const line = fc.string({
        unit: fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...'[]=:#; \tabdefXYZ_-') },
          { weight: 1, arbitrary: fc.constantFrom('\r', '\n', '\r\n', '\u0085', '\u2028', '\u000b', '\u000c', '\u001c', '\ufeff', '\u00a0') },
          { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
        ),
        maxLength: 24,
      });
      const text = fc
        .array(fc.oneof(line, fc.constantFrom('[dev]', '[default]', '[DEFAULT]', ' [dev]', 'aws_access_key_id = x', '  nested = 1')), { maxLength: 12 })
        .chain((lines) =>
          fc
            .array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: lines.length, maxLength: lines.length })
            .map((eols) => lines.map((l, i) => l + eols[i]).join('')),
        );
      const change = fc.record({
        updates: fc.uniqueArray(fc.record({ name: fc.constantFrom('dev', 'default', 'prod-admin', 'x_1'), credentials, region }), {
          selector: (u) => u.name,
          maxLength: 3,
        }),
        removals: fc.subarray(['gone', 'old-1']),
      });
      fc.assert(
        fc.property(text, change, (file, { updates, removals }: { updates: ProfileUpdate[]; removals: string[] }) => {
          let out: string;
          try {
            out = mergeCredentialsFile(file, updates, { removals });
          } catch (e) {
            expect(e).toBeInstanceOf(CredentialsFileError);
            expect(['DAMAGED_FILE', 'UNSAFE_EDIT']).toContain((e as CredentialsFileError).code);
            return;
          }
          // Read back by both readers; a duplicate section would be an error in each.
          expect(parseCredentialsFile(out).ok).toBe(true);
          const ref = referenceRead(out);
          if (!ref.ok) throw new Error(`the reference reader refuses the result: ${ref.error}`);
          for (const u of updates) {
            expect(ref.lines.filter((l) => l.kind === 'header' && l.section === u.name)).toHaveLength(1);
            expect(ref.sections[u.name]?.aws_access_key_id).toBe(u.credentials.accessKeyId);
          }
        }),
        { numRuns: RUNS, seed: SEED },
      );
    },
    TIMEOUT,
  );
});
