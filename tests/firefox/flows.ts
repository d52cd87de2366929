/**
 * The user's steps before the popup in Firefox, as tests/support/browser.ts has them for Chromium, with
 * puppeteer-core's API: sign in at the emulated My Apps, click an AWS tile. The popup itself: ./popup.ts.
 * Every wait has a time limit.
 */
import type { Page } from 'puppeteer-core';
import { PASSWORD } from '../emulators/world';
import { ENTRA_FORM, isAcsPost, isAwsPage, MY_APPS_URL } from '../support/sign-in';

/** Polls `page.url()` (puppeteer tracks it across navigations) until `reached` says so; bounded by `timeoutMs`. */
export async function waitForUrl(page: Page, reached: (url: string) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!reached(page.url())) {
    if (Date.now() > deadline) throw new Error(`page stayed at ${page.url()}, expected ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Signs in at the emulated Entra through My Apps (user name, then password, like the real page). */
export async function signInToMyApps(page: Page, user: string): Promise<void> {
  await page.goto(MY_APPS_URL, { waitUntil: 'load' });
  if (await page.$(ENTRA_FORM.user)) {
    await page.type(ENTRA_FORM.user, user);
    await page.type(ENTRA_FORM.password, PASSWORD);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 15_000 }), page.click('input[type="submit"][value="Sign in"]')]);
  }
  await waitForUrl(page, (url) => url.startsWith(MY_APPS_URL), 'My Apps');
}

/** Clicks the My Apps tile named `appName`; resolves once the browser POSTed the assertion to AWS and AWS answered. */
export async function openAwsTile(page: Page, appName: string): Promise<void> {
  const tile = await page.waitForSelector(`::-p-xpath(//a[contains(@class,"app-tile")][normalize-space(.)=${JSON.stringify(appName)}])`, { timeout: 5_000 });
  if (!tile) throw new Error(`no My Apps tile named ${appName}`);
  const posted = page.waitForRequest((r) => isAcsPost(r.method(), r.url()), { timeout: 15_000 });
  await tile.click();
  await posted;
  // The role picker, or the console for a single-role user.
  await waitForUrl(page, isAwsPage, 'an AWS sign-in or console page');
  await page.waitForFunction(() => document.readyState === 'complete', { timeout: 10_000 });
}
