/**
 * The popup: every role of every captured sign-in, a filter and selection, one Assume button, and the results in
 * place. State comes from storage.session (read once, then watched); messages only ask the background to act.
 */
import type { ComponentChildren, Ref } from 'preact';
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { aliasNames, type LearntAliases } from '../lib/account-aliases';
import { clockTime, type DeliveryOptions } from '../lib/delivery';
import { effectiveDuration, formatDuration, type DurationChoice } from '../lib/duration';
import { sendMessage } from '../lib/browser/messages';
import type { SessionState } from '../lib/browser/session-store';
import { accountDisplayNames, DEFAULT_SETTINGS, regionFor, withPinned, type Settings } from '../lib/settings';
import { DurationSelect } from './DurationSelect';
import { PopupSettingsContext } from './popup-settings';
import { useLearntAliases, useSettings } from './use-settings';
import { CaptureSection } from './CaptureSection';
import { DeliveryPanel } from './DeliveryPanel';
import { EmptyState, ProblemBanner } from './EmptyState';
import { BrokenEntryLine, ErrorBoundary } from './ErrorBoundary';
import HostPermissionBanner from './HostPermissionBanner';
import { RoleResult } from './RoleResult';
import { useSessionState } from './use-session-state';
import {
  assumeRequests,
  captureTitle,
  currentProblem,
  durationNote,
  filterGroups,
  groupByAccount,
  hiddenByAllowList,
  liveSessions,
  orphanOutcomes,
  outcomeCounts,
  outcomeVersion,
  parseSelectionKey,
  rowKeys,
  selectedRoleCount,
  withKeys,
  type BrokenEntry,
  type ListOptions,
} from './view-model';
import { errorText } from '../lib/error-text';

/** The popup's heading; focus returns here when the section that had focus goes away. */
function Header({ headingRef, children }: { headingRef?: Ref<HTMLHeadingElement>; children?: ComponentChildren }) {
  return (
    <header class="top">
      <h1 ref={headingRef} tabIndex={-1}>
        AWS SAML Bridge
      </h1>
      <div class="top-actions">
        {children}
        <button
          type="button"
          class="btn btn-small"
          data-testid="open-options"
          title="Account names, profile names, durations, auto-save and reminders"
          onClick={() => void browser.runtime.openOptionsPage()}
        >
          Options
        </button>
      </div>
    </header>
  );
}

/** The popup, inside a last-resort boundary: whatever fails to render, "Forget everything" stays offered. */
export function App() {
  return (
    <ErrorBoundary fallback={(retry) => <AppFallback onForgotten={retry} />}>
      <LoadedPopup />
    </ErrorBoundary>
  );
}

/** Shown instead of the whole popup when it failed to render: a fixed text (never the error) and Forget everything. */
function AppFallback({ onForgotten }: { onForgotten: () => void }) {
  const [failure, setFailure] = useState<string>();
  const forgetAll = () => {
    setFailure(undefined);
    sendMessage('forget', {}).then(onForgotten, (e: unknown) => setFailure(`Could not forget: ${errorText(e)}. Close this popup and try again.`));
  };
  return (
    <div class="popup">
      <Header />
      <main class="scroll">
        <div class="banner error" role="alert" data-testid="popup-failed">
          <p>The popup could not show what the extension holds, perhaps left by another version of it.</p>
          <p>Forget everything clears it; then open the AWS tile in My Apps again.</p>
          <p>
            <button type="button" class="btn btn-small" data-testid="forget-all" onClick={forgetAll}>
              Forget everything
            </button>
          </p>
          {failure && <p>{failure}</p>}
        </div>
      </main>
    </div>
  );
}

function LoadedPopup() {
  const loaded = useSessionState();
  const loadedSettings = useSettings();
  const learnt = useLearntAliases();
  if (loaded.status === 'ready' && loadedSettings.status !== 'loading') {
    // Settings that cannot be read must not keep the user from their credentials: the defaults apply then.
    const settings = loadedSettings.status === 'ready' ? loadedSettings.settings : DEFAULT_SETTINGS;
    const update = loadedSettings.status === 'ready' ? loadedSettings.update : undefined;
    const locked = loadedSettings.status === 'ready' ? loadedSettings.locked : undefined;
    return <Popup state={loaded.state} broken={loaded.broken} settings={settings} locked={locked} learnt={learnt} updateSettings={update} />;
  }
  return (
    <div class="popup">
      <Header>
        {loaded.status === 'failed' && (
          <button type="button" class="btn btn-small" data-testid="forget-all" onClick={forgetAndReload}>
            Forget everything
          </button>
        )}
      </Header>
      {loaded.status === 'failed' && (
        <p class="banner error" role="alert">
          Could not read the extension’s state. Close this popup and open it again, or forget everything.
        </p>
      )}
    </div>
  );
}

