/**
 * The shape of the extension's session state and how storage items map to it. Pure: shared by the
 * background, the popup and tests. One key per capture and per role, so concurrent writers never collide.
 */
import type { Capture, CaptureProblem, RoleOutcome } from './capture';

export const CAPTURE = 'capture:';
export const OUTCOME = 'outcome:';
export const PROBLEM = 'problem';

export interface SessionState {
  captures: Capture[];
  outcomes: Record<string, RoleOutcome>;
  problem?: CaptureProblem;
}

/** Builds the state from every item in storage.session. */
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

/** Applies a storage.onChanged batch to a state without re-reading storage (unchanged objects keep their identity). */
export function applyChanges(state: SessionState, changes: Record<string, { newValue?: unknown }>): SessionState {
  const items: Record<string, unknown> = {};
  for (const c of state.captures) items[CAPTURE + c.id] = c;
  for (const [arn, o] of Object.entries(state.outcomes)) items[OUTCOME + arn] = o;
  if (state.problem) items[PROBLEM] = state.problem;
  for (const [key, change] of Object.entries(changes)) {
    if (change.newValue === undefined) delete items[key];
    else items[key] = change.newValue;
  }
  return stateFromItems(items);
}

