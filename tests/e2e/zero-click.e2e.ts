/**
 * The zero-click sign-in, end to end in Chromium with the real credentials helper in a sandboxed HOME: the first
 * sign-in of the day is picked by hand (2 roles, 2 hours) and saved without a click on Save (the helper is installed
 * and auto-save was never set); the second sign-in through My Apps assumes the same roles and rewrites
 * ~/.aws/credentials with new keys while no popup is open, and the popup, opened only afterwards, pre-ticks them and
 * says what happened in one line. With the sign-in's switch off nothing is assumed; another AWS app is not
 * affected; storage.local holds role ARNs and durations, never key material.
 */
import { readFileSync } from 'node:fs';
import { captureIdFor } from '../../lib/capture';
import { LOCAL_KEYS, SESSION_KEYS } from '../../lib/storage-keys';
import { APP_IDS, ENTRA_ISSUER, findApp, rolesFor } from '../emulators/world';
import { openAwsTile, openPopup, signInToMyApps, type ExtensionBrowser } from '../support/browser';
import { profileNameOf } from '../support/profile-names';
import { savedKeyIds } from '../support/saved-keys';
import { expect, storageArea, testWithHost } from './fixtures';

const test = testWithHost;
const ALICE = 'alice@contoso.com';
/** How long the background is given to (not) act on a sign-in it has captured: far above the ~1 s it takes. */
const QUIET_MS = 3_000;

const captureIdOf = (appId: string) => captureIdFor({ issuer: ENTRA_ISSUER, audience: findApp(appId)!.entityId });

/** When the extension captured the sign-in with this id (0: not held). */
async function capturedAt(ext: ExtensionBrowser, captureId: string): Promise<number> {
  const sw = await ext.serviceWorker();
  const key = SESSION_KEYS.capture.key(captureId);
  return sw.evaluate(async (k) => ((await chrome.storage.session.get(k))[k] as { capturedAt?: number } | undefined)?.capturedAt ?? 0, key);
}

/** Signs in again through My Apps (the IdP session is still there) and waits until the extension holds the new sign-in. */
async function signInAgain(ext: ExtensionBrowser, page: Parameters<typeof signInToMyApps>[0], app: string, captureId: string): Promise<void> {
  const before = await capturedAt(ext, captureId);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, app);
  await expect.poll(() => capturedAt(ext, captureId), { timeout: 10_000 }).toBeGreaterThan(before);
}

