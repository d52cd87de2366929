/**
 * Pure view model of the popup: grouping a sign-in's roles by account, filtering, selection keys, the popup's
 * texts (counts, countdowns, durations, status), and keeping unchanged objects identical across storage updates so memoised rows stay put.
 * No browser API and no Preact here, so vitest runs it under plain Node.
 */
import type { SamlRole } from '../lib/arn';
import type { Capture, RoleOutcome } from '../lib/capture';
import type { AwsCredentials } from '../lib/credentials';
import { effectiveDuration, formatDuration, type DurationChoice } from '../lib/duration';
import { clockTime } from '../lib/delivery';
import { PARTITION_INFO, type Partition } from '../lib/partitions';
import type { SessionState } from '../lib/browser/session-store';
import type { SavedProfile, SaveProblem } from '../lib/delivery';
import type { CaptureProblem } from '../lib/capture';

/** One role of one sign-in, as a row of the role list. */
export interface RoleRowModel {
  /** Selection key: the same role may come from two sign-ins, and each is assumed with its own assertion. */
  key: string;
  captureId: string;
  role: SamlRole;
  /** Pinned in the options (or from the popup): listed first. */
  pinned: boolean;
  /** The role's own duration from the options, when it has one. */
  duration?: DurationChoice;
  /** Lower-cased text the filter searches: name, path, account id and account name. */
  haystack: string;
}

/** The roles of one AWS account within one sign-in. */
export interface AccountGroup {
  /** `<partition>:<account id>`: the same 12 digits in two partitions are two accounts. */
  key: string;
  accountId: string;
  /** The name the user, their organisation or AWS's sign-in page gave the account. */
  accountName?: string;
  partition: Partition;
  /** The partition's short name, only when it is not plain `aws` (e.g. "GovCloud (US)"). */
  partitionLabel?: string;
  rows: RoleRowModel[];
}

/** What shapes the list besides the roles: all from settings and learnt aliases. */
export interface ListOptions {
  /** Account id → display name. */
  accountNames?: Readonly<Record<string, string | undefined>>;
  /** Role ARNs listed first. */
  pinned?: ReadonlySet<string>;
  /** Account ids offered; empty or absent: every account. */
  allowedAccounts?: readonly string[];
  /** Role ARN → the role's own duration from the options. */
  durations?: Readonly<Record<string, DurationChoice>>;
}

// Made on first use, not when the module loads: a page's first Intl.Collator costs 10–20 ms (the locale's data), and
// the popup starts its storage reads first (components/App.tsx `startPopupSources`).
let collator: Intl.Collator | undefined;
/** Names compared as people read them: case and accents aside, numbers by value ("Role2" before "Role10"). */
export const compareNames = (a: string, b: string): number => (collator ??= new Intl.Collator('en', { sensitivity: 'base', numeric: true })).compare(a, b);

/** The key a role is selected under. */
export function selectionKey(captureId: string, roleArn: string): string {
  return `${captureId}\n${roleArn}`;
}

/** Splits a selection key back into its capture id and role ARN. */
export function parseSelectionKey(key: string): { captureId: string; roleArn: string } {
  const at = key.lastIndexOf('\n');
  return { captureId: key.slice(0, at), roleArn: key.slice(at + 1) };
}

/**
 * Groups roles by account: accounts holding a pinned role first, then by name (accounts without one by id);
 * roles pinned first, then by name and path. Accounts outside a non-empty allow-list are left out.
 */
