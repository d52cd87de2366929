/** Browser: "my usual roles" per sign-in source and the last automatic run per source, kept current from storage. */
import { useEffect, useState } from 'preact/hooks';
import { watchRemembered, watchZeroClickRuns } from '../lib/browser/remembered-store';
import type { Remembered, ZeroClickRun } from '../lib/remembered';
import { follow, type Followed } from './follow';

/** Follows what was last chosen from each source from now on (empty when it cannot be read). */
export function followRemembered(): Followed<Remembered> {
  return follow<Remembered>((emit) => watchRemembered(emit, () => emit({})));
}

/**
 * What was last chosen from each source (empty until read, and when nothing was): from `source` (started by the page
 * before its first render), else followed from the first render on.
 */
export function useRemembered(source?: Followed<Remembered>): Remembered {
  const [remembered, setRemembered] = useState<Remembered>(() => source?.current() ?? {});
  useEffect(() => {
    if (!source) return watchRemembered(setRemembered);
    // A value that came between the first render and this effect.
    const current = source.current();
    if (current) setRemembered(current);
    return source.subscribe(setRemembered);
  }, [source]);
  return remembered;
}

/** The last automatic run per source key (storage.session). */
export function useZeroClickRuns(): Record<string, ZeroClickRun> {
  const [runs, setRuns] = useState<Record<string, ZeroClickRun>>({});
  useEffect(() => watchZeroClickRuns(setRuns), []);
  return runs;
}
