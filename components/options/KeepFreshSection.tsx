/** Always fresh: renewing credentials from the browser's live sign-in before they run low (lib/renewal/). */
import { browser } from 'wxt/browser';
import { checkIdleLimitHours, MAX_IDLE_LIMIT_HOURS, MIN_IDLE_LIMIT_HOURS, withRenewal } from '../../lib/settings';
import { idpHostPermissions } from '../../lib/renewal/entra-hosts';
import type { OptionsContext } from './context';
import { LockedNote, Section, ValidatedInput } from './fields';
import { fieldError, typedNumber } from './options-model';

export function KeepFreshSection({ ctx }: { ctx: OptionsContext }) {
  const onLocked = ctx.isLocked('renewal.keepFresh');
  const idleLocked = ctx.isLocked('renewal.idleLimitHours');
  const tabLocked = ctx.isLocked('renewal.backgroundTab');
  const on = (onLocked ? ctx.settings : ctx.local).renewal.keepFresh;
  const idle = (idleLocked ? ctx.settings : ctx.local).renewal.idleLimitHours;
  const tab = (tabLocked ? ctx.settings : ctx.local).renewal.backgroundTab;
  return (
    <Section
      id="keep-fresh"
      title="Keep fresh"
      intro="Before credentials run low, the extension asks your identity provider for a new sign-in with the session your browser already has — no window, no password stored — and assumes the same roles again. Each sign-in can be switched off in the popup."
    >
      <div class="field">
        <label class="check">
          <input
            type="checkbox"
            data-testid="keep-fresh-enabled"
            checked={on}
            disabled={onLocked}
            onChange={(e) => {
              const next = e.currentTarget.checked;
              // Asked on this click (browsers grant optional permissions only from a person's gesture).
              if (next) void browser.permissions.request({ origins: idpHostPermissions() }).catch(() => false);
              ctx.save((s) => withRenewal(s, { keepFresh: next }), next ? 'keep fresh on' : 'keep fresh off');
            }}
          />
          Keep credentials fresh while I am signed in to Microsoft Entra ID
        </label>
        {onLocked && <LockedNote path="renewal.keepFresh" />}
        <p class="hint">
          Needs access to the Microsoft Entra sign-in site (asked for when you switch it on). Other identity providers: a reminder before expiry instead.
        </p>
      </div>
      <div class="field">
        <label for="keep-fresh-idle">Stop after this many hours without a sign-in of my own</label>
        <ValidatedInput
          id="keep-fresh-idle"
          testId="keep-fresh-idle"
          type="number"
          class="text narrow"
          min={MIN_IDLE_LIMIT_HOURS}
          max={MAX_IDLE_LIMIT_HOURS}
          value={String(idle)}
          disabled={idleLocked || !on}
          validate={(text) => fieldError(checkIdleLimitHours(typedNumber(text)))}
          onCommit={(text) => ctx.save((s) => withRenewal(s, { idleLimitHours: Number(text) }), 'the idle limit')}
        />
        {idleLocked && <LockedNote path="renewal.idleLimitHours" />}
      </div>
      <div class="field">
        <label class="check">
          <input
            type="checkbox"
            data-testid="keep-fresh-tab"
            checked={tab}
            disabled={tabLocked || !on}
            onChange={(e) => {
              const next = e.currentTarget.checked;
              ctx.save((s) => withRenewal(s, { backgroundTab: next }), next ? 'background tab on' : 'background tab off');
            }}
          />
          Where my organisation requires this device’s own sign-in, renew in a background tab (never focused, closed at once)
        </label>
        {tabLocked && <LockedNote path="renewal.backgroundTab" />}
      </div>
    </Section>
  );
}
