/**
 * The shared config file (`~/.aws/config`): the helper's own `[profile <name>]` sections (and `[default]`) holding
 * `credential_process` or a role to chain with `source_profile`. Facts: docs/cli-formats.md#config-file. Pure: no
 * Node or browser APIs.
 *
 * Reading and writing are the credentials file's (lib/credentials-file.ts: botocore's strict RawConfigParser, every
 * other byte kept, the result re-read). On top: which sections botocore takes for a profile (`build_profile_map`:
 * `[default]`, and a header starting with `profile` that `shlex.split` cuts into exactly two words), so a profile
 * the user already defines in any spelling is never written over; and the values of the keys this module manages.
 */
import { parseRoleArn } from './arn';
import { CredentialsFileError, editSections, isWritableProfileName, parseCredentialsFile, REGION_VALUE, type SectionEdit } from './credentials-file';

/** Keys of a config section this module writes; every other key of the section is the user's and is kept. */
export const CONFIG_MANAGED_KEYS = [
  'credential_process',
  'region',
  'role_arn',
  'source_profile',
  'external_id',
  'duration_seconds',
  'role_session_name',
] as const;

/** The profile botocore reads from `[default]` (and from `[profile default]`). */
export const DEFAULT_PROFILE_NAME = 'default';

/** A role the AWS CLI assumes itself, with the credentials of `sourceProfile`. */
export interface ConfigChain {
  roleArn: string;
  sourceProfile: string;
  externalId?: string;
  /** 900–43200 (AWS caps a chained session at 3600; the CLI passes it as DurationSeconds). */
  durationSeconds?: number;
  sessionName?: string;
}

/** One profile to create or update: `credential_process` or a chain (not both), and a region. */
export interface ConfigProfileUpdate {
  name: string;
  /** The whole command line, already quoted for the platform (`credentialProcessCommand`). */
  credentialProcess?: string;
  /** Written when given; an existing `region` line is kept when not. */
  region?: string;
  chain?: ConfigChain;
}

/** What a refusal of a config value names: the profile and the field, never the value. */
export type ConfigField = 'credentialProcess' | 'region' | 'roleArn' | 'sourceProfile' | 'externalId' | 'durationSeconds' | 'sessionName' | 'kind';

/** A config value that cannot be written (and why, in a short phrase). */
export class ConfigValueError extends Error {
  override readonly name = 'ConfigValueError';
  constructor(
    readonly profile: string,
    readonly field: ConfigField,
    readonly reason: string,
  ) {
    super(`profile ${profile}: ${field} ${reason}`);
  }
}

/** The section header botocore reads profile `name` from: `default`, else `profile <name>`. */
export function configSectionName(name: string): string {
  return name === DEFAULT_PROFILE_NAME ? DEFAULT_PROFILE_NAME : `profile ${name}`;
}

// ── shlex, as botocore uses it ───────────────────────────────────────────────────────────────────────────────

/** Python's `shlex.split(s)` (POSIX mode, no comments); null where it raises (an unclosed quote or a final `\`). */
export function shlexSplit(s: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const next = s[i + 1];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && next === undefined) return null;
      else if (c === '\\' && (next === '"' || next === '\\')) word += s[++i]!;
      else word += c;
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === '\\') {
      if (next === undefined) return null;
      word += s[++i]!;
      inWord = true;
    } else {
      if (c === "'" || c === '"') quote = c;
      else word += c;
      inWord = true;
    }
  }
  if (quote) return null;
  if (inWord) words.push(word);
  return words;
}

/** The profile botocore's `build_profile_map` reads from a section, or null when it reads none from it. */
export function profileOfSection(section: string): string | null {
  if (section === DEFAULT_PROFILE_NAME) return DEFAULT_PROFILE_NAME;
  if (!section.startsWith('profile')) return null;
  const parts = shlexSplit(section);
  return parts?.length === 2 ? parts[1]! : null;
}

