// The changes the popup and the options page make to the user's settings: each returns new settings that stay
// valid, and never changes the settings it was given.
import { describe, expect, it } from 'vitest';
import {
  withChainedRole,
  DEFAULT_SETTINGS,
  moveFormat,
  parseSettings,
  withAccountName,
  withDelivery,
  withFormatMoved,
  withPinned,
  withReminders,
  withRolePreference,
  withSetting,
  withTrustedHost,
  type Settings,
} from '@/lib/settings';
import { ADMIN, AUDITOR, custom, DEPLOYER, GOV } from '../support/settings-sample';

const defaults = () => structuredClone(DEFAULT_SETTINGS) as Settings;

describe('edits', () => {
  it('set one top-level setting and keep the others', () => {
    expect(withSetting(custom(), 'defaultRegion', '')).toEqual({ ...custom(), defaultRegion: '' });
    expect(withSetting(custom(), 'defaultProfileRole', null)).toEqual({ ...custom(), defaultProfileRole: null });
    expect(withSetting(custom(), 'allowedAccounts', [])).toEqual({ ...custom(), allowedAccounts: [] });
  });

  it('set and clear an account name (trimmed)', () => {
    const named = withAccountName(defaults(), '111111111111', '  Prod ');
    expect(named.accountNames).toEqual({ '111111111111': 'Prod' });
    expect(withAccountName(named, '111111111111', ' ').accountNames).toEqual({});
    expect(DEFAULT_SETTINGS.accountNames).toEqual({});
  });

  it('set and clear role preferences; a role left without any is dropped, and the result stays valid', () => {
    let s = withRolePreference(defaults(), ADMIN, 'duration', 'max');
    s = withRolePreference(s, ADMIN, 'region', 'eu-west-1');
    expect(s.roles).toEqual({ [ADMIN]: { duration: 'max', region: 'eu-west-1' } });
    expect(parseSettings(s).issues).toEqual([]);
    s = withRolePreference(s, ADMIN, 'duration', undefined);
    s = withRolePreference(s, ADMIN, 'region', undefined);
    expect(s.roles).toEqual({});
  });

  it('pin and unpin keep the pinning order and no duplicates', () => {
    let s = withPinned(defaults(), ADMIN, true);
    s = withPinned(s, GOV, true);
    s = withPinned(s, ADMIN, true);
    expect(s.pinnedRoles).toEqual([GOV, ADMIN]);
    expect(withPinned(s, GOV, false).pinnedRoles).toEqual([ADMIN]);
  });

  it('moves formats up and down, ignoring moves off either end', () => {
    const order = DEFAULT_SETTINGS.delivery.formatOrder;
    expect(moveFormat(order, 1, -1).slice(0, 2)).toEqual([order[1], order[0]]);
    expect(moveFormat(order, 0, -1)).toEqual(order);
    expect(moveFormat(order, order.length - 1, 1)).toEqual(order);
  });

  it('moves a format by its id within the delivery settings, keeping automatic saving', () => {
    const s = custom();
    const [first, second] = s.delivery.formatOrder;
    const moved = withFormatMoved(s, second!, -1);
    expect(moved.delivery).toEqual({
      autoSaveToHost: true,
      credentialProcess: true,
      formatOrder: [second, first, ...s.delivery.formatOrder.slice(2)],
      removeExpiredAfterDays: 30,
    });
    expect(withFormatMoved(s, first!, -1).delivery.formatOrder).toEqual(s.delivery.formatOrder);
    expect(s).toEqual(custom());
  });

  it('change one delivery or reminder setting and keep its siblings', () => {
    expect(withDelivery(custom(), { autoSaveToHost: false }).delivery).toEqual({ ...custom().delivery, autoSaveToHost: false });
    expect(withReminders(custom(), { enabled: true }).reminders).toEqual({ enabled: true, minutesBefore: 30 });
    expect(withReminders(custom(), { minutesBefore: 5 }).reminders).toEqual({ enabled: false, minutesBefore: 5 });
  });

  it('trust a sign-in host once, at the end, and stop trusting it', () => {
    let s = withTrustedHost(custom(), 'fs.fabrikam.com', true);
    expect(s.trustedSignInHosts).toEqual(['adfs.contoso.com', '*.sso.contoso.com', 'fs.fabrikam.com']);
    s = withTrustedHost(s, 'adfs.contoso.com', true);
    expect(s.trustedSignInHosts).toEqual(['adfs.contoso.com', '*.sso.contoso.com', 'fs.fabrikam.com']);
    s = withTrustedHost(s, 'adfs.contoso.com', false);
    expect(s.trustedSignInHosts).toEqual(['*.sso.contoso.com', 'fs.fabrikam.com']);
    expect(parseSettings(s).issues).toEqual([]);
  });

  it('add a chained role at the end, replace one for the same target in place, remove it', () => {
    const gov = { targetRoleArn: 'arn:aws-us-gov:iam::333333333333:role/GovAuditor', sourceRoleArn: GOV };
    let s = withChainedRole(custom(), gov.targetRoleArn, gov);
    expect(s.chainedRoles).toEqual([...custom().chainedRoles, gov]);
    s = withChainedRole(s, AUDITOR, { targetRoleArn: AUDITOR, sourceRoleArn: DEPLOYER });
    expect(s.chainedRoles).toEqual([{ targetRoleArn: AUDITOR, sourceRoleArn: DEPLOYER }, gov]);
    s = withChainedRole(s, AUDITOR, null);
    expect(s.chainedRoles).toEqual([gov]);
    expect(parseSettings(s).issues).toEqual([]);
  });

  it('never change the settings they are given', () => {
    const s = custom();
    withSetting(s, 'defaultDuration', 900);
    withAccountName(s, '111111111111', 'Other');
    withRolePreference(s, ADMIN, 'region', undefined);
    withPinned(s, DEPLOYER, false);
    withDelivery(s, { autoSaveToHost: false });
    withReminders(s, { enabled: true });
    withTrustedHost(s, 'adfs.contoso.com', false);
    withTrustedHost(s, 'fs.fabrikam.com', true);
    expect(s).toEqual(custom());
  });
});
