/**
 * Login CSRF: a page on another origin auto-posts someone else's valid assertion to the AWS sign-in URL, in a hidden
 * frame and in the top window, after the user's real sign-in. The user's sign-in must stay, nothing from the frame
 * may be captured, the top-level post is not used (and says so), and Assume still goes to the user's own accounts.
 * Also: the normal My Apps flow (with the role picker's second POST) is still captured, with where it came from.
 */
import type { Page } from '@playwright/test';
import { SESSION_KEYS } from '../../lib/storage-keys';
import { ATTACKER_UPN } from '../emulators/evil-page';
import { APP_IDS, rolesFor, TENANT_ID } from '../emulators/world';
import { extensionPageUrl, openAwsTile, openPopup, signInToMyApps, waitForCapturedRoles, type ExtensionBrowser } from '../support/browser';
import { POPUP } from '../support/popup-page';
import { badgeText, expect, test } from './fixtures';

const ALICE = 'alice@contoso.com';

interface StoredCapture {
  id: string;
  samlResponse?: string;
  summary: { roles: { roleArn: string }[] };
  source?: { origin: string; host: string; trust: string; idp: string; tenant?: string };
}
interface StoredProblem {
  capturedAt: number;
  page?: string;
  error: { code: string; message: string };
}

/** The captures and the last problem in storage.session, read from the service worker. */
async function session(ext: ExtensionBrowser): Promise<{ captures: StoredCapture[]; problem?: StoredProblem }> {
  const sw = await ext.serviceWorker();
  const items = await sw.evaluate(() => chrome.storage.session.get(null));
  const captures = Object.entries(items)
    .filter(([k]) => SESSION_KEYS.capture.idOf(k) !== undefined)
    .map(([, v]) => v as StoredCapture);
  const problem = items[SESSION_KEYS.problem] as StoredProblem | undefined;
  return { captures, ...(problem ? { problem } : {}) };
}

/** Opens a page of the attacker's site and waits until its POST reached AWS (and AWS's answer loaded, if top-level). */
async function visitEvilPage(page: Page, path: '/frame' | '/top', as: 'same-issuer' | 'other-tenant'): Promise<void> {
  const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url() === 'https://signin.aws.amazon.com/saml');
  await page.goto(`https://evil.example${path}?as=${as}`);
  const request = await posted;
  await request.response();
  await page.waitForLoadState('load');
}

/** Waits until the background recorded a problem newer than `after` (so every earlier request was handled). */
async function nextProblem(ext: ExtensionBrowser, after: number): Promise<StoredProblem> {
  let problem: StoredProblem | undefined;
  await expect.poll(async () => ((problem = (await session(ext)).problem)?.capturedAt ?? 0) > after, { timeout: 10_000 }).toBe(true);
  return problem!;
}

test('My Apps sign-in is captured with the page and tenant it came from; the role picker’s second POST changes nothing', async ({ ext, page }) => {
  const roles = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, roles.length);
  const [first] = (await session(ext)).captures;
  expect(first!.source).toEqual({
    origin: 'https://login.microsoftonline.com',
    host: 'login.microsoftonline.com',
    trust: 'known',
    idp: 'entra',
    tenant: TENANT_ID,
  });

  // AWS's role picker posts the same SAMLResponse again, from AWS's own page.
  const again = page.waitForRequest((r) => r.method() === 'POST' && r.url() === 'https://signin.aws.amazon.com/saml');
  await page.locator(`input[name="roleIndex"][value="${roles[0]!.roleArn}"]`).check();
  await page.locator('#signin_button').click();
  await again;
  await page.waitForURL(/console\.aws\.amazon\.com/);
  // A later sign-in to the second app is handled after the picker's POST (one queue): once it shows, the picker's was seen.
  await page.goto('https://myapplications.microsoft.com/');
  await openAwsTile(page, 'AWS Sandbox');
  await waitForCapturedRoles(ext, roles.length + rolesFor(ALICE, APP_IDS.sandbox).length);
  const { captures, problem } = await session(ext);
  expect(problem).toBeUndefined();
  expect(captures).toHaveLength(2);
  expect(captures.find((c) => c.id === first!.id)).toEqual(first);

  const popup = await openPopup(ext);
  await expect(popup.captureTitles(first!.id)).toHaveText('AWS · Microsoft Entra ID');
  await expect(popup.captureSources(first!.id)).toHaveText(`Microsoft Entra ID, tenant ${TENANT_ID} · sent from login.microsoftonline.com`);
  await expect(popup.captureTitles().filter({ hasText: 'AWS app #2' })).toHaveText('AWS app #2 · Microsoft Entra ID');
  await expect(popup.problem()).toHaveCount(0);
});

