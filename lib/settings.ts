/**
 * The user's settings: their shape, defaults, validation of any JSON (storage, an imported file, an enterprise
 * policy) into that shape with an issue per bad field, migrations from earlier versions, and the organisation's
 * managed values laid over the user's. Pure. Settings never hold secrets: they live in storage.local.
 *
 * Versions:
 * - 1: the first, flat shape (`SettingsV1` below): a template with `{account}` and `{role}`, the user's account
 *   names as `accountAliases`, one duration in seconds, one region, `autoSave`, `pinned`.
 * - 2 (current): placeholders `{account_name}` etc., per-role preferences, delivery, reminders, allowed accounts,
 *   trusted sign-in hosts (added later without a new version: a version 2 object without it reads as "none").
 * Each migration takes the raw stored object one version up; the result is then validated like any other input.
 */
import { parseRoleArn } from './arn';
import { isValidProfileName } from './credentials-file';
import { MAX_DURATION_SECONDS, MIN_DURATION_SECONDS, type DurationChoice } from './duration';
import { EXPORT_FORMATS, type ExportFormat } from './export-formats';
import { isRegionName } from './partitions';
import { DEFAULT_PROFILE_TEMPLATE, isReservedProfileName, parseTemplate, type NamingRules } from './profile-template';
import { MAX_TRUSTED_HOSTS, normaliseTrustedHost } from './sign-in-origin';
import { errorText } from './error-text';

export const SETTINGS_VERSION = 2;

/** What the user chose for one role; every field optional (absent: the defaults apply). */
export interface RolePreferences {
  /** The role's own profile name, instead of the template's. */
  profileName?: string;
  duration?: DurationChoice;
  /** `region = …` written with this role's profile. */
  region?: string;
}

export interface ReminderSettings {
  /** Notify shortly before credentials expire. */
  enabled: boolean;
  minutesBefore: number;
}

export interface DeliverySettings {
  /** Save credentials to ~/.aws/credentials through the native host as soon as they are issued. */
  autoSaveToHost: boolean;
  /** Every export format, the ones shown first first. */
  formatOrder: ExportFormat[];
}

export interface Settings {
  version: typeof SETTINGS_VERSION;
  /** Account id → the name to show and to use for `{account_name}` (wins over the alias learnt from AWS). */
  accountNames: Record<string, string>;
  /** Account ids whose roles are offered; empty: every account. */
  allowedAccounts: string[];
  profileTemplate: string;
  /** Role ARN → that role's own choices. */
  roles: Record<string, RolePreferences>;
  defaultDuration: DurationChoice;
  /** Region written with every profile unless a role has its own; empty: none. */
  defaultRegion: string;
  /** Role ARN whose credentials are also written as `[default]`; null: none. */
  defaultProfileRole: string | null;
  delivery: DeliverySettings;
  /** Role ARNs shown first in the popup. */
  pinnedRoles: string[];
  reminders: ReminderSettings;
  /**
   * Sign-in pages trusted besides the identity providers the extension knows (AD FS and other IdPs on the
   * organisation's own domain): exact hosts or `*.domain`. A sign-in posted by any other page is never used.
   */
  trustedSignInHosts: string[];
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  version: SETTINGS_VERSION,
  accountNames: {},
  allowedAccounts: [],
  profileTemplate: DEFAULT_PROFILE_TEMPLATE,
  roles: {},
  defaultDuration: 3600,
  defaultRegion: '',
  defaultProfileRole: null,
  delivery: { autoSaveToHost: false, formatOrder: EXPORT_FORMATS.map((f) => f.id) },
  pinnedRoles: [],
  reminders: { enabled: true, minutesBefore: 10 },
  trustedSignInHosts: [],
});

/** A fresh, mutable copy of the defaults. */
export function defaultSettings(): Settings {
  return structuredClone(DEFAULT_SETTINGS) as Settings;
}

