/**
 * "Remembered roles": per sign-in source, the roles and duration last chosen with Assume, its "Assume my usual
 * roles on sign-in" switch and Forget; and the switch's default for every source (lockable by policy).
 */
import { useState } from 'preact/hooks';
import { parseRoleArn } from '../../lib/arn';
import { forgetRemembered, setAutoAssume } from '../../lib/browser/remembered-store';
import { formatDuration } from '../../lib/duration';
import { errorText } from '../../lib/error-text';
import { autoAssumeOn, type RememberedSource } from '../../lib/remembered';
import { withZeroClick } from '../../lib/settings';
import { useRemembered } from '../use-remembered';
import type { OptionsContext } from './context';
import { LockedNote, Section } from './fields';

const roleText = (arn: string) => {
  const role = parseRoleArn(arn);
  return role ? `${role.roleName} (${role.accountId})` : arn;
};

export function RememberedRolesSection({ ctx }: { ctx: OptionsContext }) {
  const remembered = useRemembered();
  const [error, setError] = useState<string>();
  const locked = ctx.isLocked('zeroClick.autoAssume');
  const globalOn = (locked ? ctx.settings : ctx.local).zeroClick.autoAssume;
  const sources = Object.entries(remembered).sort(([, a], [, b]) => b.at - a.at);
  const act = (run: Promise<void>, what: string) => {
    setError(undefined);
    run.catch((e: unknown) => setError(`Could not ${what} (${errorText(e)}). Reload this page and try again.`));
  };
  return (
    <Section
      id="remembered"
      title="Remembered roles"
      intro="For each AWS app you sign in to, the extension remembers which roles and which duration you last assumed (role names and times only, never keys) and ticks them for you in the popup."
    >
      <div class="field">
        <label class="check">
          <input
            type="checkbox"
            data-testid="auto-assume-default"
            checked={globalOn}
            disabled={locked}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              ctx.save((s) => withZeroClick(s, { autoAssume: on }), on ? 'assuming your usual roles on sign-in' : 'not assuming roles on sign-in');
            }}
          />
          Assume my usual roles on sign-in
        </label>
        {locked && <LockedNote path="zeroClick.autoAssume" />}
        <p class="hint">
          Signing in to an app you chose roles from assumes them in the background, with no popup, and saves them to ~/.aws/credentials when automatic saving is
          on. Each app below has its own switch; this is the default for every app.
        </p>
      </div>
      {error && (
        <p class="banner error" role="alert">
          {error}
        </p>
      )}
      {sources.length === 0 ? (
        <p class="muted" data-testid="remembered-none">
          Nothing remembered yet: press Assume in the popup once.
        </p>
      ) : (
        <ul class="remembered" data-testid="remembered-list">
          {sources.map(([key, source]) => (
            <RememberedItem
              key={key}
              source={source}
              on={autoAssumeOn(source, ctx.settings.zeroClick.autoAssume, locked)}
              locked={locked}
              onSwitch={(on) => act(setAutoAssume(key, on), 'change the switch')}
              onForget={() => act(forgetRemembered(key), 'forget these roles')}
            />
          ))}
        </ul>
      )}
    </Section>
  );
}

interface RememberedItemProps {
  source: RememberedSource;
  on: boolean;
  locked: boolean;
  onSwitch: (on: boolean) => void;
  onForget: () => void;
}

function RememberedItem({ source, on, locked, onSwitch, onForget }: RememberedItemProps) {
  const label = source.label || 'AWS sign-in';
  const duration = source.durationSeconds === 'max' ? 'the longest each role allows' : formatDuration(source.durationSeconds);
  return (
    <li data-testid="remembered-source">
      <p>
        <strong>{label}</strong>{' '}
        <span class="muted small">
          chosen {new Date(source.at).toLocaleString()}, for {duration}
        </span>
      </p>
      <p class="small" data-testid="remembered-roles">
        {source.roleArns.map(roleText).join(', ')}
      </p>
      <label class="check">
        <input type="checkbox" data-testid="remembered-auto-assume" checked={on} disabled={locked} onChange={(e) => onSwitch(e.currentTarget.checked)} />
        Assume these on sign-in
      </label>{' '}
      <button type="button" class="btn btn-small" data-testid="remembered-forget" aria-label={`Forget the roles remembered for ${label}`} onClick={onForget}>
        Forget
      </button>
    </li>
  );
}
