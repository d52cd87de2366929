/**
 * Drives Debian's Firefox ESR with the built add-on (.output/firefox-mv3) through WebDriver BiDi, with
 * puppeteer-core as the client (it never downloads a browser: we start Firefox ourselves and connect).
 *
 * - Firefox runs headless with a new temporary profile whose user.js points every connection at the loopback
 *   proxy in ./emulator-proxy.ts (the real Entra/AWS hostnames reach the emulators) and pins the add-on's
 *   internal UUID (`extensions.webextensions.uuids`), so its pages are at a known `moz-extension://<uuid>/`.
 * - The add-on is installed with BiDi `webExtension.install` (a temporary install of the unpacked build).
 * - Firefox 153 lets WebDriver navigate to `moz-extension://` pages only when started with
 *   `--remote-allow-system-access`; it also never reports such a navigation as loaded, so we navigate without
 *   waiting and poll the page's readyState. Nothing in the product knows it is being tested.
 * - The same flag lets the harness script Firefox's own window (`chrome` scope), which is how a test answers the
 *   permission prompt that `permissions.request` opens there.
 * - `close()` ends Firefox's whole process group and removes the profile, also when a test failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { GECKO_ID } from '../../lib/extension-ids';
import { FIREFOX, FIREFOX_BUILD } from '../support/paths';

type PrefValue = string | number | boolean;

export interface LaunchOptions {
  /** Port of the loopback CONNECT proxy in front of the emulators. */
  proxyPort: number;
  extensionPath?: string;
  /** Added to Firefox's environment (e.g. a sandboxed HOME for native messaging). */
  env?: Record<string, string>;
  /** Variables removed from Firefox's environment. */
  unsetEnv?: string[];
  prefs?: Record<string, PrefValue>;
}

export interface FirefoxWithExtension {
  browser: Browser;
  /** `moz-extension://<uuid>` of the installed add-on. */
  extensionOrigin: string;
  /** A new tab showing the add-on's page at `path` (e.g. `popup.html`), loaded and scriptable. */
  openExtensionPage(path: string): Promise<Page>;
  /** Evaluates `expression` in Firefox's browser window (privileged); resolves to its JSON-serialisable value. */
  evaluateInBrowserWindow<T>(expression: string): Promise<T>;
  /** What Firefox printed (stdout and stderr), for failure messages. */
  output(): string;
  close(): Promise<void>;
}

const LAUNCH_TIMEOUT_MS = 30_000;
const PAGE_LOAD_TIMEOUT_MS = 10_000;

