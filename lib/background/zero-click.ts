/**
 * Browser (background): the zero-click sign-in. A new sign-in from a source the user chose roles from assumes those
 * roles by itself, in the background, when "Assume my usual roles on sign-in" is on for that source; the
 * credentials are saved when auto-save applies, and one line of what happened is kept for the popup and the badge.
 * `assumeRemembered` is also how a renewal re-assumes a source's roles (it does not look at the switch).
 */
import type { Capture } from '../capture';
import { readRemembered, saveZeroClickRun } from '../browser/remembered-store';
import { readState } from '../browser/session-store';
import { readSettingsSnapshot } from '../browser/settings-store';
import type { OkOutcome } from '../delivery';
import { errorText } from '../error-text';
import { autoAssumeOn, boundedReason, rememberedRolesIn, type ZeroClickRun } from '../remembered';
import { isLocked } from '../settings';
import { sourceKeyFor } from '../sign-in-source';
import type { AssumeOptions, ChainTransport } from '../sts';
import { assumeRoles } from './assume-roles';
import { refreshBadge } from './badge';
import { autoSaveDecision, saveToCredentialsFile } from './credentials-host';

/** What an automatic run did: the roles that got credentials (chained ones too), and when they were saved. */
export interface RememberedRun {
  succeeded: string[];
  failed: number;
  /** When the credentials file was written (absent: not saved). */
  savedAt?: number;
  /** The earliest expiry of the credentials this run got (ms). */
  freshUntil?: number;
}

/** Why the run happens: a new sign-in, or a renewal that got a fresh assertion. */
export type RunReason = ZeroClickRun['reason'];

type StsOptions = AssumeOptions & { chainTransport?: ChainTransport };

/** Per source, the run under way and the assertion it uses: the same sign-in is never assumed twice at once. */
const running = new Map<string, { digest: string | undefined; run: Promise<RememberedRun> }>();

/**
 * Called once for each new capture (lib/background/capture-sign-in.ts): assumes the source's remembered roles when
 * its switch is on. Never throws: the capture stands whatever happens here. `sts` is for tests.
 */
export async function onCaptured(capture: Capture, sts: StsOptions = {}): Promise<void> {
  try {
    const [source, snapshot] = await Promise.all([readRemembered(sourceKeyFor(capture)), readSettingsSnapshot()]);
    if (!autoAssumeOn(source, snapshot.settings.zeroClick.autoAssume, isLocked(snapshot.locked, 'zeroClick.autoAssume'))) return;
    await assumeRemembered(capture, { reason: 'sign-in' }, sts);
  } catch {
    // Nothing to undo: what was assumed is in storage.session, and the popup still offers every role.
  }
}

/**
 * Assumes the roles last chosen from `capture`'s source that it still offers, with the remembered duration, as an
 * automatic run (not remembered as a choice); saves them when auto-save applies; records the run's line. Returns
 * nothing assumed when nothing is remembered for the source. A second call for the same assertion while one runs
 * gets the same run.
 */
export function assumeRemembered(capture: Capture, { reason }: { reason: RunReason }, sts: StsOptions = {}): Promise<RememberedRun> {
  const key = sourceKeyFor(capture);
  const current = running.get(key);
  if (current && current.digest === capture.assertionDigest) return current.run;
  const run: Promise<RememberedRun> = runRemembered(capture, key, reason, sts).finally(() => {
    if (running.get(key)?.run === run) running.delete(key);
  });
  running.set(key, { digest: capture.assertionDigest, run });
  return run;
}

async function runRemembered(capture: Capture, sourceKey: string, reason: RunReason, sts: StsOptions): Promise<RememberedRun> {
  const source = await readRemembered(sourceKey);
  const roleArns = rememberedRolesIn(capture.summary.roles, source);
  if (!source || roleArns.length === 0) return { succeeded: [], failed: 0 };
  const at = Date.now();
  let answer: Awaited<ReturnType<typeof assumeRoles>>;
  try {
    answer = await assumeRoles({ captureId: capture.id, roleArns, duration: source.durationSeconds }, sts, { automatic: true });
  } catch (e) {
    answer = { ok: false, message: `Could not assume: ${errorText(e)}` };
  }
  if (!answer.ok) {
    await record({ sourceKey, reason, at, assumed: 0, failed: roleArns.length, problem: boundedReason(answer.message) });
    return { succeeded: [], failed: roleArns.length };
  }
  const mine = Object.values((await readState()).outcomes).filter((o): o is OkOutcome => o.status === 'ok' && o.captureId === capture.id && o.assumedAt >= at);
  const succeeded = mine.map((o) => o.roleArn);
  const expiries = mine.map((o) => Date.parse(o.credentials.expiration)).filter(Number.isFinite);
  const freshUntil = expiries.length > 0 ? Math.min(...expiries) : undefined;
  const result: RememberedRun = { succeeded, failed: answer.failed, ...(freshUntil === undefined ? {} : { freshUntil }) };
  const run: ZeroClickRun = { sourceKey, reason, at, assumed: succeeded.length, failed: answer.failed, ...(freshUntil === undefined ? {} : { freshUntil }) };
  if (succeeded.length > 0) {
    const { settings } = await readSettingsSnapshot();
    const decision = await autoSaveDecision(settings.delivery.autoSaveToHost);
    if (!decision.save) run.notSaved = decision.why;
    else {
      const saved = await saveToCredentialsFile({ roleArns: succeeded });
      if (saved.ok) {
        result.savedAt = run.savedAt = Date.now();
        run.saved = saved.saved;
      } else run.notSaved = boundedReason(saved.problem.message);
    }
  }
  await record(run);
  return result;
}

async function record(run: ZeroClickRun): Promise<void> {
  await saveZeroClickRun(run);
  await refreshBadge();
}
