/**
 * Credentials where the CLI looks, end to end in Chromium: the real host installed with the real installer into
 * the test profile's user-data dir (Chromium reads `<user-data-dir>/NativeMessagingHosts/`), a sandboxed HOME for
 * both the installer and the browser (so the host writes `<home>/.aws/credentials`), emulated Entra and STS.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatExpiration } from '../../lib/credentials';
import { parseCredentialsFile } from '../../lib/credentials-file';
import { profileNameOf } from '../support/profile-names';
import { APP_IDS, rolesFor } from '../emulators/world';
import { HELPER_FILE_NAME, HELPER_PACKAGE_PATH, installHelperCommand } from '../../lib/helper-install';
import { CHROME_BUILD } from '../support/paths';
import { NATIVE_HOST_NAME } from '../../lib/native-host-name';
import { runHelperScript, type HostSandbox } from '../support/native-host';
import { POPUP } from '../support/popup-page';
import { openAwsTile, openPopup, signInToMyApps } from '../support/browser';
import { expect, testWithHost } from './fixtures';

const ALICE = 'alice@contoso.com';
/** What the user already has: a comment, long-term keys, a config-style section. Must survive byte for byte. */
const EXISTING = [
  '# my long-term keys — do not lose',
  '[default]',
  'aws_access_key_id = AKIAEXISTINGEXAMPLE1',
  'aws_secret_access_key = existing/secret+key',
  '',
  '; a second comment',
  '[personal]',
  'aws_access_key_id=AKIAPERSONALEXAMPLE2',
  'aws_secret_access_key=personal/secret',
  'region=eu-central-1',
  '',
].join('\n');

const test = testWithHost;

function writeExisting(sandbox: HostSandbox, text: string): void {
  mkdirSync(join(sandbox.home, '.aws'), { mode: 0o700 });
  writeFileSync(sandbox.credentialsFile, text, { mode: 0o600 });
  chmodSync(sandbox.credentialsFile, 0o600);
}

test('installed host: two assumed roles saved into ~/.aws/credentials, the existing profiles and comments kept byte for byte', async ({
  ext,
  page,
  emulators,
  sandbox,
  installHost,
}) => {
  writeExisting(sandbox, EXISTING);
  installHost();
  const roles = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  const popup = await openPopup(ext);
  await expect(popup.hostStatus()).toHaveAttribute('data-state', 'ready');
  // The account names the content script learnt from AWS's role picker name the profiles: wait until it has.
  await expect(popup.accountNames().first()).toBeVisible();
  await expect(popup.hostStatus()).toContainText(sandbox.credentialsFile);

  const picked = [roles[0]!, roles[3]!];
  await popup.assume(picked.map((r) => r.roleArn));
  await popup.save();
  await expect(popup.saveStatus()).toHaveText(`Saved 2 profiles to ${sandbox.credentialsFile}`);

  const text = readFileSync(sandbox.credentialsFile, 'utf8');
  // Everything the user had is still there, unchanged, ahead of the new sections.
  expect(text.startsWith(EXISTING)).toBe(true);
  const parsed = parseCredentialsFile(text);
  if (!parsed.ok) throw new Error('the written file does not parse');
  expect([...parsed.sections.keys()]).toEqual(['default', 'personal', ...picked.map((r) => profileNameOf(r)).sort()]);
  for (const role of picked) {
    const issued = emulators.sts.issued.find((i) => i.roleArn === role.roleArn)!;
    const name = profileNameOf(role);
    const section = parsed.sections.get(name)!;
    expect(Object.fromEntries(section)).toEqual({
      aws_access_key_id: issued.accessKeyId,
      aws_secret_access_key: issued.secretAccessKey,
      aws_session_token: issued.sessionToken,
      aws_security_token: issued.sessionToken,
      x_security_token_expires: formatExpiration(issued.expiration),
    });
    // Per profile, in place: "Saved as <name>, expires 14:32" (the browser's local time and clock style).
    const saved = popup.saved(role.roleArn);
    await expect(saved).toHaveAttribute('data-profile', name);
    await expect(saved).toHaveText(new RegExp(`^Saved as ${name}, expires \\d\\d:\\d\\d( [AP]M)?$`));
  }
  expect(statSync(sandbox.credentialsFile).mode & 0o777).toBe(0o600);
  // The previous file is kept as the one backup.
  expect(readFileSync(`${sandbox.credentialsFile}.aws-saml-bridge.bak`, 'utf8')).toBe(EXISTING);

  // The saved state outlives the popup: a new popup shows the same result.
  await popup.close();
  const again = await openPopup(ext);
  await expect(again.saved()).toHaveCount(2);
});

