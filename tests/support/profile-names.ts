/**
 * The profile name the extension gives a role of the emulated world with default settings: the default template
 * (lib/profile-template.ts) with the alias the emulated AWS sign-in page shows for its account.
 */
import { defaultProfileName } from '../../lib/profile-template';
import { accountAliases, type WorldRole } from '../emulators/world';

export function profileNameOf(role: Pick<WorldRole, 'accountId' | 'roleName'>): string {
  return defaultProfileName(role, accountAliases[role.accountId]);
}
