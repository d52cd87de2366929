import { describe, expect, it } from 'vitest';
import { parseRoleValue, type SamlRole } from '@/lib/arn';
import type { Capture } from '@/lib/capture';
import { DEFAULT_SETTINGS, defaultSettings, parseSettings, type Settings } from '@/lib/settings';
import {
  knownAccounts,
  knownRoles,
  moveFormat,
  parseAccountIdList,
  previewRows,
  regionError,
  SAMPLE_ROLES,
  withAccountName,
  withPinned,
  withRolePreference,
} from '@/components/options/options-model';

function role(accountId: string, path: string): SamlRole {
  return parseRoleValue(`arn:aws:iam::${accountId}:role/${path},arn:aws:iam::${accountId}:saml-provider/EntraID`)!;
}
const ADMIN = role('111111111111', 'Admin');
const DEV = role('222222222222', 'Developer');
const DEPLOYER = role('111111111111', 'team/platform/Deployer');

function capture(id: string, roles: SamlRole[], roleSessionName?: string): Capture {
  return {
    id,
    capturedAt: 0,
    acs: { partition: 'aws', host: 'signin.aws.amazon.com', url: 'https://signin.aws.amazon.com/saml' },
    summary: { issuer: 'i', usableUntil: 0, roles, skippedRoleValues: 0, warnings: [], ...(roleSessionName ? { roleSessionName } : {}) },
  };
}

const settings = (over: Partial<Settings> = {}): Settings => ({ ...defaultSettings(), ...over });

describe('knownRoles', () => {
  it('lists captured roles once (first sign-in’s session name) and roles only the settings mention, sorted by account then name', () => {
    const saved = 'arn:aws:iam::333333333333:role/Saved';
    const s = settings({
      roles: { [saved]: { duration: 900 } },
      pinnedRoles: [ADMIN.roleArn, 'arn:aws:iam::000000000001:role/Pinned'],
      defaultProfileRole: saved,
    });
    const roles = knownRoles([capture('a', [DEV, ADMIN], 'alice@contoso.com'), capture('b', [ADMIN, DEPLOYER], 'bob@contoso.com')], s);
    expect(roles.map((r) => [r.roleArn, r.captured, r.sessionName])).toEqual([
      ['arn:aws:iam::000000000001:role/Pinned', false, undefined],
      [ADMIN.roleArn, true, 'alice@contoso.com'],
      [DEPLOYER.roleArn, true, 'bob@contoso.com'],
      [DEV.roleArn, true, 'alice@contoso.com'],
      [saved, false, undefined],
    ]);
  });
});

describe('previewRows', () => {
  it('uses example roles (with an example account name) before anything was captured', () => {
    const rows = previewRows([], DEFAULT_SETTINGS, {}, '{account_name}-{role}');
    expect(rows.map((r) => r.role)).toEqual(SAMPLE_ROLES);
    expect(rows.map((r) => r.resolved.name)).toEqual(['example-prod-Admin', 'example-prod-Deployer', '210987654321-ReadOnly']);
  });

  it('shows the captured roles with the draft template, learnt aliases, names and overrides', () => {
    const roles = knownRoles([capture('a', [ADMIN, DEV, DEPLOYER], 'alice@contoso.com')], DEFAULT_SETTINGS);
    const s = settings({ accountNames: { '222222222222': 'Dev Team' }, roles: { [DEPLOYER.roleArn]: { profileName: 'deploy' } } });
    const rows = previewRows(roles, s, { '111111111111': 'contoso-prod', '222222222222': 'contoso-dev' }, '{account_name}_{role}_{session_name}');
    expect(rows.map((r) => [r.role.roleName, r.resolved.name, r.resolved.source])).toEqual([
      ['Admin', 'contoso-prod_Admin_alice_contoso_com', 'template'],
      ['Deployer', 'deploy', 'override'],
      ['Developer', 'Dev_Team_Developer_alice_contoso_com', 'template'],
    ]);
  });

  it('lists only captured roles when there are some, not roles the settings merely mention', () => {
    const s = settings({ pinnedRoles: ['arn:aws:iam::333333333333:role/Old'] });
    const rows = previewRows(knownRoles([capture('a', [ADMIN])], s), s, {}, '{role}');
    expect(rows.map((r) => r.role.roleArn)).toEqual([ADMIN.roleArn]);
  });
});

describe('knownAccounts', () => {
  it('unites accounts with roles, learnt aliases and names', () => {
    const roles = knownRoles([capture('a', [DEV])], DEFAULT_SETTINGS);
    expect(knownAccounts(roles, settings({ accountNames: { '444444444444': 'Sandbox' } }), { '111111111111': 'contoso-prod' })).toEqual([
      { accountId: '111111111111', learntAlias: 'contoso-prod' },
      { accountId: '222222222222' },
      { accountId: '444444444444', name: 'Sandbox' },
    ]);
  });
});

describe('edits', () => {
  it('set and clear an account name (trimmed)', () => {
    const named = withAccountName(DEFAULT_SETTINGS as Settings, '111111111111', '  Prod ');
    expect(named.accountNames).toEqual({ '111111111111': 'Prod' });
    expect(withAccountName(named, '111111111111', ' ').accountNames).toEqual({});
    expect(DEFAULT_SETTINGS.accountNames).toEqual({});
  });

  it('set and clear role preferences; a role left without any is dropped, and the result stays valid', () => {
    let s = withRolePreference(DEFAULT_SETTINGS as Settings, ADMIN.roleArn, 'duration', 'max');
    s = withRolePreference(s, ADMIN.roleArn, 'region', 'eu-west-1');
    expect(s.roles).toEqual({ [ADMIN.roleArn]: { duration: 'max', region: 'eu-west-1' } });
    expect(parseSettings(s).issues).toEqual([]);
    s = withRolePreference(s, ADMIN.roleArn, 'duration', undefined);
    s = withRolePreference(s, ADMIN.roleArn, 'region', undefined);
    expect(s.roles).toEqual({});
  });

  it('pin and unpin keep the pinning order and no duplicates', () => {
    let s = withPinned(DEFAULT_SETTINGS as Settings, ADMIN.roleArn, true);
    s = withPinned(s, DEV.roleArn, true);
    s = withPinned(s, ADMIN.roleArn, true);
    expect(s.pinnedRoles).toEqual([DEV.roleArn, ADMIN.roleArn]);
    expect(withPinned(s, DEV.roleArn, false).pinnedRoles).toEqual([ADMIN.roleArn]);
  });

  it('moves formats up and down, ignoring moves off either end', () => {
    const order = DEFAULT_SETTINGS.delivery.formatOrder;
    expect(moveFormat(order, 1, -1).slice(0, 2)).toEqual([order[1], order[0]]);
    expect(moveFormat(order, 0, -1)).toEqual(order);
    expect(moveFormat(order, order.length - 1, 1)).toEqual(order);
  });

  it('reads typed account id lists', () => {
    expect(parseAccountIdList('111111111111, 222222222222\n111111111111;  ')).toEqual({ ids: ['111111111111', '222222222222'], invalid: [] });
    expect(parseAccountIdList('111111111111 prod 12345')).toEqual({ ids: ['111111111111'], invalid: ['prod', '12345'] });
    expect(parseAccountIdList('')).toEqual({ ids: [], invalid: [] });
  });

  it('says why a region cannot be saved', () => {
    expect(regionError('')).toBeUndefined();
    expect(regionError('us-gov-west-1')).toBeUndefined();
    expect(regionError('Frankfurt')).toBe('"Frankfurt" is not a region name such as eu-west-1.');
  });
});
