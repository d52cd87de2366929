/**
 * Browser (background): the credential_process agent's extension side. While the setting
 * `delivery.credentialProcess` is on, one native port stays open to the helper (lib/agent-link.ts), every change
 * of the live sessions is pushed to it (keys only ever in the memory of the two processes), and the helper's
 * renewals go to a replaceable renewer. Docs: docs/credential-process.md.
 */
import { AgentLink, type AgentStatus } from '../agent-link';
import { liveOkOutcomes, type OkOutcome } from '../delivery';
import type { AgentRenewResult, AgentSession } from '../host-protocol';
import { identifyIdp, idpWords } from '../idp';
import { isValidProfileName } from '../profile-name';
import { sourceKeyFor } from '../sign-in-source';
import { getCapture, readState } from '../browser/session-store';
import { readSettings } from '../browser/settings-store';
import { agentStatusItem, captures, outcomes, watchStorage } from '../browser/storage';
import type { Settings } from '../settings';
import { assumeRoles } from './assume-roles';
import { connectPort } from './credentials-host';

/** Renews roles for the agent: `{ ok: true }` once new sessions are in storage.session, else why not. */
export type AgentRenewer = (roleArns: string[]) => Promise<AgentRenewResult>;

/** The default renewer: re-assume from the sign-in while its assertion is still redeemable, else "sign in again". */
export const assumeAgainRenewer: AgentRenewer = async (roleArns) => {
  const state = await readState();
  const now = Date.now();
  const byCapture = new Map<string, string[]>();
  for (const arn of roleArns) {
    const outcome = state.outcomes[arn];
    if (!outcome) continue;
    byCapture.set(outcome.captureId, [...(byCapture.get(outcome.captureId) ?? []), arn]);
  }
  let words = idpWords(undefined);
  if (byCapture.size === 0)
    return { ok: false, reason: 'needs-sign-in', message: `These roles have no sign-in in the browser any more. ${words.signInAgain}.` };
  for (const [captureId, arns] of byCapture) {
    const capture = await getCapture(captureId);
    words = idpWords(identifyIdp(capture?.summary.issuer).kind);
    if (!capture?.samlResponse || capture.summary.usableUntil <= now) {
      return { ok: false, reason: 'needs-sign-in', message: `The sign-in is too old to renew these credentials. ${words.signInAgain}.` };
    }
    // The role's own duration, else the default: not the popup's last choice, which may sit below the floor.
    const settings = await readSettings();
    const result = await assumeRoles({ captureId, roleArns: arns, duration: settings.defaultDuration });
    if (!result.ok || result.failed > 0) {
      return { ok: false, reason: 'needs-sign-in', message: `Renewing failed${result.ok ? '' : `: ${result.message}`} ${words.signInAgain}.` };
    }
  }
  return { ok: true };
};

let renewer: AgentRenewer = assumeAgainRenewer;

/** Replaces how the agent's renewals are done (the always-fresh engine plugs in here). */
export function setAgentRenewer(fn: AgentRenewer): void {
  renewer = fn;
}

/** The live sessions as the agent gets them: one per profile name, plus the `[default]` copy when one is chosen. */
export async function agentSessions(settings: Readonly<Settings>): Promise<AgentSession[]> {
  const state = await readState();
  const sourceOf = new Map(state.captures.map((c) => [c.id, sourceKeyFor(c)]));
  const sessions: AgentSession[] = [];
  const seen = new Set<string>();
  const add = (o: OkOutcome, profile: string) => {
    if (seen.has(profile) || !isValidProfileName(profile)) return;
    seen.add(profile);
    const sourceKey = sourceOf.get(o.captureId);
    sessions.push({ profile, roleArn: o.roleArn, credentials: o.credentials, ...(sourceKey ? { sourceKey } : {}) });
  };
  const live = liveOkOutcomes(state.outcomes, Date.now());
  for (const o of live) add(o, o.profileName);
  const chosen = live.find((o) => o.roleArn === settings.defaultProfileRole);
  if (chosen) add(chosen, 'default');
  return sessions;
}

/** What opens the sign-in for `--wait` (the same as a click on the expiry reminder). */
export type OpenSignIn = () => void;

let link: AgentLink | undefined;

/**
 * Starts or stops the agent to match the setting; call with each settings snapshot. `openSignIn` opens the popup
 * (or the same page in a tab).
 */
export function syncAgent(settings: Readonly<Settings>, openSignIn: OpenSignIn): void {
  if (!settings.delivery.credentialProcess) {
    if (link?.active) {
      link.stop();
      void agentStatusItem.removeValue();
    }
    return;
  }
  link ??= new AgentLink(connectPort, {
    sessions: async () => agentSessions(await readSettings()),
    renew: (roleArns) => renewer(roleArns),
    openSignIn: () => openSignIn(),
    status: (status: AgentStatus) => void agentStatusItem.setValue(status),
  });
  link.start();
}

/** Pushes the sessions again whenever sign-ins or role outcomes change (registered once at worker start). */
export function watchAgentSessions(): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  watchStorage([outcomes, captures], () => {
    // A batch of 300 roles arrives as many writes: one push a moment after the last.
    clearTimeout(timer);
    timer = setTimeout(() => void link?.push(), 100);
  });
}
