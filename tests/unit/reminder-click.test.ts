import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));
// WXT's storage takes the global `chrome` when it is first imported.

const { onNotificationClicked } = await import('@/lib/background/reminder-click');
const { REMINDER_NOTIFICATION } = await import('@/lib/background/expiry');

const POPUP = 'chrome-extension://ndcebehelkhblldpkdbhkppfmpokkena/popup.html';

function api(openPopup?: () => Promise<unknown>) {
  const calls: string[] = [];
  return {
    calls,
    api: {
      ...(openPopup ? { openPopup: () => (calls.push('openPopup'), openPopup()) } : {}),
      openTab: async (url: string) => void calls.push(`tab ${url}`),
      clearNotification: async (id: string) => void calls.push(`clear ${id}`),
      popupUrl: POPUP,
    },
  };
}

describe('a click on the expiry reminder', () => {
  it.each<[string, (() => Promise<unknown>) | undefined, 'popup' | 'tab', string[]]>([
    ['opens the popup where the browser allows it', async () => undefined, 'popup', [`clear ${REMINDER_NOTIFICATION}`, 'openPopup']],
    [
      'opens the popup page in a tab when the browser refuses (Firefox: no user gesture)',
      () => Promise.reject(new Error('openPopup requires a user gesture')),
      'tab',
      [`clear ${REMINDER_NOTIFICATION}`, 'openPopup', `tab ${POPUP}`],
    ],
    ['opens the popup page in a tab where there is no openPopup', undefined, 'tab', [`clear ${REMINDER_NOTIFICATION}`, `tab ${POPUP}`]],
  ])('%s', async (_, openPopup, opened, calls) => {
    const a = api(openPopup);
    expect(await onNotificationClicked(REMINDER_NOTIFICATION, a.api)).toBe(opened);
    expect(a.calls).toEqual(calls);
  });

  it('other notifications are left alone', async () => {
    const a = api(async () => undefined);
    expect(await onNotificationClicked('someone-else', a.api)).toBe('none');
    expect(a.calls).toEqual([]);
  });

  it('a notification that cannot be cleared still opens the popup', async () => {
    const a = api(async () => undefined);
    a.api.clearNotification = () => Promise.reject(new Error('gone'));
    expect(await onNotificationClicked(REMINDER_NOTIFICATION, a.api)).toBe('popup');
  });
});
