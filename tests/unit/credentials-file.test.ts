/**
 * The one credentials-file writer (lib/credentials-file.ts), checked against an independent reader: a statement-by-
 * statement port of Python's RawConfigParser._read and botocore's raw_config_parse below (`referenceRead`). When
 * python3 with botocore is installed, that reader is itself checked against the real thing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AwsCredentials } from '@/lib/credentials';
import {
  CredentialsFileError,
  joinMergePieces,
  mergeCredentialsFile,
  mergeCredentialsFilePieces,
  mergePiecesChange,
  type CredentialsFileErrorDetail,
  parseCredentialsFile,
  renderCredentialsFile,
  renderProfileSection,
  type ProfileUpdate,
} from '@/lib/credentials-file';
import { asRecord, credentialsFile, mergeOrSkip, referenceRead, scenario, tryMerge } from '../support/credentials-file-model';

const RUNS = 2000;

// ── properties ───────────────────────────────────────────────────────────────────────────────────────────────

// Untouched bytes, values written, no duplicate section: tests/unit/fuzz-credentials-file.test.ts (10,000 inputs).
describe('mergeCredentialsFile — properties (random files × random changes)', () => {
  it('is idempotent: the same change twice gives the same bytes', () => {
    fc.assert(
      fc.property(scenario, ({ file, updates, removals }) => {
        const once = mergeOrSkip(file, updates, removals);
        if (once === null) return;
        expect(mergeCredentialsFile(once, updates, { removals })).toBe(once);
      }),
      { numRuns: RUNS },
    );
  });

  it('removes exactly the sections asked for', () => {
    fc.assert(
      fc.property(scenario, ({ file, updates, removals }) => {
        const out = mergeOrSkip(file, updates, removals);
        if (out === null) return;
        const before = referenceRead(file);
        const after = referenceRead(out);
        if (!before.ok || !after.ok) throw new Error('unreadable');
        const expected = new Set([...Object.keys(before.sections), ...updates.map((u) => u.name)]);
        for (const r of removals) expected.delete(r);
        expect(new Set(Object.keys(after.sections))).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('reads every file exactly as the reference reader does (parseCredentialsFile)', () => {
    fc.assert(
      fc.property(credentialsFile, (file) => {
        const ref = referenceRead(file);
        const ours = parseCredentialsFile(file);
        expect(ours.ok).toBe(ref.ok);
        if (ours.ok && ref.ok) expect(asRecord(ours.sections)).toEqual(ref.sections);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps the line ending of the file on the lines it writes', () => {
    fc.assert(
      fc.property(scenario, ({ file, updates, removals }) => {
        const out = mergeOrSkip(file, updates, removals);
        const oldEols = new Set(file.match(/\r\n|\r|\n/g) ?? []);
        if (out === null || oldEols.size !== 1) return;
        // A file with one kind of line ending still has only that kind.
        expect((out.match(/\r\n|\r|\n/g) ?? []).every((e) => oldEols.has(e))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

// ── the reference reader against the real thing ─────────────────────────────────────────────────────────────

const PYTHON_CHECK = `
import json, os, sys, botocore.configloader as cl, botocore.exceptions as ex
out = []
for path in json.load(sys.stdin):
    try:
        cl.raw_config_parse(path, parse_subsections=True)
        out.append({"ok": True, "sections": cl.raw_config_parse(path, parse_subsections=False)})
    except ex.ConfigParseError as e:
        out.append({"ok": False})
print(json.dumps(out))
`;
const hasBotocore = spawnSync('python3', ['-c', 'import botocore'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasBotocore)('reference reader = botocore (python3 found)', () => {
  it('agrees with botocore.configloader.raw_config_parse on 2000 random files and merge results', () => {
    const dir = mkdtempSync(join(tmpdir(), 'creds-oracle-'));
    try {
      const files = fc.sample(scenario, { numRuns: RUNS, seed: 20_260_522 }).flatMap(({ file, updates, removals }) => {
        const r = tryMerge(file, updates, removals);
        return r.ok ? [file, r.text] : [file];
      });
      const paths = files.map((text, i) => {
        const p = join(dir, `f${i}`);
        writeFileSync(p, text, 'utf8');
        return p;
      });
      const py = spawnSync('python3', ['-c', PYTHON_CHECK], { input: JSON.stringify(paths), env: { ...process.env, PYTHONUTF8: '1' }, maxBuffer: 1 << 28 });
      expect(py.status, String(py.stderr)).toBe(0);
      const results = JSON.parse(String(py.stdout)) as ({ ok: true; sections: Record<string, Record<string, string>> } | { ok: false })[];
      files.forEach((text, i) => {
        const real = results[i]!;
        const ref = referenceRead(text);
        const ours = parseCredentialsFile(text);
        const label = JSON.stringify(text);
        expect(ref.ok, label).toBe(real.ok);
        expect(ours.ok, label).toBe(real.ok);
        if (real.ok && ref.ok && ours.ok) {
          expect(ref.sections, label).toEqual(real.sections);
          expect(asRecord(ours.sections), label).toEqual(real.sections);
        }
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

// ── tables ───────────────────────────────────────────────────────────────────────────────────────────────────

const creds: AwsCredentials = {
  accessKeyId: 'ASIAEXAMPLEKEYID1234',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'FwoGZXIvYXdzEXAMPLE//TOKEN+with/slashes==',
  expiration: '2026-11-22T11:00:00Z',
};
const SECTION = (name: string, nl = '\n') => renderProfileSection(name, creds, { newline: nl });
const KEYS = (nl = '\n') => SECTION('x', nl).split(nl).slice(1).join(nl);

describe('mergeCredentialsFile — cases', () => {
  it.each<[string, string, ProfileUpdate[], string[], string]>([
    ['creates a file from nothing', '', [{ name: 'dev', credentials: creds }], [], SECTION('dev')],
    [
      'appends a new section after one blank line, adding the missing final newline',
      '[default]\naws_access_key_id = A',
      [{ name: 'dev', credentials: creds }],
      [],
      `[default]\naws_access_key_id = A\n\n${SECTION('dev')}`,
    ],
    [
      'does not add a second blank line when the file already ends with one',
      '[default]\nx = 1\n\n',
      [{ name: 'dev', credentials: creds }],
      [],
      `[default]\nx = 1\n\n${SECTION('dev')}`,
    ],
    [
      'keeps CRLF and writes CRLF',
      '# mine\r\n[default]\r\noutput = json\r\n',
      [{ name: 'default', credentials: creds }],
      [],
      `# mine\r\n[default]\r\noutput = json\r\n${KEYS('\r\n')}`,
    ],
    [
      'replaces keys in place (any case, either delimiter), keeps comments, other keys and their order',
      '; top\n[dev]\nAWS_ACCESS_KEY_ID: OLD\n# why this profile\noutput = json\naws_session_token=OLDTOKEN\n  continued\n\n[prod]\nregion = eu-west-1\n',
      [{ name: 'dev', credentials: creds, region: 'us-east-1' }],
      [],
      '; top\n[dev]\naws_access_key_id = ASIAEXAMPLEKEYID1234\n# why this profile\noutput = json\naws_session_token = FwoGZXIvYXdzEXAMPLE//TOKEN+with/slashes==\n' +
        'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\naws_security_token = FwoGZXIvYXdzEXAMPLE//TOKEN+with/slashes==\n' +
        'x_security_token_expires = 2026-11-22T11:00:00+00:00\nregion = us-east-1\n\n[prod]\nregion = eu-west-1\n',
    ],
    [
      'writes a lone CR in a file that uses lone CRs',
      '[default]\rx = 1',
      [{ name: 'dev', credentials: creds }],
      [],
      `[default]\rx = 1\r\r${SECTION('dev', '\r')}`,
    ],
    ['keeps a region it was not given', '[dev]\nregion = eu-west-1\n', [{ name: 'dev', credentials: creds }], [], `[dev]\nregion = eu-west-1\n${KEYS()}`],
    [
      'keeps [profile x] sections, unicode and odd spacing byte for byte',
      '[profile dev]\nregion=eu-west-1\n[ünï]\n  k   :   v  \n',
      [{ name: 'dev', credentials: creds }],
      [],
      `[profile dev]\nregion=eu-west-1\n[ünï]\n  k   :   v  \n\n${SECTION('dev')}`,
    ],
    [
      'removes a whole section and the blank lines after it, keeping the comment of the next one',
      '[a]\nx = 1\n\n[dev]\naws_access_key_id = A\n\n# prod account\n[prod]\ny = 2\n',
      [],
      ['dev'],
      '[a]\nx = 1\n\n# prod account\n[prod]\ny = 2\n',
    ],
    ['ignores removal of an absent section', '[a]\nx = 1\n', [], ['dev'], '[a]\nx = 1\n'],
    [
      'indents added keys like the section so the next indented header stays a header',
      '[dev]\n  output = json\n  [prod]\n  y = 2\n',
      [{ name: 'dev', credentials: creds }],
      [],
      `[dev]\n  output = json\n${KEYS().replace(/^(?=.)/gm, '  ')}  [prod]\n  y = 2\n`,
    ],
  ])('%s', (_title, file, updates, removals, expected) => {
    const out = mergeCredentialsFile(file, updates, { removals });
    expect(out).toBe(expected);
    expect(referenceRead(out).ok).toBe(true);
  });

  it('refuses a damaged file, saying what is wrong and where, and changes nothing', () => {
    const file = '[default]\nregion = x\n\n[dev]\naws_access_key_id = A\n\n[prod]\ny = 1\n\n[dev]\naws_access_key_id = B\nregion = eu-west-1\n';
    let thrown: unknown;
    try {
      mergeCredentialsFile(file, [{ name: 'dev', credentials: creds }]);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CredentialsFileError);
    const error = thrown as CredentialsFileError;
    expect(error.code).toBe('DAMAGED_FILE');
    expect(error.detail).toEqual({
      code: 'DAMAGED_FILE',
      issues: [{ line: 10, message: expect.stringContaining('second [dev] section (the first is on line 4)') }],
    });
    expect(error.message).toContain('line 10: second [dev] section');
  });

  it.each([
    ['a duplicate key', '[dev]\nregion = a\nREGION = b\n', 'line 3: second "region" key in [dev] (the first is on line 2)'],
    ['text before any section', 'aws_access_key_id = A\n[dev]\n', 'line 1: text before the first [section] header'],
    ['a byte-order mark', '\ufeff[dev]\nx = 1\n', 'line 1: the file starts with a byte-order mark'],
    ['a line that is not a key', '[dev]\njust words\n', 'line 2: in [dev]: neither a [section] header'],
    ['a nested block without =', '[dev]\ns3 =\n  words\n', 'line 2: in [dev]: the indented lines under "s3"'],
  ])('refuses a file with %s', (_title, file, message) => {
    expect(() => mergeCredentialsFile(file, [{ name: 'dev', credentials: creds }])).toThrow(message);
    expect(parseCredentialsFile(file).ok).toBe(false);
    expect(referenceRead(file).ok).toBe(false);
  });

  it('never puts a value from the file in an error message', () => {
    const file = '[dev]\nwJalrXUtnFEMI/K7MDENG/SECRET\n';
    expect(() => mergeCredentialsFile(file, [])).toThrow(CredentialsFileError);
    try {
      mergeCredentialsFile(file, []);
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('SECRET');
    }
  });

  it.each([
    ['a ]', 'dev]x'],
    ['an =', 'dev=x'],
    ['a newline', 'dev\n[default'],
    ['a space', 'my profile'],
    ['nothing', ''],
    ['65 characters', 'a'.repeat(65)],
    ['a dot', 'dev.admin'],
  ])('rejects a profile name with %s, in updates and in removals', (_title, name) => {
    for (const call of [() => mergeCredentialsFile('', [{ name, credentials: creds }]), () => mergeCredentialsFile('', [], { removals: [name] })]) {
      expect(call).toThrow(CredentialsFileError);
      try {
        call();
      } catch (e) {
        expect((e as CredentialsFileError).code).toBe('INVALID_PROFILE_NAME');
      }
    }
  });

  it('accepts a 64-character name and refuses DEFAULT, which botocore folds into every profile', () => {
    expect(mergeCredentialsFile('', [{ name: 'a'.repeat(64), credentials: creds }])).toContain(`[${'a'.repeat(64)}]`);
    expect(() => mergeCredentialsFile('', [{ name: 'DEFAULT', credentials: creds }])).toThrow(/reserved/);
  });

  it.each<[string, { credentials?: Partial<AwsCredentials>; region?: string }]>([
    ['a secret with a newline', { credentials: { secretAccessKey: 'abc\n[default]' } }],
    ['a token with a space', { credentials: { sessionToken: 'abc def' } }],
    ['an empty key id', { credentials: { accessKeyId: '' } }],
    ['an expiration that is not a date', { credentials: { expiration: 'tomorrow' } }],
    ['a region with capitals', { region: 'EU-WEST-1' }],
  ])('rejects %s without echoing it', (_title, change) => {
    const update = { name: 'dev', ...change, credentials: { ...creds, ...change.credentials } } as ProfileUpdate;
    expect(() => mergeCredentialsFile('', [update])).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }));
  });

  it('gives the same result for the same input every time (reading a file first changes nothing)', () => {
    const file = '[default]\nregion = eu-west-1';
    parseCredentialsFile(file);
    const first = mergeCredentialsFile(file, [{ name: 'dev', credentials: creds }]);
    expect(mergeCredentialsFile(file, [{ name: 'dev', credentials: creds }])).toBe(first);
    expect(mergeCredentialsFile(file, [{ name: 'default', credentials: creds }])).toBe(`[default]\nregion = eu-west-1\n${KEYS()}`);
  });

  it('rejects the same profile twice in one change', () => {
    expect(() =>
      mergeCredentialsFile('', [
        { name: 'a', credentials: creds },
        { name: 'a', credentials: creds },
      ]),
    ).toThrow(expect.objectContaining({ code: 'DUPLICATE_PROFILE' }));
    expect(() => mergeCredentialsFile('', [{ name: 'a', credentials: creds }], { removals: ['a'] })).toThrow(
      expect.objectContaining({ code: 'DUPLICATE_PROFILE' }),
    );
  });

  it.each<[string, () => unknown, CredentialsFileErrorDetail]>([
    [
      "a name outside the SDKs' characters",
      () => mergeCredentialsFile('', [{ name: 'dev.admin', credentials: creds }]),
      { code: 'INVALID_PROFILE_NAME', name: 'dev.admin' },
    ],
    [
      'a name too long (kept to 80 characters)',
      () => mergeCredentialsFile('', [], { removals: ['p'.repeat(200)] }),
      { code: 'INVALID_PROFILE_NAME', name: 'p'.repeat(80) },
    ],
    ['DEFAULT', () => mergeCredentialsFile('', [{ name: 'DEFAULT', credentials: creds }]), { code: 'RESERVED_PROFILE_NAME', name: 'DEFAULT' }],
    [
      'a session token with a line break',
      () => mergeCredentialsFile('', [{ name: 'dev', credentials: { ...creds, sessionToken: 'FwoG\n[x]' } }]),
      { code: 'INVALID_VALUE', profile: 'dev', field: 'sessionToken' },
    ],
    [
      'an expiration that is not a date',
      () => mergeCredentialsFile('', [{ name: 'dev', credentials: { ...creds, expiration: 'soon' } }]),
      { code: 'INVALID_VALUE', profile: 'dev', field: 'expiration' },
    ],
    [
      'a region with capitals',
      () => mergeCredentialsFile('', [{ name: 'dev', credentials: creds, region: 'EU-WEST-1' }]),
      { code: 'INVALID_VALUE', profile: 'dev', field: 'region' },
    ],
    [
      'a profile updated and removed',
      () => mergeCredentialsFile('', [{ name: 'dev', credentials: creds }], { removals: ['dev'] }),
      { code: 'DUPLICATE_PROFILE', profile: 'dev' },
    ],
    [
      'a file with text before any section and a duplicate key',
      () => mergeCredentialsFile('output = json\n[dev]\nregion = a\nregion = b\n', [{ name: 'dev', credentials: creds }]),
      {
        code: 'DAMAGED_FILE',
        issues: [
          { line: 1, message: 'text before the first [section] header' },
          { line: 4, message: 'second "region" key in [dev] (the first is on line 3)' },
        ],
      },
    ],
    [
      'removing a section would turn the indented header after it into a value of the section before',
      () => mergeCredentialsFile('[a]\nx = 1\n[old]\n  [prod]\n  z = 1\n', [], { removals: ['old'] }),
      { code: 'UNSAFE_EDIT', section: 'a', issue: null },
    ],
    [
      'a new section would inherit a [DEFAULT] nested value botocore cannot parse',
      () => mergeCredentialsFile('[DEFAULT]\ns3 =\n  words\n', [{ name: 'dev', credentials: creds }]),
      { code: 'UNSAFE_EDIT', section: null, issue: { line: 2, message: expect.stringContaining('in [dev]: the indented lines under "s3"') } },
    ],
  ])('refuses %s with its code and data (no value from the file or the request)', (_title, call, detail) => {
    let thrown: unknown;
    try {
      call();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CredentialsFileError);
    expect((thrown as CredentialsFileError).detail).toEqual(detail);
    expect((thrown as CredentialsFileError).code).toBe(detail.code);
    expect(JSON.stringify((thrown as CredentialsFileError).detail)).not.toMatch(/FwoG|words|json/);
  });

  it('renderCredentialsFile is the merge into an empty file, sections one blank line apart', () => {
    const updates = [
      { name: 'a', credentials: creds },
      { name: 'b', credentials: creds, region: 'eu-west-1' },
    ];
    expect(renderCredentialsFile(updates)).toBe(mergeCredentialsFile('', updates));
    expect(renderCredentialsFile(updates)).toBe(`${SECTION('a')}\n${renderProfileSection('b', creds, { region: 'eu-west-1' })}`);
  });
});

describe('mergeCredentialsFile — removing what was added gives the file back', () => {
  it.each([
    ['a plain file', '[default]\naws_access_key_id = AKIAUSER\naws_secret_access_key = s\n'],
    ['comments and odd spacing', '# mine\n[default]\nregion=eu-west-1\n\n\n; work\n[work]\n  output :  json\n'],
    ['CRLF', '[default]\r\nregion = eu-west-1\r\n'],
    ['an empty file', ''],
  ])('%s: add three sections (one save each), remove them in one go', (_title, file) => {
    let out = file;
    for (const name of ['111111111111-Admin', 'contoso-prod-ReadOnly', 'z-last']) out = mergeCredentialsFile(out, [{ name, credentials: creds }]);
    expect(mergeCredentialsFile(out, [], { removals: ['111111111111-Admin', 'contoso-prod-ReadOnly', 'z-last'] })).toBe(file);
  });

  it('removing one section in the middle or at the end leaves no stray blank line', () => {
    const three = mergeCredentialsFile('[default]\nregion = eu-west-1\n', [
      { name: 'a', credentials: creds },
      { name: 'b', credentials: creds },
    ]);
    expect(mergeCredentialsFile(three, [], { removals: ['a'] })).toBe(
      mergeCredentialsFile('[default]\nregion = eu-west-1\n', [{ name: 'b', credentials: creds }]),
    );
    expect(mergeCredentialsFile(three, [], { removals: ['b'] })).toBe(
      mergeCredentialsFile('[default]\nregion = eu-west-1\n', [{ name: 'a', credentials: creds }]),
    );
  });
});

describe('parseCredentialsFile', () => {
  it('reads like botocore: DEFAULT folded in, header up to the last ], inline # kept, continuation lines joined', () => {
    const parsed = parseCredentialsFile('[DEFAULT]\nregion = eu-west-1\n[a]b] # note\nkey: v # not a comment\nmulti =\n  x = 1\n\n  y = 2\n[ spaced ]\n');
    expect(parsed.ok && asRecord(parsed.sections)).toEqual({
      'a]b': { region: 'eu-west-1', key: 'v # not a comment', multi: '\nx = 1\n\ny = 2' },
      ' spaced ': { region: 'eu-west-1' },
    });
  });

  it('reports every problem with its line', () => {
    expect(parseCredentialsFile('[a]\n[b]\n[a]\n[b]\n')).toEqual({
      ok: false,
      issues: [
        { line: 3, message: expect.stringContaining('second [a] section (the first is on line 1)') },
        { line: 4, message: expect.stringContaining('second [b] section (the first is on line 2)') },
      ],
    });
  });
});

// ── large files: the edit is local ───────────────────────────────────────────────────────────────────────────

describe('mergeCredentialsFilePieces — a large file is edited where the change is, and re-read only there', () => {
  // 300 Entra-style profiles (account id + role) with 700-character tokens, as a long-lived file looks.
  const sessionCreds = (i: number): AwsCredentials => ({
    ...creds,
    accessKeyId: `ASIA${String(i).padStart(16, '0')}`,
    sessionToken: `FwoG${'A'.repeat(700)}${i}`,
  });
  const names = Array.from({ length: 300 }, (_, i) => `${String(100000000000 + i)}-Admin`);
  const big = renderCredentialsFile(names.map((name, i) => ({ name, credentials: sessionCreds(i) })));
  const section = (name: string, c: AwsCredentials, region?: string) => renderProfileSection(name, c, { region });
  const fresh = sessionCreds(9999);

  it.each<[string, ProfileUpdate[], string[], string]>([
    [
      'an update in the middle',
      [{ name: names[150]!, credentials: fresh }],
      [],
      big.replace(section(names[150]!, sessionCreds(150)), section(names[150]!, fresh)),
    ],
    [
      'an update of the first profile',
      [{ name: names[0]!, credentials: fresh }],
      [],
      big.replace(section(names[0]!, sessionCreds(0)), section(names[0]!, fresh)),
    ],
    ['a new profile', [{ name: 'new-profile', credentials: fresh, region: 'eu-west-1' }], [], `${big}\n${section('new-profile', fresh, 'eu-west-1')}`],
    ['a removal in the middle', [], [names[42]!], big.replace(`${section(names[42]!, sessionCreds(42))}\n`, '')],
    [
      'the last profile removed and a new one added',
      [{ name: 'new-profile', credentials: fresh }],
      [names[299]!],
      big.replace(section(names[299]!, sessionCreds(299)), section('new-profile', fresh)),
    ],
  ])('%s: the exact bytes, the rest kept as ranges of the old text, the new text a section or two long', (_title, updates, removals, expected) => {
    const pieces = mergeCredentialsFilePieces(big, updates, { removals });
    expect(joinMergePieces(big, pieces)).toBe(expected);
    expect(mergeCredentialsFile(big, updates, { removals })).toBe(expected);
    expect(pieces.map((p) => [p.from, p.to]).flat()).toEqual([0, ...pieces.slice(1).flatMap((p) => [p.from, p.from]), big.length]);
    const rewritten = pieces.filter((p) => p.text !== undefined).reduce((n, p) => n + p.text!.length + (p.to - p.from), 0);
    expect(rewritten).toBeLessThan(4 * section(names[0]!, fresh).length);
    expect(referenceRead(expected).ok).toBe(true);
  });

  it('reads on past an indented header: it belongs to the edited stretch, and is kept', () => {
    // [c] is a header only because the key line before it is indented as deeply; the window runs to [d].
    const file = `[a]\nx = 1\n[b]\n  k = 1\n  [c]\n  y = 2\n[d]\nz = 3\n`;
    const pieces = mergeCredentialsFilePieces(file, [{ name: 'b', credentials: creds }]);
    expect(pieces.find((p) => p.text !== undefined)).toMatchObject({ from: file.indexOf('[b]'), to: file.indexOf('[d]') });
    const out = joinMergePieces(file, pieces);
    expect(out).toBe(`[a]\nx = 1\n[b]\n  k = 1\n${KEYS().replace(/^(?=.)/gm, '  ')}  [c]\n  y = 2\n[d]\nz = 3\n`);
    const read = parseCredentialsFile(out);
    expect(read.ok && asRecord(read.sections)).toMatchObject({ c: { y: '2' }, d: { z: '3' } });
  });

  it.each<[string, string, ProfileUpdate[], string[], CredentialsFileErrorDetail]>([
    [
      'a removal that turns an indented header far below into a value',
      `[a]\nx = 1\n[gone]\n  [c]\n  y = 2\n[d]\nz = 3\n`,
      [],
      ['gone'],
      { code: 'UNSAFE_EDIT', section: 'a', issue: null },
    ],
  ])('still refuses %s, with the full re-read’s words', (_title, file, updates, removals, detail) => {
    expect(() => mergeCredentialsFilePieces(file, updates, { removals })).toThrow(expect.objectContaining({ detail }));
  });

  it('with a [DEFAULT] section (folded into every other one, so nothing is local) it checks the whole file, and still edits in place', () => {
    const file = `[DEFAULT]\nregion = eu-west-1\n[a]\nx = 1\n${big}`;
    const out = mergeCredentialsFile(file, [{ name: names[150]!, credentials: fresh }]);
    expect(out).toBe(file.replace(section(names[150]!, sessionCreds(150)), section(names[150]!, fresh)));
  });

  it('tells a rewrite with the same values (no change) from a change', () => {
    expect(mergePiecesChange(big, mergeCredentialsFilePieces(big, [{ name: names[7]!, credentials: sessionCreds(7) }]))).toBe(false);
    expect(mergePiecesChange(big, mergeCredentialsFilePieces(big, [{ name: names[7]!, credentials: fresh }]))).toBe(true);
  });
});