// ── limits ───────────────────────────────────────────────────────────────────────────────────────────────────────
export const MAX_ACCOUNT_NAME_LENGTH = 64;
export const MAX_ACCOUNT_NAMES = 1000;
export const MAX_ROLE_PREFERENCES = 2000;
export const MAX_PINNED_ROLES = 500;
export const MIN_REMINDER_MINUTES = 1;
export const MAX_REMINDER_MINUTES = 120;
/** An imported settings file larger than this is not one this extension wrote. */
export const MAX_IMPORT_BYTES = 1_000_000;

// ── paths ────────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A setting's path, as reported in issues and locks: dotted field names, with map keys in brackets because role
 * ARNs contain dots and slashes — `reminders.enabled`, `accountNames["111111111111"]`,
 * `roles["arn:aws:iam::111111111111:role/Admin"].duration`.
 */
export function settingPath(...segments: (string | { key: string })[]): string {
  return segments.map((s, i) => (typeof s === 'string' ? (i === 0 ? s : `.${s}`) : `[${JSON.stringify(s.key)}]`)).join('');
}

/** Whether `path` is locked: it, or a setting containing it, is in `locked`. */
export function isLocked(locked: ReadonlySet<string>, path: string): boolean {
  if (locked.has(path)) return true;
  for (const l of locked) if (path.startsWith(l) && (path[l.length] === '.' || path[l.length] === '[')) return true;
  return false;
}

// ── validation ───────────────────────────────────────────────────────────────────────────────────────────────────

/** One thing wrong with one setting; the message is for people and never repeats a long value. */
export interface SettingsIssue {
  path: string;
  message: string;
}

