/**
 * The user's settings, in one folder by job: `schema` (shape, version, defaults), `fields` (the rule for each
 * value), `migrations/` (one file per version step), `parse` (reading anything into Settings with an issue per bad
 * field; import and export), `policy` (the organisation's managed values and locks), `queries` (what consumers ask)
 * and `edits` (the changes the pages make). Import from here.
 */
export * from './schema';
export {
  checkAccountId,
  checkAccountName,
  checkChainedDuration,
  checkChainedRole,
  checkConsoleDestination,
  checkDuration,
  checkExternalId,
  checkProfileName,
  checkRegion,
  checkReminderMinutes,
  checkIdleLimitHours,
  checkRemoveExpiredAfterDays,
  checkRoleArn,
  checkSessionName,
  checkTrustedHost,
  isAccountId,
  MAX_ACCOUNT_NAME_LENGTH,
  MAX_ACCOUNT_NAMES,
  MAX_CHAINED_ROLES,
  MAX_PINNED_ROLES,
  MAX_REMINDER_MINUTES,
  MAX_ROLE_PREFERENCES,
  MIN_REMINDER_MINUTES,
  MAX_IDLE_LIMIT_HOURS,
  MIN_IDLE_LIMIT_HOURS,
  type FieldCheck,
} from './fields';
export type { SettingsV1 } from './migrations';
export { exportSettings, importSettings, MAX_IMPORT_BYTES, parseSettings, type ImportResult, type ParsedSettings } from './parse';
export {
  applyManaged,
  isLocked,
  MANAGED_KEYS,
  parseManagedSettings,
  settingsSnapshot,
  type EffectiveSettings,
  type ManagedSettings,
  type SettingsSnapshot,
} from './policy';
export * from './queries';
export * from './edits';