test('another site posting a valid assertion (hidden frame, top window, via AWS’s picker) never replaces the user’s sign-in', async ({
  ext,
  page,
  emulators,
}) => {
  const mine = rolesFor(ALICE, APP_IDS.aws);
  const theirs = new Set(rolesFor(ATTACKER_UPN, APP_IDS.aws).map((r) => r.roleArn));
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, mine.length);
  const [before] = (await session(ext)).captures;

  const evil = await ext.context.newPage();
  // Hidden frames: AWS receives both posts, the extension never hears of them.
  await visitEvilPage(evil, '/frame', 'same-issuer');
  await visitEvilPage(evil, '/frame', 'other-tenant');
  expect(emulators.evil.served.map((s) => s.path)).toEqual(['/frame', '/frame']);
  expect((await session(ext)).problem).toBeUndefined();

  // Top window: AWS accepts the attacker's assertion and shows their roles; the extension does not use it.
  await visitEvilPage(evil, '/top', 'same-issuer');
  await expect(evil.locator('input[name="roleIndex"]')).toHaveCount(2);
  const refused = await nextProblem(ext, 0);
  expect(refused.page).toBe('evil.example');
  expect(refused.error.code).toBe('untrusted-page');
  expect(refused.error.message).toContain('A page on evil.example sent a sign-in to AWS. It was not used');

  // The user clicks a role on that picker: AWS's own page posts the attacker's assertion again.
  const relayed = evil.waitForRequest((r) => r.method() === 'POST' && r.url() === 'https://signin.aws.amazon.com/saml');
  await evil.locator('input[name="roleIndex"]').first().check();
  await evil.locator('#signin_button').click();
  await relayed;
  await evil.waitForURL(/console\.aws\.amazon\.com/);
  // Another tenant's assertion in the top window; once it is reported, the relayed post before it was handled too.
  await visitEvilPage(evil, '/top', 'other-tenant');
  const second = await nextProblem(ext, refused.capturedAt);
  expect(second.page).toBe('evil.example');

  const { captures } = await session(ext);
  expect(captures).toEqual([before]);
  expect(captures.flatMap((c) => c.summary.roles.map((r) => r.roleArn)).filter((arn) => theirs.has(arn))).toEqual([]);
  expect(await badgeText(ext)).toBe('!');

  const popup = await openPopup(ext);
  await expect(popup.problem()).toContainText('evil.example');
  await expect(popup.problem()).toContainText('A sign-in to AWS from another page was not used');
  await expect(popup.captures()).toHaveCount(1);
  await expect(popup.captureSources()).toContainText('sent from login.microsoftonline.com');
  await expect(popup.roles()).toHaveCount(mine.length);
  const admin = mine.find((r) => r.roleName === 'Admin')!;
  await popup.assume([admin.roleArn]);
  await expect(popup.result(admin.roleArn)).toHaveAttribute('data-status', 'ok');
  expect(emulators.sts.issued.map((i) => [i.roleArn, i.principalArn])).toEqual([[admin.roleArn, admin.providerArn]]);
});

test('a sign-in page the user trusts in Options is taken, kept beside the user’s sign-in and named in the popup', async ({ ext, page }) => {
  const options = await ext.context.newPage();
  await options.goto(extensionPageUrl(ext, 'options.html'));
  await options.getByTestId('new-trusted-host').fill('https://Evil.example/sso');
  await options.getByTestId('add-trusted-host').click();
  await expect(options.locator('[data-testid="trusted-host"][data-host="evil.example"]')).toBeVisible();
  await options.close();

  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, rolesFor(ALICE, APP_IDS.aws).length);
  // Another tenant: another AWS app as far as the extension can tell, so it sits beside the user's sign-in.
  await visitEvilPage(page, '/top', 'other-tenant');
  await expect.poll(async () => (await session(ext)).captures.length).toBe(2);
  // The same issuer and audience as the user's sign-in, but from another page: not used, the user's stays.
  const beforeSame = await session(ext);
  await visitEvilPage(page, '/top', 'same-issuer');
  const refused = await nextProblem(ext, 0);
  expect(refused.error.code).toBe('other-page');
  expect((await session(ext)).captures).toEqual(expect.arrayContaining(beforeSame.captures));
  expect((await session(ext)).captures).toHaveLength(2);

  const popup = await openPopup(ext);
  const trusted = popup.captures().filter({ has: popup.captureSources().filter({ hasText: 'evil.example' }) });
  await expect(trusted.locator(POPUP.captureSource)).toHaveText(
    'Microsoft Entra ID, tenant 0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f · sent from evil.example (trusted in Options)',
  );
  await expect(popup.problem()).toContainText('came from evil.example, but the one you have came from login.microsoftonline.com');
});
