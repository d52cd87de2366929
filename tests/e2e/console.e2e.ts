/**
 * Open console, end to end in Chromium: a live session becomes a console tab naming that role through the emulated
 * federation endpoint; a session AWS does not know gives plain words next to the button; the sign-in token is
 * never stored.
 */
import { APP_IDS, rolesFor } from '../emulators/world';
import { extensionPageUrl, openAwsTile, openPopup, signInToMyApps, waitForCapturedRoles } from '../support/browser';
import { expect, storageArea, test } from './fixtures';

const ALICE = 'alice@contoso.com';

test('Open console: a new tab lands on the console as that role, and the token is stored nowhere', async ({ ext, page, emulators }) => {
  const roles = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, roles.length);
  const role = roles[3]!;
  const popup = await openPopup(ext);
  await popup.assume([role.roleArn]);

  const button = popup.openConsoleButton(role.roleArn);
  await expect(button).toHaveAccessibleName(`Open the AWS console as ${role.roleName} (${role.accountId})`);
  // A cell of the role's row like the copy buttons: the arrow keys reach it, Enter presses it.
  await popup.copyButtons(role.roleArn).last().focus();
  await popup.page.keyboard.press('ArrowRight');
  await expect(button).toBeFocused();
  const [tab] = await Promise.all([ext.context.waitForEvent('page'), popup.page.keyboard.press('Enter')]);
  await tab.waitForURL(/^https:\/\/console\.aws\.amazon\.com\/console\/home/);
  await expect(tab.getByTestId('role-name')).toHaveText(role.roleName);
  await expect(tab.getByTestId('account')).toContainText(role.accountId);
  await expect(popup.consoleStatus(role.roleArn)).toContainText('Opened in a new tab');

  const asked = emulators.signin.federation.find((f) => f.action === 'getSigninToken')!;
  expect(asked).toMatchObject({ ok: true, roleArn: role.roleArn });
  // The console lasts as long as the credentials do, never longer.
  const issued = emulators.sts.issued.find((i) => i.roleArn === role.roleArn)!;
  const left = (Date.parse(issued.expiration) - asked.at.getTime()) / 1000;
  expect(asked.sessionDuration).toBeGreaterThan(left - 30);
  expect(asked.sessionDuration).toBeLessThanOrEqual(Math.ceil(left));
  expect(emulators.signin.federation.find((f) => f.action === 'login')).toMatchObject({ ok: true, roleArn: role.roleArn });

  // The token went into the one login navigation (the emulator saw it come back) and nowhere into storage.
  const token = asked.signinToken!;
  expect(token.length).toBeGreaterThan(16);
  const stored = JSON.stringify(await Promise.all((['local', 'sync', 'session'] as const).map((a) => storageArea(ext, a))));
  expect(stored).not.toContain(token);
  expect(stored).not.toMatch(/SigninToken/i);
});

test('Open console lands on the page the options name for the role: CloudWatch in eu-west-1', async ({ ext, page }) => {
  const roles = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, roles.length);
  const role = roles[1]!;

  const options = await ext.context.newPage();
  await options.goto(extensionPageUrl(ext, 'options.html'));
  const row = options.locator(`[data-testid="role-settings-row"][data-role-arn="${role.roleArn}"]`);
  await row.getByTestId('role-console-service').selectOption('cloudwatch');
  const region = row.getByTestId('role-console-region');
  // A region of another partition is refused in words and not saved.
  await region.fill('cn-north-1');
  await expect(row.getByTestId('role-console-region-error')).toContainText('cn-north-1 is not a region of AWS');
  await region.fill('eu-west-1');
  await expect(row.getByTestId('role-console-region-error')).toHaveCount(0);
  await options.close();

  const popup = await openPopup(ext);
  await popup.assume([role.roleArn]);
  const [tab] = await Promise.all([ext.context.waitForEvent('page'), popup.openConsoleButton(role.roleArn).click()]);
  await tab.waitForURL('https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1');
  await expect(tab.getByTestId('console-page')).toHaveText('/cloudwatch/home?region=eu-west-1');
  await expect(tab.getByTestId('role-name')).toHaveText(role.roleName);
});

test('Open console for a session AWS no longer knows: plain words next to the button, no tab', async ({ ext, page, emulators }) => {
  const roles = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, roles.length);
  const role = roles[0]!;
  const popup = await openPopup(ext);
  await popup.assume([role.roleArn]);
  emulators.sts.reset(); // STS forgets what it issued: the federation endpoint refuses these credentials

  const pagesBefore = ext.context.pages().length;
  await popup.openConsoleButton(role.roleArn).click();
  const error = popup.consoleError(role.roleArn);
  await expect(error).toContainText('AWS sign-in (signin.aws.amazon.com) did not accept these credentials for a console session.');
  await expect(error).toContainText('Assume the role again and retry');
  expect(ext.context.pages().length).toBe(pagesBefore);
  expect(emulators.signin.federation).toEqual([expect.objectContaining({ action: 'getSigninToken', ok: false })]);
});
