/**
 * Browser (background): assumes the roles the user picked, in parallel with a small cap, writing each role's
 * progress and result to storage.session as it happens. One role failing never hides the others.
 */
import { aliasNames } from '../account-aliases';
import { readLearntAliases } from '../browser/account-names-store';
import { mapWithConcurrency } from '../concurrency';
import type { RoleOutcome } from '../capture';
import { effectiveDuration } from '../duration';
import { identifyIdp, idpWords } from '../idp';
import type { BackgroundRequests } from '../browser/messages';
import { keepGivenName, resolveProfileNames } from '../profile-template';
import { readGivenNames, rememberGivenNames } from '../browser/profile-names-store';
import { getCapture, saveOutcome, saveOutcomes } from '../browser/session-store';
import { rememberChoice } from '../browser/remembered-store';
import { sourceLabel } from '../remembered';
import { durationFor, isAccountAllowed, namingRules } from '../settings';
import { sourceKeyFor } from '../sign-in-source';
import { readSettings } from '../browser/settings-store';
import { ASSUME_CONCURRENCY, assumeRoleWithSaml, type AssumeOptions, type ChainTransport } from '../sts';
import { expiredSignIn } from '../sts-errors';
import { assumeChainedRoles } from './chained-roles';
import { autoSaveDecision, saveToCredentialsFile } from './credentials-host';
import { armPendingDeadline, scheduleExpiry } from './expiry';

type Assume = BackgroundRequests['assume'];

/**
 * Assumes the chosen roles of one capture, then the roles chained from each (settings `chainedRoles`) with its
 * session. The user's choice is remembered for the sign-in's source (lib/browser/remembered-store.ts) unless
 * `automatic` (the zero-click run, lib/background/zero-click.ts, which also saves by itself). `sts` is for tests
 * (transports, short time limits).
 */