export function groupByAccount(captureId: string, roles: readonly SamlRole[], options: ListOptions = {}): AccountGroup[] {
  const { accountNames = {}, pinned, allowedAccounts = [], durations = {} } = options;
  const groups = new Map<string, AccountGroup>();
  for (const role of roles) {
    if (allowedAccounts.length > 0 && !allowedAccounts.includes(role.accountId)) continue;
    const key = `${role.partition}:${role.accountId}`;
    let group = groups.get(key);
    if (!group) {
      const accountName = accountNames[role.accountId];
      group = { key, accountId: role.accountId, partition: role.partition, rows: [], ...(accountName ? { accountName } : {}) };
      if (role.partition !== 'aws') group.partitionLabel = PARTITION_INFO[role.partition].label.replace(/^AWS /, '');
      groups.set(key, group);
    }
    const duration = Object.hasOwn(durations, role.roleArn) ? durations[role.roleArn] : undefined;
    group.rows.push({
      key: selectionKey(captureId, role.roleArn),
      captureId,
      role,
      pinned: pinned?.has(role.roleArn) ?? false,
      ...(duration === undefined ? {} : { duration }),
      haystack: `${role.roleName}\n${role.rolePath}\n${role.accountId}\n${group.accountName ?? ''}`.toLowerCase(),
    });
  }
  const hasPinned = (g: AccountGroup) => (g.rows.some((r) => r.pinned) ? 0 : 1);
  const sorted = [...groups.values()].sort(
    (a, b) =>
      hasPinned(a) - hasPinned(b) ||
      (a.accountName === undefined ? 1 : 0) - (b.accountName === undefined ? 1 : 0) ||
      compareNames(a.accountName ?? '', b.accountName ?? '') ||
      a.accountId.localeCompare(b.accountId) ||
      a.partition.localeCompare(b.partition),
  );
  for (const group of sorted) {
    group.rows.sort(
      (a, b) => Number(b.pinned) - Number(a.pinned) || compareNames(a.role.roleName, b.role.roleName) || compareNames(a.role.rolePath, b.role.rolePath),
    );
  }
  return sorted;
}

/** How many of `roles` a non-empty allow-list hides. */
export function hiddenByAllowList(roles: readonly SamlRole[], allowedAccounts: readonly string[]): number {
  return allowedAccounts.length === 0 ? 0 : roles.filter((r) => !allowedAccounts.includes(r.accountId)).length;
}

/**
 * The rows matching `query`: every whitespace-separated term must occur (case-insensitively) in the role's name,
 * path or account id. Groups left empty are dropped; an empty query returns `groups` itself.
 */
export function filterGroups(groups: AccountGroup[], query: string): AccountGroup[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return groups;
  const result: AccountGroup[] = [];
  for (const group of groups) {
    const rows = group.rows.filter((row) => terms.every((t) => row.haystack.includes(t)));
    if (rows.length === group.rows.length) result.push(group);
    else if (rows.length > 0) result.push({ ...group, rows });
  }
  return result;
}

/** The selection keys of every row in `groups`. */
export function rowKeys(groups: readonly AccountGroup[]): string[] {
  return groups.flatMap((g) => g.rows.map((r) => r.key));
}

/** `selected` with `keys` added (`on`) or removed; the same Set when nothing changes. */
export function withKeys(selected: ReadonlySet<string>, keys: readonly string[], on: boolean): ReadonlySet<string> {
  if (keys.every((k) => selected.has(k) === on)) return selected;
  const next = new Set(selected);
  for (const k of keys) {
    if (on) next.add(k);
    else next.delete(k);
  }
  return next;
}

/**
 * Turns the selection into one assume request per sign-in (newest first, as `captures` is ordered). Keys of
 * forgotten sign-ins or roles are dropped; a role selected in two sign-ins is assumed once, from the newer.
 */
export function assumeRequests(captures: readonly Capture[], selected: ReadonlySet<string>): { captureId: string; roleArns: string[] }[] {
  const requests: { captureId: string; roleArns: string[] }[] = [];
  const taken = new Set<string>();
  for (const capture of captures) {
    const roleArns: string[] = [];
    for (const role of capture.summary.roles) {
      if (!selected.has(selectionKey(capture.id, role.roleArn)) || taken.has(role.roleArn)) continue;
      taken.add(role.roleArn);
      roleArns.push(role.roleArn);
    }
    if (roleArns.length > 0) requests.push({ captureId: capture.id, roleArns });
  }
  return requests;
}

/** How many roles an Assume press would request. */
export function selectedRoleCount(captures: readonly Capture[], selected: ReadonlySet<string>): number {
  return assumeRequests(captures, selected).reduce((n, r) => n + r.roleArns.length, 0);
}

/** A countdown: `m:ss` under an hour, `h:mm:ss` from one hour; `0:00` once passed. Rounds up to whole seconds. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "expires in 59:58", or "expired". */
export function expiryText(expiresAt: number, now: number): string {
  return expiresAt > now ? `expires in ${formatCountdown(expiresAt - now)}` : 'expired';
}

/** Epoch ms at which credentials expire (NaN-safe: an unreadable time counts as expired). */
export function credentialsExpireAt(credentials: Pick<AwsCredentials, 'expiration'>): number {
  const t = Date.parse(credentials.expiration);
  return Number.isFinite(t) ? t : 0;
}

