/**
 * Browser: the user's settings in storage.local (one key, no secrets) and the organisation's in storage.managed.
 * Reading always validates (lib/settings/): a damaged or older stored value still gives working settings.
 */
import { settingsSnapshot, type Settings, type SettingsSnapshot } from '../settings';
import { readManagedPolicy, settingsItem, watchStorage } from './storage';

/** The user's settings with the organisation's on top, which values are locked, and any problems found. */
export async function readSettingsSnapshot(): Promise<SettingsSnapshot> {
  const [stored, managed] = await Promise.all([settingsItem.getValue(), readManagedPolicy()]);
  return settingsSnapshot(stored, managed);
}

/** The settings that apply now (for the background). */
export async function readSettings(): Promise<Settings> {
  return (await readSettingsSnapshot()).settings;
}

/** Stores the user's own settings (never the effective ones: a policy removed later must not leave its values behind). */
export async function saveLocalSettings(settings: Settings): Promise<void> {
  await settingsItem.setValue(settings);
}

/** Updates from one page run one after another, so two quick changes never overwrite each other. */
let updates: Promise<unknown> = Promise.resolve();

/** Reads the user's settings, applies `change`, stores the result and returns it. */
export function updateLocalSettings(change: (local: Settings) => Settings): Promise<Settings> {
  const run = updates.then(async () => {
    const { local } = await readSettingsSnapshot();
    const next = change(structuredClone(local));
    await saveLocalSettings(next);
    return next;
  });
  updates = run.catch(() => undefined);
  return run;
}

/** Writes stored settings of an older version back in the current shape (call from `runtime.onInstalled`). */
export async function migrateStoredSettings(): Promise<number | undefined> {
  const snapshot = await readSettingsSnapshot();
  if (snapshot.migratedFrom !== undefined) await saveLocalSettings(snapshot.local);
  return snapshot.migratedFrom;
}

/**
 * How long a page waits for the policy before showing the user's own settings. Chromium answers the first
 * `storage.managed.get` after the browser starts only once its policy service is up (2–3 s measured on Linux);
 * the page then updates when the policy arrives. The background always waits (lib/settings-store `readSettings`).
 */
export const MANAGED_WAIT_MS = 250;

/**
 * Calls `listener` with the settings now and whenever the user's settings or the policy change (Chrome fires
 * storage.onChanged for the managed area when a policy changes). A slow policy read is not waited for beyond
 * `policyWaitMs` (`MANAGED_WAIT_MS` unless given; 0: not at all, the policy is used when already read with the
 * user's settings): the user's settings come first, the policy's values as soon as they are read. Returns an
 * unsubscribe function.
 */
export function watchSettings(
  listener: (snapshot: SettingsSnapshot) => void,
  onError: (error: unknown) => void = () => undefined,
  { policyWaitMs = MANAGED_WAIT_MS }: { policyWaitMs?: number } = {},
): () => void {
  let alive = true;
  // Reads can overlap when changes come quickly; only the latest read may reach the listener.
  let generation = 0;
  const refresh = () => {
    const mine = ++generation;
    const local = settingsItem.getValue();
    let policy: { managed: unknown } | undefined;
    // What reached the listener in this refresh: nothing, the user's settings alone, or with the policy.
    let sent: 'nothing' | 'local' | 'policy' = 'nothing';
    const emit = () =>
      local.then(
        (stored) => {
          const stage = policy ? 'policy' : 'local';
          if (!alive || mine !== generation || sent === stage || sent === 'policy') return;
          sent = stage;
          listener(settingsSnapshot(stored, policy?.managed));
        },
        (e: unknown) => {
          if (alive && sent === 'nothing') onError(e);
          sent = 'policy';
        },
      );
    const early = setTimeout(() => void emit(), policyWaitMs);
    void readManagedPolicy().then((managed) => {
      policy = { managed };
      clearTimeout(early);
      void emit();
    });
  };
  const unwatch = watchStorage([settingsItem, 'managed'], refresh);
  refresh();
  return () => {
    alive = false;
    unwatch();
  };
}
