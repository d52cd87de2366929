/**
 * Always fresh and the zero-click sign-in in Firefox: the person allows the Entra sign-in site from the popup (Firefox's
 * own prompt, answered in its window), assumes a role once, and the add-on renews it from the browser's Entra session
 * with a passive request (a background fetch with the session cookie — Firefox's cookie rules for extensions are
 * exercised for real); then a second sign-in assumes the usual role with no popup. STS issues 60-second credentials.
 */
import { idpHostPermissions } from '../../lib/renewal/entra-hosts';
import { SESSION_KEYS } from '../../lib/storage-keys';
import { APP_IDS, rolesFor } from '../emulators/world';
import { waitFor } from '../support/poll';
import { MY_APPS_URL } from '../support/sign-in';
import { expect, test } from './fixtures';
import { openAwsTile, signInToMyApps } from './flows';
import { answerPermissionPrompt, waitForPermissionPrompt } from './permission-prompt';
import { openPopup, type FirefoxPopup } from './popup';

type StoragePage = {
  browser: { storage: { session: { get(k: null): Promise<Record<string, unknown>> } }; permissions: { contains(p: { origins: string[] }): Promise<boolean> } };
};

/** The access key id of a role's live session, read from storage.session by the popup page. */
async function keyIdOf(popup: FirefoxPopup, roleArn: string): Promise<string | undefined> {
  return popup.page.evaluate(async (key: string) => {
    const items = await (globalThis as unknown as StoragePage).browser.storage.session.get(null);
    const o = items[key] as { status?: string; credentials?: { accessKeyId: string } } | undefined;
    return o?.status === 'ok' ? o.credentials?.accessKeyId : undefined;
  }, SESSION_KEYS.outcome.key(roleArn));
}

test('Firefox: Allow from the popup, a silent renewal from the Entra session, then a zero-click sign-in', async ({ firefox, tab, emulators }) => {
  test.setTimeout(4 * 60_000);
  emulators.sts.setLifetimeSeconds(60);
  const role = rolesFor('alice@contoso.com', APP_IDS.aws)[0]!;
  await signInToMyApps(tab, 'alice@contoso.com');
  await openAwsTile(tab, 'AWS');
  const popup = await openPopup(firefox);
  await popup.waitForRoles(rolesFor('alice@contoso.com', APP_IDS.aws).length);

  // No access to the Entra site yet: the line says so and offers Allow, which asks Firefox.
  await popup.waitFor(popup.keepFreshAllow(), 'visible');
  await popup.allowKeepFresh();
  expect(await waitForPermissionPrompt(firefox)).toMatch(/AWS SAML Bridge/);
  await answerPermissionPrompt(firefox, true);
  expect(
    await popup.page.evaluate((o: string[]) => (globalThis as unknown as StoragePage).browser.permissions.contains({ origins: o }), idpHostPermissions()),
  ).toBe(true);

  await popup.assume([role.roleArn]);
  const first = await keyIdOf(popup, role.roleArn);
  expect(first).toBeDefined();
  await waitFor('the line to say fresh', async () => (await popup.attributeOf(popup.keepFresh(), 'data-state')) === 'fresh', 15_000);

  // One renewal cycle: a passive request with the session cookie, a new assertion, new keys.
  const renewed = await waitFor(
    'a renewed session',
    async () => {
      const now = await keyIdOf(popup, role.roleArn);
      return now !== undefined && now !== first ? now : undefined;
    },
    90_000,
  );
  const passive = emulators.idp.samlRequests.filter((r) => r.passive);
  expect(passive.length).toBeGreaterThanOrEqual(1);
  expect(passive.every((r) => r.cookieSent && r.answer === 'ok')).toBe(true);
  expect(emulators.idp.pushesSent).toBe(0);
  await popup.page.close();

  // The zero-click sign-in: the tile alone assumes the usual role; the popup is not opened until afterwards.
  const issuedBefore = emulators.sts.issued.length;
  await tab.goto(MY_APPS_URL, { waitUntil: 'load' });
  await openAwsTile(tab, 'AWS');
  await waitFor('the usual role assumed by itself', async () => emulators.sts.issued.slice(issuedBefore).some((i) => i.roleArn === role.roleArn), 20_000);
  const after = await openPopup(firefox);
  const latest = await keyIdOf(after, role.roleArn);
  expect(latest).toBeDefined();
  expect(latest).not.toBe(renewed);
});
