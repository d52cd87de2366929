/**
 * Playwright-runner fixtures for the Firefox suite (Playwright only runs and counts the tests; the browser is
 * Debian's Firefox ESR driven over WebDriver BiDi by ./harness.ts). Emulators and the loopback proxy start once
 * per worker; every test gets a fresh Firefox profile with the built add-on.
 */
import { test as base, expect } from '@playwright/test';
import type { Page } from 'puppeteer-core';
import { startEmulators, type Emulators } from '../emulators/index';
import { startEmulatorProxy, type EmulatorProxy } from './emulator-proxy';
import { launchFirefoxWithExtension, type FirefoxWithExtension, type LaunchOptions } from './harness';

export { expect };

export interface FirefoxFixtures {
  /** Options for the Firefox of this test (override with `test.use({ firefoxOptions: … })` or a fixture). */
  firefoxOptions: Omit<LaunchOptions, 'proxyPort'>;
  firefox: FirefoxWithExtension;
  /** A normal tab for the sign-in (not `page`: that name is Playwright's own browser page). */
  tab: Page;
}

export const test = base.extend<FirefoxFixtures, { emulators: Emulators; emulatorProxy: EmulatorProxy }>({
  emulators: [
    async ({}, use) => {
      const emulators = await startEmulators();
      await use(emulators);
      await emulators.stop();
    },
    { scope: 'worker' },
  ],
  emulatorProxy: [
    async ({ emulators }, use) => {
      const proxy = await startEmulatorProxy(emulators.port);
      await use(proxy);
      await proxy.stop();
    },
    { scope: 'worker' },
  ],
  firefoxOptions: [{}, { option: true }],
  firefox: async ({ emulators, emulatorProxy, firefoxOptions }, use, testInfo) => {
    emulators.reset();
    const firefox = await launchFirefoxWithExtension({ ...firefoxOptions, proxyPort: emulatorProxy.port });
    try {
      await use(firefox);
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('firefox-output.txt', { body: firefox.output(), contentType: 'text/plain' });
      await firefox.close();
    }
  },
  tab: async ({ firefox }, use) => {
    const page = (await firefox.browser.pages())[0] ?? (await firefox.browser.newPage());
    await use(page);
  },
});