/** A sign-in cannot be redeemed any more: its usable window passed, or the background already forgot the assertion. */
export function isSignInExpired(capture: Pick<Capture, 'summary' | 'samlResponse'>, now: number): boolean {
  return now >= capture.summary.usableUntil || capture.samlResponse === undefined;
}

/**
 * What the duration choice means for this sign-in, when it is not simply the chosen value; undefined otherwise.
 * The assertion's SessionDuration can only shorten a session.
 */
export function durationNote(choice: DurationChoice, samlSessionDuration?: number): string | undefined {
  const effective = effectiveDuration(choice, samlSessionDuration);
  if (choice === 'max') {
    return samlSessionDuration === undefined
      ? `Requests ${formatDuration(effective)}; roles that allow less get 1 h.`
      : `Your sign-in allows at most ${formatDuration(effective)}; roles that allow less get 1 h.`;
  }
  if (effective === choice) return undefined;
  return `Your sign-in allows at most ${formatDuration(effective)}.`;
}

/** The heading of a sign-in: the AWS app (audience, else issuer) without its scheme. */
export function captureTitle(summary: Pick<Capture['summary'], 'audience' | 'issuer'>): string {
  const app = summary.audience || summary.issuer || 'AWS sign-in';
  return app.replace(/^https?:\/\//, '');
}

/** The problem to show: only one newer than every capture (an older one was superseded by a good sign-in). */
export function currentProblem(state: Pick<SessionState, 'captures' | 'problem'>): SessionState['problem'] {
  const { problem, captures } = state;
  if (!problem) return undefined;
  return captures.every((c) => problem.capturedAt > c.capturedAt) ? problem : undefined;
}

/**
 * Outcomes whose sign-in (or role within it) is no longer listed, so they are shown on their own. A role reached by
 * chaining is listed under its source role (see `chainedBySource`) while that is listed.
 */
export function orphanOutcomes(state: Pick<SessionState, 'captures' | 'outcomes'>): RoleOutcome[] {
  const known = new Set(state.captures.flatMap((c) => c.summary.roles.map((r) => selectionKey(c.id, r.roleArn))));
  return Object.values(state.outcomes)
    .filter((o) => !known.has(selectionKey(o.captureId, o.chainedFrom ?? o.roleArn)))
    .sort((a, b) => a.accountId.localeCompare(b.accountId) || compareNames(a.roleName, b.roleName));
}

/** Roles reached by chaining, by their source's `selectionKey`, in account and role order. */
export function chainedBySource(outcomes: Record<string, RoleOutcome>): Map<string, RoleOutcome[]> {
  const bySource = new Map<string, RoleOutcome[]>();
  const chained = Object.values(outcomes).filter((o) => o.chainedFrom !== undefined);
  chained.sort((a, b) => a.accountId.localeCompare(b.accountId) || compareNames(a.roleName, b.roleName));
  for (const o of chained) {
    const key = selectionKey(o.captureId, o.chainedFrom!);
    bySource.set(key, [...(bySource.get(key) ?? []), o]);
  }
  return bySource;
}

/** "1 role", "3 roles": a count with its noun. */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** "Roles of signin.aws.amazon.com/saml": the accessible name of a sign-in's role grid. */
export function gridLabel(summary: Pick<Capture['summary'], 'audience' | 'issuer'>): string {
  return `Roles of ${captureTitle(summary)}`;
}

/** "Admin (111111111111)": names a session in the accessible names of its buttons. */
export function sessionSubject(outcome: Pick<RoleOutcome, 'roleName' | 'accountId'>): string {
  return `${outcome.roleName} (${outcome.accountId})`;
}

/** The toolbar's count: "6 roles", or "2 of 6 roles shown" while a filter is typed. */
export function shownText(query: string, shown: number, total: number): string {
  return query.trim() ? `${shown} of ${total} roles shown` : countOf(total, 'role');
}

/** Why roles are missing from the list: only the allowed accounts are offered (by the options, or the organisation). */
export function hiddenByPolicyText(hidden: number, setByOrganisation: boolean): string {
  return `${hidden} ${hidden === 1 ? 'role is' : 'roles are'} not shown: only the allowed accounts are offered${setByOrganisation ? ' (set by your organisation)' : ' (Options)'}.`;
}

/** The Assume button: "Assume 3 roles" (the duration after it reads on: "… for 1 hour"). */
export function assumeLabel(count: number): string {
  return `Assume ${countOf(count, 'role')}`;
}

/** The footer's status line: "Assuming roles…", "2 sessions ready, 1 failed", or nothing yet. */
export function assumeStatusText(busy: boolean, counts: { pending: number; ok: number; error: number }): string {
  if (busy || counts.pending > 0) return 'Assuming roles…';
  if (counts.ok + counts.error === 0) return '';
  return `${countOf(counts.ok, 'session')} ready${counts.error > 0 ? `, ${counts.error} failed` : ''}`;
}

/**
 * What the duration choice means for the listed sign-ins: one note when every sign-in gets the same one, else
 * each note after its sign-in's title; empty when the choice applies as it is.
 */
export function durationNotesText(captures: readonly Pick<Capture, 'summary'>[], choice: DurationChoice): string {
  const notes = captures.flatMap((c) => {
    const note = durationNote(choice, c.summary.sessionDuration);
    return note === undefined ? [] : [{ title: captureTitle(c.summary), note }];
  });
  const distinct = [...new Set(notes.map((n) => n.note))];
  return distinct.length === 1 && notes.length === captures.length ? (distinct[0] ?? '') : notes.map((n) => `${n.title}: ${n.note}`).join(' ');
}

/**
 * What Assume would give, before it is pressed: "Credentials last 1 h, until about 14:32." The newest sign-in's
 * SessionDuration caps the choice; roles with their own duration in the options are said to use it.
 */
export function expiryPreviewText(
  choice: DurationChoice,
  sessionDuration: number | undefined,
  now: number,
  ownDurations: boolean,
  locale?: string,
  timeZone?: string,
): string {
  const lasts = effectiveDuration(choice, sessionDuration);
  const until = clockTime(new Date(now + lasts * 1000).toISOString(), locale, timeZone);
  return `Credentials last ${formatDuration(lasts)}, until about ${until}${ownDurations ? ' (roles with their own duration in the options use it)' : ''}.`;
}

/** `selected` without the keys of one sign-in (it was forgotten). */
export function withoutSignIn(selected: ReadonlySet<string>, captureId: string): ReadonlySet<string> {
  return new Set([...selected].filter((k) => parseSelectionKey(k).captureId !== captureId));
}

/** The versions of the errors already stored: shown when the popup opens, but not announced as alerts again. */
export function errorVersions(outcomes: Record<string, RoleOutcome>): ReadonlySet<string> {
  return new Set(
    Object.values(outcomes)
      .filter((o) => o.status === 'error')
      .map(outcomeVersion),
  );
}

/** Progress over all outcomes, for the status line. */
export function outcomeCounts(outcomes: Record<string, RoleOutcome>): { pending: number; ok: number; error: number } {
  const counts = { pending: 0, ok: 0, error: 0 };
  for (const o of Object.values(outcomes)) counts[o.status]++;
  return counts;
}

/** Identifies one version of an outcome: a new attempt at the same role is a new version. */
export function outcomeVersion(outcome: RoleOutcome): string {
  const at = outcome.status === 'pending' ? outcome.startedAt : outcome.status === 'ok' ? outcome.assumedAt : outcome.finishedAt;
  return `${outcome.captureId}\n${outcome.status}\n${at}`;
}

function captureVersion(capture: Capture): string {
  return `${capture.capturedAt}\n${capture.samlResponse === undefined ? 0 : 1}\n${capture.summary.roles.length}`;
}

/**
 * `next`, reusing `prev`'s objects wherever nothing changed (storage hands back fresh copies on every read), so
 * memoised components skip unchanged sign-ins and rows.
 */
export function reconcileState(prev: SessionState | undefined, next: SessionState): SessionState {
  if (!prev) return next;
  const prevCaptures = new Map(prev.captures.map((c) => [c.id, c]));
  const captures = next.captures.map((c) => {
    const old = prevCaptures.get(c.id);
    return old && captureVersion(old) === captureVersion(c) ? old : c;
  });
  const sameCaptures = captures.length === prev.captures.length && captures.every((c, i) => c === prev.captures[i]);
  const outcomes: Record<string, RoleOutcome> = {};
  let sameOutcomes = Object.keys(next.outcomes).length === Object.keys(prev.outcomes).length;
  for (const [arn, outcome] of Object.entries(next.outcomes)) {
    const old = prev.outcomes[arn];
    const keep = old !== undefined && outcomeVersion(old) === outcomeVersion(outcome);
    outcomes[arn] = keep ? old : outcome;
    if (!keep) sameOutcomes = false;
  }
  const problem = prev.problem && next.problem && prev.problem.capturedAt === next.problem.capturedAt ? prev.problem : next.problem;
  const savedKeys = Object.keys(next.saved);
  const sameSaved =
    savedKeys.length === Object.keys(prev.saved).length &&
    savedKeys.every((arn) => prev.saved[arn]?.savedAt === next.saved[arn]?.savedAt && prev.saved[arn]?.assumedAt === next.saved[arn]?.assumedAt);
  const saveProblem = prev.saveProblem && next.saveProblem && prev.saveProblem.at === next.saveProblem.at ? prev.saveProblem : next.saveProblem;
  // Renewal records are few and small: compared whole.
  const sameRenewals = JSON.stringify(prev.renewals) === JSON.stringify(next.renewals);
  if (sameCaptures && sameOutcomes && sameSaved && sameRenewals && problem === prev.problem && saveProblem === prev.saveProblem) return prev;
  return {
    captures: sameCaptures ? prev.captures : captures,
    outcomes: sameOutcomes ? prev.outcomes : outcomes,
    saved: sameSaved ? prev.saved : next.saved,
    renewals: sameRenewals ? prev.renewals : next.renewals,
    problem,
    saveProblem,
  };
}

/** An item of storage.session the popup cannot show (another version's shape, a damaged value): listed, never rendered. */
export interface BrokenEntry {
  kind: 'capture' | 'outcome';
  /** React key: the capture id or role ARN it was stored under, when readable. */
  key: string;
  /** The sign-in it belongs to, when readable: "Forget" then forgets that sign-in. */
  captureId?: string;
}

type Shape = Record<string, unknown>;
const isShape = (v: unknown): v is Shape => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string';
/** Epoch ms or seconds that `Date` can hold: `toISOString()` throws beyond ±8.64e15. */
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 8.64e15;
const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);
const isPartition = (v: unknown): v is Partition => isText(v) && Object.hasOwn(PARTITION_INFO, v);

