/**
 * Pure view model of the options page: which roles and accounts to list, the template preview, and how typed text
 * meets the settings' rules. The edits the page makes are in lib/settings/edits.ts.
 * No browser API and no Preact here, so vitest runs it under plain Node.
 */
import { parseRoleArn } from '../../lib/arn';
import type { Capture } from '../../lib/capture';
import { resolveProfileNames, type NamingRole, type ResolvedProfileName } from '../../lib/profile-template';
import { accountDisplayNames, isAccountId, namingRules, type FieldCheck, type Settings } from '../../lib/settings';

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

// ── typed values ─────────────────────────────────────────────────────────────────────────────────────────────────

/** Reads a typed list of account ids (commas, spaces or new lines between them). */
export function parseAccountIdList(text: string): { ids: string[]; invalid: string[] } {
  const tokens = text.split(/[\s,;]+/).filter(Boolean);
  const ids = [...new Set(tokens.filter(isAccountId))];
  return { ids, invalid: tokens.filter((t) => !isAccountId(t)) };
}

/** A number field's text as the value its rule checks: the number, or the text itself when it is none. */
export function typedNumber(text: string): number | string {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

/** Why a typed value cannot be saved, in its rule's own words as a sentence (lib/settings/fields.ts); or undefined. */
export function fieldError(checked: FieldCheck<unknown>): string | undefined {
  return checked.ok ? undefined : `${checked.message.replace(/^./, (c) => c.toUpperCase())}.`;
}
