/** Playwright fixtures: emulators once per worker, a fresh Chromium profile with the built extension per test. */
import { test as base, expect } from '@playwright/test';
import { startEmulators, type Emulators } from '../emulators/index';
import { launchWithExtension, openPopup, type ExtensionBrowser } from '../support/browser';

export { expect };

export const test = base.extend<{ ext: ExtensionBrowser; page: import('@playwright/test').Page }, { emulators: Emulators }>({
  emulators: [
    async ({}, use) => {
      const emulators = await startEmulators();
      await use(emulators);
      await emulators.stop();
    },
    { scope: 'worker' },
  ],
  ext: async ({ emulators }, use) => {
    emulators.reset();
    const ext = await launchWithExtension({ hostResolverRules: emulators.chromiumHostResolverRules });
    await use(ext);
    await ext.close();
  },
  page: async ({ ext }, use) => {
    const page = await ext.context.newPage();
    await use(page);
  },
});

/** Everything the extension keeps in a storage area, read from an extension page. */
export async function storageArea(ext: ExtensionBrowser, area: 'local' | 'sync' | 'session'): Promise<Record<string, unknown>> {
  const page = await openPopup(ext);
  const items = await page.evaluate((a) => chrome.storage[a].get(null), area);
  await page.close();
  return items;
}

export async function badgeText(ext: ExtensionBrowser): Promise<string> {
  const sw = await ext.serviceWorker();
  return sw.evaluate(() => chrome.action.getBadgeText({}));
}
