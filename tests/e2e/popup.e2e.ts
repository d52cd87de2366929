/** The popup's other states: nothing captured yet, a sign-in that cannot be used, and 300 roles. */
import type { Page } from '@playwright/test';
import { APP_IDS, rolesFor } from '../emulators/world';
import { buildSamlResponseXml, encodeSamlResponse } from '../support/saml-builder';
import { openAwsTile, openPopup, signInToMyApps, waitForCapturedRoles } from '../support/browser';
import { POPUP } from '../support/popup-page';
import { badgeText, expect, test } from './fixtures';

/**
 * Makes the browser POST a SAMLResponse to the real AWS sign-in URL from Entra's page, as its auto-post form does
 * (the extension takes sign-ins only from an identity provider's page).
 */
async function postToAws(page: Page, samlResponse: string): Promise<void> {
  await page.goto('https://login.microsoftonline.com/');
  const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url() === 'https://signin.aws.amazon.com/saml');
  await page.setContent(
    `<form method="POST" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="${samlResponse}"><button>Post</button></form>`,
  );
  await page.getByRole('button', { name: 'Post' }).click();
  await posted;
}

test('before any sign-in the popup says what to do', async ({ ext }) => {
  const popup = await openPopup(ext);
  await expect(popup.emptyState()).toContainText('Sign in to AWS through your identity provider');
  await expect(popup.roles()).toHaveCount(0);
  expect(await badgeText(ext)).toBe('');
});

test('an encrypted assertion is reported in plain words, with a ! badge', async ({ ext, page }) => {
  const roles = rolesFor('alice@contoso.com', APP_IDS.aws).map(({ roleArn, providerArn }) => ({ roleArn, providerArn }));
  await postToAws(page, encodeSamlResponse(buildSamlResponseXml({ roles, encrypted: true })));
  await expect.poll(() => badgeText(ext)).toBe('!');
  const popup = await openPopup(ext);
  const problem = popup.problem();
  await expect(problem).toContainText('encrypted');
  await expect(problem).toContainText('signin.aws.amazon.com');
});

test('a malformed SAMLResponse is reported, and a good sign-in afterwards replaces the problem', async ({ ext, page }) => {
  await postToAws(page, 'bm90IHhtbA==');
  await expect.poll(() => badgeText(ext)).toBe('!');
  const popup = await openPopup(ext);
  await expect(popup.problem()).toContainText('not well-formed XML');
  await popup.close();

  await signInToMyApps(page, 'bob@contoso.com');
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, 1);
  await expect.poll(() => badgeText(ext)).toBe('1');
  const again = await openPopup(ext);
  await expect(again.problem()).toHaveCount(0);
  await expect(again.roles()).toHaveCount(1);
});

test('300 roles: all listed by account, the filter narrows them and select-all picks only what is shown', async ({ ext, page }) => {
  await signInToMyApps(page, 'dave@contoso.com');
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, 300);
  expect(await badgeText(ext)).toBe('300');
  const popup = await openPopup(ext);
  await expect(popup.roles()).toHaveCount(300);
  await expect(popup.page.getByRole('heading', { level: 3 })).toHaveCount(30);

  await popup.filter('555500000007');
  await expect(popup.roles()).toHaveCount(10);
  await popup.selectAll();
  await expect(popup.assumeButton()).toHaveText(/Assume 10 roles/);
  await popup.filter('');
  await expect(popup.roles()).toHaveCount(300);
  // The role grid's checked boxes (each sign-in also has its Keep fresh and zero-click switches).
  await expect(popup.page.getByRole('grid').getByRole('checkbox', { checked: true })).toHaveCount(10);
});