function isRole(v: unknown): v is SamlRole {
  return isShape(v) && isText(v.roleArn) && isText(v.accountId) && isText(v.roleName) && isText(v.rolePath) && isPartition(v.partition);
}

/** Whether a stored capture has every field the popup reads, with the right types (extra fields are fine). */
export function isCapture(v: unknown): v is Capture {
  if (!isShape(v) || !isText(v.id) || !isTime(v.capturedAt) || !optional(v.samlResponse, isText)) return false;
  const s = v.summary;
  return (
    isShape(s) &&
    isText(s.issuer) &&
    optional(s.audience, isText) &&
    optional(s.subject, isText) &&
    optional(s.sessionDuration, (d) => isTime(d) && d >= 900 && d <= 43_200) &&
    isTime(s.usableUntil) &&
    Array.isArray(s.roles) &&
    s.roles.every(isRole) &&
    Array.isArray(s.warnings) &&
    s.warnings.every(isText)
  );
}

function isCredentials(v: unknown): boolean {
  return isShape(v) && isText(v.accessKeyId) && isText(v.secretAccessKey) && isText(v.sessionToken) && isText(v.expiration);
}

/** Whether a stored role outcome has every field its status needs, with the right types. */
export function isOutcome(v: unknown): v is RoleOutcome {
  if (!isShape(v) || !isText(v.roleArn) || !isText(v.captureId) || !isText(v.accountId) || !isText(v.roleName) || !isPartition(v.partition)) return false;
  if (!optional(v.chainedFrom, isText)) return false;
  switch (v.status) {
    case 'pending':
      return isTime(v.startedAt);
    case 'ok':
      return isText(v.profileName) && isCredentials(v.credentials) && isTime(v.durationSeconds) && isTime(v.assumedAt) && optional(v.notice, isText);
    case 'error':
      return isShape(v.error) && isText(v.error.message) && isText(v.error.action) && isTime(v.finishedAt);
    default:
      return false;
  }
}

