/**
 * The popup never goes blank: entries of an unexpected shape in storage.session (left by another version, or
 * damaged) are shown as one line with Forget, the other sign-in stays usable, and Forget everything works. The
 * bad entries are written from the extension's service worker, as the test harness, not through a product hook.
 */
import { APP_IDS, rolesFor } from '../emulators/world';
import { SESSION_KEYS } from '../../lib/storage-keys';
import { openAwsTile, openPopup, signInToMyApps, waitForCapturedRoles, type ExtensionBrowser } from '../support/browser';
import { expect, storageArea, test } from './fixtures';

const ALICE = 'alice@contoso.com';
const OLD_ID = 'https://sts.windows.net/0ld-7e4a-nt/|urn:amazon:webservices:old';
const ODD_ROLE = 'arn:aws:iam::999999999999:role/Legacy';

/** Writes a sign-in in an older shape (roles as one string, no warnings) and a role whose credentials are odd. */
async function writeMalformedEntries(ext: ExtensionBrowser): Promise<void> {
  const sw = await ext.serviceWorker();
  await sw.evaluate(
    async ({ oldId, oddRole, captureKey, outcomeKey }) => {
      await chrome.storage.session.set({
        [captureKey]: {
          id: oldId,
          capturedAt: Date.now(),
          samlResponse: 'PHNhbWxwOlJlc3BvbnNlLz4=',
          summary: {
            issuer: 'https://sts.windows.net/0ld-7e4a-nt/',
            usableUntil: Date.now() + 240_000,
            roles: `${oddRole},arn:aws:iam::999999999999:saml-provider/Old`,
          },
        },
        [outcomeKey]: {
          roleArn: oddRole,
          captureId: oldId,
          accountId: '999999999999',
          roleName: 'Legacy',
          partition: 'aws',
          status: 'ok',
          profileName: '999999999999-Legacy',
          credentials: 'ASIA-not-an-object',
          durationSeconds: 3600,
          assumedAt: Date.now(),
          stsHost: 'sts.amazonaws.com',
        },
      });
    },
    { oldId: OLD_ID, oddRole: ODD_ROLE, captureKey: SESSION_KEYS.capture.key(OLD_ID), outcomeKey: SESSION_KEYS.outcome.key(ODD_ROLE) },
  );
}

const sessionKeys = async (ext: ExtensionBrowser) =>
  Object.keys(await storageArea(ext, 'session')).filter((k) => SESSION_KEYS.capture.idOf(k) !== undefined || SESSION_KEYS.outcome.idOf(k) !== undefined);

test('malformed entries show as one line each; the other sign-in is listed and assumes; Forget everything clears all', async ({ ext, page, emulators }) => {
  const roles = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, roles.length);
  await writeMalformedEntries(ext);

  const popup = await openPopup(ext);
  await expect(popup.roles()).toHaveCount(roles.length);
  await expect(popup.brokenEntries()).toHaveCount(2);
  await expect(popup.brokenEntries().first()).toHaveText(/^This entry could not be shown\.\s*Forget$/);
  await expect(popup.failure()).toHaveCount(0);
  // Nothing of the bad entries is rendered, not even the odd "credentials".
  await expect(popup.everything()).not.toContainText('ASIA-not-an-object');
  await expect(popup.everything()).not.toContainText('Legacy');

  // The good sign-in still works.
  const role = roles[0]!;
  await popup.tick(role.roleArn);
  await popup.pressAssume();
  await expect(popup.result(role.roleArn)).toHaveAttribute('data-status', 'ok');
  expect(emulators.sts.issued).toHaveLength(1);

  await popup.forgetEverything();
  await expect(popup.emptyState()).toBeVisible();
  await expect(popup.brokenEntries()).toHaveCount(0);
  await expect(popup.roles()).toHaveCount(0);
  await expect.poll(() => sessionKeys(ext)).toEqual([]);
});

test("a broken entry's Forget forgets only its own sign-in", async ({ ext, page }) => {
  const roles = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, roles.length);
  await writeMalformedEntries(ext);

  const popup = await openPopup(ext);
  await expect(popup.brokenEntries()).toHaveCount(2);
  await popup.brokenEntries().first().getByRole('button', { name: 'Forget the sign-in this entry belongs to' }).click();
  await expect(popup.brokenEntries()).toHaveCount(0);
  await expect(popup.roles()).toHaveCount(roles.length);
  await expect(popup.errorBanners()).toHaveCount(0);
  const keys = await sessionKeys(ext);
  expect(keys).not.toContain(SESSION_KEYS.capture.key(OLD_ID));
  expect(keys).not.toContain(SESSION_KEYS.outcome.key(ODD_ROLE));
  expect(keys.filter((k) => SESSION_KEYS.capture.idOf(k) !== undefined)).toHaveLength(1);
});
