/**
 * The rule for each setting's value, written once: stored settings, imported files, the policy and the options page
 * all check a value here. Each check takes anything and returns the value to keep, or what is wrong with it in
 * words for people (the issue message; the options page shows it as a sentence). Pure.
 */
import { MAX_EXPIRED_DAYS } from '../host-protocol';
import { ACCOUNT_ID } from '../account-aliases';
import { parseRoleArn } from '../arn';
import { isValidProfileName } from '../profile-name';
import { isDurationChoice, MAX_CHAINED_DURATION_SECONDS, MAX_DURATION_SECONDS, MIN_DURATION_SECONDS, type DurationChoice } from '../duration';
import { EXPORT_FORMATS, type ExportFormat } from '../export-format-ids';
import { CONSOLE_SERVICES, isConsoleService, type ConsoleDestination } from '../console';
import { isRegionName, PARTITION_INFO, type Partition } from '../partitions';
import { isReservedProfileName, parseTemplate } from '../profile-template';
import { normaliseTrustedHost } from '../sign-in-origin';
import { isExternalId, isSessionName } from '../config-file';
import { CHAIN_ASSUMERS, DELIVERY_MODES, type ChainAssumer, type ChainedRole, type DeliveryMode } from './schema';

// ── limits ───────────────────────────────────────────────────────────────────────────────────────────────────────
export const MAX_ACCOUNT_NAME_LENGTH = 64;
export const MAX_ACCOUNT_NAMES = 1000;
export const MAX_ROLE_PREFERENCES = 2000;
export const MAX_PINNED_ROLES = 500;
export const MIN_REMINDER_MINUTES = 1;
export const MAX_REMINDER_MINUTES = 120;
export const MAX_CHAINED_ROLES = 50;

/** A checked value: the value to keep, or why it cannot be kept. */
export type FieldCheck<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): FieldCheck<T> => ({ ok: true, value });
const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

/** A JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, safe rendering of a bad value for an issue message. */
export function shown(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** A switch: true or false. */
export function checkBoolean(value: unknown): FieldCheck<boolean> {
  return typeof value === 'boolean' ? ok(value) : fail(`must be true or false, not ${shown(value)}`);
}

// ── accounts ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** Whether `text` is an AWS account id: exactly 12 digits. */
export function isAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text);
}

const notAccountId = (value: unknown) => `${shown(value)} is not a 12-digit account id`;

/** An account id as typed or listed: spaces around it are ignored. */
export function checkAccountId(value: unknown): FieldCheck<string> {
  const id = typeof value === 'string' ? value.trim() : '';
  return isAccountId(id) ? ok(id) : fail(notAccountId(value));
}

/** An account id as the key of a map (`accountNames`): exactly 12 digits, nothing around them. */
export function checkAccountIdKey(key: string): FieldCheck<string> {
  return isAccountId(key) ? ok(key) : fail(notAccountId(key));
}

/** Control characters and bidirectional overrides: they would make a name display as something else. */
const UNSAFE_TEXT = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** An account display name: trimmed, 1–64 characters, no control characters. Empty means "no name". */
export function checkAccountName(value: unknown): FieldCheck<string> {
  if (typeof value !== 'string') return fail(`the name must be text, not ${shown(value)}`);
  const name = value.trim();
  if ([...name].length > MAX_ACCOUNT_NAME_LENGTH) return fail(`the name is longer than ${MAX_ACCOUNT_NAME_LENGTH} characters`);
  if (UNSAFE_TEXT.test(name)) return fail('the name contains control characters');
  return ok(name);
}

// ── roles and profiles ───────────────────────────────────────────────────────────────────────────────────────────

/** An IAM role ARN, in any partition. */
export function checkRoleArn(value: unknown): FieldCheck<string> {
  return typeof value === 'string' && parseRoleArn(value)
    ? ok(value)
    : fail(`${shown(value)} is not an IAM role ARN such as arn:aws:iam::123456789012:role/Name`);
}

/** A per-role profile name: what the credentials file accepts, and not the reserved `default`. */
export function checkProfileName(value: unknown): FieldCheck<string> {
  if (typeof value !== 'string' || !isValidProfileName(value)) {
    return fail(`${shown(value)} is not a profile name: use 1–64 letters, digits, "-" and "_"`);
  }
  if (isReservedProfileName(value)) return fail('"default" is kept for the “also save as [default]” option');
  return ok(value);
}

