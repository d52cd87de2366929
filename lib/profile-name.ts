/** Default profile names for assumed roles: stable for a role whatever else the assertion holds. */
import type { SamlRole } from './arn';

/** `<account>-<role>`, reduced to the characters every SDK accepts. */
export function defaultProfileName(role: Pick<SamlRole, 'accountId' | 'roleName'>, accountName?: string): string {
  const raw = `${accountName ?? role.accountId}-${role.roleName}`;
  return raw.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64);
}
