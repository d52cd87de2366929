/**
 * Browser (background): every listener of the background, registered synchronously at start so a stopped service
 * worker wakes for each event, and the one table of what the extension's pages may ask it to do.
 */
import { browser } from 'wxt/browser';
import { isOwnExtensionPage } from '../message-sender';
import { isMessage, type Handlers } from '../browser/messages';
import { acsMatchPatterns } from '../partitions';
import { migrateStoredSettings } from '../browser/settings-store';
import { restrictSessionStorage } from '../browser/session-store';
import { assumeRoles } from './assume-roles';
import { captureSignIn } from './capture-sign-in';
import { openConsole } from './console';
import { hostStatus, makeCredentialsFilePrivate, saveToCredentialsFile } from './credentials-host';
import { EXPIRY_ALARM, scheduleExpiry } from './expiry';
import { forget } from './forget';
import { renameProfile } from './rename-profile';
import { onNotificationClicked } from './reminder-click';
import { SignInRequests } from './sign-in-requests';

/** What the popup and options pages may ask of the background (typed by `BackgroundRequests`). */
export const handlers: Handlers = {
  assume: assumeRoles,
  forget,
  hostStatus,
  save: saveToCredentialsFile,
  makeFilePrivate: makeCredentialsFilePrivate,
  openConsole,
  renameProfile,
};

/** Registers every listener; call once, synchronously, when the background starts. */
export function registerListeners(): void {
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
}

/** Work for each start of the worker: lock storage.session to trusted pages, fail requests a stopped worker cut off, re-arm the expiry alarm. */
export function onWorkerStart(): void {
  void restrictSessionStorage();
  void scheduleExpiry();
}
