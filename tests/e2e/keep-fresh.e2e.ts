/**
 * Always fresh, end to end in Chromium: one ordinary sign-in, then credentials renewed from the browser's own Entra
 * session before they run low — with the real AWS CLI reading the saved profile all along, the real helper writing
 * it, and the emulators strict about every request (passive, the app's exact identifier, signatures, expiry).
 * Time is compressed: STS issues 60-second credentials, so a renewal comes every ~30 s (the rule is
 * `remaining ≤ min(30 min, lifetime / 2)`).
 */
import type { Worker } from '@playwright/test';
import { idpHostPermissions } from '../../lib/renewal/entra-hosts';
import { LOCAL_KEYS, SESSION_KEYS } from '../../lib/storage-keys';
import type { Emulators } from '../emulators/index';
import { APP_IDS, rolesFor, TENANT_ID, type WorldRole } from '../emulators/world';
import { runAws } from '../support/aws-cli';
import type { Page } from '@playwright/test';
import { PASSWORD } from '../emulators/world';
import { launchWithExtension, openAwsTile, openPopup, signInToMyApps, stopServiceWorker, type ExtensionBrowser } from '../support/browser';
import { ENTRA_FORM, isAcsPost } from '../support/sign-in';
import { waitFor } from '../support/poll';
import { savedKeyId } from '../support/saved-keys';
import { profileNameOf } from '../support/profile-names';
import { expect, storageArea, testWithHost } from './fixtures';

const ALICE = 'alice@contoso.com';
const LIFETIME_S = 60;

/** The helper's fixtures, with the Entra sign-in hosts granted (as after the person's click on "Keep fresh"). */
const test = testWithHost.extend<{ ext: ExtensionBrowser }>({
  ext: async ({ emulators, sandbox }, use) => {
    emulators.reset();
    const ext = await launchWithExtension({
      hostResolverRules: emulators.chromiumHostResolverRules,
      userDataDir: sandbox.userDataDir,
      env: { HOME: sandbox.home },
      grantedOptionalHosts: idpHostPermissions(),
    });
    await use(ext);
    await ext.close();
  },
});

/** The renewal record of the (only) source, read from the worker. */
async function renewalState(sw: Worker): Promise<{ kind: string; reason?: string } | undefined> {
  return sw.evaluate(async (prefix) => {
    const items = await chrome.storage.session.get(null);
    const record = Object.entries(items).find(([k]) => k.startsWith(prefix))?.[1] as { state: { kind: string; reason?: string } } | undefined;
    return record?.state;
  }, SESSION_KEYS.renewal.prefix);
}

/** The person signs in again the ordinary way: My Apps (still signed in there), the tile, Entra's password form. */
async function signInAgain(page: Page, user: string): Promise<void> {
  await signInToMyApps(page, user);
  const posted = page.waitForRequest((r) => isAcsPost(r.method(), r.url()), { timeout: 30_000 });
  await page.getByRole('link', { name: 'AWS', exact: true }).click();
  const form = page.locator(ENTRA_FORM.user);
  await form.waitFor({ state: 'visible', timeout: 10_000 });
  await form.fill(user);
  await page.locator(ENTRA_FORM.password).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await posted;
}

test.describe.configure({ mode: 'serial' });

