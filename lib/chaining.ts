/**
 * Role chaining: roles the SAML sign-in does not offer, reached by sts:AssumeRole with the session of a role it
 * does. Which chained roles follow from the roles just assumed, what each is asked for (profile name, duration,
 * session name), and its failures in plain words naming both roles. Pure.
 */
import { parseRoleArn } from './arn';
import { PARTITION_INFO, type Partition } from './partitions';
import { resolveProfileNames, type NamingRole, type NamingRules } from './profile-template';
import { MAX_CHAINED_DURATION_SECONDS } from './duration';
import type { ChainedRole, Settings } from './settings/schema';
import { classifyStsError, describeStsError, plainError, stsErrorCode, type PlainError } from './sts-errors';

/** What one chained role is asked for, worked out from its settings and its source's session. */
export interface ChainPlan {
  chain: ChainedRole;
  target: NamingRole;
  profileName: string;
  durationSeconds: number;
  sessionName: string;
}

/**
 * The chained roles the extension assumes whose source is among `assumedSources`, in settings order; a target is never
 * its own source. Roles the AWS CLI assumes itself (`assumedBy: 'cli'`) are left to it.
 */
export function chainedRolesFrom(chains: readonly ChainedRole[], assumedSources: Iterable<string>): ChainedRole[] {
  const sources = new Set(assumedSources);
  return chains.filter((c) => sources.has(c.sourceRoleArn) && c.targetRoleArn !== c.sourceRoleArn && c.assumedBy !== 'cli');
}

/** A role and the profile it is saved as. */
export interface NamedRole {
  roleArn: string;
  profileName: string;
}

/**
 * The first chained role whose profile name is a sign-in role's, in plain words naming both (each would replace the
 * other's section); null when the names are distinct. The same role on both sides is no clash.
 */
export function profileNameClash(chained: readonly NamedRole[], signIn: readonly NamedRole[]): string | null {
  const byName = new Map(signIn.map((r) => [r.profileName, r.roleArn] as const));
  for (const c of chained) {
    const other = byName.get(c.profileName);
    if (other !== undefined && other !== c.roleArn) {
      return `The chained role ${roleLabel(c.roleArn)} and the sign-in role ${roleLabel(other)} would both be saved as profile ${c.profileName}. Give one of them another profile name in Options.`;
    }
  }
  return null;
}

/** The duration to ask for: the chained role's own, else one hour; never above AWS's one-hour cap for chains. */
export function chainedDuration(chain: Pick<ChainedRole, 'durationSeconds'>): number {
  return Math.min(chain.durationSeconds ?? MAX_CHAINED_DURATION_SECONDS, MAX_CHAINED_DURATION_SECONDS);
}

/** The RoleSessionName to ask for: the chained role's own, else the source session's (the sign-in's). */
export function chainedSessionName(chain: Pick<ChainedRole, 'sessionName'>, sourceSessionName: string): string {
  return chain.sessionName ?? sourceSessionName;
}

/**
 * Everything to ask STS for one chained role. The profile name is the chained role's own, else the naming rules'
 * (the template, or the target's per-role override) applied to the target role. Null when the target is no role ARN.
 */
export function planChainedRole(chain: ChainedRole, rules: NamingRules, sourceSessionName: string): ChainPlan | null {
  const target = parseRoleArn(chain.targetRoleArn);
  if (!target) return null;
  const sessionName = chainedSessionName(chain, sourceSessionName);
  const overrides = chain.profileName ? { ...rules.overrides, [target.roleArn]: chain.profileName } : rules.overrides;
  const name = resolveProfileNames([target], { ...rules, overrides }, (r) => ({ ...r, sessionName })).get(target.roleArn)!;
  return { chain, target, profileName: name.name, durationSeconds: chainedDuration(chain), sessionName };
}

/**
 * Settings validation: each chained role whose own profile name is a role's own profile name in the settings, in plain
 * words naming both (names from the template are checked when saving, where the sign-in's roles are known).
 */
