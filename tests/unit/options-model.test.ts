import { describe, expect, it } from 'vitest';
import { parseRoleValue, type SamlRole } from '@/lib/arn';
import type { Capture } from '@/lib/capture';
import {
  checkAccountId,
  checkAccountName,
  checkProfileName,
  checkRegion,
  checkReminderMinutes,
  checkRoleArn,
  checkTrustedHost,
  DEFAULT_SETTINGS,
  defaultSettings,
  type Settings,
} from '@/lib/settings';
import { fieldError, knownAccounts, knownRoles, parseAccountIdList, previewRows, SAMPLE_ROLES, typedNumber } from '@/components/options/options-model';

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
    expect(rows.map((r) => r.resolved.name)).toEqual(['example-prod-Admin', 'example-prod-team_platform-Deployer', '210987654321-ReadOnly']);
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

describe('typed values', () => {
  it('reads typed account id lists', () => {
    expect(parseAccountIdList('111111111111, 222222222222\n111111111111;  ')).toEqual({ ids: ['111111111111', '222222222222'], invalid: [] });
    expect(parseAccountIdList('111111111111 prod 12345')).toEqual({ ids: ['111111111111'], invalid: ['prod', '12345'] });
    expect(parseAccountIdList('')).toEqual({ ids: [], invalid: [] });
  });

  it.each<[string, string | number]>([
    ['30', 30],
    [' 30 ', 30],
    ['1.5', 1.5],
    ['', ''],
    ['  ', '  '],
    ['soon', 'soon'],
  ])('a number field reads %j as %j', (text, value) => {
    expect(typedNumber(text)).toBe(value);
  });

  // The page shows each settings rule's own words as a sentence: the same words an imported file's issue uses.
  it.each<[string, ReturnType<typeof fieldError>, string | undefined]>([
    ['region', fieldError(checkRegion('Frankfurt')), '"Frankfurt" is not an AWS region name such as eu-west-1.'],
    ['empty region (none)', fieldError(checkRegion('')), undefined],
    ['account id', fieldError(checkAccountId('1234')), '"1234" is not a 12-digit account id.'],
    ['account id with spaces around', fieldError(checkAccountId(' 111111111111 ')), undefined],
    ['account name', fieldError(checkAccountName('x'.repeat(65))), 'The name is longer than 64 characters.'],
    ['profile name', fieldError(checkProfileName('my admin')), '"my admin" is not a profile name: use 1–64 letters, digits, "-" and "_".'],
    ['reserved profile name', fieldError(checkProfileName('default')), '"default" is kept for the “also save as [default]” option.'],
    ['role ARN', fieldError(checkRoleArn('Admin')), '"Admin" is not an IAM role ARN such as arn:aws:iam::123456789012:role/Name.'],
    ['reminder minutes', fieldError(checkReminderMinutes(typedNumber('500'))), 'Must be a whole number of minutes from 1 to 120, not 500.'],
    ['empty reminder minutes', fieldError(checkReminderMinutes(typedNumber(''))), 'Must be a whole number of minutes from 1 to 120, not "".'],
    ['reminder minutes in range', fieldError(checkReminderMinutes(typedNumber('15'))), undefined],
    [
      'trusted host',
      fieldError(checkTrustedHost('adfs.contoso.com:8443')),
      '"adfs.contoso.com:8443" is not a host name: use letters, digits, dots and hyphens, optionally starting with *. (no port or path).',
    ],
  ])('says why a typed %s cannot be saved', (_, error, expected) => {
    expect(error).toBe(expected);
  });
});
