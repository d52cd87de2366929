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
import { hostStatus, makeCredentialsFilePrivate, saveToCredentialsFile, setUpCredentialProcess } from './credentials-host';
import { EXPIRY_ALARM, scheduleExpiry } from './expiry';
import { forget, removeSaved } from './forget';
import { onNotificationClicked, openPopupOrTab, type ReminderClickApi } from './reminder-click';
import { assumeAgainRenewer, setAgentRenewer, syncAgent, watchAgentSessions } from './agent';
import { watchSettings } from '../browser/settings-store';
import {
  awaitKeptFresh,
  IDP_ORIGINS,
  observeSignInRequest,
  onAssumed,
  onNeedsYouClicked,
  onPermissionsChanged,
  onRenewalAlarm,
  onRenewalWorkerStart,
  openSignIn,
  setAppIdentifier,
  setKeepFresh,
} from './renewal';
import { renameProfile } from './rename-profile';
import { mirrorSettings } from './settings-mirror';
import { SignInRequests } from './sign-in-requests';

/** What the popup and options pages may ask of the background (typed by `BackgroundRequests`). */
export const handlers: Handlers = {
  assume: async (request) => {
    const reply = await assumeRoles(request);
    // The source's renewal schedule follows the new expiry.
    await onAssumed(request.captureId).catch(() => undefined);
    return reply;
  },
  forget,
  hostStatus,
  save: saveToCredentialsFile,
  setUpCredentialProcess,
  makeFilePrivate: makeCredentialsFilePrivate,
  openConsole,
  setKeepFresh,
  setAppIdentifier,
  removeSaved,
  openSignIn,
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

  // The SP-initiated request My Apps sends to Entra names the app's exact identifier (with any `#N`): read it, so
  // renewal can send the same. Seen only once the person granted the Entra hosts ("Keep fresh").
  browser.webRequest.onBeforeRequest.addListener(
    (details) => {
      void observeSignInRequest(details).catch(() => undefined);
      return undefined;
    },
    { urls: IDP_ORIGINS.map((o) => o.replace(/\/\*$/, '/*/saml2*')), types: ['main_frame'] },
  );
  browser.permissions.onAdded.addListener(() => void onPermissionsChanged().catch(() => undefined));
  browser.permissions.onRemoved.addListener(() => void onPermissionsChanged().catch(() => undefined));

  const popupApi = (): ReminderClickApi => ({
    ...(browser.action.openPopup ? { openPopup: () => browser.action.openPopup() } : {}),
    openTab: (url) => browser.tabs.create({ url, active: true }),
    clearNotification: (n) => browser.notifications.clear(n),
    popupUrl: browser.runtime.getURL('/popup.html'),
  });
  browser.notifications.onClicked.addListener((id) => {
    if (id.startsWith('renew-')) void onNeedsYouClicked(id).catch(() => undefined);
    else void onNotificationClicked(id, popupApi());
  });
  // credential_process: the agent's port follows the setting; sessions are pushed on every change. Roles a source
  // keeps fresh are renewed on its schedule (the agent waits for a renewal in flight); others are assumed again.
  setAgentRenewer(async (roleArns) => {
    const kept = await awaitKeptFresh(roleArns);
    if (kept === undefined || kept.ok) return kept ?? assumeAgainRenewer(roleArns);
    return { ok: false, reason: 'needs-sign-in', message: kept.message };
  });
  watchAgentSessions();
  // The popup's copy of the validated settings (storage.session), written now and on every change.
  mirrorSettings();
  watchSettings((snapshot) => syncAgent(snapshot.settings, () => void openPopupOrTab(popupApi()).catch(() => undefined)));
  // Settings stored by an older version are written back in the current shape once, on update.
  browser.runtime.onInstalled.addListener(() => {
    void migrateStoredSettings().catch(() => undefined);
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === EXPIRY_ALARM) void scheduleExpiry();
    else void onRenewalAlarm(alarm.name).catch(() => undefined);
  });
}

/** Work for each start of the worker: lock storage.session to trusted pages, fail requests a stopped worker cut off, re-arm the expiry alarm. */
export function onWorkerStart(): void {
  void restrictSessionStorage();
  void scheduleExpiry();
  void onRenewalWorkerStart().catch(() => undefined);
}
