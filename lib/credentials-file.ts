/**
 * The shared credentials file format (`~/.aws/credentials`). One writer for the popup's snippet, the download
 * and the native host, so they can never disagree. Facts: docs/cli-formats.md#credentials-file. Pure: no Node or browser APIs.
 *
 * Reading follows Python's `configparser.RawConfigParser()` exactly as botocore uses it (`raw_config_parse`):
 * strict (a duplicate section or key is an error), `=` or `:` delimiters, full-line `#`/`;` comments only,
 * keys lower-cased, continuation lines by indentation (blank and comment lines may sit inside a value),
 * `[DEFAULT]` folded into every section. Section headers are `SECTCRE = \[(?P<header>.+)\]` matched at the
 * start of the stripped line: the name runs from the first `[` to the LAST `]` of the line, spaces included, and
 * anything after that `]` is ignored (`[dev] # x` is section `dev`, `[ dev ]` is section ` dev `).
 *
 * Writing follows the AWS CLI's `ConfigFileWriter`: only target sections change, line by line; every other byte
 * stays as it was. The result is re-read before it is returned, so a file this module hands back always reads,
 * for botocore, as the old file plus exactly the requested changes.
 */
import { formatExpiration, type AwsCredentials } from './credentials';
import { isValidProfileName } from './profile-name';

export { isValidProfileName, MAX_PROFILE_NAME_LENGTH, PROFILE_NAME, PROFILE_NAME_CHARACTERS } from './profile-name';

/** The key/value lines of one profile, in the order written. `aws_security_token` repeats the token for boto2/Ansible. */
export function profileEntries(credentials: AwsCredentials, region?: string): [string, string][] {
  const entries: [string, string][] = [
    ['aws_access_key_id', credentials.accessKeyId],
    ['aws_secret_access_key', credentials.secretAccessKey],
    ['aws_session_token', credentials.sessionToken],
    ['aws_security_token', credentials.sessionToken],
    ['x_security_token_expires', formatExpiration(credentials.expiration)],
  ];
  if (region) entries.push(['region', region]);
  return entries;
}

/** One `[name]` section with its keys, each line ending in `newline`. */
export function renderProfileSection(name: string, credentials: AwsCredentials, options: { region?: string; newline?: string } = {}): string {
  if (!isValidProfileName(name)) throw new Error(`"${name}" is not a valid profile name (letters, digits, _ and - only)`);
  const nl = options.newline ?? '\n';
  return [`[${name}]`, ...profileEntries(credentials, options.region).map(([k, v]) => `${k} = ${v}`)].join(nl) + nl;
}

// ── types ────────────────────────────────────────────────────────────────────────────────────────────────────

/** One profile to create or update. */
export interface ProfileUpdate {
  name: string;
  credentials: AwsCredentials;
  /** Written as `region = …` when given; an existing `region` line is kept when not. */
  region?: string;
}

/** Keys this module writes; every other key of a section is the user's and is kept. */
export const MANAGED_KEYS = [
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_security_token',
  'x_security_token_expires',
  'region',
] as const;

/** Where and what is wrong in a file; never holds a value from the file (it may be a secret). */
export interface CredentialsFileIssue {
  /** 1-based line number. */
  line: number;
  message: string;
}

/** The credential fields and the region, as `INVALID_VALUE` names them (never their values). */
export type CredentialsFileField = 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration' | 'region';

/** What each refusal carries besides its code: names and line numbers, never a value (it may be a secret). */
export interface CredentialsFileErrorData {
  /** A profile name outside `PROFILE_NAME` (`name`: at most its first 80 characters). */
  INVALID_PROFILE_NAME: { name: string };
  /** `DEFAULT`: RawConfigParser folds it into every other section. */
  RESERVED_PROFILE_NAME: { name: string };
  /** A credential, expiry or region value that would not survive the file format. */
  INVALID_VALUE: { profile: string; field: CredentialsFileField };
  /** The same profile twice in one request (or both updated and removed). */
  DUPLICATE_PROFILE: { profile: string };
  /** The existing file is one the AWS CLI cannot read (duplicate section, text outside a section, …): every problem. */
  DAMAGED_FILE: { issues: CredentialsFileIssue[] };
  /**
   * The edit would change how another part of the file reads (pathological indentation). Nothing is written.
   * `section`: the section that would change, null when the change is to the set of sections; `issue`: what the
   * merged text would make the AWS CLI refuse (its line is in the merged text), if that is the reason.
   */
  UNSAFE_EDIT: { section: string | null; issue: CredentialsFileIssue | null };
}
export type CredentialsFileErrorCode = keyof CredentialsFileErrorData;
/** A refusal as data: its code and that code's fields. */
export type CredentialsFileErrorDetail = { [K in CredentialsFileErrorCode]: { code: K } & CredentialsFileErrorData[K] }[CredentialsFileErrorCode];

