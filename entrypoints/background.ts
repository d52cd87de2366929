import { browser } from 'wxt/browser';
import { assumeRoles } from '@/lib/background/assume-roles';
import { captureSignIn } from '@/lib/background/capture-sign-in';
import { hostStatus, makeCredentialsFilePrivate, saveToCredentialsFile } from '@/lib/background/credentials-host';
import { EXPIRY_ALARM, scheduleExpiry } from '@/lib/background/expiry';
import { onNotificationClicked } from '@/lib/background/reminder-click';
import { SignInRequests } from '@/lib/background/sign-in-requests';
import { isOwnExtensionPage } from '@/lib/message-sender';
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
  // Top-level navigations only: a sign-in posted in a (hidden) frame is never one the user meant. The body comes
  // with onBeforeRequest, the Origin header naming the sending page with onSendHeaders (extraHeaders: Chromium).
  const acsRequests = { urls: acsMatchPatterns(), types: ['main_frame' as const] };
  const signIns = new SignInRequests((details) => void captureSignIn(details));
  browser.webRequest.onBeforeRequest.addListener(
    (details) => {
      signIns.body(details);
      return undefined;
    },
    acsRequests,
    ['requestBody'],
  );
  const onHeaders = (details: Parameters<SignInRequests['headers']>[0]) => signIns.headers(details);
  try {
    browser.webRequest.onSendHeaders.addListener(onHeaders, acsRequests, ['requestHeaders', 'extraHeaders']);
  } catch {
    // Firefox shows the Origin header without it and refuses the word.
    browser.webRequest.onSendHeaders.addListener(onHeaders, acsRequests, ['requestHeaders']);
  }
  browser.webRequest.onErrorOccurred.addListener((details) => signIns.drop(details.requestId), acsRequests);
  const ownPages = { id: browser.runtime.id, baseUrl: browser.runtime.getURL('/') };
  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    // Content scripts (inside web pages) share the extension's id: only its own pages may ask for keys.
    if (!isOwnExtensionPage(sender, ownPages) || !isMessage(message, handlers)) return undefined;
    const handler = handlers[message.type] as (data: unknown) => Promise<unknown>;
    return handler(message.data);
  });
  browser.notifications.onClicked.addListener((id) => {
    void onNotificationClicked(id, {
      ...(browser.action.openPopup ? { openPopup: () => browser.action.openPopup() } : {}),
      openTab: (url) => browser.tabs.create({ url, active: true }),
      clearNotification: (n) => browser.notifications.clear(n),
      popupUrl: browser.runtime.getURL('/popup.html'),
    });
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
