/** Settings for the settings tests: realistic role ARNs and a full, non-default version 2 object. */
import { EXPORT_FORMATS } from '../../lib/export-format-ids';
import type { Settings } from '../../lib/settings';

export const ADMIN = 'arn:aws:iam::111111111111:role/Admin';
export const DEPLOYER = 'arn:aws:iam::111111111111:role/team/platform/Deployer';
export const GOV = 'arn:aws-us-gov:iam::333333333333:role/GovAdmin';
/** A role the sign-in does not offer, reached from ADMIN by chaining. */
export const AUDITOR = 'arn:aws:iam::777777777777:role/OrgAuditor';
export const ALL_FORMATS = EXPORT_FORMATS.map((f) => f.id);

/** A full, non-default v2 settings object (a fresh copy each call). */
export function custom(): Settings {
  return {
    version: 2,
    accountNames: { '111111111111': 'Production', '222222222222': 'Développement' },
    allowedAccounts: ['111111111111', '222222222222'],
    profileTemplate: '{account_name}_{role_path}_{role}',
    roles: { [ADMIN]: { profileName: 'prod-admin', duration: 'max', region: 'eu-west-1' }, [GOV]: { duration: 900 } },
    defaultDuration: 7200,
    defaultRegion: 'us-east-2',
    defaultProfileRole: ADMIN,
    delivery: {
      autoSaveToHost: true,
      formatOrder: ['fish', 'process', 'env', 'env-no-export', 'powershell', 'windows-cmd', 'credentials-file'],
      credentialProcess: true,
      removeExpiredAfterDays: 30,
    },
    pinnedRoles: [DEPLOYER, ADMIN],
    reminders: { enabled: false, minutesBefore: 30 },
    trustedSignInHosts: ['adfs.contoso.com', '*.sso.contoso.com'],
    chainedRoles: [{ targetRoleArn: AUDITOR, sourceRoleArn: ADMIN, externalId: 'contoso-audit-7', durationSeconds: 1800, sessionName: 'alice.audit' }],
    renewal: { keepFresh: false, idleLimitHours: 8, backgroundTab: false },
    zeroClick: { autoAssume: false },
  };
}
