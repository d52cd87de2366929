/** Roles reached by role chaining: assumed with the session of a role of the sign-in, right after it. */
import { useMemo, useState } from 'preact/hooks';
import { chainedProfileClashes, planChainedRole, profileNameClash, roleLabel } from '../../lib/chaining';
import { resolveProfileNames } from '../../lib/profile-template';
import { checkChainedRole, MAX_CHAINED_ROLES, namingRules, withChainedRole, type ChainedRole } from '../../lib/settings';
import type { OptionsContext } from './context';
import { LockedNote, Section } from './fields';
import { fieldError } from './options-model';

const PATH = 'chainedRoles';
const FIELDS = ['targetRoleArn', 'sourceRoleArn', 'externalId', 'durationSeconds', 'profileName', 'sessionName'] as const;
type Draft = Record<(typeof FIELDS)[number], string>;
const EMPTY: Draft = { targetRoleArn: '', sourceRoleArn: '', externalId: '', durationSeconds: '', profileName: '', sessionName: '' };
const LABELS: Record<keyof Draft, { label: string; placeholder: string }> = {
  targetRoleArn: { label: 'Role to reach', placeholder: 'arn:aws:iam::777777777777:role/OrgAuditor' },
  sourceRoleArn: { label: 'Assumed with the session of', placeholder: 'arn:aws:iam::111111111111:role/Admin' },
  externalId: { label: 'External ID (if its trust policy requires one)', placeholder: 'optional' },
  durationSeconds: { label: 'Duration in seconds (900–3600)', placeholder: '3600' },
  profileName: { label: 'Profile name', placeholder: 'from the template' },
  sessionName: { label: 'Session name', placeholder: 'the sign-in’s' },
};

/** The draft as a chained role for `checkChainedRole` (empty fields left out; the duration as a number). */
function fromDraft(draft: Draft): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of FIELDS) {
    const value = draft[key].trim();
    if (value) out[key] = key === 'durationSeconds' && /^\d+$/.test(value) ? Number(value) : value;
  }
  return out;
}

export function ChainedRolesSection({ ctx }: { ctx: OptionsContext }) {
  const locked = ctx.isLocked(PATH);
  const chains = (locked ? ctx.settings : ctx.local).chainedRoles;
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [byCli, setByCli] = useState(false);
  const started = draft.targetRoleArn.trim() !== '' || draft.sourceRoleArn.trim() !== '';
  const checked = started ? checkChainedRole({ ...fromDraft(draft), ...(byCli ? { assumedBy: 'cli' } : {}) }) : undefined;
  const replacing = checked?.ok && chains.some((c) => c.targetRoleArn === checked.value.targetRoleArn);
  // A chained profile must not take the name of a sign-in role's profile: each would replace the other's section.
  const rules = useMemo(() => namingRules(ctx.settings, ctx.learnt), [ctx.settings, ctx.learnt]);
  const signInNames = useMemo(
    () => [...resolveProfileNames(ctx.roles, rules, (r) => r)].map(([roleArn, n]) => ({ roleArn, profileName: n.name })),
    [ctx.roles, rules],
  );
  const draftPlan = checked?.ok ? planChainedRole(checked.value, rules, '') : null;
  const clash = draftPlan ? profileNameClash([{ roleArn: draftPlan.target.roleArn, profileName: draftPlan.profileName }], signInNames) : null;
  const error =
    checked && !checked.ok
      ? fieldError(checked)
      : clash
        ? clash
        : !replacing && chains.length >= MAX_CHAINED_ROLES
          ? `At most ${MAX_CHAINED_ROLES} chained roles.`
          : undefined;
  const canAdd = !locked && checked?.ok === true && !error;
  const clashes = chainedProfileClashes(ctx.settings);

  return (
    <Section
      id="chained-roles"
      title="Roles reached by chaining"
      intro="Roles your sign-in does not offer, reached with the session of one it does (role chaining). Each is assumed right after its source role. AWS allows at most one hour for such a session. Assumed by the AWS CLI: the helper writes role_arn and source_profile to ~/.aws/config instead, only while the source role is saved through the helper."
    >
      {locked && (
        <p>
          <LockedNote path={PATH} />
        </p>
      )}
      {chains.length === 0 ? (
        <p class="muted" data-testid="chained-roles-empty">
          None.
        </p>
      ) : (
        <ul class="trusted-hosts" data-testid="chained-roles">
          {chains.map((c: ChainedRole) => (
            <li key={c.targetRoleArn} data-testid="chained-role" data-role-arn={c.targetRoleArn}>
              <span class="mono">{roleLabel(c.targetRoleArn)}</span> <span class="muted">via</span> <span class="mono">{roleLabel(c.sourceRoleArn)}</span>
              {c.externalId && <span class="muted"> · external ID set</span>}
              {c.durationSeconds && <span class="muted"> · {c.durationSeconds} s</span>}
              <span class="muted" data-testid="chained-role-assumed-by">
                {' '}
                · {c.assumedBy === 'cli' ? 'assumed by the AWS CLI (source_profile in ~/.aws/config)' : 'assumed by the extension'}
              </span>{' '}
              {!locked && (
                <button
                  type="button"
                  class="btn btn-small"
                  data-testid="remove-chained-role"
                  aria-label={`Stop reaching ${roleLabel(c.targetRoleArn)}`}
                  onClick={() => ctx.save((s) => withChainedRole(s, c.targetRoleArn, null), `no longer reaching ${roleLabel(c.targetRoleArn)}`)}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {clashes.map((c) => (
        <p key={c.targetRoleArn} class="banner error" data-testid="chained-role-clash">
          {c.message}
        </p>
      ))}
      {!locked && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!canAdd || !checked?.ok) return;
            const chain = checked.value;
            ctx.save((s) => withChainedRole(s, chain.targetRoleArn, chain), `reaching ${roleLabel(chain.targetRoleArn)}`);
            setDraft(EMPTY);
            setByCli(false);
          }}
        >
          {FIELDS.map((key) => (
            <label key={key} class={key.endsWith('RoleArn') ? 'grow' : undefined}>
              <span>{LABELS[key].label}</span>
              <input
                class="text mono"
                data-testid={`new-chained-${key}`}
                value={draft[key]}
                placeholder={LABELS[key].placeholder}
                spellcheck={false}
                autocomplete="off"
                list={key === 'sourceRoleArn' ? 'chain-source-roles' : undefined}
                aria-invalid={error ? 'true' : undefined}
                onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })}
              />
            </label>
          ))}
          <label>
            <span>Assumed by</span>
            <select
              class="select"
              data-testid="new-chained-assumedBy"
              value={byCli ? 'cli' : 'extension'}
              title="The AWS CLI chains it itself from the source role's profile, which the helper must save"
              onChange={(e) => setByCli(e.currentTarget.value === 'cli')}
            >
              <option value="extension">the extension</option>
              <option value="cli">the AWS CLI (source_profile)</option>
            </select>
          </label>
          <datalist id="chain-source-roles">
            {ctx.roles.map((r) => (
              <option key={r.roleArn} value={r.roleArn} />
            ))}
          </datalist>
          <button type="submit" class="btn" data-testid="add-chained-role" disabled={!canAdd}>
            {replacing ? 'Replace' : 'Add'}
          </button>
          {error && (
            <span class="field-error" role="alert" data-testid="new-chained-role-error">
              {error}
            </span>
          )}
        </form>
      )}
    </Section>
  );
}
