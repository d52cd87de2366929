/** Account names: the user's own over the aliases AWS shows; the organisation's are locked. */
import { useState } from 'preact/hooks';
import { forgetLearntAliases } from '../../lib/browser/account-names-store';
import { checkAccountId, checkAccountName, settingPath, withAccountName } from '../../lib/settings';
import type { OptionsContext } from './context';
import { LockedNote, Section, ValidatedInput } from './fields';
import { fieldError, knownAccounts } from './options-model';
import { errorText } from '../../lib/error-text';

const nameError = (text: string) => fieldError(checkAccountName(text));

export function AccountNamesSection({ ctx }: { ctx: OptionsContext }) {
  const accounts = knownAccounts(ctx.roles, ctx.settings, ctx.learnt);
  const [newId, setNewId] = useState('');
  const [newName, setNewName] = useState('');
  const [forgetStatus, setForgetStatus] = useState('');
  const id = checkAccountId(newId);
  const idError = newId ? fieldError(id) : undefined;
  const newNameError = newName ? nameError(newName) : undefined;
  const canAdd = id.ok && newName.trim() !== '' && !newNameError && !ctx.isLocked(settingPath('accountNames', { key: id.value }));

  return (
    <Section
      id="accounts"
      title="Account names"
      intro="Shown in the popup and used for {account_name} in profile names. A name you give wins over the alias AWS shows on its sign-in page (learnt automatically); with neither, the account id is used."
    >
      {accounts.length === 0 ? (
        <p class="muted" data-testid="accounts-empty">
          No accounts yet: sign in to AWS once and the accounts (with their aliases) appear here, or add one below.
        </p>
      ) : (
        <table class="grid" data-testid="accounts-table">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Alias on AWS</th>
              <th scope="col">Your name</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => {
              const path = settingPath('accountNames', { key: a.accountId });
              const locked = ctx.isLocked(path);
              return (
                <tr key={a.accountId} data-testid="account-row" data-account-id={a.accountId}>
                  <th scope="row" class="mono">
                    {a.accountId}
                  </th>
                  <td data-testid={`account-alias-${a.accountId}`}>{a.learntAlias ?? <span class="muted">none</span>}</td>
                  <td>
                    <ValidatedInput
                      id={`account-name-${a.accountId}`}
                      testId={`account-name-${a.accountId}`}
                      ariaLabel={`Your name for account ${a.accountId}`}
                      value={locked ? (ctx.settings.accountNames[a.accountId] ?? '') : (ctx.local.accountNames[a.accountId] ?? '')}
                      placeholder={a.learntAlias ?? a.accountId}
                      disabled={locked}
                      validate={nameError}
                      onCommit={(text) => ctx.save((s) => withAccountName(s, a.accountId, text), `the name of ${a.accountId}`)}
                    />
                    {locked && <LockedNote path={path} />}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!canAdd || !id.ok) return;
          const accountId = id.value;
          ctx.save((s) => withAccountName(s, accountId, newName), `the name of ${accountId}`);
          setNewId('');
          setNewName('');
        }}
      >
        <label>
          <span>Account id</span>
          <input
            class="text mono"
            data-testid="new-account-id"
            value={newId}
            inputMode="numeric"
            maxLength={14}
            onInput={(e) => setNewId(e.currentTarget.value)}
            aria-invalid={idError ? 'true' : undefined}
          />
        </label>
        <label>
          <span>Name</span>
          <input
            class="text"
            data-testid="new-account-name"
            value={newName}
            onInput={(e) => setNewName(e.currentTarget.value)}
            aria-invalid={newNameError ? 'true' : undefined}
          />
        </label>
        <button type="submit" class="btn" data-testid="add-account" disabled={!canAdd}>
          Add name
        </button>
        {(idError ?? newNameError) && (
          <span class="field-error" role="alert" data-testid="new-account-error">
            {idError ?? newNameError}
          </span>
        )}
      </form>

      {Object.keys(ctx.learnt).length > 0 && (
        <p class="row-actions">
          <button
            type="button"
            class="btn btn-small"
            data-testid="forget-aliases"
            onClick={() =>
              forgetLearntAliases().then(
                () => setForgetStatus('Forgot the learnt aliases; the next sign-in learns them again.'),
                (e: unknown) => setForgetStatus(`Could not forget the aliases: ${errorText(e)}`),
              )
            }
          >
            Forget the aliases learnt from AWS
          </button>
          <span class="muted small" role="status">
            {forgetStatus}
          </span>
        </p>
      )}
    </Section>
  );
}
