/**
 * The popup: every role of every captured sign-in, a filter and selection, one Assume button, and the results in
 * place. State comes from storage.session (read once, then watched); messages only ask the background to act.
 * This file only composes; the parts live in components/popup/.
 */
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import type { LearntAliases } from '../lib/account-aliases';
import type { SessionState } from '../lib/browser/session-store';
// The settings' submodules, not lib/settings itself: its index brings the parser into the first load.
import { DEFAULT_SETTINGS, type Settings } from '../lib/settings/schema';
import { withPinned } from '../lib/settings/edits';
import { errorText } from '../lib/error-text';
import { ErrorBoundary } from './ErrorBoundary';
import { PopupSettingsContext } from './popup-settings';
import { EarlierSessions } from './popup/EarlierSessions';
import { NotLoaded, PopupFailed } from './popup/Fallbacks';
import { Footer } from './popup/Footer';
import { ForgetAllButton, Header } from './popup/Header';
import { Notices } from './popup/Notices';
import { SignInList } from './popup/SignInList';
import { Toolbar } from './popup/Toolbar';
import { useAssume } from './popup/use-assume';
import { useForget } from './popup/use-forget';
import { useRoleList } from './popup/use-role-list';
import { useDurationChoice, useSelection } from './popup/use-selection';
import { ZeroClickLine } from './lazy';
import { followRemembered, useRemembered, useZeroClickRuns } from './use-remembered';
import { sourceKeyFor } from '../lib/sign-in-source';
import type { Capture } from '../lib/capture';
import type { Remembered } from '../lib/remembered';
import type { Followed } from './follow';
import { followSessionState, useSessionState, type LoadedState } from './use-session-state';
import { followLearntAliases, useLearntAliases } from './use-learnt-aliases';
import { followPopupSettings, usePopupSettings, type PopupSettingsSource } from './popup/use-popup-settings';
import { assumeRequests, compareNames, currentProblem, errorVersions, type BrokenEntry } from './view-model';

/** What the popup shows, followed from storage from the moment the page starts (`startPopupSources`). */
export interface PopupSources {
  session: Followed<LoadedState>;
  settings: PopupSettingsSource;
  learnt: Followed<LearntAliases>;
  remembered: Followed<Remembered>;
}

/**
 * Starts every storage read the popup needs at once (session state, the background's copy of the validated
 * settings, learnt names, remembered roles), before anything renders. `ready` resolves when the popup can render in
 * full, in one go.
 */
export function startPopupSources(): PopupSources & { ready: Promise<unknown> } {
  const sources = {
    session: followSessionState(),
    settings: followPopupSettings(),
    learnt: followLearntAliases(),
    remembered: followRemembered(),
  };
  // While the reads are in flight: the role list's sort makes the page's first Intl.Collator (10–20 ms) here, not
  // in the first render.
  setTimeout(() => compareNames('a', 'b'), 0);
  return { ...sources, ready: Promise.all([sources.session.ready, sources.settings.ready, sources.learnt.ready, sources.remembered.ready]) };
}

/** The popup, inside a last-resort boundary: whatever fails to render, "Forget everything" stays offered. */
export function App({ sources }: { sources?: PopupSources }) {
  return (
    <ErrorBoundary fallback={(retry) => <PopupFailed onForgotten={retry} />}>
      <LoadedPopup sources={sources} />
    </ErrorBoundary>
  );
}

