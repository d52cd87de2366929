/**
 * The background's copy of the validated settings for the popup (lib/background/settings-mirror.ts) with the browser
 * faked: written at start, after the user's settings or the policy change, again after Forget everything empties
 * storage.session, removed when the settings cannot be read, and always the validator's result, never the stored
 * value as it came.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_SETTINGS, settingsSnapshot, type ManagedSettings } from '@/lib/settings';
import { LOCAL_KEYS, SESSION_KEYS } from '@/lib/storage-keys';
import { ADMIN, custom, GOV } from '../support/settings-sample';
import { resetFakeBrowser } from '../support/fake-browser';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));
const { mirrorSettings, refreshSettingsMirror } = await import('@/lib/background/settings-mirror');
const { settingsMirrorItem } = await import('@/lib/browser/storage');

const VERSION = '2.4.0';
beforeEach(() => resetFakeBrowser(VERSION));

const settle = () => new Promise((r) => setTimeout(r, 10));
const mirror = async () => (await fakeBrowser.storage.session.get(SESSION_KEYS.settingsMirror))[SESSION_KEYS.settingsMirror];
/** What the mirror must hold for these stored values: the validator's effective settings and locks. */
const expected = (stored: unknown, managed: unknown) => {
  const { settings, locked } = settingsSnapshot(stored, managed);
  return { extensionVersion: VERSION, settings, locked: [...locked] };
};

describe('the settings mirror', () => {
  const policies: [string, unknown, ManagedSettings][] = [
    ['no policy, nothing stored', undefined, {}],
    ['the user’s own settings, no policy', custom(), {}],
    [
      'a policy naming accounts, restricting them and locking zero-click and the copy order',
      custom(),
      {
        accountNames: { '111111111111': 'Corp Production' },
        allowedAccounts: ['111111111111'],
        zeroClick: { autoAssume: false },
        delivery: { formatOrder: ['credentials-file', 'env', 'env-no-export', 'fish', 'powershell', 'windows-cmd', 'process'] },
      },
    ],
    [
      'a GovCloud role’s preferences and Keep fresh set by policy',
      { ...DEFAULT_SETTINGS, pinnedRoles: [GOV] },
      { roles: { [GOV]: { duration: 900 } }, renewal: { keepFresh: false } },
    ],
  ];

  it.each(policies)('at start: %s', async (_, stored, managed) => {
    if (stored !== undefined) await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: stored });
    await fakeBrowser.storage.managed.set(managed as Record<string, unknown>);
    mirrorSettings();
    await settle();
    expect(await mirror()).toEqual(expected(stored, managed));
    expect(await settingsMirrorItem.getValue()).toEqual(expected(stored, managed));
  });

  it('holds the validator’s result: a damaged field takes its default, an unknown one is left out', async () => {
    const stored = { ...custom(), defaultRegion: 'mars-north-1', defaultDuration: -5, sneaky: '<script>' };
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: stored });
    mirrorSettings();
    await settle();
    const written = (await mirror()) as { settings: Record<string, unknown> };
    expect(written.settings.defaultRegion).toBe(DEFAULT_SETTINGS.defaultRegion);
    expect(written.settings.defaultDuration).toBe(DEFAULT_SETTINGS.defaultDuration);
    expect('sneaky' in written.settings).toBe(false);
    expect(written).toEqual(expected(stored, undefined));
  });

  it('follows the user’s settings and the policy, and ignores other keys', async () => {
    mirrorSettings();
    await settle();
    const local = { ...custom(), pinnedRoles: [ADMIN] };
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: local });
    await settle();
    expect(await mirror()).toEqual(expected(local, undefined));
    const managed = { defaultRegion: 'eu-central-1', allowedAccounts: ['111111111111'] };
    await fakeBrowser.storage.managed.set(managed);
    await settle();
    expect(await mirror()).toEqual(expected(local, managed));
    const set = vi.spyOn(fakeBrowser.storage.session, 'set');
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.learntAliases]: { '111111111111': { alias: 'contoso-prod', seenAt: 1 } } });
    await settle();
    expect(set).not.toHaveBeenCalled();
  });

  it('changes in quick succession: the last write holds the last settings, even when an earlier read answers late', async () => {
    const localGet = fakeBrowser.storage.local.get.bind(fakeBrowser.storage.local);
    // The first read (at start) sees what was stored then, and answers after the reads the changes cause.
    vi.spyOn(fakeBrowser.storage.local, 'get')
      .mockImplementationOnce(async (keys) => {
        const stored = await localGet(keys);
        await new Promise((r) => setTimeout(r, 30));
        return stored;
      })
      .mockImplementation(localGet);
    mirrorSettings();
    await new Promise((r) => setTimeout(r, 0));
    const regions = ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'us-gov-west-1'];
    for (const defaultRegion of regions) void fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: { ...custom(), defaultRegion } });
    await new Promise((r) => setTimeout(r, 60));
    expect(((await mirror()) as { settings: { defaultRegion: string } }).settings.defaultRegion).toBe('us-gov-west-1');
  });

  it('Forget everything empties storage.session: the mirror is written again', async () => {
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: custom() });
    mirrorSettings();
    await settle();
    await fakeBrowser.storage.session.clear();
    await settle();
    expect(await mirror()).toEqual(expected(custom(), undefined));
  });

  it('settings that cannot be read remove the mirror (the popup then reads them itself), and the next change writes it', async () => {
    mirrorSettings();
    await settle();
    expect(await mirror()).toBeDefined();
    const get = vi.spyOn(fakeBrowser.storage.local, 'get').mockRejectedValue(new Error('storage is broken'));
    await expect(refreshSettingsMirror()).rejects.toThrow('storage is broken');
    expect(await mirror()).toBeUndefined();
    get.mockRestore();
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: custom() });
    await settle();
    expect(await mirror()).toEqual(expected(custom(), undefined));
  });
});
