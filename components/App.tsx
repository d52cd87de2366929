/**
 * The popup: every role of every captured sign-in, a filter and selection, one Assume button, and the results in
 * place. State comes from storage.session (read once, then watched); messages only ask the background to act.
 */
import type { ComponentChildren, Ref } from 'preact';
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import type { Capture } from '../lib/capture';
import { DURATION_CHOICES, type DurationChoice } from '../lib/duration';
import { sendMessage } from '../lib/messages';
import type { SessionState } from '../lib/session-store';
import { CaptureSection } from './CaptureSection';
import { DeliveryPanel } from './DeliveryPanel';
import { EmptyState, ProblemBanner } from './EmptyState';
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
  liveSessions,
  orphanOutcomes,
  outcomeCounts,
  outcomeVersion,
  parseSelectionKey,
  rowKeys,
  selectedRoleCount,
  withKeys,
  type AccountGroup,
} from './view-model';

const DEFAULT_DURATION: DurationChoice = 3600;

/** Grouping is computed once per capture object (unchanged captures keep their identity across updates). */
const groupCache = new WeakMap<Capture, AccountGroup[]>();
function groupsOf(capture: Capture): AccountGroup[] {
  let groups = groupCache.get(capture);
  if (!groups) {
    groups = groupByAccount(capture.id, capture.summary.roles);
    groupCache.set(capture, groups);
  }
  return groups;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The popup's heading; focus returns here when the section that had focus goes away. */
function Header({ headingRef, children }: { headingRef?: Ref<HTMLHeadingElement>; children?: ComponentChildren }) {
  return (
    <header class="top">
      <h1 ref={headingRef} tabIndex={-1}>
        AWS SAML Bridge
      </h1>
      {children}
    </header>
  );
}

export function App() {
  const loaded = useSessionState();
  if (loaded.status === 'ready') return <Popup state={loaded.state} />;
  return (
    <div class="popup">
      <Header />
      {loaded.status === 'failed' && (
        <p class="banner error" role="alert">
          Could not read the extension’s state ({loaded.message}). Close this popup and open it again.
        </p>
      )}
    </div>
  );
}

function Popup({ state }: { state: SessionState }) {
  const { captures, outcomes } = state;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusTop = useCallback(() => headingRef.current?.focus(), []);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const [duration, setDuration] = useState<DurationChoice>(DEFAULT_DURATION);
  const [busy, setBusy] = useState(false);
  const [assumeErrors, setAssumeErrors] = useState<Record<string, string>>({});
  const [actionError, setActionError] = useState<string>();
  // Errors already stored when the popup opened are shown, but not announced as alerts again.
  const [errorsAtOpen] = useState<ReadonlySet<string>>(
    () => new Set(Object.values(outcomes).filter((o) => o.status === 'error').map(outcomeVersion)),
  );

  const groups = useMemo(() => captures.map(groupsOf), [captures]);
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
  const noteText =
    distinctNotes.length === 1 && notes.length === captures.length
      ? distinctNotes[0]
      : notes.map((n) => `${n.title}: ${n.note}`).join(' ');

  const status =
    busy || counts.pending > 0
      ? 'Assuming roles…'
      : counts.ok + counts.error > 0
        ? `${counts.ok} ${counts.ok === 1 ? 'session' : 'sessions'} ready${counts.error > 0 ? `, ${counts.error} failed` : ''}`
        : '';
  const hasAnything = captures.length > 0 || Object.keys(outcomes).length > 0 || state.problem !== undefined;

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
      <main class="scroll">
        <HostPermissionBanner />
        {actionError && (
          <p class="banner error" role="alert">
            {actionError}
          </p>
        )}
        {problem && <ProblemBanner problem={problem} />}
        {captures.length === 0 && <EmptyState />}
        {captures.map((capture, i) => (
          <CaptureSection
            key={capture.id}
            capture={capture}
            groups={visible[i] ?? []}
            filtered={query.trim() !== ''}
            selected={selected}
            outcomes={outcomes}
            errorsAtOpen={errorsAtOpen}
            saved={state.saved}
            onToggle={onToggle}
            onSetKeys={onSetKeys}
            onForget={forget}
            assumeError={assumeErrors[capture.id]}
          />
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
                  <RoleResult outcome={o} announce={o.status === 'error' && !errorsAtOpen.has(outcomeVersion(o))} standalone />
                </li>
              ))}
            </ul>
          </section>
        )}
      </main>
      <footer class="actions">
          <p class="status" role="status">
            {status}
          </p>
          <DeliveryPanel sessions={sessions} saveProblem={state.saveProblem} />
          {captures.length > 0 && (
            <div class="actions-row">
              <label class="duration">
                <span>Session duration</span>
                <select
                  data-testid="duration"
                  aria-describedby={noteText ? 'duration-note' : undefined}
                  value={String(duration)}
                  onChange={(e) => {
                    const v = e.currentTarget.value;
                    setDuration(v === 'max' ? 'max' : Number(v));
                  }}
                >
                  {DURATION_CHOICES.map((c) => (
                    <option key={String(c.value)} value={String(c.value)}>
                      {c.label}
                    </option>
                  ))}
                </select>
              </label>
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
            </div>
          )}
          {captures.length > 0 && noteText && (
            <p id="duration-note" class="muted small" data-testid="duration-note">
              {noteText}
            </p>
          )}
      </footer>
    </div>
  );
}
