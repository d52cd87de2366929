/**
 * Reading settings from anything (storage, an imported file; the policy reads with the same readers): older versions
 * are migrated, then each field is checked by its rule in fields.ts, and every bad value becomes an issue at its
 * path while the field keeps its base value. Never throws. Also the settings file's export and import. Pure.
 */
import { parseRoleArn } from '../arn';
import { errorText } from '../error-text';
import { EXPORT_FORMATS, type ExportFormat } from '../export-format-ids';
import {
  checkAccountId,
  checkAccountIdKey,
  checkAccountName,
  checkBoolean,
  checkChainedRole,
  checkConsoleDestination,
  checkDeliveryMode,
  checkDuration,
  checkExportFormat,
  checkProfileName,
  checkProfileTemplate,
  checkRegion,
  checkReminderMinutes,
  checkIdleLimitHours,
  checkRemoveExpiredAfterDays,
  checkRoleArn,
  checkTrustedHost,
  isPlainObject,
  MAX_ACCOUNT_NAMES,
  MAX_CHAINED_ROLES,
  MAX_PINNED_ROLES,
  MAX_ROLE_PREFERENCES,
  shown,
  type FieldCheck,
} from './fields';
import { MAX_TRUSTED_HOSTS } from '../sign-in-origin';
import { migrate } from './migrations';
import {
  DEFAULT_SETTINGS,
  ROLE_PREFERENCE_KEYS,
  SETTINGS_VERSION,
  settingPath,
  type ChainedRole,
  type DeliverySettings,
  type ZeroClickSettings,
  type ReminderSettings,
  type RenewalSettings,
  type RolePreferences,
  type Settings,
  type SettingsIssue,
} from './schema';

/** An imported settings file larger than this is not one this extension wrote. */
export const MAX_IMPORT_BYTES = 1_000_000;

type Issues = SettingsIssue[];

/** A field reader: the valid value, or undefined after recording why not. */
type Reader<T> = (value: unknown, path: string, issues: Issues) => T | undefined;

/** The reader of a field with one rule. */
function reader<T>(check: (value: unknown) => FieldCheck<T>): Reader<T> {
  return (value, path, issues) => {
    const checked = check(value);
    if (checked.ok) return checked.value;
    issues.push({ path, message: checked.message });
    return undefined;
  };
}

/** Readers of single values, shared with the policy (policy.ts). */
export const readTemplate = reader(checkProfileTemplate);
export const readDuration = reader(checkDuration);
export const readRegion = reader(checkRegion);
const readBoolean = reader(checkBoolean);
const readRoleArn = reader(checkRoleArn);

/** Account id → display name; an empty name is no entry. */
export function readAccountNames(v: unknown, path: string, issues: Issues): Record<string, string> | undefined {
  if (!isPlainObject(v)) {
    issues.push({ path, message: 'must be an object of account id → name' });
    return undefined;
  }
  const names: Record<string, string> = {};
  let count = 0;
  for (const [id, value] of Object.entries(v)) {
    const p = settingPath(path, { key: id });
    const idChecked = checkAccountIdKey(id);
    const checked = idChecked.ok ? checkAccountName(value) : idChecked;
    if (!checked.ok) {
      issues.push({ path: p, message: checked.message });
      continue;
    }
    if (checked.value === '') continue;
    if (++count > MAX_ACCOUNT_NAMES) {
      issues.push({ path, message: `more than ${MAX_ACCOUNT_NAMES} account names; the rest are ignored` });
      break;
    }
    names[id] = checked.value;
  }
  return names;
}

/** A list of distinct values, each checked by its rule; a list with more than `max` of them is refused whole. */
function readDistinct(
  v: unknown,
  path: string,
  issues: Issues,
  list: { check: (value: unknown) => FieldCheck<string>; what: string; max: number; many: string },
): string[] | undefined {
  if (!Array.isArray(v)) {
    issues.push({ path, message: `must be a list of ${list.what}` });
    return undefined;
  }
  const values = new Set<string>();
  v.forEach((value, i) => {
    const checked = list.check(value);
    if (checked.ok) values.add(checked.value);
    else issues.push({ path: `${path}[${i}]`, message: checked.message });
  });
  if (values.size > list.max) {
    issues.push({ path, message: `more than ${list.max} ${list.many}` });
    return undefined;
  }
  return [...values];
}

