import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SettingsSnapshot } from '@/lib/settings';
import { LOCAL_KEYS } from '@/lib/storage-keys';
import { fakeBrowser } from 'wxt/testing/fake-browser';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));
// WXT's storage takes the global `chrome` when it is first imported.

const { forgetLearntAliases, learnAliases, readLearntAliases, watchLearntAliases } = await import('@/lib/browser/account-names-store');
const { MANAGED_WAIT_MS, migrateStoredSettings, readSettings, readSettingsSnapshot, updateLocalSettings, watchSettings } =
  await import('@/lib/browser/settings-store');
const { DEFAULT_SETTINGS } = await import('@/lib/settings');

const PROD = '111111111111';
const DEV = '222222222222';

beforeEach(() => {
  fakeBrowser.reset();
  vi.restoreAllMocks();
});

/** Lets pending storage promises and listeners run. */
const settle = () => new Promise((r) => setTimeout(r, 10));

describe('settings in storage', () => {
  it('nothing stored and no policy: the defaults, nothing locked', async () => {
    const snapshot = await readSettingsSnapshot();
    expect(snapshot.settings).toEqual(DEFAULT_SETTINGS);
    expect(snapshot.locked.size).toBe(0);
  });

  it('stored version 1 settings read migrated; migrateStoredSettings writes them back once', async () => {
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: { version: 1, profileTemplate: '{account}+{role}', region: 'eu-west-1' } });
    // "+" was never valid: that field is reported and takes the default, the rest migrates.
    const snapshot = await readSettingsSnapshot();
    expect(snapshot.migratedFrom).toBe(1);
    expect(snapshot.local.defaultRegion).toBe('eu-west-1');
    expect(snapshot.localIssues.map((i) => i.path)).toEqual(['profileTemplate']);
    expect(await migrateStoredSettings()).toBe(1);
    expect((await fakeBrowser.storage.local.get(LOCAL_KEYS.settings))[LOCAL_KEYS.settings]).toMatchObject({ version: 2, defaultRegion: 'eu-west-1' });
    expect(await migrateStoredSettings()).toBeUndefined();
  });

  it('the policy wins and is locked; the user’s own value stays stored underneath', async () => {
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: { ...DEFAULT_SETTINGS, defaultRegion: 'us-east-2' } });
    await fakeBrowser.storage.managed.set({ defaultRegion: 'eu-central-1' });
    const snapshot = await readSettingsSnapshot();
    expect(snapshot.settings.defaultRegion).toBe('eu-central-1');
    expect(snapshot.local.defaultRegion).toBe('us-east-2');
    expect([...snapshot.locked]).toEqual(['defaultRegion']);
    expect((await readSettings()).defaultRegion).toBe('eu-central-1');
  });

  it('a browser that refuses storage.managed (Firefox without policies.json) still gives the settings', async () => {
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockRejectedValue(new Error('Managed storage manifest not found'));
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: { ...DEFAULT_SETTINGS, defaultDuration: 900 } });
    const snapshot = await readSettingsSnapshot();
    expect(snapshot.settings.defaultDuration).toBe(900);
    expect(snapshot.locked.size).toBe(0);
  });

  it('updates from one page never overwrite each other', async () => {
    await Promise.all([
      updateLocalSettings((s) => ({ ...s, defaultRegion: 'eu-west-1' })),
      updateLocalSettings((s) => ({ ...s, defaultDuration: 900 })),
      updateLocalSettings((s) => ({ ...s, pinnedRoles: [...s.pinnedRoles, 'arn:aws:iam::111111111111:role/A'] })),
      updateLocalSettings((s) => ({ ...s, pinnedRoles: [...s.pinnedRoles, 'arn:aws:iam::111111111111:role/B'] })),
    ]);
    const { local } = await readSettingsSnapshot();
    expect(local).toMatchObject({
      defaultRegion: 'eu-west-1',
      defaultDuration: 900,
      pinnedRoles: ['arn:aws:iam::111111111111:role/A', 'arn:aws:iam::111111111111:role/B'],
    });
  });

  it('a failed update does not block the next one', async () => {
    await expect(
      updateLocalSettings(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await updateLocalSettings((s) => ({ ...s, defaultRegion: 'eu-west-1' }));
    expect((await readSettingsSnapshot()).local.defaultRegion).toBe('eu-west-1');
  });

  it('watchSettings reports now, after the user’s and the policy’s changes, not after unrelated keys, and stops when asked', async () => {
    const seen: SettingsSnapshot[] = [];
    const stop = watchSettings((s) => seen.push(s));
    await settle();
    expect(seen).toHaveLength(1);
    await updateLocalSettings((s) => ({ ...s, defaultRegion: 'eu-west-1' }));
    await settle();
    expect(seen.at(-1)!.settings.defaultRegion).toBe('eu-west-1');
    await fakeBrowser.storage.managed.set({ defaultRegion: 'eu-central-1' });
    await settle();
    expect(seen.at(-1)!.settings.defaultRegion).toBe('eu-central-1');
    expect(isLockedRegion(seen.at(-1)!)).toBe(true);
    const count = seen.length;
    await fakeBrowser.storage.local.set({ somethingElse: 1 });
    await fakeBrowser.storage.session.set({ [LOCAL_KEYS.settings]: 1 });
    await settle();
    expect(seen).toHaveLength(count);
    stop();
    await updateLocalSettings((s) => ({ ...s, defaultRegion: 'us-west-2' }));
    await settle();
    expect(seen).toHaveLength(count);
  });
});

