/**
 * STS fault matrix in Chromium with the built extension: everything that can go wrong between pressing Assume and
 * the credentials being kept — throttling, 5xx, dropped connections, a black-holed STS, a captive portal or proxy
 * answering instead, odd or hostile credential values, the browser stopping the worker mid-call. Each shows its own
 * plain message in the popup, and the next assume works once the fault is gone.
 */
import type { Page } from '@playwright/test';
import type { TamperedCredentials } from '../emulators/sts/faults';
import { APP_IDS, rolesFor } from '../emulators/world';
import { openAwsTile, openPopup, signInToMyApps, waitForCapturedRoles, type ExtensionBrowser } from '../support/browser';
import type { PlaywrightPopup } from '../support/popup-playwright';
import { MY_APPS_URL } from '../support/sign-in';
import { expect, storageArea, test } from './fixtures';
import type { Emulators } from '../emulators/index';

const ALICE = 'alice@contoso.com';
const ROLE = rolesFor(ALICE, APP_IDS.aws)[0]!;
const NOT_STS = 'Something between you and AWS (a proxy, captive portal or firewall) answered instead of STS at sts.amazonaws.com';

const card = (popup: PlaywrightPopup) => popup.result(ROLE.roleArn);

/** Ticks the role and presses Assume once the popup is ready for it (not busy with the previous press). */
async function tickAndAssume(popup: PlaywrightPopup): Promise<void> {
  await popup.tick(ROLE.roleArn);
  await popup.pressAssume();
}

async function signIn(ext: ExtensionBrowser, page: Page): Promise<void> {
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, rolesFor(ALICE, APP_IDS.aws).length);
}

/** STS requests the emulator saw, without CORS preflights. */
const stsOutcomes = (emulators: Emulators) => emulators.sts.requests.filter((r) => r.outcome !== 'Preflight').map((r) => r.outcome);

test('refusals, middleboxes and odd credentials: each in its own plain words, then a clean assume works', async ({ ext, page, emulators }) => {
  test.setTimeout(120_000);
  await signIn(ext, page);
  const popup = await openPopup(ext);
  const hostile: TamperedCredentials[] = [];
  const cases: { name: string; inject: () => void; message: string }[] = [
    { name: 'captive portal', inject: () => emulators.sts.failNext('html200'), message: `${NOT_STS}.` },
    {
      name: 'throttling',
      inject: () => emulators.sts.failNext('throttle', 3),
      message: 'AWS STS at sts.amazonaws.com is throttling requests (tried 3 times).',
    },
    { name: 'empty 200', inject: () => emulators.sts.failNext('empty200'), message: `${NOT_STS}.` },
    // Chrome itself resends a request once when a kept-alive connection is reset: more resets than attempts.
    { name: 'connection reset', inject: () => emulators.sts.failNext('reset', 10), message: 'Could not reach AWS STS at sts.amazonaws.com (tried 3 times).' },
    { name: 'unparsable expiration', inject: () => emulators.sts.tamperNext({ expiration: 'tomorrow' }), message: `${NOT_STS}.` },
    ...(
      [
        [{ secretAccessKey: 'wJalrXUtnFEMI K7MDENG$(id)PxRfiCYEXAMPLEKEY' }, 'the secret access key is not 16–128 base64 characters'],
        [{ sessionToken: 'IQoJb3JpZ2luX2VjEJr\n[default]\naws_access_key_id = AKIAEVIL' }, 'the session token is not 16–16384 base64 characters'],
        [{ accessKeyId: 'ASIA`reboot`;%PATH%"x' }, 'the access key id is not 16–128 capital letters and digits'],
        [{ expiration: '2020-01-01T00:00:00Z' }, 'the expiration has already passed'],
      ] as const
    ).map(([values, problem]) => ({
      name: `odd ${Object.keys(values)[0]}`,
      inject: () => {
        hostile.push(values);
        emulators.sts.tamperNext(values);
      },
      message: `STS at sts.amazonaws.com answered with credentials that are not well-formed (${problem}), so the extension did not keep them.`,
    })),
    // 5xx last: after a few in a row Chrome refuses the extension's next requests to STS for a moment without
    // sending them (its anti-DDoS throttle); the message still names what STS (or the proxy) last answered.
    { name: 'proxy 502', inject: () => emulators.sts.failNext('proxy502', 3), message: `${NOT_STS} (tried 3 times).` },
    { name: '500', inject: () => emulators.sts.failNext('500', 3), message: 'AWS STS at sts.amazonaws.com had an internal error (tried 3 times).' },
  ];
  for (const c of cases) {
    emulators.sts.reset(); // failures Chrome's throttle kept from reaching the emulator do not carry over
    c.inject();
    await tickAndAssume(popup);
    await expect(card(popup), c.name).toContainText(c.message);
    await expect(card(popup)).toHaveAttribute('data-status', 'error');
  }
  // Nothing hostile was kept anywhere, nor shown.
  const session = JSON.stringify(await storageArea(ext, 'session'));
  for (const values of hostile) {
    for (const v of Object.values(values)) {
      expect(session).not.toContain(JSON.stringify(v).slice(1, -1));
      await expect(popup.everything()).not.toContainText(v);
    }
  }

  // The fault is gone (and Chrome's back-off after the 5xx answers has run out): the same sign-in, assumed again,
  // gives the credentials STS issued.
  emulators.sts.reset();
  await popup.page.waitForTimeout(3000);
  await tickAndAssume(popup);
  await expect(card(popup)).toHaveAttribute('data-status', 'ok');
  const issued = emulators.sts.issued.at(-1)!;
  await expect(card(popup)).toContainText(issued.accessKeyId);
  expect(stsOutcomes(emulators).at(-1)).toBe('OK');
});

