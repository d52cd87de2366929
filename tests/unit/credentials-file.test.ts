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
  mergeCredentialsFile,
  parseCredentialsFile,
  profileEntries,
  renderCredentialsFile,
  renderProfileSection,
  type ProfileUpdate,
} from '@/lib/credentials-file';

const RUNS = 2000;

// ── reference reader ─────────────────────────────────────────────────────────────────────────────────────────

/** Characters for which Python's `str.isspace()` is true (also what `\s` matches in a str regex). */
const PY_SPACE = new Set([
  ...'\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680',
  ...Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
  '\u2028', '\u2029', '\u202f', '\u205f', '\u3000',
]);
const isSpace = (ch: string) => PY_SPACE.has(ch);
function strip(s: string): string {
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  while (a < b && isSpace(chars[a]!)) a++;
  while (b > a && isSpace(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}
function rstrip(s: string): string {
  const chars = [...s];
  let b = chars.length;
  while (b > 0 && isSpace(chars[b - 1]!)) b--;
  return chars.slice(0, b).join('');
}

type Kind = 'blank' | 'comment' | 'header' | 'option' | 'continuation' | 'error';
interface LineInfo { kind: Kind; section?: string; key?: string }
type RefResult =
  | { ok: true; sections: Record<string, Record<string, string>>; lines: LineInfo[] }
  | { ok: false; error: string; lines: LineInfo[] };

/** RawConfigParser(strict=True, empty_lines_in_values=True, comment_prefixes=('#',';')) + raw_config_parse. */
function referenceRead(text: string): RefResult {
  // open(path) in text mode: universal newlines, every line ends in '\n' but perhaps the last.
  const normalized = text.replace(/\r\n?/g, '\n');
  const fileLines = normalized.length ? normalized.split(/(?<=\n)/) : [];
  const sections = new Map<string, Map<string, string[]>>();
  const defaults = new Map<string, string[]>();
  const elementsAdded = new Set<string>();
  const info: LineInfo[] = [];
  let cursect: Map<string, string[]> | null = null;
  let sectname: string | null = null;
  let optname: string | null = null;
  let indentLevel = 0;
  let error: string | null = null;
  let fatal: string | null = null;
  fileLines.forEach((line, index) => {
    if (fatal) return;
    const lineno = index + 1;
    const isComment = strip(line).startsWith('#') || strip(line).startsWith(';');
    const value = isComment ? '' : strip(line);
    if (!value) {
      if (!isComment && cursect && optname) cursect.get(optname)!.push('');
      info.push({ kind: isComment ? 'comment' : 'blank' });
      return;
    }
    const chars = [...line];
    let firstNonspace = chars.findIndex((c) => !isSpace(c));
    if (firstNonspace < 0) firstNonspace = 0;
    // Python indexes by code point; JS strings by UTF-16 unit: count code points before the first non-space.
    const curIndentLevel = firstNonspace;
    if (cursect && optname && curIndentLevel > indentLevel) {
      cursect.get(optname)!.push(value);
      info.push({ kind: 'continuation', section: sectname!, key: optname });
      return;
    }
    indentLevel = curIndentLevel;
    const valueChars = [...value];
    // SECTCRE.match: '[' then .+ (greedy, so up to the last ']') then ']'.
    const lastClose = value.lastIndexOf(']');
    if (valueChars[0] === '[' && lastClose >= 2) {
      sectname = value.slice(1, lastClose);
      if (sections.has(sectname)) {
        if (elementsAdded.has(sectname)) {
          fatal = `DuplicateSectionError line ${lineno}`;
          return;
        }
        cursect = sections.get(sectname)!;
        elementsAdded.add(sectname);
      } else if (sectname === 'DEFAULT') {
        cursect = defaults;
      } else {
        cursect = new Map();
        sections.set(sectname, cursect);
        elementsAdded.add(sectname);
      }
      optname = null;
      info.push({ kind: 'header', section: sectname });
      return;
    }
    if (!cursect) {
      fatal = `MissingSectionHeaderError line ${lineno}`;
      return;
    }
    // OPTCRE: (?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$ — the first '=' or ':' ends the option.
    const delim = valueChars.findIndex((c) => c === '=' || c === ':');
    if (delim < 0) {
      error ??= `ParsingError line ${lineno}`;
      info.push({ kind: 'error' });
      return;
    }
    const option = rstrip(valueChars.slice(0, delim).join(''));
    if (!option) error ??= `ParsingError line ${lineno}`;
    optname = option.toLowerCase();
    if (elementsAdded.has(`${sectname}\u0000${optname}`)) {
      fatal = `DuplicateOptionError line ${lineno}`;
      return;
    }
    elementsAdded.add(`${sectname}\u0000${optname}`);
    cursect.set(optname, [strip(valueChars.slice(delim + 1).join(''))]);
    info.push({ kind: 'option', section: sectname!, key: optname });
  });
  if (fatal ?? error) return { ok: false, error: (fatal ?? error)!, lines: info };
  const join = (pieces: string[]) => rstrip(pieces.join('\n'));
  const result: Record<string, Record<string, string>> = {};
  for (const [name, opts] of sections) {
    const merged: Record<string, string> = {};
    for (const [k, v] of defaults) merged[k] = join(v);
    for (const [k, v] of opts) merged[k] = join(v);
    for (const [k, v] of Object.entries(merged)) {
      // botocore _parse_nested: a value starting with a newline is "key = value" lines (str.splitlines()).
      if (v.startsWith('\n')) {
        for (const l of v.split(/\r\n|[\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029]/)) {
          if (strip(l) && !l.includes('=')) return { ok: false, error: `ConfigParseError nested ${name}.${k}`, lines: info };
        }
      }
    }
    result[name] = merged;
  }
  return { ok: true, sections: result, lines: info };
}

const asRecord = (m: Map<string, Map<string, string>>) => Object.fromEntries([...m].map(([k, v]) => [k, Object.fromEntries(v)]));

// ── generators ───────────────────────────────────────────────────────────────────────────────────────────────

const pick = <T,>(...xs: T[]) => fc.constantFrom(...xs);
const profileName = fc.string({ unit: pick(...'abcdXYZ0129_-'), minLength: 1, maxLength: 6 });
const sectionName = fc.oneof(
  { weight: 6, arbitrary: profileName },
  { weight: 1, arbitrary: profileName.map((n) => `profile ${n}`) },
  { weight: 1, arbitrary: pick('default', 'DEFAULT', 'ünïcødé-日本', ' spaced ', 'a]b', 'sso-session corp') },
);
const valueText = fc.string({
  unit: fc.oneof(
    { weight: 12, arbitrary: pick(...'abcXYZ0129/+=._-') },
    { weight: 2, arbitrary: pick(' ', ':', '#', ';', '[', ']', '\t') },
    { weight: 1, arbitrary: pick('é', '中', '😀', '\u00a0', '\u2028', '\u0085', '\u001c', '\ufeff') },
  ),
  maxLength: 12,
});
const keyName = pick(
  'aws_access_key_id', 'AWS_ACCESS_KEY_ID', 'aws_secret_access_key', 'Aws_Session_Token', 'aws_security_token',
  'x_security_token_expires', 'region', 'REGION', 'output', 'cli_pager', 's3', 'mixed Key', 'ключ',
);
const space = pick('', ' ', '  ', '\t');
const indent = fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: pick(' ', '  ', '\t') });
const blankLine = pick('', ' ', '\t');
const commentLine = fc.tuple(pick('', ' ', '  '), pick('#', ';'), valueText).map(([i, p, t]) => `${i}${p}${t}`);
const optionLines = fc
  .record({
    indent,
    key: keyName,
    s1: space,
    delim: pick('=', ':'),
    s2: space,
    value: valueText,
    continuations: fc.array(fc.oneof({ weight: 4, arbitrary: valueText.filter((v) => strip(v) !== '') }, { weight: 1, arbitrary: fc.constant('') }), { maxLength: 2 }),
    extra: pick(' ', '  ', '\t', '    '),
  })
  .map((o) => ({
    key: o.key.toLowerCase(),
    lines: [`${o.indent}${o.key}${o.s1}${o.delim}${o.s2}${o.value}`, ...o.continuations.map((c) => (c ? `${o.indent}${o.extra}${c}` : ''))],
  }));
