/**
 * Under a sign-in's heading: the "Assume my usual roles on sign-in" switch of its source (once roles were chosen
 * from it), and one quiet line on what the last automatic run did ("3 profiles saved 09:02, fresh until 10:02").
 */
import { useState } from 'preact/hooks';
import type { Capture } from '../../lib/capture';
import { clockTime } from '../../lib/delivery';
import { errorText } from '../../lib/error-text';
import { setAutoAssume } from '../../lib/browser/remembered-store';
import { autoAssumeOn, runText, type RememberedSource, type ZeroClickRun } from '../../lib/remembered';

interface ZeroClickLineProps {
  capture: Capture;
  sourceKey: string;
  source: RememberedSource | undefined;
  /** The last automatic run of this source, if any. */
  run: ZeroClickRun | undefined;
  /** The setting for every source (`zeroClick.autoAssume`), and whether the organisation set it. */
  globalOn: boolean;
  locked: boolean;
}

const clock = (ms: number) => clockTime(new Date(ms).toISOString());

export function ZeroClickLine({ capture, sourceKey, source, run, globalOn, locked }: ZeroClickLineProps) {
  const [error, setError] = useState<string>();
  // A run of an earlier sign-in from this source is not about this one.
  const current = run && run.at >= capture.capturedAt ? run : undefined;
  if (!source && !current) return null;
  return (
    <div class="zero-click">
      {source && (
        <label class="check small" title={locked ? 'Set by your organisation' : 'Assume the roles you last chose from this app as soon as you sign in'}>
          <input
            type="checkbox"
            role="switch"
            data-testid="auto-assume"
            checked={autoAssumeOn(source, globalOn, locked)}
            disabled={locked}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              setError(undefined);
              setAutoAssume(sourceKey, on).catch((err: unknown) => setError(`Could not change this switch (${errorText(err)}). Try again.`));
            }}
          />{' '}
          Assume my usual roles on sign-in{locked && <span class="muted"> (set by your organisation)</span>}
        </label>
      )}
      {current && (
        <p class="muted small" data-testid="zero-click-run" data-reason={current.reason}>
          {runText(current, clock)}
        </p>
      )}
      {error && (
        <p class="banner error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
