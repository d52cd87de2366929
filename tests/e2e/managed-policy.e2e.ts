/**
 * An organisation's policy (chrome.storage.managed) end to end in Chromium. Debian's Chromium reads policies from
 * /etc/chromium/policies/managed/*.json, a machine-wide folder this test must never touch. So Chromium runs in a
 * private mount namespace (a small wrapper: `unshare --mount`, bind-mount a temporary copy of /etc/chromium holding
 * the test's policy over /etc/chromium, `exec` Chromium): only that browser sees the policy, and the namespace ends
 * with it. Needs root (or CAP_SYS_ADMIN), as on CI; elsewhere the test is skipped and says why.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { parseCredentialsFile } from '../../lib/credentials-file';
import { LOCAL_KEYS } from '../../lib/storage-keys';
import { APP_IDS, rolesFor } from '../emulators/world';
import { extensionPageUrl, launchWithExtension, openAwsTile, openPopup, signInToMyApps, waitForCapturedRoles, type ExtensionBrowser } from '../support/browser';
import { CHROMIUM } from '../support/paths';
import { expect, test as base } from './fixtures';

const ALICE = 'alice@contoso.com';
const PROD = '111111111111';
const DEV = '222222222222';
const EXTENSION_ID = 'ndcebehelkhblldpkdbhkppfmpokkena';
/** Where Debian's Chromium looks for policies (`<this>/policies/managed/*.json`). */
const CHROMIUM_ETC = '/etc/chromium';
const POLICY_FILE_NAME = 'aws-saml-bridge-e2e.json';

/** What the organisation pushes for this extension (the keys of public/managed_schema.json). */
const POLICY = {
  profileTemplate: '{account_id}-{role}',
  accountNames: { [PROD]: 'Org Prod' },
  defaultRegion: 'eu-west-1',
  reminders: { enabled: false },
};

/** Why Chromium cannot get a private /etc/chromium here, or undefined when it can. */
function mountNamespaceProblem(): string | undefined {
  if (process.platform !== 'linux') return 'a per-browser policy folder needs a Linux mount namespace';
  const from = mkdtempSync(join(tmpdir(), 'aws-saml-bridge-ns-probe-'));
  const onto = mkdtempSync(join(tmpdir(), 'aws-saml-bridge-ns-probe-'));
  try {
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'mount', '--bind', from, onto], { encoding: 'utf8', timeout: 10_000 });
    if (r.error) return `cannot run unshare (${r.error.message}); install util-linux`;
    if (r.status !== 0) return `cannot bind-mount in a private mount namespace (${r.stderr.trim() || `exit ${String(r.status)}`}); run as root, as CI does`;
    return undefined;
  } finally {
    rmSync(from, { recursive: true, force: true });
    rmSync(onto, { recursive: true, force: true });
  }
}

/** POSIX-shell single quoting. */
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface PolicyBrowserFiles {
  root: string;
  userDataDir: string;
  wrapper: string;
  /** The machine's folder the browser sees replaced, and what replaces it. */
  target: string;
  source: string;
}

/**
 * A temporary copy of /etc/chromium holding `policy` for this extension (and no other policy), and a wrapper that
 * starts CHROMIUM with that copy mounted over /etc/chromium in its own mount namespace. Without /etc/chromium (a
 * Chromium not from Debian's package) a copy of all of /etc is mounted over /etc instead: the bind target must exist,
 * and the real /etc must not change.
 */
