/**
 * Drives Debian's Chromium with the built extension the way a user does: sign in at (emulated) My Apps,
 * click an AWS tile, open the popup (then ./popup-page.ts: pick roles, assume, copy). Shared by the e2e suite,
 * the demo and the benchmark so all three exercise the same path.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { PASSWORD } from '../emulators/world';
import { SESSION_KEYS } from '../../lib/storage-keys';
import { CHROME_BUILD, CHROMIUM } from './paths';
import { PlaywrightPopup } from './popup-playwright';
import { ENTRA_FORM, isAcsPost, MY_APPS_URL } from './sign-in';

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  serviceWorker: () => Promise<Worker>;
  close: () => Promise<void>;
}

/** Starts Chromium with the built extension, resolving the real Entra/AWS hostnames to the emulators. */
export async function launchWithExtension(opts: {
  hostResolverRules: string;
  headless?: boolean;
  extensionPath?: string;
  userDataDir?: string;
  /** Extra environment for the browser, and so for the native host it starts (e.g. a sandboxed HOME). */
  env?: Record<string, string>;
  /** Another program to start instead of CHROMIUM (e.g. a wrapper that must `exec` Chromium with its arguments). */
  executablePath?: string;
  /**
   * Optional host permissions the person has granted (as if they had clicked "Allow" in Chromium's prompt, which
   * automation cannot reach): the browser starts once to install the extension, then again with the grant.
   */
  grantedOptionalHosts?: string[];
}): Promise<ExtensionBrowser> {
  const userDataDir = opts.userDataDir ?? mkdtempSync(join(tmpdir(), 'aws-saml-bridge-profile-'));
  if (opts.grantedOptionalHosts?.length) {
    const first = await launchOnce({ ...opts, userDataDir });
    await first.context.close();
    grantHostPermissions(userDataDir, first.extensionId, opts.grantedOptionalHosts);
  }
  const ext = await launchOnce({ ...opts, userDataDir });
  return {
    ...ext,
    close: async () => {
      await ext.close();
      if (!opts.userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Records host permissions as granted to the extension in a (closed) Chromium profile: what Chromium itself
 * stores when the person accepts a `permissions.request` prompt (`granted_permissions` and `active_permissions`).
 */
export function grantHostPermissions(userDataDir: string, extensionId: string, origins: string[]): void {
  const file = join(userDataDir, 'Default', 'Preferences');
  const prefs = JSON.parse(readFileSync(file, 'utf8')) as { extensions?: { settings?: Record<string, Record<string, { explicit_host?: string[] }>> } };
  const entry = prefs.extensions?.settings?.[extensionId];
  if (!entry) throw new Error(`the profile at ${userDataDir} has no settings for extension ${extensionId}`);
  for (const key of ['granted_permissions', 'active_permissions']) {
    const perms = (entry[key] ??= {});
    perms.explicit_host = [...new Set([...(perms.explicit_host ?? []), ...origins])];
  }
  writeFileSync(file, JSON.stringify(prefs));
}

async function launchOnce(opts: Parameters<typeof launchWithExtension>[0] & { userDataDir: string }): Promise<ExtensionBrowser> {
  const ext = opts.extensionPath ?? CHROME_BUILD;
  const userDataDir = opts.userDataDir;
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: opts.executablePath ?? CHROMIUM,
    headless: opts.headless ?? true,
    ...(opts.env ? { env: { ...(process.env as Record<string, string>), ...opts.env } } : {}),
    ignoreHTTPSErrors: true,
    viewport: { width: 1100, height: 800 },
    args: [
      `--disable-extensions-except=${ext}`,
      `--load-extension=${ext}`,
      `--host-resolver-rules=${opts.hostResolverRules}`,
      '--ignore-certificate-errors',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-features=Translate,OptimizationHints,MediaRouter',
    ],
  });
  const serviceWorker = async () => context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const worker = await serviceWorker();
  const extensionId = new URL(worker.url()).host;
  // Chromium reports the worker before its script has run: a sign-in posted in that moment would go unseen
  // (as on a real first install). Wait until the background has registered its SAML listener.
  for (let i = 0; !(await worker.evaluate(() => chrome.webRequest.onBeforeRequest.hasListeners())); i++) {
    if (i >= 100) throw new Error('the extension never registered its webRequest listener');
    await new Promise((r) => setTimeout(r, 50));
  }
  // Chromium answers the first storage.managed read only once its policy service is up, 2–3 s after the browser
  // started; the background waits for it before naming profiles. A user's browser has long been running when they
  // sign in to AWS; wait here too, so timings and tests measure the extension, not the browser's start.
  await worker.evaluate(() => chrome.storage.managed.get(null).catch(() => undefined));
  // Lets the tests read back what the popup copied (Chromium refuses a grant scoped to an extension origin).
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  return {
    context,
    extensionId,
    serviceWorker,
    close: () => context.close(),
  };
}

/** Signs in at the emulated Entra (through My Apps) and returns the My Apps page. */
export async function signInToMyApps(page: Page, user: string): Promise<void> {
  await page.goto(MY_APPS_URL);
  const login = page.locator(ENTRA_FORM.user);
  if (await login.isVisible()) {
    await login.fill(user);
    await page.locator(ENTRA_FORM.password).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.waitForURL((url) => url.href.startsWith(MY_APPS_URL));
}

/** Clicks an AWS tile and waits until the browser has POSTed the assertion to AWS (role picker or console). */
export async function openAwsTile(page: Page, appName: string): Promise<void> {
  const posted = page.waitForRequest((r) => isAcsPost(r.method(), r.url()));
  await page.getByRole('link', { name: appName, exact: true }).click();
  await posted;
  await page.waitForLoadState('load');
}

/** Resolves when the extension holds `count` roles in storage.session (read from its service worker). */
export async function waitForCapturedRoles(ext: ExtensionBrowser, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; Date.now() < deadline && i < 200; i++) {
    const sw = await ext.serviceWorker();
    const seen = await sw.evaluate(async (capturePrefix) => {
      const items = await chrome.storage.session.get(null);
      return Object.entries(items)
        .filter(([k]) => k.startsWith(capturePrefix))
        .reduce((n, [, c]) => n + (c as { summary: { roles: unknown[] } }).summary.roles.length, 0);
    }, SESSION_KEYS.capture.prefix);
    if (seen >= count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The extension did not capture ${count} roles within ${timeoutMs} ms`);
}

/** The address of one of the extension's pages (`popup.html`, `options.html`). */
export function extensionPageUrl(ext: ExtensionBrowser, path: string): string {
  return `chrome-extension://${ext.extensionId}/${path}`;
}

/** Opens the popup in a new tab. */
export async function openPopup(ext: ExtensionBrowser): Promise<PlaywrightPopup> {
  const page = await ext.context.newPage();
  await page.goto(extensionPageUrl(ext, 'popup.html'));
  return new PlaywrightPopup(page);
}

/**
 * Stops the extension's service worker the way Chrome does after 30 s idle, through the DevTools protocol
 * (`ServiceWorker.stopWorker`) of an extension page, and waits until Chrome reports it stopped.
 */
export async function stopServiceWorker(ext: ExtensionBrowser, extensionPage: Page): Promise<void> {
  const cdp = await ext.context.newCDPSession(extensionPage);
  type Version = { versionId: string; scriptURL: string; runningStatus: string };
  const latest = new Map<string, Version>();
  let onUpdate: () => void = () => undefined;
  cdp.on('ServiceWorker.workerVersionUpdated', (e: { versions: Version[] }) => {
    for (const v of e.versions) if (v.scriptURL.startsWith(`chrome-extension://${ext.extensionId}/`)) latest.set(v.versionId, v);
    onUpdate();
  });
  const settled = (status: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`service worker never reached "${status}"`)), 10_000);
      onUpdate = () => {
        if ([...latest.values()].some((v) => v.runningStatus === status) && [...latest.values()].every((v) => v.runningStatus === status)) {
          clearTimeout(timer);
          resolve();
        }
      };
      onUpdate();
    });
  await cdp.send('ServiceWorker.enable');
  await settled('running').catch(() => undefined);
  for (const v of latest.values()) if (v.runningStatus === 'running') await cdp.send('ServiceWorker.stopWorker', { versionId: v.versionId });
  await settled('stopped');
  await cdp.send('ServiceWorker.disable');
  await cdp.detach();
}
