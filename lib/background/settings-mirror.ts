/**
 * Browser (background): a copy of the validated effective settings (the user's with the organisation's on top, and
 * the locked paths) in storage.session, so the popup paints from it without loading the settings parser
 * (components/popup/use-popup-settings.ts). Written when the worker starts and after every change of the user's
 * settings or the policy; each write waits for the policy, as the background's reads always do.
 */
import { browser } from 'wxt/browser';
import type { EffectiveSettings } from '../settings/policy';
import { readSettingsSnapshot } from '../browser/settings-store';
import { settingsItem, settingsMirrorItem, watchStorage, type SettingsMirror } from '../browser/storage';
import { SESSION_KEYS } from '../storage-keys';

/** The mirror of `effective` as this version of the extension writes it. */
export function mirrorOf({ settings, locked }: EffectiveSettings, extensionVersion: string): SettingsMirror {
  return { extensionVersion, settings, locked: [...locked] };
}

/** Writes run one after another, each reading storage when it starts: the last write holds the latest settings. */
let writes: Promise<unknown> = Promise.resolve();

/**
 * Reads the settings and the policy, validated, and writes the mirror. A failed read removes the mirror (the popup
 * then reads and validates the settings itself) rather than leaving an older copy behind.
 */
export function refreshSettingsMirror(): Promise<void> {
  const run = writes.then(async () => {
    try {
      const snapshot = await readSettingsSnapshot();
      await settingsMirrorItem.setValue(mirrorOf(snapshot, browser.runtime.getManifest().version));
    } catch (e) {
      await settingsMirrorItem.removeValue().catch(() => undefined);
      throw e;
    }
  });
  writes = run.catch(() => undefined);
  return run;
}

/**
 * Keeps the mirror current; call once, synchronously, when the worker starts (lib/background/listeners.ts).
 * storage.session is readable by the extension's own pages only, never by content scripts (restrictSessionStorage);
 * the mirror holds settings, nothing secret.
 */
export function mirrorSettings(): void {
  watchStorage([settingsItem, 'managed', settingsMirrorItem], (changes, area) => {
    // The mirror's own writes come back here; a removal (Forget everything empties storage.session) is written again.
    const mirror = changes[SESSION_KEYS.settingsMirror];
    if (area === 'session' && (mirror?.newValue != null || mirror?.oldValue == null)) return;
    void refreshSettingsMirror().catch(() => undefined);
  });
  void refreshSettingsMirror().catch(() => undefined);
}