test('a profile holding keys the extension did not write is not overwritten without asking', async ({ ext, page, emulators, sandbox, installHost }) => {
  const role = rolesFor(ALICE, APP_IDS.aws)[0]!;
  const name = profileNameOf(role);
  const existing = `[${name}]\naws_access_key_id = AKIALONGTERMEXAMPLE3\naws_secret_access_key = long/term\n`;
  writeExisting(sandbox, existing);
  installHost();
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  const popup = await openPopup(ext);
  await expect(popup.accountNames().first()).toBeVisible();
  await popup.assume([role.roleArn]);
  await popup.save();

  const problem = popup.saveProblem();
  await expect(problem).toHaveAttribute('data-code', 'UNMANAGED_PROFILE');
  // The extension's own words, from the host's code and data (the profile's name), never the host's sentence.
  await expect(problem.locator('p')).toHaveText(
    `This profile holds keys the extension did not write: ${name}. Nothing was saved. Overwrite them (the old file is kept as a backup), or give this role another profile name in the options.`,
  );
  await expect(problem).not.toContainText('AKIALONGTERMEXAMPLE3');
  expect(readFileSync(sandbox.credentialsFile, 'utf8')).toBe(existing);

  await popup.overwrite();
  await expect(problem).toHaveCount(0);
  await expect(popup.saved()).toHaveAttribute('data-profile', name);
  const issued = emulators.sts.issued.find((i) => i.roleArn === role.roleArn)!;
  const parsed = parseCredentialsFile(readFileSync(sandbox.credentialsFile, 'utf8'));
  expect(parsed.ok && parsed.sections.get(name)?.get('aws_access_key_id')).toBe(issued.accessKeyId);
  expect(readFileSync(`${sandbox.credentialsFile}.aws-saml-bridge.bak`, 'utf8')).toBe(existing);
});