function isSaved(v: unknown): v is SavedProfile {
  return isShape(v) && isText(v.roleArn) && isText(v.profileName) && isTime(v.assumedAt) && isText(v.expiration) && isTime(v.savedAt) && isText(v.file);
}

function isProblem(v: unknown): v is CaptureProblem {
  return isShape(v) && isTime(v.capturedAt) && isText(v.acsHost) && isShape(v.error) && isText(v.error.message);
}

function isSaveProblem(v: unknown): v is SaveProblem {
  return isShape(v) && isTime(v.at) && isText(v.code) && isText(v.message) && Array.isArray(v.roleArns) && v.roleArns.every(isText);
}

/**
 * Splits what storage.session held into what the popup can show and what it cannot: captures and outcomes of
 * an unexpected shape become `broken` entries (shown as one line with Forget); a damaged save record, capture
 * problem or save problem is left out. Returns `state` itself when everything is fine.
 */
export function checkState(state: SessionState): { state: SessionState; broken: BrokenEntry[] } {
  const broken: BrokenEntry[] = [];
  const idOf = (v: unknown) => (isShape(v) && isText(v.captureId) ? v.captureId : undefined);
  const captures = state.captures.filter((c: unknown, i) => {
    if (isCapture(c)) return true;
    const id = isShape(c) && isText(c.id) ? c.id : undefined;
    broken.push({ kind: 'capture', key: id ?? `capture #${i}`, ...(id === undefined ? {} : { captureId: id }) });
    return false;
  });
  const outcomes: Record<string, RoleOutcome> = {};
  for (const [arn, o] of Object.entries(state.outcomes)) {
    // Stored under its own role ARN, or the background could never find it again.
    if (isOutcome(o) && o.roleArn === arn) outcomes[arn] = o;
    else {
      const captureId = idOf(o);
      broken.push({ kind: 'outcome', key: arn, ...(captureId === undefined ? {} : { captureId }) });
    }
  }
  const savedOk = Object.values(state.saved).every(isSaved);
  const saved = savedOk ? state.saved : Object.fromEntries(Object.entries(state.saved).filter(([, s]) => isSaved(s)));
  const problem = state.problem === undefined || isProblem(state.problem) ? state.problem : undefined;
  const saveProblem = state.saveProblem === undefined || isSaveProblem(state.saveProblem) ? state.saveProblem : undefined;
  if (broken.length === 0 && savedOk && problem === state.problem && saveProblem === state.saveProblem) return { state, broken };
  return {
    state: {
      captures,
      outcomes,
      saved,
      renewals: state.renewals,
      ...(problem === undefined ? {} : { problem }),
      ...(saveProblem === undefined ? {} : { saveProblem }),
    },
    broken,
  };
}

