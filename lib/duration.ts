/** Session duration rules for AssumeRoleWithSAML. Facts: docs/sts.md#session-duration. */

export const MIN_DURATION_SECONDS = 900;
export const MAX_DURATION_SECONDS = 43_200;
/** What STS grants by default, and every role allows: the retry after "exceeds the MaxSessionDuration". */
export const FALLBACK_DURATION_SECONDS = 3600;

/** The user's choice: a number of seconds, or the longest the sign-in allows. */
export type DurationChoice = number | 'max';

/** Whether `value` is a session duration choice: "max", or whole seconds within STS's limits. */
export function isDurationChoice(value: unknown): value is DurationChoice {
  return value === 'max' || (Number.isInteger(value) && (value as number) >= MIN_DURATION_SECONDS && (value as number) <= MAX_DURATION_SECONDS);
}

/** AWS caps a session reached by role chaining at one hour, whatever the role's MaxSessionDuration. */
export const MAX_CHAINED_DURATION_SECONDS = 3600;

/** Durations offered in the popup. */
export const DURATION_CHOICES: readonly { value: DurationChoice; label: string }[] = [
  { value: 900, label: '15 minutes' },
  { value: 3600, label: '1 hour' },
  { value: 7200, label: '2 hours' },
  { value: 14_400, label: '4 hours' },
  { value: 28_800, label: '8 hours' },
  { value: 43_200, label: '12 hours' },
  { value: 'max', label: 'Longest allowed' },
];

/**
 * The DurationSeconds to request: the user's choice, never above the assertion's SessionDuration (which can
 * only shorten a session), clamped to STS's 900–43200 range.
 */
export function effectiveDuration(choice: DurationChoice, samlSessionDuration?: number): number {
  const ceiling = samlSessionDuration ?? MAX_DURATION_SECONDS;
  const wanted = choice === 'max' ? ceiling : Math.min(choice, ceiling);
  return Math.max(MIN_DURATION_SECONDS, Math.min(MAX_DURATION_SECONDS, Math.round(wanted)));
}

/** "1 h", "1 h 30 min", "15 min". */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
