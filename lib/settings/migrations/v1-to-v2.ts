/** Settings version 1 → 2. */

/** The first stored shape (version 1). Kept to document what `v1ToV2` reads; never written any more. */
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
export function v1ToV2(raw: Record<string, unknown>): Record<string, unknown> {
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
