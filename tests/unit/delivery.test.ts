import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { parseRoleValue, type SamlRole } from '../../lib/arn';
import type { RoleOutcome } from '../../lib/capture';
import { parseCredentialsFile } from '../../lib/credentials-file';
import type { HostRequest } from '../../lib/host-protocol';
import { DEFAULT_SETTINGS, type Settings } from '../../lib/settings';
import { groupByAccount } from '../../components/view-model';
import { EXTENSION_OLDER, HELPER_OLDER } from '../../lib/helper-version';
import { allCredentialsFile, credentialsFileText } from '../../lib/delivery-file';
import {
  clockTime,
  deliveryOptions,
  hostStatusOf,
  liveOkOutcomes,
  makePrivateFailure,
  planDelivery,
  savedFor,
  savedRecords,
  savedText,
  type OkOutcome,
  type SavedProfile,
} from '../../lib/delivery';
import type { NativeHostFailure } from '../../lib/native-port';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));
const { saveToCredentialsFile } = await import('../../lib/background/credentials-host');
const { saveOutcome } = await import('../../lib/browser/session-store');
const { saveLocalSettings } = await import('../../lib/browser/settings-store');

const NOW = Date.parse('2026-11-22T10:00:00Z');
const LATER = new Date(NOW + 3_600_000).toISOString();

function ok(account: string, name: string, extra: Partial<OkOutcome> = {}): OkOutcome {
  return {
    roleArn: `arn:aws:iam::${account}:role/${name}`,
    captureId: 'c1',
    accountId: account,
    roleName: name,
    partition: 'aws',
    status: 'ok',
    profileName: `${account}-${name}`,
    credentials: { accessKeyId: `ASIA${account}`, secretAccessKey: `secret/${name}+`, sessionToken: `token-${name}==`, expiration: LATER },
    durationSeconds: 3600,
    assumedAt: NOW - 1000,
    stsHost: 'sts.amazonaws.com',
    ...extra,
  };
}

describe('liveOkOutcomes', () => {
  const outcomes: Record<string, RoleOutcome> = {
    a: ok('222222222222', 'ReadOnly'),
    b: ok('111111111111', 'Admin'),
    c: ok('333333333333', 'Expired', { credentials: { ...ok('3', 'x').credentials, expiration: new Date(NOW).toISOString() } }),
    d: {
      roleArn: 'arn:aws:iam::444444444444:role/P',
      captureId: 'c1',
      accountId: '444444444444',
      roleName: 'P',
      partition: 'aws',
      status: 'pending',
      startedAt: NOW,
    },
  };
  it('keeps sessions whose credentials are still valid, ordered by profile name', () => {
    expect(liveOkOutcomes(outcomes, NOW).map((o) => o.profileName)).toEqual(['111111111111-Admin', '222222222222-ReadOnly']);
  });
  it('keeps only the asked roles', () => {
    expect(liveOkOutcomes(outcomes, NOW, ['arn:aws:iam::222222222222:role/ReadOnly', 'arn:aws:iam::333333333333:role/Expired']).map((o) => o.roleName)).toEqual(
      ['ReadOnly'],
    );
  });
});

describe('planDelivery', () => {
  it('turns sessions into profiles with their region', () => {
    const plan = planDelivery([ok('111111111111', 'Admin'), ok('222222222222', 'Dev')], { regionFor: (s) => (s.roleName === 'Dev' ? 'eu-west-1' : undefined) });
    expect(plan.ok && plan.profiles.map((p) => [p.name, p.region, p.roleArn])).toEqual([
      ['111111111111-Admin', undefined, 'arn:aws:iam::111111111111:role/Admin'],
      ['222222222222-Dev', 'eu-west-1', 'arn:aws:iam::222222222222:role/Dev'],
    ]);
  });
  it('refuses nothing to save', () => {
    expect(planDelivery([])).toEqual({ ok: false, message: expect.stringContaining('no live sessions') });
  });
  it('refuses two roles landing in one profile, naming both', () => {
    const plan = planDelivery([ok('111111111111', 'Admin'), ok('999999999999', 'Admin', { profileName: '111111111111-Admin' })]);
    expect(plan).toEqual({
      ok: false,
      message: expect.stringMatching(/Admin \(111111111111\) and Admin \(999999999999\) would both be saved as profile 111111111111-Admin/),
    });
  });
});