type Issues = SettingsIssue[];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, safe rendering of a bad value for an issue message. */
function shown(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

const ACCOUNT_ID = /^\d{12}$/;
/** Control characters and bidirectional overrides: they would make a name display as something else. */
const UNSAFE_TEXT = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** An account display name: trimmed, 1–64 characters, no control characters. Empty means "no name". */
export function checkAccountName(value: unknown): { ok: true; name: string } | { ok: false; message: string } {
  if (typeof value !== 'string') return { ok: false, message: `must be text, not ${shown(value)}` };
  const name = value.trim();
  if ([...name].length > MAX_ACCOUNT_NAME_LENGTH) return { ok: false, message: `is longer than ${MAX_ACCOUNT_NAME_LENGTH} characters` };
  if (UNSAFE_TEXT.test(name)) return { ok: false, message: 'contains control characters' };
  return { ok: true, name };
}

/** A per-role profile name: what the credentials file accepts, and not the reserved `default`. */
export function checkProfileName(value: unknown): { ok: true } | { ok: false; message: string } {
  if (typeof value !== 'string' || !isValidProfileName(value)) {
    return { ok: false, message: `${shown(value)} is not a profile name: use 1–64 letters, digits, "-" and "_"` };
  }
  if (isReservedProfileName(value)) return { ok: false, message: '"default" is kept for the “also save as [default]” option' };
  return { ok: true };
}

export function isDurationChoice(value: unknown): value is DurationChoice {
  return value === 'max' || (Number.isInteger(value) && (value as number) >= MIN_DURATION_SECONDS && (value as number) <= MAX_DURATION_SECONDS);
}

const DURATION_MESSAGE = `must be "max" or a whole number of seconds from ${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS}`;

/** A field reader: the valid value, or undefined after recording why not. */
type Reader<T> = (value: unknown, path: string, issues: Issues) => T | undefined;

const readBoolean: Reader<boolean> = (v, path, issues) => {
  if (typeof v === 'boolean') return v;
  issues.push({ path, message: `must be true or false, not ${shown(v)}` });
  return undefined;
};

const readTemplate: Reader<string> = (v, path, issues) => {
  if (typeof v !== 'string') {
    issues.push({ path, message: `must be text, not ${shown(v)}` });
    return undefined;
  }
  const parsed = parseTemplate(v);
  if (parsed.ok) return v;
  issues.push({ path, message: parsed.error });
  return undefined;
};

const readDuration: Reader<DurationChoice> = (v, path, issues) => {
  if (isDurationChoice(v)) return v;
  issues.push({ path, message: `${DURATION_MESSAGE}, not ${shown(v)}` });
  return undefined;
};

const readRegion: Reader<string> = (v, path, issues) => {
  if (v === '' || (typeof v === 'string' && isRegionName(v))) return v;
  issues.push({ path, message: `${shown(v)} is not an AWS region name such as eu-west-1` });
  return undefined;
};

const readRoleArn: Reader<string> = (v, path, issues) => {
  if (typeof v === 'string' && parseRoleArn(v)) return v;
  issues.push({ path, message: `${shown(v)} is not an IAM role ARN` });
  return undefined;
};

const readReminderMinutes: Reader<number> = (v, path, issues) => {
  if (Number.isInteger(v) && (v as number) >= MIN_REMINDER_MINUTES && (v as number) <= MAX_REMINDER_MINUTES) return v as number;
  issues.push({ path, message: `must be a whole number of minutes from ${MIN_REMINDER_MINUTES} to ${MAX_REMINDER_MINUTES}, not ${shown(v)}` });
  return undefined;
};

function readAccountNames(v: unknown, path: string, issues: Issues): Record<string, string> | undefined {
  if (!isPlainObject(v)) {
    issues.push({ path, message: 'must be an object of account id → name' });
    return undefined;
  }
  const names: Record<string, string> = {};
  let count = 0;
  for (const [id, value] of Object.entries(v)) {
    const p = settingPath(path, { key: id });
    if (!ACCOUNT_ID.test(id)) {
      issues.push({ path: p, message: `${shown(id)} is not a 12-digit account id` });
      continue;
    }
    const checked = checkAccountName(value);
    if (!checked.ok) {
      issues.push({ path: p, message: `the name ${checked.message}` });
      continue;
    }
    if (checked.name === '') continue;
    if (++count > MAX_ACCOUNT_NAMES) {
      issues.push({ path, message: `more than ${MAX_ACCOUNT_NAMES} account names; the rest are ignored` });
      break;
    }
    names[id] = checked.name;
  }
  return names;
}

function readAccountIds(v: unknown, path: string, issues: Issues): string[] | undefined {
  if (!Array.isArray(v)) {
    issues.push({ path, message: 'must be a list of 12-digit account ids' });
    return undefined;
  }
  const ids = new Set<string>();
  v.forEach((id, i) => {
    if (typeof id === 'string' && ACCOUNT_ID.test(id.trim())) ids.add(id.trim());
    else issues.push({ path: `${path}[${i}]`, message: `${shown(id)} is not a 12-digit account id` });
  });
  if (ids.size > MAX_ACCOUNT_NAMES) {
    issues.push({ path, message: `more than ${MAX_ACCOUNT_NAMES} accounts` });
    return undefined;
  }
  return [...ids];
}

function readTrustedHosts(v: unknown, path: string, issues: Issues): string[] | undefined {
  if (!Array.isArray(v)) {
    issues.push({ path, message: 'must be a list of host names such as adfs.contoso.com or *.contoso.com' });
    return undefined;
  }
  const hosts = new Set<string>();
  v.forEach((value, i) => {
    const checked = normaliseTrustedHost(value);
    if (checked.ok) hosts.add(checked.host);
    else issues.push({ path: `${path}[${i}]`, message: `${shown(value)} ${checked.message}` });
  });
  if (hosts.size > MAX_TRUSTED_HOSTS) {
    issues.push({ path, message: `more than ${MAX_TRUSTED_HOSTS} hosts` });
    return undefined;
  }
  return [...hosts];
}

function readRoleArns(v: unknown, path: string, issues: Issues, max: number): string[] | undefined {
  if (!Array.isArray(v)) {
    issues.push({ path, message: 'must be a list of IAM role ARNs' });
    return undefined;
  }
  const arns = new Set<string>();
  v.forEach((arn, i) => {
    const ok = readRoleArn(arn, `${path}[${i}]`, issues);
    if (ok) arns.add(ok);
  });
  return [...arns].slice(0, max);
}

function readFormatOrder(v: unknown, path: string, issues: Issues): ExportFormat[] | undefined {
  if (!Array.isArray(v)) {
    issues.push({ path, message: 'must be a list of export format ids' });
    return undefined;
  }
  const known = new Set<string>(EXPORT_FORMATS.map((f) => f.id));
  const order: ExportFormat[] = [];
  v.forEach((id, i) => {
    if (typeof id === 'string' && known.has(id)) {
      if (!order.includes(id as ExportFormat)) order.push(id as ExportFormat);
    } else {
      issues.push({ path: `${path}[${i}]`, message: `${shown(id)} is not an export format (${[...known].join(', ')})` });
    }
  });
  // Formats not listed keep their usual order after the listed ones (a list from an older version lacks new ones).
  return [...order, ...EXPORT_FORMATS.map((f) => f.id).filter((id) => !order.includes(id))];
}

const ROLE_PREFERENCE_KEYS = ['profileName', 'duration', 'region'] as const;

function readRolePreferences(v: unknown, path: string, issues: Issues, partial: boolean): Record<string, RolePreferences> | undefined {
  if (!isPlainObject(v)) {
    issues.push({ path, message: 'must be an object of role ARN → preferences' });
    return undefined;
  }
  const roles: Record<string, RolePreferences> = {};
  let count = 0;
  for (const [arn, prefs] of Object.entries(v)) {
    const p = settingPath(path, { key: arn });
    if (!parseRoleArn(arn)) {
      issues.push({ path: p, message: `${shown(arn)} is not an IAM role ARN` });
      continue;
    }
    if (!isPlainObject(prefs)) {
      issues.push({ path: p, message: 'must be an object with profileName, duration and/or region' });
      continue;
    }
    const out: RolePreferences = {};
    for (const [key, value] of Object.entries(prefs)) {
      const kp = settingPath(p, key);
      if (!(ROLE_PREFERENCE_KEYS as readonly string[]).includes(key)) {
        issues.push({ path: kp, message: 'is not a role preference (profileName, duration, region); ignored' });
        continue;
      }
      // Absent, null and "" all mean "use the default"; the options page stores nothing for them.
      if (value === undefined || value === null || value === '') continue;
      if (key === 'profileName') {
        const checked = checkProfileName(value);
        if (checked.ok) out.profileName = value as string;
        else issues.push({ path: kp, message: checked.message });
      } else if (key === 'duration') {
        const d = readDuration(value, kp, issues);
        if (d !== undefined) out.duration = d;
      } else {
        const r = readRegion(value, kp, issues);
        if (r) out.region = r;
      }
    }
    if (Object.keys(out).length === 0 && !partial) continue;
    if (++count > MAX_ROLE_PREFERENCES) {
      issues.push({ path, message: `more than ${MAX_ROLE_PREFERENCES} roles; the rest are ignored` });
      break;
    }
    roles[arn] = out;
  }
  return roles;
}

function readNested<T extends object>(v: unknown, path: string, issues: Issues, readers: { [K in keyof T]: Reader<T[K]> }): Partial<T> | undefined {
  if (!isPlainObject(v)) {
    issues.push({ path, message: 'must be an object' });
    return undefined;
  }
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(v)) {
    // Own keys only: a file may say "valueOf" or "__proto__".
    const reader = Object.hasOwn(readers, key) ? (readers as Record<string, Reader<unknown>>)[key] : undefined;
    if (!reader) {
      issues.push({ path: settingPath(path, key), message: 'is not a setting this version knows; ignored' });
      continue;
    }
    const read = reader(value, settingPath(path, key), issues);
    if (read !== undefined) (out as Record<string, unknown>)[key] = read;
  }
  return out;
}

