/**
 * Delivering assumed credentials to the credentials file: which sessions to write, under which names, and what the
 * popup says about each afterwards ("Saved as dev-admin, expires 14:32"). Pure; the background sends the result to
 * the native host (lib/background/credentials-host.ts) and the popup renders the same profiles as a download.
 */
import { isOpenToOthers, type ConfigProfileToWrite, type OkReply } from './host-protocol';
import { planChainedRole, profileNameClash } from './chaining';
import type { NamingRules } from './profile-template';
import type { DeliveryMode } from './settings';
import { checkHelperVersion } from './helper-version';
import type { RoleOutcome } from './capture';
import type { ProfileUpdate } from './credentials-file';
import { failureReason } from './host-errors';
import { regionFor } from './settings/queries';
import type { Settings } from './settings/schema';
import { INSTALL_HOST_COMMAND, type NativeHostFailure } from './native-port';

export type OkOutcome = Extract<RoleOutcome, { status: 'ok' }>;

/** What the last save did for one role; kept in storage.session beside the role's outcome (no secrets). */
export interface SavedProfile {
  roleArn: string;
  profileName: string;
  /** The outcome this record belongs to: a later assume of the same role makes it stale. */
  assumedAt: number;
  /** When the saved credentials expire (ISO 8601). */
  expiration: string;
  savedAt: number;
  /** The credentials file as the host named it. */
  file: string;
  /** Also written as `[default]`. */
  alsoDefault?: boolean;
}

/** Why the last save wrote nothing (the host never writes part of a request). */
export interface SaveProblem {
  at: number;
  code: string;
  /** Plain words and the next step; never a secret (host messages carry paths and profile names only). */
  message: string;
  /** The profiles the request held, so "Overwrite" can repeat exactly it. */
  roleArns: string[];
  /** Set when the refusal was for sections holding credentials the extension did not write. */
  unmanaged?: boolean;
}

/** One profile ready to write, with the role it came from. */
export interface ProfileToDeliver extends ProfileUpdate {
  roleArn: string;
  assumedAt: number;
}

/**
 * The one order of sessions in a credentials file, whether Save, Download or Copy all writes it: by profile name
 * (then role). The file is read by name; the popup's order (pins, account names) would reshuffle it on every
 * settings change. The `[default]` copy comes last.
 */
function byProfileName(a: OkOutcome, b: OkOutcome): number {
  return a.profileName.localeCompare(b.profileName) || a.roleArn.localeCompare(b.roleArn);
}

/** Live ok sessions (credentials not yet expired at `now`), optionally only `roleArns`, by profile name. */
export function liveOkOutcomes(outcomes: Record<string, RoleOutcome>, now: number, roleArns?: readonly string[]): OkOutcome[] {
  const wanted = roleArns ? new Set(roleArns) : undefined;
  return Object.values(outcomes)
    .filter((o): o is OkOutcome => o.status === 'ok' && Date.parse(o.credentials.expiration) > now && (!wanted || wanted.has(o.roleArn)))
    .sort(byProfileName);
}

export type DeliveryPlan = { ok: true; profiles: ProfileToDeliver[] } | { ok: false; message: string };

export interface DeliveryOptions {
  /** The region to write with a session's profile, if any (settings: the role's own, else the default). */
  regionFor?: (session: OkOutcome) => string | undefined;
  /** The role whose session is also written as `[default]` (settings: "also write as [default]"). */
  defaultRoleArn?: string | null;
}

/** The delivery options the user's settings give: the same for Save, Download and Copy all. */
export function deliveryOptions(settings: Readonly<Settings>): DeliveryOptions {
  return { regionFor: (s) => regionFor(settings, s.roleArn), defaultRoleArn: settings.defaultProfileRole };
}

/** The name of the extra section the chosen role is also written as. */
export const DEFAULT_PROFILE = 'default';

/**
 * The profiles to write for `sessions`, in the file's one order whatever order they come in (by profile name,
 * `[default]` last). Two roles that would land in one profile are refused up front, naming both, rather than
 * letting one silently replace the other.
 */