test('a compressed day: one sign-in, ≥ 6 silent renewals, the AWS CLI never sees an expired key; a lost session asks once and resumes', async ({
  ext,
  page,
  emulators,
  sandbox,
  installHost,
}) => {
  test.setTimeout(9 * 60_000);
  installHost();
  // The morning: one ordinary sign-in, pick a role, save it.
  const { sw, role } = await morning(ext, page, emulators);
  const profile = profileNameOf(role);
  const clicksBefore = emulators.idp.samlRequests.filter((r) => !r.passive).length;
  // Any tab or window the extension opens from now on would show up here (tier 1 must open none).
  const opened: string[] = [];
  ext.context.on('page', (p) => opened.push(p.url()));

  // The day: the CLI reads the profile every few seconds while the extension renews by itself.
  const keyIds = new Set<string>([savedKeyId(sandbox.credentialsFile, profile)!]);
  const failures: string[] = [];
  let calls = 0;
  const renewals = () => emulators.idp.samlRequests.filter((r) => r.passive && r.answer === 'ok').length;
  for (let i = 0; i < 120 && renewals() < 6; i++) {
    const cli = await runAws(['sts', 'get-caller-identity'], { port: emulators.port, home: sandbox.home, profile });
    calls++;
    if (cli.code !== 0) failures.push(cli.stderr.trim());
    else expect(JSON.parse(cli.stdout).Arn).toContain(`assumed-role/${role.roleName}/`);
    keyIds.add(savedKeyId(sandbox.credentialsFile, profile)!);
    await new Promise((r) => setTimeout(r, 2000));
  }
  expect(renewals()).toBeGreaterThanOrEqual(6);
  expect(failures, 'the CLI never met an expired or refused key').toEqual([]);
  expect(calls).toBeGreaterThan(10);
  // Every renewal wrote new keys to the file.
  expect(keyIds.size).toBeGreaterThanOrEqual(6);
  // Invisible: no tab, no window, no MFA push, only passive requests for the app's exact identifier.
  expect(opened).toEqual([]);
  expect(emulators.idp.pushesSent).toBe(0);
  const requests = emulators.idp.samlRequests.filter((r) => r.passive);
  expect(requests.every((r) => r.issuer === 'https://signin.aws.amazon.com/saml' && r.loginHint === ALICE)).toBe(true);
  expect(emulators.idp.samlRequests.filter((r) => !r.passive).length).toBe(clicksBefore);
  // No more than the budget: ≤ 12 IdP requests per source per hour (here: one per cycle).
  expect(requests.length).toBeLessThanOrEqual(renewals() + 1);

  // Mid-day the Entra session ends: the next renewal fails closed, one notification, the badge says so.
  emulators.idp.endSession(ALICE);
  await waitFor('needs-you', async () => (await renewalState(sw))?.kind === 'needs-you', 90_000);
  expect((await renewalState(sw))?.reason).toBe('no-session');
  const notifications = await sw.evaluate(() => chrome.notifications.getAll());
  expect(Object.keys(notifications).filter((id) => id.startsWith('renew-needs-you|'))).toHaveLength(1);
  expect(await sw.evaluate(() => chrome.action.getBadgeText({}))).toBe('!');
  const askedWhileNeeded = emulators.idp.samlRequests.filter((r) => r.passive).length;
  // It does not keep asking while the person is needed (longer than a renewal cycle).
  await new Promise((r) => setTimeout(r, (LIFETIME_S / 2 + 5) * 1000));
  expect(emulators.idp.samlRequests.filter((r) => r.passive).length).toBe(askedWhileNeeded);

  // The person signs in again (the ordinary way): renewal resumes with no further action.
  await signInAgain(page, ALICE);
  await waitFor('fresh again', async () => (await renewalState(sw))?.kind === 'fresh', 30_000);
  const resumed = renewals();
  await waitFor('a renewal after resuming', async () => renewals() > resumed, 90_000);
  const cli = await runAws(['sts', 'get-caller-identity'], { port: emulators.port, home: sandbox.home, profile });
  expect(cli.code, cli.stderr).toBe(0);

  // Nothing secret outside storage.session after the whole day.
  for (const area of ['local', 'sync'] as const) {
    const text = JSON.stringify(await storageArea(ext, area));
    for (const issued of emulators.sts.issued) {
      expect(text).not.toContain(issued.secretAccessKey);
      expect(text).not.toContain(issued.sessionToken);
    }
    expect(text).not.toMatch(/SAMLResponse|PHNhbWxw/);
  }
  expect(Object.keys(await storageArea(ext, 'local')).every((k) => (Object.values(LOCAL_KEYS) as string[]).includes(k))).toBe(true);
});

/** Signs in, assumes the first role, saves it, and waits until its source is fresh. */
async function morning(ext: ExtensionBrowser, page: Page, emulators: Emulators): Promise<{ sw: Worker; role: WorldRole }> {
  emulators.sts.setLifetimeSeconds(LIFETIME_S);
  const role = rolesFor(ALICE, APP_IDS.aws)[0]!;
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  const popup = await openPopup(ext);
  await expect(popup.keepFresh()).toBeVisible();
  await popup.assume([role.roleArn]);
  await popup.save();
  await expect(popup.saveStatus()).toContainText('Saved 1 profile');
  await popup.page.close();
  const sw = await ext.serviceWorker();
  await waitFor('the source to be fresh', async () => (await renewalState(sw))?.kind === 'fresh', 15_000);
  return { sw, role };
}

test('device-bound sign-in: one background tab per cycle, never focused, closed within 10 s, and the renewal lands', async ({
  ext,
  page,
  emulators,
  installHost,
}) => {
  test.setTimeout(3 * 60_000);
  installHost();
  const { sw } = await morning(ext, page, emulators);
  emulators.idp.setScenario(ALICE, 'device-sso');
  const tabs: { url: string; opened: number; closed?: number }[] = [];
  ext.context.on('page', (p) => {
    const tab = { url: p.url(), opened: Date.now() } as { url: string; opened: number; closed?: number };
    tabs.push(tab);
    p.on('close', () => (tab.closed = Date.now()));
  });
  const front = page;
  await front.bringToFront();
  const ok = () => emulators.idp.samlRequests.filter((r) => r.passive && r.answer === 'ok').length;
  await waitFor('a renewal through the background tab', async () => ok() >= 1 && (await renewalState(sw))?.kind === 'fresh', 90_000);
  // Tier 1 (a fetch) was refused for want of the device's sign-in; the tab's navigation carried it.
  const passive = emulators.idp.samlRequests.filter((r) => r.passive);
  expect(passive.some((r) => r.secFetchMode !== 'navigate' && r.answer !== 'ok')).toBe(true);
  expect(passive.filter((r) => r.answer === 'ok').every((r) => r.secFetchMode === 'navigate')).toBe(true);
  expect(tabs).toHaveLength(1);
  await waitFor('the tab to close', async () => tabs[0]!.closed !== undefined, 15_000);
  expect(tabs[0]!.closed! - tabs[0]!.opened).toBeLessThan(10_000);
  // Focus unchanged: the person's page is still the one in front.
  expect(await front.evaluate(() => document.visibilityState)).toBe('visible');
  expect(emulators.idp.pushesSent).toBe(0);
});

