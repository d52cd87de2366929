/**
 * The shape of the extension's session state and how storage items map to it. Pure: shared by the
 * background, the popup and tests. One key per capture and per role, so concurrent writers never collide.
 */
import type { Capture, CaptureProblem, RoleOutcome } from './capture';
import type { SavedProfile, SaveProblem } from './delivery';

export const CAPTURE = 'capture:';
export const OUTCOME = 'outcome:';
export const SAVED = 'saved:';
export const PROBLEM = 'problem';
export const SAVE_PROBLEM = 'save-problem';

export interface SessionState {
  captures: Capture[];
  outcomes: Record<string, RoleOutcome>;
  /** Per role ARN: what the last save to the credentials file wrote. */
  saved: Record<string, SavedProfile>;
  problem?: CaptureProblem;
  saveProblem?: SaveProblem;
}

/** Builds the state from every item in storage.session. */
export function stateFromItems(items: Record<string, unknown>): SessionState {
  const state: SessionState = { captures: [], outcomes: {}, saved: {} };
  for (const [key, value] of Object.entries(items)) {
    // No version ever stored a non-object here; one such value must not make every reader throw.
    if (typeof value !== 'object' || value === null) continue;
    if (key.startsWith(CAPTURE)) state.captures.push(value as Capture);
    else if (key.startsWith(OUTCOME)) state.outcomes[key.slice(OUTCOME.length)] = value as RoleOutcome;
    else if (key.startsWith(SAVED)) state.saved[key.slice(SAVED.length)] = value as SavedProfile;
    else if (key === PROBLEM) state.problem = value as CaptureProblem;
    else if (key === SAVE_PROBLEM) state.saveProblem = value as SaveProblem;
  }
  state.captures.sort((a, b) => b.capturedAt - a.capturedAt);
  return state;
}

/** Applies a storage.onChanged batch to a state without re-reading storage (unchanged objects keep their identity). */
export function applyChanges(state: SessionState, changes: Record<string, { newValue?: unknown }>): SessionState {
  const items: Record<string, unknown> = {};
  for (const c of state.captures) items[CAPTURE + c.id] = c;
  for (const [arn, o] of Object.entries(state.outcomes)) items[OUTCOME + arn] = o;
  for (const [arn, s] of Object.entries(state.saved)) items[SAVED + arn] = s;
  if (state.problem) items[PROBLEM] = state.problem;
  if (state.saveProblem) items[SAVE_PROBLEM] = state.saveProblem;
  for (const [key, change] of Object.entries(changes)) {
    if (change.newValue === undefined) delete items[key];
    else items[key] = change.newValue;
  }
  return stateFromItems(items);
}