export function planDelivery(sessions: readonly OkOutcome[], options: DeliveryOptions = {}): DeliveryPlan {
  if (sessions.length === 0) return { ok: false, message: 'There are no live sessions to save. Assume a role first.' };
  const ordered = [...sessions].sort(byProfileName);
  const byName = new Map<string, OkOutcome>();
  for (const s of ordered) {
    const other = byName.get(s.profileName);
    if (other) {
      return {
        ok: false,
        message: `${other.roleName} (${other.accountId}) and ${s.roleName} (${s.accountId}) would both be saved as profile ${s.profileName}. Give one of them another profile name in the options.`,
      };
    }
    byName.set(s.profileName, s);
  }
  const profiles: ProfileToDeliver[] = ordered.map((s) => {
    const region = options.regionFor?.(s);
    return { roleArn: s.roleArn, assumedAt: s.assumedAt, name: s.profileName, credentials: s.credentials, ...(region ? { region } : {}) };
  });
  const chosen = profiles.find((p) => p.roleArn === options.defaultRoleArn);
  if (chosen && !byName.has(DEFAULT_PROFILE)) profiles.push({ ...chosen, name: DEFAULT_PROFILE });
  return { ok: true, profiles };
}

/** One record per role from a written plan (the `[default]` copy marks its role's record). */
export function savedRecords(profiles: readonly ProfileToDeliver[], file: string, savedAt: number): SavedProfile[] {
  const records = new Map<string, SavedProfile>();
  for (const p of profiles) {
    if (p.name === DEFAULT_PROFILE) continue;
    records.set(p.roleArn, { roleArn: p.roleArn, profileName: p.name, assumedAt: p.assumedAt, expiration: p.credentials.expiration, savedAt, file });
  }
  for (const p of profiles) {
    const record = records.get(p.roleArn);
    if (p.name === DEFAULT_PROFILE && record) record.alsoDefault = true;
  }
  return [...records.values()];
}

/** The saved record for this outcome, if the last save wrote exactly these credentials. */
export function savedFor(saved: Record<string, SavedProfile>, outcome: RoleOutcome): SavedProfile | undefined {
  // Own keys only: a role ARN is data from the IdP's assertion.
  const record = Object.hasOwn(saved, outcome.roleArn) ? saved[outcome.roleArn] : undefined;
  if (!record || outcome.status !== 'ok') return undefined;
  return record.assumedAt === outcome.assumedAt && record.profileName === outcome.profileName ? record : undefined;
}

/** "14:32" in the user's locale and time zone. */
export function clockTime(iso: string, locale?: string, timeZone?: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return 'unknown';
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', ...(timeZone ? { timeZone } : {}) }).format(t);
}

/** "Saved as dev-admin, expires 14:32". */
export function savedText(record: Pick<SavedProfile, 'profileName' | 'expiration' | 'alsoDefault'>, locale?: string, timeZone?: string): string {
  return `Saved as ${record.profileName}${record.alsoDefault ? ' and default' : ''}, expires ${clockTime(record.expiration, locale, timeZone)}`;
}

/** Whether the native host answers, as the popup shows it. */
export type HostStatus =
  | {
      state: 'ready';
      hostVersion: string;
      credentialsFile: string;
      fileExists: boolean;
      fileMode: string | null;
      /** Other users may read the file (never on Windows): the popup offers "Make it private". */
      fileOpenToOthers: boolean;
      /** The helper works but one side is behind (lib/helper-version.ts): which, and the sentence to show. */
      outdated?: 'helper' | 'extension';
      versionNote?: string;
    }
  /** Not registered for this browser (or not allowed for this extension): `command` fixes it. */
  | { state: 'missing'; message: string }
  /** Registered but failing (crashed, too old, timed out): `message` says what to run; `outdated`: which side to update. */
  | { state: 'error'; message: string; outdated?: 'helper' | 'extension' };

export type SaveResult = { ok: true; saved: number; file: string } | { ok: false; problem: SaveProblem };

/**
 * The popup's view of the host's answer to a ping. `extensionVersion` is the extension's manifest version: a helper
 * of another protocol cannot be used (which side to update is said), one of another release works and says which
 * side is behind.
 */
export function hostStatusOf(
  reply: Pick<OkReply<'ping'>, 'hostVersion' | 'protocol' | 'platform' | 'credentialsFile'>,
  extensionVersion: string = reply.hostVersion,
): HostStatus {
  const version = checkHelperVersion({ hostVersion: reply.hostVersion, hostProtocol: reply.protocol }, extensionVersion);
  if (version.behind !== 'none' && version.blocking) return { state: 'error', message: version.message, outdated: version.behind };
  const file = reply.credentialsFile;
  return {
    state: 'ready',
    hostVersion: reply.hostVersion,
    credentialsFile: file.path,
    fileExists: file.exists,
    fileMode: file.mode,
    fileOpenToOthers: isOpenToOthers(file, reply.platform),
    ...(version.behind === 'none' ? {} : { outdated: version.behind, versionNote: version.message }),
  };
}

export type MakePrivateResult = { ok: true; status: HostStatus } | { ok: false; message: string };