test('keyboard only, 300 roles: the list is one tab stop, arrows move, Space ticks, Assume is a Tab away', async ({ ext, page, emulators }) => {
  await signInToMyApps(page, 'dave@contoso.com');
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, 300);
  const popup = await openPopup(ext);
  const rows = popup.roles();
  await expect(rows).toHaveCount(300);
  const grid = popup.page.getByRole('grid', { name: 'Roles of signin.aws.amazon.com/saml' });
  await expect(grid.getByRole('row')).toHaveCount(330); // 30 account heads and 300 roles
  const tabStops = grid.locator('input:not([tabindex="-1"]), button:not([tabindex="-1"])');
  await expect(tabStops).toHaveCount(1);
  const box = (i: number) => rows.nth(i).getByRole('checkbox');
  const focused = () =>
    popup.page.evaluate(
      () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.closest('[data-role-arn]')?.getAttribute('data-role-arn'),
    );

  // Typing in the filter, then Down, enters the list at the first row shown.
  const filter = popup.filterBox();
  await expect(filter).toBeFocused();
  let presses = 0;
  const press = async (key: string) => {
    presses++;
    await popup.page.keyboard.press(key);
  };
  await popup.page.keyboard.type('admin');
  await expect(rows).toHaveCount(60); // Admin and NetworkAdmin in each of 30 accounts
  await press('ArrowDown');
  await expect(box(0)).toBeFocused();
  await press('Space');
  await expect(box(0)).toBeChecked();
  await press('ArrowDown');
  await expect(box(1)).toBeFocused();
  await press('Space');
  // Right reaches the row's pin, Left comes back; Down passes the next account's "Select all".
  await press('ArrowRight');
  await expect(rows.nth(1).locator(POPUP.pin)).toBeFocused();
  await press('ArrowLeft');
  await press('ArrowDown');
  await expect(popup.accountSelectors().nth(1)).toBeFocused();
  await press('ArrowDown');
  await expect(box(2)).toBeFocused();
  await press('Space');
  await press('Tab');
  const assume = popup.assumeButton();
  await expect(assume).toBeFocused();
  await expect(assume).toHaveText('Assume 3 roles');
  expect(presses).toBeLessThanOrEqual(10);
  // Screen readers hear the checked state: three checked checkboxes in the role grid's accessibility tree.
  await expect(popup.page.getByRole('grid').getByRole('checkbox', { checked: true })).toHaveCount(3);

  // Home, End and PageDown move by rows; still one tab stop.
  await box(0).focus();
  await popup.page.keyboard.press('End');
  await expect(box(59)).toBeFocused();
  await popup.page.keyboard.press('Home');
  await expect(popup.accountSelectors().first()).toBeFocused();
  await popup.page.keyboard.press('PageDown');
  expect(await focused()).toBe(await rows.nth(6).getAttribute('data-role-arn')); // 10 grid rows on: 4 heads and 6 roles
  await expect(tabStops).toHaveCount(1);

  // After typing again, Tab alone goes: Select all, Select none, Forget, the sign-in's Keep fresh switch and its
  // "Allow", the list (at its first row), Assume.
  await filter.focus();
  await popup.page.keyboard.type(' 555500000003');
  await expect(rows).toHaveCount(2);
  for (let i = 0; i < 6; i++) await popup.page.keyboard.press('Tab');
  await expect(box(0)).toBeFocused();
  await popup.page.keyboard.press('Tab');
  await expect(assume).toBeFocused();

  await popup.page.keyboard.press('Enter');
  await filter.fill(''); // the three ticked roles are not among the two shown
  await expect(popup.results('ok')).toHaveCount(3);
  expect(emulators.sts.issued).toHaveLength(3);
  // Results bring copy buttons into the rows: reachable with Right, and the list is still one tab stop.
  await box(0).focus();
  await popup.page.keyboard.press('ArrowRight');
  await popup.page.keyboard.press('ArrowRight');
  await expect(rows.nth(0).locator(POPUP.copyButton('env'))).toBeFocused();
  await expect(tabStops).toHaveCount(1);
});

test('300 roles: the footer takes at most a quarter of a 780×600 popup, before and after assuming', async ({ ext, page }) => {
  await signInToMyApps(page, 'dave@contoso.com');
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, 300);
  const popup = await openPopup(ext);
  await popup.page.setViewportSize({ width: 780, height: 600 });
  await expect(popup.roles()).toHaveCount(300);
  // The e2e browser has no credentials helper: its install instructions are the footer's tallest content.
  await expect(popup.hostStatus()).toHaveAttribute('data-state', 'missing');
  const footerShare = () => popup.page.evaluate(() => (document.querySelector('footer')?.getBoundingClientRect().height ?? 1) / innerHeight);
  expect(await footerShare()).toBeLessThanOrEqual(0.25);

  await popup.roles().first().getByRole('checkbox').check();
  await popup.pressAssume();
  await expect(popup.results().first()).toHaveAttribute('data-status', 'ok');
  await expect(popup.saveButton()).toBeVisible();
  expect(await footerShare()).toBeLessThanOrEqual(0.25);
});
