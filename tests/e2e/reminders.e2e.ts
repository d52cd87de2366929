/**
 * Reminders and the badge in the real extension: the badge counts live sessions once roles are assumed, and a
 * notification (profile names only) comes shortly before credentials expire — once per session. Time is moved
 * forward inside the service worker only (Date.now), so the real alarm/notification code runs unchanged.
 */
import { APP_IDS, rolesFor } from '../emulators/world';
import { openAwsTile, openPopup, signInToMyApps, waitForCapturedRoles, type ExtensionBrowser } from '../support/browser';
import { badgeText, expect, test } from './fixtures';

const ALICE = 'alice@contoso.com';

async function badgeTitle(ext: ExtensionBrowser): Promise<string> {
  return (await ext.serviceWorker()).evaluate(() => chrome.action.getTitle({}));
}
async function notificationIds(ext: ExtensionBrowser): Promise<string[]> {
  return (await ext.serviceWorker()).evaluate(async () => Object.keys(await chrome.notifications.getAll()));
}

test('badge counts live sessions; a reminder comes 10 minutes before they expire, once', async ({ ext, page }) => {
  const roles = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, roles.length);
  expect(await badgeText(ext)).toBe(String(roles.length));

  const popup = await openPopup(ext);
  await popup.assume([roles[0]!.roleArn, roles[3]!.roleArn]);
  await expect.poll(() => badgeText(ext)).toBe('2');
  expect(await badgeTitle(ext)).toMatch(new RegExp(`${roles.length} roles from your sign-in, 2 live sessions \\(next expires .+\\)`));
  expect(await notificationIds(ext)).toEqual([]);

  // 52 minutes later (1-hour sessions, reminder 10 minutes before): the worker re-plans on any change; a Forget of
  // a sign-in that does not exist is such a change and touches nothing else.
  const sw = await ext.serviceWorker();
  await sw.evaluate(`{ const real = Date.now; Date.now = () => real() + 52 * 60000; }`);
  await popup.page.evaluate(`chrome.runtime.sendMessage({ type: 'forget', data: { captureId: 'none' } })`);
  await expect.poll(() => notificationIds(ext)).toEqual(['expiry-reminder']);

  // Once per session: cleared and re-planned, it does not come back.
  await sw.evaluate(() => chrome.notifications.clear('expiry-reminder'));
  await popup.page.evaluate(`chrome.runtime.sendMessage({ type: 'forget', data: { captureId: 'none' } })`);
  await popup.page.waitForTimeout(300);
  expect(await notificationIds(ext)).toEqual([]);

  // Past expiry the sessions are forgotten and the badge falls back to the roles of the sign-in.
  await sw.evaluate(`{ const real = Date.now; Date.now = () => real() + 10 * 60000; }`);
  await popup.page.evaluate(`chrome.runtime.sendMessage({ type: 'forget', data: { captureId: 'none' } })`);
  await expect.poll(() => badgeText(ext)).toBe(String(roles.length));
  await expect(popup.results()).toHaveCount(0);
});
