/**
 * A model of the shared credentials file for tests of lib/credentials-file.ts: an independent reader (a
 * statement-by-statement port of Python's RawConfigParser._read and botocore's raw_config_parse, `referenceRead`),
 * fast-check generators of files as people and tools leave them and of changes to them, and byte-level helpers.
 * Used by tests/unit/credentials-file.test.ts (which also checks the reader against botocore when python3 has it)
 * and tests/unit/fuzz-credentials-file.test.ts.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { AwsCredentials } from '../../lib/credentials';
import { CredentialsFileError, mergeCredentialsFile, profileEntries, type ProfileUpdate } from '../../lib/credentials-file';

// ── reference reader ─────────────────────────────────────────────────────────────────────────────────────────

/** Characters for which Python's `str.isspace()` is true (also what `\s` matches in a str regex). */
const PY_SPACE = new Set([
  ...'\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680',
  ...Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
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

export type Kind = 'blank' | 'comment' | 'header' | 'option' | 'continuation' | 'error';
export interface LineInfo {
  kind: Kind;
  section?: string;
  key?: string;
}
export type RefResult = { ok: true; sections: Record<string, Record<string, string>>; lines: LineInfo[] } | { ok: false; error: string; lines: LineInfo[] };

/** RawConfigParser(strict=True, empty_lines_in_values=True, comment_prefixes=('#',';')) + raw_config_parse. */
/** The last few texts read (a property reads the same file and merge result several times). Results are not mutated. */
const readCache = new Map<string, RefResult>();
export function referenceRead(text: string): RefResult {
  let result = readCache.get(text);
  if (!result) {
    if (readCache.size > 16) readCache.clear();
    result = readFresh(text);
    readCache.set(text, result);
  }
  return result;
}

function readFresh(text: string): RefResult {
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

export const asRecord = (m: Map<string, Map<string, string>>) => Object.fromEntries([...m].map(([k, v]) => [k, Object.fromEntries(v)]));

// ── generators ───────────────────────────────────────────────────────────────────────────────────────────────

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
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
  'aws_access_key_id',
  'AWS_ACCESS_KEY_ID',
  'aws_secret_access_key',
  'Aws_Session_Token',
  'aws_security_token',
  'x_security_token_expires',
  'region',
  'REGION',
  'output',
  'cli_pager',
  's3',
  'mixed Key',
  'ключ',
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
    continuations: fc.array(fc.oneof({ weight: 4, arbitrary: valueText.filter((v) => strip(v) !== '') }, { weight: 1, arbitrary: fc.constant('') }), {
      maxLength: 2,
    }),
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
export const credentialsFile = fc
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
    const lines = [...f.preamble, ...f.sections.flatMap((s) => [`${s.indent}[${s.name}]${s.trailing}`, ...s.body.flatMap((b) => b.lines)])];
    return lines
      .map((l, i) => {
        const eol = f.eol === 'mixed' ? f.mixedEols[i % 60]! : f.eol;
        return i < lines.length - 1 || f.trailingNewline ? l + eol : l;
      })
      .join('');
  });

export const credentials: fc.Arbitrary<AwsCredentials> = fc.record({
  accessKeyId: fc.string({ unit: pick(...'ASIAKEY0123456789'), minLength: 4, maxLength: 20 }),
  secretAccessKey: fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 }),
  sessionToken: fc.string({ unit: pick(...'FwoGZXIvYXdzE/+=abc123'), minLength: 1, maxLength: 60 }),
  expiration: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
});
export const region = fc.option(pick('us-east-1', 'eu-west-1', 'us-gov-west-1', 'cn-north-1'), { nil: undefined });

/** A file plus a change to it: updates of existing and new profiles, removals of existing and absent ones. */
export const scenario = credentialsFile.chain((file) => {
  const ref = referenceRead(file);
  const existing = ref.ok ? Object.keys(ref.sections).filter((n) => /^[A-Za-z0-9_-]{1,64}$/.test(n) && n !== 'DEFAULT') : [];
  const names = [...new Set([...existing, 'dev', 'prod-admin', 'x_1'])];
  return fc.shuffledSubarray(names, { maxLength: Math.min(5, names.length) }).chain((targets) =>
    fc.record({
      file: fc.constant(file),
      updates: fc.tuple(...targets.map((name) => fc.record({ name: fc.constant(name), credentials, region }))) as fc.Arbitrary<ProfileUpdate[]>,
      removals: fc.subarray([...existing.filter((n) => !targets.includes(n)), 'never-there']).map((r) => r.slice(0, 3)),
    }),
  );
});

// ── helpers for the byte-level checks ────────────────────────────────────────────────────────────────────────

