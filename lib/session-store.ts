/**
 * Browser: the extension's state in `storage.session` (memory only, cleared when the browser closes, readable
 * by extension pages only). Never `storage.local`/`sync`: captures hold the assertion and outcomes hold keys.
 * One key per capture and per role so concurrent writers never overwrite each other.
 */
import { browser } from 'wxt/browser';
import type { Capture, CaptureProblem, RoleOutcome } from './capture';

const CAPTURE = 'capture:';
const OUTCOME = 'outcome:';
const PROBLEM = 'problem';

export interface SessionState {
  captures: Capture[];
  outcomes: Record<string, RoleOutcome>;
  problem?: CaptureProblem;
}

const area = () => browser.storage.session;

/** Restricts storage.session to extension pages (Chrome's default, made explicit; Firefox has no such call). */
export async function restrictSessionStorage(): Promise<void> {
  const session = area() as unknown as { setAccessLevel?: (o: { accessLevel: string }) => Promise<void> };
  await session.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' }).catch(() => undefined);
}

export function stateFromItems(items: Record<string, unknown>): SessionState {
  const state: SessionState = { captures: [], outcomes: {} };
  for (const [key, value] of Object.entries(items)) {
    if (key.startsWith(CAPTURE)) state.captures.push(value as Capture);
    else if (key.startsWith(OUTCOME)) state.outcomes[key.slice(OUTCOME.length)] = value as RoleOutcome;
    else if (key === PROBLEM) state.problem = value as CaptureProblem;
  }
  state.captures.sort((a, b) => b.capturedAt - a.capturedAt);
  return state;
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
export async function removeOutcomes(roleArns: string[]): Promise<void> {
  await area().remove(roleArns.map((arn) => OUTCOME + arn));
}
export async function clearAll(): Promise<void> {
  await area().clear();
}

/** Calls `listener` with the new state whenever storage.session changes. Returns an unsubscribe function. */
export function watchState(listener: (state: SessionState) => void): () => void {
  const onChanged = (_changes: unknown, areaName: string) => {
    if (areaName === 'session') void readState().then(listener);
  };
  browser.storage.onChanged.addListener(onChanged);
  return () => browser.storage.onChanged.removeListener(onChanged);
}
