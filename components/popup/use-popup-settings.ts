/**
 * Browser: the popup's settings. It paints from the copy of the validated settings the background keeps in
 * storage.session (lib/background/settings-mirror.ts), so the settings parser, policy and writer are not part of its
 * first load. Without a usable copy (the worker has not written it yet, Forget everything just emptied
 * storage.session, another version wrote it), and once the popup changes a setting itself, it reads and validates
 * the settings as the options page does, with that code loaded on demand.
 */
import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { settingsMirrorItem, watchStorage, type SettingsMirror } from '../../lib/browser/storage';
import { errorText } from '../../lib/error-text';
import type { Settings } from '../../lib/settings/schema';
import { SESSION_KEYS } from '../../lib/storage-keys';
import { follow, useFollowed, type Followed } from '../follow';

/** What the popup needs of the settings: what applies, and the paths the organisation fixed. */
export interface PopupSettings {
  settings: Settings;
  locked: ReadonlySet<string>;
}

export type PopupSettingsRead = PopupSettings | { failure: string };

export interface PopupSettingsSource extends Followed<PopupSettingsRead> {
  /** Changes the user's own settings (stored; every open page sees the change) and returns them. */
  update(change: (local: Settings) => Settings): Promise<Settings>;
}

/** Reading with validation, and the writer (lib/settings' parser and policy): a chunk of their own, loaded on demand. */
const loadSettingsStore = () => import('../../lib/browser/settings-store');

/** The settings in a mirror written by `extensionVersion`, or undefined for anything else (missing, another version). */
export function fromMirror(value: unknown, extensionVersion: string): PopupSettings | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const mirror = value as Partial<Record<keyof SettingsMirror, unknown>>;
  if (mirror.extensionVersion !== extensionVersion || typeof mirror.settings !== 'object' || mirror.settings === null) return undefined;
  if (!Array.isArray(mirror.locked) || !mirror.locked.every((path) => typeof path === 'string')) return undefined;
  return { settings: mirror.settings as Settings, locked: new Set(mirror.locked) };
}

/** Follows the popup's settings from now on: the mirror while there is one, else validated here. */
export function followPopupSettings(): PopupSettingsSource {
  let emit: (value: PopupSettingsRead) => void = () => undefined;
  const followed = follow<PopupSettingsRead>((e) => (emit = e));
  let store: ReturnType<typeof loadSettingsStore> | undefined;
  let stopMirror = () => {};

  // From now on the settings are read and validated here (`policyWaitMs` as in watchSettings), the mirror unfollowed.
  const validate = (policyWaitMs?: number) => {
    stopMirror();
    store ??= loadSettingsStore().then(
      (loaded) => {
        loaded.watchSettings(
          ({ settings, locked }) => emit({ settings, locked }),
          (e) => emit({ failure: errorText(e) }),
          policyWaitMs === undefined ? {} : { policyWaitMs },
        );
        return loaded;
      },
      (e: unknown) => {
        // Settings already shown stay; a popup that has none shows the defaults (see App).
        if (followed.current() === undefined) emit({ failure: errorText(e) });
        throw e;
      },
    );
    return store;
  };

  const version = browser.runtime.getManifest().version;
  let changed = false;
  stopMirror = watchStorage([settingsMirrorItem], (changes) => {
    changed = true;
    const next = fromMirror(changes[SESSION_KEYS.settingsMirror]?.newValue, version);
    // Gone (Forget everything): settings are already shown, so the policy is waited for as the options page does.
    if (next) emit(next);
    else void validate().catch(() => undefined);
  });
  settingsMirrorItem.getValue().then(
    (value) => {
      // A change that came during the read is newer than what it read.
      if (changed || store) return;
      const mirror = fromMirror(value, version);
      // Nothing shown yet: the user's settings come first, the policy's values as soon as they are read (as before).
      if (mirror) emit(mirror);
      else void validate(0).catch(() => undefined);
    },
    () => void validate(0).catch(() => undefined),
  );

  return {
    ...followed,
    async update(change) {
      // The mirror's next write may be one the background began before this change (it would flip a just-clicked
      // pin back for a moment): once the writer is loaded, the popup follows the validated settings instead.
      const loaded = await validate();
      const next = await loaded.updateLocalSettings(change);
      // The page shows the stored result before the caller goes on (as the options page does, components/use-settings.ts).
      const { settings, locked } = await loaded.readSettingsSnapshot();
      emit({ settings, locked });
      return next;
    },
  };
}

export type LoadedPopupSettings =
  { status: 'loading' } | { status: 'failed'; message: string } | ({ status: 'ready'; update: PopupSettingsSource['update'] } & PopupSettings);

/** The popup's settings: from `source` (started before the first render), else followed from now on. */
export function usePopupSettings(source?: PopupSettingsSource): LoadedPopupSettings {
  const [followed] = useState(() => source ?? followPopupSettings());
  const value = useFollowed(followed);
  if (value === undefined) return { status: 'loading' };
  if ('failure' in value) return { status: 'failed', message: value.failure };
  return { status: 'ready', settings: value.settings, locked: value.locked, update: followed.update };
}