test('no host: the popup offers the helper and its exact command, Download gives the same file; the downloaded helper, run as shown, makes Save work', async ({
  ext,
  page,
  emulators,
  sandbox,
}) => {
  const roles = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  const popup = await openPopup(ext);
  await expect(popup.accountNames().first()).toBeVisible();
  const status = popup.hostStatus();
  await expect(status).toHaveAttribute('data-state', 'missing');
  // This runs on Linux: the command for Linux and macOS, from the one place that builds it.
  const command = installHelperCommand('posix');
  await expect(popup.hostFixCommand()).toHaveText(command);
  expect(await popup.copyFixCommand()).toBe(command);
  const downloadHelper = popup.page.locator(POPUP.downloadHelper);
  await expect(downloadHelper).toHaveText('Download the helper');

  const picked = [roles[1]!, roles[2]!];
  await popup.assume(picked.map((r) => r.roleArn));
  await expect(popup.saveButton()).toBeDisabled();

  const [download] = await Promise.all([popup.page.waitForEvent('download'), popup.downloadButton().click()]);
  expect(download.suggestedFilename()).toBe('aws-saml-bridge-credentials');
  const text = readFileSync(await download.path(), 'utf8');
  const parsed = parseCredentialsFile(text);
  if (!parsed.ok) throw new Error('the download does not parse');
  expect([...parsed.sections.keys()].sort()).toEqual(picked.map((r) => profileNameOf(r)).sort());
  for (const role of picked) {
    const issued = emulators.sts.issued.find((i) => i.roleArn === role.roleArn)!;
    expect(parsed.sections.get(profileNameOf(role))?.get('aws_secret_access_key')).toBe(issued.secretAccessKey);
  }
  // Copy all is byte-identical to the download: one writer.
  expect(await popup.copyAll()).toBe(text);
  // Nothing was written to the home folder.
  expect(existsSync(sandbox.credentialsFile)).toBe(false);

  // The helper, downloaded from the popup (the file the extension package carries) into the sandbox's ~/Downloads.
  const [helper] = await Promise.all([popup.page.waitForEvent('download'), downloadHelper.click()]);
  expect(helper.suggestedFilename()).toBe(HELPER_FILE_NAME);
  const downloaded = join(sandbox.home, 'Downloads', HELPER_FILE_NAME);
  await helper.saveAs(downloaded);
  expect(readFileSync(downloaded).equals(readFileSync(join(CHROME_BUILD, HELPER_PACKAGE_PATH)))).toBe(true);
  // The shown command, run as a user would (with `~` as the sandbox's HOME); the test browser reads host manifests
  // from its own profile folder, hence --user-data-dir.
  const [node, script, ...args] = command.split(' ');
  expect([node, script, ...args]).toEqual(['node', `~/Downloads/${HELPER_FILE_NAME}`, 'install-host']);
  const installed = runHelperScript(script!.replace(/^~/, sandbox.home), sandbox, [...args, '--user-data-dir', sandbox.userDataDir]);
  expect(installed.status, installed.stderr + installed.stdout).toBe(0);
  expect(installed.stdout).toContain('No problems found.');
  const home = join(sandbox.home, '.local', 'share', 'aws-saml-bridge');
  const manifest = JSON.parse(readFileSync(join(sandbox.userDataDir, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`), 'utf8')) as { path: string };
  expect(manifest.path.startsWith(`${home}/`)).toBe(true);

  // Checking again turns the status to ready without reopening, and Save writes the picked roles.
  await popup.recheckHost();
  await expect(status).toHaveAttribute('data-state', 'ready');
  await popup.save();
  await expect(popup.saveStatus()).toHaveText(`Saved 2 profiles to ${sandbox.credentialsFile}`);
  const saved = parseCredentialsFile(readFileSync(sandbox.credentialsFile, 'utf8'));
  expect(saved.ok && [...saved.sections.keys()].sort()).toEqual(picked.map((r) => profileNameOf(r)).sort());
});

test('after Save the helper line says the file is written, no longer "will create" (no reopening)', async ({ ext, page, sandbox, installHost }) => {
  installHost();
  const role = rolesFor(ALICE, APP_IDS.aws)[0]!;
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  const popup = await openPopup(ext);
  const status = popup.hostStatus();
  await expect(status).toHaveAttribute('data-state', 'ready');
  await expect(status).toContainText(`will create ${sandbox.credentialsFile}`);
  await expect(popup.accountNames().first()).toBeVisible();
  await popup.assume([role.roleArn]);
  await popup.save();
  await expect(popup.saveStatus()).toHaveText(`Saved 1 profile to ${sandbox.credentialsFile}`);
  await expect(status).toContainText(`writes ${sandbox.credentialsFile}`);
  expect(statSync(sandbox.credentialsFile).mode & 0o777).toBe(0o600);
  // Created private: nothing to offer.
  await expect(popup.fileOpenWarning()).toHaveCount(0);
});

test('a credentials file other users can read: the popup says so, and only "Make it private" sets 0600', async ({ ext, sandbox, installHost }) => {
  writeExisting(sandbox, EXISTING);
  chmodSync(sandbox.credentialsFile, 0o644);
  installHost();
  const popup = await openPopup(ext);
  await expect(popup.hostStatus()).toHaveAttribute('data-state', 'ready');
  const warning = popup.fileOpenWarning();
  await expect(warning).toHaveText('Your credentials file is readable by other users (mode 0644).Make it private');
  // Showing the warning changed nothing.
  expect(statSync(sandbox.credentialsFile).mode & 0o777).toBe(0o644);
  await popup.makeFilePrivate();
  await expect(warning).toHaveCount(0);
  await expect(popup.hostStatus()).toContainText(`writes ${sandbox.credentialsFile}`);
  expect(statSync(sandbox.credentialsFile).mode & 0o777).toBe(0o600);
  expect(readFileSync(sandbox.credentialsFile, 'utf8')).toBe(EXISTING);
  // A new popup agrees.
  await popup.close();
  const again = await openPopup(ext);
  await expect(again.hostStatus()).toHaveAttribute('data-state', 'ready');
  await expect(again.fileOpenWarning()).toHaveCount(0);
});