/** Python's `shlex.quote`: the word as is when it has only safe characters, else single-quoted. */
function posixQuote(word: string): string {
  if (word === '') return "''";
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** A word for botocore's `_windows_shell_split` (CommandLineToArgvW rules): quoted when it holds a space. */
function windowsQuote(word: string): string | null {
  if (word.includes('"')) return null;
  if (word !== '' && !/[ \t]/.test(word)) return word;
  // Backslashes are literal except before a quote, so the ones before the closing quote are doubled.
  return `"${word.replace(/(\\+)$/, '$1$1')}"`;
}

/** An absolute path as botocore runs it: no `~`, no `$VAR`/`%VAR%` (it expands neither in credential_process). */
function isAbsoluteCommandPath(path: string, platform: string): boolean {
  if (/[\r\n\0]/.test(path)) return false;
  if (platform === 'win32') return /^[A-Za-z]:\\/.test(path) && !path.includes('%');
  return path.startsWith('/');
}

/**
 * The `credential_process` value that runs `argv` (`argv[0]` the absolute Node, `argv[1]` the absolute helper), quoted
 * so that botocore's `compat_shell_split` gives back exactly `argv` on `platform`. Throws ConfigValueError otherwise.
 */
export function credentialProcessCommand(profile: string, argv: readonly string[], platform: string): string {
  const bad = (reason: string) => new ConfigValueError(profile, 'credentialProcess', reason);
  if (argv.length < 2 || !isAbsoluteCommandPath(argv[0]!, platform) || !isAbsoluteCommandPath(argv[1]!, platform)) {
    throw bad('needs absolute paths for Node and the helper (the AWS CLI expands neither ~ nor variables)');
  }
  if (argv.some((a) => /[\r\n\0]/.test(a))) throw bad('cannot hold a line break');
  const words = argv.map((a) => (platform === 'win32' ? windowsQuote(a) : posixQuote(a)));
  if (words.some((w) => w === null)) throw bad('cannot hold a double quote on Windows');
  return words.join(' ');
}

// ── values ───────────────────────────────────────────────────────────────────────────────────────────────────

/** The longest command line written (botocore has no limit; a path is at most 4096 bytes on Linux). */
const MAX_COMMAND_LENGTH = 8192;

/** AWS's rule for sts:ExternalId: 2–1224 characters of letters, digits and `_+=,.@:/-`. */
export const isExternalId = (value: unknown): value is string => typeof value === 'string' && /^[\w+=,.@:/-]{2,1224}$/.test(value);
/** AWS's rule for RoleSessionName: 2–64 characters of letters, digits and `_+=,.@-`. */
export const isSessionName = (value: unknown): value is string => typeof value === 'string' && /^[\w+=,.@-]{2,64}$/.test(value);

/** The lines of a chain (`role_arn`, `source_profile`, then the optional ones), validated. */
export function chainEntries(profile: string, chain: ConfigChain): [string, string][] {
  const bad = (field: ConfigField, reason: string) => new ConfigValueError(profile, field, reason);
  if (typeof chain.roleArn !== 'string' || !parseRoleArn(chain.roleArn)) throw bad('roleArn', 'is not an IAM role ARN');
  if (typeof chain.sourceProfile !== 'string' || !isWritableProfileName(chain.sourceProfile)) throw bad('sourceProfile', 'is not a valid profile name');
  if (chain.sourceProfile === profile) throw bad('sourceProfile', 'cannot be the profile itself');
  const entries: [string, string][] = [
    ['role_arn', chain.roleArn],
    ['source_profile', chain.sourceProfile],
  ];
  if (chain.externalId !== undefined) {
    if (!isExternalId(chain.externalId)) throw bad('externalId', 'must be 2–1224 letters, digits and _+=,.@:/-');
    entries.push(['external_id', chain.externalId]);
  }
  if (chain.durationSeconds !== undefined) {
    const d = chain.durationSeconds;
    if (!Number.isInteger(d) || d < MIN_CONFIG_DURATION || d > MAX_CONFIG_DURATION) {
      throw bad('durationSeconds', `must be whole seconds from ${MIN_CONFIG_DURATION} to ${MAX_CONFIG_DURATION}`);
    }
    entries.push(['duration_seconds', String(d)]);
  }
  if (chain.sessionName !== undefined) {
    if (!isSessionName(chain.sessionName)) throw bad('sessionName', 'must be 2–64 letters, digits and _+=,.@-');
    entries.push(['role_session_name', chain.sessionName]);
  }
  return entries;
}

/** STS's DurationSeconds range (a chained session is further capped at 3600 by AWS itself). */
export const MIN_CONFIG_DURATION = 900;
export const MAX_CONFIG_DURATION = 43_200;

/** The key/value lines of one profile, validated, in the order written. */
export function configEntries(update: ConfigProfileUpdate): [string, string][] {
  const { name, credentialProcess, region, chain } = update;
  const bad = (field: ConfigField, reason: string) => new ConfigValueError(name, field, reason);
  if ((credentialProcess === undefined) === (chain === undefined)) throw bad('kind', 'needs exactly one of credential_process or a role to chain');
  const entries: [string, string][] = [];
  if (credentialProcess !== undefined) {
    // The first word, quoted or not, must be an absolute POSIX or Windows path (Windows lines are not shlex's to split).
    if (
      credentialProcess.length > MAX_COMMAND_LENGTH ||
      credentialProcess !== credentialProcess.trim() ||
      /[\x00-\x1f\x7f]/.test(credentialProcess) ||
      !/^["']?(\/|[A-Za-z]:\\)/.test(credentialProcess)
    ) {
      throw bad('credentialProcess', 'must be one line starting with an absolute command path');
    }
    entries.push(['credential_process', credentialProcess]);
  }
  if (chain) entries.push(...chainEntries(name, chain));
  if (region !== undefined) {
    if (!REGION_VALUE.test(region)) throw bad('region', 'must be lower-case letters, digits and - (e.g. eu-west-1)');
    entries.push(['region', region]);
  }
  return entries;
}

// ── the file ─────────────────────────────────────────────────────────────────────────────────────────────────

/** Profile name → the sections botocore reads it from (normally one), for a file botocore can read; null otherwise. */
export function configProfileSections(text: string): Map<string, string[]> | null {
  const parsed = parseCredentialsFile(text);
  if (!parsed.ok) return null;
  const out = new Map<string, string[]>();
  for (const section of parsed.sections.keys()) {
    const profile = profileOfSection(section);
    if (profile !== null) out.set(profile, [...(out.get(profile) ?? []), section]);
  }
  return out;
}

/**
 * Which of `names` may be written: a profile that does not exist yet, or one this helper manages (`managed`)
 * whose only section is its own header. Anything else — a profile the user defines, in any spelling botocore
 * accepts — is `skipped`. An unreadable file skips nothing here: the merge refuses it.
 */
export function writableConfigProfiles(text: string, names: readonly string[], managed: ReadonlySet<string>): { writable: string[]; skipped: string[] } {
  const sections = configProfileSections(text) ?? new Map<string, string[]>();
  const writable: string[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    const found = sections.get(name) ?? [];
    const ours = managed.has(name) && found.every((s) => s === configSectionName(name));
    (found.length === 0 || ours ? writable : skipped).push(name);
  }
  return { writable, skipped };
}

/**
 * `existing` with each update's section created or updated and each `removals` profile's section deleted, every
 * other byte kept (lib/credentials-file.ts `editSections`). In an updated section, the managed keys of the other
 * kind (a chain's keys when it becomes `credential_process`, and back) are deleted; `region` is kept unless given;
 * keys the user added stay. Does not check ownership: callers pass only `writableConfigProfiles`' names. Throws
 * `ConfigValueError` for a value and `CredentialsFileError` for the file (damaged, unsafe edit, bad name).
 */
export function mergeConfigFile(existing: string, updates: readonly ConfigProfileUpdate[], options: { removals?: readonly string[] } = {}): string {
  const removals = options.removals ?? [];
  const seen = new Set<string>();
  for (const name of [...updates.map((u) => u.name), ...removals]) {
    if (!isWritableProfileName(name)) throw new CredentialsFileError({ code: 'INVALID_PROFILE_NAME', name: name.slice(0, 80) });
    if (seen.has(name)) throw new CredentialsFileError({ code: 'DUPLICATE_PROFILE', profile: name });
    seen.add(name);
  }
  const edits: SectionEdit[] = updates.map((u) => {
    const set = configEntries(u);
    const keys = new Set(set.map(([k]) => k));
    return { section: configSectionName(u.name), set, drop: CONFIG_MANAGED_KEYS.filter((k) => k !== 'region' && !keys.has(k)) };
  });
  return editSections(existing, edits, new Set(removals.map(configSectionName)));
}
