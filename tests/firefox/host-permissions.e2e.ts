/**
 * Firefox lets the user withhold or revoke a Manifest V3 add-on's host permissions. Here they are revoked the way
 * the add-on manager's switches do it (`permissions.remove`), and the test checks what the user then sees: the
 * banner, that sign-ins really go unseen, that "Grant access" opens Firefox's own permission prompt (answered in
 * Firefox's window, as a user would), and that everything works again once granted.
 */
import type { Page } from 'puppeteer-core';
import { requiredHostOrigins } from '../../lib/host-permissions';
import { APP_IDS, rolesFor } from '../emulators/world';
import { MY_APPS_URL } from '../support/sign-in';
import { expect, test } from './fixtures';
import { openAwsTile, signInToMyApps } from './flows';
import { answerPermissionPrompt, permissionPrompt, waitForPermissionPrompt } from './permission-prompt';
import { openPopup } from './popup';

type PermissionsPage = {
  browser: { permissions: { contains(p: { origins: string[] }): Promise<boolean>; remove(p: { origins: string[] }): Promise<boolean> } };
};

async function holdsHostPermissions(popup: Page): Promise<boolean> {
  return popup.evaluate((origins: string[]) => (globalThis as unknown as PermissionsPage).browser.permissions.contains({ origins }), requiredHostOrigins());
}

test('Firefox: revoked host access — the banner explains, sign-ins go unseen, Grant access asks Firefox and all works again', async ({
  firefox,
  tab,
  emulators,
}) => {
  const roles = rolesFor('alice@contoso.com', APP_IDS.aws);
  const popup = await openPopup(firefox);
  await popup.waitFor(popup.emptyState(), 'attached');
  // Firefox granted the host permissions at install: no banner.
  expect(await holdsHostPermissions(popup.page)).toBe(true);
  expect(await popup.isShown(popup.hostPermissionBanner())).toBe(false);

  // The user switches them off in the add-on manager; the open popup notices (permissions.onRemoved).
  await popup.page.evaluate((origins: string[]) => (globalThis as unknown as PermissionsPage).browser.permissions.remove({ origins }), requiredHostOrigins());
  await popup.waitFor(popup.hostPermissionBanner(), 'visible').catch((e: Error) => {
    throw new Error(`${e.message} — is HostPermissionBanner mounted in the popup (components/App.tsx)?`);
  });
  if (process.env.BANNER_SCREENSHOT) await popup.page.screenshot({ path: process.env.BANNER_SCREENSHOT });
  const bannerText = await popup.textOf(popup.hostPermissionBanner());
  expect(bannerText).toContain('cannot see your sign-ins to AWS or get credentials');

  // Without host access the add-on really does not see the sign-in.
  await signInToMyApps(tab, 'alice@contoso.com');
  await openAwsTile(tab, 'AWS');
  await new Promise((r) => setTimeout(r, 1_000));
  expect(await popup.countOf(popup.roles())).toBe(0);

  // Declining Firefox's prompt leaves the banner, with a pointer to the add-on manager.
  await popup.grantHostAccess();
  const prompt = await waitForPermissionPrompt(firefox);
  expect(prompt).toMatch(/AWS SAML Bridge/);
  await answerPermissionPrompt(firefox, false);
  await popup.waitFor(popup.hostPermissionDeclined(), 'attached');
  expect(await holdsHostPermissions(popup.page)).toBe(false);

  // Allowing it removes the banner.
  await popup.grantHostAccess();
  await waitForPermissionPrompt(firefox);
  await answerPermissionPrompt(firefox, true);
  await popup.waitFor(popup.hostPermissionBanner(), 'hidden');
  expect(await holdsHostPermissions(popup.page)).toBe(true);
  expect(await permissionPrompt(firefox)).toBeNull();

  // And the next sign-in is seen and its roles can be assumed.
  await tab.goto(MY_APPS_URL, { waitUntil: 'load' });
  await openAwsTile(tab, 'AWS');
  await popup.waitForRoles(roles.length);
  await popup.assume([roles[1]!.roleArn]);
  expect(await popup.statusOf(roles[1]!.roleArn)).toBe('ok');
  expect(emulators.sts.issued.map((i) => i.roleArn)).toEqual([roles[1]!.roleArn]);
});