/** A focusable cell of the role grid: row index, and index among that row's focusable elements. */
export interface GridPosition {
  row: number;
  col: number;
}

/** Rows PageUp/PageDown move by. */
export const GRID_PAGE = 10;

/**
 * Where a key moves focus in the role grid (the WAI-ARIA layout grid: one tab stop, arrows inside), given how
 * many focusable cells each row has (rows without any are passed over). Up/Down/PageUp/PageDown/Home/End move
 * between rows, keeping `wantedCol` where the row has it; Left/Right move within a row without wrapping.
 * Undefined for a key the grid does not handle.
 */
export function gridMove(key: string, at: GridPosition, rowLengths: readonly number[], wantedCol = at.col): GridPosition | undefined {
  const usable = rowLengths.flatMap((n, i) => (n > 0 ? [i] : []));
  const here = usable.indexOf(at.row);
  if (here === -1) return undefined;
  const width = rowLengths[at.row] ?? 0;
  const rowAt = (i: number) => usable[Math.max(0, Math.min(usable.length - 1, i))] as number;
  const vertical = (row: number) => ({ row, col: Math.max(0, Math.min(wantedCol, (rowLengths[row] ?? 1) - 1)) });
  switch (key) {
    case 'ArrowDown':
      return vertical(rowAt(here + 1));
    case 'ArrowUp':
      return vertical(rowAt(here - 1));
    case 'PageDown':
      return vertical(rowAt(here + GRID_PAGE));
    case 'PageUp':
      return vertical(rowAt(here - GRID_PAGE));
    case 'Home':
      return vertical(rowAt(0));
    case 'End':
      return vertical(rowAt(usable.length - 1));
    case 'ArrowRight':
      return { row: at.row, col: Math.min(at.col + 1, width - 1) };
    case 'ArrowLeft':
      return { row: at.row, col: Math.max(at.col - 1, 0) };
    default:
      return undefined;
  }
}
