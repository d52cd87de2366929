/** Browser: "my usual roles" per sign-in source and the last automatic run per source, kept current from storage. */
import { useEffect, useState } from 'preact/hooks';
import { watchRemembered, watchZeroClickRuns } from '../lib/browser/remembered-store';
import type { Remembered, ZeroClickRun } from '../lib/remembered';

/** What was last chosen from each source (empty until read, and when nothing was). */
export function useRemembered(): Remembered {
  const [remembered, setRemembered] = useState<Remembered>({});
  useEffect(() => watchRemembered(setRemembered), []);
  return remembered;
}

/** The last automatic run per source key (storage.session). */
export function useZeroClickRuns(): Record<string, ZeroClickRun> {
  const [runs, setRuns] = useState<Record<string, ZeroClickRun>>({});
  useEffect(() => watchZeroClickRuns(setRuns), []);
  return runs;
}
