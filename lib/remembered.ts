/**
 * "My usual roles": per sign-in source (lib/sign-in-source.ts), the roles and duration the user last chose with
 * Assume, whether a new sign-in from that source assumes them by itself, and the one-line summary of the last such
 * run. Pure: the store (lib/browser/remembered-store.ts) validates every read here. Role ARNs, durations, times and
 * an app's title only: never the assertion or keys.
 */
import { parseRoleArn } from './arn';
import { signInHeading, type Capture } from './capture';
import { isDurationChoice, type DurationChoice } from './duration';

/** At most this many sources are remembered; choosing from another drops the one chosen from longest ago. */
export const MAX_REMEMBERED_SOURCES = 50;
/** At most this many roles per source (a longer choice keeps its first ones). */
export const MAX_REMEMBERED_ROLES = 500;
/** A source key longer than this is not one `sourceKeyFor` makes from a real sign-in. */
export const MAX_SOURCE_KEY_LENGTH = 2048;
const MAX_LABEL_LENGTH = 120;

/** What the user last chose from one source. */
export interface RememberedSource {
  roleArns: string[];
  /** The popup's duration choice: seconds, or "max" (a role's own duration in the options still wins). */
  durationSeconds: DurationChoice;
  /** When the choice was made (ms since the epoch). */
  at: number;
  /** The app and identity provider as the popup titles the sign-in, for the options' list. */
  label: string;
  /** The user's "Assume my usual roles on sign-in" for this source; absent: the global setting. */
  autoAssume?: boolean;
}

/** Source key → what was chosen from it. */
export type Remembered = Record<string, RememberedSource>;

/** What `rememberChoice` records. */
export interface Choice {
  roleArns: readonly string[];
  durationSeconds: DurationChoice;
  label?: string;
}

const UNSAFE_TEXT = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

function cleanLabel(value: unknown): string {
  const text = typeof value === 'string' ? value.replace(UNSAFE_TEXT, '').trim() : '';
  return text.length > MAX_LABEL_LENGTH ? `${text.slice(0, MAX_LABEL_LENGTH - 1)}…` : text;
}

function cleanRoleArns(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const arns = new Set<string>();
  for (const arn of value) {
    if (arns.size >= MAX_REMEMBERED_ROLES) break;
    if (typeof arn === 'string' && parseRoleArn(arn)) arns.add(arn);
  }
  return [...arns];
}

function isSourceKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_SOURCE_KEY_LENGTH;
}

/** One stored entry, or undefined when it is not one this extension wrote. */
function readEntry(value: unknown): RememberedSource | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const roleArns = cleanRoleArns(v.roleArns);
  if (roleArns.length === 0 || !isDurationChoice(v.durationSeconds) || typeof v.at !== 'number' || !Number.isFinite(v.at)) return undefined;
  return {
    roleArns,
    durationSeconds: v.durationSeconds,
    at: v.at,
    label: cleanLabel(v.label),
    ...(typeof v.autoAssume === 'boolean' ? { autoAssume: v.autoAssume } : {}),
  };
}

/** Keeps the `MAX_REMEMBERED_SOURCES` sources chosen from most recently. */
function bounded(entries: [string, RememberedSource][]): Remembered {
  const newest = entries.sort(([, a], [, b]) => b.at - a.at).slice(0, MAX_REMEMBERED_SOURCES);
  return Object.fromEntries(newest);
}

/** Whatever is stored, as valid `Remembered` (a damaged entry costs that source's memory, nothing else). */
export function normaliseRemembered(raw: unknown): Remembered {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const entries: [string, RememberedSource][] = [];
  for (const [key, value] of Object.entries(raw)) {
    const entry = isSourceKey(key) ? readEntry(value) : undefined;
    if (entry) entries.push([key, entry]);
  }
  return bounded(entries);
}

/** How the options list a source: the sign-in's title as the popup shows it ("AWS · Microsoft Entra ID"). */
export function sourceLabel(capture: Pick<Capture, 'summary' | 'acs' | 'source'>): string {
  const heading = signInHeading(capture);
  return cleanLabel(heading.idp ? `${heading.app} · ${heading.idp}` : heading.app);
}

/**
 * Records a choice from one source (replacing the last one; its auto-assume switch stays). An empty or invalid
 * choice changes nothing. Bounded: the source chosen from longest ago goes first.
 */