test('throttled by Entra: the renewal backs off 30 s before asking again, then succeeds', async ({ ext, page, emulators, installHost }) => {
  test.setTimeout(3 * 60_000);
  installHost();
  const { sw } = await morning(ext, page, emulators);
  emulators.idp.setScenario(ALICE, 'throttled');
  const passive = () => emulators.idp.samlRequests.filter((r) => r.passive);
  await waitFor('the throttled answer', async () => passive().length >= 1, 60_000);
  const first = passive()[0]!.at.getTime();
  await waitFor('back-off', async () => (await renewalState(sw))?.kind === 'backoff', 10_000);
  emulators.idp.setScenario(ALICE, 'ok');
  await waitFor('the retry', async () => passive().length >= 2, 60_000);
  // Not before the first back-off step (30 s), and only one request per attempt.
  expect(passive()[1]!.at.getTime() - first).toBeGreaterThanOrEqual(29_000);
  await waitFor('fresh again', async () => (await renewalState(sw))?.kind === 'fresh', 30_000);
  expect(passive()).toHaveLength(2);
});

test('a worker stopped mid-renewal: the renewal completes after the restart, with no second IdP request', async ({
  ext,
  page,
  emulators,
  sandbox,
  installHost,
}) => {
  test.setTimeout(3 * 60_000);
  installHost();
  const { role } = await morning(ext, page, emulators);
  const profile = profileNameOf(role);
  const key = savedKeyId(sandbox.credentialsFile, profile);
  // STS answers slowly, so the renewal is caught between the IdP's answer and the new credentials.
  emulators.sts.latencyMs = 8000;
  const passive = () => emulators.idp.samlRequests.filter((r) => r.passive);
  await waitFor('the renewal request', async () => passive().length >= 1, 60_000);
  const popup = await openPopup(ext);
  await stopServiceWorker(ext, popup.page);
  // Any event starts it again (here the popup asking the background); the flight resumes with the assertion it had.
  emulators.sts.latencyMs = 0;
  await popup.page.reload();
  await waitFor('new keys in the file', async () => savedKeyId(sandbox.credentialsFile, profile) !== key, 60_000);
  expect(passive()).toHaveLength(1);
});

test('the #N trap: the app identifier is learnt from the request My Apps sends, or entered by the person when it could not be', async ({
  ext,
  page,
  emulators,
}) => {
  test.setTimeout(3 * 60_000);
  emulators.sts.setLifetimeSeconds(LIFETIME_S);
  const FRANK = 'frank@contoso.com';
  const role = rolesFor(FRANK, APP_IDS.team)[0]!;
  const passive = () => emulators.idp.samlRequests.filter((r) => r.passive);

  // Learnt: My Apps sends an SP-initiated request with `…/saml#3`; the Audience alone says `…/saml`.
  await signInToMyApps(page, FRANK);
  await openAwsTile(page, 'AWS Team');
  const popup = await openPopup(ext);
  await popup.assume([role.roleArn]);
  const sw = await ext.serviceWorker();
  await waitFor('a renewal with the learnt identifier', async () => passive().some((r) => r.answer === 'ok'), 60_000);
  expect(passive().every((r) => r.issuer === 'https://signin.aws.amazon.com/saml#3')).toBe(true);
  await popup.page.close();

  // Entered: an IdP-initiated sign-in shows no request, so the guess from the Audience is tried, Entra refuses it,
  // and the popup asks for the identifier; with it, renewal works.
  // Forget everything (as the popup's button does), so the next sign-in starts a new source record.
  await sw.evaluate(() => (chrome.storage.session as unknown as { clear(): Promise<void> }).clear());
  const before = passive().length;
  await page.goto(`https://login.microsoftonline.com/${TENANT_ID}/saml2?appid=${APP_IDS.team}&idpinitiated=true`);
  await page.waitForURL((u) => u.hostname.endsWith('signin.aws.amazon.com'));
  const again = await openPopup(ext);
  await again.assume([role.roleArn]);
  await waitFor('needs you: app unknown', async () => (await renewalState(sw))?.reason === 'app-unknown', 60_000);
  expect(passive().slice(before)[0]?.issuer).toBe('https://signin.aws.amazon.com/saml');
  const form = again.page.getByTestId('keep-fresh-identifier');
  await form.locator('input').fill('https://signin.aws.amazon.com/saml#3');
  await form.getByRole('button', { name: 'Use it' }).click();
  await waitFor('fresh with the entered identifier', async () => (await renewalState(sw))?.kind === 'fresh' && passive().at(-1)?.answer === 'ok', 60_000);
  expect(passive().at(-1)?.issuer).toBe('https://signin.aws.amazon.com/saml#3');
  expect(emulators.idp.pushesSent).toBe(0);
});
