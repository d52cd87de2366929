/**
 * The changes the popup and the options page make to the user's settings. Each takes settings and returns new ones
 * (the input is not changed); an empty value removes an entry rather than store "". Values are expected to have
 * passed their rule in fields.ts already. Pure.
 */
import type { ExportFormat } from '../export-format-ids';
import type { ChainedRole, DeliverySettings, ReminderSettings, RenewalSettings, RolePreferences, Settings, ZeroClickSettings } from './schema';

/** Sets one top-level setting to a value that passed its rule (the nested ones have their own edits below). */
export function withSetting<K extends 'allowedAccounts' | 'profileTemplate' | 'defaultDuration' | 'defaultRegion' | 'defaultProfileRole'>(
  s: Settings,
  key: K,
  value: Settings[K],
): Settings {
  return { ...s, [key]: value };
}

/** Sets (or with "" removes) the user's name for an account. */
export function withAccountName(s: Settings, accountId: string, name: string): Settings {
  const accountNames = { ...s.accountNames };
  if (name.trim()) accountNames[accountId] = name.trim();
  else delete accountNames[accountId];
  return { ...s, accountNames };
}

/** Sets (or with undefined removes) one preference of one role; a role left with none is dropped. */
export function withRolePreference<K extends keyof RolePreferences>(s: Settings, roleArn: string, key: K, value: RolePreferences[K] | undefined): Settings {
  const prefs: RolePreferences = { ...s.roles[roleArn] };
  if (value === undefined) delete prefs[key];
  else prefs[key] = value;
  const roles = { ...s.roles };
  if (Object.keys(prefs).length === 0) delete roles[roleArn];
  else roles[roleArn] = prefs;
  return { ...s, roles };
}

/** Pins or unpins a role (pinned roles keep the order they were pinned in). */
export function withPinned(s: Settings, roleArn: string, pinned: boolean): Settings {
  const others = s.pinnedRoles.filter((a) => a !== roleArn);
  return { ...s, pinnedRoles: pinned ? [...others, roleArn] : others };
}

/** Moves one export format up (-1) or down (+1); out-of-range moves change nothing. */
export function moveFormat(order: readonly ExportFormat[], index: number, delta: -1 | 1): ExportFormat[] {
  const to = index + delta;
  const next = [...order];
  if (index < 0 || index >= next.length || to < 0 || to >= next.length) return next;
  [next[index], next[to]] = [next[to]!, next[index]!];
  return next;
}

/** Moves `format` one place up (-1) or down (+1) in the popup's order of copy formats. */
export function withFormatMoved(s: Settings, format: ExportFormat, delta: -1 | 1): Settings {
  return withDelivery(s, { formatOrder: moveFormat(s.delivery.formatOrder, s.delivery.formatOrder.indexOf(format), delta) });
}

/** Changes some delivery settings, keeping the others. */
export function withDelivery(s: Settings, change: Partial<DeliverySettings>): Settings {
  return { ...s, delivery: { ...s.delivery, ...change } };
}

/** Changes some always-fresh settings, keeping the others. */
export function withRenewal(s: Settings, change: Partial<RenewalSettings>): Settings {
  return { ...s, renewal: { ...s.renewal, ...change } };
}

/** Changes some reminder settings, keeping the others. */
export function withReminders(s: Settings, change: Partial<ReminderSettings>): Settings {
  return { ...s, reminders: { ...s.reminders, ...change } };
}

/** Trusts (added once, at the end) or stops trusting a sign-in host (as `checkTrustedHost` gives it). */
export function withTrustedHost(s: Settings, host: string, trusted: boolean): Settings {
  const hosts = s.trustedSignInHosts;
  if (trusted) return hosts.includes(host) ? s : { ...s, trustedSignInHosts: [...hosts, host] };
  return { ...s, trustedSignInHosts: hosts.filter((h) => h !== host) };
}

/** Adds a chained role (replacing the one for the same target, in place) or, with `null`, removes the target's. */
export function withChainedRole(s: Settings, targetRoleArn: string, role: ChainedRole | null): Settings {
  const at = s.chainedRoles.findIndex((c) => c.targetRoleArn === targetRoleArn);
  const chainedRoles = s.chainedRoles.filter((c) => c.targetRoleArn !== targetRoleArn);
  if (role) chainedRoles.splice(at < 0 ? chainedRoles.length : at, 0, role);
  return { ...s, chainedRoles };
}

// zero-click sign-in (issue 11)
/** Changes some zero-click settings ("Assume my usual roles on sign-in"), keeping the others. */
export function withZeroClick(s: Settings, change: Partial<ZeroClickSettings>): Settings {
  return { ...s, zeroClick: { ...s.zeroClick, ...change } };
}