export function chainedProfileClashes(settings: Pick<Settings, 'chainedRoles' | 'roles'>): { targetRoleArn: string; message: string }[] {
  const named = Object.entries(settings.roles).flatMap(([roleArn, p]) => (p.profileName ? [{ roleArn, profileName: p.profileName }] : []));
  return settings.chainedRoles.flatMap((c) => {
    const message = c.profileName ? profileNameClash([{ roleArn: c.targetRoleArn, profileName: c.profileName }], named) : null;
    return message ? [{ targetRoleArn: c.targetRoleArn, message }] : [];
  });
}

/** The signing region of an STS host (`sts.eu-west-1.amazonaws.com`); the partition's default for the global host. */
export function stsRegionOfHost(host: string, partition: Partition): string {
  const info = PARTITION_INFO[partition];
  const regional = /^sts\.([a-z0-9-]+)\./.exec(host.toLowerCase())?.[1];
  return regional && info.regions.includes(regional) ? regional : info.defaultStsRegion;
}

/** `OrgAuditor in 777777777777`: a role as people name it, short enough for a message. */
export function roleLabel(roleArn: string): string {
  const role = parseRoleArn(roleArn);
  return role ? `${role.roleName} in ${role.accountId}` : 'a role';
}

export interface ChainFailureContext {
  sourceRoleArn: string;
  targetRoleArn: string;
  /** Whether the settings give an external ID for the target. */
  externalId: boolean;
  /** The STS endpoint's host. */
  host: string;
  attempts?: number;
}

/** A chained role's failure in plain words naming both roles, with the next step. */
export function describeChainError(error: unknown, context: ChainFailureContext): PlainError {
  const source = roleLabel(context.sourceRoleArn);
  const target = roleLabel(context.targetRoleArn);
  const code = stsErrorCode(error);
  const message = error && typeof error === 'object' && 'message' in error && typeof error.message === 'string' ? error.message : '';
  if (classifyStsError(error) === 'final') {
    switch (code) {
      case 'AccessDenied':
      case 'AccessDeniedException':
        // STS answers an external ID mismatch with the same AccessDenied as a trust policy that names someone else.
        return context.externalId
          ? plainError(
              code,
              `${source} may not assume ${target}: the target's trust policy does not allow it, or the external ID in Options is not the one it requires.`,
              `Check the external ID for ${target} in Options with your AWS admin, or ask them to allow sts:AssumeRole for ${source} in its trust policy.`,
            )
          : plainError(
              code,
              `${source} may not assume ${target}: the target's trust policy does not allow it (or it requires an external ID, and none is set).`,
              `Ask your AWS admin to allow sts:AssumeRole for ${source} in the trust policy of ${target}, or add the external ID it requires in Options.`,
            );
      case 'ValidationError':
        if (/DurationSeconds|chaining|1 hour/i.test(message)) {
          return plainError(
            code,
            `AWS allows at most one hour for ${target}, reached by chaining from ${source}.`,
            `Set its duration to ${MAX_CHAINED_DURATION_SECONDS} seconds or less in Options, then assume ${source} again.`,
          );
        }
        break;
      case 'ExpiredToken':
      case 'ExpiredTokenException':
        return plainError(code, `The session of ${source} expired before ${target} could be assumed with it.`, `Assume ${source} again; ${target} follows it.`);
      case 'InvalidClientTokenId':
      case 'SignatureDoesNotMatch':
        return plainError(
          code,
          `AWS refused the session of ${source} when assuming ${target}.`,
          `Assume ${source} again; if it keeps failing, report it as a bug in the extension.`,
        );
      default:
        break;
    }
  }
  const plain = describeStsError(error, { host: context.host, attempts: context.attempts });
  return plainError(plain.code, `Assuming ${target} with the session of ${source} failed: ${plain.message}`, plain.action);
}