/** A profile-name template (its placeholders and characters; see lib/profile-template.ts). */
export function checkProfileTemplate(value: unknown): FieldCheck<string> {
  if (typeof value !== 'string') return fail(`must be text, not ${shown(value)}`);
  const parsed = parseTemplate(value);
  return parsed.ok ? ok(value) : fail(parsed.error);
}

// ── durations, regions, reminders ────────────────────────────────────────────────────────────────────────────────

const DURATION_SECONDS = `a whole number of seconds from ${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS}`;

/** A session duration: "max" (the longest the role allows) or seconds within STS's limits. */
export function checkDuration(value: unknown): FieldCheck<DurationChoice> {
  return isDurationChoice(value) ? ok(value) : fail(`must be "max" or ${DURATION_SECONDS}, not ${shown(value)}`);
}

/** A duration set by policy: a number (the schema allows one type per value; "longest allowed" stays a user choice). */
export function checkManagedDuration(value: unknown): FieldCheck<number> {
  return typeof value === 'number' ? (checkDuration(value) as FieldCheck<number>) : fail(`must be ${DURATION_SECONDS}, not ${shown(value)}`);
}

/** A region to write with profiles: an AWS region name, or "" for none. */
export function checkRegion(value: unknown): FieldCheck<string> {
  return value === '' || (typeof value === 'string' && isRegionName(value)) ? ok(value) : fail(`${shown(value)} is not an AWS region name such as eu-west-1`);
}

/** How many minutes before expiry the reminder comes. */
export function checkReminderMinutes(value: unknown): FieldCheck<number> {
  return Number.isInteger(value) && (value as number) >= MIN_REMINDER_MINUTES && (value as number) <= MAX_REMINDER_MINUTES
    ? ok(value as number)
    : fail(`must be a whole number of minutes from ${MIN_REMINDER_MINUTES} to ${MAX_REMINDER_MINUTES}, not ${shown(value)}`);
}

export const MIN_IDLE_LIMIT_HOURS = 1;
export const MAX_IDLE_LIMIT_HOURS = 24;

/** How many hours after the last interactive sign-in renewal stops. */
export function checkIdleLimitHours(value: unknown): FieldCheck<number> {
  return Number.isInteger(value) && (value as number) >= MIN_IDLE_LIMIT_HOURS && (value as number) <= MAX_IDLE_LIMIT_HOURS
    ? ok(value as number)
    : fail(`must be a whole number of hours from ${MIN_IDLE_LIMIT_HOURS} to ${MAX_IDLE_LIMIT_HOURS}, not ${shown(value)}`);
}

// ── console destination (issue 13) ─────────────────────────────────────────────────────────────────────────────────

/**
 * Where a role's console opens: `{ service, region? }` with a service of `CONSOLE_SERVICES` and, when given, a region
 * of the role's partition (a console of one partition cannot show another's regions). `partition` absent: any region
 * name. An empty or null region is left out.
 */
export function checkConsoleDestination(value: unknown, partition?: Partition): FieldCheck<ConsoleDestination> {
  if (!isPlainObject(value)) return fail('must be an object with service and optionally region');
  for (const key of Object.keys(value)) if (key !== 'service' && key !== 'region') return fail(`${key} is not a field of a console destination`);
  if (!isConsoleService(value.service)) {
    return fail(`${shown(value.service)} is not a console page this extension knows (${Object.keys(CONSOLE_SERVICES).join(', ')})`);
  }
  const region = value.region;
  if (region === undefined || region === null || region === '') return ok({ service: value.service });
  const checked = checkRegion(region);
  if (!checked.ok || checked.value === '') return fail(`region: ${shown(region)} is not an AWS region name such as eu-west-1`);
  if (partition && !PARTITION_INFO[partition].regions.includes(checked.value)) {
    return fail(
      `region: ${checked.value} is not a region of ${PARTITION_INFO[partition].label} (${PARTITION_INFO[partition].regions.slice(0, 3).join(', ')}, …)`,
    );
  }
  return ok({ service: value.service, region: checked.value });
}

// ── delivery, sign-in pages ──────────────────────────────────────────────────────────────────────────────────────

// ── tidy credentials file (issue 12 §2) ──
/** "Remove sections whose credentials expired more than N days ago": null (keep) or whole days, 1 to the protocol's maximum. */
export function checkRemoveExpiredAfterDays(value: unknown): FieldCheck<number | null> {
  if (value === null) return ok(null);
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_EXPIRED_DAYS
    ? ok(value as number)
    : fail(`must be null (keep them) or a whole number of days from 1 to ${MAX_EXPIRED_DAYS}, not ${shown(value)}`);
}

