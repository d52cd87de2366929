/** The notification shortly before credentials expire. */
import { checkReminderMinutes, MAX_REMINDER_MINUTES, MIN_REMINDER_MINUTES, withReminders } from '../../lib/settings';
import type { OptionsContext } from './context';
import { LockedNote, Section, ValidatedInput } from './fields';
import { fieldError, typedNumber } from './options-model';

export function RemindersSection({ ctx }: { ctx: OptionsContext }) {
  const enabledLocked = ctx.isLocked('reminders.enabled');
  const minutesLocked = ctx.isLocked('reminders.minutesBefore');
  const enabled = (enabledLocked ? ctx.settings : ctx.local).reminders.enabled;
  const minutes = (minutesLocked ? ctx.settings : ctx.local).reminders.minutesBefore;
  return (
    <Section id="reminders" title="Reminders" intro="The toolbar badge shows how many roles were captured and how many have live credentials.">
      <div class="field">
        <label class="check">
          <input
            type="checkbox"
            data-testid="reminders-enabled"
            checked={enabled}
            disabled={enabledLocked}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              ctx.save((s) => withReminders(s, { enabled: on }), on ? 'reminders on' : 'reminders off');
            }}
          />
          Notify me before credentials expire
        </label>
        {enabledLocked && <LockedNote path="reminders.enabled" />}
      </div>
      <div class="field">
        <label for="reminders-minutes">Minutes before expiry</label>
        <ValidatedInput
          id="reminders-minutes"
          testId="reminders-minutes"
          type="number"
          class="text narrow"
          min={MIN_REMINDER_MINUTES}
          max={MAX_REMINDER_MINUTES}
          value={String(minutes)}
          disabled={minutesLocked || !enabled}
          validate={(text) => fieldError(checkReminderMinutes(typedNumber(text)))}
          onCommit={(text) => ctx.save((s) => withReminders(s, { minutesBefore: Number(text) }), 'the reminder time')}
        />
        {minutesLocked && <LockedNote path="reminders.minutesBefore" />}
        <p class="hint">A notification names the role and when it expires; it never contains keys.</p>
      </div>
    </Section>
  );
}