const bodyItem = fc.oneof(
  { weight: 5, arbitrary: optionLines.map((o) => ({ key: o.key as string | null, lines: o.lines })) },
  { weight: 1, arbitrary: blankLine.map((l) => ({ key: null, lines: [l] })) },
  { weight: 1, arbitrary: commentLine.map((l) => ({ key: null, lines: [l] })) },
);
const section = fc.record({
  name: sectionName,
  indent: fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 1, arbitrary: pick(' ', '\t') }),
  trailing: pick('', '', '', ' ', ' # note', ';x'),
  body: fc.uniqueArray(bodyItem, { selector: (b) => b.key ?? Symbol(), maxLength: 6 }),
});
const eolStyle = pick('\n', '\r\n', 'mixed');
/** A credentials file as people and tools leave them; a few are damaged (duplicate sections). */
const credentialsFile = fc
  .record({
    preamble: fc.array(fc.oneof(blankLine, commentLine), { maxLength: 2 }),
    sections: fc.oneof(
      { weight: 9, arbitrary: fc.uniqueArray(section, { selector: (s) => s.name, maxLength: 6 }) },
      { weight: 1, arbitrary: fc.array(section, { maxLength: 4 }) },
    ),
    eol: eolStyle,
    mixedEols: fc.array(pick('\n', '\r\n', '\r'), { minLength: 60, maxLength: 60 }),
    trailingNewline: fc.boolean(),
  })
  .map((f) => {
    const lines = [
      ...f.preamble,
      ...f.sections.flatMap((s) => [`${s.indent}[${s.name}]${s.trailing}`, ...s.body.flatMap((b) => b.lines)]),
    ];
    return lines
      .map((l, i) => {
        const eol = f.eol === 'mixed' ? f.mixedEols[i % 60]! : f.eol;
        return i < lines.length - 1 || f.trailingNewline ? l + eol : l;
      })
      .join('');
  });

