/**
 * Browser: settings for the options page, read and validated, kept current from storage (the popup's come from the
 * background's copy: components/popup/use-popup-settings.ts; learnt account aliases: components/use-learnt-aliases.ts).
 */
import { useCallback, useState } from 'preact/hooks';
import type { Settings, SettingsSnapshot } from '../lib/settings';
import { readSettingsSnapshot, updateLocalSettings, watchSettings } from '../lib/browser/settings-store';
import { errorText } from '../lib/error-text';
import { follow, useFollowed, type Followed } from './follow';

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

type SettingsRead = { snapshot: SettingsSnapshot } | { failure: string };

/**
 * Follows the settings from now on. `policyWaitMs`: how long the first value waits for the organisation's policy
 * (see `watchSettings`).
 */
export function followSettings(options: { policyWaitMs?: number } = {}): Followed<SettingsRead> {
  return follow<SettingsRead>((emit) =>
    watchSettings(
      (snapshot) => emit({ snapshot }),
      (e) => emit({ failure: errorText(e) }),
      options,
    ),
  );
}

export function useSettings(source?: Followed<SettingsRead>): LoadedSettings {
  const [followed] = useState(() => source ?? followSettings());
  const value = useFollowed(followed);
  // The page shows the stored result before the caller goes on (say, to print "Saved"): a render in between
  // with the old snapshot would flip a just-clicked checkbox back until storage.onChanged arrives.
  const update = useCallback(
    async (change: (local: Settings) => Settings) => {
      const next = await updateLocalSettings(change);
      followed.set({ snapshot: await readSettingsSnapshot() });
      return next;
    },
    [followed],
  );
  if (value === undefined) return { status: 'loading' };
  if ('failure' in value) return { status: 'failed', message: value.failure };
  const { snapshot } = value;
  return { status: 'ready', settings: snapshot.settings, locked: snapshot.locked, snapshot, update };
}
