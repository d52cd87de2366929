/** A session-duration select, shared by the popup and the options page. */
import { DURATION_CHOICES, formatDuration, type DurationChoice } from '../lib/duration';

/** A select's value for a duration choice, and back ("" stands for "no choice of its own"). */
function durationToValue(choice: DurationChoice | undefined): string {
  return choice === undefined ? '' : String(choice);
}
function durationFromValue(value: string): DurationChoice | undefined {
  if (value === '') return undefined;
  return value === 'max' ? 'max' : Number(value);
}

interface DurationSelectProps {
  id?: string;
  value: DurationChoice | undefined;
  onChange: (choice: DurationChoice | undefined) => void;
  /** Adds a first option meaning "no choice of its own" (undefined), e.g. "Default (1 h)". */
  unsetLabel?: string;
  disabled?: boolean;
  testId?: string;
  describedBy?: string;
  ariaLabel?: string;
}

export function DurationSelect({ id, value, onChange, unsetLabel, disabled, testId, describedBy, ariaLabel }: DurationSelectProps) {
  // A value from an imported file or a policy need not be one of the usual choices: show it anyway.
  const custom = typeof value === 'number' && !DURATION_CHOICES.some((c) => c.value === value);
  return (
    <select
      id={id}
      data-testid={testId}
      value={durationToValue(value)}
      disabled={disabled}
      aria-describedby={describedBy}
      aria-label={ariaLabel}
      onChange={(e) => onChange(durationFromValue(e.currentTarget.value))}
    >
      {unsetLabel !== undefined && <option value="">{unsetLabel}</option>}
      {custom && <option value={String(value)}>{formatDuration(value)}</option>}
      {DURATION_CHOICES.map((c) => (
        <option key={String(c.value)} value={String(c.value)}>
          {c.label}
        </option>
      ))}
    </select>
  );
}
