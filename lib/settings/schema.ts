/**
 * The shape of the user's settings, their version and defaults, and how a setting is named in issues and locks.
 * Pure. Settings never hold secrets: they live in storage.local.
 *
 * Versions (each older one has its migration in `migrations/`):
 * - 1: the first, flat shape (`SettingsV1` in migrations/v1-to-v2.ts).
 * - 2 (current): placeholders `{account_name}` etc., per-role preferences, delivery, reminders, allowed accounts,
 *   trusted sign-in hosts and chained roles (each added later without a new version: a version 2 object without
 *   them reads as "none").
 */
import type { ConsoleDestination } from '../console';
import type { DurationChoice } from '../duration';
import { EXPORT_FORMATS, type ExportFormat } from '../export-format-ids';
import { DEFAULT_PROFILE_TEMPLATE } from '../profile-template';

export const SETTINGS_VERSION = 2;

/** What the user chose for one role; every field optional (absent: the defaults apply). */
export interface RolePreferences {
  /** The role's own profile name, instead of the template's. */
  profileName?: string;
  duration?: DurationChoice;
  /** `region = …` written with this role's profile. */
  region?: string;
  // ── console destination (issue 13) ──
  /** Where Open console lands for this role: a service's page (in its own region or the role's); absent: the console home. */
  consoleDestination?: ConsoleDestination;
  /** How the role's credentials reach the AWS CLI (config-file delivery); absent: `delivery.defaultMode`. */
  delivery?: DeliveryMode;
}

/** The keys of `RolePreferences`, for readers and locks. */
export const ROLE_PREFERENCE_KEYS = ['profileName', 'duration', 'region', 'consoleDestination', 'delivery'] as const;

// ── config-file delivery (~/.aws/config): credential_process and CLI-side chaining ──────────────────────────────
/**
 * `file`: keys in ~/.aws/credentials (as always); `process`: a `credential_process` section in ~/.aws/config and no
 * keys on disk; `both`: both (the credentials file's keys win for the AWS CLI while they are there).
 */
export const DELIVERY_MODES = ['file', 'process', 'both'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];
/** Who assumes a chained role: the extension (default), or the AWS CLI from `[profile x] role_arn/source_profile`. */
export const CHAIN_ASSUMERS = ['extension', 'cli'] as const;
export type ChainAssumer = (typeof CHAIN_ASSUMERS)[number];
// ── end config-file delivery ──

export interface ReminderSettings {
  /** Notify shortly before credentials expire. */
  enabled: boolean;
  minutesBefore: number;
}

export interface DeliverySettings {
  /**
   * Save credentials to ~/.aws/credentials through the native host as soon as they are issued. `null` (the
   * default): yes when the helper answers, no otherwise; true or false: the user's (or organisation's) choice.
   */
  autoSaveToHost: boolean | null;
  /** Every export format, the ones shown first first. */
  formatOrder: ExportFormat[];
  /** Config-file delivery: how a role without its own choice reaches the AWS CLI; absent: `file`. */
  defaultMode?: DeliveryMode;
  // ── credential_process (issue 12 §3) ──
  /** Lend live sessions to the helper's agent for `aws-saml-bridge credential-process` (memory only, no file). */
  credentialProcess: boolean;
  // ── tidy credentials file (issue 12 §2) ──
  /**
   * Days after their expiry when the helper removes sections it wrote, on each save (only its own sections);
   * null: keep them (the default).
   */
  removeExpiredAfterDays: number | null;
}

// ── always-fresh (issue 11) ──
/** Keeping credentials fresh from the live IdP session (lib/renewal/, lib/background/renewal.ts). */
export interface RenewalSettings {
  /** Renew credentials silently before they run low (each sign-in source can still be switched off on its own). */
  keepFresh: boolean;
  /** Stop renewing this many hours after the last sign-in the person made themselves. */
  idleLimitHours: number;
  /** Where the IdP needs the browser's device sign-in, renew in a background tab (never focused). */
  backgroundTab: boolean;
}

/**
 * A role reached by role chaining: assumed with `sourceRoleArn`'s session credentials (sts:AssumeRole) right after
 * the source role is assumed from the sign-in. For roles the SAML sign-in does not offer.
 */
export interface ChainedRole {
  targetRoleArn: string;
  sourceRoleArn: string;
  /** What the target's trust policy requires as sts:ExternalId, if anything. */
  externalId?: string;
  /** The chained session's profile name, instead of the template's. */
  profileName?: string;
  /** Seconds, 900–3600 (AWS caps chained sessions at one hour); absent: one hour. */
  durationSeconds?: number;
  /** RoleSessionName; absent: the source session's. */
  sessionName?: string;
  /** Config-file delivery: `cli` writes `role_arn` + `source_profile` so the AWS CLI assumes it; absent: the extension. */
  assumedBy?: ChainAssumer;
}

/** The optional keys of `ChainedRole`, for readers. */
export const CHAINED_ROLE_KEYS = ['targetRoleArn', 'sourceRoleArn', 'externalId', 'profileName', 'durationSeconds', 'sessionName', 'assumedBy'] as const;

// ── zero-click sign-in (issue 11) ────────────────────────────────────────────────────────────────────────────────
export interface ZeroClickSettings {
  /**
   * A new sign-in from a source assumes the roles last chosen from it (lib/remembered.ts), in the background. The
   * default for every source; a source's own switch wins unless the organisation set this.
   */
  autoAssume: boolean;
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
  /** Roles reached by role chaining from a role of the sign-in (see `ChainedRole`). */
  chainedRoles: ChainedRole[];
  /** Always-fresh: renewing credentials from the live IdP session. */
  renewal: RenewalSettings;
  // ── zero-click sign-in (issue 11): "Assume my usual roles on sign-in" ──
  zeroClick: ZeroClickSettings;
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
  delivery: { autoSaveToHost: null, formatOrder: EXPORT_FORMATS.map((f) => f.id), credentialProcess: false, removeExpiredAfterDays: null },
  pinnedRoles: [],
  reminders: { enabled: true, minutesBefore: 10 },
  trustedSignInHosts: [],
  chainedRoles: [],
  renewal: { keepFresh: true, idleLimitHours: 10, backgroundTab: true },
  // zero-click sign-in (issue 11)
  zeroClick: { autoAssume: true },
});

/** A fresh, mutable copy of the defaults. */
export function defaultSettings(): Settings {
  return structuredClone(DEFAULT_SETTINGS) as Settings;
}

/** One thing wrong with one setting; the message is for people and never repeats a long value. */
export interface SettingsIssue {
  path: string;
  message: string;
}

/**
 * A setting's path, as reported in issues and locks: dotted field names, with map keys in brackets because role
 * ARNs contain dots and slashes — `reminders.enabled`, `accountNames["111111111111"]`,
 * `roles["arn:aws:iam::111111111111:role/Admin"].duration`.
 */
export function settingPath(...segments: (string | { key: string })[]): string {
  return segments.map((s, i) => (typeof s === 'string' ? (i === 0 ? s : `.${s}`) : `[${JSON.stringify(s.key)}]`)).join('');
}