const deliveryReaders: { [K in keyof DeliverySettings]: Reader<DeliverySettings[K]> } = {
  autoSaveToHost: readBoolean,
  formatOrder: readFormatOrder,
};
const reminderReaders: { [K in keyof ReminderSettings]: Reader<ReminderSettings[K]> } = {
  enabled: readBoolean,
  minutesBefore: readReminderMinutes,
};

type SettingsField = Exclude<keyof Settings, 'version'>;

/** Reads every known top-level field of a (migrated) object over `base`; bad fields keep `base`'s value. */
function readFields(raw: Record<string, unknown>, base: Settings, issues: Issues): Settings {
  const s = structuredClone(base);
  const fields: { [K in SettingsField]: (v: unknown, path: string) => void } = {
    accountNames: (v, p) => void assign(readAccountNames(v, p, issues), (x) => (s.accountNames = x)),
    allowedAccounts: (v, p) => void assign(readAccountIds(v, p, issues), (x) => (s.allowedAccounts = x)),
    profileTemplate: (v, p) => void assign(readTemplate(v, p, issues), (x) => (s.profileTemplate = x)),
    roles: (v, p) => void assign(readRolePreferences(v, p, issues, false), (x) => (s.roles = x)),
    defaultDuration: (v, p) => void assign(readDuration(v, p, issues), (x) => (s.defaultDuration = x)),
    defaultRegion: (v, p) => void assign(readRegion(v, p, issues), (x) => (s.defaultRegion = x)),
    defaultProfileRole: (v, p) => void (v === null ? (s.defaultProfileRole = null) : assign(readRoleArn(v, p, issues), (x) => (s.defaultProfileRole = x))),
    delivery: (v, p) => void assign(readNested<DeliverySettings>(v, p, issues, deliveryReaders), (x) => (s.delivery = { ...s.delivery, ...x })),
    pinnedRoles: (v, p) => void assign(readRoleArns(v, p, issues, MAX_PINNED_ROLES), (x) => (s.pinnedRoles = x)),
    reminders: (v, p) => void assign(readNested<ReminderSettings>(v, p, issues, reminderReaders), (x) => (s.reminders = { ...s.reminders, ...x })),
    trustedSignInHosts: (v, p) => void assign(readTrustedHosts(v, p, issues), (x) => (s.trustedSignInHosts = x)),
  };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'version') continue;
    const read = Object.hasOwn(fields, key) ? (fields as Record<string, (v: unknown, p: string) => void>)[key] : undefined;
    if (read) read(value, key);
    else issues.push({ path: key, message: 'is not a setting this version knows; ignored' });
  }
  return s;
}