export const rawLines = (text: string) => (text.length ? text.split(/(?<=\r\n|\r(?!\n)|\n)/) : []);
export interface Block {
  name: string | null;
  text: string;
  lines: { text: string; info: LineInfo }[];
}
/** The file cut at each header line (as RawConfigParser reads headers); the first block is the preamble. */
export function blocks(text: string): Block[] {
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
export const neutral = (l: { text: string; info: LineInfo }) => l.info.kind === 'blank' || l.info.kind === 'comment';

export type Outcome = { ok: true; text: string } | { ok: false; error: CredentialsFileError };
export function tryMerge(file: string, updates: ProfileUpdate[], removals: string[]): Outcome {
  try {
    return { ok: true, text: mergeCredentialsFile(file, updates, { removals }) };
  } catch (error) {
    if (error instanceof CredentialsFileError) return { ok: false, error };
    throw error;
  }
}
/** Merges, requiring the writer to refuse exactly the files the reference reader rejects. */
export function mergeOrSkip(file: string, updates: ProfileUpdate[], removals: string[]): string | null {
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

// ── checks of one merge (one expect each: they run 10,000+ times, and each expect call costs) ────────────────────

/** Every section the change does not target, and the preamble, keep their bytes, in order; target sections keep their other lines. */
export function expectUntouchedBytesKept(file: string, out: string, updates: readonly ProfileUpdate[], removals: readonly string[]): void {
  const targets = new Set(updates.map((u) => u.name));
  const removed = new Set(removals);
  const before = blocks(file);
  const after = blocks(out);
  const untouched = (b: Block) => b.name === null || (!targets.has(b.name) && !removed.has(b.name));
  const problems: string[] = [];
  // Untouched blocks, in the same order, each starting with its old bytes; anything after is blank or comment.
  const oldKept = before.filter(untouched);
  const newKept = after.filter(untouched);
  if (newKept.map((b) => b.name).join('\0') !== oldKept.map((b) => b.name).join('\0')) problems.push('untouched sections differ or moved');
  else {
    oldKept.forEach((old, i) => {
      const now = newKept[i]!;
      // Removing the sections at the end of the file also drops the one blank line before them (the one adding
      // them put there), which the reader counts as the last kept block's.
      const rest = before.slice(before.indexOf(old) + 1);
      const endsBeforeRemoved = rest.length > 0 && rest.every((b) => b.name !== null && removed.has(b.name));
      const last = old.lines.at(-1);
      const kept = endsBeforeRemoved && last?.info.kind === 'blank' ? old.text.slice(0, old.text.length - rawLines(old.text).at(-1)!.length) : old.text;
      if (!now.text.startsWith(kept)) problems.push(`[${old.name ?? '(preamble)'}] lost bytes`);
      if (!now.lines.slice(old.lines.length).every(neutral)) problems.push(`[${old.name ?? '(preamble)'}] gained settings`);
    });
  }
  // Updated sections: every line that is not one of the keys we wrote (comments, other keys) kept in order.
  for (const u of updates) {
    const old = before.find((b) => b.name === u.name);
    if (!old) continue;
    const written = new Set(profileEntries(u.credentials, u.region).map(([k]) => k));
    const others = (b: Block) => b.lines.filter((l) => l.info.kind !== 'blank' && !(l.info.kind !== 'header' && l.info.key && written.has(l.info.key)));
    const oldOthers = others(old);
    const newOthers = others(after.find((b) => b.name === u.name)!);
    if (
      newOthers
        .slice(0, oldOthers.length)
        .map((l) => l.text)
        .join('\n') !== oldOthers.map((l) => l.text).join('\n')
    )
      problems.push(`[${u.name}] lost other lines`);
    // Only comments can follow: those of a removed section that came next.
    if (!newOthers.slice(oldOthers.length).every(neutral)) problems.push(`[${u.name}] gained settings`);
  }
  expect(problems).toEqual([]);
}

/** The reference reader finds the written values and every other value unchanged, and each section header once. */
export function expectValuesWrittenOnce(file: string, out: string, updates: readonly ProfileUpdate[], removals: readonly string[]): void {
  const before = referenceRead(file);
  const after = referenceRead(out);
  // A duplicate section would be a DuplicateSectionError here.
  if (!after.ok) return void expect(after).toMatchObject({ ok: true });
  if (!before.ok) return;
  const problems: string[] = [];
  const ours = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token', 'x_security_token_expires'];
  for (const u of updates) {
    const keys = after.sections[u.name] ?? {};
    for (const [k, v] of profileEntries(u.credentials, u.region)) if (keys[k] !== v) problems.push(`[${u.name}] ${k} not written`);
    for (const [k, v] of Object.entries(before.sections[u.name] ?? {})) {
      if (!ours.includes(k) && !(k === 'region' && u.region) && keys[k] !== v) problems.push(`[${u.name}] ${k} changed`);
    }
  }
  for (const [name, keys] of Object.entries(before.sections)) {
    if (!updates.some((u) => u.name === name) && !removals.includes(name) && JSON.stringify(after.sections[name]) !== JSON.stringify(keys))
      problems.push(`[${name}] changed`);
  }
  // Header lines in the output: each name once.
  const headers = after.lines.filter((l) => l.kind === 'header' && l.section !== 'DEFAULT').map((l) => l.section);
  if (new Set(headers).size !== headers.length) problems.push('a section appears twice');
  expect(problems).toEqual([]);
}