function preparePolicyBrowser(policy: unknown): PolicyBrowserFiles {
  const root = mkdtempSync(join(tmpdir(), 'aws-saml-bridge-policy-'));
  const whole = !existsSync(CHROMIUM_ETC);
  const target = whole ? '/etc' : CHROMIUM_ETC;
  const source = join(root, whole ? 'etc' : 'etc-chromium');
  const copied = spawnSync('cp', ['-a', target, source], { encoding: 'utf8', timeout: 60_000 });
  if (copied.status !== 0) throw new Error(`copying ${target} failed: ${copied.stderr}`);
  const policies = whole ? join(source, 'chromium', 'policies') : join(source, 'policies');
  rmSync(policies, { recursive: true, force: true });
  mkdirSync(join(policies, 'managed'), { recursive: true });
  writeFileSync(join(policies, 'managed', POLICY_FILE_NAME), JSON.stringify({ '3rdparty': { extensions: { [EXTENSION_ID]: policy } } }, null, 2));
  const wrapper = join(root, 'chromium-with-policy.sh');
  // `exec` all the way (unshare without --fork execs too): one process, so Playwright's pipe (fds 3 and 4) reaches
  // Chromium and Playwright's kill of the process (group) ends it; the namespace dies with it.
  writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      `# Chromium with ${target} replaced by ${source}, for this browser only (private mount namespace).`,
      `exec unshare --mount --propagation private sh -c 'mount --bind "$1" "$2" && bin=$0 && shift 2 && exec "$bin" "$@"' ${shq(CHROMIUM)} ${shq(source)} ${shq(target)} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(wrapper, 0o755);
  const userDataDir = join(root, 'profile');
  mkdirSync(userDataDir);
  return { root, userDataDir, wrapper, target, source };
}

/** Pids of processes whose command line mentions `text` (the browser and its children name their profile). */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const test = base.extend<{ policyBrowser: { ext: ExtensionBrowser; files: PolicyBrowserFiles } }>({
  policyBrowser: async ({ emulators }, use, testInfo) => {
    const problem = mountNamespaceProblem();
    testInfo.skip(problem !== undefined, `Needs a private /etc/chromium for Chromium: ${problem ?? ''}`);
    emulators.reset();
    const files = preparePolicyBrowser(POLICY);
    try {
      const ext = await launchWithExtension({
        hostResolverRules: emulators.chromiumHostResolverRules,
        userDataDir: files.userDataDir,
        executablePath: files.wrapper,
      });
      await use({ ext, files });
      await ext.close();
      // Closing the browser ends every process of it (nothing is left behind in the namespace).
      await expect.poll(() => processesMentioning(files.userDataDir), { timeout: 10_000, message: 'browser processes left after close' }).toEqual([]);
    } finally {
      rmSync(files.root, { recursive: true, force: true });
    }
  },
  ext: async ({ policyBrowser }, use) => use(policyBrowser.ext),
});

const lockedNote = (page: Page, path: string) => page.locator(`[data-testid="locked-note"][data-path="${path.replace(/"/g, '\\"')}"]`);

