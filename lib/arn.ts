/** Parsing of the IAM ARNs found in the SAML Role attribute. Facts: docs/saml-and-entra.md#the-role-attribute. */
import type { Partition } from './partitions';

/** A role the assertion lets the user assume: one `role-arn,provider-arn` pair. */
export interface SamlRole {
  roleArn: string;
  providerArn: string;
  partition: Partition;
  accountId: string;
  /** The role's name, without its path. */
  roleName: string;
  /** IAM path, `/` when none (e.g. `/team/platform/`). */
  rolePath: string;
}

const ROLE_ARN = /^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}):role(\/(?:[\x21-\x7e]+\/)?)([\w+=,.@-]{1,64})$/;
const PROVIDER_ARN = /^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}):saml-provider\/([\w.-]{1,128})$/;

export function isProviderArn(value: string): boolean {
  return PROVIDER_ARN.test(value);
}

/** A role ARN's parts without its provider (settings refer to roles by ARN alone), or null when it is not one. */
export function parseRoleArn(value: string): Omit<SamlRole, 'providerArn'> | null {
  const role = ROLE_ARN.exec(value);
  if (!role) return null;
  const [, partition, accountId, rolePath, roleName] = role as unknown as [string, Partition, string, string, string];
  return { roleArn: value, partition, accountId, roleName, rolePath };
}

/**
 * Parses one Role attribute value — `role,provider` or `provider,role`, with any surrounding whitespace and
 * at most one trailing comma — into a SamlRole. Returns null when it is not exactly one role ARN and one
 * provider ARN of the same partition and account.
 */
export function parseRoleValue(value: string): SamlRole | null {
  const parts = value.split(',').map((p) => p.trim());
  // Some IdP setups send `role,provider,` and AWS accepts it (github.com/cevoaustralia/aws-google-auth/issues/12).
  if (parts.length === 3 && parts[2] === '') parts.pop();
  if (parts.length !== 2) return null;
  const [a, b] = parts as [string, string];
  const [roleArn, providerArn] = PROVIDER_ARN.test(a) ? [b, a] : [a, b];
  const role = ROLE_ARN.exec(roleArn);
  const provider = PROVIDER_ARN.exec(providerArn);
  if (!role || !provider) return null;
  const [, partition, accountId, rolePath, roleName] = role as unknown as [string, Partition, string, string, string];
  if (provider[1] !== partition || provider[2] !== accountId) return null;
  return { roleArn, providerArn, partition, accountId, roleName, rolePath };
}
