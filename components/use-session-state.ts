/** Browser: the extension's session state, read once at startup and then kept current from storage.session. */
import { useEffect, useState } from 'preact/hooks';
import { watchState, type SessionState } from '../lib/browser/session-store';
import { checkState, reconcileState, type BrokenEntry } from './view-model';
import { errorText } from '../lib/error-text';

export type LoadedState =
  { status: 'loading' } | { status: 'ready'; state: SessionState; broken: readonly BrokenEntry[] } | { status: 'failed'; message: string };

const brokenKey = (broken: readonly BrokenEntry[]) => broken.map((b) => `${b.kind}\n${b.key}\n${b.captureId ?? ''}`).join('\n\n');

export function useSessionState(): LoadedState {
  const [loaded, setLoaded] = useState<LoadedState>({ status: 'loading' });
  useEffect(() => {
    let alive = true;
    const apply = (next: SessionState) => {
      if (!alive) return;
      // Entries of an unexpected shape are set aside before anything reads their fields.
      const checked = checkState(next);
      setLoaded((prev) => {
        const state = reconcileState(prev.status === 'ready' ? prev.state : undefined, checked.state);
        const broken = prev.status === 'ready' && brokenKey(prev.broken) === brokenKey(checked.broken) ? prev.broken : checked.broken;
        return prev.status === 'ready' && prev.state === state && prev.broken === broken ? prev : { status: 'ready', state, broken };
      });
    };
    const unwatch = watchState(apply, (e: unknown) => {
      if (alive) setLoaded({ status: 'failed', message: errorText(e) });
    });
    return () => {
      alive = false;
      unwatch();
    };
  }, []);
  return loaded;
}
