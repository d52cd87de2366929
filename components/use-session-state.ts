/** Browser: the extension's session state, read once at startup and then kept current from storage.session. */
import { useEffect, useState } from 'preact/hooks';
import { watchState, type SessionState } from '../lib/session-store';
import { reconcileState } from './view-model';
import { errorText } from '../lib/error-text';

export type LoadedState = { status: 'loading' } | { status: 'ready'; state: SessionState } | { status: 'failed'; message: string };

export function useSessionState(): LoadedState {
  const [loaded, setLoaded] = useState<LoadedState>({ status: 'loading' });
  useEffect(() => {
    let alive = true;
    const apply = (next: SessionState) => {
      if (!alive) return;
      setLoaded((prev) => {
        const state = reconcileState(prev.status === 'ready' ? prev.state : undefined, next);
        return prev.status === 'ready' && prev.state === state ? prev : { status: 'ready', state };
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