const issueList = (issues: readonly CredentialsFileIssue[]): string => {
  const shown = issues.slice(0, 5).map((i) => `line ${i.line}: ${i.message}`);
  if (issues.length > 5) shown.push(`and ${issues.length - 5} more`);
  return shown.join('; ');
};

/** This module's own words for a refusal (for tests and logs; the host and the extension word it from the data). */
function messageOf(d: CredentialsFileErrorDetail): string {
  switch (d.code) {
    case 'INVALID_PROFILE_NAME':
      return `${JSON.stringify(d.name)} is not a valid profile name (1–64 letters, digits, _ and -)`;
    case 'RESERVED_PROFILE_NAME':
      return `"${d.name}" is reserved: the AWS CLI would apply its keys to every profile (use "default" for the default profile)`;
    case 'INVALID_VALUE':
      return d.field === 'region'
        ? `profile ${d.profile}: region must be lower-case letters, digits and - (e.g. eu-west-1)`
        : d.field === 'expiration'
          ? `profile ${d.profile}: expiration is not a date`
          : `profile ${d.profile}: ${d.field} must be printable ASCII without spaces or line breaks`;
    case 'DUPLICATE_PROFILE':
      return `profile ${d.profile} appears twice in one change`;
    case 'DAMAGED_FILE':
      return `The credentials file cannot be read by the AWS CLI, so it was left as it is: ${issueList(d.issues)}`;
    case 'UNSAFE_EDIT': {
      const why = d.issue
        ? `line ${d.issue.line}: ${d.issue.message}`
        : d.section !== null
          ? `[${d.section}] would change`
          : 'the set of sections would change';
      return `This change would alter how other parts of the credentials file read (${why}), so nothing was written; check the indentation of the lines around it`;
    }
  }
}

/** A refusal to read or write: `code` and `detail` for callers, who word it themselves; `message` for tests and logs. */
export class CredentialsFileError extends Error {
  override readonly name = 'CredentialsFileError';
  readonly code: CredentialsFileErrorCode;
  constructor(readonly detail: CredentialsFileErrorDetail) {
    super(messageOf(detail));
    this.code = detail.code;
  }
}

/** Sections and keys as botocore sees them, or every problem that makes the AWS CLI refuse the file. */
export type ParsedCredentialsFile = { ok: true; sections: Map<string, Map<string, string>> } | { ok: false; issues: CredentialsFileIssue[] };

// ── Python's notion of whitespace and lines ──────────────────────────────────────────────────────────────────

/** `str.isspace()` (also `re`'s `\s` for str patterns): differs from JS `\s` (adds \x1c-\x1f and \x85, lacks \ufeff). */
function isPySpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}
/** Index of the first non-whitespace character (RawConfigParser's `NONSPACECRE.search`), or -1. */
function firstNonSpace(s: string): number {
  for (let i = 0; i < s.length; i++) if (!isPySpace(s.charCodeAt(i))) return i;
  return -1;
}
function pyStrip(s: string): string {
  const start = firstNonSpace(s);
  if (start < 0) return '';
  let end = s.length;
  while (isPySpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}
function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isPySpace(s.charCodeAt(end - 1))) end--;
  return end === s.length ? s : s.slice(0, end);
}
/**
 * RawConfigParser's `SECTCRE` (`\[(?P<header>.+)\]`, `re.match` on the stripped line): the header runs from the
 * leading `[` to the line's last `]`, at least one character. Null when the line is not a header.
 */
function sectionHeader(value: string): string | null {
  if (value.charCodeAt(0) !== 0x5b) return null;
  const close = value.lastIndexOf(']');
  return close >= 2 ? value.slice(1, close) : null;
}
/**
 * RawConfigParser's `OPTCRE` with delimiters `=` and `:` (`(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`): the
 * lazy option ends at the first `=` or `:`. Returns the raw option (before `rstrip`) and the stripped value.
 */