/** Plain words for a failed "Make it private" (`failure` is the host's error, or how the port failed). */
export function makePrivateFailure(failure: NativeHostFailure, file: string): string {
  if (failure.code === 'UNKNOWN_TYPE') {
    return `This version of the credentials helper cannot change the file's permissions. Update it with: ${INSTALL_HOST_COMMAND}, or run: chmod 600 ${file}`;
  }
  return `Could not make ${file} private (${failureReason(failure)}). Run: chmod 600 ${file}`;
}

// ── config-file delivery (~/.aws/config): credential_process and CLI-side chaining ──────────────────────────────

/** How a role's credentials reach the AWS CLI: its own choice, else the default, else keys in the credentials file. */
export function deliveryModeFor(settings: Readonly<Settings>, roleArn: string): DeliveryMode {
  return settings.roles[roleArn]?.delivery ?? settings.delivery.defaultMode ?? 'file';
}

/** Short words for a delivery, for the popup and the options. */
export const DELIVERY_MODE_WORDS: Record<DeliveryMode, string> = {
  file: 'keys in ~/.aws/credentials',
  process: 'credential_process in ~/.aws/config (no keys on disk)',
  both: 'keys and credential_process',
};

/** What one Save sends to the host: keys, config sections, and keys to take out of the credentials file. */
export interface SavePlan {
  /** Sections with keys (`file` and `both`; the `[default]` copy follows its role). */
  fileProfiles: ProfileToDeliver[];
  /** `credential_process` sections (`process` and `both`) and chains the AWS CLI assumes itself. */
  configProfiles: ConfigProfileToWrite[];
  /** `process` profiles: keys left from an earlier save would win over credential_process, so they go. */
  removeFromFile: string[];
}

/** Splits a delivery plan by each role's delivery (`modeOf`), adding `chains` to the config sections. */
export function planSave(
  profiles: readonly ProfileToDeliver[],
  modeOf: (roleArn: string) => DeliveryMode,
  chains: readonly ConfigProfileToWrite[] = [],
): SavePlan {
  const plan: SavePlan = { fileProfiles: [], configProfiles: [], removeFromFile: [] };
  for (const p of profiles) {
    const mode = modeOf(p.roleArn);
    if (mode !== 'process') plan.fileProfiles.push(p);
    if (mode !== 'file') plan.configProfiles.push({ name: p.name, credentialProcess: true, ...(p.region ? { region: p.region } : {}) });
    if (mode === 'process') plan.removeFromFile.push(p.name);
  }
  plan.configProfiles.push(...chains);
  return plan;
}

export type CliChainsPlan = { ok: true; profiles: ConfigProfileToWrite[] } | { ok: false; message: string };

/**
 * `[profile x] role_arn/source_profile` sections for the chained roles the AWS CLI assumes itself whose source role is
 * among `saved` (profiles this helper writes: a chain from anything else is not written). Refused, naming both roles,
 * when a chained profile would take a saved sign-in role's name.
 */
export function planCliChains(settings: Readonly<Settings>, rules: NamingRules, saved: readonly ProfileToDeliver[]): CliChainsPlan {
  const sources = new Map(saved.filter((p) => p.name !== DEFAULT_PROFILE).map((p) => [p.roleArn, p.name] as const));
  const profiles: ConfigProfileToWrite[] = [];
  const named: { roleArn: string; profileName: string }[] = [];
  for (const chain of settings.chainedRoles) {
    const sourceProfile = sources.get(chain.sourceRoleArn);
    if (chain.assumedBy !== 'cli' || sourceProfile === undefined) continue;
    const plan = planChainedRole(chain, rules, chain.sessionName ?? '');
    if (!plan) continue;
    named.push({ roleArn: chain.targetRoleArn, profileName: plan.profileName });
    profiles.push({
      name: plan.profileName,
      chain: {
        roleArn: chain.targetRoleArn,
        sourceProfile,
        ...(chain.externalId ? { externalId: chain.externalId } : {}),
        ...(chain.durationSeconds ? { durationSeconds: chain.durationSeconds } : {}),
        ...(chain.sessionName ? { sessionName: chain.sessionName } : {}),
      },
    });
  }
  const clash = profileNameClash(
    named,
    saved.map((p) => ({ roleArn: p.roleArn, profileName: p.name })),
  );
  return clash ? { ok: false, message: clash } : { ok: true, profiles };
}

/** Whether a chained role is assumed by the AWS CLI from the config file, in one short line for the popup. */
export function chainDeliveryText(assumedBy: 'extension' | 'cli' | undefined, sourceProfile: string): string {
  return assumedBy === 'cli'
    ? `Assumed by the AWS CLI from profile ${sourceProfile} (source_profile in ~/.aws/config)`
    : 'Assumed by the extension after its source role';
}
