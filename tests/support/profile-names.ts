/**
 * The profile name the extension gives a role of the emulated world with default settings: the default template
 * (lib/profile-template.ts, with the role's path when it has one) with the alias the emulated AWS sign-in page shows
 * for its account.
 */
import { parseRoleArn } from '../../lib/arn';
import { defaultProfileName } from '../../lib/profile-template';
import { accountAliases, type WorldRole } from '../emulators/world';

export function profileNameOf(
  role: Pick<WorldRole, 'accountId' | 'roleName'> & Partial<Pick<WorldRole, 'roleArn'>>,
  options: { aliasLearnt?: boolean } = {},
): string {
  const rolePath = role.roleArn ? (parseRoleArn(role.roleArn)?.rolePath ?? '/') : '/';
  // A single-role user never sees AWS's role picker, so no alias is learnt and the account id names the profile.
  return defaultProfileName({ ...role, rolePath }, options.aliasLearnt === false ? undefined : accountAliases[role.accountId]);
}
