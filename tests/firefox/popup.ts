/** The popup page object (tests/support/popup-page.ts) over a puppeteer-core page in Firefox. */
import type { ElementHandle, Page } from 'puppeteer-core';
import { PopupPage, type PageDriver } from '../support/popup-page';
import type { FirefoxWithExtension } from './harness';

/** How long an element may take to show up before an action on it fails. */
const ELEMENT_MS = 10_000;

/** `PageDriver` over puppeteer-core: handles are the selectors themselves, looked up at each use; every wait is bounded. */
export function puppeteerDriver(page: Page): PageDriver<string> {
  const shown = async (selector: string): Promise<ElementHandle> => {
    const handle = await page.waitForSelector(selector, { visible: true, timeout: ELEMENT_MS });
    if (!handle) throw new Error(`${selector} is not in the popup`);
    return handle;
  };
  const withShown = async (selector: string, act: (handle: ElementHandle) => Promise<void>) => {
    const handle = await shown(selector);
    try {
      await act(handle);
    } finally {
      await handle.dispose();
    }
  };
  return {
    locate: (selector) => selector,
    click: (selector) => withShown(selector, (h) => h.click()),
    check: (selector) =>
      withShown(selector, async (h) => {
        if (!(await h.evaluate((e) => (e as HTMLInputElement).checked))) await h.click();
      }),
    fill: async (selector, text) => {
      await page.locator(selector).setTimeout(ELEMENT_MS).fill(text);
    },
    select: async (selector, value) => {
      await shown(selector).then((h) => h.dispose());
      await page.select(selector, value);
    },
    count: (selector) => page.$$eval(selector, (elements) => elements.length),
    texts: (selector) => page.$$eval(selector, (elements) => elements.map((e) => e.textContent ?? '')),
    attributes: (selector, name) => page.$$eval(selector, (elements, n) => elements.map((e) => e.getAttribute(n)), name),
    isVisible: async (selector) => {
      const handle = await page.$(selector);
      if (!handle) return false;
      const visible = await handle.isVisible();
      await handle.dispose();
      return visible;
    },
    waitFor: async (selector, state, timeout) => {
      if (state === 'detached') await page.waitForFunction((s: string) => !document.querySelector(s), { timeout, polling: 100 }, selector);
      else await page.waitForSelector(selector, { timeout, visible: state === 'visible', hidden: state === 'hidden' }).then((h) => h?.dispose());
    },
    readClipboard: () => page.evaluate(() => navigator.clipboard.readText()),
    writeClipboard: (text) => page.evaluate((t: string) => navigator.clipboard.writeText(t), text),
  };
}

/** The popup in a Firefox tab; `page` is there for what only the spec does (storage reads, screenshots). */
export class FirefoxPopup extends PopupPage<string> {
  constructor(readonly page: Page) {
    super(puppeteerDriver(page));
  }
}

/** Opens the add-on's popup page in a new tab. */
export async function openPopup(firefox: FirefoxWithExtension): Promise<FirefoxPopup> {
  return new FirefoxPopup(await firefox.openExtensionPage('popup.html'));
}