/** Forgets everything when the state could not even be read; the page reloads to read the now empty state. */
function forgetAndReload() {
  void sendMessage('forget', {}).then(
    () => location.reload(),
    () => undefined,
  );
}

interface PopupProps {
  state: SessionState;
  /** Stored entries of an unexpected shape: one line each, with Forget. */
  broken: readonly BrokenEntry[];
  settings: Readonly<Settings>;
  /** Setting paths fixed by the organisation's policy. */
  locked: ReadonlySet<string> | undefined;
  learnt: LearntAliases;
  updateSettings: ((change: (local: Settings) => Settings) => Promise<Settings>) | undefined;
}

function Popup({ state, broken, settings, locked, learnt, updateSettings }: PopupProps) {
  const { captures, outcomes } = state;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const mainRef = useRef<HTMLElement>(null);
  const focusTop = useCallback(() => headingRef.current?.focus(), []);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const [duration, setDuration] = useState<DurationChoice>(settings.defaultDuration);
  const [busy, setBusy] = useState(false);
  const [assumeErrors, setAssumeErrors] = useState<Record<string, string>>({});
  const [actionError, setActionError] = useState<string>();
  // Errors already stored when the popup opened are shown, but not announced as alerts again.
  const [errorsAtOpen] = useState<ReadonlySet<string>>(
    () =>
      new Set(
        Object.values(outcomes)
          .filter((o) => o.status === 'error')
          .map(outcomeVersion),
      ),
  );

  const accountNames = useMemo(() => accountDisplayNames(settings, aliasNames(learnt)), [settings, learnt]);
  const listOptions = useMemo<ListOptions>(
    () => ({
      accountNames,
      pinned: new Set(settings.pinnedRoles),
      allowedAccounts: settings.allowedAccounts,
      durations: Object.fromEntries(Object.entries(settings.roles).flatMap(([arn, p]) => (p.duration === undefined ? [] : [[arn, p.duration]]))),
    }),
    [accountNames, settings.pinnedRoles, settings.allowedAccounts, settings.roles],
  );
  const groups = useMemo(() => captures.map((c) => groupByAccount(c.id, c.summary.roles, listOptions)), [captures, listOptions]);
  const hidden = useMemo(
    () => captures.reduce((n, c) => n + hiddenByAllowList(c.summary.roles, settings.allowedAccounts), 0),
    [captures, settings.allowedAccounts],
  );
  const delivery = useMemo<DeliveryOptions>(
    () => ({ regionFor: (s) => regionFor(settings, s.roleArn), defaultRoleArn: settings.defaultProfileRole }),
    [settings],
  );
  const popupSettings = useMemo(() => ({ formatOrder: settings.delivery.formatOrder }), [settings.delivery.formatOrder]);
  const onTogglePin = useMemo(
    () =>
      updateSettings &&
      ((roleArn: string) =>
        void updateSettings((local) => withPinned(local, roleArn, !local.pinnedRoles.includes(roleArn))).catch((e: unknown) =>
          setActionError(`Could not change the pinned roles: ${errorText(e)}`),
        )),
    [updateSettings],
  );
  const visible = useMemo(() => groups.map((g) => filterGroups(g, query)), [groups, query]);
  const visibleKeys = useMemo(() => visible.flatMap(rowKeys), [visible]);
  const totalRoles = useMemo(() => groups.reduce((n, g) => n + g.reduce((m, a) => m + a.rows.length, 0), 0), [groups]);
  const count = useMemo(() => selectedRoleCount(captures, selected), [captures, selected]);
  const counts = useMemo(() => outcomeCounts(outcomes), [outcomes]);
  const sessions = useMemo(() => liveSessions(outcomes, Date.now()), [outcomes]);
  const orphans = useMemo(() => orphanOutcomes({ captures, outcomes }), [captures, outcomes]);
  const problem = currentProblem(state);

  const onToggle = useCallback((key: string, on: boolean) => setSelected((s) => withKeys(s, [key], on)), []);
  const onSetKeys = useCallback((keys: string[], on: boolean) => setSelected((s) => withKeys(s, keys, on)), []);

  const forget = useCallback(
    (captureId?: string) => {
      setSelected((s) => (captureId === undefined ? new Set() : new Set([...s].filter((k) => parseSelectionKey(k).captureId !== captureId))));
      setAssumeErrors({});
      setActionError(undefined);
      focusTop();
      sendMessage('forget', captureId === undefined ? {} : { captureId }).catch((e: unknown) =>
        setActionError(`Could not forget: ${errorText(e)}. Close this popup and try again.`),
      );
    },
    [focusTop],
  );

  const assume = async () => {
    if (busy) return;
    const requests = assumeRequests(captures, selected);
    if (requests.length === 0) return;
    setBusy(true);
    setAssumeErrors({});
    // Sign-ins to different apps are independent (each has its own 5-minute window), so they go in parallel.
    const answers = await Promise.all(
      requests.map((r) =>
        sendMessage('assume', { ...r, duration }).catch((e: unknown) => ({
          ok: false as const,
          message: `The extension did not answer (${errorText(e)}). Close this popup, open it again and retry.`,
        })),
      ),
    );
    const errors: Record<string, string> = {};
    answers.forEach((answer, i) => {
      const request = requests[i];
      if (request && !answer.ok) errors[request.captureId] = answer.message;
    });
    setAssumeErrors(errors);
    setBusy(false);
  };

  const notes = captures
    .map((c) => ({ title: captureTitle(c.summary), note: durationNote(duration, c.summary.sessionDuration) }))
    .filter((n): n is { title: string; note: string } => n.note !== undefined);
  const distinctNotes = [...new Set(notes.map((n) => n.note))];
  const noteText = distinctNotes.length === 1 && notes.length === captures.length ? distinctNotes[0] : notes.map((n) => `${n.title}: ${n.note}`).join(' ');

  // What Assume would give, before pressing it: the sign-in's SessionDuration caps the choice.
  const cap = captures[0]?.summary.sessionDuration;
  const lasts = effectiveDuration(duration, cap);
  const ownDurations = Object.keys(listOptions.durations ?? {}).length > 0;
  const expiryPreview = `Credentials last ${formatDuration(lasts)}, until about ${clockTime(new Date(Date.now() + lasts * 1000).toISOString())}${ownDurations ? ' (roles with their own duration in the options use it)' : ''}.`;

  const status =
    busy || counts.pending > 0
      ? 'Assuming roles…'
      : counts.ok + counts.error > 0
        ? `${counts.ok} ${counts.ok === 1 ? 'session' : 'sessions'} ready${counts.error > 0 ? `, ${counts.error} failed` : ''}`
        : '';
  const hasAnything = captures.length > 0 || Object.keys(outcomes).length > 0 || state.problem !== undefined || broken.length > 0;

  return (
    <div class="popup">
      <Header headingRef={headingRef}>
        {hasAnything && (
          <button type="button" class="btn btn-small" data-testid="forget-all" onClick={() => forget()}>
            Forget everything
          </button>
        )}
      </Header>
      {captures.length > 0 && (
        <div class="toolbar">
          <label for="filter" class="sr-only">
            Filter roles
          </label>
          <input
            id="filter"
            type="search"
            class="filter"
            data-testid="filter"
            placeholder="Filter roles by name, path or account"
            autoComplete="off"
            spellcheck={false}
            autoFocus
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
            onKeyDown={(e) => {
              // Down enters the role list at its tab stop: the first role shown since the filter last changed.
              if (e.key !== 'ArrowDown' || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
              const entry = mainRef.current?.querySelector<HTMLElement>('[role="grid"] [tabindex="0"]');
              if (!entry) return;
              e.preventDefault();
              entry.focus();
            }}
          />
          <div class="toolbar-row">
            <button type="button" class="btn btn-small" data-testid="select-all" onClick={() => onSetKeys(visibleKeys, true)}>
              Select all
            </button>
            <button type="button" class="btn btn-small" data-testid="select-none" onClick={() => onSetKeys(visibleKeys, false)}>
              Select none
            </button>
            <span class="muted shown" role="status">
              {query.trim() ? `${visibleKeys.length} of ${totalRoles} roles shown` : `${totalRoles} ${totalRoles === 1 ? 'role' : 'roles'}`}
            </span>
          </div>
        </div>
      )}
      <main class="scroll" ref={mainRef}>
        <HostPermissionBanner />
        {actionError && (
          <p class="banner error" role="alert">
            {actionError}
          </p>
        )}
        {problem && <ProblemBanner problem={problem} />}
        {captures.length === 0 && <EmptyState />}
        {hidden > 0 && (
          <p class="muted small" data-testid="hidden-by-policy">
            {hidden} {hidden === 1 ? 'role is' : 'roles are'} not shown: only the allowed accounts are offered
            {locked?.has('allowedAccounts') ? ' (set by your organisation)' : ' (Options)'}.
          </p>
        )}
        {captures.map((capture, i) => (
          <ErrorBoundary key={capture.id} resetKey={capture} fallback={() => <BrokenSection onForget={() => forget(capture.id)} />}>
            <CaptureSection
              capture={capture}
              groups={visible[i] ?? []}
              filtered={query.trim() !== ''}
              selected={selected}
              outcomes={outcomes}
              errorsAtOpen={errorsAtOpen}
              saved={state.saved}
              onTogglePin={onTogglePin}
              onToggle={onToggle}
              onSetKeys={onSetKeys}
              onForget={forget}
              onForgetSignIn={forget}
              gridLabel={`Roles of ${captureTitle(capture.summary)}`}
              assumeError={assumeErrors[capture.id]}
            />
          </ErrorBoundary>
        ))}
        {broken.map((b) => (
          <BrokenSection key={`${b.kind}\n${b.key}`} onForget={b.captureId === undefined ? undefined : () => forget(b.captureId)} />
        ))}
        {orphans.length > 0 && (
          <section class="capture orphans" aria-labelledby="orphans-title">
            <h2 id="orphans-title" class="capture-head">
              Earlier sessions
            </h2>
            <p class="muted">From a sign-in that is no longer listed; kept until they expire.</p>
            <ul class="roles">
              {orphans.map((o) => (
                <li key={o.roleArn} class="role-row">
                  <ErrorBoundary resetKey={o} fallback={() => <BrokenEntryLine onForget={() => forget(o.captureId)} />}>
                    <RoleResult outcome={o} announce={o.status === 'error' && !errorsAtOpen.has(outcomeVersion(o))} standalone />
                  </ErrorBoundary>
                </li>
              ))}
            </ul>
          </section>
        )}
      </main>
      <footer class="actions">
        {/* Assume comes first, so Tab from the role list lands on it; "Assume 3 roles for 1 hour" reads as one line. */}
        <div class="actions-row">
          {captures.length > 0 && (
            <>
              <button
                type="button"
                class="btn btn-primary"
                data-testid="assume"
                disabled={count === 0}
                aria-disabled={busy || undefined}
                onClick={() => void assume()}
              >
                Assume {count} {count === 1 ? 'role' : 'roles'}
              </button>
              <label class="duration">
                <span aria-hidden="true">for</span>
                <DurationSelect
                  testId="duration"
                  ariaLabel="Session duration"
                  value={duration}
                  describedBy="duration-note"
                  onChange={(d) => d !== undefined && setDuration(d)}
                />
              </label>
            </>
          )}
          <p class="status" role="status">
            {status}
          </p>
        </div>
        {captures.length > 0 && (
          <p id="duration-note" class="muted small" data-testid="duration-note">
            <span data-testid="expiry-preview">{expiryPreview}</span>
            {noteText && ` ${noteText}`}
          </p>
        )}
        <PopupSettingsContext.Provider value={popupSettings}>
          <DeliveryPanel sessions={sessions} saveProblem={state.saveProblem} delivery={delivery} />
        </PopupSettingsContext.Provider>
      </footer>
    </div>
  );
}

/** A sign-in (or a result) that cannot be shown: one line, with Forget for its sign-in when that is known. */
function BrokenSection({ onForget }: { onForget: (() => void) | undefined }) {
  return (
    <section class="capture broken" aria-label="An entry that could not be shown">
      <BrokenEntryLine onForget={onForget} />
    </section>
  );
}
