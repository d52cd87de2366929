/**
 * Every captured sign-in with its roles, each inside its own error boundary (a sign-in that cannot be shown
 * becomes one line with Forget, the others stay), then the stored entries of a shape the popup cannot show.
 */
import type { ComponentChildren } from 'preact';
import type { Capture, RoleOutcome } from '../../lib/capture';
import type { SavedProfile } from '../../lib/delivery';
import type { RenewalRecord } from '../../lib/renewal/record';
import { sourceKeyFor } from '../../lib/sign-in-source';
import { CaptureSection } from '../CaptureSection';
import { ErrorBoundary } from '../ErrorBoundary';
import { gridLabel, type AccountGroup, type BrokenEntry } from '../view-model';
import { BrokenSection } from './Fallbacks';

interface SignInListProps {
  captures: Capture[];
  /** Per sign-in, the account groups the filter shows. */
  visible: AccountGroup[][];
  filtered: boolean;
  broken: readonly BrokenEntry[];
  selected: ReadonlySet<string>;
  outcomes: Record<string, RoleOutcome>;
  saved: Record<string, SavedProfile>;
  errorsAtOpen: ReadonlySet<string>;
  /** Capture id → why the background refused to assume for it. */
  assumeErrors: Record<string, string>;
  onToggle: (key: string, on: boolean) => void;
  onSetKeys: (keys: string[], on: boolean) => void;
  onTogglePin: ((roleArn: string) => void) | undefined;
  onForget: (captureId: string) => void;
  /** What to show under a sign-in's source line (its zero-click switch and line). */
  extra?: (capture: Capture) => ComponentChildren;
  renewals: Record<string, RenewalRecord>;
  keepFresh: { idleLimitHours: number; locked: boolean };
}

export function SignInList(props: SignInListProps) {
  const {
    captures,
    visible,
    filtered,
    broken,
    selected,
    outcomes,
    saved,
    errorsAtOpen,
    assumeErrors,
    onToggle,
    onSetKeys,
    onTogglePin,
    onForget,
    extra,
    renewals,
    keepFresh,
  } = props;
  return (
    <>
      {captures.map((capture, i) => (
        <ErrorBoundary key={capture.id} resetKey={capture} fallback={() => <BrokenSection onForget={() => onForget(capture.id)} />}>
          <CaptureSection
            capture={capture}
            groups={visible[i] ?? []}
            filtered={filtered}
            selected={selected}
            outcomes={outcomes}
            errorsAtOpen={errorsAtOpen}
            saved={saved}
            onTogglePin={onTogglePin}
            onToggle={onToggle}
            onSetKeys={onSetKeys}
            onForget={onForget}
            onForgetSignIn={onForget}
            gridLabel={gridLabel(capture.summary)}
            assumeError={assumeErrors[capture.id]}
            renewal={renewals[sourceKeyFor(capture)]}
            keepFresh={keepFresh}
          >
            {extra?.(capture)}
          </CaptureSection>
        </ErrorBoundary>
      ))}
      {broken.map(({ kind, key, captureId }) => (
        <BrokenSection key={`${kind}\n${key}`} onForget={captureId === undefined ? undefined : () => onForget(captureId)} />
      ))}
    </>
  );
}
