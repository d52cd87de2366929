/**
 * Background: what a click on the expiry reminder does — open the popup (where the sessions and their expiry are),
 * or, where the browser refuses that (Firefox without a user gesture, Chromium without a focused window), the same
 * page in a tab. The browser calls come in as `api`, so the choice is tested without a browser.
 */
import { REMINDER_NOTIFICATION } from './expiry';

export interface ReminderClickApi {
  /** `action.openPopup`, where the browser has it. */
  openPopup?: () => Promise<unknown>;
  /** Opens an extension page in a new, active tab. */
  openTab: (url: string) => Promise<unknown>;
  clearNotification: (id: string) => Promise<unknown>;
  /** `runtime.getURL('/popup.html')`. */
  popupUrl: string;
}

/** Handles `notifications.onClicked`; other notifications are left alone. Returns what was opened. */
export async function onNotificationClicked(notificationId: string, api: ReminderClickApi): Promise<'popup' | 'tab' | 'none'> {
  if (notificationId !== REMINDER_NOTIFICATION) return 'none';
  await api.clearNotification(notificationId).catch(() => undefined);
  return openPopupOrTab(api);
}

/** Opens the popup, or the same page in a tab where the browser refuses (also for `credential-process --wait`). */
export async function openPopupOrTab(api: Pick<ReminderClickApi, 'openPopup' | 'openTab' | 'popupUrl'>): Promise<'popup' | 'tab'> {
  if (api.openPopup) {
    try {
      await api.openPopup();
      return 'popup';
    } catch {
      // Falls through to the tab.
    }
  }
  await api.openTab(api.popupUrl);
  return 'tab';
}
