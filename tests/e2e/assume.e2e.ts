/**
 * The product's main job, end to end, in Chromium with the built extension against emulated Entra and AWS:
 * sign in at My Apps, click the tile, open the popup, pick roles, assume, copy.
 */
import { formatExpiration } from '../../lib/credentials';
import { SESSION_KEYS } from '../../lib/storage-keys';
import { APP_IDS, rolesFor } from '../emulators/world';
import { openAwsTile, openPopup, signInToMyApps, stopServiceWorker, waitForCapturedRoles } from '../support/browser';
import { isAcsPost } from '../support/sign-in';
import { badgeText, expect, storageArea, test } from './fixtures';

const ALICE = 'alice@contoso.com';

test('multi-role user: roles grouped by account, two assumed, every copy format matches what STS issued', async ({ ext, page, emulators }) => {
  const roles = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, roles.length);
  expect(await badgeText(ext)).toBe(String(roles.length));

  const popup = await openPopup(ext);
  await expect(popup.roles()).toHaveCount(roles.length);
  for (const account of new Set(roles.map((r) => r.accountId))) {
    await expect(popup.account(account)).toBeVisible();
    await expect(popup.account(account)).toContainText(account);
  }
  await expect(popup.page.getByRole('checkbox', { name: new RegExp(`${roles[0]!.roleName}.*${roles[0]!.accountId}`) }).first()).toBeVisible();
  await expect(popup.usableFor()).toContainText(/\d:\d\d/);

  const picked = [roles[0]!, roles[3]!];
  await popup.assume(picked.map((r) => r.roleArn));
  expect(emulators.sts.issued).toHaveLength(2);

  for (const role of picked) {
    const card = popup.result(role.roleArn);
    await expect(card).toHaveAttribute('data-status', 'ok');
    const issued = emulators.sts.issued.find((i) => i.roleArn === role.roleArn)!;
    expect(issued.host).toBe('sts.amazonaws.com');
    expect(issued.principalArn).toBe(role.providerArn);
    const exp = formatExpiration(issued.expiration);
    const { accessKeyId: id, secretAccessKey: secret, sessionToken: token } = issued;
    // The secret is never on screen; only the copied text carries it.
    await expect(card).not.toContainText(secret);

    expect(await popup.copy(role.roleArn, 'env')).toBe(
      `export AWS_ACCESS_KEY_ID=${id}\nexport AWS_SECRET_ACCESS_KEY=${secret}\nexport AWS_SESSION_TOKEN=${token}\nexport AWS_CREDENTIAL_EXPIRATION=${exp}\n`,
    );
    expect(await popup.copy(role.roleArn, 'env-no-export')).toBe(
      `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\nAWS_SESSION_TOKEN=${token}\nAWS_CREDENTIAL_EXPIRATION=${exp}\n`,
    );
    expect(await popup.copy(role.roleArn, 'fish')).toBe(
      `set -gx AWS_ACCESS_KEY_ID "${id}"\nset -gx AWS_SECRET_ACCESS_KEY "${secret}"\nset -gx AWS_SESSION_TOKEN "${token}"\nset -gx AWS_CREDENTIAL_EXPIRATION "${exp}"\n`,
    );
    expect(await popup.copy(role.roleArn, 'powershell')).toBe(
      `$Env:AWS_ACCESS_KEY_ID="${id}"\n$Env:AWS_SECRET_ACCESS_KEY="${secret}"\n$Env:AWS_SESSION_TOKEN="${token}"\n$Env:AWS_CREDENTIAL_EXPIRATION="${exp}"\n`,
    );
    expect(await popup.copy(role.roleArn, 'windows-cmd')).toBe(
      `set AWS_ACCESS_KEY_ID=${id}\nset AWS_SECRET_ACCESS_KEY=${secret}\nset AWS_SESSION_TOKEN=${token}\nset AWS_CREDENTIAL_EXPIRATION=${exp}\n`,
    );
    expect(JSON.parse(await popup.copy(role.roleArn, 'process'))).toEqual({
      Version: 1,
      AccessKeyId: id,
      SecretAccessKey: secret,
      SessionToken: token,
      Expiration: exp,
    });
    const file = await popup.copy(role.roleArn, 'credentials-file');
    expect(file).toMatch(/^\[[A-Za-z0-9_-]+\]\n/);
    expect(file).toContain(
      `aws_access_key_id = ${id}\naws_secret_access_key = ${secret}\naws_session_token = ${token}\naws_security_token = ${token}\nx_security_token_expires = ${exp}\n`,
    );
  }

  // Nothing secret outside storage.session.
  const local = JSON.stringify(await storageArea(ext, 'local'));
  const sync = JSON.stringify(await storageArea(ext, 'sync'));
  for (const issued of emulators.sts.issued) {
    for (const secret of [issued.accessKeyId, issued.secretAccessKey, issued.sessionToken]) {
      expect(local).not.toContain(secret);
      expect(sync).not.toContain(secret);
    }
  }
  const session = await storageArea(ext, 'session');
  const capture = Object.values(session).find((v) => (v as { samlResponse?: string }).samlResponse) as { samlResponse: string };
  expect(local).not.toContain(capture.samlResponse.slice(0, 200));
  expect(sync).not.toContain(capture.samlResponse.slice(0, 200));
});