const credentials: fc.Arbitrary<AwsCredentials> = fc.record({
  accessKeyId: fc.string({ unit: pick(...'ASIAKEY0123456789'), minLength: 4, maxLength: 20 }),
  secretAccessKey: fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 }),
  sessionToken: fc.string({ unit: pick(...'FwoGZXIvYXdzE/+=abc123'), minLength: 1, maxLength: 60 }),
  expiration: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
});
const region = fc.option(pick('us-east-1', 'eu-west-1', 'us-gov-west-1', 'cn-north-1'), { nil: undefined });

/** A file plus a change to it: updates of existing and new profiles, removals of existing and absent ones. */
const scenario = credentialsFile.chain((file) => {
  const ref = referenceRead(file);
  const existing = ref.ok ? Object.keys(ref.sections).filter((n) => /^[A-Za-z0-9_-]{1,64}$/.test(n) && n !== 'DEFAULT') : [];
  const names = [...new Set([...existing, 'dev', 'prod-admin', 'x_1'])];
  return fc
    .shuffledSubarray(names, { maxLength: Math.min(5, names.length) })
    .chain((targets) =>
      fc.record({
        file: fc.constant(file),
        updates: fc.tuple(...targets.map((name) => fc.record({ name: fc.constant(name), credentials, region }))) as fc.Arbitrary<ProfileUpdate[]>,
        removals: fc.subarray([...existing.filter((n) => !targets.includes(n)), 'never-there']).map((r) => r.slice(0, 3)),
      }),
    );
});

// ── helpers for the byte-level checks ────────────────────────────────────────────────────────────────────────

const rawLines = (text: string) => (text.length ? text.split(/(?<=\r\n|\r(?!\n)|\n)/) : []);
interface Block { name: string | null; text: string; lines: { text: string; info: LineInfo }[] }
/** The file cut at each header line (as RawConfigParser reads headers); the first block is the preamble. */
function blocks(text: string): Block[] {
  const ref = referenceRead(text);
  const out: Block[] = [{ name: null, text: '', lines: [] }];
  rawLines(text).forEach((raw, i) => {
    const info = ref.lines[i]!;
    if (info.kind === 'header') out.push({ name: info.section!, text: '', lines: [] });
    const b = out.at(-1)!;
    b.text += raw;
    b.lines.push({ text: raw.replace(/\r?\n$|\r$/, ''), info });
  });
  return out;
}
const neutral = (l: { text: string; info: LineInfo }) => l.info.kind === 'blank' || l.info.kind === 'comment';