describe('the [default] copy', () => {
  it('adds the chosen role once more as [default], and marks its record', () => {
    const plan = planDelivery([ok('111111111111', 'Admin'), ok('222222222222', 'Dev')], { defaultRoleArn: 'arn:aws:iam::222222222222:role/Dev' });
    if (!plan.ok) throw new Error(plan.message);
    expect(plan.profiles.map((p) => p.name)).toEqual(['111111111111-Admin', '222222222222-Dev', 'default']);
    expect(plan.profiles[2]!.credentials).toBe(plan.profiles[1]!.credentials);
    const records = savedRecords(plan.profiles, '/f', NOW);
    expect(records.map((r) => [r.profileName, r.alsoDefault ?? false])).toEqual([
      ['111111111111-Admin', false],
      ['222222222222-Dev', true],
    ]);
    expect(savedText(records[1]!, 'en-GB', 'UTC')).toBe('Saved as 222222222222-Dev and default, expires 11:00');
  });
  it('writes no [default] when the chosen role is not among the sessions', () => {
    const plan = planDelivery([ok('111111111111', 'Admin')], { defaultRoleArn: 'arn:aws:iam::999999999999:role/X' });
    expect(plan.ok && plan.profiles.map((p) => p.name)).toEqual(['111111111111-Admin']);
  });
});

describe('credentialsFileText', () => {
  it('is the credentials-file writer on an empty file: readable, one section per profile, no secrets lost', () => {
    const plan = planDelivery([ok('111111111111', 'Admin'), ok('222222222222', 'Dev')], { regionFor: () => 'us-east-1' });
    if (!plan.ok) throw new Error(plan.message);
    const text = credentialsFileText(plan.profiles);
    const parsed = parseCredentialsFile(text);
    if (!parsed.ok) throw new Error('unreadable');
    expect([...parsed.sections.keys()]).toEqual(['111111111111-Admin', '222222222222-Dev']);
    const dev = parsed.sections.get('222222222222-Dev')!;
    expect(dev.get('aws_secret_access_key')).toBe('secret/Dev+');
    expect(dev.get('aws_session_token')).toBe('token-Dev==');
    expect(dev.get('aws_security_token')).toBe('token-Dev==');
    expect(dev.get('x_security_token_expires')).toBe('2026-11-22T11:00:00+00:00');
    expect(dev.get('region')).toBe('us-east-1');
    // Only profile fields reach the file: the role ARN and timestamps of the plan do not.
    expect(text).not.toContain('arn:aws');
  });
});

describe('allCredentialsFile (Download and Copy all)', () => {
  it('separates profiles by a blank line and ends with a newline', () => {
    const file = allCredentialsFile([ok('222222222222', 'ReadOnly'), ok('111111111111', 'Admin')]);
    if (!file.ok) throw new Error(file.message);
    expect(file.text.match(/^\[.+\]$/gm)).toEqual(['[111111111111-Admin]', '[222222222222-ReadOnly]']);
    expect(file.text).toContain('\n\n[222222222222-ReadOnly]\n');
    expect(file.text.endsWith('\n')).toBe(true);
    expect(file.text).not.toContain('\n\n\n');
  });

  it('refuses two sessions that would share one profile, naming both roles', () => {
    const file = allCredentialsFile([ok('111111111111', 'Admin'), ok('222222222222', 'ReadOnly', { profileName: '111111111111-Admin' })]);
    expect(file).toEqual({
      ok: false,
      message: expect.stringContaining('Admin (111111111111) and ReadOnly (222222222222) would both be saved as profile 111111111111-Admin'),
    });
  });
});

