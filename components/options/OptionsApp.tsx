/**
 * The options page: account names, profile naming with a live preview, per-role choices, defaults, delivery,
 * reminders, trusted sign-in pages, import/export. Everything is saved as it is changed (only valid values); values
 * the organisation set are shown disabled with a note. Captured roles are read from storage.session for the lists,
 * never changed.
 */
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import { aliasNames } from '../../lib/account-aliases';
import { isLocked, type Settings } from '../../lib/settings';
import { useLearntAliases } from '../use-learnt-aliases';
import { useSettings } from '../use-settings';
import { useSessionState } from '../use-session-state';
import { AccountNamesSection } from './AccountNamesSection';
import type { OptionsContext } from './context';
import { DefaultsSection, KnownRegions } from './DefaultsSection';
import { DeliverySection } from './DeliverySection';
import { ImportExportSection } from './ImportExportSection';
import { IssueList } from './IssueList';
import { knownRoles } from './options-model';
import { ProfileNamesSection } from './ProfileNamesSection';
import { KeepFreshSection } from './KeepFreshSection';
import { RemindersSection } from './RemindersSection';
import { RolesSection } from './RolesSection';
import { TrustedSignInSection } from './TrustedSignInSection';
import { ChainedRolesSection } from './ChainedRolesSection';
import { RememberedRolesSection } from './RememberedRolesSection';
import { errorText } from '../../lib/error-text';

export function OptionsApp() {
  const loaded = useSettings();
  const learntAliases = useLearntAliases();
  const session = useSessionState();
  const [status, setStatus] = useState('');
  const update = loaded.status === 'ready' ? loaded.update : undefined;
  const updateRef = useRef(update);
  updateRef.current = update;

  const save = useCallback((change: (local: Settings) => Settings, what: string) => {
    const run = updateRef.current;
    if (!run) return;
    run(change).then(
      () => setStatus(`Saved ${what}.`),
      (e: unknown) => setStatus(`Could not save ${what}: ${errorText(e)}. Reload this page and try again.`),
    );
  }, []);

  const learnt = useMemo(() => aliasNames(learntAliases), [learntAliases]);
  const captures = session.status === 'ready' ? session.state.captures : undefined;
  const settings = loaded.status === 'ready' ? loaded.settings : undefined;
  const roles = useMemo(() => (settings ? knownRoles(captures ?? [], settings) : []), [captures, settings]);

  if (loaded.status !== 'ready') {
    return (
      <main class="options" data-testid="options-page">
        <h1>AWS SAML Bridge settings</h1>
        {loaded.status === 'failed' ? (
          <p class="banner error" role="alert">
            Could not read the settings ({loaded.message}). Reload this page.
          </p>
        ) : (
          <p class="muted">Loading…</p>
        )}
      </main>
    );
  }

  const { snapshot, locked } = loaded;
  const ctx: OptionsContext = {
    settings: loaded.settings,
    local: snapshot.local,
    isLocked: (path) => isLocked(locked, path),
    learnt,
    roles,
    save,
  };

  return (
    <main class="options" data-testid="options-page">
      <header class="options-head">
        <h1>AWS SAML Bridge settings</h1>
        <p class="status" role="status" data-testid="options-status">
          {status}
        </p>
      </header>
      {locked.size > 0 && (
        <p class="banner managed" data-testid="options-managed">
          Some settings are set by your organisation and cannot be changed here.
        </p>
      )}
      {snapshot.managedIssues.length > 0 && (
        <div class="banner warn-box" data-testid="options-issues-managed">
          <p>Your organisation’s policy for this extension has values it cannot use; they are ignored:</p>
          <IssueList issues={snapshot.managedIssues} testId="managed-issue" />
        </div>
      )}
      {snapshot.localIssues.length > 0 && (
        <div class="banner warn-box" data-testid="options-issues-local">
          <p>Some stored settings could not be read and use their defaults until you change them:</p>
          <IssueList issues={snapshot.localIssues} testId="local-issue" />
        </div>
      )}
      {session.status === 'failed' && (
        <p class="banner error" role="alert">
          Could not read the current sign-ins ({session.message}); the role lists show only roles you set something for.
        </p>
      )}
      <KnownRegions />
      <AccountNamesSection ctx={ctx} />
      <ProfileNamesSection ctx={ctx} />
      <RolesSection ctx={ctx} />
      <DefaultsSection ctx={ctx} />
      <DeliverySection ctx={ctx} />
      <RememberedRolesSection ctx={ctx} />
      <KeepFreshSection ctx={ctx} />
      <RemindersSection ctx={ctx} />
      <TrustedSignInSection ctx={ctx} />
      <ChainedRolesSection ctx={ctx} />
      <ImportExportSection ctx={ctx} />
    </main>
  );
}