type Outcome = { ok: true; text: string } | { ok: false; error: CredentialsFileError };
function tryMerge(file: string, updates: ProfileUpdate[], removals: string[]): Outcome {
  try {
    return { ok: true, text: mergeCredentialsFile(file, updates, { removals }) };
  } catch (error) {
    if (error instanceof CredentialsFileError) return { ok: false, error };
    throw error;
  }
}
/** Merges, requiring the writer to refuse exactly the files the reference reader rejects. */
function mergeOrSkip(file: string, updates: ProfileUpdate[], removals: string[]): string | null {
  const before = referenceRead(file);
  const r = tryMerge(file, updates, removals);
  if (!before.ok) {
    expect(r.ok ? 'merged' : r.error.code).toBe('DAMAGED_FILE');
    return null;
  }
  if (!r.ok && r.error.code === 'UNSAFE_EDIT') {
    // Two edits no writer can make safely, refused: removing a section just before an indented header (which would
    // become a continuation line), and adding a section under a [DEFAULT] whose nested value botocore cannot parse
    // (harmless while there is no other section, fatal once there is one).
    const indentedHeader = removals.length > 0 && /(^|[\r\n])[ \t]+\[/.test(file);
    const defaultTimeBomb = !referenceRead(`${file}\n[probe-section]\n`).ok;
    expect(indentedHeader || defaultTimeBomb).toBe(true);
    return null;
  }
  if (!r.ok) throw r.error;
  return r.text;
}

// ── properties ───────────────────────────────────────────────────────────────────────────────────────────────

describe('mergeCredentialsFile — properties (random files × random changes)', () => {
  it('refuses exactly the files the AWS CLI cannot read, and otherwise keeps every untouched byte', () => {
    fc.assert(
      fc.property(scenario, ({ file, updates, removals }) => {
        const out = mergeOrSkip(file, updates, removals);
        if (out === null) return;
        const targets = new Set(updates.map((u) => u.name));
        const removed = new Set(removals);
        const before = blocks(file);
        const after = blocks(out);
        const untouched = (b: Block) => b.name === null || (!targets.has(b.name) && !removed.has(b.name));
        // Untouched blocks, in the same order, each starting with its old bytes; anything after is blank or comment.
        const oldKept = before.filter(untouched);
        const newKept = after.filter(untouched);
        expect(newKept.map((b) => b.name)).toEqual(oldKept.map((b) => b.name));
        oldKept.forEach((old, i) => {
          const now = newKept[i]!;
          expect(now.text.startsWith(old.text)).toBe(true);
          expect(now.lines.slice(old.lines.length).every(neutral)).toBe(true);
        });
        // Updated sections: every line that is not one of the keys we wrote (comments, other keys) kept in order.
        for (const u of updates) {
          const old = before.find((b) => b.name === u.name);
          if (!old) continue;
          const written = new Set(profileEntries(u.credentials, u.region).map(([k]) => k));
          const others = (b: Block) => b.lines.filter((l) => l.info.kind !== 'blank' && !(l.info.kind !== 'header' && l.info.key && written.has(l.info.key)));
          const oldOthers = others(old);
          const newOthers = others(after.find((b) => b.name === u.name)!);
          expect(newOthers.slice(0, oldOthers.length).map((l) => l.text)).toEqual(oldOthers.map((l) => l.text));
          // Only comments can follow: those of a removed section that came next.
          expect(newOthers.slice(oldOthers.length).every(neutral)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('writes values the reference reader finds, changes nothing else it reads, and never duplicates a section', () => {
    fc.assert(
      fc.property(scenario, ({ file, updates, removals }) => {
        const out = mergeOrSkip(file, updates, removals);
        if (out === null) return;
        const before = referenceRead(file);
        const after = referenceRead(out);
        expect(after.ok).toBe(true); // a duplicate section would be a DuplicateSectionError here
        if (!before.ok || !after.ok) return;
        for (const u of updates) {
          const keys = after.sections[u.name]!;
          for (const [k, v] of profileEntries(u.credentials, u.region)) expect(keys[k]).toBe(v);
          for (const [k, v] of Object.entries(before.sections[u.name] ?? {})) {
            const ours = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token', 'x_security_token_expires'];
            if (!ours.includes(k) && !(k === 'region' && u.region)) expect(keys[k]).toBe(v);
          }
        }
        for (const [name, keys] of Object.entries(before.sections)) {
          if (!updates.some((u) => u.name === name) && !removals.includes(name)) expect(after.sections[name]).toEqual(keys);
        }
        // Header lines in the output: each name once.
        const headers = after.lines.filter((l) => l.kind === 'header' && l.section !== 'DEFAULT').map((l) => l.section);
        expect(new Set(headers).size).toBe(headers.length);
      }),
      { numRuns: RUNS },
    );
  });

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
    [
      'keeps a region it was not given',
      '[dev]\nregion = eu-west-1\n',
      [{ name: 'dev', credentials: creds }],
      [],
      `[dev]\nregion = eu-west-1\n${KEYS()}`,
    ],
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
    expect(error.issues).toEqual([{ line: 10, message: expect.stringContaining('second [dev] section (the first is on line 4)') }]);
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
    expect(() => mergeCredentialsFile('', [{ name: 'a', credentials: creds }, { name: 'a', credentials: creds }])).toThrow(expect.objectContaining({ code: 'DUPLICATE_PROFILE' }));
    expect(() => mergeCredentialsFile('', [{ name: 'a', credentials: creds }], { removals: ['a'] })).toThrow(expect.objectContaining({ code: 'DUPLICATE_PROFILE' }));
  });

  it('renderCredentialsFile is the merge into an empty file, sections one blank line apart', () => {
    const updates = [{ name: 'a', credentials: creds }, { name: 'b', credentials: creds, region: 'eu-west-1' }];
    expect(renderCredentialsFile(updates)).toBe(mergeCredentialsFile('', updates));
    expect(renderCredentialsFile(updates)).toBe(`${SECTION('a')}\n${renderProfileSection('b', creds, { region: 'eu-west-1' })}`);
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
