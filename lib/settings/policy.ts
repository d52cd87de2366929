/**
 * The organisation's managed settings (enterprise policy): which keys it may set, reading them with the same rules
 * as the user's, and laying them over the user's settings with every value they set locked. Pure.
 * public/managed_schema.json is Chrome's copy of `MANAGED_KEYS` and their rules (tests/unit/settings-policy.test.ts
 * keeps the two in step).
 */
import { checkManagedDuration, isPlainObject } from './fields';
import {
  assign,
  deliveryReaders,
  parseSettings,
  readAccountIds,
  readAccountNames,
  readChainedRoles,
  readNested,
  readRegion,
  readRolePreferences,
  readTemplate,
  readTrustedHosts,
  reminderReaders,
  renewalReaders,
  zeroClickReaders,
} from './parse';
import {
  ROLE_PREFERENCE_KEYS,
  settingPath,
  type ChainedRole,
  type DeliverySettings,
  type ReminderSettings,
  type RenewalSettings,
  type RolePreferences,
  type Settings,
  type SettingsIssue,
  type ZeroClickSettings,
} from './schema';

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
  /** Replaces the user's list (the organisation knows its cross-account roles and their external IDs). */
  chainedRoles?: ChainedRole[];
  renewal?: Partial<RenewalSettings>;
  // zero-click sign-in (issue 11): locks "Assume my usual roles on sign-in" for every source.
  zeroClick?: Partial<ZeroClickSettings>;
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
  'chainedRoles',
  'renewal',
  // zero-click sign-in (issue 11)
  'zeroClick',
] as const;

/**
 * Reads what storage.managed returned. Chrome has already checked it against the schema; Firefox's policies.json is
 * not checked by anyone, so every value is validated here too and a bad one is dropped (reported, never applied).
 */
export function parseManagedSettings(raw: unknown): { managed: ManagedSettings; issues: SettingsIssue[] } {
  const issues: SettingsIssue[] = [];
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
      case 'defaultDuration': {
        const checked = checkManagedDuration(value);
        if (checked.ok) managed.defaultDuration = checked.value;
        else issues.push({ path: key, message: checked.message });
        break;
      }
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
      case 'chainedRoles':
        assign(readChainedRoles(value, key, issues), (x) => (managed.chainedRoles = x));
        break;
      case 'renewal':
        assign(readNested<RenewalSettings>(value, key, issues, renewalReaders), (x) => (managed.renewal = x));
        break;
      // zero-click sign-in (issue 11)
      case 'zeroClick':
        assign(readNested<ZeroClickSettings>(value, key, issues, zeroClickReaders), (x) => (managed.zeroClick = x));
        break;
      default:
        issues.push({ path: key, message: 'is not a policy this extension knows; ignored' });
    }
  }
  return { managed, issues };
}

/** Whether `path` is locked: it, or a setting containing it, is in `locked`. */
export function isLocked(locked: ReadonlySet<string>, path: string): boolean {
  if (locked.has(path)) return true;
  for (const l of locked) if (path.startsWith(l) && (path[l.length] === '.' || path[l.length] === '[')) return true;
  return false;
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
  // Only true or false lock auto-save; "when the helper is installed" (null) is the user's default, not a policy.
  lock('delivery.autoSaveToHost', managed.delivery?.autoSaveToHost ?? undefined, (v) => (s.delivery.autoSaveToHost = v));
  lock('delivery.formatOrder', managed.delivery?.formatOrder, (v) => (s.delivery.formatOrder = [...v]));
  // credential_process (issue 12 §3)
  lock('delivery.credentialProcess', managed.delivery?.credentialProcess, (v) => (s.delivery.credentialProcess = v));
  lock('reminders.enabled', managed.reminders?.enabled, (v) => (s.reminders.enabled = v));
  lock('reminders.minutesBefore', managed.reminders?.minutesBefore, (v) => (s.reminders.minutesBefore = v));
  lock('trustedSignInHosts', managed.trustedSignInHosts, (v) => (s.trustedSignInHosts = [...v]));
  lock('chainedRoles', managed.chainedRoles, (v) => (s.chainedRoles = v.map((c) => ({ ...c }))));
  lock('renewal.keepFresh', managed.renewal?.keepFresh, (v) => (s.renewal.keepFresh = v));
  lock('renewal.idleLimitHours', managed.renewal?.idleLimitHours, (v) => (s.renewal.idleLimitHours = v));
  lock('renewal.backgroundTab', managed.renewal?.backgroundTab, (v) => (s.renewal.backgroundTab = v));
  // zero-click sign-in (issue 11)
  lock('zeroClick.autoAssume', managed.zeroClick?.autoAssume, (v) => (s.zeroClick.autoAssume = v));
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

/** The user's stored settings and the organisation's policy, read and combined. */
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
