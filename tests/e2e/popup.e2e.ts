/** The popup's other states: nothing captured yet, a sign-in that cannot be used, and 300 roles. */
import type { Page } from '@playwright/test';
import { APP_IDS, rolesFor } from '../emulators/world';
import { buildSamlResponseXml, encodeSamlResponse } from '../support/saml-builder';
import { openAwsTile, openPopup, signInToMyApps, waitForCapturedRoles } from '../support/browser';
import { badgeText, expect, test } from './fixtures';

/** Makes the browser POST a SAMLResponse to the real AWS sign-in URL, as an IdP's auto-post form does. */
async function postToAws(page: Page, samlResponse: string): Promise<void> {
  const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url() === 'https://signin.aws.amazon.com/saml');
  await page.setContent(
    `<form method="POST" action="https://signin.aws.amazon.com/saml"><input type="hidden" name="SAMLResponse" value="${samlResponse}"><button>Post</button></form>`,
  );
  await page.getByRole('button', { name: 'Post' }).click();
  await posted;
}

test('before any sign-in the popup says what to do', async ({ ext }) => {
  const popup = await openPopup(ext);
  await expect(popup.getByTestId('empty-state')).toContainText('Sign in to AWS through your identity provider');
  await expect(popup.getByTestId('role-row')).toHaveCount(0);
  expect(await badgeText(ext)).toBe('');
});

test('an encrypted assertion is reported in plain words, with a ! badge', async ({ ext, page }) => {
  const roles = rolesFor('alice@contoso.com', APP_IDS.aws).map(({ roleArn, providerArn }) => ({ roleArn, providerArn }));
  await postToAws(page, encodeSamlResponse(buildSamlResponseXml({ roles, encrypted: true })));
  await expect.poll(() => badgeText(ext)).toBe('!');
  const popup = await openPopup(ext);
  const problem = popup.getByTestId('capture-problem');
  await expect(problem).toContainText('encrypted');
  await expect(problem).toContainText('signin.aws.amazon.com');
});

test('a malformed SAMLResponse is reported, and a good sign-in afterwards replaces the problem', async ({ ext, page }) => {
  await postToAws(page, 'bm90IHhtbA==');
  await expect.poll(() => badgeText(ext)).toBe('!');
  const popup = await openPopup(ext);
  await expect(popup.getByTestId('capture-problem')).toContainText('not well-formed XML');
  await popup.close();

  await signInToMyApps(page, 'bob@contoso.com');
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, 1);
  await expect.poll(() => badgeText(ext)).toBe('1');
  const again = await openPopup(ext);
  await expect(again.getByTestId('capture-problem')).toHaveCount(0);
  await expect(again.getByTestId('role-row')).toHaveCount(1);
});

test('300 roles: all listed by account, the filter narrows them and select-all picks only what is shown', async ({ ext, page }) => {
  await signInToMyApps(page, 'dave@contoso.com');
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, 300);
  expect(await badgeText(ext)).toBe('300');
  const popup = await openPopup(ext);
  await expect(popup.getByTestId('role-row')).toHaveCount(300);
  await expect(popup.getByRole('heading', { level: 3 })).toHaveCount(30);

  await popup.getByTestId('filter').fill('555500000007');
  await expect(popup.getByTestId('role-row')).toHaveCount(10);
  await popup.getByTestId('select-all').click();
  await expect(popup.getByTestId('assume')).toHaveText(/Assume 10 roles/);
  await popup.getByTestId('filter').fill('');
  await expect(popup.getByTestId('role-row')).toHaveCount(300);
  await expect(popup.getByRole('checkbox', { checked: true })).toHaveCount(10);
});

test('keyboard only: filter, tick a role, assume', async ({ ext, page, emulators }) => {
  const [role] = rolesFor('bob@contoso.com', APP_IDS.aws);
  await signInToMyApps(page, 'bob@contoso.com');
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, 1);
  const popup = await openPopup(ext);
  const box = popup.getByRole('checkbox', { name: `${role!.roleName} in account ${role!.accountId}` });
  await box.focus();
  await popup.keyboard.press('Space');
  await expect(box).toBeChecked();
  await popup.getByTestId('assume').focus();
  await popup.keyboard.press('Enter');
  await expect(popup.locator(`[data-testid="result"][data-role-arn="${role!.roleArn}"]`)).toHaveAttribute('data-status', 'ok');
  expect(emulators.sts.issued).toHaveLength(1);
});
