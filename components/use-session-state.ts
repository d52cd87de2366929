/** Browser: the extension's session state, read once at startup and then kept current from storage.session. */
import { useState } from 'preact/hooks';
import { watchState, type SessionState } from '../lib/browser/session-store';
import { checkState, reconcileState, type BrokenEntry } from './view-model';
import { errorText } from '../lib/error-text';
import { follow, useFollowed, type Followed } from './follow';

export type LoadedState =
  { status: 'loading' } | { status: 'ready'; state: SessionState; broken: readonly BrokenEntry[] } | { status: 'failed'; message: string };

const brokenKey = (broken: readonly BrokenEntry[]) => broken.map((b) => `${b.kind}\n${b.key}\n${b.captureId ?? ''}`).join('\n\n');

/**
 * Follows the session state from now on. Changes that arrive together (an Assume writes each role's outcome as it
 * comes) reach the page as one new state: the state is derived once per task, not once per storage event.
 */
export function followSessionState(): Followed<LoadedState> {
  return follow<LoadedState>((emit) => {
    let loaded: LoadedState = { status: 'loading' };
    let latest: SessionState | undefined;
    let scheduled = false;
    const apply = () => {
      scheduled = false;
      if (!latest) return;
      // Entries of an unexpected shape are set aside before anything reads their fields.
      const checked = checkState(latest);
      const prev = loaded;
      const state = reconcileState(prev.status === 'ready' ? prev.state : undefined, checked.state);
      const broken = prev.status === 'ready' && brokenKey(prev.broken) === brokenKey(checked.broken) ? prev.broken : checked.broken;
      if (prev.status === 'ready' && prev.state === state && prev.broken === broken) return;
      loaded = { status: 'ready', state, broken };
      emit(loaded);
    };
    watchState(
      (next) => {
        const first = latest === undefined;
        latest = next;
        // The first state renders at once; later ones wait for the storage events already queued behind them.
        if (first) apply();
        else if (!scheduled) {
          scheduled = true;
          setTimeout(apply, 0);
        }
      },
      (e: unknown) => emit((loaded = { status: 'failed', message: errorText(e) })),
    );
  });
}

/** The session state: from `source` (started by the page before its first render), else followed from now on. */
export function useSessionState(source?: Followed<LoadedState>): LoadedState {
  const [followed] = useState(() => source ?? followSessionState());
  return useFollowed(followed) ?? { status: 'loading' };
}
