/**
 * Issue 13 in Firefox ESR with the built add-on: a role reached by chaining is assumed right after its source (signed
 * with the source's session), and Open console lands on the emulated console as the source role and as the chained
 * one. Afterwards neither a sign-in token nor any credential of the chained session is in storage.local or sync.
 */
import type { Page } from 'puppeteer-core';
import type { ChainedRole } from '../../lib/settings';
import { LOCAL_KEYS } from '../../lib/storage-keys';
import { APP_IDS, rolesFor, world } from '../emulators/world';
import { POPUP } from '../support/popup-page';
import { expect, test } from './fixtures';
import { openAwsTile, signInToMyApps } from './flows';
import type { FirefoxWithExtension } from './harness';
import { openPopup, type FirefoxPopup } from './popup';

const ALICE = 'alice@contoso.com';
const roles = rolesFor(ALICE, APP_IDS.aws);
const ADMIN = roles.find((r) => r.roleArn === 'arn:aws:iam::111111111111:role/Admin')!;
const TRUST = world.chainTrust.find((t) => t.sourceRoleArn === ADMIN.roleArn)!;
const AUDITOR = TRUST.targetRoleArn;

/** Everything in the add-on's storage areas, as one string (read from its own page). */
function stored(page: Page, areas: readonly ('local' | 'sync' | 'session')[]): Promise<string> {
  return page.evaluate(async (names: string[]) => {
    const api = (globalThis as unknown as { browser: { storage: Record<string, { get(k: null): Promise<unknown> }> } }).browser;
    return JSON.stringify(await Promise.all(names.map((n) => api.storage[n]!.get(null))));
  }, areas as string[]);
}

const CONSOLE_HOME = 'https://console.aws.amazon.com/console/home';
const consoleTabs = async (firefox: FirefoxWithExtension) => (await firefox.browser.pages()).filter((p) => p.url().startsWith(CONSOLE_HOME));

/** Presses Open console for `arn` and returns the new tab once it shows the emulated console (bounded wait). */
async function openConsoleTab(firefox: FirefoxWithExtension, popup: FirefoxPopup, arn: string): Promise<Page> {
  const before = (await consoleTabs(firefox)).length;
  await popup.page.click(POPUP.openConsole(arn));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const tabs = await consoleTabs(firefox);
    if (tabs.length > before) {
      const tab = tabs.at(-1)!;
      await tab.waitForSelector('[data-testid="role-name"]', { timeout: 10_000 });
      return tab;
    }
    if (Date.now() > deadline)
      throw new Error(`no console tab after Open console for ${arn}: ${(await popup.textOf(popup.consoleError(arn))) || 'no error shown'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const text = (page: Page, testId: string) => page.$eval(`[data-testid="${testId}"]`, (e) => e.textContent ?? '');

test('Firefox: a chained role after its source, and Open console as each; no token or chained key in storage.local/sync', async ({
  firefox,
  tab: page,
  emulators,
}) => {
  // The user's settings, written from the add-on's own page as the options page would.
  const setup = await openPopup(firefox);
  const chained: ChainedRole[] = [{ targetRoleArn: AUDITOR, sourceRoleArn: ADMIN.roleArn, externalId: TRUST.externalId! }];
  await setup.page.evaluate(
    async (key: string, value: unknown) => {
      const api = (globalThis as unknown as { browser: { storage: { local: { set(v: object): Promise<void> } } } }).browser;
      await api.storage.local.set({ [key]: { version: 2, chainedRoles: value } });
    },
    LOCAL_KEYS.settings,
    chained,
  );
  await setup.page.close();

  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  const popup = await openPopup(firefox);
  await popup.waitForRoles(roles.length);
  await popup.assume([ADMIN.roleArn]);
  await popup.page.waitForSelector(`${POPUP.chainedResult(ADMIN.roleArn, AUDITOR)}[data-status="ok"]`, { timeout: 30_000 });

  const [source, target] = emulators.sts.issued;
  expect(emulators.sts.issued).toHaveLength(2);
  expect(target).toMatchObject({ roleArn: AUDITOR, chainedFrom: ADMIN.roleArn, principalArn: source!.assumedRoleArn, host: source!.host });
  expect(await popup.textOf(popup.chainedResult(ADMIN.roleArn, AUDITOR))).toContain(target!.accessKeyId);

  // Open console as the source role, then as the chained one (which asks for no SessionDuration).
  const adminTab = await openConsoleTab(firefox, popup, ADMIN.roleArn);
  expect(await text(adminTab, 'role-name')).toBe('Admin');
  const auditorTab = await openConsoleTab(firefox, popup, AUDITOR);
  expect(await text(auditorTab, 'role-name')).toBe(AUDITOR.split('/').pop());
  expect(await text(auditorTab, 'account')).toContain(AUDITOR.split(':')[4]);
  const tokens = emulators.signin.federation.filter((f) => f.action === 'getSigninToken');
  expect(tokens.map((f) => [f.ok, f.roleArn])).toEqual([
    [true, ADMIN.roleArn],
    [true, AUDITOR],
  ]);
  expect(tokens[0]!.sessionDuration).toBeGreaterThan(0);
  expect(tokens[1]!.sessionDuration).toBeUndefined();
  expect(emulators.signin.federation.filter((f) => f.action === 'login').map((f) => f.ok)).toEqual([true, true]);

  // Neither sign-in token is anywhere in storage; the chained session's keys are not in storage.local or sync.
  const everywhere = await stored(popup.page, ['local', 'sync', 'session']);
  for (const { signinToken } of tokens) {
    expect(signinToken!.length).toBeGreaterThan(16);
    expect(everywhere).not.toContain(signinToken);
  }
  expect(everywhere).not.toMatch(/SigninToken/i);
  const persistent = await stored(popup.page, ['local', 'sync']);
  for (const issued of [source!, target!]) {
    for (const secret of [issued.accessKeyId, issued.secretAccessKey, issued.sessionToken]) expect(persistent).not.toContain(secret);
  }
});
