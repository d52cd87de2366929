/**
 * Browser: the extension's state in `storage.session` (memory only, cleared when the browser closes, readable
 * by extension pages only). Never `storage.local`/`sync`: captures hold the assertion and outcomes hold keys.
 * One key per capture and per role so concurrent writers never overwrite each other.
 */
import { browser } from 'wxt/browser';
import type { Capture, CaptureProblem, RoleOutcome } from '../capture';
import type { SavedProfile, SaveProblem } from '../delivery';
import type { Reminded } from '../reminders';
import { applyChanges, CAPTURE, OUTCOME, PROBLEM, SAVE_PROBLEM, SAVED, stateFromItems, type SessionState } from '../session-state';

export type { SessionState };

const area = () => browser.storage.session;

/** Restricts storage.session to extension pages (Chrome's default, made explicit; Firefox has no such call). */
export async function restrictSessionStorage(): Promise<void> {
  const session = area() as unknown as { setAccessLevel?: (o: { accessLevel: string }) => Promise<void> };
  await session.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' }).catch(() => undefined);
}

export async function readState(): Promise<SessionState> {
  return stateFromItems(await area().get(null));
}

export async function getCapture(id: string): Promise<Capture | undefined> {
  const items = await area().get(CAPTURE + id);
  return items[CAPTURE + id] as Capture | undefined;
}

export const saveCapture = (capture: Capture) => area().set({ [CAPTURE + capture.id]: capture });
export const saveOutcome = (outcome: RoleOutcome) => area().set({ [OUTCOME + outcome.roleArn]: outcome });
export const saveProblem = (problem: CaptureProblem) => area().set({ [PROBLEM]: problem });
export const clearProblem = () => area().remove(PROBLEM);

export async function removeCaptures(ids: string[]): Promise<void> {
  await area().remove(ids.map((id) => CAPTURE + id));
}
/** Removes roles' outcomes together with what was saved of them. */
export async function removeOutcomes(roleArns: string[]): Promise<void> {
  await area().remove(roleArns.flatMap((arn) => [OUTCOME + arn, SAVED + arn]));
}
/** Records a save: one item per role, and clears the last save problem. */
export async function recordSaved(records: SavedProfile[]): Promise<void> {
  await area().set(Object.fromEntries(records.map((r) => [SAVED + r.roleArn, r])));
  await area().remove(SAVE_PROBLEM);
}
/** Sessions already reminded about (background only; see lib/reminders.ts). */
const REMINDED = 'reminded';
export async function readReminded(): Promise<Reminded> {
  const items = await area().get(REMINDED);
  return (items[REMINDED] as Reminded | undefined) ?? {};
}
export const saveReminded = (reminded: Reminded) => area().set({ [REMINDED]: reminded });
export const saveSaveProblem = (problem: SaveProblem) => area().set({ [SAVE_PROBLEM]: problem });
export const clearSaveProblem = () => area().remove(SAVE_PROBLEM);
export async function clearAll(): Promise<void> {
  await area().clear();
}

type Changes = Record<string, { newValue?: unknown }>;

/**
 * Reads the state once, then calls `listener` with the new state whenever storage.session changes. Changes are
 * applied as they arrive rather than re-reading every key (assuming 300 roles writes 600 times); changes that
 * arrive during the first read are replayed in order on top of it. Returns an unsubscribe function.
 */
export function watchState(listener: (state: SessionState) => void, onError: (error: unknown) => void = () => undefined): () => void {
  let state: SessionState | undefined;
  let early: Changes[] = [];
  const onChanged = (changes: Changes, areaName: string) => {
    if (areaName !== 'session') return;
    if (state === undefined) {
      early.push(changes);
      return;
    }
    state = applyChanges(state, changes);
    listener(state);
  };
  browser.storage.onChanged.addListener(onChanged);
  readState().then((initial) => {
    state = early.reduce(applyChanges, initial);
    early = [];
    listener(state);
  }, onError);
  return () => browser.storage.onChanged.removeListener(onChanged);
}
