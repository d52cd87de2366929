/**
 * Forget with "also remove from ~/.aws/credentials", end to end in Chromium with the real helper installed in a
 * sandboxed HOME: the user's own file, three saved profiles, then Forget everything with removal gives the user's
 * file back byte for byte — the helper removes exactly the sections it wrote and nothing else.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_IDS, rolesFor } from '../emulators/world';
import type { Page } from '@playwright/test';
import { openAwsTile, openPopup, signInToMyApps, type ExtensionBrowser } from '../support/browser';
import type { HostSandbox } from '../support/native-host';
import { profileNameOf } from '../support/profile-names';
import { expect, testWithHost as test } from './fixtures';

const ALICE = 'alice@contoso.com';
/** The user's own file: comments, long-term keys, an odd layout, no blank line at the end of the last section. */
const USERS_OWN = [
  '# my long-term keys — do not lose',
  '[default]',
  'aws_access_key_id = AKIAEXISTINGEXAMPLE1',
  'aws_secret_access_key = existing/secret+key',
  '',
  '',
  '; work',
  '[personal]',
  '  aws_access_key_id=AKIAPERSONALEXAMPLE2',
  'aws_secret_access_key : personal/secret',
  'region=eu-central-1',
  '',
].join('\n');

/** The user's own credentials file, the helper installed, Alice signed in and the popup ready to save. */
async function withUsersOwnFile(ext: ExtensionBrowser, page: Page, sandbox: HostSandbox, installHost: () => void) {
  mkdirSync(join(sandbox.home, '.aws'), { mode: 0o700 });
  writeFileSync(sandbox.credentialsFile, USERS_OWN, { mode: 0o600 });
  installHost();
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  const popup = await openPopup(ext);
  await expect(popup.hostStatus()).toHaveAttribute('data-state', 'ready');
  await expect(popup.accountNames().first()).toBeVisible();
  return popup;
}

test('save three profiles, then Forget everything with removal: the credentials file is the user’s own again, byte for byte', async ({
  ext,
  page,
  sandbox,
  installHost,
}) => {
  const popup = await withUsersOwnFile(ext, page, sandbox, installHost);

  const picked = rolesFor(ALICE, APP_IDS.aws).slice(0, 3);
  await popup.assume(picked.map((r) => r.roleArn));
  await popup.save();
  await expect(popup.saveStatus()).toHaveText(`Saved 3 profiles to ${sandbox.credentialsFile}`);
  const saved = readFileSync(sandbox.credentialsFile, 'utf8');
  expect(saved.startsWith(USERS_OWN)).toBe(true);
  for (const role of picked) expect(saved).toContain(`[${profileNameOf(role)}]\n`);

  await popup.forgetEverything({ removeFromFile: true });
  await expect.poll(() => readFileSync(sandbox.credentialsFile, 'utf8'), { timeout: 10_000 }).toBe(USERS_OWN);
  await expect(popup.errorBanners()).toHaveCount(0);
});

test('Remove from file on one saved profile: its section goes, the others and the user’s own stay, the session stays', async ({
  ext,
  page,
  sandbox,
  installHost,
}) => {
  const popup = await withUsersOwnFile(ext, page, sandbox, installHost);
  const [kept, removed] = rolesFor(ALICE, APP_IDS.aws);
  await popup.assume([kept!.roleArn, removed!.roleArn]);
  await popup.save();
  await expect(popup.saveStatus()).toHaveText(`Saved 2 profiles to ${sandbox.credentialsFile}`);
  const both = readFileSync(sandbox.credentialsFile, 'utf8');

  await popup.result(removed!.roleArn).getByTestId('remove-saved').click();
  await expect.poll(() => readFileSync(sandbox.credentialsFile, 'utf8'), { timeout: 10_000 }).not.toBe(both);
  const after = readFileSync(sandbox.credentialsFile, 'utf8');
  expect(after.startsWith(USERS_OWN)).toBe(true);
  expect(after).toContain(`[${profileNameOf(kept!)}]\n`);
  expect(after).not.toContain(`[${profileNameOf(removed!)}]`);
  // The session is still there to copy or save again; only its "saved" line is gone.
  await expect(popup.result(removed!.roleArn).getByTestId('saved')).toHaveCount(0);
  await expect(popup.result(removed!.roleArn)).toContainText(profileNameOf(removed!));
});
