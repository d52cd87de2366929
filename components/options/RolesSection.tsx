/** Per-role choices: pinned in the popup, own profile name, duration, region and where Open console lands. */
import { useMemo, useState } from 'preact/hooks';
import { parseRoleArn } from '../../lib/arn';
import { CONSOLE_SERVICES, isConsoleService, type ConsoleDestination } from '../../lib/console';
import { formatDuration } from '../../lib/duration';
import { resolveProfileNames } from '../../lib/profile-template';
import { DELIVERY_MODE_WORDS } from '../../lib/delivery';
import {
  checkConsoleDestination,
  checkProfileName,
  checkRegion,
  checkRoleArn,
  DELIVERY_MODES,
  namingRules,
  settingPath,
  withPinned,
  withRolePreference,
  type DeliveryMode,
} from '../../lib/settings';
import { DurationSelect } from '../DurationSelect';
import type { OptionsContext } from './context';
import { LockedNote, Section, ValidatedInput } from './fields';
import { accountLabel, fieldError, type OptionsRole } from './options-model';

/** An empty profile name or region means "use the default". */
const profileNameError = (text: string) => (text === '' ? undefined : fieldError(checkProfileName(text)));

/** Where Open console lands (issue 13): the console home, or a service's page in a region of the role's partition. */
function ConsoleDestinationCell({ ctx, role, label }: { ctx: OptionsContext; role: OptionsRole; label: string }) {
  const arn = role.roleArn;
  const path = settingPath('roles', { key: arn }, 'consoleDestination');
  const locked = ctx.isLocked(path);
  const current = (locked ? ctx.settings.roles[arn] : ctx.local.roles[arn])?.consoleDestination;
  const save = (destination: ConsoleDestination | undefined) =>
    ctx.save((s) => withRolePreference(s, arn, 'consoleDestination', destination), `where the console opens for ${label}`);
  const regional = current ? CONSOLE_SERVICES[current.service].regional : false;
  return (
    <td>
      <select
        data-testid="role-console-service"
        aria-label={`Open console for ${label} in ${role.accountId} on`}
        value={current?.service ?? ''}
        disabled={locked}
        onChange={(e) => {
          const id = e.currentTarget.value;
          save(isConsoleService(id) ? { service: id, ...(current?.region ? { region: current.region } : {}) } : undefined);
        }}
      >
        <option value="">Console home</option>
        {Object.entries(CONSOLE_SERVICES).map(([id, service]) => (
          <option key={id} value={id}>
            {service.label}
          </option>
        ))}
      </select>
      {current && regional && (
        <ValidatedInput
          id={`role-console-region-${arn}`}
          testId="role-console-region"
          class="text mono narrow"
          list="known-regions"
          ariaLabel={`Console region for ${label} in ${role.accountId}`}
          value={current.region ?? ''}
          placeholder={ctx.settings.roles[arn]?.region || ctx.settings.defaultRegion || 'role’s region'}
          disabled={locked}
          validate={(text) => fieldError(checkConsoleDestination({ service: current.service, region: text }, role.partition))}
          onCommit={(text) => save({ service: current.service, ...(text ? { region: text } : {}) })}
        />
      )}
      {locked && <LockedNote path={path} />}
    </td>
  );
}