const FORMAT_IDS: readonly string[] = EXPORT_FORMATS.map((f) => f.id);

/** The id of one of `EXPORT_FORMATS`. */
export function checkExportFormat(value: unknown): FieldCheck<ExportFormat> {
  return typeof value === 'string' && FORMAT_IDS.includes(value)
    ? ok(value as ExportFormat)
    : fail(`${shown(value)} is not an export format (${FORMAT_IDS.join(', ')})`);
}

/** A trusted sign-in host, normalised (see `normaliseTrustedHost`). */
export function checkTrustedHost(value: unknown): FieldCheck<string> {
  const checked = normaliseTrustedHost(value);
  return checked.ok ? ok(checked.host) : fail(`${shown(value)} ${checked.message}`);
}

// ── roles reached by chaining ────────────────────────────────────────────────────────────────────────────────────

/** The external ID a target role's trust policy requires. */
export function checkExternalId(value: unknown): FieldCheck<string> {
  return isExternalId(value) ? ok(value) : fail('the external ID must be 2–1224 letters, digits and _+=,.@:/- (as AWS allows)');
}

/** A role session name for a chained session. */
export function checkSessionName(value: unknown): FieldCheck<string> {
  return isSessionName(value) ? ok(value) : fail(`${shown(value)} is not a session name: use 2–64 letters, digits and _+=,.@-`);
}

/** A chained session's duration: whole seconds within AWS's one-hour cap for role chaining. */
export function checkChainedDuration(value: unknown): FieldCheck<number> {
  return Number.isInteger(value) && (value as number) >= MIN_DURATION_SECONDS && (value as number) <= MAX_CHAINED_DURATION_SECONDS
    ? ok(value as number)
    : fail(
        `must be a whole number of seconds from ${MIN_DURATION_SECONDS} to ${MAX_CHAINED_DURATION_SECONDS} (AWS allows at most one hour for a chained session), not ${shown(value)}`,
      );
}

/** Config-file delivery: how a role's credentials reach the AWS CLI. */
export function checkDeliveryMode(value: unknown): FieldCheck<DeliveryMode> {
  return (DELIVERY_MODES as readonly unknown[]).includes(value)
    ? ok(value as DeliveryMode)
    : fail(`${shown(value)} is not a delivery (${DELIVERY_MODES.join(', ')})`);
}

/** Config-file delivery: who assumes a chained role. */
export function checkChainAssumer(value: unknown): FieldCheck<ChainAssumer> {
  return (CHAIN_ASSUMERS as readonly unknown[]).includes(value)
    ? ok(value as ChainAssumer)
    : fail(`${shown(value)} is not who assumes a chained role (${CHAIN_ASSUMERS.join(', ')})`);
}

const chainedRoleChecks: { [K in keyof ChainedRole]-?: (value: unknown) => FieldCheck<ChainedRole[K] & {}> } = {
  targetRoleArn: checkRoleArn,
  sourceRoleArn: checkRoleArn,
  externalId: checkExternalId,
  profileName: checkProfileName,
  durationSeconds: checkChainedDuration,
  sessionName: checkSessionName,
  assumedBy: checkChainAssumer,
};

/**
 * One role reached by chaining: both role ARNs (different roles), and each optional field by its rule; an absent,
 * null or "" optional field is left out. The message names the field.
 */
export function checkChainedRole(value: unknown): FieldCheck<ChainedRole> {
  if (!isPlainObject(value)) return fail('must be an object with targetRoleArn and sourceRoleArn');
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const check = Object.hasOwn(chainedRoleChecks, key) ? (chainedRoleChecks as Record<string, (v: unknown) => FieldCheck<unknown>>)[key] : undefined;
    if (!check) return fail(`${key} is not a field of a chained role`);
    if ((v === undefined || v === null || v === '') && key !== 'targetRoleArn' && key !== 'sourceRoleArn') continue;
    const checked = check(v);
    if (!checked.ok) return fail(`${key}: ${checked.message}`);
    out[key] = checked.value;
  }
  for (const key of ['targetRoleArn', 'sourceRoleArn'] as const) if (out[key] === undefined) return fail(`${key} is missing`);
  if (out.targetRoleArn === out.sourceRoleArn) return fail('a role cannot be chained from itself');
  return ok(out as unknown as ChainedRole);
}