describe('watchSettings with a slow policy read', () => {
  it('shows the user’s settings first, then the policy’s values when they arrive', async () => {
    vi.useFakeTimers();
    try {
      let answer: (value: Record<string, unknown>) => void = () => undefined;
      vi.spyOn(fakeBrowser.storage.managed, 'get').mockReturnValue(new Promise((resolve) => (answer = resolve)) as never);
      await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: { ...DEFAULT_SETTINGS, defaultRegion: 'us-east-2' } });
      const seen: SettingsSnapshot[] = [];
      const stop = watchSettings((s) => seen.push(s));
      await vi.advanceTimersByTimeAsync(MANAGED_WAIT_MS - 1);
      expect(seen).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(2);
      expect(seen.map((s) => s.settings.defaultRegion)).toEqual(['us-east-2']);
      answer({ defaultRegion: 'eu-central-1' });
      await vi.advanceTimersByTimeAsync(0);
      expect(seen.map((s) => s.settings.defaultRegion)).toEqual(['us-east-2', 'eu-central-1']);
      expect(seen[1]!.locked.has('defaultRegion')).toBe(true);
      stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('watchSettings for the popup (policyWaitMs 0): the first paint never waits for the policy', () => {
  it.each([
    ['slow policy: the user’s settings at once, the policy’s when it comes', false, ['us-east-2', 'eu-central-1']],
    ['policy already read with the user’s settings: one call, with the policy', true, ['eu-central-1']],
  ])('%s', async (_name, fast, regions) => {
    vi.useFakeTimers();
    try {
      let answer: (value: Record<string, unknown>) => void = () => undefined;
      const policy = { defaultRegion: 'eu-central-1' };
      vi.spyOn(fakeBrowser.storage.managed, 'get').mockReturnValue((fast ? Promise.resolve(policy) : new Promise((resolve) => (answer = resolve))) as never);
      await fakeBrowser.storage.local.set({ [LOCAL_KEYS.settings]: { ...DEFAULT_SETTINGS, defaultRegion: 'us-east-2' } });
      const seen: SettingsSnapshot[] = [];
      const stop = watchSettings((s) => seen.push(s), undefined, { policyWaitMs: 0 });
      await vi.advanceTimersByTimeAsync(0);
      expect(seen.map((s) => s.settings.defaultRegion)).toEqual(regions.slice(0, 1));
      answer(policy);
      await vi.advanceTimersByTimeAsync(MANAGED_WAIT_MS);
      expect(seen.map((s) => s.settings.defaultRegion)).toEqual(regions);
      expect(seen.at(-1)!.locked.has('defaultRegion')).toBe(true);
      stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

function isLockedRegion(s: SettingsSnapshot): boolean {
  return s.locked.has('defaultRegion');
}

describe('learnt aliases in storage', () => {
  const page = (aliases: Record<string, string>, accountIds = Object.keys(aliases)) => ({ aliases, accountIds, source: 'meta' as const });

  it('stores what a sign-in page showed, and writes nothing when a later page shows the same', async () => {
    expect(await learnAliases(page({ [PROD]: 'contoso-prod' }, [PROD, DEV]), 1000)).toBe(true);
    expect(await readLearntAliases()).toEqual({ [PROD]: { alias: 'contoso-prod', seenAt: 1000 } });
    const set = vi.spyOn(fakeBrowser.storage.local, 'set');
    expect(await learnAliases(page({ [PROD]: 'contoso-prod' }), 2000)).toBe(false);
    expect(set).not.toHaveBeenCalled();
    expect(await learnAliases(page({}, []), 3000)).toBe(false);
  });

  it('reads a damaged stored value as nothing learnt, and forgets on request', async () => {
    await fakeBrowser.storage.local.set({ [LOCAL_KEYS.learntAliases]: 'garbage' });
    expect(await readLearntAliases()).toEqual({});
    await learnAliases(page({ [DEV]: 'contoso-dev' }), 1);
    await forgetLearntAliases();
    expect(await readLearntAliases()).toEqual({});
  });

  it('watchLearntAliases reports now and after every change', async () => {
    const seen: unknown[] = [];
    const stop = watchLearntAliases((a) => seen.push(a));
    await settle();
    await learnAliases(page({ [PROD]: 'contoso-prod' }), 5);
    await settle();
    expect(seen).toEqual([{}, { [PROD]: { alias: 'contoso-prod', seenAt: 5 } }]);
    stop();
  });
});
