/**
 * Role chaining end to end in Chromium: a role the sign-in does not offer is assumed with the session of one it
 * does (the emulator checks the SigV4 signature against the credentials it issued), shown under its source with its
 * own credentials; a wrong external ID gives plain words naming both roles; no chained credential leaves
 * storage.session.
 */
import { formatExpiration } from '../../lib/credentials';
import type { ChainedRole } from '../../lib/settings';
import { LOCAL_KEYS } from '../../lib/storage-keys';
import { APP_IDS, rolesFor, world } from '../emulators/world';
import { extensionPageUrl, openAwsTile, openPopup, signInToMyApps, waitForCapturedRoles, type ExtensionBrowser } from '../support/browser';
import { expect, storageArea, test } from './fixtures';

const ALICE = 'alice@contoso.com';
const roles = rolesFor(ALICE, APP_IDS.aws);
const ADMIN = roles.find((r) => r.roleArn === 'arn:aws:iam::111111111111:role/Admin')!;
const TRUST = world.chainTrust.find((t) => t.sourceRoleArn === ADMIN.roleArn)!;
const AUDITOR = TRUST.targetRoleArn;

/** Stores the chained roles as the user's settings, from the service worker (as the options page would). */
async function chainRoles(ext: ExtensionBrowser, chainedRoles: ChainedRole[]): Promise<void> {
  const sw = await ext.serviceWorker();
  await sw.evaluate(([key, value]) => chrome.storage.local.set({ [key]: { version: 2, chainedRoles: value } }), [LOCAL_KEYS.settings, chainedRoles] as const);
}

test('a chained role is assumed after its source, with its session, and shown under it with its own credentials', async ({ ext, page, emulators }) => {
  expect(roles.map((r) => r.roleArn)).not.toContain(AUDITOR);
  await chainRoles(ext, [{ targetRoleArn: AUDITOR, sourceRoleArn: ADMIN.roleArn, externalId: TRUST.externalId!, durationSeconds: 1800 }]);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, roles.length);

  const popup = await openPopup(ext);
  await popup.assume([ADMIN.roleArn]);
  const chained = popup.chainedResult(ADMIN.roleArn, AUDITOR);
  await expect(chained).toHaveAttribute('data-status', 'ok', { timeout: 30_000 });

  const [source, target] = emulators.sts.issued;
  expect(emulators.sts.issued).toHaveLength(2);
  expect(source).toMatchObject({ roleArn: ADMIN.roleArn, host: 'sts.amazonaws.com' });
  expect(target).toMatchObject({
    roleArn: AUDITOR,
    chainedFrom: ADMIN.roleArn,
    principalArn: source!.assumedRoleArn,
    durationSeconds: 1800,
    host: source!.host,
  });
  expect(target!.issuedAt.getTime()).toBeGreaterThanOrEqual(source!.issuedAt.getTime());
  const signed = emulators.sts.requests.find((r) => r.outcome === 'OK' && r.params.includes('ExternalId'))!;
  expect(String(signed.headers.authorization)).toContain(`Credential=${source!.accessKeyId}/`);

  await expect(chained).toContainText(target!.accessKeyId);
  await expect(chained).toContainText('OrgAuditor');
  await expect(chained).not.toContainText(target!.secretAccessKey);
  const exp = formatExpiration(target!.expiration);
  expect(await popup.copy(AUDITOR, 'env')).toBe(
    `export AWS_ACCESS_KEY_ID=${target!.accessKeyId}\nexport AWS_SECRET_ACCESS_KEY=${target!.secretAccessKey}\nexport AWS_SESSION_TOKEN=${target!.sessionToken}\nexport AWS_CREDENTIAL_EXPIRATION=${exp}\n`,
  );
  await expect(popup.openConsoleButton(AUDITOR)).toBeEnabled();

  const local = JSON.stringify(await storageArea(ext, 'local'));
  const sync = JSON.stringify(await storageArea(ext, 'sync'));
  for (const issued of emulators.sts.issued) {
    for (const secret of [issued.accessKeyId, issued.secretAccessKey, issued.sessionToken]) {
      expect(local).not.toContain(secret);
      expect(sync).not.toContain(secret);
    }
  }
});

test('a wrong external ID: the chained role fails in plain words naming both roles; the source keeps its session', async ({ ext, page, emulators }) => {
  await chainRoles(ext, [{ targetRoleArn: AUDITOR, sourceRoleArn: ADMIN.roleArn, externalId: 'contoso-audit-8' }]);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, roles.length);

  const popup = await openPopup(ext);
  await popup.assume([ADMIN.roleArn]);
  const chained = popup.chainedResult(ADMIN.roleArn, AUDITOR);
  await expect(chained).toHaveAttribute('data-status', 'error', { timeout: 30_000 });
  await expect(chained).toContainText('Admin in 111111111111 may not assume OrgAuditor in 777777777777');
  await expect(chained).toContainText('external ID');
  await expect(popup.result(ADMIN.roleArn).first()).toHaveAttribute('data-status', 'ok');
  expect(emulators.sts.issued.map((i) => i.roleArn)).toEqual([ADMIN.roleArn]);
  expect(emulators.sts.requests.map((r) => r.outcome)).toContain('AccessDenied');
});

test('the options page adds a chained role (each field checked), stores it in the settings and removes it', async ({ ext, page }) => {
  await page.goto(extensionPageUrl(ext, 'options.html'));
  const field = (name: string) => page.getByTestId(`new-chained-${name}`);
  await field('targetRoleArn').fill(AUDITOR);
  await field('sourceRoleArn').fill(ADMIN.roleArn);
  await field('externalId').fill('contoso audit');
  await expect(page.getByTestId('new-chained-role-error')).toContainText('external ID must be 2–1224');
  await expect(page.getByTestId('add-chained-role')).toBeDisabled();
  await field('externalId').fill(TRUST.externalId!);
  await field('durationSeconds').fill('7200');
  await expect(page.getByTestId('new-chained-role-error')).toContainText('from 900 to 3600');
  await field('durationSeconds').fill('1800');
  await page.getByTestId('add-chained-role').click();
  await expect(page.getByTestId('chained-role')).toHaveAttribute('data-role-arn', AUDITOR);

  const sw = await ext.serviceWorker();
  const stored = () =>
    sw.evaluate(async (key) => ((await chrome.storage.local.get(key))[key] as { chainedRoles?: unknown } | undefined)?.chainedRoles, LOCAL_KEYS.settings);
  expect(await stored()).toEqual([{ targetRoleArn: AUDITOR, sourceRoleArn: ADMIN.roleArn, externalId: TRUST.externalId, durationSeconds: 1800 }]);
  await page.getByTestId('remove-chained-role').click();
  await expect(page.getByTestId('chained-roles-empty')).toBeVisible();
  expect(await stored()).toEqual([]);
});