/** The allowed accounts: distinct 12-digit ids. */
export const readAccountIds: Reader<string[]> = (v, path, issues) =>
  readDistinct(v, path, issues, { check: checkAccountId, what: '12-digit account ids', max: MAX_ACCOUNT_NAMES, many: 'accounts' });

/** Trusted sign-in hosts, normalised and distinct. */
export const readTrustedHosts: Reader<string[]> = (v, path, issues) =>
  readDistinct(v, path, issues, {
    check: checkTrustedHost,
    what: 'host names such as adfs.contoso.com or *.contoso.com',
    max: MAX_TRUSTED_HOSTS,
    many: 'hosts',
  });

/**
 * Roles reached by chaining, each checked by `checkChainedRole`; one entry per target role (a later one for the same
 * target is reported and dropped), at most `MAX_CHAINED_ROLES` (a longer list is refused whole).
 */
export function readChainedRoles(v: unknown, path: string, issues: Issues): ChainedRole[] | undefined {
  if (!Array.isArray(v)) {
    issues.push({ path, message: 'must be a list of chained roles ({ targetRoleArn, sourceRoleArn, … })' });
    return undefined;
  }
  const byTarget = new Map<string, ChainedRole>();
  v.forEach((value, i) => {
    const checked = checkChainedRole(value);
    if (!checked.ok) issues.push({ path: `${path}[${i}]`, message: checked.message });
    else if (byTarget.has(checked.value.targetRoleArn)) issues.push({ path: `${path}[${i}]`, message: 'names a target role already listed; ignored' });
    else byTarget.set(checked.value.targetRoleArn, checked.value);
  });
  if (byTarget.size > MAX_CHAINED_ROLES) {
    issues.push({ path, message: `more than ${MAX_CHAINED_ROLES} chained roles` });
    return undefined;
  }
  return [...byTarget.values()];
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
  const order: ExportFormat[] = [];
  v.forEach((id, i) => {
    const checked = checkExportFormat(id);
    if (!checked.ok) issues.push({ path: `${path}[${i}]`, message: checked.message });
    else if (!order.includes(checked.value)) order.push(checked.value);
  });
  // Formats not listed keep their usual order after the listed ones (a list from an older version lacks new ones).
  return [...order, ...EXPORT_FORMATS.map((f) => f.id).filter((id) => !order.includes(id))];
}

/** The readers of one role's preferences; a console destination's region must be of the role's partition. */
const rolePreferenceReaders = (roleArn: string): { [K in keyof RolePreferences]-?: Reader<RolePreferences[K]> } => ({
  profileName: reader(checkProfileName),
  duration: readDuration,
  region: readRegion,
  consoleDestination: reader((v) => checkConsoleDestination(v, parseRoleArn(roleArn)?.partition)),
  delivery: reader(checkDeliveryMode),
});

