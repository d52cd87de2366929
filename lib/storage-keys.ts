/**
 * The name of every key the extension keeps in browser storage, written once, grouped by area. Pure: the
 * registry (lib/browser/storage.ts) binds these names to their areas and types, the session state
 * (lib/session-state.ts) reads items by them, and tests compute keys from them.
 */

/** A family of keys, one per id: `<prefix><id>`. Ids may hold any character (role ARNs hold `:` and `/`). */
export interface KeyFamily {
  readonly prefix: string;
  /** The storage key of one id. */
  key(id: string): string;
  /** The id a storage key stands for, or `undefined` when the key is not of this family. */
  idOf(key: string): string | undefined;
}

function keyFamily(prefix: string): KeyFamily {
  return {
    prefix,
    key: (id) => prefix + id,
    idOf: (key) => (key.startsWith(prefix) ? key.slice(prefix.length) : undefined),
  };
}

/**
 * storage.session: memory only, extension pages only, gone when the browser quits. The only area that may hold
 * the SAML assertion or credentials. One key per capture and per role, so concurrent writers never collide.
 */
export const SESSION_KEYS = {
  /** One per sign-in (`capture:<capture id>`): its parsed summary and the SAML assertion. */
  capture: keyFamily('capture:'),
  /** One per role (`outcome:<role ARN>`): the last attempt to assume it, with its credentials when it worked. */
  outcome: keyFamily('outcome:'),
  /** One per role (`saved:<role ARN>`): what the last save to the credentials file wrote (no secrets). */
  saved: keyFamily('saved:'),
  /** Why the last sign-in could not be captured. */
  problem: 'problem',
  /** Why the last save to the credentials file failed. */
  saveProblem: 'save-problem',
  /** The sessions already reminded about before they expire (background only). */
  reminded: 'reminded',
  /** One per sign-in source (`zero-click-run:<source key>`): what the last automatic Assume did (no secrets). */
  zeroClickRun: keyFamily('zero-click-run:'),
  /** One per sign-in source (`renewal:<source key>`): keeping it fresh — facts, state, last run (no secrets). */
  renewal: keyFamily('renewal:'),
  /** The SP-initiated sign-in requests the browser sent to Entra lately (request ID → app identifier; background only). */
  observedRequests: 'observed-sign-in-requests',
  /** Whether the credential_process agent is serving, or why not (no secrets; lib/agent-link.ts). */
  agentStatus: 'agent-status',
  /** The effective settings and their locked paths as the background last validated them, for the popup (no secrets). */
  settingsMirror: 'settings-mirror',
} as const;

/** storage.local: kept across restarts, readable by the content script too. Never secrets. */
export const LOCAL_KEYS = {
  /** The user's own settings (versioned; lib/settings/ reads every version). */
  settings: 'settings',
  /** Account aliases learnt from the AWS sign-in page (names only). */
  learntAliases: 'learntAccountAliases',
  /** Per sign-in source, the roles and duration last chosen with Assume (role ARNs, durations, times; lib/remembered.ts). */
  remembered: 'rememberedRoles',
  /** Sign-in sources (lib/sign-in-source.ts keys) the user switched "Keep fresh" off for. */
  keepFreshOff: 'keepFreshOff',
  /** Sign-in source → the AWS app identifier the person entered for Keep fresh (when Entra's answer could not name it). */
  appIdentifiers: 'appIdentifiers',
  /** Role ARN → the profile name it was given (names only), so a learnt alias never renames a profile on its own. */
  givenProfileNames: 'givenProfileNames',
} as const;