function RoleRow({ ctx, role, templateName }: { ctx: OptionsContext; role: OptionsRole; templateName: string }) {
  const arn = role.roleArn;
  const prefsPath = (key: string) => settingPath('roles', { key: arn }, key);
  const lockedName = ctx.isLocked(prefsPath('profileName'));
  const lockedDuration = ctx.isLocked(prefsPath('duration'));
  const lockedRegion = ctx.isLocked(prefsPath('region'));
  const prefs = ctx.local.roles[arn] ?? {};
  const effective = ctx.settings.roles[arn] ?? {};
  const pinned = ctx.settings.pinnedRoles.includes(arn);
  const label = `${role.rolePath !== '/' ? role.rolePath : ''}${role.roleName}`;
  const defaultDuration = ctx.settings.defaultDuration;
  return (
    <tr data-testid="role-settings-row" data-role-arn={arn}>
      <th scope="row">
        <span class="muted small">{accountLabel(role.accountId, ctx.settings, ctx.learnt)}</span>
        <br />
        <span class="role-label-text">{label}</span>
        {!role.captured && (
          <span class="tag" title="This role is in no current sign-in; it is listed because settings name it">
            not signed in
          </span>
        )}
      </th>
      <td class="center">
        <input
          type="checkbox"
          data-testid="role-pinned"
          aria-label={`Pin ${label} in ${role.accountId} to the top of the popup`}
          checked={pinned}
          onChange={(e) => {
            const on = e.currentTarget.checked;
            ctx.save((s) => withPinned(s, arn, on), on ? `pinned ${label}` : `unpinned ${label}`);
          }}
        />
      </td>
      <td>
        <ValidatedInput
          id={`role-profile-${arn}`}
          testId="role-profile-name"
          class="text mono medium"
          ariaLabel={`Profile name for ${label} in ${role.accountId}`}
          value={lockedName ? (effective.profileName ?? '') : (prefs.profileName ?? '')}
          placeholder={templateName}
          disabled={lockedName}
          validate={profileNameError}
          onCommit={(text) => ctx.save((s) => withRolePreference(s, arn, 'profileName', text || undefined), `the profile name of ${label}`)}
        />
        {lockedName && <LockedNote path={prefsPath('profileName')} />}
      </td>
      <td>
        <DurationSelect
          testId="role-duration"
          ariaLabel={`Session duration for ${label} in ${role.accountId}`}
          value={lockedDuration ? effective.duration : prefs.duration}
          unsetLabel={`Default (${defaultDuration === 'max' ? 'longest allowed' : formatDuration(defaultDuration)})`}
          disabled={lockedDuration}
          onChange={(choice) => ctx.save((s) => withRolePreference(s, arn, 'duration', choice), `the duration of ${label}`)}
        />
        {lockedDuration && <LockedNote path={prefsPath('duration')} />}
      </td>
      <td>
        <ValidatedInput
          id={`role-region-${arn}`}
          testId="role-region"
          class="text mono narrow"
          list="known-regions"
          ariaLabel={`Region for ${label} in ${role.accountId}`}
          value={lockedRegion ? (effective.region ?? '') : (prefs.region ?? '')}
          placeholder={ctx.settings.defaultRegion || 'none'}
          disabled={lockedRegion}
          validate={(text) => fieldError(checkRegion(text))}
          onCommit={(text) => ctx.save((s) => withRolePreference(s, arn, 'region', text || undefined), `the region of ${label}`)}
        />
        {lockedRegion && <LockedNote path={prefsPath('region')} />}
      </td>
      <ConsoleDestinationCell ctx={ctx} role={role} label={label} />
      <td>
        <DeliveryModeSelect
          testId="role-delivery"
          ariaLabel={`How ${label} in ${role.accountId} reaches the AWS CLI`}
          value={ctx.isLocked(prefsPath('delivery')) ? effective.delivery : prefs.delivery}
          unsetLabel={`Default (${ctx.settings.delivery.defaultMode ?? 'file'})`}
          disabled={ctx.isLocked(prefsPath('delivery'))}
          onChange={(mode) => ctx.save((s) => withRolePreference(s, arn, 'delivery', mode), `the delivery of ${label}`)}
        />
        {ctx.isLocked(prefsPath('delivery')) && <LockedNote path={prefsPath('delivery')} />}
      </td>
    </tr>
  );
}