test('STS that does not answer: each attempt gives up after 15 s, retries stop when the sign-in expires, the banner announces only that change', async ({
  ext,
  page,
  emulators,
}) => {
  test.setTimeout(120_000);
  // The IdP issued the assertion 4 min 35 s ago: it stays usable for another 25 s.
  emulators.idp.clockSkewMs = -(5 * 60_000 - 25_000);
  await signIn(ext, page);
  emulators.sts.failNext('hang', 5);
  const popup = await openPopup(ext);
  await expect(popup.usableFor()).toBeVisible();
  await tickAndAssume(popup);
  await expect(card(popup)).toHaveAttribute('data-status', 'error', { timeout: 60_000 });
  await expect(card(popup)).toContainText(
    /AWS STS at sts\.amazonaws\.com did not answer within 15 seconds( \(tried 2 times\))?\. This sign-in can no longer be used, so the extension stopped trying\./,
  );
  await expect(card(popup)).toContainText('Open the AWS tile in My Apps again, then assume your roles right away.');
  const hung = emulators.sts.requests.filter((r) => r.outcome === 'Hang');
  expect(hung.length).toBeGreaterThanOrEqual(1);
  expect(hung.length).toBeLessThanOrEqual(2);
  if (hung.length === 2) expect(hung[1]!.at.getTime() - hung[0]!.at.getTime()).toBeGreaterThanOrEqual(14_500);
  // Each request given up was really cancelled by the service worker's fetch, not left open.
  await expect.poll(() => emulators.sts.hangingCount()).toBe(0);

  // The sign-in expired while the popup was open: that change is announced.
  const banner = popup.signInExpired();
  await expect(banner).toContainText('This sign-in is older than 5 minutes');
  await expect(banner).toHaveAttribute('role', 'alert');
  await popup.close();
  // Opened again, the banner is there but not re-announced.
  const again = await openPopup(ext);
  await expect(again.signInExpired()).toBeVisible();
  expect(await again.signInExpired().getAttribute('role')).toBeNull();
  await again.close();

  // STS answers again; a fresh sign-in is assumed.
  emulators.sts.reset();
  emulators.idp.clockSkewMs = 0;
  await page.goto(MY_APPS_URL);
  await openAwsTile(page, 'AWS');
  const fresh = await openPopup(ext);
  await expect(fresh.usableFor()).toBeVisible();
  await tickAndAssume(fresh);
  await expect(card(fresh)).toHaveAttribute('data-status', 'ok');
});

test('the browser stops the worker mid-assume: plain words in the popup, the role does not stay pending, a retry works', async ({ ext, page, emulators }) => {
  await signIn(ext, page);
  emulators.sts.failNext('hang', 1);
  const popup = await openPopup(ext);
  await tickAndAssume(popup);
  await expect(card(popup)).toHaveAttribute('data-status', 'pending');
  await expect.poll(() => stsOutcomes(emulators)).toEqual(['Hang']);

  const cdp = await ext.context.newCDPSession(popup.page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.send('ServiceWorker.disable');
  await cdp.detach();

  // The popup's request was cut off: said in plain words, not the browser's text.
  await expect(popup.everything()).toContainText('the browser stopped the extension’s background before it answered');
  await expect(popup.everything()).not.toContainText(/message channel closed|Receiving end/i);
  await popup.close();

  // Opening the popup again starts the worker, which turns the cut-off role into plain words at once.
  const again = await openPopup(ext);
  await expect(card(again)).toHaveAttribute('data-status', 'error');
  await expect(card(again)).toContainText('The request to AWS was cut off before it answered (the browser stopped the extension’s background).');
  await expect(card(again)).toContainText('Assume this role again.');

  await tickAndAssume(again);
  await expect(card(again)).toHaveAttribute('data-status', 'ok');
  expect(emulators.sts.issued).toHaveLength(1);
});