function assign<T>(value: T | undefined, set: (v: T) => void): void {
  if (value !== undefined) set(value);
}

// ── migrations ───────────────────────────────────────────────────────────────────────────────────────────────────

/** The first stored shape (version 1). Kept to document what `migrateV1` reads; never written any more. */
export interface SettingsV1 {
  version: 1;
  /** Placeholders `{account}` (the account's name, else its id) and `{role}`. */
  profileTemplate: string;
  /** Account id → the user's name for it. */
  accountAliases: Record<string, string>;
  /** Seconds; version 1 had no "longest allowed". */
  durationSeconds: number;
  /** Region for every profile; "" for none. */
  region: string;
  autoSave: boolean;
  /** Role ARNs shown first. */
  pinned: string[];
}

/** Version 1 → 2: renames, the `{account}` placeholder becomes `{account_name}`, new fields take their defaults. */
function migrateV1(raw: Record<string, unknown>): Record<string, unknown> {
  const { version: _version, profileTemplate, accountAliases, durationSeconds, region, autoSave, pinned, ...rest } = raw;
  const next: Record<string, unknown> = { ...rest, version: 2 };
  if (profileTemplate !== undefined) {
    next.profileTemplate = typeof profileTemplate === 'string' ? profileTemplate.replaceAll('{account}', '{account_name}') : profileTemplate;
  }
  if (accountAliases !== undefined) next.accountNames = accountAliases;
  if (durationSeconds !== undefined) next.defaultDuration = durationSeconds;
  if (region !== undefined) next.defaultRegion = region;
  if (autoSave !== undefined) next.delivery = { autoSaveToHost: autoSave };
  if (pinned !== undefined) next.pinnedRoles = pinned;
  return next;
}

