/**
 * Browser: "my usual roles" per sign-in source in storage.local (one key; role ARNs, durations, times and app
 * titles, never secrets), and the summary of the last automatic run per source in storage.session. Every read
 * validates (lib/remembered.ts), so a damaged value costs the memory, nothing else.
 */
import {
  isZeroClickRun,
  normaliseRemembered,
  withAutoAssume,
  withChoice,
  withoutSource,
  type Choice,
  type Remembered,
  type RememberedSource,
  type ZeroClickRun,
} from '../remembered';
import { LOCAL_KEYS } from '../storage-keys';
import { readSessionItems, rememberedItem, watchStorage, zeroClickRuns } from './storage';

/** Everything remembered, by source key. */
export async function readAllRemembered(): Promise<Remembered> {
  return normaliseRemembered(await rememberedItem.getValue());
}

/** What was last chosen from one source, if anything. */
export async function readRemembered(sourceKey: string): Promise<RememberedSource | undefined> {
  const all = await readAllRemembered();
  return Object.hasOwn(all, sourceKey) ? all[sourceKey] : undefined;
}

/** Changes from one page or worker run one after another, so two quick changes never overwrite each other. */
let updates: Promise<unknown> = Promise.resolve();

function update(change: (remembered: Remembered) => Remembered): Promise<Remembered> {
  const run = updates.then(async () => {
    const next = change(await readAllRemembered());
    await rememberedItem.setValue(next);
    return next;
  });
  updates = run.catch(() => undefined);
  return run;
}

/** Records the user's choice from one source (it replaces the last one; bounded, see lib/remembered.ts). */
export async function rememberChoice(sourceKey: string, choice: Choice, now: number = Date.now()): Promise<void> {
  await update((r) => withChoice(r, sourceKey, choice, now));
}

/** Switches "Assume my usual roles on sign-in" for one source (only a source with a remembered choice has one). */
export async function setAutoAssume(sourceKey: string, on: boolean): Promise<void> {
  await update((r) => withAutoAssume(r, sourceKey, on));
}

/** Forgets what was chosen from one source. */
export async function forgetRemembered(sourceKey: string): Promise<void> {
  await update((r) => withoutSource(r, sourceKey));
}

/** Calls `listener` with everything remembered now and after every change. Returns an unsubscribe function. */
export function watchRemembered(listener: (remembered: Remembered) => void, onError: (error: unknown) => void = () => undefined): () => void {
  let alive = true;
  // A change seen before the first read resolves is newer than what that read may return.
  let changed = false;
  const unwatch = watchStorage([rememberedItem], (changes) => {
    changed = true;
    listener(normaliseRemembered(changes[LOCAL_KEYS.remembered]?.newValue));
  });
  readAllRemembered().then(
    (remembered) => {
      if (alive && !changed) listener(remembered);
    },
    (e: unknown) => {
      if (alive) onError(e);
    },
  );
  return () => {
    alive = false;
    unwatch();
  };
}

/** The last automatic run per source key (storage.session). */
export async function readZeroClickRuns(): Promise<Record<string, ZeroClickRun>> {
  const runs: Record<string, ZeroClickRun> = {};
  for (const [key, value] of Object.entries(await readSessionItems())) {
    const sourceKey = zeroClickRuns.idOf(key);
    if (sourceKey !== undefined && isZeroClickRun(value) && value.sourceKey === sourceKey) runs[sourceKey] = value;
  }
  return runs;
}

/** Records what an automatic run did for its source (replacing the source's last one). */
export async function saveZeroClickRun(run: ZeroClickRun): Promise<void> {
  await zeroClickRuns.set([run]);
}

/** Calls `listener` with the last runs now and after every change. Returns an unsubscribe function. */
export function watchZeroClickRuns(listener: (runs: Record<string, ZeroClickRun>) => void): () => void {
  let alive = true;
  const refresh = () =>
    void readZeroClickRuns().then(
      (runs) => {
        if (alive) listener(runs);
      },
      () => undefined,
    );
  const unwatch = watchStorage([zeroClickRuns], refresh);
  refresh();
  return () => {
    alive = false;
    unwatch();
  };
}
