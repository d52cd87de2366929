/** Sign-in pages the user trusts besides the identity providers the extension knows (AD FS on the company's domain). */
import { useState } from 'preact/hooks';
import { checkTrustedHost, withTrustedHost } from '../../lib/settings';
import { MAX_TRUSTED_HOSTS } from '../../lib/sign-in-origin';
import type { OptionsContext } from './context';
import { LockedNote, Section } from './fields';
import { fieldError } from './options-model';

const PATH = 'trustedSignInHosts';

export function TrustedSignInSection({ ctx }: { ctx: OptionsContext }) {
  const locked = ctx.isLocked(PATH);
  const hosts = (locked ? ctx.settings : ctx.local).trustedSignInHosts;
  const [draft, setDraft] = useState('');
  const checked = draft.trim() ? checkTrustedHost(draft.trim()) : undefined;
  const error =
    checked && !checked.ok
      ? fieldError(checked)
      : checked?.ok && hosts.includes(checked.value)
        ? `${checked.value} is already in the list.`
        : hosts.length >= MAX_TRUSTED_HOSTS
          ? `At most ${MAX_TRUSTED_HOSTS} pages.`
          : undefined;
  const canAdd = !locked && checked?.ok === true && !error;

  return (
    <Section
      id="trusted-sign-in"
      title="Trusted sign-in pages"
      intro="A sign-in to AWS is taken only when the browser reports that an identity provider’s own page sent it: Microsoft Entra ID and My Apps, Okta (*.okta.com), Google. If your organisation signs in through its own page — AD FS, or another identity provider on its own domain — add that page’s host. Add only your organisation’s sign-in page: a page listed here can hand the extension a sign-in to any AWS account."
    >
      {locked && (
        <p>
          <LockedNote path={PATH} />
        </p>
      )}
      {hosts.length === 0 ? (
        <p class="muted" data-testid="trusted-hosts-empty">
          None: only the identity providers above.
        </p>
      ) : (
        <ul class="trusted-hosts" data-testid="trusted-hosts">
          {hosts.map((host) => (
            <li key={host} data-testid="trusted-host" data-host={host}>
              <span class="mono">{host}</span>{' '}
              {!locked && (
                <button
                  type="button"
                  class="btn btn-small"
                  data-testid={`remove-trusted-host-${host}`}
                  aria-label={`Stop trusting ${host}`}
                  onClick={() => ctx.save((s) => withTrustedHost(s, host, false), `no longer trusting ${host}`)}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!locked && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!canAdd || !checked?.ok) return;
            const host = checked.value;
            ctx.save((s) => withTrustedHost(s, host, true), `trusting ${host}`);
            setDraft('');
          }}
        >
          <label class="grow">
            <span>Host of the sign-in page</span>
            <input
              class="text mono"
              data-testid="new-trusted-host"
              value={draft}
              placeholder="adfs.contoso.com or *.contoso.com"
              spellcheck={false}
              autocomplete="off"
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? 'new-trusted-host-error' : undefined}
              onInput={(e) => setDraft(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="btn" data-testid="add-trusted-host" disabled={!canAdd}>
            Trust
          </button>
          {error && (
            <span id="new-trusted-host-error" class="field-error" role="alert" data-testid="new-trusted-host-error">
              {error}
            </span>
          )}
        </form>
      )}
    </Section>
  );
}