test('second sign-in of the day: the usual roles are assumed and saved with no popup; switched off, nothing; another app, nothing', async ({
  ext,
  page,
  emulators,
  sandbox,
  installHost,
}) => {
  installHost();
  const aws = captureIdOf(APP_IDS.aws);
  const roles = rolesFor(ALICE, APP_IDS.aws);
  const picked = [roles[0]!, roles[3]!];
  const names = picked.map((r) => profileNameOf(r));

  // First sign-in: nothing remembered, nothing ticked; the user picks two roles for two hours and presses Assume.
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  const first = await openPopup(ext);
  await expect(first.hostStatus()).toHaveAttribute('data-state', 'ready');
  await expect(first.accountNames().first()).toBeVisible();
  await expect(first.tickedRoles()).toHaveCount(0);
  await first.assume(
    picked.map((r) => r.roleArn),
    { duration: '7200' },
  );
  // Saved without a click on Save: the helper answers and auto-save was never set.
  await expect(first.saved()).toHaveCount(2);
  const morning = savedKeyIds(sandbox.credentialsFile);
  for (const [i, role] of picked.entries()) {
    const issued = emulators.sts.issued.filter((c) => c.roleArn === role.roleArn);
    expect(issued).toHaveLength(1);
    expect(issued[0]!.requestedDurationSeconds).toBe(7200);
    expect(morning[names[i]!]).toBe(issued[0]!.accessKeyId);
  }
  await first.close();

  // Second sign-in: no popup is open, and none is opened until the file holds new keys.
  const issuedBefore = emulators.sts.issued.length;
  await signInAgain(ext, page, 'AWS', aws);
  // New sessions first (the file still holding the morning's keys would satisfy the check below at once).
  await expect.poll(() => emulators.sts.issued.length - issuedBefore, { timeout: 20_000 }).toBeGreaterThanOrEqual(picked.length);
  await expect
    .poll(() => names.map((n) => savedKeyIds(sandbox.credentialsFile)[n]), { timeout: 20_000 })
    .toEqual(picked.map((r) => emulators.sts.issued.filter((c) => c.roleArn === r.roleArn).at(-1)?.accessKeyId));
  const automatic = emulators.sts.issued.slice(issuedBefore);
  expect(automatic.map((c) => [c.roleArn, c.requestedDurationSeconds]).sort()).toEqual(picked.map((r) => [r.roleArn, 7200]).sort());
  for (const name of names) expect(savedKeyIds(sandbox.credentialsFile)[name]).not.toBe(morning[name]);
  expect(ext.context.pages().filter((p) => p.url().includes('popup.html'))).toHaveLength(0);

  // The popup, opened afterwards: the quiet line, the remembered roles and duration ticked.
  const later = await openPopup(ext);
  await expect(later.zeroClickRun(aws)).toHaveText(/^2 profiles saved \d\d:\d\d( [AP]M)?, fresh until \d\d:\d\d( [AP]M)?$/);
  await expect(later.tickedRoles()).toHaveCount(2);
  expect((await later.attributesOf(later.tickedRoles(), 'data-role-arn')).sort()).toEqual(picked.map((r) => r.roleArn).sort());
  await expect(later.page.getByTestId('duration')).toHaveValue('7200');
  // Switched off for this app: the next sign-in assumes nothing.
  await later.autoAssumeSwitch(aws).uncheck();
  await expect(later.autoAssumeSwitch(aws)).not.toBeChecked();
  await later.close();
  const beforeOff = emulators.sts.issued.length;
  const fileBeforeOff = readFileSync(sandbox.credentialsFile, 'utf8');
  await signInAgain(ext, page, 'AWS', aws);
  await page.waitForTimeout(QUIET_MS);
  expect(emulators.sts.issued.length).toBe(beforeOff);
  expect(readFileSync(sandbox.credentialsFile, 'utf8')).toBe(fileBeforeOff);

  // Another AWS app (another source): nothing remembered there, nothing assumed, nothing ticked.
  const sandboxApp = captureIdOf(APP_IDS.sandbox);
  await signInAgain(ext, page, 'AWS Sandbox', sandboxApp);
  await page.waitForTimeout(QUIET_MS);
  expect(emulators.sts.issued.length).toBe(beforeOff);
  const popup = await openPopup(ext);
  await expect(popup.captures(sandboxApp)).toBeVisible();
  await expect(popup.page.locator(`[data-capture-id="${sandboxApp}"] [data-testid="role-row"] input:checked`)).toHaveCount(0);
  await expect(popup.autoAssumeSwitch(sandboxApp)).toHaveCount(0);
  await popup.close();

  // storage.local: the remembered roles and duration, and no key material anywhere in it.
  const local = await storageArea(ext, 'local');
  const remembered = Object.values(local[LOCAL_KEYS.remembered] as Record<string, { roleArns: string[]; durationSeconds: number; autoAssume?: boolean }>);
  expect(remembered).toHaveLength(1);
  expect(remembered[0]).toMatchObject({ durationSeconds: 7200, autoAssume: false });
  expect([...remembered[0]!.roleArns].sort()).toEqual(picked.map((r) => r.roleArn).sort());
  const text = JSON.stringify(local);
  for (const c of emulators.sts.issued) for (const secret of [c.accessKeyId, c.secretAccessKey, c.sessionToken]) expect(text).not.toContain(secret);
  for (const assertion of emulators.idp.issued) expect(text).not.toContain(assertion.samlResponse.slice(0, 60));
});