/** Config-file delivery: keys in the credentials file, credential_process in the config file, or both. */
export function DeliveryModeSelect(props: {
  id?: string;
  testId: string;
  ariaLabel: string;
  value: DeliveryMode | undefined;
  /** The "use the default" choice; absent: a mode must be chosen. */
  unsetLabel?: string;
  disabled?: boolean;
  onChange: (mode: DeliveryMode | undefined) => void;
}) {
  return (
    <select
      id={props.id}
      class="select"
      data-testid={props.testId}
      aria-label={props.ariaLabel}
      value={props.value ?? ''}
      disabled={props.disabled}
      onChange={(e) => {
        const v = e.currentTarget.value;
        props.onChange((DELIVERY_MODES as readonly string[]).includes(v) ? (v as DeliveryMode) : undefined);
      }}
    >
      {props.unsetLabel !== undefined && <option value="">{props.unsetLabel}</option>}
      {DELIVERY_MODES.map((m) => (
        <option key={m} value={m} title={DELIVERY_MODE_WORDS[m]}>
          {m === 'file' ? 'Credentials file' : m === 'process' ? 'credential_process' : 'Both'}
        </option>
      ))}
    </select>
  );
}

export function RolesSection({ ctx }: { ctx: OptionsContext }) {
  // Roles added by ARN stay listed while the page is open, even before anything is set for them.
  const [added, setAdded] = useState<OptionsRole[]>([]);
  const [arnDraft, setArnDraft] = useState('');
  const roles = useMemo(() => {
    const known = new Set(ctx.roles.map((r) => r.roleArn));
    return [...ctx.roles, ...added.filter((r) => !known.has(r.roleArn))];
  }, [ctx.roles, added]);
  // The placeholder shows what the template alone would give (without the role's own name).
  const templateNames = useMemo(() => {
    const rules = namingRules(ctx.settings, ctx.learnt);
    return resolveProfileNames(roles, { ...rules, overrides: {} }, (r) => r);
  }, [roles, ctx.settings, ctx.learnt]);
  const arnText = arnDraft.trim();
  const arnError = !arnText
    ? undefined
    : (fieldError(checkRoleArn(arnText)) ?? (roles.some((r) => r.roleArn === arnText) ? 'That role is already listed.' : undefined));

  return (
    <Section
      id="roles"
      title="Roles"
      intro="Pinned roles are listed first in the popup. A role’s own profile name, duration or region wins over the defaults; leave a field empty to use them. Open console lands on the console home unless you pick a service (in the region you name, else the role’s)."
    >
      {roles.length === 0 ? (
        <p class="muted" data-testid="roles-empty">
          No roles yet: they appear here after your next sign-in to AWS, or add one by its ARN below.
        </p>
      ) : (
        <table class="grid" data-testid="roles-table">
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">Pinned</th>
              <th scope="col">Profile name</th>
              <th scope="col">Duration</th>
              <th scope="col">Region</th>
              <th scope="col">Open console on</th>
              <th scope="col">Delivery</th>
            </tr>
          </thead>
          <tbody>
            {roles.map((r) => (
              <RoleRow key={r.roleArn} ctx={ctx} role={r} templateName={templateNames.get(r.roleArn)?.name ?? ''} />
            ))}
          </tbody>
        </table>
      )}
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const parsed = parseRoleArn(arnText);
          if (!parsed || arnError) return;
          setAdded((a) => [...a, { ...parsed, captured: false }]);
          setArnDraft('');
        }}
      >
        <label class="grow">
          <span>Add a role by ARN</span>
          <input
            class="text mono wide"
            data-testid="add-role-arn"
            value={arnDraft}
            spellcheck={false}
            placeholder="arn:aws:iam::123456789012:role/Name"
            onInput={(e) => setArnDraft(e.currentTarget.value)}
            aria-invalid={arnError ? 'true' : undefined}
          />
        </label>
        <button type="submit" class="btn" data-testid="add-role" disabled={!arnText || Boolean(arnError)}>
          Add role
        </button>
        {arnError && (
          <span class="field-error" role="alert" data-testid="add-role-error">
            {arnError}
          </span>
        )}
      </form>
    </Section>
  );
}
