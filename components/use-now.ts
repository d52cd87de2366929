/** One shared 1-second clock for every countdown on screen: a single interval, however many components tick. */
import { useEffect, useState } from 'preact/hooks';

type Listener = (now: number) => void;
const listeners = new Set<Listener>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    const now = Date.now();
    for (const l of listeners) l(now);
  }, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The current time, re-rendering the calling component (only it) once a second. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => subscribe(setNow), []);
  return now;
}

/** Whether `at` (epoch ms) has passed; re-renders once, when it passes, instead of every second. */
export function useIsPast(at: number): boolean {
  const [past, setPast] = useState(() => Date.now() >= at);
  useEffect(() => {
    const wait = at - Date.now();
    setPast(wait <= 0);
    if (wait <= 0) return undefined;
    // Credentials live at most 12 h, well within setTimeout's 2^31-1 ms limit.
    const id = setTimeout(() => setPast(Date.now() >= at), wait + 50);
    return () => clearTimeout(id);
  }, [at]);
  return past;
}
