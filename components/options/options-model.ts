/**
 * Pure view model of the options page: which roles and accounts to list, the template preview, and the small
 * settings edits the page makes (each returns new Settings; empty values remove an entry rather than store "").
 * No browser API and no Preact here, so vitest runs it under plain Node.
 */
import { parseRoleArn } from '../../lib/arn';
import type { Capture } from '../../lib/capture';
import type { ExportFormat } from '../../lib/export-formats';
import { isRegionName } from '../../lib/partitions';
import { resolveProfileNames, type NamingRole, type ResolvedProfileName } from '../../lib/profile-template';
import { accountDisplayNames, namingRules, type RolePreferences, type Settings } from '../../lib/settings';

/** A role the options page lists: captured now, or only known from the settings. */
export interface OptionsRole extends NamingRole {
  /** RoleSessionName of the sign-in the role came from (for `{session_name}` in the preview). */
  sessionName?: string;
  /** Whether the role is in a current sign-in (otherwise it is only mentioned in the settings). */
  captured: boolean;
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

function byAccountThenName(a: NamingRole, b: NamingRole): number {
  return (
    a.accountId.localeCompare(b.accountId) ||
    a.partition.localeCompare(b.partition) ||
    collator.compare(a.roleName, b.roleName) ||
    collator.compare(a.rolePath, b.rolePath)
  );
}

/**
 * The roles to list: every role of the current sign-ins (read only) plus every role the settings mention (a role
 * with an override stays editable after its sign-in is gone), sorted by account, then name.
 */
export function knownRoles(captures: readonly Capture[], settings: Readonly<Settings>): OptionsRole[] {
  const roles = new Map<string, OptionsRole>();
  for (const c of captures) {
    for (const r of c.summary.roles) {
      if (roles.has(r.roleArn)) continue;
      const { roleArn, accountId, roleName, rolePath, partition } = r;
      roles.set(roleArn, {
        roleArn,
        accountId,
        roleName,
        rolePath,
        partition,
        captured: true,
        ...(c.summary.roleSessionName ? { sessionName: c.summary.roleSessionName } : {}),
      });
    }
  }
  const mentioned = [...Object.keys(settings.roles), ...settings.pinnedRoles, ...(settings.defaultProfileRole ? [settings.defaultProfileRole] : [])];
  for (const arn of mentioned) {
    if (roles.has(arn)) continue;
    const parsed = parseRoleArn(arn);
    if (parsed) roles.set(arn, { ...parsed, captured: false });
  }
  return [...roles.values()].sort(byAccountThenName);
}

/** Stand-ins for the preview before any sign-in was captured. */
export const SAMPLE_ROLES: readonly OptionsRole[] = [
  {
    roleArn: 'arn:aws:iam::123456789012:role/Admin',
    accountId: '123456789012',
    roleName: 'Admin',
    rolePath: '/',
    partition: 'aws',
    sessionName: 'alice@example.com',
    captured: false,
  },
  {
    roleArn: 'arn:aws:iam::123456789012:role/team/platform/Deployer',
    accountId: '123456789012',
    roleName: 'Deployer',
    rolePath: '/team/platform/',
    partition: 'aws',
    sessionName: 'alice@example.com',
    captured: false,
  },
  {
    roleArn: 'arn:aws-us-gov:iam::210987654321:role/ReadOnly',
    accountId: '210987654321',
    roleName: 'ReadOnly',
    rolePath: '/',
    partition: 'aws-us-gov',
    sessionName: 'alice@example.com',
    captured: false,
  },
];
/** The sample accounts' names, so `{account_name}` shows something in the preview. */
export const SAMPLE_ACCOUNT_NAMES: Readonly<Record<string, string>> = { '123456789012': 'example-prod' };

export interface PreviewRow {
  role: OptionsRole;
  accountName?: string;
  resolved: ResolvedProfileName;
}

/**
 * What every listed role would be called with `template` (the draft being typed) and the current overrides:
 * the captured roles when there are any, else the samples.
 */
export function previewRows(
  roles: readonly OptionsRole[],
  settings: Readonly<Settings>,
  learnt: Readonly<Record<string, string>>,
  template: string,
): PreviewRow[] {
  const useSamples = !roles.some((r) => r.captured);
  const shown = useSamples ? SAMPLE_ROLES : roles.filter((r) => r.captured);
  const rules = namingRules(settings, useSamples ? { ...SAMPLE_ACCOUNT_NAMES, ...learnt } : learnt);
  const resolved = resolveProfileNames(shown, { ...rules, template }, (r) => r);
  return shown.map((role) => ({ role, accountName: rules.accountNames[role.accountId], resolved: resolved.get(role.roleArn)! }));
}

/** One account the page lists, with what is known of its name. */
export interface OptionsAccount {
  accountId: string;
  /** The alias AWS showed on its sign-in page. */
  learntAlias?: string;
  /** The name in settings (the user's, or the organisation's). */
  name?: string;
}

/** Every account with a role, a learnt alias or a name, sorted by id. */
export function knownAccounts(roles: readonly OptionsRole[], settings: Readonly<Settings>, learnt: Readonly<Record<string, string>>): OptionsAccount[] {
  const ids = new Set([...roles.map((r) => r.accountId), ...Object.keys(learnt), ...Object.keys(settings.accountNames)]);
  return [...ids].sort().map((accountId) => ({
    accountId,
    ...(learnt[accountId] ? { learntAlias: learnt[accountId] } : {}),
    ...(settings.accountNames[accountId] ? { name: settings.accountNames[accountId] } : {}),
  }));
}

/** What an account is called where the page needs a label: its display name and id, or its id. */
export function accountLabel(accountId: string, settings: Readonly<Settings>, learnt: Readonly<Record<string, string>>): string {
  const name = accountDisplayNames(settings, learnt)[accountId];
  return name ? `${name} (${accountId})` : accountId;
}

// ── edits ────────────────────────────────────────────────────────────────────────────────────────────────────────

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

/** Reads a typed list of account ids (commas, spaces or new lines between them). */
export function parseAccountIdList(text: string): { ids: string[]; invalid: string[] } {
  const tokens = text.split(/[\s,;]+/).filter(Boolean);
  const ids = [...new Set(tokens.filter((t) => /^\d{12}$/.test(t)))];
  return { ids, invalid: tokens.filter((t) => !/^\d{12}$/.test(t)) };
}

/** Why a typed region cannot be saved ("" means none, which is fine). */
export function regionError(text: string): string | undefined {
  return text === '' || isRegionName(text) ? undefined : `"${text.slice(0, 40)}" is not a region name such as eu-west-1.`;
}