/** Role ARN → preferences; `partial`: keep a role even with no valid preference (a policy locks what it names). */
export function readRolePreferences(v: unknown, path: string, issues: Issues, partial: boolean): Record<string, RolePreferences> | undefined {
  if (!isPlainObject(v)) {
    issues.push({ path, message: 'must be an object of role ARN → preferences' });
    return undefined;
  }
  const roles: Record<string, RolePreferences> = {};
  let count = 0;
  for (const [arn, prefs] of Object.entries(v)) {
    const p = settingPath(path, { key: arn });
    if (readRoleArn(arn, p, issues) === undefined) continue;
    if (!isPlainObject(prefs)) {
      issues.push({ path: p, message: 'must be an object with profileName, duration, region and/or consoleDestination' });
      continue;
    }
    const out: RolePreferences = {};
    const readers = rolePreferenceReaders(arn);
    for (const [key, value] of Object.entries(prefs)) {
      const kp = settingPath(p, key);
      if (!(ROLE_PREFERENCE_KEYS as readonly string[]).includes(key)) {
        issues.push({ path: kp, message: 'is not a role preference (profileName, duration, region, consoleDestination, delivery); ignored' });
        continue;
      }
      // Absent, null and "" all mean "use the default"; the options page stores nothing for them.
      if (value === undefined || value === null || value === '') continue;
      const k = key as keyof RolePreferences;
      const read = (readers[k] as Reader<unknown>)(value, kp, issues);
      if (read !== undefined) (out as Record<string, unknown>)[k] = read;
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

/** An object of known keys, each read by its own reader; unknown keys are reported. */
export function readNested<T extends object>(v: unknown, path: string, issues: Issues, readers: { [K in keyof T]: Reader<T[K]> }): Partial<T> | undefined {
  if (!isPlainObject(v)) {
    issues.push({ path, message: 'must be an object' });
    return undefined;
  }
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(v)) {
    // Own keys only: a file may say "valueOf" or "__proto__".
    const read = Object.hasOwn(readers, key) ? (readers as Record<string, Reader<unknown>>)[key] : undefined;
    if (!read) {
      issues.push({ path: settingPath(path, key), message: 'is not a setting this version knows; ignored' });
      continue;
    }
    const got = read(value, settingPath(path, key), issues);
    if (got !== undefined) (out as Record<string, unknown>)[key] = got;
  }
  return out;
}

/** Auto-save: true or false, or null for "when the helper is installed" (the default). */
const readAutoSave: Reader<boolean | null> = (v, path, issues) => (v === null ? null : readBoolean(v, path, issues));

export const deliveryReaders: { [K in keyof DeliverySettings]: Reader<DeliverySettings[K]> } = {
  autoSaveToHost: readAutoSave,
  formatOrder: readFormatOrder,
  // credential_process (issue 12 §3)
  credentialProcess: readBoolean,
  defaultMode: reader(checkDeliveryMode),
  // tidy credentials file (issue 12 §2)
  removeExpiredAfterDays: reader(checkRemoveExpiredAfterDays),
};
export const reminderReaders: { [K in keyof ReminderSettings]: Reader<ReminderSettings[K]> } = {
  enabled: readBoolean,
  minutesBefore: reader(checkReminderMinutes),
};
export const renewalReaders: { [K in keyof RenewalSettings]: Reader<RenewalSettings[K]> } = {
  keepFresh: readBoolean,
  idleLimitHours: reader(checkIdleLimitHours),
  backgroundTab: readBoolean,
};

// zero-click sign-in (issue 11)
export const zeroClickReaders: { [K in keyof ZeroClickSettings]: Reader<ZeroClickSettings[K]> } = {
  autoAssume: readBoolean,
};

/** Calls `set` with a value that was read (undefined: it was not, and the issue is recorded). */
export function assign<T>(value: T | undefined, set: (v: T) => void): void {
  if (value !== undefined) set(value);
}

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
    chainedRoles: (v, p) => void assign(readChainedRoles(v, p, issues), (x) => (s.chainedRoles = x)),
    renewal: (v, p) => void assign(readNested<RenewalSettings>(v, p, issues, renewalReaders), (x) => (s.renewal = { ...s.renewal, ...x })),
    // zero-click sign-in (issue 11)
    zeroClick: (v, p) => void assign(readNested<ZeroClickSettings>(v, p, issues, zeroClickReaders), (x) => (s.zeroClick = { ...s.zeroClick, ...x })),
  };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'version') continue;
    const read = Object.hasOwn(fields, key) ? (fields as Record<string, (v: unknown, p: string) => void>)[key] : undefined;
    if (read) read(value, key);
    else issues.push({ path: key, message: 'is not a setting this version knows; ignored' });
  }
  return s;
}

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
  const from = version as number;
  const settings = readFields(migrate(raw, from), start, issues);
  return from === SETTINGS_VERSION ? { settings, issues } : { settings, issues, migratedFrom: from };
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
