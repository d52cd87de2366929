/** The popup page object over a Playwright page (Chromium specs, the demo, the benchmark). */
import type { Locator, Page } from '@playwright/test';
import { PopupPage, type PageDriver } from './popup-page';

/** `PageDriver` over Playwright: handles are Locators, so specs keep Playwright's retrying assertions on them. */
export function playwrightDriver(page: Page): PageDriver<Locator> {
  return {
    locate: (selector) => page.locator(selector),
    click: (target) => target.click(),
    check: (target) => target.check(),
    fill: (target, text) => target.fill(text),
    select: async (target, value) => {
      await target.selectOption(value);
    },
    count: (target) => target.count(),
    texts: (target) => target.allTextContents(),
    attributes: (target, name) => target.evaluateAll((elements, n) => elements.map((e) => e.getAttribute(n)), name),
    isVisible: (target) => target.first().isVisible(),
    waitFor: (target, state, timeout) => target.first().waitFor({ state, timeout }),
    readClipboard: () => page.evaluate(() => navigator.clipboard.readText()),
    writeClipboard: (text) => page.evaluate((t) => navigator.clipboard.writeText(t), text),
  };
}

/** The popup in a Playwright page; `page` is there for what only Playwright does (keyboard, downloads, viewport). */
export class PlaywrightPopup extends PopupPage<Locator> {
  constructor(readonly page: Page) {
    super(playwrightDriver(page));
  }

  close(): Promise<void> {
    return this.page.close();
  }
}