/** user.js lines; a pref set there wins over Firefox's defaults and the remote agent's recommended prefs. */
function userJs(prefs: Record<string, PrefValue>): string {
  return Object.entries(prefs)
    .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`)
    .join('\n');
}

function baselinePrefs(proxyPort: number, uuid: string): Record<string, PrefValue> {
  return {
    // Every connection, https and http, even to localhost, goes through the proxy (which serves only emulators).
    'network.proxy.type': 1,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': proxyPort,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': proxyPort,
    'network.proxy.no_proxies_on': '',
    'network.proxy.allow_hijacking_localhost': true,
    'network.trr.mode': 5,
    // The add-on's pages live at moz-extension://<uuid>/ — known before it is installed.
    'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
    'browser.shell.checkDefaultBrowser': false,
    'browser.startup.page': 0,
    'browser.startup.homepage_override.mstone': 'ignore',
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.reportingpolicy.firstRun': false,
    'app.update.disabledForTesting': true,
  };
}

/** The BiDi connection under puppeteer, for the few commands puppeteer has no API for. */
interface RawBidi {
  send(method: string, params: Record<string, unknown>): Promise<{ result: unknown }>;
}
function rawBidi(browser: Browser): RawBidi {
  // puppeteer-core's BidiBrowser keeps its connection as `connection` (not in the public types).
  const connection = (browser as unknown as { connection?: Partial<RawBidi> }).connection;
  if (!connection || typeof connection.send !== 'function')
    throw new Error('puppeteer-core no longer exposes its BiDi connection; update tests/firefox/harness.ts');
  return connection as RawBidi;
}

/** The BiDi browsing-context id of a puppeteer page (`Frame._id`, public but undocumented). */
function contextIdOf(page: Page): string {
  const id = (page.mainFrame() as unknown as { _id?: unknown })._id;
  if (typeof id !== 'string') throw new Error('cannot find the BiDi context id of a puppeteer page; update tests/firefox/harness.ts');
  return id;
}

function waitForBidiEndpoint(firefox: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => fail(new Error(`Firefox did not start WebDriver BiDi within ${LAUNCH_TIMEOUT_MS} ms:\n${output()}`)), LAUNCH_TIMEOUT_MS);
    const onData = () => {
      const m = /WebDriver BiDi listening on (ws:\/\/127\.0\.0\.1:\d+)/.exec(output());
      if (m) done(m[1]!);
    };
    const onExit = (code: number | null, signal: string | null) => fail(new Error(`Firefox exited (${code ?? signal}) before BiDi was up:\n${output()}`));
    const cleanup = () => {
      clearTimeout(timer);
      firefox.stderr?.off('data', onData);
      firefox.off('exit', onExit);
    };
    const done = (url: string) => {
      cleanup();
      resolvePromise(url);
    };
    const fail = (e: Error) => {
      cleanup();
      reject(e);
    };
    firefox.stderr?.on('data', onData);
    firefox.once('exit', onExit);
  });
}

function killGroup(firefox: ChildProcess): void {
  if (firefox.pid === undefined) return;
  try {
    // Firefox was started as its own process-group leader: this ends its content and utility processes too,
    // including any that outlived the main process.
    process.kill(-firefox.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function exited(firefox: ChildProcess, timeoutMs: number): Promise<void> {
  if (firefox.exitCode !== null || firefox.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(resolvePromise, timeoutMs);
    firefox.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts Firefox ESR with a temporary profile, connects over BiDi and installs the add-on. */
export async function launchFirefoxWithExtension(opts: LaunchOptions): Promise<FirefoxWithExtension> {
  const extensionPath = opts.extensionPath ?? FIREFOX_BUILD;
  if (!existsSync(join(extensionPath, 'manifest.json'))) throw new Error(`${extensionPath}/manifest.json not found: run npm run build:firefox first`);
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} not found: apt-get install -y firefox-esr`);

  const uuid = randomUUID();
  const profile = mkdtempSync(join(tmpdir(), 'aws-saml-bridge-firefox-'));
  writeFileSync(join(profile, 'user.js'), userJs({ ...baselinePrefs(opts.proxyPort, uuid), ...opts.prefs }));

  const env: NodeJS.ProcessEnv = { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1', ...opts.env };
  for (const name of opts.unsetEnv ?? []) delete env[name];
  const firefox = spawn(FIREFOX, ['--headless', '--no-remote', '--remote-debugging-port=0', '--remote-allow-system-access', '--profile', profile], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep the last part of what Firefox prints, for error messages (bounded: it can be chatty).
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-20_000);
  };
  firefox.stdout?.on('data', keep);
  firefox.stderr?.on('data', keep);
  // If the test process itself dies, Firefox must not outlive it.
  const onProcessExit = () => killGroup(firefox);
  process.once('exit', onProcessExit);

  let browser: Browser | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (browser) await withTimeout(browser.close(), 10_000, 'closing Firefox').catch(() => undefined);
    await exited(firefox, 5_000);
    killGroup(firefox);
    await exited(firefox, 5_000);
    process.off('exit', onProcessExit);
    rmSync(profile, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
  };

  try {
    const endpoint = await waitForBidiEndpoint(firefox, () => log);
    browser = await puppeteer.connect({
      browserWSEndpoint: `${endpoint}/session`,
      protocol: 'webDriverBiDi',
      // The emulators' certificate is self-signed, made at run time.
      acceptInsecureCerts: true,
      protocolTimeout: 30_000,
      defaultViewport: { width: 1000, height: 800 },
    });
    const installedId = await browser.installExtension(extensionPath);
    if (installedId !== GECKO_ID) throw new Error(`installed add-on id ${installedId}, expected ${GECKO_ID}`);
  } catch (e) {
    await close();
    throw e;
  }
  const connected = browser;
  const bidi = rawBidi(connected);
  const extensionOrigin = `moz-extension://${uuid}`;

  return {
    browser: connected,
    extensionOrigin,
    async openExtensionPage(path) {
      const page = await connected.newPage();
      const url = `${extensionOrigin}/${path}`;
      // `wait: none`: Firefox never reports a moz-extension:// navigation as complete over BiDi.
      await bidi.send('browsingContext.navigate', { context: contextIdOf(page), url, wait: 'none' });
      await page.waitForFunction(
        (expected: string) => location.href === expected && document.readyState === 'complete',
        { timeout: PAGE_LOAD_TIMEOUT_MS, polling: 50 },
        url,
      );
      return page;
    },
    async evaluateInBrowserWindow<T>(expression: string) {
      const tree = (await bidi.send('browsingContext.getTree', { 'moz:scope': 'chrome' })).result as { contexts: { context: string; url: string }[] };
      const window = tree.contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml');
      if (!window) throw new Error(`no Firefox browser window among ${tree.contexts.map((c) => c.url).join(', ')}`);
      const answer = (
        await bidi.send('script.evaluate', {
          expression: `(async () => JSON.stringify(await (${expression})))()`,
          target: { context: window.context },
          awaitPromise: true,
        })
      ).result as { type: 'success'; result: { type: string; value?: string } } | { type: 'exception'; exceptionDetails: { text: string } };
      if (answer.type === 'exception') throw new Error(`in Firefox's window: ${answer.exceptionDetails.text}`);
      const value = answer.result.value;
      return (value === undefined ? undefined : JSON.parse(value)) as T;
    },
    output: () => log,
    close,
  };
}
