/**
 * One sign-in (one AWS app): which app and identity provider, who signed in, which page sent it, how long the
 * sign-in stays usable, its warnings and its roles.
 */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { signInHeading, signInSourceText, type Capture } from '../lib/capture';
import type { RenewalRecord } from '../lib/renewal/record';
import { UsableFor } from './Countdown';
import { KeepFresh } from './lazy';
import { RoleList, type RoleListProps } from './RoleList';

interface CaptureSectionProps extends RoleListProps {
  capture: Capture;
  filtered: boolean;
  /** The background's answer when it refused to assume (e.g. the assertion was already forgotten). */
  assumeError?: string;
  onForget: (captureId: string) => void;
  /** Shown under where the sign-in came from (the source's zero-click switch and line). */
  children?: ComponentChildren;
  /** Keeping this sign-in's source fresh, when the background tracks it. */
  renewal?: RenewalRecord;
  keepFresh?: { idleLimitHours: number; locked: boolean };
}

export function CaptureSection({ capture, filtered, assumeError, onForget, children, renewal, keepFresh, ...list }: CaptureSectionProps) {
  const headingId = useId();
  const { summary } = capture;
  const heading = signInHeading(capture);
  const title = heading.idp ? `${heading.app} · ${heading.idp}` : heading.app;
  return (
    <section class="capture" aria-labelledby={headingId} data-testid="capture" data-capture-id={capture.id}>
      <div class="capture-head">
        <h2 id={headingId}>
          <span class="app" data-testid="capture-title">
            {title}
          </span>
          {summary.subject && <span class="subject"> — {summary.subject}</span>}
        </h2>
        <div class="capture-meta">
          <UsableFor capture={capture} />
          <button
            type="button"
            class="btn btn-link"
            data-testid="forget"
            aria-label={`Forget the sign-in to ${title}`}
            title="Forget this sign-in and its credentials"
            onClick={() => onForget(capture.id)}
          >
            Forget
          </button>
        </div>
      </div>
      <p class="muted small" data-testid="capture-source">
        {signInSourceText(capture)}
      </p>
      {children}
      {keepFresh && (
        <KeepFresh capture={capture} record={renewal} outcomes={list.outcomes} idleLimitHours={keepFresh.idleLimitHours} locked={keepFresh.locked} />
      )}
      {assumeError && (
        <p class="banner error" role="alert" data-testid="assume-error">
          {assumeError}
        </p>
      )}
      {summary.warnings.length > 0 && (
        <ul class="notice warnings" data-testid="notice">
          {summary.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {list.groups.length > 0 ? (
        <RoleList {...list} />
      ) : (
        <p class="muted no-match">{filtered ? 'No role of this sign-in matches the filter.' : 'This sign-in grants no roles.'}</p>
      )}
    </section>
  );
}
