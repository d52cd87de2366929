/**
 * Browser (background): after a role of a sign-in is assumed, assumes the roles chained from it (settings
 * `chainedRoles`) with its session, writing each one's progress and result to storage.session like any role, with
 * `chainedFrom` naming the source.
 */
import { chainedRolesFrom, planChainedRole, stsRegionOfHost } from '../chaining';
import { mapWithConcurrency } from '../concurrency';
import type { AwsCredentials } from '../credentials';
import type { Partition } from '../partitions';
import type { NamingRules } from '../profile-template';
import { saveOutcome } from '../browser/session-store';
import { isAccountAllowed, type Settings } from '../settings';
import { assumeChainedRole, type ChainOptions } from '../sts';
import { armPendingDeadline } from './expiry';

/** Chained roles assumed at once from one source. */
const CHAIN_CONCURRENCY = 5;

export interface ChainSource {
  roleArn: string;
  captureId: string;
  partition: Partition;
  credentials: AwsCredentials;
  /** The STS host the source was assumed at: its chained roles are assumed there too. */
  stsHost: string;
  /** The source session's RoleSessionName (the sign-in's). */
  sessionName: string;
}

/**
 * Assumes every role chained from `source`, except `skip` (roles assumed directly in the same run). Returns the
 * target ARNs that succeeded and how many failed.
 */
export async function assumeChainedRoles(
  source: ChainSource,
  context: { settings: Readonly<Settings>; rules: NamingRules; skip: ReadonlySet<string> },
  sts: ChainOptions = {},
): Promise<{ succeeded: string[]; failed: number }> {
  const chains = chainedRolesFrom(context.settings.chainedRoles, [source.roleArn]).filter((c) => !context.skip.has(c.targetRoleArn));
  const results = await mapWithConcurrency(chains, CHAIN_CONCURRENCY, async (chain) => {
    const plan = planChainedRole(chain, context.rules, source.sessionName);
    if (!plan) return undefined;
    const { target } = plan;
    const ref = {
      roleArn: target.roleArn,
      captureId: source.captureId,
      accountId: target.accountId,
      roleName: target.roleName,
      partition: target.partition,
      chainedFrom: source.roleArn,
    };
    if (!isAccountAllowed(context.settings, target.accountId)) {
      await saveOutcome({
        ...ref,
        status: 'error',
        error: {
          code: 'AccountNotAllowed',
          message: `${target.roleName} is in account ${target.accountId}, outside the allowed accounts.`,
          action: 'Ask your admin to allow the account, or remove this chained role in the options.',
        },
        finishedAt: Date.now(),
        stsHost: source.stsHost,
      });
      return undefined;
    }
    const startedAt = Date.now();
    await saveOutcome({ ...ref, status: 'pending', startedAt });
    await armPendingDeadline(startedAt);
    const outcome = await assumeChainedRole(
      {
        roleArn: target.roleArn,
        sourceRoleArn: source.roleArn,
        source: source.credentials,
        stsHost: source.stsHost,
        region: stsRegionOfHost(source.stsHost, source.partition),
        durationSeconds: plan.durationSeconds,
        roleSessionName: plan.sessionName,
        ...(chain.externalId === undefined ? {} : { externalId: chain.externalId }),
      },
      sts,
    );
    if (!outcome.ok) {
      await saveOutcome({ ...ref, status: 'error', error: outcome.error, finishedAt: Date.now(), stsHost: outcome.stsHost });
      return undefined;
    }
    await saveOutcome({
      ...ref,
      status: 'ok',
      profileName: plan.profileName,
      credentials: outcome.credentials,
      assumedRoleArn: outcome.assumedRoleArn,
      durationSeconds: outcome.durationSeconds,
      assumedAt: Date.now(),
      stsHost: outcome.stsHost,
    });
    return target.roleArn;
  });
  const succeeded = results.filter((arn): arn is string => arn !== undefined);
  return { succeeded, failed: results.length - succeeded.length };
}
