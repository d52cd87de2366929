/**
 * "Save to ~/.aws/credentials" in Firefox, end to end through native messaging: the real host, built into a
 * temporary folder and registered with the real installer (`install-host --browser firefox`, which writes
 * `~/.mozilla/native-messaging-hosts/<name>.json` naming the add-on's gecko id), with HOME pointed at a sandbox for
 * both the installer and Firefox, so the host Firefox starts writes the sandbox's `.aws/credentials`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatExpiration } from '../../lib/credentials';
import { parseCredentialsFile } from '../../lib/credentials-file';
import { GECKO_ID } from '../../lib/extension-ids';
import { NATIVE_HOST_NAME } from '../../lib/native-host-name';
import { profileNameOf } from '../support/profile-names';
import { APP_IDS, rolesFor, type WorldRole } from '../emulators/world';
import { buildHost, makeSandbox, removeSandbox, runInstaller, type HostSandbox } from '../support/native-host';
import type { IssuedCredentials } from '../emulators/index';
import { expect, test as base } from './fixtures';
import { openAwsTile, signInToMyApps } from './flows';
import { openPopup, type FirefoxPopup } from './popup';

const ALICE = 'alice@contoso.com';
/** What would leak the developer's own AWS setup or desktop folders into the sandboxed Firefox and host. */
const OUTSIDE_ENV = ['XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_PROFILE'];

let hostDist: string;
base.beforeAll(() => {
  hostDist = buildHost();
});
base.afterAll(() => rmSync(hostDist, { recursive: true, force: true }));

const test = base.extend<{ sandbox: HostSandbox; customCredentialsFile: boolean; credentialsFile: string }>({
  sandbox: async ({}, use) => {
    const sandbox = makeSandbox();
    await use(sandbox);
    removeSandbox(sandbox);
  },
  /** Whether Firefox gets AWS_SHARED_CREDENTIALS_FILE (a path with a space, outside the sandbox's HOME). */
  customCredentialsFile: [false, { option: true }],
  /** Where the host is expected to write. */
  credentialsFile: async ({ sandbox, customCredentialsFile }, use) => {
    if (!customCredentialsFile) return use(sandbox.credentialsFile);
    const dir = join(sandbox.root, 'custom place');
    mkdirSync(dir);
    await use(join(dir, 'creds'));
  },
  // Firefox (and so the host it starts) runs with the sandbox's HOME.
  firefoxOptions: async ({ sandbox, customCredentialsFile, credentialsFile }, use) => {
    const env: Record<string, string> = { HOME: sandbox.home };
    if (customCredentialsFile) env.AWS_SHARED_CREDENTIALS_FILE = credentialsFile;
    await use({ env, unsetEnv: OUTSIDE_ENV.filter((name) => !(name in env)) });
  },
});

/** Registers the host for Firefox in the sandbox, as a user would. */
function installHostForFirefox(sandbox: HostSandbox): void {
  const r = runInstaller(hostDist, sandbox, ['install-host', '--browser', 'firefox']);
  if (r.status !== 0) throw new Error(`install-host --browser firefox failed (${String(r.status)}): ${r.stderr}`);
  const manifestPath = join(sandbox.home, '.mozilla', 'native-messaging-hosts', `${NATIVE_HOST_NAME}.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name: string; type: string; allowed_extensions?: string[]; path: string };
  expect(manifest).toMatchObject({ name: NATIVE_HOST_NAME, type: 'stdio', allowed_extensions: [GECKO_ID] });
  expect(existsSync(manifest.path)).toBe(true);
}

async function waitForHostReady(popup: FirefoxPopup): Promise<string> {
  const host = await popup.hostState();
  if (host.state !== 'ready') throw new Error(`the credentials helper is not ready in Firefox: ${host.state} — ${host.text}`);
  return host.text;
}

function expectSection(file: string, role: WorldRole, issued: IssuedCredentials, naming: { aliasLearnt?: boolean } = {}): void {
  const parsed = parseCredentialsFile(readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(`${file} does not parse: ${JSON.stringify(parsed.issues)}`);
  const section = parsed.sections.get(profileNameOf(role, naming));
  expect(section && Object.fromEntries(section)).toEqual({
    aws_access_key_id: issued.accessKeyId,
    aws_secret_access_key: issued.secretAccessKey,
    aws_session_token: issued.sessionToken,
    aws_security_token: issued.sessionToken,
    x_security_token_expires: formatExpiration(issued.expiration),
  });
  expect(statSync(file).mode & 0o777).toBe(0o600);
}

test('Firefox: installed host — two assumed roles saved into ~/.aws/credentials', async ({ firefox, tab, emulators, sandbox, credentialsFile }) => {
  installHostForFirefox(sandbox);
  const roles = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(tab, ALICE);
  await openAwsTile(tab, 'AWS');
  const popup = await openPopup(firefox);
  await popup.waitForRoles(roles.length);
  expect(await waitForHostReady(popup)).toContain(credentialsFile);
  // The account names the content script learnt from AWS's role picker name the profiles: wait until it has.
  await popup.waitFor(popup.accountNames(), 'attached');

  const picked = [roles[0]!, roles[4]!];
  await popup.assume(picked.map((r) => r.roleArn));
  await popup.save();
  await popup.waitForText(popup.saveStatus(), `Saved 2 profiles to ${credentialsFile}`, 15_000);
  for (const role of picked)
    expectSection(
      credentialsFile,
      role,
      emulators.sts.issued.find((i) => i.roleArn === role.roleArn)!,
    );
  const savedAs = await popup.attributesOf(popup.saved(), 'data-profile');
  expect(savedAs.sort()).toEqual(picked.map((r) => profileNameOf(r)).sort());
});

test.describe('with AWS_SHARED_CREDENTIALS_FILE in Firefox’s environment', () => {
  test.use({ customCredentialsFile: true });

  test('Firefox: the host Firefox starts writes where AWS_SHARED_CREDENTIALS_FILE points', async ({ firefox, tab, emulators, sandbox, credentialsFile }) => {
    installHostForFirefox(sandbox);
    const [role] = rolesFor('bob@contoso.com', APP_IDS.aws);
    await signInToMyApps(tab, 'bob@contoso.com');
    await openAwsTile(tab, 'AWS');
    const popup = await openPopup(firefox);
    await popup.waitForRoles(1);
    expect(await waitForHostReady(popup)).toContain(credentialsFile);
    await popup.assume([role!.roleArn]);
    await popup.save();
    await popup.waitFor(popup.saved(), 'attached', 15_000);
    expectSection(credentialsFile, role!, emulators.sts.issued[0]!, { aliasLearnt: false });
    // Nothing went to the default place.
    expect(existsSync(sandbox.credentialsFile)).toBe(false);
  });
});