describe('one order of sections: the Download and what Save sends the host', () => {
  /** A role as the SAML assertion names it (Entra-shaped provider ARN). */
  function samlRole(arn: string): SamlRole {
    const parsed = parseRoleValue(`${arn},${arn.replace(/:role\/.*$/, ':saml-provider/EntraID')}`);
    if (!parsed) throw new Error(`bad fixture ${arn}`);
    return parsed;
  }
  const expires = () => new Date(Date.now() + 3_600_000).toISOString();
  const session = (r: SamlRole, profileName: string, key: string): OkOutcome => ({
    roleArn: r.roleArn,
    captureId: 'c1',
    accountId: r.accountId,
    roleName: r.roleName,
    partition: r.partition,
    status: 'ok',
    profileName,
    credentials: { accessKeyId: `ASIA${key}`, secretAccessKey: `secret/${key}+`, sessionToken: `token-${key}==`, expiration: expires() },
    durationSeconds: 3600,
    assumedAt: Date.now() - 1000,
    stsHost: r.partition === 'aws' ? 'sts.amazonaws.com' : 'sts.us-gov-west-1.amazonaws.com',
  });
  const sandboxAdmin = samlRole('arn:aws:iam::333333333333:role/Admin');
  const prodAdmin = samlRole('arn:aws:iam::111111111111:role/Admin');
  const prodReadOnly = samlRole('arn:aws:iam::111111111111:role/ReadOnly');
  const devDeploy = samlRole('arn:aws:iam::222222222222:role/ci/Deploy');
  const govAudit = samlRole('arn:aws-us-gov:iam::444444444444:role/Auditor');
  const sessions = [
    session(sandboxAdmin, 'sandbox-admin', 'SANDBOXADMIN0001'),
    session(prodAdmin, 'prod-admin', 'PRODADMIN0000001'),
    session(prodReadOnly, 'prod-readonly', 'PRODREADONLY0001'),
    session(devDeploy, 'dev-deploy', 'DEVDEPLOY0000001'),
    session(govAudit, 'gov-audit', 'GOVAUDIT00000001'),
  ];
  // Pinned roles and account names put the popup's list in another order than the profile names.
  const settings: Settings = {
    ...structuredClone(DEFAULT_SETTINGS),
    accountNames: { '333333333333': 'Alpha sandbox', '111111111111': 'Production' },
    pinnedRoles: [sandboxAdmin.roleArn, prodReadOnly.roleArn],
    defaultProfileRole: prodReadOnly.roleArn,
    defaultRegion: 'eu-west-1',
    roles: { [govAudit.roleArn]: { region: 'us-gov-west-1' } },
  };

  let requests: HostRequest[];
  beforeEach(async () => {
    fakeBrowser.reset();
    requests = [];
    const listeners: ((m: unknown) => void)[] = [];
    const port = {
      postMessage(m: HostRequest) {
        requests.push(m);
        const written = m.type === 'write-profiles' ? m.profiles.map((p) => p.name) : [];
        const reply = { v: 1, id: m.id, ok: true, type: m.type, credentialsFile: '/home/u/.aws/credentials', written, changed: true, backupFile: null };
        queueMicrotask(() => listeners.forEach((l) => l(reply)));
      },
      disconnect: () => undefined,
      onMessage: { addListener: (l: (m: unknown) => void) => void listeners.push(l) },
      onDisconnect: { addListener: () => undefined },
    };
    fakeBrowser.runtime.connectNative = (() => port) as unknown as typeof fakeBrowser.runtime.connectNative;
    await saveLocalSettings(settings);
    for (const s of sessions) await saveOutcome(s);
  });

  it('lists the same sections, with the same keys and regions, in the same order: by profile name, [default] last', async () => {
    // Sessions in the order the popup lists their roles (pinned first, named accounts by name).
    const groups = groupByAccount('c1', [sandboxAdmin, prodAdmin, prodReadOnly, devDeploy, govAudit], {
      accountNames: settings.accountNames,
      pinned: new Set(settings.pinnedRoles),
    });
    const shown = groups.flatMap((g) => g.rows).map((row) => sessions.find((s) => s.roleArn === row.role.roleArn)!);
    expect(shown.map((s) => s.profileName)).toEqual(['sandbox-admin', 'prod-readonly', 'prod-admin', 'dev-deploy', 'gov-audit']);
    const file = allCredentialsFile(shown, deliveryOptions(settings));
    if (!file.ok) throw new Error(file.message);
    const parsed = parseCredentialsFile(file.text);
    if (!parsed.ok) throw new Error('the download does not parse');

    const saved = await saveToCredentialsFile({});
    expect(saved).toMatchObject({ ok: true, saved: 6 });
    const write = requests.find((r) => r.type === 'write-profiles');
    if (write?.type !== 'write-profiles') throw new Error('nothing was sent to the host');

    const expected = ['dev-deploy', 'gov-audit', 'prod-admin', 'prod-readonly', 'sandbox-admin', 'default'];
    expect(write.profiles.map((p) => p.name)).toEqual(expected);
    expect([...parsed.sections.keys()]).toEqual(expected);
    for (const p of write.profiles) {
      const section = parsed.sections.get(p.name)!;
      expect([section.get('aws_access_key_id'), section.get('region')]).toEqual([p.credentials.accessKeyId, p.region]);
    }
    expect(parsed.sections.get('default')?.get('aws_access_key_id')).toBe('ASIAPRODREADONLY0001');
  });
});

describe('savedFor / savedText', () => {
  const session = ok('111111111111', 'Admin');
  const record: SavedProfile = {
    roleArn: session.roleArn,
    profileName: session.profileName,
    assumedAt: session.assumedAt,
    expiration: LATER,
    savedAt: NOW,
    file: '/home/u/.aws/credentials',
  };
  it('matches the record of exactly this session', () => {
    expect(savedFor({ [session.roleArn]: record }, session)).toBe(record);
  });
  it('ignores a record of an earlier session of the same role, or under another name', () => {
    expect(savedFor({ [session.roleArn]: record }, { ...session, assumedAt: NOW + 5 })).toBeUndefined();
    expect(savedFor({ [session.roleArn]: record }, { ...session, profileName: 'other' })).toBeUndefined();
    expect(savedFor({}, session)).toBeUndefined();
  });
  it('says where and until when', () => {
    expect(savedText(record, 'en-GB', 'UTC')).toBe('Saved as 111111111111-Admin, expires 11:00');
    expect(savedText(record, 'en-GB', 'Europe/Berlin')).toBe('Saved as 111111111111-Admin, expires 12:00');
    expect(clockTime('not a time')).toBe('unknown');
  });
});

