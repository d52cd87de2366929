/**
 * The shape of the extension's session state and how storage items map to it. Pure: shared by the
 * background, the popup and tests. The keys: lib/storage-keys.ts.
 */
import type { Capture, CaptureProblem, RoleOutcome } from './capture';
import type { SavedProfile, SaveProblem } from './delivery';
import type { RenewalRecord } from './renewal/record';
import { SESSION_KEYS } from './storage-keys';

const { capture, outcome, saved, problem, saveProblem, renewal } = SESSION_KEYS;

export interface SessionState {
  captures: Capture[];
  outcomes: Record<string, RoleOutcome>;
  /** Per role ARN: what the last save to the credentials file wrote. */
  saved: Record<string, SavedProfile>;
  /** Per sign-in source: keeping it fresh (lib/renewal/record.ts). */
  renewals: Record<string, RenewalRecord>;
  problem?: CaptureProblem;
  saveProblem?: SaveProblem;
}

/** Builds the state from every item in storage.session. */
export function stateFromItems(items: Record<string, unknown>): SessionState {
  const state: SessionState = { captures: [], outcomes: {}, saved: {}, renewals: {} };
  for (const [key, value] of Object.entries(items)) {
    // No version ever stored a non-object here; one such value must not make every reader throw.
    if (typeof value !== 'object' || value === null) continue;
    const outcomeOf = outcome.idOf(key);
    const savedOf = saved.idOf(key);
    const renewalOf = renewal.idOf(key);
    if (capture.idOf(key) !== undefined) state.captures.push(value as Capture);
    else if (outcomeOf !== undefined) state.outcomes[outcomeOf] = value as RoleOutcome;
    else if (savedOf !== undefined) state.saved[savedOf] = value as SavedProfile;
    else if (renewalOf !== undefined) state.renewals[renewalOf] = value as RenewalRecord;
    else if (key === problem) state.problem = value as CaptureProblem;
    else if (key === saveProblem) state.saveProblem = value as SaveProblem;
  }
  state.captures.sort((a, b) => b.capturedAt - a.capturedAt);
  return state;
}

/** Applies a storage.onChanged batch to a state without re-reading storage (unchanged objects keep their identity). */
export function applyChanges(state: SessionState, changes: Record<string, { newValue?: unknown }>): SessionState {
  const items: Record<string, unknown> = {};
  for (const c of state.captures) items[capture.key(c.id)] = c;
  for (const [arn, o] of Object.entries(state.outcomes)) items[outcome.key(arn)] = o;
  for (const [arn, s] of Object.entries(state.saved)) items[saved.key(arn)] = s;
  for (const [key, r] of Object.entries(state.renewals)) items[renewal.key(key)] = r;
  if (state.problem) items[problem] = state.problem;
  if (state.saveProblem) items[saveProblem] = state.saveProblem;
  for (const [key, change] of Object.entries(changes)) {
    if (change.newValue === undefined) delete items[key];
    else items[key] = change.newValue;
  }
  return stateFromItems(items);
}
