/**
 * The popup's footer: Assume with the duration ("Assume 3 roles for 1 hour" reads as one line), what that would
 * give, the progress line, and where live sessions go besides the clipboard (DeliveryPanel).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Capture, RoleOutcome } from '../../lib/capture';
import { chainDeliveryText, deliveryOptions, liveOkOutcomes, type SaveProblem } from '../../lib/delivery';
import { roleLabel } from '../../lib/chaining';
import type { DurationChoice } from '../../lib/duration';
import type { Settings } from '../../lib/settings/schema';
import { DeliveryPanel } from '../lazy';
import { DurationSelect } from '../DurationSelect';
import { assumeLabel, assumeStatusText, durationNotesText, expiryPreviewText, outcomeCounts } from '../view-model';

interface FooterProps {
  captures: Capture[];
  outcomes: Record<string, RoleOutcome>;
  saveProblem: SaveProblem | undefined;
  settings: Readonly<Settings>;
  /** How many roles Assume would request. */
  count: number;
  busy: boolean;
  onAssume: () => void;
  duration: DurationChoice;
  onDuration: (duration: DurationChoice) => void;
  /** Some roles have their own duration in the options. */
  ownDurations: boolean;
}

/**
 * False in the first render, true a task after its frame was painted: for text the first screen can do without (the
 * page's first Intl.DateTimeFormat costs 10–20 ms; the rows answer clicks before it is made).
 */
function useAfterFirstFrame(): boolean {
  const [after, setAfter] = useState(false);
  useEffect(() => {
    // Effects run once the frame is painted; the timeout lets the page handle input first.
    const id = setTimeout(() => setAfter(true), 0);
    return () => clearTimeout(id);
  }, []);
  return after;
}

export function Footer({ captures, outcomes, saveProblem, settings, count, busy, onAssume, duration, onDuration, ownDurations }: FooterProps) {
  const counts = useMemo(() => outcomeCounts(outcomes), [outcomes]);
  const sessions = useMemo(() => liveOkOutcomes(outcomes, Date.now()), [outcomes]);
  // Regions and the [default] copy: the download and Copy all match what Save writes.
  const delivery = useMemo(() => deliveryOptions(settings), [settings]);
  const notes = durationNotesText(captures, duration);
  const painted = useAfterFirstFrame();
  return (
    <footer class="actions">
      {/* Assume comes first, so Tab from the role list lands on it. */}
      <div class="actions-row">
        {captures.length > 0 && (
          <>
            <button type="button" class="btn btn-primary" data-testid="assume" disabled={count === 0} aria-disabled={busy || undefined} onClick={onAssume}>
              {assumeLabel(count)}
            </button>
            <label class="duration">
              <span aria-hidden="true">for</span>
              <DurationSelect
                testId="duration"
                ariaLabel="Session duration"
                value={duration}
                describedBy="duration-note"
                onChange={(d) => d !== undefined && onDuration(d)}
              />
            </label>
          </>
        )}
        <p class="status" role="status">
          {assumeStatusText(busy, counts)}
        </p>
      </div>
      {captures.length > 0 && (
        <p id="duration-note" class="muted small" data-testid="duration-note">
          {/* Until then a no-break space keeps the line's height: nothing below it moves when the text comes. */}
          <span data-testid="expiry-preview">
            {painted ? expiryPreviewText(duration, captures[0]?.summary.sessionDuration, Date.now(), ownDurations) : '\u00a0'}
          </span>
          {notes && ` ${notes}`}
        </p>
      )}
      <DeliveryPanel sessions={sessions} saveProblem={saveProblem} delivery={delivery} />
      {settings.chainedRoles
        .filter((c) => c.assumedBy === 'cli')
        .map((c) => {
          const source = sessions.find((s) => s.roleArn === c.sourceRoleArn);
          return (
            source && (
              <p class="muted small" data-testid="chain-delivery" data-role-arn={c.targetRoleArn} key={c.targetRoleArn}>
                {roleLabel(c.targetRoleArn)}: {chainDeliveryText('cli', source.profileName)}
              </p>
            )
          );
        })}
    </footer>
  );
}
