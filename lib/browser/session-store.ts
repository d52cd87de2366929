/**
 * Browser: the extension's state in `storage.session` (memory only, cleared when the browser closes, readable
 * by extension pages only). Never `storage.local`/`sync`: captures hold the assertion and outcomes hold keys.
 * Where each piece lives: the storage registry (./storage.ts).
 */
import type { Capture, CaptureProblem, RoleOutcome } from '../capture';
import type { SavedProfile, SaveProblem } from '../delivery';
import type { Reminded } from '../reminders';
import { applyChanges, stateFromItems, type SessionState } from '../session-state';
import {
  captures,
  clearSession,
  outcomes,
  problemItem,
  readSessionItems,
  remindedItem,
  removeSessionKeys,
  renewals,
  saveProblemItem,
  savedProfiles,
  watchStorage,
  type StorageChanges,
} from './storage';

export type { SessionState };
export { restrictSessionStorage } from './storage';

/** Everything the session state is built from (lib/session-state.ts): what `watchState` follows. */
const STATE_PARTS = [captures, outcomes, savedProfiles, renewals, problemItem, saveProblemItem];

export async function readState(): Promise<SessionState> {
  return stateFromItems(await readSessionItems());
}

export const getCapture = (id: string): Promise<Capture | undefined> => captures.get(id);

export const saveCapture = (capture: Capture) => captures.set([capture]);
export const saveOutcome = (outcome: RoleOutcome) => outcomes.set([outcome]);
/** Several outcomes in one storage write (one change event for the popup). */
export const saveOutcomes = (list: RoleOutcome[]) => outcomes.set(list);
export const saveProblem = (problem: CaptureProblem) => problemItem.setValue(problem);
export const clearProblem = () => problemItem.removeValue();

export async function removeCaptures(ids: string[]): Promise<void> {
  await captures.remove(ids);
}
/** Removes roles' outcomes together with what was saved of them (one write). */
export async function removeOutcomes(roleArns: string[]): Promise<void> {
  await removeSessionKeys(roleArns.flatMap((arn) => [outcomes.key(arn), savedProfiles.key(arn)]));
}
/** Forgets what was saved of roles (their credentials stay). */
export async function forgetSaved(roleArns: string[]): Promise<void> {
  await savedProfiles.remove(roleArns);
}
/** Records a save: one item per role, and clears the last save problem. */
export async function recordSaved(records: SavedProfile[]): Promise<void> {
  await savedProfiles.set(records);
  await saveProblemItem.removeValue();
}
/** Sessions already reminded about (background only; see lib/reminders.ts). */
export async function readReminded(): Promise<Reminded> {
  return (await remindedItem.getValue()) ?? {};
}
export const saveReminded = (reminded: Reminded) => remindedItem.setValue(reminded);
export const saveSaveProblem = (problem: SaveProblem) => saveProblemItem.setValue(problem);
export const clearSaveProblem = () => saveProblemItem.removeValue();
/** Forgets everything in storage.session (the whole area, so nothing is left behind whatever its key). */
export async function clearAll(): Promise<void> {
  await clearSession();
}

/**
 * Reads the state once, then calls `listener` with the new state whenever storage.session changes. Changes are
 * applied as they arrive rather than re-reading every key (assuming 300 roles writes 600 times); changes that
 * arrive during the first read are replayed in order on top of it. Returns an unsubscribe function.
 */
export function watchState(listener: (state: SessionState) => void, onError: (error: unknown) => void = () => undefined): () => void {
  let state: SessionState | undefined;
  let early: StorageChanges[] = [];
  const unwatch = watchStorage(STATE_PARTS, (changes) => {
    if (state === undefined) {
      early.push(changes);
      return;
    }
    state = applyChanges(state, changes);
    listener(state);
  });
  readState().then((initial) => {
    state = early.reduce(applyChanges, initial);
    early = [];
    listener(state);
  }, onError);
  return unwatch;
}