export function withChoice(remembered: Readonly<Remembered>, sourceKey: string, choice: Choice, now: number): Remembered {
  const roleArns = cleanRoleArns(choice.roleArns);
  if (!isSourceKey(sourceKey) || roleArns.length === 0 || !isDurationChoice(choice.durationSeconds)) return { ...remembered };
  const previous = Object.hasOwn(remembered, sourceKey) ? remembered[sourceKey] : undefined;
  const entry: RememberedSource = {
    roleArns,
    durationSeconds: choice.durationSeconds,
    at: now,
    label: cleanLabel(choice.label ?? previous?.label),
    ...(previous?.autoAssume === undefined ? {} : { autoAssume: previous.autoAssume }),
  };
  const others = Object.entries(remembered).filter(([key]) => key !== sourceKey);
  return bounded([[sourceKey, entry], ...others]);
}

/** Sets one source's auto-assume switch; a source with nothing remembered has no switch (unchanged). */
export function withAutoAssume(remembered: Readonly<Remembered>, sourceKey: string, on: boolean): Remembered {
  const entry = Object.hasOwn(remembered, sourceKey) ? remembered[sourceKey] : undefined;
  return entry ? { ...remembered, [sourceKey]: { ...entry, autoAssume: on } } : { ...remembered };
}

/** Forgets what was chosen from one source (and its switch). */
export function withoutSource(remembered: Readonly<Remembered>, sourceKey: string): Remembered {
  return Object.fromEntries(Object.entries(remembered).filter(([key]) => key !== sourceKey));
}

/**
 * Whether a new sign-in from a source assumes its remembered roles by itself: never without a remembered choice;
 * the organisation's value when it locked the setting; else the source's own switch, else the global setting
 * (on by default, so a source is on once a choice was made from it).
 */
export function autoAssumeOn(source: RememberedSource | undefined, global: boolean, locked: boolean): boolean {
  if (!source || source.roleArns.length === 0) return false;
  if (locked) return global;
  return source.autoAssume ?? global;
}

/** The remembered roles a sign-in offers, in the sign-in's order (roles no longer offered are left out). */
export function rememberedRolesIn(roles: readonly { roleArn: string }[], source: RememberedSource | undefined): string[] {
  if (!source) return [];
  const wanted = new Set(source.roleArns);
  return roles.filter((r) => wanted.has(r.roleArn)).map((r) => r.roleArn);
}

// ── the last automatic run, per source (storage.session) ─────────────────────────────────────────────────────────

/** What the last automatic run (a new sign-in, or a renewal) did for one source. No secrets. */
export interface ZeroClickRun {
  sourceKey: string;
  reason: 'sign-in' | 'renewal';
  at: number;
  /** Roles that got credentials (roles reached by chaining included). */
  assumed: number;
  failed: number;
  /** Profiles written to the credentials file, and when. */
  saved?: number;
  savedAt?: number;
  /** The earliest expiry of the credentials this run got (ms). */
  freshUntil?: number;
  /** Why nothing was saved, in plain words. */
  notSaved?: string;
  /** Why nothing could be assumed at all (e.g. the sign-in was already forgotten), in plain words. */
  problem?: string;
}

const MAX_REASON_LENGTH = 160;

/** A reason for the popup's line, bounded. */
export function boundedReason(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_REASON_LENGTH ? `${flat.slice(0, MAX_REASON_LENGTH - 1)}…` : flat;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/**
 * The popup's quiet line for a run: "3 profiles saved 09:02, fresh until 10:02", "3 roles assumed 09:02 (not
 * saved: …)", with how many failed. `clock` formats a time (the browser's locale in the popup).
 */
export function runText(run: ZeroClickRun, clock: (ms: number) => string): string {
  const failed = run.failed > 0 ? `; ${plural(run.failed, 'role')} failed` : '';
  if (run.assumed === 0) return `Your usual roles could not be assumed ${clock(run.at)}${failed}: ${run.problem ?? 'see each role below.'}`;
  const fresh = run.freshUntil === undefined ? '' : `, fresh until ${clock(run.freshUntil)}`;
  if (run.saved !== undefined && run.saved > 0) return `${plural(run.saved, 'profile')} saved ${clock(run.savedAt ?? run.at)}${fresh}${failed}`;
  const why = run.notSaved ? ` (not saved: ${run.notSaved})` : '';
  return `${plural(run.assumed, 'role')} assumed ${clock(run.at)}${fresh}${why}${failed}`;
}

/** Whether a value read from storage.session is a run this extension recorded. */
export function isZeroClickRun(value: unknown): value is ZeroClickRun {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ZeroClickRun>;
  return typeof v.sourceKey === 'string' && typeof v.at === 'number' && typeof v.assumed === 'number' && typeof v.failed === 'number';
}