function LoadedPopup({ sources }: { sources: PopupSources | undefined }) {
  const loaded = useSessionState(sources?.session);
  const loadedSettings = usePopupSettings(sources?.settings);
  const learnt = useLearntAliases(sources?.learnt);
  // The remembered roles come with the first render: their ticks do not appear a moment after the rows.
  const remembered = useRemembered(sources?.remembered);
  if (loaded.status !== 'ready' || loadedSettings.status === 'loading') return <NotLoaded failed={loaded.status === 'failed'} />;
  // Settings that cannot be read must not keep the user from their credentials: the defaults apply then.
  const settings = loadedSettings.status === 'ready' ? loadedSettings.settings : DEFAULT_SETTINGS;
  const update = loadedSettings.status === 'ready' ? loadedSettings.update : undefined;
  const locked = loadedSettings.status === 'ready' ? loadedSettings.locked : undefined;
  return (
    <Popup state={loaded.state} broken={loaded.broken} settings={settings} locked={locked} learnt={learnt} remembered={remembered} updateSettings={update} />
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
  /** What was last chosen from each sign-in source. */
  remembered: Remembered;
  updateSettings: ((change: (local: Settings) => Settings) => Promise<Settings>) | undefined;
}

function Popup({ state, broken, settings, locked, learnt, remembered, updateSettings }: PopupProps) {
  const { captures, outcomes } = state;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const mainRef = useRef<HTMLElement>(null);
  const focusTop = useCallback(() => headingRef.current?.focus(), []);
  const [query, setQuery] = useState('');
  const runs = useZeroClickRuns();
  const [duration, setDuration] = useDurationChoice(captures, remembered, settings.defaultDuration);
  const [actionError, setActionError] = useState<string>();
  // Errors already stored when the popup opened are shown, but not announced as alerts again.
  const [errorsAtOpen] = useState(() => errorVersions(outcomes));
  const list = useRoleList(captures, settings, learnt, query);
  const { selected, count, toggle, setKeys, dropSignIn } = useSelection(captures, remembered);
  const autoAssumeLocked = locked?.has('zeroClick.autoAssume') ?? false;
  const zeroClick = useCallback(
    (capture: Capture) => {
      const key = sourceKeyFor(capture);
      return (
        <ZeroClickLine
          capture={capture}
          sourceKey={key}
          source={Object.hasOwn(remembered, key) ? remembered[key] : undefined}
          run={Object.hasOwn(runs, key) ? runs[key] : undefined}
          globalOn={settings.zeroClick.autoAssume}
          locked={autoAssumeLocked}
        />
      );
    },
    [remembered, runs, settings.zeroClick.autoAssume, autoAssumeLocked],
  );
  const { busy, errors: assumeErrors, assume, clearErrors } = useAssume();

  const onTogglePin = useMemo(
    () =>
      updateSettings &&
      ((roleArn: string) =>
        void updateSettings((local) => withPinned(local, roleArn, !local.pinnedRoles.includes(roleArn))).catch((e: unknown) =>
          setActionError(`Could not change the pinned roles: ${errorText(e)}`),
        )),
    [updateSettings],
  );

  const popupSettings = useMemo(() => ({ formatOrder: settings.delivery.formatOrder }), [settings.delivery.formatOrder]);
  const [removeSaved, setRemoveSaved] = useState(false);
  const forget = useForget({ dropSignIn, clearErrors, focusTop, setActionError, removeFromFile: removeSaved });
  const anySaved = Object.keys(state.saved).length > 0;
  const keepFresh = useMemo(
    () => ({ idleLimitHours: settings.renewal.idleLimitHours, locked: locked?.has('renewal.keepFresh') ?? false }),
    [settings.renewal.idleLimitHours, locked],
  );
  const hasAnything = captures.length > 0 || Object.keys(outcomes).length > 0 || state.problem !== undefined || broken.length > 0;

  return (
    // The options' copy-format order reaches every Copy button (the rows' and the delivery panel's).
    <PopupSettingsContext.Provider value={popupSettings}>
      <div class="popup">
        <Header headingRef={headingRef}>
          {hasAnything && <ForgetAllButton onClick={() => forget()} />}
          {anySaved && (
            <label class="small" title="Only the sections this extension saved; nothing else in the file changes">
              <input type="checkbox" data-testid="forget-removes-saved" checked={removeSaved} onChange={(e) => setRemoveSaved(e.currentTarget.checked)} />{' '}
              Forget also removes them from ~/.aws/credentials
            </label>
          )}
        </Header>
        {captures.length > 0 && (
          <Toolbar query={query} onQuery={setQuery} visibleKeys={list.visibleKeys} totalRoles={list.totalRoles} onSetKeys={setKeys} listRef={mainRef} />
        )}
        <main class="scroll" ref={mainRef}>
          <Notices
            actionError={actionError}
            problem={currentProblem(state)}
            empty={captures.length === 0}
            hidden={list.hidden}
            hiddenByOrganisation={locked?.has('allowedAccounts') ?? false}
          />
          <SignInList
            {...{ captures, broken, selected, outcomes, errorsAtOpen, assumeErrors, onTogglePin, onSetKeys: setKeys, onToggle: toggle, onForget: forget }}
            visible={list.visible}
            filtered={query.trim() !== ''}
            saved={state.saved}
            extra={zeroClick}
            renewals={state.renewals}
            keepFresh={keepFresh}
          />
          <EarlierSessions captures={captures} outcomes={outcomes} errorsAtOpen={errorsAtOpen} onForget={forget} />
        </main>
        <Footer
          {...{ captures, outcomes, settings, count, busy, duration }}
          saveProblem={state.saveProblem}
          onAssume={() => void assume(assumeRequests(captures, selected), duration)}
          onDuration={setDuration}
          ownDurations={list.ownDurations}
        />
      </div>
    </PopupSettingsContext.Provider>
  );
}
