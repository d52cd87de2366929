/**
 * Smoke test of the emulators in a real browser (plain Chromium, no extension): sign in at My Apps,
 * click the AWS tile, let Entra's form auto-POST to the AWS sign-in page, pick a role, reach the console.
 */
import { chromium, expect, test, type Browser } from '@playwright/test';
import { CHROMIUM } from '../support/paths';
import { startEmulators, type Emulators } from './index';
import { PASSWORD } from './world';

let emu: Emulators;
let browser: Browser;

test.beforeAll(async () => {
  emu = await startEmulators();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      `--host-resolver-rules=${emu.chromiumHostResolverRules}`,
      '--ignore-certificate-errors',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--no-sandbox',
    ],
  });
});

test.afterAll(async () => {
  await browser?.close();
  await emu?.stop();
});

test('My Apps → AWS tile → role picker → console, in plain Chromium', async () => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();

  await page.goto('https://myapplications.microsoft.com/');
  await expect(page).toHaveURL(/^https:\/\/login\.microsoftonline\.com\/[0-9a-f-]+\/login\?ctx=/);
  await page.getByLabel('Email, phone, or Skype').fill('alice@contoso.com');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL('https://myapplications.microsoft.com/');
  await expect(page.getByRole('link', { name: 'AWS', exact: true })).toBeVisible();

  const acsPost = page.waitForRequest((r) => r.method() === 'POST' && r.url() === 'https://signin.aws.amazon.com/saml');
  await page.getByRole('link', { name: 'AWS', exact: true }).click();
  const post = await acsPost;
  const form = new URLSearchParams(post.postData() ?? '');
  expect(form.get('SAMLResponse')).toMatch(/^PHNhbWxwOlJlc3BvbnNl/); // base64 of "<samlp:Response"

  await expect(page).toHaveURL('https://signin.aws.amazon.com/saml');
  await expect(page.locator('.saml-account-name')).toHaveText(['Account: contoso-prod (111111111111)', 'Account: contoso-dev (222222222222)']);
  const meta = await page.locator('meta[name="data"]').getAttribute('content');
  const data = JSON.parse(Buffer.from(meta ?? '', 'base64').toString('utf8')) as { roles_accounts: Record<string, string[]> };
  expect(Object.values(data.roles_accounts).flat()).toHaveLength(6);

  await page.getByLabel('team/platform/Deployer').check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL('https://console.aws.amazon.com/console/home');
  await expect(page.getByTestId('assumed-role-arn')).toHaveText('arn:aws:sts::111111111111:assumed-role/Deployer/alice@contoso.com');

  // The browser's own ACS POSTs: the auto-POST from Entra, then the picker's POST with roleIndex.
  expect(emu.signin.posts.map((p) => p.outcome)).toEqual(['picker', 'console']);
  expect(emu.idp.issued).toHaveLength(1);
  await context.close();
});
