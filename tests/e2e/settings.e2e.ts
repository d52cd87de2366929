/**
 * Settings end to end in Chromium: account aliases learnt from the (emulated) AWS sign-in page, the options page
 * (account names, profile-name template with its live preview, per-role choices, defaults, auto-save), pins set in
 * the popup, and settings export/import — each checked where it matters: the popup, the STS request, the file.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { parseCredentialsFile } from '../../lib/credentials-file';
import { LOCAL_KEYS } from '../../lib/storage-keys';
import { APP_IDS, rolesFor, type WorldRole } from '../emulators/world';
import { extensionPageUrl, openAwsTile, openPopup, signInToMyApps, waitForCapturedRoles, type ExtensionBrowser } from '../support/browser';
import { profileNameOf } from '../support/profile-names';
import { expect, test, testWithHost } from './fixtures';

const ALICE = 'alice@contoso.com';
const PROD = '111111111111';
const DEV = '222222222222';
const SANDBOX = '444444444444';

const aliceRoles = rolesFor(ALICE, APP_IDS.aws);
function aliceRole(accountId: string, roleName: string): WorldRole {
  const role = aliceRoles.find((r) => r.accountId === accountId && r.roleName === roleName);
  if (!role) throw new Error(`alice has no ${roleName} in ${accountId}`);
  return role;
}

const settingsRow = (page: Page, arn: string) => page.locator(`[data-testid="role-settings-row"][data-role-arn="${arn}"]`);
const previewName = (page: Page, arn: string) => page.locator(`[data-testid="preview-name"][data-role-arn="${arn}"]`);

/** Account id → alias the content script stored from the sign-in page. */
async function learntAliases(ext: ExtensionBrowser): Promise<Record<string, string>> {
  const sw = await ext.serviceWorker();
  const stored = await sw.evaluate(
    async (key) => (await chrome.storage.local.get(key))[key] as Record<string, { alias: string }> | undefined,
    LOCAL_KEYS.learntAliases,
  );
  return Object.fromEntries(Object.entries(stored ?? {}).map(([id, l]) => [id, l.alias]));
}

/** The user's settings as stored (what every page and the background read). */
async function storedSettings(ext: ExtensionBrowser): Promise<Record<string, unknown>> {
  const sw = await ext.serviceWorker();
  return sw.evaluate(async (key) => ((await chrome.storage.local.get(key))[key] ?? {}) as Record<string, unknown>, LOCAL_KEYS.settings);
}

/** Signs alice in and opens the AWS tile; resolves once her roles are captured and the page's aliases learnt. */
async function signInAlice(ext: ExtensionBrowser, page: Page): Promise<void> {
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, aliceRoles.length);
  await expect.poll(() => learntAliases(ext)).toEqual({ [PROD]: 'contoso-prod', [DEV]: 'contoso-dev' });
}

async function openOptions(ext: ExtensionBrowser): Promise<Page> {
  const page = await ext.context.newPage();
  await page.goto(extensionPageUrl(ext, 'options.html'));
  await expect(page.getByTestId('profile-template')).toBeVisible();
  return page;
}