function optionLine(value: string): { option: string; value: string } | null {
  let at = -1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x3d || c === 0x3a) {
      at = i;
      break;
    }
  }
  return at < 0 ? null : { option: pyRstrip(value.slice(0, at)), value: pyStrip(value.slice(at + 1)) };
}
/** `str.splitlines()` boundaries, used by botocore's nested-value parser. */
const PY_SPLITLINES = /\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]/;
const DEFAULT_SECTION = 'DEFAULT';

interface RawLine {
  text: string;
  /** `\r\n`, `\r`, `\n`, or '' for a last line without one. Python reads files with universal newlines. */
  eol: string;
}

function splitLines(text: string): RawLine[] {
  const lines: RawLine[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push({ text: text.slice(start, m.index), eol: m[0] });
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

// ── scanning: RawConfigParser._read, line by line ────────────────────────────────────────────────────────────

type LineKind = 'blank' | 'comment' | 'header' | 'option' | 'continuation' | 'invalid';

interface ScannedOption {
  key: string;
  /** Index of the `key = value` line. */
  line: number;
  /** Index of its last continuation line (= `line` when there is none). */
  lastLine: number;
  /** Leading whitespace of the key line, kept when the line is rewritten. */
  indent: string;
  pieces: string[];
}

interface ScannedSection {
  name: string;
  headerLine: number;
  /** Index of the next header line, or the number of lines. */
  end: number;
  options: ScannedOption[];
  /** A second header of the same name (already reported): its keys are not compared with the first one's. */
  duplicate: boolean;
}

interface Scan {
  lines: RawLine[];
  kinds: LineKind[];
  sections: ScannedSection[];
  issues: CredentialsFileIssue[];
}

/** The last scan, reused when the same text is read again (the host checks a file, then merges into it). */
let lastScan: { text: string; scan: Scan } | undefined;

function scan(text: string): Scan {
  if (lastScan?.text === text) return lastScan.scan;
  const result = scanLines(text);
  lastScan = { text, scan: result };
  return result;
}

function scanLines(text: string): Scan {
  const lines = splitLines(text);
  const kinds: LineKind[] = [];
  const sections: ScannedSection[] = [];
  const issues: CredentialsFileIssue[] = [];
  const firstHeaderLine = new Map<string, number>();
  /** Per section name, the line of each key's first appearance (two [DEFAULT] blocks share one; see _read). */
  const firstKeyLine = new Map<string, Map<string, number>>();
  let keyLines = new Map<string, number>();
  let section: ScannedSection | undefined;
  let option: ScannedOption | undefined;
  let indentLevel = 0;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.text;
    const value = pyStrip(raw);
    if (value.startsWith('#') || value.startsWith(';')) {
      kinds.push('comment');
      continue;
    }
    if (!value) {
      kinds.push('blank');
      if (option?.key) option.pieces.push('');
      continue;
    }
    const curIndent = firstNonSpace(raw);
    if (section && option?.key && curIndent > indentLevel) {
      kinds.push('continuation');
      option.pieces.push(value);
      option.lastLine = i;
      continue;
    }
    indentLevel = curIndent;
    const name = sectionHeader(value);
    if (name !== null) {
      const first = firstHeaderLine.get(name);
      const duplicate = first !== undefined && name !== DEFAULT_SECTION;
      if (duplicate) {
        issues.push({
          line: i + 1,
          message: `second [${name}] section (the first is on line ${first + 1}); the AWS CLI refuses a file with a section twice — merge the two or delete one`,
        });
      } else if (first === undefined) firstHeaderLine.set(name, i);
      if (section) section.end = i;
      section = { name, headerLine: i, end: lines.length, options: [], duplicate };
      // A duplicate section is already an error; its keys are not also reported against the first one's.
      keyLines = duplicate ? new Map() : (firstKeyLine.get(name) ?? new Map());
      if (!duplicate) firstKeyLine.set(name, keyLines);
      sections.push(section);
      option = undefined;
      kinds.push('header');
      continue;
    }
    if (!section) {
      kinds.push('invalid');
      issues.push({
        line: i + 1,
        message:
          i === 0 && raw.startsWith('\ufeff')
            ? 'the file starts with a byte-order mark (BOM), which the AWS CLI cannot read; save it as UTF-8 without BOM'
            : 'text before the first [section] header',
      });
      continue;
    }
    const opt = optionLine(value);
    if (!opt) {
      // RawConfigParser keeps the previous key current here (later deeper lines still continue it).
      kinds.push('invalid');
      issues.push({ line: i + 1, message: `in [${section.name}]: neither a [section] header, a "key = value" line nor a comment` });
      continue;
    }
    const key = opt.option.toLowerCase();
    if (!opt.option) issues.push({ line: i + 1, message: `in [${section.name}]: a "= value" line without a key` });
    const firstKey = keyLines.get(key);
    if (firstKey !== undefined) {
      issues.push({ line: i + 1, message: `second "${key}" key in [${section.name}] (the first is on line ${firstKey + 1})` });
    } else keyLines.set(key, i);
    option = { key, line: i, lastLine: i, indent: raw.slice(0, curIndent), pieces: [opt.value] };
    section.options.push(option);
    kinds.push('option');
  }

  const flagged = new Set<ScannedOption>();
  const nested = (o: ScannedOption) => o.pieces.length > 1 && o.pieces[0] === '';
  const candidates = sections.some((x) => x.name === DEFAULT_SECTION) ? effectiveOptions(sections) : sectionsWithNestedValues(sections, nested);
  for (const [name, options] of candidates) {
    for (const o of options.values()) {
      if (flagged.has(o) || !nested(o) || nestedValueIsValid(joinValue(o.pieces))) continue;
      flagged.add(o);
      issues.push({
        line: o.line + 1,
        message: `in [${name}]: the indented lines under "${o.key}" are read by botocore as nested "key = value" settings, and one has no "="`,
      });
    }
  }
  issues.sort((a, b) => a.line - b.line);
  return { lines, kinds, sections, issues };
}

/** `_join_multiline_values`: pieces joined by newlines, trailing whitespace dropped. */
const joinValue = (pieces: readonly string[]): string => (pieces.length === 1 ? pieces[0]! : pyRstrip(pieces.join('\n')));

/** botocore's `_parse_nested`: a value starting with a newline must be `key = value` lines. */
function nestedValueIsValid(value: string): boolean {
  if (!value.startsWith('\n')) return true;
  return value.split(PY_SPLITLINES).every((line) => !pyStrip(line) || line.includes('='));
}

/** Without [DEFAULT], each section's own options are what botocore sees; only those matching `keep` are listed. */
function sectionsWithNestedValues(sections: readonly ScannedSection[], keep: (o: ScannedOption) => boolean): [string, ScannedOption[]][] {
  return sections.filter((x) => x.options.some(keep)).map((x) => [x.name, x.options]);
}

/** Each section's keys as botocore's `cp.options(section)` lists them: its own over `[DEFAULT]`'s. */
function effectiveOptions(sections: readonly ScannedSection[]): Map<string, Map<string, ScannedOption>> {
  const defaults = new Map<string, ScannedOption>();
  const own = new Map<string, Map<string, ScannedOption>>();
  for (const section of sections) {
    const target = section.name === DEFAULT_SECTION ? defaults : (own.get(section.name) ?? new Map<string, ScannedOption>());
    if (section.name !== DEFAULT_SECTION) own.set(section.name, target);
    for (const o of section.options) target.set(o.key, o);
  }
  if (!defaults.size) return own;
  return new Map([...own].map(([name, keys]) => [name, new Map([...defaults, ...keys])]));
}

function sectionsOf(s: Scan): Map<string, Map<string, string>> {
  return new Map([...effectiveOptions(s.sections)].map(([name, keys]) => [name, new Map([...keys].map(([k, o]) => [k, joinValue(o.pieces)]))]));
}

/** Reads `text` the way botocore does: sections (without `DEFAULT`, which is folded into each), lower-cased keys. */
export function parseCredentialsFile(text: string): ParsedCredentialsFile {
  const s = scan(text);
  return s.issues.length ? { ok: false, issues: [...s.issues] } : { ok: true, sections: sectionsOf(s) };
}

// ── writing ──────────────────────────────────────────────────────────────────────────────────────────────────

/** STS credentials are printable ASCII; anything else (spaces at the ends, line breaks) would not read back. */
export const CREDENTIAL_VALUE = /^[\x21-\x7e]+$/;
/** A region as a credentials-file value (`eu-west-1`). */
export const REGION_VALUE = /^[a-z0-9-]{1,32}$/;

/** Whether the writer may write a section of this name: a valid profile name that is not botocore's `DEFAULT`. */
export function isWritableProfileName(name: string): boolean {
  return isValidProfileName(name) && name !== DEFAULT_SECTION;
}

function checkProfileName(name: string): void {
  if (!isValidProfileName(name)) throw new CredentialsFileError({ code: 'INVALID_PROFILE_NAME', name: name.slice(0, 80) });
  if (name === DEFAULT_SECTION) throw new CredentialsFileError({ code: 'RESERVED_PROFILE_NAME', name });
}

/** The lines to write for one update, validated. Messages name the field, never its value. */
function entriesFor(update: ProfileUpdate): [string, string][] {
  const { credentials, region, name } = update;
  for (const field of ['accessKeyId', 'secretAccessKey', 'sessionToken'] as const) {
    const value: unknown = credentials[field];
    if (typeof value !== 'string' || !CREDENTIAL_VALUE.test(value)) {
      throw new CredentialsFileError({ code: 'INVALID_VALUE', profile: name, field });
    }
  }
  if (region !== undefined && !REGION_VALUE.test(region)) {
    throw new CredentialsFileError({ code: 'INVALID_VALUE', profile: name, field: 'region' });
  }
  try {
    formatExpiration(credentials.expiration);
  } catch {
    throw new CredentialsFileError({ code: 'INVALID_VALUE', profile: name, field: 'expiration' });
  }
  return profileEntries(credentials, region);
}

/** The newline written on new lines: the file's own (that of its first line: CRLF, LF or a lone CR), LF for a new file. */
function fileNewline(lines: readonly RawLine[]): string {
  return lines.find((l) => l.eol)?.eol ?? '\n';
}

/** Indent for keys added to `section`: one that leaves how the following lines read unchanged. */
function insertionIndent(s: Scan, section: ScannedSection): string {
  const last = section.options.at(-1);
  if (last) return last.indent;
  // No key yet: the next meaningful line is the next header (or nothing); match its indent so it stays a header.
  const next = s.lines[section.end];
  return next ? next.text.slice(0, Math.max(0, firstNonSpace(next.text))) : '';
}

/**
 * `existing` with each update's section created or updated and each `removals` section deleted, keeping every
 * other byte. Throws `CredentialsFileError` (with line numbers for a damaged file) and changes nothing instead of
 * guessing. See the module comment for the exact rules.
 */
export function mergeCredentialsFile(existing: string, updates: readonly ProfileUpdate[], options: { removals?: readonly string[] } = {}): string {
  const removals = new Set(options.removals ?? []);
  const seen = new Set<string>();
  for (const name of [...updates.map((u) => u.name), ...removals]) {
    checkProfileName(name);
    if (seen.has(name)) throw new CredentialsFileError({ code: 'DUPLICATE_PROFILE', profile: name });
    seen.add(name);
  }
  return editSections(
    existing,
    updates.map((u) => ({ section: u.name, set: entriesFor(u) })),
    removals,
  );
}

/** One section's change for `editSections`: keys to set (in this order when added), keys to delete. */
export interface SectionEdit {
  /** The section name as in its header (`dev`, `profile dev`). */
  section: string;
  set: readonly (readonly [string, string])[];
  /** Keys deleted with their continuation lines (keys absent from the section are ignored). */
  drop?: readonly string[];
}

/**
 * The line editor behind both writers (credentials and config file): each edit's section created or changed,
 * each `removals` section deleted, every other byte kept; refuses a file botocore cannot read, and re-reads its
 * result to prove that only the intended keys changed (`UNSAFE_EDIT` otherwise). Names and values must already
 * be valid for the file: this checks the file, not them.
 */
export function editSections(existing: string, edits: readonly SectionEdit[], removals: ReadonlySet<string> = new Set()): string {
  const wanted = new Map(edits.map((e) => [e.section, e] as const));
  const before = scan(existing);
  if (before.issues.length) throw new CredentialsFileError({ code: 'DAMAGED_FILE', issues: [...before.issues] });
  const nl = fileNewline(before.lines);
  /** Per line: replacement text (undefined = keep), or null = drop. */
  const replace = new Map<number, string | null>();
  const insertAfter = new Map<number, string[]>();

  for (const section of before.sections) {
    if (removals.has(section.name)) {
      const lastKey = Math.max(section.headerLine, ...section.options.map((o) => o.lastLine));
      let end = lastKey + 1;
      while (end < section.end && before.kinds[end] === 'blank') end++;
      for (let i = section.headerLine; i < end; i++) replace.set(i, null);
      // At the end of the file, also the one blank line that adding it put before it (skipping sections removed
      // just before): adding then removing sections gives the file back byte for byte.
      if (end === before.lines.length) {
        let prev = section.headerLine - 1;
        while (prev >= 0 && replace.get(prev) === null) prev--;
        if (prev >= 0 && before.kinds[prev] === 'blank') replace.set(prev, null);
      }
      continue;
    }
    const edit = wanted.get(section.name);
    if (!edit) continue;
    const pending = new Map(edit.set);
    const drop = new Set(edit.drop ?? []);
    for (const o of section.options) {
      const value = pending.get(o.key);
      if (value === undefined && !drop.has(o.key)) continue;
      pending.delete(o.key);
      replace.set(o.line, value === undefined ? null : `${o.indent}${o.key} = ${value}`);
      for (let i = o.line + 1; i <= o.lastLine; i++) if (before.kinds[i] !== 'comment') replace.set(i, null);
    }
    if (pending.size) {
      const after = Math.max(section.headerLine, ...section.options.map((o) => o.lastLine));
      const indent = insertionIndent(before, section);
      insertAfter.set(
        after,
        [...pending].map(([k, v]) => `${indent}${k} = ${v}`),
      );
    }
    wanted.delete(section.name);
  }

  const out: RawLine[] = [];
  before.lines.forEach((line, i) => {
    const r = replace.get(i);
    // Copies: `out` is edited below, the scan may be reused.
    if (r !== null) out.push({ text: r ?? line.text, eol: line.eol });
    const added = insertAfter.get(i);
    if (added) {
      const last = out.at(-1);
      if (last && !last.eol) last.eol = nl;
      out.push(...added.map((text) => ({ text, eol: nl })));
    }
  });
  for (const { section, set } of wanted.values()) {
    const last = out.at(-1);
    if (last) {
      if (!last.eol) last.eol = nl;
      if (pyStrip(last.text)) out.push({ text: '', eol: nl });
    }
    out.push({ text: `[${section}]`, eol: nl }, ...set.map(([k, v]) => ({ text: `${k} = ${v}`, eol: nl })));
  }
  const result = out.map((l) => l.text + l.eol).join('');
  verifyEdits(before, result, edits, removals);
  return result;
}

/** The downloadable file: the same writer on an empty file, so the download and the host can never disagree. */
export function renderCredentialsFile(updates: readonly ProfileUpdate[]): string {
  return mergeCredentialsFile('', updates);
}

/** Re-reads the edited text: other sections unchanged, targets hold exactly the new values and their other keys, removals gone. */
function verifyEdits(before: Scan, merged: string, edits: readonly SectionEdit[], removals: ReadonlySet<string>): void {
  const after = scan(merged);
  const fail = (section: string | null, issue: CredentialsFileIssue | null = null): never => {
    throw new CredentialsFileError({ code: 'UNSAFE_EDIT', section, issue });
  };
  if (after.issues.length) fail(null, { ...after.issues[0]! });
  const old = optionsBySection(before);
  const now = optionsBySection(after);
  const targets = new Map(edits.map((e) => [e.section, e] as const));
  for (const name of removals) if (now.has(name)) fail(name);
  for (const [name, options] of old) {
    if (targets.has(name) || removals.has(name)) continue;
    const next = now.get(name);
    if (!next || next.length !== options.length) return fail(name);
    options.forEach((o, i) => {
      if (next[i]!.key !== o.key || joinValue(next[i]!.pieces) !== joinValue(o.pieces)) fail(name);
    });
  }
  for (const [name, edit] of targets) {
    const options = now.get(name);
    if (!options) return fail(name);
    const keys = new Map(options.map((o) => [o.key, joinValue(o.pieces)]));
    for (const [k, v] of edit.set) if (keys.get(k) !== v) fail(name);
    const set = new Set(edit.set.map(([k]) => k));
    const drop = new Set(edit.drop ?? []);
    for (const k of drop) if (!set.has(k) && keys.has(k)) fail(name);
    for (const o of old.get(name) ?? []) {
      if (!set.has(o.key) && !drop.has(o.key) && keys.get(o.key) !== joinValue(o.pieces)) fail(name);
    }
  }
  if (now.size !== [...new Set([...old.keys(), ...targets.keys()])].filter((n) => !removals.has(n)).length) fail(null);
}

/** Each section's options as botocore sees them, in a stable order (no per-key maps unless [DEFAULT] needs folding). */
function optionsBySection(s: Scan): Map<string, readonly ScannedOption[]> {
  if (!s.sections.some((x) => x.name === DEFAULT_SECTION)) return new Map(s.sections.map((x) => [x.name, x.options]));
  return new Map([...effectiveOptions(s.sections)].map(([name, keys]) => [name, [...keys.values()]]));
}
