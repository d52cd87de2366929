/** Browser: settings and learnt account aliases for Preact pages, kept current from storage. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { LearntAliases } from '../lib/account-aliases';
import { watchLearntAliases } from '../lib/browser/account-names-store';
import type { Settings, SettingsSnapshot } from '../lib/settings';
import { readSettingsSnapshot, updateLocalSettings, watchSettings } from '../lib/browser/settings-store';
import { errorText } from '../lib/error-text';

export type LoadedSettings =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | {
      status: 'ready';
      /** What applies: the user's settings with the organisation's on top. */
      settings: Settings;
      /** Paths set by the organisation (see `isLocked`). */
      locked: ReadonlySet<string>;
      snapshot: SettingsSnapshot;
      /** Changes the user's own settings (stored; every open page sees the change). */
      update: (change: (local: Settings) => Settings) => Promise<Settings>;
    };

export function useSettings(): LoadedSettings {
  const [snapshot, setSnapshot] = useState<SettingsSnapshot>();
  const [failure, setFailure] = useState<string>();
  useEffect(() => watchSettings(setSnapshot, (e) => setFailure(errorText(e))), []);
  // The page shows the stored result before the caller goes on (say, to print "Saved"): a render in between
  // with the old snapshot would flip a just-clicked checkbox back until storage.onChanged arrives.
  const update = useCallback(async (change: (local: Settings) => Settings) => {
    const next = await updateLocalSettings(change);
    setSnapshot(await readSettingsSnapshot());
    return next;
  }, []);
  if (failure !== undefined) return { status: 'failed', message: failure };
  if (!snapshot) return { status: 'loading' };
  return { status: 'ready', settings: snapshot.settings, locked: snapshot.locked, snapshot, update };
}

/** Account aliases learnt from the AWS sign-in page (empty until read, and when there are none). */
export function useLearntAliases(): LearntAliases {
  const [aliases, setAliases] = useState<LearntAliases>({});
  useEffect(() => watchLearntAliases(setAliases), []);
  return aliases;
}
