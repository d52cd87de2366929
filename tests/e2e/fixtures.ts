/** Playwright fixtures: emulators once per worker, a fresh Chromium profile with the built extension per test. */
import { test as base, expect, type Page } from '@playwright/test';
import { startEmulators, type Emulators } from '../emulators/index';
import { rmSync } from 'node:fs';
import { launchWithExtension, openPopup, type ExtensionBrowser } from '../support/browser';
import { buildHost, installHostForChromium, makeSandbox, removeSandbox, type HostSandbox } from '../support/native-host';

export { expect };

export const test = base.extend<{ ext: ExtensionBrowser; page: Page }, { emulators: Emulators }>({
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

/**
 * The same, with the real credentials helper at hand: a sandboxed HOME and browser profile per test (the browser
 * runs with that HOME, so the host it starts writes `<sandbox>/home/.aws/credentials`), the host built once per
 * worker, and `installHost()` to register it for the profile as `install-host` does.
 */
export const testWithHost = test.extend<{ sandbox: HostSandbox; installHost: () => void }, { hostDist: string }>({
  hostDist: [
    async ({}, use) => {
      const dist = buildHost();
      await use(dist);
      rmSync(dist, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  sandbox: async ({}, use) => {
    const sandbox = makeSandbox();
    await use(sandbox);
    removeSandbox(sandbox);
  },
  ext: async ({ emulators, sandbox }, use) => {
    emulators.reset();
    const ext = await launchWithExtension({
      hostResolverRules: emulators.chromiumHostResolverRules,
      userDataDir: sandbox.userDataDir,
      env: { HOME: sandbox.home },
    });
    await use(ext);
    await ext.close();
  },
  installHost: async ({ hostDist, sandbox }, use) => {
    await use(() => installHostForChromium(hostDist, sandbox));
  },
});

/** Everything the extension keeps in a storage area, read from an extension page. */
export async function storageArea(ext: ExtensionBrowser, area: 'local' | 'sync' | 'session'): Promise<Record<string, unknown>> {
  const popup = await openPopup(ext);
  const items = await popup.page.evaluate((a) => chrome.storage[a].get(null), area);
  await popup.close();
  return items;
}

export async function badgeText(ext: ExtensionBrowser): Promise<string> {
  const sw = await ext.serviceWorker();
  return sw.evaluate(() => chrome.action.getBadgeText({}));
}