test('account names from the AWS sign-in page appear in the popup and in saved profile names', async ({ ext, page, emulators }) => {
  const sandboxRoles = rolesFor(ALICE, APP_IDS.sandbox);
  await signInAlice(ext, page);
  // A second app whose account has no alias: its role picker lists the bare id.
  await page.goto('https://myapplications.microsoft.com/');
  await openAwsTile(page, 'AWS Sandbox');
  await waitForCapturedRoles(ext, aliceRoles.length + sandboxRoles.length);

  const popup = await openPopup(ext);
  await expect(popup.roles()).toHaveCount(aliceRoles.length + sandboxRoles.length);
  await expect(popup.accountNames()).toHaveCount(2);
  expect((await popup.accountNames().allTextContents()).sort()).toEqual(['contoso-dev', 'contoso-prod']);
  await expect(popup.accountNames(PROD)).toHaveText('contoso-prod');
  await expect(popup.accountNames(DEV)).toHaveText('contoso-dev');
  // No alias: the heading says "Account 444444444444" and has no name.
  await expect(popup.account(SANDBOX)).toContainText(`Account ${SANDBOX}`);
  await expect(popup.accountNames(SANDBOX)).toHaveCount(0);

  // The filter finds roles by their account's alias too.
  await popup.filter('contoso-dev');
  const devRoles = aliceRoles.filter((r) => r.accountId === DEV);
  await expect(popup.roles()).toHaveCount(devRoles.length);
  expect((await popup.roles().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-role-arn')))).sort()).toEqual(devRoles.map((r) => r.roleArn).sort());
  await popup.filter('prod admin');
  await expect(popup.roles()).toHaveCount(1);
  await expect(popup.role(aliceRole(PROD, 'Admin').roleArn)).toBeVisible();
  await popup.filter('');
  await expect(popup.roles()).toHaveCount(aliceRoles.length + sandboxRoles.length);

  // Profile names use the alias (the default template {account_name}-{role}), or the id when there is none.
  const prodAdmin = aliceRole(PROD, 'Admin');
  const sandboxAdmin = sandboxRoles[0]!;
  await popup.assume([prodAdmin.roleArn, sandboxAdmin.roleArn]);
  expect(profileNameOf(prodAdmin)).toBe('contoso-prod-Admin');
  expect(profileNameOf(sandboxAdmin)).toBe(`${SANDBOX}-SandboxAdmin`);
  for (const role of [prodAdmin, sandboxAdmin]) {
    const card = popup.result(role.roleArn);
    await expect(card).toHaveAttribute('data-status', 'ok');
    await expect(card).toContainText(profileNameOf(role));
    const section = await popup.copy(role.roleArn, 'credentials-file');
    expect(section.startsWith(`[${profileNameOf(role)}]\n`)).toBe(true);
    expect(section).toContain(`aws_access_key_id = ${emulators.sts.issued.find((i) => i.roleArn === role.roleArn)!.accessKeyId}\n`);
  }
});

// ── with the credentials helper installed in a sandbox (as in credentials-file.e2e.ts) ──────────────────────────────

const hostTest = testWithHost;

hostTest('options change how profiles are named, how long they last, and auto-save writes them', async ({ ext, page, emulators, sandbox, installHost }) => {
  installHost();
  const prodAdmin = aliceRole(PROD, 'Admin');
  const prodReadOnly = aliceRole(PROD, 'ReadOnly');
  const devAdmin = aliceRole(DEV, 'Admin');
  await signInAlice(ext, page);

  // The popup's Options button opens the options page in a tab.
  const popup = await openPopup(ext);
  const [options] = await Promise.all([ext.context.waitForEvent('page', { timeout: 10_000 }), popup.optionsButton().click()]);
  expect(options.url()).toBe(extensionPageUrl(ext, 'options.html'));
  await popup.close();
  await expect(options.getByTestId('profile-template')).toHaveValue('{account_name}-{role}');
  await expect(previewName(options, prodAdmin.roleArn)).toHaveText('contoso-prod-Admin');

  // Account names: the alias AWS showed is listed; the user's own name wins over it (sanitised in profile names).
  await expect(options.getByTestId(`account-alias-${DEV}`)).toHaveText('contoso-dev');
  await expect(options.getByTestId(`account-name-${DEV}`)).toHaveAttribute('placeholder', 'contoso-dev');
  await options.getByTestId(`account-name-${DEV}`).fill('Contoso Development');
  await expect(previewName(options, devAdmin.roleArn)).toHaveText('Contoso_Development-Admin');
  await expect.poll(() => storedSettings(ext)).toMatchObject({ accountNames: { [DEV]: 'Contoso Development' } });

  // The template: a typo is explained and not saved; the preview follows every keystroke.
  const template = options.getByTestId('profile-template');
  await template.fill('{role}-{acount_name}');
  await expect(options.getByTestId('profile-template-error')).toContainText('Did you mean {account_name}?');
  expect((await storedSettings(ext)).profileTemplate).toBe('{account_name}-{role}');
  await template.fill('');
  await template.pressSequentially('{role}-{account_name}');
  await expect(options.getByTestId('profile-template-error')).toHaveCount(0);
  await expect(previewName(options, prodAdmin.roleArn)).toHaveText('Admin-contoso-prod');
  await expect(previewName(options, devAdmin.roleArn)).toHaveText('Admin-Contoso_Development');

  // Per-role choices: a profile name of its own, a duration of its own, a region of its own.
  await settingsRow(options, prodReadOnly.roleArn).getByTestId('role-profile-name').fill('prod-readonly-custom');
  await expect(previewName(options, prodReadOnly.roleArn)).toHaveText('prod-readonly-custom');
  await expect(options.locator(`[data-testid="preview-row"][data-role-arn="${prodReadOnly.roleArn}"] [data-testid="preview-note"]`)).toContainText(
    'its own name',
  );
  await settingsRow(options, prodAdmin.roleArn).getByTestId('role-duration').selectOption('7200');
  await settingsRow(options, devAdmin.roleArn).getByTestId('role-region').fill('us-west-2');
  // Defaults and delivery.
  await options.getByTestId('default-region').fill('eu-central-1');
  await expect(settingsRow(options, prodAdmin.roleArn).getByTestId('role-region')).toHaveAttribute('placeholder', 'eu-central-1');
  // Auto-save is on by default once the helper answers (the setting stays unset: it follows the helper); the page
  // says why. Switched off and on again, it is the user's own choice.
  await expect(options.getByTestId('auto-save-default')).toContainText('(it is)');
  await expect(options.getByTestId('auto-save-to-host')).toBeChecked();
  // uncheck()/check() fail if the box does not follow the click at once: the page must show the stored value.
  await options.getByTestId('auto-save-to-host').uncheck();
  await options.getByTestId('auto-save-to-host').check();

  await expect
    .poll(() => storedSettings(ext))
    .toMatchObject({
      version: 2,
      accountNames: { [DEV]: 'Contoso Development' },
      profileTemplate: '{role}-{account_name}',
      roles: {
        [prodReadOnly.roleArn]: { profileName: 'prod-readonly-custom' },
        [prodAdmin.roleArn]: { duration: 7200 },
        [devAdmin.roleArn]: { region: 'us-west-2' },
      },
      defaultRegion: 'eu-central-1',
      delivery: { autoSaveToHost: true },
    });

  // The popup follows: the user's account name, the role's own duration as a tag.
  const again = await openPopup(ext);
  await expect(again.accountNames(DEV)).toHaveText('Contoso Development');
  await expect(again.accountNames(PROD)).toHaveText('contoso-prod');
  await expect(again.roleDurations(prodAdmin.roleArn)).toHaveText('2 h');
  await expect(again.roleDurations()).toHaveCount(1);
  await expect(again.expiryPreview()).toContainText('roles with their own duration in the options use it');
  await expect(again.hostStatus()).toHaveAttribute('data-state', 'ready');

  const picked = [prodAdmin, prodReadOnly, devAdmin];
  await again.assume(picked.map((r) => r.roleArn));
  // The role's own 2 h went to STS; the others asked for the popup's 1 h.
  const issued = (role: WorldRole) => emulators.sts.issued.find((i) => i.roleArn === role.roleArn)!;
  expect(emulators.sts.issued).toHaveLength(3);
  expect([issued(prodAdmin).requestedDurationSeconds, issued(prodAdmin).durationSeconds]).toEqual([7200, 7200]);
  expect(issued(prodReadOnly).requestedDurationSeconds).toBe(3600);
  expect(issued(devAdmin).requestedDurationSeconds).toBe(3600);
  await expect(again.result(prodAdmin.roleArn)).toContainText('2 h');

  // Auto-save: written without a click on Save, under the template's and the override's names.
  const expected: [WorldRole, string, string][] = [
    [prodAdmin, 'Admin-contoso-prod', 'eu-central-1'],
    [prodReadOnly, 'prod-readonly-custom', 'eu-central-1'],
    [devAdmin, 'Admin-Contoso_Development', 'us-west-2'],
  ];
  for (const [role, name] of expected) {
    await expect(again.result(role.roleArn)).toContainText(name);
    const saved = again.saved(role.roleArn);
    await expect(saved).toHaveAttribute('data-profile', name, { timeout: 15_000 });
    await expect(saved).toHaveText(new RegExp(`^Saved as ${name}, expires \\d\\d:\\d\\d( [AP]M)?$`));
  }
  const parsed = parseCredentialsFile(readFileSync(sandbox.credentialsFile, 'utf8'));
  if (!parsed.ok) throw new Error('the auto-saved file does not parse');
  expect([...parsed.sections.keys()].sort()).toEqual(expected.map(([, name]) => name).sort());
  for (const [role, name, region] of expected) {
    const section = parsed.sections.get(name)!;
    expect(section.get('aws_access_key_id')).toBe(issued(role).accessKeyId);
    expect(section.get('aws_secret_access_key')).toBe(issued(role).secretAccessKey);
    expect(section.get('region')).toBe(region);
  }
});

test('pinning from the popup lists the role first and survives reopening', async ({ ext, page }) => {
  const prodReadOnly = aliceRole(PROD, 'ReadOnly');
  await signInAlice(ext, page);
  const popup = await openPopup(ext);
  const rows = popup.roles();
  // Unpinned: accounts by name (contoso-dev first), roles by name.
  await expect(popup.accountNames().first()).toHaveText('contoso-dev');
  await expect(rows.first()).not.toHaveAttribute('data-role-arn', prodReadOnly.roleArn);
  const pin = popup.pins(prodReadOnly.roleArn);
  await expect(pin).toHaveAttribute('aria-pressed', 'false');
  await pin.click();
  await expect(pin).toHaveAttribute('aria-pressed', 'true');
  await expect(rows.first()).toHaveAttribute('data-role-arn', prodReadOnly.roleArn);
  await expect(popup.accountNames().first()).toHaveText('contoso-prod');
  await popup.close();

  const reopened = await openPopup(ext);
  await expect(reopened.roles().first()).toHaveAttribute('data-role-arn', prodReadOnly.roleArn);
  await expect(reopened.pins(prodReadOnly.roleArn)).toHaveAttribute('aria-pressed', 'true');
  await expect(reopened.pins().and(reopened.page.locator('[aria-pressed="true"]'))).toHaveCount(1);
  // The options page shows the same pin.
  const options = await openOptions(ext);
  await expect(settingsRow(options, prodReadOnly.roleArn).getByTestId('role-pinned')).toBeChecked();
  await options.close();

  // Unpinning puts it back in its place.
  await reopened.pins(prodReadOnly.roleArn).click();
  await expect(reopened.pins(prodReadOnly.roleArn)).toHaveAttribute('aria-pressed', 'false');
  await expect(reopened.accountNames().first()).toHaveText('contoso-dev');
  expect((await storedSettings(ext)).pinnedRoles).toEqual([]);
});

test('settings export and import round-trip', async ({ ext }) => {
  const options = await openOptions(ext);
  const region = options.getByTestId('default-region');
  const minutes = options.getByTestId('reminders-minutes');
  await region.fill('ap-southeast-2');
  await minutes.fill('25');
  await options.getByTestId('format-up-fish').click();
  await expect.poll(() => storedSettings(ext)).toMatchObject({ defaultRegion: 'ap-southeast-2', reminders: { minutesBefore: 25 } });
  await expect.poll(async () => ((await storedSettings(ext)).delivery as { formatOrder: string[] }).formatOrder.indexOf('fish')).toBe(1);
  const before = await storedSettings(ext);

  const [download] = await Promise.all([options.waitForEvent('download'), options.getByTestId('export-settings').click()]);
  expect(download.suggestedFilename()).toBe('aws-saml-bridge-settings.json');
  const exported = readFileSync(await download.path(), 'utf8');
  expect(JSON.parse(exported)).toEqual(before);

  // Change things, then import the file: everything is back.
  await region.fill('us-east-2');
  await minutes.fill('40');
  await expect.poll(() => storedSettings(ext)).toMatchObject({ defaultRegion: 'us-east-2', reminders: { minutesBefore: 40 } });
  await minutes.blur();
  const file = (name: string, text: string) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
  await options.getByTestId('import-settings').setInputFiles(file('aws-saml-bridge-settings.json', exported));
  await expect(options.getByTestId('import-status')).toHaveText('Imported aws-saml-bridge-settings.json.');
  await expect.poll(() => storedSettings(ext)).toEqual(before);
  await expect(region).toHaveValue('ap-southeast-2');
  await expect(minutes).toHaveValue('25');

  // A file with one bad value: it is named, and "Import the rest" keeps the current value for it.
  await options
    .getByTestId('import-settings')
    .setInputFiles(file('partly.json', JSON.stringify({ version: 2, defaultRegion: 'mars-1', reminders: { minutesBefore: 30 } })));
  await expect(options.getByTestId('import-issues')).toContainText('defaultRegion');
  await options.getByTestId('import-apply').click();
  await expect.poll(() => storedSettings(ext)).toMatchObject({ defaultRegion: 'ap-southeast-2', reminders: { minutesBefore: 30 } });
  await expect(minutes).toHaveValue('30');
  // Not JSON at all: refused, nothing changes.
  await options.getByTestId('import-settings').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('region = eu-west-1\n') });
  await expect(options.getByTestId('import-error')).toContainText('notes.txt: The file is not valid JSON');
  expect(await storedSettings(ext)).toMatchObject({ defaultRegion: 'ap-southeast-2', reminders: { minutesBefore: 30 } });
});

test('the copy-format order chosen in the options is the order of every role’s Copy buttons', async ({ ext, page }) => {
  const options = await openOptions(ext);
  await options.getByTestId('format-up-fish').click();
  await expect.poll(async () => ((await storedSettings(ext)).delivery as { formatOrder: string[] }).formatOrder.indexOf('fish')).toBe(1);
  const order = ((await storedSettings(ext)).delivery as { formatOrder: string[] }).formatOrder;
  await options.close();

  const role = aliceRole(PROD, 'ReadOnly');
  await signInAlice(ext, page);
  const popup = await openPopup(ext);
  await popup.assume([role.roleArn]);
  const buttons = popup.copyButtons(role.roleArn);
  await expect(buttons.first()).toBeVisible();
  const shown = await buttons.evaluateAll((els) => els.map((e) => (e.getAttribute('data-testid') ?? '').replace(/^copy-/, '')));
  expect(shown.filter((id) => order.includes(id))).toEqual(order);
});