export async function assumeRoles(
  { captureId, roleArns, duration }: Assume['request'],
  sts: AssumeOptions & { chainTransport?: ChainTransport } = {},
  { automatic = false }: { automatic?: boolean } = {},
): Promise<Assume['response']> {
  const { chainTransport, ...samlOptions } = sts;
  // Read together: every millisecond here is between the click and the first request.
  const [capture, settings, learnt, given] = await Promise.all([getCapture(captureId), readSettings(), readLearntAliases(), readGivenNames()]);
  // Without the capture the IdP is unknown: neutral words.
  if (!capture) return { ok: false, message: `That sign-in is no longer known. ${idpWords(undefined).signInAgain}.` };
  const { samlResponse, summary } = capture;
  const idp = identifyIdp(summary.issuer);
  if (!samlResponse) {
    const expired = expiredSignIn(idp.kind);
    return { ok: false, message: `${expired.message} ${expired.action}` };
  }
  const wanted = new Set(roleArns);
  const roles = summary.roles.filter((r) => wanted.has(r.roleArn) && isAccountAllowed(settings, r.accountId));
  if (roles.length === 0) {
    return {
      ok: false,
      message: summary.roles.some((r) => wanted.has(r.roleArn))
        ? 'These roles are in accounts outside the allowed accounts (see Options).'
        : 'None of the chosen roles is in this sign-in.',
    };
  }
  if (!automatic) {
    // Remembering is a convenience: failing to store it never stops the Assume.
    const choice = { roleArns: roles.map((r) => r.roleArn), durationSeconds: duration, label: sourceLabel(capture) };
    await rememberChoice(sourceKeyFor(capture), choice).catch(() => undefined);
  }
  // Names over every role of the sign-in, not just the chosen ones, so a name never depends on the selection.
  const rules = namingRules(settings, aliasNames(learnt));
  const withSession = (r: (typeof summary.roles)[number]) => ({ ...r, sessionName: summary.roleSessionName });
  const named = resolveProfileNames(summary.roles, rules, withSession);
  // A learnt alias names roles that have no name yet; a role named before keeps its name (lib/profile-template.ts).
  const plain = resolveProfileNames(summary.roles, namingRules(settings, {}), withSession);
  const kept = new Map(roles.map((r) => [r.roleArn, keepGivenName(named.get(r.roleArn)!, plain.get(r.roleArn)!, given[r.roleArn])] as const));
  const names = new Map([...named].map(([arn, n]) => [arn, kept.get(arn)?.resolved ?? n] as const));
  const direct = new Set(roles.map((r) => r.roleArn));

  const refOf = (role: (typeof roles)[number]) => ({
    roleArn: role.roleArn,
    captureId,
    accountId: role.accountId,
    roleName: role.roleName,
    partition: role.partition,
  });
  // A role whose profile name is another's is refused before anything is sent.
  const taken = roles.filter((r) => {
    const name = names.get(r.roleArn)!;
    return name.conflict && !name.conflict.resolved;
  });
  const sendable = roles.filter((r) => !taken.includes(r));
  const takenOutcomes: RoleOutcome[] = taken.map((role) => ({
    ...refOf(role),
    status: 'error',
    error: {
      code: 'ProfileNameTaken',
      message: `The profile name ${names.get(role.roleArn)!.name} is already another role's.`,
      action: 'Give one of them another profile name in the options, then assume again.',
    },
    finishedAt: Date.now(),
    stsHost: '',
  }));
  // The first wave's requests go out at once, before any storage work: its pending states (one write) and the alarm
  // that turns a role cut off with the worker into an error are recorded in the next task, while STS answers. A
  // role's result is written only after its pending state.
  const startedAt = Date.now();
  const firstWave = sendable.slice(0, ASSUME_CONCURRENCY);
  const recorded = new Promise((resolve) => setTimeout(resolve, 0)).then(() =>
    Promise.all([
      saveOutcomes([...firstWave.map((role): RoleOutcome => ({ ...refOf(role), status: 'pending', startedAt })), ...takenOutcomes]),
      armPendingDeadline(startedAt),
    ]),
  );
  recorded.catch(() => undefined); // awaited below; a failure must not count as unhandled while STS answers

  const results = await mapWithConcurrency(sendable, ASSUME_CONCURRENCY, async (role, index) => {
    const ref = refOf(role);
    const name = names.get(role.roleArn)!;
    if (index >= ASSUME_CONCURRENCY) {
      // A later wave: this role waited for a free lane, so its time starts now.
      const laterStart = Date.now();
      await saveOutcome({ ...ref, status: 'pending', startedAt: laterStart });
      await armPendingDeadline(laterStart);
    }
    // A role's own duration (options) wins over the popup's choice; the sign-in's SessionDuration caps both.
    const durationSeconds = effectiveDuration(durationFor(settings, role.roleArn, duration), summary.sessionDuration);
    const outcome = await assumeRoleWithSaml(
      { role, samlResponse, durationSeconds, acs: capture.acs, deadline: summary.usableUntil, idp, spread: index },
      samlOptions,
    );
    await recorded;
    if (outcome.ok) {
      await saveOutcome({
        ...ref,
        status: 'ok',
        profileName: name.name,
        credentials: outcome.credentials,
        assumedRoleArn: outcome.assumedRoleArn,
        durationSeconds: outcome.durationSeconds,
        notice: outcome.notice,
        assumedAt: Date.now(),
        stsHost: outcome.stsHost,
        ...(kept.get(role.roleArn)?.renameTo ? { renameTo: kept.get(role.roleArn)!.renameTo } : {}),
      });
    } else {
      await saveOutcome({ ...ref, status: 'error', error: outcome.error, finishedAt: Date.now(), stsHost: outcome.stsHost });
      return { succeeded: [], failed: 1 };
    }
    // STS required a RoleSessionName to issue the session, so the sign-in has one.
    const sessionName = summary.roleSessionName ?? '';
    const chained = await assumeChainedRoles(
      { ...ref, credentials: outcome.credentials, stsHost: outcome.stsHost, sessionName },
      { settings, rules, skip: direct },
      { ...samlOptions, transport: chainTransport },
    );
    return { succeeded: [role.roleArn, ...chained.succeeded], failed: chained.failed };
  });
  await recorded;
  const succeeded = results.flatMap((r) => r?.succeeded ?? []);
  await rememberGivenNames(Object.fromEntries(roles.filter((r) => succeeded.includes(r.roleArn)).map((r) => [r.roleArn, kept.get(r.roleArn)!.remember])));
  await scheduleExpiry();
  // Auto-save: the result (or why nothing was written) is recorded for the popup like a click on Save.
  if (!automatic && succeeded.length > 0 && (await autoSaveDecision(settings.delivery.autoSaveToHost)).save)
    await saveToCredentialsFile({ roleArns: succeeded });
  return { ok: true, succeeded: succeeded.length, failed: taken.length + results.reduce((n, r) => n + (r?.failed ?? 1), 0) };
}