test('a value pushed by policy wins and shows as locked', async ({ ext, page, policyBrowser: { files } }) => {
  const realPolicy = join(CHROMIUM_ETC, 'policies', 'managed', POLICY_FILE_NAME);
  // The wrapper exec'd all the way: no shell or unshare waits around; the browser runs in a mount namespace of its own.
  const browserPids = processesMentioning(files.userDataDir);
  expect(browserPids.length).toBeGreaterThan(0);
  expect(processesMentioning(files.wrapper)).toEqual([]);
  expect(processesMentioning(files.source)).toEqual([]);
  expect(readlinkSync(`/proc/${browserPids[0]!}/ns/mnt`)).not.toBe(readlinkSync('/proc/self/ns/mnt'));
  // The browser sees the policy; the machine does not.
  const sw = await ext.serviceWorker();
  await expect.poll(() => sw.evaluate(() => chrome.storage.managed.get(null))).toEqual(POLICY);
  expect(existsSync(realPolicy)).toBe(false);

  // The user's own earlier choices for the same settings (and one the policy leaves alone).
  await sw.evaluate(({ key, settings }) => chrome.storage.local.set({ [key]: settings }), {
    key: LOCAL_KEYS.settings,
    settings: {
      version: 2,
      profileTemplate: '{role}-{account_name}',
      accountNames: { [PROD]: 'my-prod', [DEV]: 'my-dev' },
      defaultRegion: 'us-east-2',
    },
  });

  const roles = rolesFor(ALICE, APP_IDS.aws);
  const prodAdmin = roles.find((r) => r.accountId === PROD && r.roleName === 'Admin')!;
  const devAdmin = roles.find((r) => r.accountId === DEV && r.roleName === 'Admin')!;
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  await waitForCapturedRoles(ext, roles.length);

  // Options: the policy's values, disabled, each with its note; the user's value for another account stays editable.
  const options = await ext.context.newPage();
  await options.goto(extensionPageUrl(ext, 'options.html'));
  await expect(options.getByTestId('options-managed')).toBeVisible();
  await expect(options.getByTestId('options-issues-managed')).toHaveCount(0);
  const template = options.getByTestId('profile-template');
  await expect(template).toHaveValue('{account_id}-{role}');
  await expect(template).toBeDisabled();
  await expect(lockedNote(options, 'profileTemplate')).toBeVisible();
  await expect(options.locator(`[data-testid="preview-name"][data-role-arn="${prodAdmin.roleArn}"]`)).toHaveText(`${PROD}-Admin`);
  const prodName = options.getByTestId(`account-name-${PROD}`);
  await expect(prodName).toHaveValue('Org Prod');
  await expect(prodName).toBeDisabled();
  await expect(lockedNote(options, `accountNames["${PROD}"]`)).toBeVisible();
  await expect(options.getByTestId(`account-name-${DEV}`)).toHaveValue('my-dev');
  await expect(options.getByTestId(`account-name-${DEV}`)).toBeEnabled();
  await expect(lockedNote(options, `accountNames["${DEV}"]`)).toHaveCount(0);
  await expect(options.getByTestId('default-region')).toHaveValue('eu-west-1');
  await expect(options.getByTestId('default-region')).toBeDisabled();
  await expect(lockedNote(options, 'defaultRegion')).toBeVisible();
  await expect(options.getByTestId('reminders-enabled')).not.toBeChecked();
  await expect(options.getByTestId('reminders-enabled')).toBeDisabled();
  await expect(lockedNote(options, 'reminders.enabled')).toBeVisible();
  // What the policy does not set stays the user's.
  await expect(options.getByTestId('default-duration')).toBeEnabled();
  await expect(options.getByTestId('auto-save-to-host')).toBeEnabled();
  await expect(options.getByTestId('locked-note')).toHaveCount(4);
  // The user's own values are kept underneath (a policy removed later must not leave its values behind).
  expect(await sw.evaluate(async (key) => (await chrome.storage.local.get(key))[key], LOCAL_KEYS.settings)).toMatchObject({
    profileTemplate: '{role}-{account_name}',
    accountNames: { [PROD]: 'my-prod' },
    defaultRegion: 'us-east-2',
  });
  await options.close();

  // Popup: the organisation's name beats the user's and the alias; the user's name for the other account applies.
  const popup = await openPopup(ext);
  await expect(popup.accountNames(PROD)).toHaveText('Org Prod');
  await expect(popup.accountNames(DEV)).toHaveText('my-dev');
  await popup.assume([prodAdmin.roleArn, devAdmin.roleArn]);
  for (const [role, name] of [
    [prodAdmin, `${PROD}-Admin`],
    [devAdmin, `${DEV}-Admin`],
  ] as const) {
    const card = popup.result(role.roleArn);
    await expect(card).toHaveAttribute('data-status', 'ok');
    await expect(card).toContainText(name);
    expect((await popup.copy(role.roleArn, 'credentials-file')).startsWith(`[${name}]\n`)).toBe(true);
  }
  // The policy's region goes with every profile (no helper here: the download is the same file).
  const [download] = await Promise.all([popup.page.waitForEvent('download'), popup.downloadButton().click()]);
  const parsed = parseCredentialsFile(readFileSync(await download.path(), 'utf8'));
  if (!parsed.ok) throw new Error('the download does not parse');
  expect([...parsed.sections.keys()].sort()).toEqual([`${PROD}-Admin`, `${DEV}-Admin`]);
  for (const section of parsed.sections.values()) expect(section.get('region')).toBe('eu-west-1');
  expect(existsSync(realPolicy)).toBe(false);
});
