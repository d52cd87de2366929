/** Results whose sign-in is no longer listed (forgotten, or replaced by a newer one): shown on their own until they expire. */
import { useMemo } from 'preact/hooks';
import type { Capture, RoleOutcome } from '../../lib/capture';
import { BrokenEntryLine, ErrorBoundary } from '../ErrorBoundary';
import { RoleResult } from '../lazy';
import { orphanOutcomes, outcomeVersion } from '../view-model';

interface EarlierSessionsProps {
  captures: Capture[];
  outcomes: Record<string, RoleOutcome>;
  /** Versions of the errors already there when the popup opened: those are not announced again. */
  errorsAtOpen: ReadonlySet<string>;
  onForget: (captureId: string) => void;
}

export function EarlierSessions({ captures, outcomes, errorsAtOpen, onForget }: EarlierSessionsProps) {
  const orphans = useMemo(() => orphanOutcomes({ captures, outcomes }), [captures, outcomes]);
  if (orphans.length === 0) return null;
  return (
    <section class="capture orphans" aria-labelledby="orphans-title">
      <h2 id="orphans-title" class="capture-head">
        Earlier sessions
      </h2>
      <p class="muted">From a sign-in that is no longer listed; kept until they expire.</p>
      <ul class="roles">
        {orphans.map((o) => (
          <li key={o.roleArn} class="role-row">
            <ErrorBoundary resetKey={o} fallback={() => <BrokenEntryLine onForget={() => onForget(o.captureId)} />}>
              <RoleResult outcome={o} announce={o.status === 'error' && !errorsAtOpen.has(outcomeVersion(o))} standalone />
            </ErrorBoundary>
          </li>
        ))}
      </ul>
    </section>
  );
}