/** `MIGRATIONS[n]` takes a raw version-n object to version n+1. */
const MIGRATIONS: Readonly<Record<number, (raw: Record<string, unknown>) => Record<string, unknown>>> = {
  1: migrateV1,
};

// ── reading settings ─────────────────────────────────────────────────────────────────────────────────────────────

export interface ParsedSettings {
  settings: Settings;
  issues: SettingsIssue[];
  /** The version the input was written in, when it was older than the current one (it was migrated). */
  migratedFrom?: number;
}

/**
 * Turns anything (stored settings, an imported file) into valid current Settings: migrates older versions, then
 * reads each field, keeping `base`'s value for a field that is missing or invalid and reporting why. Never throws.
 */
export function parseSettings(raw: unknown, base: Readonly<Settings> = DEFAULT_SETTINGS): ParsedSettings {
  const start = structuredClone(base) as Settings;
  if (raw === undefined || raw === null) return { settings: start, issues: [] };
  if (!isPlainObject(raw)) return { settings: start, issues: [{ path: '', message: 'settings must be a JSON object' }] };
  const issues: Issues = [];
  let version = raw.version;
  let current = raw;
  let migratedFrom: number | undefined;
  if (version === undefined) {
    issues.push({ path: 'version', message: `is missing; read as version ${SETTINGS_VERSION}` });
    version = SETTINGS_VERSION;
  } else if (!Number.isInteger(version) || (version as number) < 1) {
    issues.push({ path: 'version', message: `${shown(version)} is not a settings version; read as version ${SETTINGS_VERSION}` });
    version = SETTINGS_VERSION;
  } else if ((version as number) > SETTINGS_VERSION) {
    issues.push({
      path: 'version',
      message: `version ${version as number} comes from a newer release of the extension; settings this one does not know are ignored`,
    });
    version = SETTINGS_VERSION;
  }
  for (let v = version as number; v < SETTINGS_VERSION; v++) {
    migratedFrom ??= v;
    current = MIGRATIONS[v]!(current);
  }
  const settings = readFields(current, start, issues);
  return migratedFrom === undefined ? { settings, issues } : { settings, issues, migratedFrom };
}

// ── import / export ──────────────────────────────────────────────────────────────────────────────────────────────

/** The user's own settings as a JSON file (the organisation's values are not theirs to carry elsewhere). */
export function exportSettings(settings: Settings): string {
  return JSON.stringify(settings, null, 2) + '\n';
}

export type ImportResult = { ok: true; settings: Settings; issues: SettingsIssue[]; migratedFrom?: number } | { ok: false; error: string };

/** Reads an exported settings file over `current`: fields with issues keep their current value. */
export function importSettings(text: string, current: Readonly<Settings>): ImportResult {
  if (text.length > MAX_IMPORT_BYTES)
    return { ok: false, error: `The file is larger than ${MAX_IMPORT_BYTES / 1_000_000} MB; it is not a settings file from this extension.` };
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { ok: false, error: `The file is not valid JSON (${errorText(e)}).` };
  }
  if (!isPlainObject(raw)) return { ok: false, error: 'The file does not hold a settings object.' };
  return { ok: true, ...parseSettings(raw, current) };
}

// ── managed (enterprise) settings ────────────────────────────────────────────────────────────────────────────────

/**
 * The settings an organisation can set through policy (the keys of public/managed_schema.json), in the same shape as
 * Settings. Personal choices (pinned roles, which role is [default]) are not among them.
 */
