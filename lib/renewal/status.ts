/**
 * How a sign-in source's renewal reads in the popup: one quiet line, and the one thing the person can do about it.
 * Pure (the popup imports it: no parser, no browser API).
 */
import type { IdpKind } from '../idp';
import { needsUserWords } from './needs-user';
import type { SourceState } from './source-state';

/** The line under a sign-in's heading, and its button (if any). */
export interface RenewalStatus {
  kind: SourceState['kind'];
  text: string;
  /** `sign-in`: open the sign-in in a tab; `allow`: ask for the Entra sign-in hosts. */
  action?: 'sign-in' | 'allow';
}

/** `clock` formats an instant as the person's local time ("10:32"). */
export function renewalStatus(
  state: SourceState,
  opts: { idp: IdpKind | undefined; freshUntil?: number; idleLimitHours: number; clock: (t: number) => string },
): RenewalStatus {
  const { clock } = opts;
  switch (state.kind) {
    case 'idle':
      return { kind: state.kind, text: 'Kept fresh once roles of this sign-in are assumed.' };
    case 'fresh':
      return {
        kind: state.kind,
        text: `${opts.freshUntil !== undefined ? `Fresh until ${clock(opts.freshUntil)} · ` : ''}next renewal ~${clock(state.dueAt)}`,
      };
    case 'renewing':
      return { kind: state.kind, text: 'Renewing…' };
    case 'backoff':
      return { kind: state.kind, text: `The last renewal did not work; trying again at ${clock(state.retryAt)}.` };
    case 'needs-you':
      return { kind: state.kind, text: `Needs you: ${needsUserWords(state.reason, opts.idp)}`, action: 'sign-in' };
    case 'paused':
      return { kind: state.kind, text: `Paused: no sign-in of your own for ${opts.idleLimitHours} hours. Sign in to resume.`, action: 'sign-in' };
    case 'manual':
      switch (state.reason) {
        case 'no-permission':
          return { kind: state.kind, text: 'Keep fresh needs access to the Microsoft Entra sign-in site.', action: 'allow' };
        case 'not-entra':
          return { kind: state.kind, text: 'Manual: credentials are kept fresh for Microsoft Entra ID sign-ins only. You get a reminder before they expire.' };
        case 'signed-request-required':
          return { kind: state.kind, text: 'Manual: this AWS app accepts only signed sign-in requests. You get a reminder before credentials expire.' };
        case 'container':
          return {
            kind: state.kind,
            text: 'Manual: you signed in inside a Firefox container, whose session renewal in the background cannot use. You get a reminder before credentials expire.',
          };
        case 'no-source':
          return {
            kind: state.kind,
            text: 'Manual: this sign-in does not say which tenant or AWS sign-in page to renew it with. You get a reminder before credentials expire.',
          };
      }
      break;
    case 'off':
      return { kind: state.kind, text: 'Keep fresh is off for this sign-in.' };
  }
  return { kind: 'manual', text: 'Manual.' };
}
