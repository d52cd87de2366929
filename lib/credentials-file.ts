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
 * stays as it was. The result is re-read before it is returned (the stretches an edit can affect; the whole file
 * when that cannot be told), so a file this module hands back always reads, for botocore, as the old file plus
 * exactly the requested changes.
 */
import { formatExpiration, type AwsCredentials } from './credentials';
import { isValidProfileName } from './profile-name';

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
/** `str.splitlines()` boundaries, used by botocore's nested-value parser. */
const PY_SPLITLINES = /\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]/;
const DEFAULT_SECTION = 'DEFAULT';

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
  /** The value on the key line (stripped). */
  value: string;
  /** The continuation lines' values (blank ones as ''), when there are any. */
  more?: string[];
}

class ScannedSection {
  /** Index of the next header line, or the number of lines. */
  end = -1;
  /** Whether a key in it has a value on indented lines only (botocore reads it as nested settings: checked). */
  nested = false;
  private read: ScannedOption[] | undefined;

  constructor(
    private readonly lines: ScanLines,
    readonly name: string,
    readonly headerLine: number,
    /** A second header of the same name (already reported): its keys are not compared with the first one's. */
    readonly duplicate: boolean,
  ) {}

  /** Its keys, read from its lines when first asked for: a large file's scan keeps no object per key line. */
  get options(): ScannedOption[] {
    return (this.read ??= optionsOf(this.lines, this.headerLine + 1, this.end));
  }
}

/** The lines of a scanned text, as `Scan` holds them. */
type ScanLines = Pick<Scan, 'text' | 'starts' | 'ends' | 'kinds'>;

