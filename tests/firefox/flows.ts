/**
 * The user's steps in Firefox, mirroring tests/support/browser.ts (Chromium) with puppeteer-core's API: sign in at
 * the emulated My Apps, click an AWS tile, pick roles in the popup, assume, copy. Every wait has a time limit.
 */
import type { Page } from 'puppeteer-core';
import { PASSWORD } from '../emulators/world';

/** The SAML POST to an AWS sign-in (ACS) endpoint, any partition, with or without Defender for Cloud Apps. */
const ACS_URL = /^https:\/\/([a-z0-9-]+\.)?signin\.(aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)(\.mcas\.ms)?\/saml/;

/** Polls `page.url()` (puppeteer tracks it across navigations) until it matches; bounded by `timeoutMs`. */
export async function waitForUrl(page: Page, pattern: RegExp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(page.url())) {
    if (Date.now() > deadline) throw new Error(`page stayed at ${page.url()}, expected ${pattern}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Signs in at the emulated Entra through My Apps (user name, then password, like the real page). */
export async function signInToMyApps(page: Page, user: string): Promise<void> {
  await page.goto('https://myapplications.microsoft.com/', { waitUntil: 'load' });
  if (await page.$('input[name="loginfmt"]')) {
    await page.type('input[name="loginfmt"]', user);
    await page.type('input[name="passwd"]', PASSWORD);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 15_000 }), page.click('input[type="submit"][value="Sign in"]')]);
  }
  await waitForUrl(page, /^https:\/\/myapplications\.microsoft\.com\//);
}

/** Clicks the My Apps tile named `appName`; resolves once the browser POSTed the assertion to AWS and AWS answered. */
export async function openAwsTile(page: Page, appName: string): Promise<void> {
  const tile = await page.waitForSelector(`::-p-xpath(//a[contains(@class,"app-tile")][normalize-space(.)=${JSON.stringify(appName)}])`, { timeout: 5_000 });
  if (!tile) throw new Error(`no My Apps tile named ${appName}`);
  const posted = page.waitForRequest((r) => r.method() === 'POST' && ACS_URL.test(r.url()), { timeout: 15_000 });
  await tile.click();
  await posted;
  // The role picker, or the console for a single-role user.
  await waitForUrl(page, /^https:\/\/([a-z0-9-]+\.)?(signin|console)\.(aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)\//);
  await page.waitForFunction(() => document.readyState === 'complete', { timeout: 10_000 });
}

/** Waits until the popup lists exactly `count` roles (it follows storage.session live). */
export async function waitForRoleRows(popup: Page, count: number, timeoutMs = 10_000): Promise<void> {
  await popup.waitForFunction((n: number) => document.querySelectorAll('[data-testid="role-row"]').length === n, { timeout: timeoutMs, polling: 100 }, count);
}

const resultSelector = (roleArn: string) => `[data-testid="result"][data-role-arn="${roleArn}"]`;

/** Ticks the roles (by ARN) with real clicks and presses Assume; resolves when every result has settled. */
export async function assumeInPopup(popup: Page, roleArns: string[]): Promise<void> {
  for (const arn of roleArns) await popup.click(`[data-testid="role-row"][data-role-arn="${arn}"] input[type="checkbox"]`);
  await popup.click('[data-testid="assume"]');
  for (const arn of roleArns) await popup.waitForSelector(`${resultSelector(arn)}:not([data-status="pending"])`, { timeout: 30_000 });
}

export async function resultStatus(popup: Page, roleArn: string): Promise<string | null> {
  return popup.$eval(resultSelector(roleArn), (el) => el.getAttribute('data-status'));
}

export async function resultText(popup: Page, roleArn: string): Promise<string> {
  return popup.$eval(resultSelector(roleArn), (el) => el.textContent ?? '');
}

/** Clicks one copy button of a result and returns what landed on the clipboard (read back in the popup). */
export async function copyFromResult(popup: Page, roleArn: string, format: string): Promise<string> {
  // Clear first, so a copy that silently failed cannot pass with the previous text.
  await popup.evaluate(() => navigator.clipboard.writeText(''));
  await popup.click(`${resultSelector(roleArn)} [data-testid="copy-${format}"]`);
  const deadline = Date.now() + 5_000;
  for (;;) {
    const text = await popup.evaluate(() => navigator.clipboard.readText());
    if (text !== '' || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether an element matching `selector` is in the page and rendered. */
export async function isVisible(page: Page, selector: string): Promise<boolean> {
  const handle = await page.$(selector);
  if (!handle) return false;
  const visible = await handle.isVisible();
  await handle.dispose();
  return visible;
}