describe('hostStatusOf (the popup’s helper line from a ping)', () => {
  const ping = (mode: string | null, platform = 'linux', protocol = 1) => ({
    hostVersion: '0.1.0',
    protocol: protocol as 1,
    platform,
    credentialsFile: { path: '/home/u/.aws/credentials', exists: mode !== null, mode, target: null },
  });

  it.each<[string | null, string, boolean]>([
    ['0600', 'linux', false],
    ['0644', 'linux', true],
    ['0640', 'darwin', true],
    ['0666', 'win32', false],
    [null, 'linux', false],
  ])('mode %s on %s: offers "Make it private" → %s', (mode, platform, open) => {
    expect(hostStatusOf(ping(mode, platform))).toEqual({
      state: 'ready',
      hostVersion: '0.1.0',
      credentialsFile: '/home/u/.aws/credentials',
      fileExists: mode !== null,
      fileMode: mode,
      fileOpenToOthers: open,
    });
  });

  it.each<[string, number, string, object]>([
    ['an older protocol: the helper cannot be used', 0, '0.1.0', { state: 'error', message: HELPER_OLDER, outdated: 'helper' }],
    ['a newer protocol: the extension cannot use it', 2, '0.1.0', { state: 'error', message: EXTENSION_OLDER, outdated: 'extension' }],
    ['an older release, same protocol: works, says so', 1, '0.2.0', { state: 'ready', outdated: 'helper', versionNote: HELPER_OLDER }],
    ['a newer release, same protocol: works, says so', 1, '0.0.9', { state: 'ready', outdated: 'extension', versionNote: EXTENSION_OLDER }],
  ])('%s', (_title, protocol, extensionVersion, expected) => {
    const status = hostStatusOf(ping('0600', 'linux', protocol), extensionVersion);
    expect(status).toMatchObject(expected);
    if (status.state === 'ready') expect(status.hostVersion).toBe('0.1.0');
  });

  it('the same release says nothing about versions; a helper run from source ("dev") is never called older', () => {
    expect(hostStatusOf(ping('0600'), '0.1.0')).not.toHaveProperty('versionNote');
    expect(hostStatusOf({ ...ping('0600'), hostVersion: 'dev' }, '0.1.0')).not.toHaveProperty('versionNote');
  });
});

describe('makePrivateFailure', () => {
  const FILE = '/home/u/.aws/credentials';
  it.each<[NativeHostFailure, string]>([
    [
      { code: 'UNKNOWN_TYPE', message: 'unknown request type "make-file-private"; this host knows ping' },
      `This version of the credentials helper cannot change the file's permissions. Update it with: node aws-saml-bridge.mjs install-host, or run: chmod 600 ${FILE}`,
    ],
    [
      { code: 'FILE_ERROR', message: 'not read', data: { path: FILE, operation: 'chmod', errno: 'EPERM' } },
      `Could not make ${FILE} private (permission denied). Run: chmod 600 ${FILE}`,
    ],
    [
      { code: 'FILE_ERROR', message: 'not read', data: { path: FILE, operation: 'chmod', errno: 'EIO' } },
      `Could not make ${FILE} private (the file system refused: EIO). Run: chmod 600 ${FILE}`,
    ],
    [
      { code: 'FILE_ERROR', message: `could not change the permissions of ${FILE}: EPERM (permission denied)` },
      `Could not make ${FILE} private (the credentials helper answered FILE_ERROR: “could not change the permissions of ${FILE}: EPERM (permission denied)”). Run: chmod 600 ${FILE}`,
    ],
    [
      { code: 'LOCKED', message: 'not read', data: { path: FILE, lock: `${FILE}.lock`, reason: 'held' } },
      `Could not make ${FILE} private (another program is writing it). Run: chmod 600 ${FILE}`,
    ],
    [
      { code: 'TIMEOUT', message: 'The credentials helper did not answer within 10 s. Run "node aws-saml-bridge.mjs doctor" to check it.' },
      `Could not make ${FILE} private (the credentials helper did not answer in time). Run: chmod 600 ${FILE}`,
    ],
  ])('%j', (failure, text) => {
    expect(makePrivateFailure(failure, FILE)).toBe(text);
  });
});