/** Where the option on the stripped line `text[first, last)` ends, given its delimiter at `at` (RawConfigParser right-strips it). */
function optionEnd(text: string, first: number, at: number): number {
  let end = at;
  while (end > first && isPySpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/** The key lines of a section, lines `from` to `to` (as the scan classified them): keys, values, continuations. */
function optionsOf(s: ScanLines, from: number, to: number): ScannedOption[] {
  const { text, starts, ends, kinds } = s;
  const options: ScannedOption[] = [];
  let option: ScannedOption | undefined;
  for (let i = from; i < to; i++) {
    const kind = kinds[i];
    if (kind === 'blank') {
      if (option?.key) (option.more ??= []).push('');
      continue;
    }
    if (kind !== 'option' && kind !== 'continuation') continue;
    const [first, last] = stripBounds(text, starts[i]!, ends[i]!);
    if (kind === 'continuation') {
      (option!.more ??= []).push(text.slice(first, last));
      option!.lastLine = i;
      continue;
    }
    let at = first;
    while (text.charCodeAt(at) !== 0x3d && text.charCodeAt(at) !== 0x3a) at++;
    let valueStart = at + 1;
    while (valueStart < last && isPySpace(text.charCodeAt(valueStart))) valueStart++;
    const key = text.slice(first, optionEnd(text, first, at)).toLowerCase();
    option = { key, line: i, lastLine: i, indent: text.slice(starts[i], first), value: text.slice(valueStart, last) };
    options.push(option);
  }
  return options;
}

/**
 * A scanned text. Lines are offsets into `text` rather than copies, so a scan of a large file allocates little
 * more than its sections (their keys are read when asked for): line i is `text.slice(starts[i], ends[i])`, and
 * its line break (`\r\n`, `\r`, `\n`, or none on a last line without one; Python reads files with universal
 * newlines) runs from `ends[i]` to `starts[i + 1]`.
 */
interface Scan {
  text: string;
  /** Offset of each line's first character, then `text.length`: one more entry than there are lines. */
  starts: number[];
  /** Offset just past each line's text (where its line break starts). */
  ends: number[];
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

/** Python's `line.strip()` bounds of `text[start, end)`: [first, last) non-whitespace, first === last when blank. */
function stripBounds(text: string, start: number, end: number): [number, number] {
  let first = start;
  while (first < end && isPySpace(text.charCodeAt(first))) first++;
  let last = end;
  while (last > first && isPySpace(text.charCodeAt(last - 1))) last--;
  return [first, last];
}

function scanLines(text: string): Scan {
  const starts: number[] = [];
  const ends: number[] = [];
  const kinds: LineKind[] = [];
  const sections: ScannedSection[] = [];
  const issues: CredentialsFileIssue[] = [];
  const firstHeaderLine = new Map<string, number>();
  /** Per section name, the line of each key's first appearance (two [DEFAULT] blocks share one; see _read). */
  let defaultKeyLines: Map<string, number> | undefined;
  /** Reused for each section: only [DEFAULT]'s keys carry over to its next block. */
  const sectionKeyLines = new Map<string, number>();
  let keyLines = sectionKeyLines;
  /** Each key as written → lower-cased, one string per distinct key (thousands of options, a handful of keys). */
  const keyNames = new Map<string, string>();
  const lines: ScanLines = { text, starts, ends, kinds };
  let section: ScannedSection | undefined;
  /** The current key (RawConfigParser's `cursect[optname]`): undefined after a header; '' (no key) takes no continuation. */
  let key: string | undefined;
  /** Whether the current key's value on its own line is empty (then indented lines make it nested). */
  let emptyValue = false;
  let indentLevel = 0;
  // The next line break, `=` and `:` at or after the current line, found with indexOf (native, fast on a large
  // file) and looked for again only once passed, so the text is searched once for each; -1: no more of them.
  let nextLf = text.indexOf('\n');
  let nextCr = text.indexOf('\r');
  let nextEq = text.indexOf('=');
  let nextColon = text.indexOf(':');

  for (let i = 0, start = 0; start < text.length; i++) {
    if (nextLf !== -1 && nextLf < start) nextLf = text.indexOf('\n', start);
    if (nextCr !== -1 && nextCr < start) nextCr = text.indexOf('\r', start);
    let end = text.length;
    let next = end;
    if (nextCr !== -1 && (nextLf === -1 || nextCr < nextLf)) {
      end = nextCr;
      next = nextLf === nextCr + 1 ? nextCr + 2 : nextCr + 1;
    } else if (nextLf !== -1) {
      end = nextLf;
      next = nextLf + 1;
    }
    starts.push(start);
    ends.push(end);
    const lineStart = start;
    start = next;

    // [first, last): the stripped line (`value` in RawConfigParser._read). Inline: this runs once per line.
    let first = lineStart;
    while (first < end && isPySpace(text.charCodeAt(first))) first++;
    let last = end;
    while (last > first && isPySpace(text.charCodeAt(last - 1))) last--;
    const c = text.charCodeAt(first);
    if (first < last && (c === 0x23 || c === 0x3b)) {
      kinds.push('comment');
      continue;
    }
    if (first === last) {
      kinds.push('blank');
      if (key && emptyValue) section!.nested = true;
      continue;
    }
    const curIndent = first - lineStart;
    if (section && key && curIndent > indentLevel) {
      kinds.push('continuation');
      if (emptyValue) section.nested = true;
      continue;
    }
    indentLevel = curIndent;
    // RawConfigParser's `SECTCRE` (`\[(?P<header>.+)\]`, `re.match` on the stripped line): the header runs from
    // the leading `[` to the line's last `]`, at least one character.
    let close = c === 0x5b ? last - 1 : -1;
    while (close >= first + 2 && text.charCodeAt(close) !== 0x5d) close--;
    if (close >= first + 2) {
      const name = text.slice(first + 1, close);
      const firstLine = firstHeaderLine.get(name);
      const duplicate = firstLine !== undefined && name !== DEFAULT_SECTION;
      if (duplicate) {
        issues.push({
          line: i + 1,
          message: `second [${name}] section (the first is on line ${firstLine + 1}); the AWS CLI refuses a file with a section twice — merge the two or delete one`,
        });
      } else if (firstLine === undefined) firstHeaderLine.set(name, i);
      if (section) section.end = i;
      section = new ScannedSection(lines, name, i, duplicate);
      // A duplicate section is already an error; its keys are not also reported against the first one's.
      if (duplicate) keyLines = new Map();
      else if (name === DEFAULT_SECTION) keyLines = defaultKeyLines ??= new Map();
      else {
        keyLines = sectionKeyLines;
        keyLines.clear();
      }
      sections.push(section);
      key = undefined;
      kinds.push('header');
      continue;
    }
    if (!section) {
      kinds.push('invalid');
      issues.push({
        line: i + 1,
        message:
          i === 0 && text.charCodeAt(0) === 0xfeff
            ? 'the file starts with a byte-order mark (BOM), which the AWS CLI cannot read; save it as UTF-8 without BOM'
            : 'text before the first [section] header',
      });
      continue;
    }
    // RawConfigParser's `OPTCRE` with delimiters `=` and `:` (`(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`):
    // the lazy option ends at the first `=` or `:`; the option is right-stripped, the value stripped.
    if (nextEq !== -1 && nextEq < first) nextEq = text.indexOf('=', first);
    if (nextColon !== -1 && nextColon < first) nextColon = text.indexOf(':', first);
    const at = nextColon !== -1 && (nextEq === -1 || nextColon < nextEq) ? nextColon : nextEq;
    if (at === -1 || at >= last) {
      // RawConfigParser keeps the previous key current here (later deeper lines still continue it).
      kinds.push('invalid');
      issues.push({ line: i + 1, message: `in [${section.name}]: neither a [section] header, a "key = value" line nor a comment` });
      continue;
    }
    const written = text.slice(first, optionEnd(text, first, at));
    key = keyNames.get(written);
    if (key === undefined) keyNames.set(written, (key = written.toLowerCase()));
    // The stripped line ends at a non-space: the value is empty exactly when the delimiter is its last character.
    emptyValue = at === last - 1;
    if (!written) issues.push({ line: i + 1, message: `in [${section.name}]: a "= value" line without a key` });
    const firstKey = keyLines.get(key);
    if (firstKey !== undefined) {
      issues.push({ line: i + 1, message: `second "${key}" key in [${section.name}] (the first is on line ${firstKey + 1})` });
    } else keyLines.set(key, i);
    kinds.push('option');
  }
  starts.push(text.length);
  if (section) section.end = kinds.length;

  const flagged = new Set<ScannedOption>();
  const nested = (o: ScannedOption) => o.more !== undefined && o.value === '';
  // Without [DEFAULT], each section's own options are what botocore sees: only sections with a nested value need reading.
  const candidates = sections.some((x) => x.name === DEFAULT_SECTION)
    ? effectiveOptions(sections)
    : sections.filter((x) => x.nested).map((x) => [x.name, x.options] as const);
  for (const [name, options] of candidates) {
    for (const o of options.values()) {
      if (flagged.has(o) || !nested(o) || nestedValueIsValid(joinValue(o))) continue;
      flagged.add(o);
      issues.push({
        line: o.line + 1,
        message: `in [${name}]: the indented lines under "${o.key}" are read by botocore as nested "key = value" settings, and one has no "="`,
      });
    }
  }
  issues.sort((a, b) => a.line - b.line);
  return { text, starts, ends, kinds, sections, issues };
}

/** `_join_multiline_values`: the value's lines joined by newlines, trailing whitespace dropped. */
const joinValue = (o: ScannedOption): string => (o.more ? pyRstrip([o.value, ...o.more].join('\n')) : o.value);

/** botocore's `_parse_nested`: a value starting with a newline must be `key = value` lines. */
function nestedValueIsValid(value: string): boolean {
  if (!value.startsWith('\n')) return true;
  return value.split(PY_SPLITLINES).every((line) => !pyStrip(line) || line.includes('='));
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
  return new Map([...effectiveOptions(s.sections)].map(([name, keys]) => [name, new Map([...keys].map(([k, o]) => [k, joinValue(o)]))]));
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
function fileNewline(s: Scan): string {
  // Only a last line can lack a line break: the first line's is the file's unless it is the only line.
  return s.kinds.length && s.starts[1]! > s.ends[0]! ? s.text.slice(s.ends[0], s.starts[1]) : '\n';
}

/** Indent for keys added to `section`: one that leaves how the following lines read unchanged. */
function insertionIndent(s: Scan, section: ScannedSection): string {
  const lastOption = section.options.at(-1);
  if (lastOption) return lastOption.indent;
  // No key yet: the next meaningful line is the next header (or nothing); match its indent so it stays a header.
  if (section.end >= s.kinds.length) return '';
  const start = s.starts[section.end]!;
  const [first, last] = stripBounds(s.text, start, s.ends[section.end]!);
  return first < last ? s.text.slice(start, first) : '';
}

/**
 * `existing` with each update's section created or updated and each `removals` section deleted, keeping every
 * other byte. Throws `CredentialsFileError` (with line numbers for a damaged file) and changes nothing instead of
 * guessing. See the module comment for the exact rules.
 */
export function mergeCredentialsFile(existing: string, updates: readonly ProfileUpdate[], options: { removals?: readonly string[] } = {}): string {
  return joinMergePieces(existing, mergeCredentialsFilePieces(existing, updates, options));
}

/**
 * `mergeCredentialsFile`'s result as pieces of `existing` kept as they are and new text between them, so a
 * caller writing a large file need not build it again as one string (the host writes the kept pieces straight
 * from the bytes it read). Same checks and refusals.
 */
export function mergeCredentialsFilePieces(existing: string, updates: readonly ProfileUpdate[], options: { removals?: readonly string[] } = {}): MergePiece[] {
  const removals = new Set(options.removals ?? []);
  const seen = new Set<string>();
  for (const name of [...updates.map((u) => u.name), ...removals]) {
    checkProfileName(name);
    if (seen.has(name)) throw new CredentialsFileError({ code: 'DUPLICATE_PROFILE', profile: name });
    seen.add(name);
  }
  return editSectionPieces(
    existing,
    updates.map((u) => ({ section: u.name, set: entriesFor(u) })),
    removals,
  );
}

/**
 * One piece of an edited text. In order, the pieces cover the old text from its start to its end: `from`–`to`
 * of the old text kept as it is (no `text`), or replaced by `text` (which holds any appended sections at the end).
 */
export interface MergePiece {
  from: number;
  to: number;
  text?: string;
}

/** The edited text the pieces stand for. */
export function joinMergePieces(existing: string, pieces: readonly MergePiece[]): string {
  return pieces.map((p) => p.text ?? existing.slice(p.from, p.to)).join('');
}

/** Whether the pieces change anything: some new text differs from the old text it replaces. */
export function mergePiecesChange(existing: string, pieces: readonly MergePiece[]): boolean {
  return pieces.some((p) => p.text !== undefined && p.text !== existing.slice(p.from, p.to));
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
  return joinMergePieces(existing, editSectionPieces(existing, edits, removals));
}

/** What to do to the old lines: per line, replacement text (undefined = keep) or null (drop); lines added after a line; sections appended. */
interface LineEdits {
  replace: Map<number, string | null>;
  insertAfter: Map<number, string[]>;
  append: SectionEdit[];
  nl: string;
}

/** `editSections` as pieces: the old text outside the edit windows (see `editWindows`) is kept, never rebuilt. */
function editSectionPieces(existing: string, edits: readonly SectionEdit[], removals: ReadonlySet<string>): MergePiece[] {
  const wanted = new Map(edits.map((e) => [e.section, e] as const));
  const before = scan(existing);
  if (before.issues.length) throw new CredentialsFileError({ code: 'DAMAGED_FILE', issues: [...before.issues] });
  const changes: LineEdits = { replace: new Map(), insertAfter: new Map(), append: [], nl: fileNewline(before) };
  const { replace, insertAfter } = changes;

  for (const section of before.sections) {
    if (removals.has(section.name)) {
      const lastKey = Math.max(section.headerLine, ...section.options.map((o) => o.lastLine));
      let end = lastKey + 1;
      while (end < section.end && before.kinds[end] === 'blank') end++;
      for (let i = section.headerLine; i < end; i++) replace.set(i, null);
      // At the end of the file, also the one blank line that adding it put before it (skipping sections removed
      // just before): adding then removing sections gives the file back byte for byte.
      if (end === before.kinds.length) {
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
  changes.append = [...wanted.values()];

  const touched = [...new Set([...replace.keys(), ...insertAfter.keys()])].sort((a, b) => a - b);
  const windows = editWindows(before, touched, changes.append.length > 0, replace);
  const pieces: MergePiece[] = [];
  let from = 0;
  for (const w of windows) {
    const start = before.starts[w.start]!;
    const end = before.starts[w.end]!;
    if (start > from) pieces.push({ from, to: start });
    pieces.push({ from: start, to: end, text: editWindow(before, w, touched, changes) });
    from = end;
  }
  if (from < existing.length) pieces.push({ from, to: existing.length });
  if (!verifiedNearEdits(before, pieces, edits, removals)) verifyEdits(before, joinMergePieces(existing, pieces), edits, removals);
  return pieces;
}

/** Old lines [start, end): a stretch of the file that an edit may read differently. */
interface EditWindow {
  start: number;
  end: number;
}

/**
 * The parts of the file an edit can change how they read. A header at the very start of its line (no indent)
 * reads as a header whatever comes before it, and resets the reader (new section, no current key, indent 0):
 * so how the text from one such header to the next reads depends on that text alone (and on the file's set of
 * section names). Each window runs from the last such header at or before an edited line (the file's start if
 * none) to the next one after it (the file's end if none); appended sections belong to the last window. Windows
 * that meet are joined, so every window starts and ends at a line no edit touches.
 */
function editWindows(s: Scan, touched: readonly number[], appends: boolean, replace: ReadonlyMap<number, string | null>): EditWindow[] {
  const n = s.kinds.length;
  const anchors = s.sections.map((x) => x.headerLine).filter((line) => replace.get(line) !== null && !isPySpace(s.text.charCodeAt(s.starts[line]!)));
  const windows: EditWindow[] = [];
  let a = 0;
  for (const p of appends ? [...touched, n] : touched) {
    while (a < anchors.length && anchors[a]! <= p) a++;
    const start = a > 0 ? anchors[a - 1]! : 0;
    const end = a < anchors.length ? anchors[a]! : n;
    const previous = windows.at(-1);
    if (previous && start <= previous.end) previous.end = Math.max(previous.end, end);
    else windows.push({ start, end });
  }
  return windows;
}

/** The new text of one window: its old lines with the edits made, then (in the window that ends the file) the appended sections. */
function editWindow(before: Scan, w: EditWindow, touched: readonly number[], changes: LineEdits): string {
  const { text, starts, ends } = before;
  const { replace, insertAfter, nl } = changes;
  const out: string[] = [];
  let copied = starts[w.start]!;
  /** The last line written so far, and whether a line break follows it. */
  let last: { text: string; broken: boolean } | null = null;
  for (const i of touched) {
    if (i < w.start || i >= w.end) continue;
    if (starts[i]! > copied) {
      out.push(text.slice(copied, starts[i]));
      last = { text: text.slice(starts[i - 1], ends[i - 1]), broken: true };
    }
    const r = replace.get(i);
    if (r !== null) {
      const line = r ?? text.slice(starts[i], ends[i]);
      const lineBreak = text.slice(ends[i], starts[i + 1]);
      out.push(line, lineBreak);
      last = { text: line, broken: lineBreak !== '' };
    }
    copied = starts[i + 1]!;
    const added = insertAfter.get(i);
    if (added) {
      if (last && !last.broken) out.push(nl);
      for (const line of added) out.push(line, nl);
      last = { text: added.at(-1)!, broken: true };
    }
  }
  if (copied < starts[w.end]!) {
    out.push(text.slice(copied, starts[w.end]));
    last = { text: text.slice(starts[w.end - 1], ends[w.end - 1]), broken: ends[w.end - 1]! < starts[w.end]! };
  }
  if (w.end === before.kinds.length) {
    for (const { section, set } of changes.append) {
      if (last) {
        if (!last.broken) out.push(nl);
        if (pyStrip(last.text)) out.push(nl);
      }
      const lines = [`[${section}]`, ...set.map(([k, v]) => `${k} = ${v}`)];
      for (const line of lines) out.push(line, nl);
      last = { text: lines.at(-1)!, broken: true };
    }
  }
  return out.join('');
}

/**
 * The cheap proof, tried first: re-reading only the edit windows gives what `verifyEdits` requires of the whole
 * file, since the text outside them is the old text and reads as before (see `editWindows`), provided no section
 * name in a window is also outside it. False when it cannot tell (a [DEFAULT] section folds into every other one,
 * so nothing is local) or when something is off: the full re-read then decides, and words the refusal.
 */
function verifiedNearEdits(before: Scan, pieces: readonly MergePiece[], edits: readonly SectionEdit[], removals: ReadonlySet<string>): boolean {
  if (before.sections.some((x) => x.name === DEFAULT_SECTION)) return false;
  const edited = pieces.filter((p) => p.text !== undefined);
  const inside = (line: number) => edited.some((p) => before.starts[line]! >= p.from && before.starts[line]! < p.to);
  const old = new Map<string, readonly ScannedOption[]>();
  const outside = new Set<string>();
  for (const x of before.sections) {
    if (inside(x.headerLine)) old.set(x.name, x.options);
    else outside.add(x.name);
  }
  const now = new Map<string, readonly ScannedOption[]>();
  for (const p of edited) {
    const after = scanLines(p.text!);
    if (after.issues.length) return false;
    for (const x of after.sections) {
      if (x.name === DEFAULT_SECTION || now.has(x.name) || outside.has(x.name)) return false;
      now.set(x.name, x.options);
    }
  }
  return sameReading(old, now, edits, removals);
}

/** The downloadable file: the same writer on an empty file, so the download and the host can never disagree. */
export function renderCredentialsFile(updates: readonly ProfileUpdate[]): string {
  return mergeCredentialsFile('', updates);
}

/** Re-reads the edited text: other sections unchanged, targets hold exactly the new values and their other keys, removals gone. */
function verifyEdits(before: Scan, merged: string, edits: readonly SectionEdit[], removals: ReadonlySet<string>): void {
  const after = scan(merged);
  if (after.issues.length) throw new CredentialsFileError({ code: 'UNSAFE_EDIT', section: null, issue: { ...after.issues[0]! } });
  sameReading(optionsBySection(before), optionsBySection(after), edits, removals, true);
}

/**
 * Whether sections read `now` as they did (`old`) but for the edits: others unchanged, targets hold exactly the
 * new values and their other keys, removals gone. With `refuse`, throws UNSAFE_EDIT (naming the section) instead of false.
 */
function sameReading(
  old: ReadonlyMap<string, readonly ScannedOption[]>,
  now: ReadonlyMap<string, readonly ScannedOption[]>,
  edits: readonly SectionEdit[],
  removals: ReadonlySet<string>,
  refuse = false,
): boolean {
  const fail = (section: string | null): false => {
    if (refuse) throw new CredentialsFileError({ code: 'UNSAFE_EDIT', section, issue: null });
    return false;
  };
  const targets = new Map(edits.map((e) => [e.section, e] as const));
  for (const name of removals) if (now.has(name)) return fail(name);
  for (const [name, options] of old) {
    if (targets.has(name) || removals.has(name)) continue;
    const next = now.get(name);
    if (!next || next.length !== options.length) return fail(name);
    if (options.some((o, i) => next[i]!.key !== o.key || joinValue(next[i]!) !== joinValue(o))) return fail(name);
  }
  for (const [name, edit] of targets) {
    const options = now.get(name);
    if (!options) return fail(name);
    const keys = new Map(options.map((o) => [o.key, joinValue(o)]));
    if (edit.set.some(([k, v]) => keys.get(k) !== v)) return fail(name);
    const set = new Set(edit.set.map(([k]) => k));
    const drop = new Set(edit.drop ?? []);
    for (const k of drop) if (!set.has(k) && keys.has(k)) return fail(name);
    for (const o of old.get(name) ?? []) {
      if (!set.has(o.key) && !drop.has(o.key) && keys.get(o.key) !== joinValue(o)) return fail(name);
    }
  }
  if (now.size !== [...new Set([...old.keys(), ...targets.keys()])].filter((n) => !removals.has(n)).length) return fail(null);
  return true;
}

/** Each section's options as botocore sees them, in a stable order (no per-key maps unless [DEFAULT] needs folding). */
function optionsBySection(s: Scan): Map<string, readonly ScannedOption[]> {
  if (!s.sections.some((x) => x.name === DEFAULT_SECTION)) return new Map(s.sections.map((x) => [x.name, x.options]));
  return new Map([...effectiveOptions(s.sections)].map(([name, keys]) => [name, [...keys.values()]]));
}
