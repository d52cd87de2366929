/**
 * The popup's settings (components/popup/use-popup-settings.ts) with the browser faked: from the background's mirror
 * (lib/background/settings-mirror.ts) without reading or validating the stored settings, and following it when the
 * policy or the options page changes them; read and validated in the popup when there is no usable mirror (the worker
 * has not written it, Forget everything removed it, another version wrote it) and after the popup changes a setting.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_SETTINGS, settingsSnapshot, withPinned } from '@/lib/settings';
import { LOCAL_KEYS, SESSION_KEYS } from '@/lib/storage-keys';
import { ADMIN, custom, DEPLOYER, GOV } from '../support/settings-sample';
import { resetFakeBrowser } from '../support/fake-browser';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));
const { followPopupSettings, fromMirror } = await import('@/components/popup/use-popup-settings');
const { mirrorSettings } = await import('@/lib/background/settings-mirror');

const VERSION = '2.4.0';
beforeEach(() => resetFakeBrowser(VERSION));

const settle = () => new Promise((r) => setTimeout(r, 10));
const POLICY = { accountNames: { '111111111111': 'Corp Production' }, allowedAccounts: ['111111111111'], zeroClick: { autoAssume: false } };
/** What the popup must show for these stored values: the validator's effective settings and locks. */
const effective = (stored: unknown, managed: unknown) => {
  const { settings, locked } = settingsSnapshot(stored, managed);
  return { settings, locked };
};
/** Whether anything read the stored settings or the policy (the validated path) since `spies` were made. */
const readsStored = () => {
  const local = vi.spyOn(fakeBrowser.storage.local, 'get');
  const managed = vi.spyOn(fakeBrowser.storage.managed, 'get');
  return () => managed.mock.calls.length > 0 || local.mock.calls.some(([keys]) => JSON.stringify(keys ?? null).includes(LOCAL_KEYS.settings) || keys == null);
};

describe('the popup paints from the background’s mirror', () => {
  it('the mirror’s settings and locks, without reading or validating the stored settings', async () => {
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: custom() });
    await fakeBrowser.storage.managed.set(POLICY);
    mirrorSettings();
    await settle();
    const readStored = readsStored();
    const source = followPopupSettings();
    expect(await source.ready).toEqual(effective(custom(), POLICY));
    await settle();
    expect(readStored()).toBe(false);
  });

  it('follows the mirror when the policy or the options page changes the settings', async () => {
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: custom() });
    mirrorSettings();
    await settle();
    const source = followPopupSettings();
    await source.ready;
    const readStored = readsStored();
    await fakeBrowser.storage.managed.set(POLICY);
    await settle();
    expect(source.current()).toEqual(effective(custom(), POLICY));
    const fromOptions = { ...custom(), defaultRegion: 'ap-southeast-2', pinnedRoles: [GOV] };
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: fromOptions });
    await settle();
    expect(source.current()).toEqual(effective(fromOptions, POLICY));
    // Only the background read them.
    expect(readStored()).toBe(true);
  });
});

describe('without a usable mirror the popup reads and validates the settings itself', () => {
  it.each([
    ['the worker has not written it yet', undefined],
    ['another version wrote it', { extensionVersion: '2.3.9', settings: DEFAULT_SETTINGS, locked: [] }],
    ['it is damaged', { extensionVersion: VERSION, settings: DEFAULT_SETTINGS, locked: 'allowedAccounts' }],
  ])('%s: the validated settings, then their changes', async (_, stored) => {
    if (stored !== undefined) await fakeBrowser.storage.session.set({ [SESSION_KEYS.settingsMirror]: stored });
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: custom() });
    await fakeBrowser.storage.managed.set(POLICY);
    const source = followPopupSettings();
    await source.ready;
    await settle();
    expect(source.current()).toEqual(effective(custom(), POLICY));
    const fromOptions = { ...custom(), defaultDuration: 900 };
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: fromOptions });
    await settle();
    expect(source.current()).toEqual(effective(fromOptions, POLICY));
  });

  it('Forget everything removes the mirror while the popup is open: the settings stay right and followed', async () => {
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: custom() });
    await fakeBrowser.storage.managed.set(POLICY);
    // The background is not running: nothing writes the mirror again.
    await fakeBrowser.storage.session.set({ [SESSION_KEYS.settingsMirror]: { extensionVersion: VERSION, settings: custom(), locked: [] } });
    const source = followPopupSettings();
    expect(await source.ready).toEqual({ settings: custom(), locked: new Set() });
    await fakeBrowser.storage.session.clear();
    await settle();
    expect(source.current()).toEqual(effective(custom(), POLICY));
    await fakeBrowser.storage.managed.set({ ...POLICY, defaultRegion: 'eu-central-1' });
    await settle();
    expect(source.current()).toEqual(effective(custom(), { ...POLICY, defaultRegion: 'eu-central-1' }));
  });

  it('the popup pins a role: stored, shown at once, then followed from storage', async () => {
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: custom() });
    mirrorSettings();
    await settle();
    const source = followPopupSettings();
    await source.ready;
    const seen: unknown[] = [];
    source.subscribe((value) => seen.push(value));
    const next = await source.update((local) => withPinned(local, GOV, true));
    const pinned = { ...custom(), pinnedRoles: [...custom().pinnedRoles, GOV] };
    expect(next.pinnedRoles).toEqual(pinned.pinnedRoles);
    expect(seen.at(-1)).toEqual(effective(pinned, undefined));
    expect((await fakeBrowser.storage.local.get(LOCAL_KEYS.settings))[LOCAL_KEYS.settings]).toMatchObject({ pinnedRoles: pinned.pinnedRoles });
    await settle();
    expect(source.current()).toEqual(effective(pinned, undefined));
    await source.update((local) => withPinned(local, DEPLOYER, false));
    await settle();
    expect(source.current()).toEqual(effective({ ...pinned, pinnedRoles: [ADMIN, GOV] }, undefined));
  });
});

describe('fromMirror', () => {
  const good = { extensionVersion: VERSION, settings: custom(), locked: ['allowedAccounts', 'zeroClick.autoAssume'] };
  it('a mirror of this version: its settings and locked paths', () => {
    expect(fromMirror(good, VERSION)).toEqual({ settings: custom(), locked: new Set(['allowedAccounts', 'zeroClick.autoAssume']) });
  });

  it.each<[string, unknown]>([
    ['nothing', undefined],
    ['null', null],
    ['a list', [good]],
    ['another version', { ...good, extensionVersion: '2.5.0' }],
    ['no version', { settings: good.settings, locked: good.locked }],
    ['settings that are not an object', { ...good, settings: 'defaults' }],
    ['null settings', { ...good, settings: null }],
    ['locked paths that are not a list', { ...good, locked: { allowedAccounts: true } }],
    ['a locked path that is not text', { ...good, locked: ['allowedAccounts', 7] }],
  ])('%s: not used', (_, value) => {
    expect(fromMirror(value, VERSION)).toBeUndefined();
  });
});
