/** Defaults for every role: session duration, region, and which accounts are offered at all. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDuration } from '../../lib/duration';
import { PARTITION_INFO, PARTITIONS } from '../../lib/partitions';
import { checkRegion, withSetting } from '../../lib/settings';
import { DurationSelect } from '../DurationSelect';
import type { OptionsContext } from './context';
import { LockedNote, Section, ValidatedInput } from './fields';
import { fieldError, parseAccountIdList } from './options-model';

/** Every region the partition table knows, for the region fields' suggestions. */
export function KnownRegions() {
  return (
    <datalist id="known-regions">
      {PARTITIONS.flatMap((p) => PARTITION_INFO[p].regions).map((r) => (
        <option key={r} value={r} />
      ))}
    </datalist>
  );
}

function AllowedAccounts({ ctx }: { ctx: OptionsContext }) {
  const path = 'allowedAccounts';
  const locked = ctx.isLocked(path);
  const stored = (locked ? ctx.settings : ctx.local).allowedAccounts.join('\n');
  const [draft, setDraft] = useState(stored);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (locked || ref.current !== document.activeElement) setDraft(stored);
  }, [stored, locked]);
  const { ids, invalid } = parseAccountIdList(draft);
  const error = !locked && invalid.length > 0 ? `Not account ids (12 digits): ${invalid.slice(0, 5).join(', ')}${invalid.length > 5 ? ', …' : ''}` : undefined;
  return (
    <div class="field">
      <label for="allowed-accounts">Only offer roles in these accounts</label>
      <textarea
        ref={ref}
        id="allowed-accounts"
        class="text mono"
        rows={3}
        data-testid="allowed-accounts"
        value={locked ? stored : draft}
        disabled={locked}
        placeholder="Empty: every account. One 12-digit id per line (or separated by commas)."
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? 'allowed-accounts-error' : undefined}
        onInput={(e) => {
          const text = e.currentTarget.value;
          setDraft(text);
          const parsed = parseAccountIdList(text);
          if (parsed.invalid.length === 0 && parsed.ids.join('\n') !== ctx.local.allowedAccounts.join('\n')) {
            ctx.save((s) => withSetting(s, 'allowedAccounts', parsed.ids), 'the allowed accounts');
          }
        }}
      />
      {locked && <LockedNote path={path} />}
      {error && (
        <p id="allowed-accounts-error" class="field-error" role="alert" data-testid="allowed-accounts-error">
          {error}
        </p>
      )}
      {!error && ids.length > 0 && <p class="hint">{ids.length === 1 ? 'Roles of 1 account are offered.' : `Roles of ${ids.length} accounts are offered.`}</p>}
    </div>
  );
}

export function DefaultsSection({ ctx }: { ctx: OptionsContext }) {
  const durationLocked = ctx.isLocked('defaultDuration');
  const regionLocked = ctx.isLocked('defaultRegion');
  const duration = (durationLocked ? ctx.settings : ctx.local).defaultDuration;
  return (
    <Section id="defaults" title="Defaults" intro="Used for every role that has no choice of its own (see Roles).">
      <div class="field">
        <label for="default-duration">Session duration</label>
        <DurationSelect
          id="default-duration"
          testId="default-duration"
          value={duration}
          disabled={durationLocked}
          describedBy="default-duration-help"
          onChange={(choice) => {
            if (choice !== undefined) ctx.save((s) => withSetting(s, 'defaultDuration', choice), 'the default duration');
          }}
        />
        {durationLocked && <LockedNote path="defaultDuration" />}
        <p class="hint" id="default-duration-help">
          {duration === 'max' ? 'The longest your sign-in allows.' : `${formatDuration(duration)}.`} A role whose maximum session duration is shorter gets 1
          hour, and the popup says so.
        </p>
      </div>
      <div class="field">
        <label for="default-region">Region written with each profile</label>
        <ValidatedInput
          id="default-region"
          testId="default-region"
          class="text mono narrow"
          list="known-regions"
          value={(regionLocked ? ctx.settings : ctx.local).defaultRegion}
          placeholder="none"
          disabled={regionLocked}
          validate={(text) => fieldError(checkRegion(text))}
          describedBy="default-region-help"
          onCommit={(text) => ctx.save((s) => withSetting(s, 'defaultRegion', text), 'the default region')}
        />
        {regionLocked && <LockedNote path="defaultRegion" />}
        <p class="hint" id="default-region-help">
          Written as region = … in the credentials file, so commands need no --region. Empty: no region line.
        </p>
      </div>
      <AllowedAccounts ctx={ctx} />
    </Section>
  );
}
