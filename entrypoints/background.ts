import { browser } from 'wxt/browser';
import { assumeRoles } from '@/lib/background/assume-roles';
import { captureSignIn } from '@/lib/background/capture-sign-in';
import { hostStatus, makeCredentialsFilePrivate, saveToCredentialsFile } from '@/lib/background/credentials-host';
import { EXPIRY_ALARM, scheduleExpiry } from '@/lib/background/expiry';
import { isMessage, type Handlers } from '@/lib/messages';
import { acsMatchPatterns } from '@/lib/partitions';
import { migrateStoredSettings } from '@/lib/settings-store';
import { clearAll, readState, removeCaptures, removeOutcomes, restrictSessionStorage } from '@/lib/session-store';

const handlers: Handlers = {
  assume: assumeRoles,
  async forget({ captureId }) {
    if (captureId === undefined) await clearAll();
    else {
      const state = await readState();
      await removeCaptures([captureId]);
      await removeOutcomes(Object.values(state.outcomes).filter((o) => o.captureId === captureId).map((o) => o.roleArn));
    }
    await scheduleExpiry(); // also refreshes the badge
    return { ok: true };
  },
  hostStatus,
  save: saveToCredentialsFile,
  makeFilePrivate: makeCredentialsFilePrivate,
};

export default defineBackground(() => {
  // Every listener is registered synchronously so a stopped service worker wakes for it.
  browser.webRequest.onBeforeRequest.addListener(
    (details) => {
      void captureSignIn(details);
      return undefined;
    },
    { urls: acsMatchPatterns(), types: ['main_frame', 'sub_frame'] },
    ['requestBody'],
  );
  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    if (sender.id !== browser.runtime.id || !isMessage(message, handlers)) return undefined;
    const handler = handlers[message.type] as (data: unknown) => Promise<unknown>;
    return handler(message.data);
  });
  // Settings stored by an older version are written back in the current shape once, on update.
  browser.runtime.onInstalled.addListener(() => {
    void migrateStoredSettings().catch(() => undefined);
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === EXPIRY_ALARM) void scheduleExpiry();
  });
  void restrictSessionStorage();
  // Each start of the worker: fail requests a stopped worker cut off, and re-arm the expiry alarm.
  void scheduleExpiry();
});