export interface ManagedSettings {
  accountNames?: Record<string, string>;
  allowedAccounts?: string[];
  profileTemplate?: string;
  roles?: Record<string, RolePreferences>;
  defaultDuration?: number;
  defaultRegion?: string;
  delivery?: Partial<DeliverySettings>;
  reminders?: Partial<ReminderSettings>;
  /** Replaces the user's list (the organisation decides which of its pages are sign-in pages). */
  trustedSignInHosts?: string[];
}

export const MANAGED_KEYS = [
  'accountNames',
  'allowedAccounts',
  'profileTemplate',
  'roles',
  'defaultDuration',
  'defaultRegion',
  'delivery',
  'reminders',
  'trustedSignInHosts',
] as const;

/**
 * Reads what storage.managed returned. Chrome has already checked it against the schema; Firefox's policies.json is
 * not checked by anyone, so every value is validated here too and a bad one is dropped (reported, never applied).
 */
export function parseManagedSettings(raw: unknown): { managed: ManagedSettings; issues: SettingsIssue[] } {
  const issues: Issues = [];
  const managed: ManagedSettings = {};
  if (raw === undefined || raw === null) return { managed, issues };
  if (!isPlainObject(raw)) return { managed, issues: [{ path: '', message: 'the policy must be an object' }] };
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'accountNames':
        assign(readAccountNames(value, key, issues), (x) => (managed.accountNames = x));
        break;
      case 'allowedAccounts':
        assign(readAccountIds(value, key, issues), (x) => (managed.allowedAccounts = x));
        break;
      case 'profileTemplate':
        assign(readTemplate(value, key, issues), (x) => (managed.profileTemplate = x));
        break;
      case 'roles':
        assign(readRolePreferences(value, key, issues, true), (x) => (managed.roles = x));
        break;
      case 'defaultDuration':
        // A policy is an integer (the schema allows one type per value); "longest allowed" stays a user choice.
        if (typeof value === 'number') assign(readDuration(value, key, issues), (x) => (managed.defaultDuration = x as number));
        else issues.push({ path: key, message: `${DURATION_MESSAGE.replace('"max" or ', '')}, not ${shown(value)}` });
        break;
      case 'defaultRegion':
        assign(readRegion(value, key, issues), (x) => (managed.defaultRegion = x));
        break;
      case 'delivery':
        assign(readNested<DeliverySettings>(value, key, issues, deliveryReaders), (x) => (managed.delivery = x));
        break;
      case 'reminders':
        assign(readNested<ReminderSettings>(value, key, issues, reminderReaders), (x) => (managed.reminders = x));
        break;
      case 'trustedSignInHosts':
        assign(readTrustedHosts(value, key, issues), (x) => (managed.trustedSignInHosts = x));
        break;
      default:
        issues.push({ path: key, message: 'is not a policy this extension knows; ignored' });
    }
  }
  return { managed, issues };
}

/** Settings with the organisation's values applied, and the paths of every value that came from it. */
export interface EffectiveSettings {
  settings: Settings;
  locked: ReadonlySet<string>;
}

/**
 * Lays managed values over the user's: each managed value wins and its path is locked. Maps merge per key (an
 * organisation naming its accounts leaves the user free to name others); role preferences lock per field.
 */
