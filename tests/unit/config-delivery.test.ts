/**
 * Per-profile delivery (keys in the credentials file, credential_process in the config file, or both) and chained
 * roles the AWS CLI assumes itself: the settings, the pure plan (lib/delivery.ts, lib/chaining.ts) and what Save sends
 * to the host (lib/background/credentials-host.ts through a fake native port).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { chainedProfileClashes, chainedRolesFrom, profileNameClash } from '../../lib/chaining';
import { deliveryModeFor, planCliChains, planSave, type ProfileToDeliver } from '../../lib/delivery';
import type { HostRequest } from '../../lib/host-protocol';
import { DEFAULT_SETTINGS, parseManagedSettings, parseSettings, type Settings } from '../../lib/settings';
import type { OkOutcome } from '../../lib/delivery';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));
const { saveToCredentialsFile, setUpCredentialProcess } = await import('../../lib/background/credentials-host');
const { saveOutcome } = await import('../../lib/browser/session-store');
const { readSettings, saveLocalSettings } = await import('../../lib/browser/settings-store');

const ADMIN = 'arn:aws:iam::111111111111:role/Admin';
const READ = 'arn:aws:iam::222222222222:role/ReadOnly';
const GOV = 'arn:aws-us-gov:iam::333333333333:role/Audit';
const AUDITOR = 'arn:aws:iam::777777777777:role/OrgAuditor';
const EXPIRES = new Date(Date.now() + 3_600_000).toISOString();

const profile = (roleArn: string, name: string, region?: string): ProfileToDeliver => ({
  roleArn,
  name,
  assumedAt: 1,
  credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's/+', sessionToken: 't==', expiration: EXPIRES },
  ...(region ? { region } : {}),
});
const settingsWith = (over: Partial<Settings>): Settings => ({ ...structuredClone(DEFAULT_SETTINGS as Settings), ...over });
const rules = { template: '{account_id}-{role}', overrides: {}, accountNames: {} };

describe('delivery settings', () => {
  it('a role’s own delivery wins over the default, which is "file" when unset', () => {
    const s = settingsWith({ roles: { [ADMIN]: { delivery: 'process' } }, delivery: { ...DEFAULT_SETTINGS.delivery, defaultMode: 'both' } });
    expect([deliveryModeFor(s, ADMIN), deliveryModeFor(s, READ), deliveryModeFor(DEFAULT_SETTINGS, READ)]).toEqual(['process', 'both', 'file']);
  });

  it('reads delivery, defaultMode and assumedBy, and reports a wrong one by its path', () => {
    const { settings, issues } = parseSettings({
      version: 2,
      roles: { [ADMIN]: { delivery: 'process' }, [READ]: { delivery: 'disk' } },
      delivery: { defaultMode: 'both' },
      chainedRoles: [{ targetRoleArn: AUDITOR, sourceRoleArn: ADMIN, assumedBy: 'cli' }],
    });
    expect(settings.roles[ADMIN]).toEqual({ delivery: 'process' });
    expect(settings.delivery.defaultMode).toBe('both');
    expect(settings.chainedRoles[0]?.assumedBy).toBe('cli');
    expect(issues).toEqual([{ path: `roles[${JSON.stringify(READ)}].delivery`, message: expect.stringContaining('"disk" is not a delivery') }]);
    expect(parseSettings({ version: 2, chainedRoles: [{ targetRoleArn: AUDITOR, sourceRoleArn: ADMIN, assumedBy: 'aws' }] }).issues).toHaveLength(1);
  });

  it('a policy can set and lock them', () => {
    const { managed, issues } = parseManagedSettings({ roles: { [ADMIN]: { delivery: 'process' } }, delivery: { defaultMode: 'process' } });
    expect(issues).toEqual([]);
    expect(managed).toEqual({ roles: { [ADMIN]: { delivery: 'process' } }, delivery: { defaultMode: 'process' } });
  });
});

describe('planSave', () => {
  it('file → keys; process → config section and its keys taken out; both → both; [default] follows its role', () => {
    const modes: Record<string, 'file' | 'process' | 'both'> = { [ADMIN]: 'process', [READ]: 'file', [GOV]: 'both' };
    const plan = planSave([profile(ADMIN, 'admin', 'eu-west-1'), profile(READ, 'read'), profile(GOV, 'gov'), profile(ADMIN, 'default')], (arn) => modes[arn]!);
    expect(plan.fileProfiles.map((p) => p.name)).toEqual(['read', 'gov']);
    expect(plan.configProfiles).toEqual([
      { name: 'admin', credentialProcess: true, region: 'eu-west-1' },
      { name: 'gov', credentialProcess: true },
      { name: 'default', credentialProcess: true },
    ]);
    expect(plan.removeFromFile).toEqual(['admin', 'default']);
  });
});

describe('planCliChains and the profile-name clash', () => {
  const chain = { targetRoleArn: AUDITOR, sourceRoleArn: ADMIN, assumedBy: 'cli' as const, externalId: 'ext-42', durationSeconds: 1800, sessionName: 'ana' };

  it('writes role_arn/source_profile for CLI chains whose source is saved, and nothing for the others', () => {
    const s = settingsWith({ chainedRoles: [chain, { targetRoleArn: 'arn:aws:iam::888888888888:role/X', sourceRoleArn: READ, assumedBy: 'cli' }] });
    expect(planCliChains(s, rules, [profile(ADMIN, '111111111111-Admin')])).toEqual({
      ok: true,
      profiles: [
        {
          name: '777777777777-OrgAuditor',
          chain: { roleArn: AUDITOR, sourceProfile: '111111111111-Admin', externalId: 'ext-42', durationSeconds: 1800, sessionName: 'ana' },
        },
      ],
    });
    // Assumed by the extension: no config section.
    expect(planCliChains(settingsWith({ chainedRoles: [{ ...chain, assumedBy: 'extension' }] }), rules, [profile(ADMIN, 'a')])).toEqual({
      ok: true,
      profiles: [],
    });
  });

  it('refuses, naming both roles, when a chained profile takes a sign-in role’s name', () => {
    const s = settingsWith({ chainedRoles: [{ ...chain, profileName: 'shared' }] });
    const plan = planCliChains(s, rules, [profile(ADMIN, '111111111111-Admin'), profile(READ, 'shared')]);
    expect(plan).toEqual({
      ok: false,
      message:
        'The chained role OrgAuditor in 777777777777 and the sign-in role ReadOnly in 222222222222 would both be saved as profile shared. Give one of them another profile name in Options.',
    });
    expect(profileNameClash([{ roleArn: AUDITOR, profileName: 'x' }], [{ roleArn: AUDITOR, profileName: 'x' }])).toBeNull();
  });

  it('settings validation: a chained role’s own profile name that is a role’s own name is reported, naming both', () => {
    const s = settingsWith({
      roles: { [READ]: { profileName: 'shared' } },
      chainedRoles: [
        { ...chain, profileName: 'shared' },
        { ...chain, targetRoleArn: GOV },
      ],
    });
    expect(chainedProfileClashes(s)).toEqual([
      {
        targetRoleArn: AUDITOR,
        message:
          'The chained role OrgAuditor in 777777777777 and the sign-in role ReadOnly in 222222222222 would both be saved as profile shared. Give one of them another profile name in Options.',
      },
    ]);
  });

  it('the extension does not assume a chained role the AWS CLI assumes', () => {
    expect(chainedRolesFrom([chain, { ...chain, assumedBy: 'extension', targetRoleArn: GOV }], [ADMIN]).map((c) => c.targetRoleArn)).toEqual([GOV]);
  });
});

describe('Save with per-profile delivery (fake native host)', () => {
  let requests: HostRequest[];
  const session = (roleArn: string, profileName: string): OkOutcome => {
    const [, , , , accountId] = roleArn.split(':');
    return {
      roleArn,
      captureId: 'c1',
      accountId: accountId!,
      roleName: roleArn.split('/')[1]!,
      partition: 'aws',
      status: 'ok',
      profileName,
      credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's', sessionToken: 't', expiration: EXPIRES },
      durationSeconds: 3600,
      assumedAt: Date.now() - 1000,
      stsHost: 'sts.amazonaws.com',
    };
  };

  beforeEach(async () => {
    fakeBrowser.reset();
    requests = [];
    const listeners: ((m: unknown) => void)[] = [];
    const port = {
      postMessage(m: HostRequest) {
        requests.push(m);
        const body =
          m.type === 'write-config'
            ? { configFile: '/home/u/.aws/config', written: m.profiles.map((p) => p.name), skipped: [], changed: true, backupFile: null }
            : m.type === 'remove-profiles'
              ? { credentialsFile: '/home/u/.aws/credentials', removed: m.names, skipped: [] }
              : {
                  credentialsFile: '/home/u/.aws/credentials',
                  written: m.type === 'write-profiles' ? m.profiles.map((p) => p.name) : [],
                  changed: true,
                  backupFile: null,
                };
        queueMicrotask(() => listeners.forEach((l) => l({ v: 1, id: m.id, ok: true, type: m.type, ...body })));
      },
      disconnect: () => undefined,
      onMessage: { addListener: (l: (m: unknown) => void) => void listeners.push(l) },
      onDisconnect: { addListener: () => undefined },
    };
    fakeBrowser.runtime.connectNative = (() => port) as unknown as typeof fakeBrowser.runtime.connectNative;
    await saveOutcome(session(ADMIN, 'admin'));
    await saveOutcome(session(READ, 'read'));
  });

  it('a process profile gets a config section and no keys (its old keys removed); a file profile only keys; a CLI chain its section', async () => {
    await saveLocalSettings(
      settingsWith({
        roles: { [ADMIN]: { delivery: 'process' } },
        chainedRoles: [{ targetRoleArn: AUDITOR, sourceRoleArn: READ, assumedBy: 'cli', profileName: 'audit' }],
      }),
    );
    expect(await saveToCredentialsFile({})).toMatchObject({ ok: true, saved: 2 });
    expect(requests.map((r) => r.type)).toEqual(['write-profiles', 'write-config', 'remove-profiles']);
    const [keys, config, removal] = requests as [
      Extract<HostRequest, { type: 'write-profiles' }>,
      Extract<HostRequest, { type: 'write-config' }>,
      Extract<HostRequest, { type: 'remove-profiles' }>,
    ];
    expect(keys.profiles.map((p) => p.name)).toEqual(['read']);
    expect(config.profiles).toEqual([
      { name: 'admin', credentialProcess: true },
      { name: 'audit', chain: { roleArn: AUDITOR, sourceProfile: 'read' } },
    ]);
    expect(removal.names).toEqual(['admin']);
  });

  it('with every profile on file delivery, Save sends only write-profiles, as before', async () => {
    await saveLocalSettings(settingsWith({}));
    await saveToCredentialsFile({});
    expect(requests.map((r) => r.type)).toEqual(['write-profiles']);
  });

  it('"Set up credential_process" switches the chosen roles to process and saves them that way', async () => {
    await saveLocalSettings(settingsWith({}));
    expect(await setUpCredentialProcess({ roleArns: [ADMIN] })).toMatchObject({ ok: true, saved: 1 });
    expect((await readSettings()).roles[ADMIN]?.delivery).toBe('process');
    expect(requests.map((r) => r.type)).toEqual(['write-config', 'remove-profiles']);
  });
});
