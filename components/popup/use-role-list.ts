/** The role list as the settings shape it (names, pins, allowed accounts, own durations) and the filter narrows it. */
import { useMemo } from 'preact/hooks';
import { aliasNames, type LearntAliases } from '../../lib/account-aliases';
import type { Capture } from '../../lib/capture';
// Not lib/settings itself: its index brings the parser into the popup's first load.
import { accountDisplayNames } from '../../lib/settings/queries';
import type { Settings } from '../../lib/settings/schema';
import { filterGroups, groupByAccount, hiddenByAllowList, rowKeys, type AccountGroup, type ListOptions } from '../view-model';

export interface RoleListModel {
  /** Per sign-in (as `captures` is ordered), the account groups the filter shows. */
  visible: AccountGroup[][];
  visibleKeys: string[];
  totalRoles: number;
  /** Roles left out by the allow-list. */
  hidden: number;
  /** Some roles have their own duration in the options. */
  ownDurations: boolean;
}

export function useRoleList(captures: Capture[], settings: Readonly<Settings>, learnt: LearntAliases, query: string): RoleListModel {
  const accountNames = useMemo(() => accountDisplayNames(settings, aliasNames(learnt)), [settings, learnt]);
  const listOptions = useMemo<ListOptions>(
    () => ({
      accountNames,
      pinned: new Set(settings.pinnedRoles),
      allowedAccounts: settings.allowedAccounts,
      durations: Object.fromEntries(Object.entries(settings.roles).flatMap(([arn, p]) => (p.duration === undefined ? [] : [[arn, p.duration]]))),
    }),
    [accountNames, settings.pinnedRoles, settings.allowedAccounts, settings.roles],
  );
  const groups = useMemo(() => captures.map((c) => groupByAccount(c.id, c.summary.roles, listOptions)), [captures, listOptions]);
  const hidden = useMemo(
    () => captures.reduce((n, c) => n + hiddenByAllowList(c.summary.roles, settings.allowedAccounts), 0),
    [captures, settings.allowedAccounts],
  );
  const visible = useMemo(() => groups.map((g) => filterGroups(g, query)), [groups, query]);
  const visibleKeys = useMemo(() => visible.flatMap(rowKeys), [visible]);
  const totalRoles = useMemo(() => groups.reduce((n, g) => n + g.reduce((m, a) => m + a.rows.length, 0), 0), [groups]);
  return { visible, visibleKeys, totalRoles, hidden, ownDurations: Object.keys(listOptions.durations ?? {}).length > 0 };
}