export function applyManaged(local: Readonly<Settings>, managed: ManagedSettings): EffectiveSettings {
  const s = structuredClone(local) as Settings;
  const locked = new Set<string>();
  const lock = <T>(path: string, value: T | undefined, set: (v: T) => void) => {
    if (value === undefined) return;
    set(value);
    locked.add(path);
  };
  for (const [id, name] of Object.entries(managed.accountNames ?? {})) {
    lock(settingPath('accountNames', { key: id }), name, (v) => (s.accountNames[id] = v));
  }
  lock('allowedAccounts', managed.allowedAccounts, (v) => (s.allowedAccounts = [...v]));
  lock('profileTemplate', managed.profileTemplate, (v) => (s.profileTemplate = v));
  for (const [arn, prefs] of Object.entries(managed.roles ?? {})) {
    for (const key of ROLE_PREFERENCE_KEYS) {
      lock(settingPath('roles', { key: arn }, key), prefs[key], (v) => (s.roles[arn] = { ...s.roles[arn], [key]: v }));
    }
  }
  lock('defaultDuration', managed.defaultDuration, (v) => (s.defaultDuration = v));
  lock('defaultRegion', managed.defaultRegion, (v) => (s.defaultRegion = v));
  lock('delivery.autoSaveToHost', managed.delivery?.autoSaveToHost, (v) => (s.delivery.autoSaveToHost = v));
  lock('delivery.formatOrder', managed.delivery?.formatOrder, (v) => (s.delivery.formatOrder = [...v]));
  lock('reminders.enabled', managed.reminders?.enabled, (v) => (s.reminders.enabled = v));
  lock('reminders.minutesBefore', managed.reminders?.minutesBefore, (v) => (s.reminders.minutesBefore = v));
  lock('trustedSignInHosts', managed.trustedSignInHosts, (v) => (s.trustedSignInHosts = [...v]));
  return { settings: s, locked };
}

/** Everything a settings consumer needs, from the two raw storage values. */
export interface SettingsSnapshot extends EffectiveSettings {
  /** The user's own settings: what the options page edits and what export writes. */
  local: Settings;
  /** Problems with the stored settings (shown in options; the affected fields use their defaults). */
  localIssues: SettingsIssue[];
  /** Problems with the organisation's policy (shown in options; those values are not applied). */
  managedIssues: SettingsIssue[];
  /** The stored settings were an older version (a consumer may write `local` back). */
  migratedFrom?: number;
}

export function settingsSnapshot(storedLocal: unknown, storedManaged: unknown): SettingsSnapshot {
  const local = parseSettings(storedLocal);
  const managed = parseManagedSettings(storedManaged);
  return {
    ...applyManaged(local.settings, managed.managed),
    local: local.settings,
    localIssues: local.issues,
    managedIssues: managed.issues,
    ...(local.migratedFrom === undefined ? {} : { migratedFrom: local.migratedFrom }),
  };
}

// ── what consumers ask of settings ───────────────────────────────────────────────────────────────────────────────

/** Account id → display name: the settings' names (the user's, or the organisation's) over aliases learnt from AWS. */
export function accountDisplayNames(settings: Readonly<Settings>, learnt: Readonly<Record<string, string>>): Record<string, string> {
  return { ...learnt, ...settings.accountNames };
}

/** What `resolveProfileNames` needs from settings. */
export function namingRules(settings: Readonly<Settings>, learnt: Readonly<Record<string, string>>): NamingRules {
  const overrides: Record<string, string> = {};
  for (const [arn, prefs] of Object.entries(settings.roles)) if (prefs.profileName) overrides[arn] = prefs.profileName;
  return { template: settings.profileTemplate, overrides, accountNames: accountDisplayNames(settings, learnt) };
}

/** The duration to ask for a role: its own, else `otherwise` (the default duration unless the popup chose one). */
export function durationFor(settings: Readonly<Settings>, roleArn: string, otherwise: DurationChoice = settings.defaultDuration): DurationChoice {
  return settings.roles[roleArn]?.duration ?? otherwise;
}

/** The region to write with a role's profile, if any: its own, else the default. */
export function regionFor(settings: Readonly<Settings>, roleArn: string): string | undefined {
  return settings.roles[roleArn]?.region || settings.defaultRegion || undefined;
}

/** Whether roles of this account may be offered (an empty allow-list allows every account). */
export function isAccountAllowed(settings: Readonly<Settings>, accountId: string): boolean {
  return settings.allowedAccounts.length === 0 || settings.allowedAccounts.includes(accountId);
}