test('the role picker’s second POST is not counted twice', async ({ ext, page }) => {
  const roles = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, roles.length);
  // Pick a role on AWS's own page: the browser POSTs the same SAMLResponse again with roleIndex.
  const again = page.waitForRequest((r) => isAcsPost(r.method(), r.url()));
  await page.locator(`input[name="roleIndex"][value="${roles[1]!.roleArn}"]`).check();
  await page.locator('form button[type="submit"], form input[type="submit"]').first().click();
  await again;
  await page.waitForLoadState('load');
  await expect.poll(async () => Object.keys(await storageArea(ext, 'session')).filter((k) => SESSION_KEYS.capture.idOf(k) !== undefined).length).toBe(1);
  expect(await badgeText(ext)).toBe(String(roles.length));
});

test('single-role user (AWS skips the picker; provider-first role value) gets credentials', async ({ ext, page, emulators }) => {
  const [role] = rolesFor('bob@contoso.com', APP_IDS.aws);
  await signInToMyApps(page, 'bob@contoso.com');
  await openAwsTile(page, 'AWS');
  await page.waitForURL(/console\.aws\.amazon\.com/);
  await waitForCapturedRoles(ext, 1);
  expect(await badgeText(ext)).toBe('1');
  const popup = await openPopup(ext);
  await popup.assume([role!.roleArn]);
  await expect(popup.result(role!.roleArn)).toHaveAttribute('data-status', 'ok');
  expect(emulators.sts.issued.map((i) => i.roleArn)).toEqual([role!.roleArn]);
});

test('a GovCloud role is assumed at the GovCloud STS endpoint', async ({ ext, page, emulators }) => {
  const [role] = rolesFor(ALICE, APP_IDS.govcloud);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS GovCloud');
  await waitForCapturedRoles(ext, 1);
  const popup = await openPopup(ext);
  await expect(popup.page.getByText(/GovCloud/).first()).toBeVisible();
  await popup.assume([role!.roleArn]);
  await expect(popup.result(role!.roleArn)).toHaveAttribute('data-status', 'ok');
  expect(emulators.sts.issued.map((i) => i.host)).toEqual(['sts.us-gov-west-1.amazonaws.com']);
});

test('two AWS apps side by side; the regional sign-in uses the regional STS endpoint', async ({ ext, page, emulators }) => {
  const main = rolesFor(ALICE, APP_IDS.aws);
  const sandbox = rolesFor(ALICE, APP_IDS.sandbox);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, main.length);
  await page.goto('https://myapplications.microsoft.com/');
  await openAwsTile(page, 'AWS Sandbox');
  await waitForCapturedRoles(ext, main.length + sandbox.length);
  expect(await badgeText(ext)).toBe(String(main.length + sandbox.length));
  const popup = await openPopup(ext);
  await expect(popup.roles()).toHaveCount(main.length + sandbox.length);
  await popup.assume([sandbox[0]!.roleArn]);
  expect(emulators.sts.issued.map((i) => i.host)).toEqual(['sts.eu-west-1.amazonaws.com']);
});

test('a role whose maximum is 1 h falls back to 1 h and says so', async ({ ext, page, emulators }) => {
  const limited = rolesFor(ALICE, APP_IDS.aws).find((r) => r.maxSessionDuration === 3600)!;
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, 1);
  const popup = await openPopup(ext);
  await popup.assume([limited.roleArn], { duration: '43200' });
  const card = popup.result(limited.roleArn);
  await expect(card).toHaveAttribute('data-status', 'ok');
  await expect(popup.notice(limited.roleArn)).toContainText('you got 1 h');
  expect(emulators.sts.issued.map((i) => i.durationSeconds)).toEqual([3600]);
  expect(emulators.sts.requests.filter((r) => r.outcome === 'ValidationError')).toHaveLength(1);
});

test('an assertion older than 5 minutes shows the plain-words error', async ({ ext, page, emulators }) => {
  emulators.idp.clockSkewMs = -6 * 60 * 1000;
  const [role] = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, 1);
  const popup = await openPopup(ext);
  await expect(popup.signInExpired()).toBeVisible();
  await popup.assume([role!.roleArn]);
  const card = popup.result(role!.roleArn);
  await expect(card).toHaveAttribute('data-status', 'error');
  await expect(card).toContainText('older than 5 minutes');
  await expect(card).toContainText('Open the AWS tile in My Apps again');
  expect(emulators.sts.issued).toHaveLength(0);
});

test('throttling and a 5xx from STS are retried transparently', async ({ ext, page, emulators }) => {
  const [role] = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, 1);
  emulators.sts.failNext('throttle', 1);
  emulators.sts.failNext('503', 1);
  const popup = await openPopup(ext);
  await popup.assume([role!.roleArn]);
  await expect(popup.result(role!.roleArn)).toHaveAttribute('data-status', 'ok');
  expect(emulators.sts.requests.map((r) => r.outcome).filter((o) => o !== 'Preflight')).toEqual(['Throttling', 'ServiceUnavailable', 'OK']);
});

test('works after the service worker is stopped before the sign-in and again before the popup', async ({ ext, page, emulators }) => {
  const roles = rolesFor(ALICE, APP_IDS.aws);
  const first = await openPopup(ext);
  await expect(first.emptyState()).toBeVisible();
  await stopServiceWorker(ext, first.page);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, roles.length);
  await stopServiceWorker(ext, first.page);
  await first.close();
  const popup = await openPopup(ext);
  await expect(popup.roles()).toHaveCount(roles.length);
  await popup.assume([roles[1]!.roleArn]);
  await expect(popup.result(roles[1]!.roleArn)).toHaveAttribute('data-status', 'ok');
  expect(emulators.sts.issued).toHaveLength(1);
});
