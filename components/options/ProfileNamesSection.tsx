/** The profile-name template with a live preview, and which role is also written as [default]. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { checkTemplate, DEFAULT_PROFILE_TEMPLATE, PLACEHOLDERS } from '../../lib/profile-template';
import { withSetting } from '../../lib/settings';
import type { OptionsContext } from './context';
import { LockedNote, Section } from './fields';
import { accountLabel, previewRows, SAMPLE_ACCOUNT_NAMES, type PreviewRow } from './options-model';

function PreviewNote({ row, isDefault }: { row: PreviewRow; isDefault: boolean }) {
  const { resolved } = row;
  const notes: string[] = [];
  if (resolved.source === 'override') notes.push('its own name');
  if (resolved.conflict) {
    notes.push(
      resolved.conflict.resolved
        ? `"${resolved.conflict.wanted}" is reserved: suffixed`
        : `"${resolved.name}" is wanted by ${resolved.conflict.withRoles.length + 1} roles: not saved until one is renamed`,
    );
  }
  if (resolved.truncated) notes.push('cut to 64 characters');
  if (isDefault) notes.push('also [default]');
  return <>{notes.join('; ')}</>;
}

export function ProfileNamesSection({ ctx }: { ctx: OptionsContext }) {
  const path = 'profileTemplate';
  const locked = ctx.isLocked(path);
  const stored = locked ? ctx.settings.profileTemplate : ctx.local.profileTemplate;
  const [draft, setDraft] = useState(stored);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (locked || input.current !== document.activeElement) setDraft(stored);
  }, [stored, locked]);

  const shown = locked ? stored : draft;
  const rows = previewRows(ctx.roles, ctx.settings, ctx.learnt, shown);
  const samples = rows.map((r) => ({ ...r.role, ...(r.accountName ? { accountName: r.accountName } : {}) }));
  const check = checkTemplate(shown, samples);
  const usingSamples = !ctx.roles.some((r) => r.captured);

  const change = (text: string) => {
    setDraft(text);
    // Saved only when it gives every listed role a usable name; until then profiles keep the last good template.
    if (checkTemplate(text, samples).ok && text !== ctx.local.profileTemplate)
      ctx.save((s) => withSetting(s, 'profileTemplate', text), 'the profile name template');
  };
  const insert = (placeholder: string) => {
    const el = input.current;
    const at = el?.selectionStart ?? draft.length;
    const end = el?.selectionEnd ?? at;
    const text = `${draft.slice(0, at)}{${placeholder}}${draft.slice(end)}`;
    change(text);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + placeholder.length + 2, at + placeholder.length + 2);
    });
  };

  return (
    <Section
      id="profiles"
      title="Profile names"
      intro="The name each role’s credentials are saved under in ~/.aws/credentials (and shown with the copy buttons)."
    >
      <div class="field">
        <label for="profile-template">Template</label>
        <input
          ref={input}
          id="profile-template"
          class="text mono wide"
          data-testid="profile-template"
          value={shown}
          disabled={locked}
          spellcheck={false}
          autocomplete="off"
          aria-invalid={check.ok ? undefined : 'true'}
          aria-describedby="profile-template-help profile-template-error"
          onInput={(e) => change(e.currentTarget.value)}
        />
        {locked && <LockedNote path={path} />}
        {!locked && (
          <button
            type="button"
            class="btn btn-small"
            data-testid="template-reset"
            disabled={draft === DEFAULT_PROFILE_TEMPLATE}
            onClick={() => change(DEFAULT_PROFILE_TEMPLATE)}
          >
            Reset to {DEFAULT_PROFILE_TEMPLATE}
          </button>
        )}
        <div id="profile-template-error" aria-live="polite">
          {!check.ok && (
            <p class="field-error" data-testid="profile-template-error">
              {check.error} {!locked && 'Profiles keep the last valid template until this is fixed.'}
            </p>
          )}
          {check.ok && check.warnings.length > 0 && (
            <ul class="warnings" data-testid="profile-template-warnings">
              {check.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </div>
      </div>

      <div id="profile-template-help" class="placeholders">
        <p class="hint">Placeholders (click to insert); other text may use letters, digits, - and _:</p>
        <ul>
          {PLACEHOLDERS.map((p) => (
            <li key={p.name}>
              <button type="button" class="btn btn-small mono" data-testid={`template-placeholder-${p.name}`} disabled={locked} onClick={() => insert(p.name)}>
                {`{${p.name}}`}
              </button>{' '}
              <span class="muted small">{p.description}</span>
            </li>
          ))}
        </ul>
      </div>

      <h3>Preview{usingSamples ? ' (example roles: no sign-in captured yet)' : ''}</h3>
      <table class="grid" data-testid="template-preview">
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Profile name</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.role.roleArn} data-testid="preview-row" data-role-arn={row.role.roleArn}>
              <td>
                <span class="muted small">
                  {accountLabel(row.role.accountId, ctx.settings, usingSamples ? { ...SAMPLE_ACCOUNT_NAMES, ...ctx.learnt } : ctx.learnt)}
                </span>
                <br />
                {row.role.rolePath !== '/' && <span class="muted">{row.role.rolePath}</span>}
                {row.role.roleName}
              </td>
              <td class="mono" data-testid="preview-name" data-role-arn={row.role.roleArn}>
                {row.resolved.name}
              </td>
              <td class="small" data-testid="preview-note">
                <PreviewNote row={row} isDefault={ctx.settings.defaultProfileRole === row.role.roleArn} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <div class="field">
        <label for="default-profile-role">Also save this role as [default]</label>
        <select
          id="default-profile-role"
          data-testid="default-profile-role"
          value={ctx.settings.defaultProfileRole ?? ''}
          onChange={(e) => {
            const arn = e.currentTarget.value || null;
            ctx.save((s) => withSetting(s, 'defaultProfileRole', arn), 'the [default] role');
          }}
        >
          <option value="">No role (leave [default] alone)</option>
          {ctx.roles.map((r) => (
            <option key={r.roleArn} value={r.roleArn}>
              {accountLabel(r.accountId, ctx.settings, ctx.learnt)} — {r.rolePath !== '/' ? r.rolePath : ''}
              {r.roleName}
            </option>
          ))}
        </select>
        <p class="hint" id="default-profile-help">
          When this role’s credentials are saved, they are written a second time as [default], so commands without --profile use them.
        </p>
      </div>
    </Section>
  );
}
