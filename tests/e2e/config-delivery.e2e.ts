/**
 * Per-profile delivery end to end in Chromium, through the real host installed into a sandboxed HOME: a role set to
 * `credential_process` gets a `~/.aws/config` section running the installed helper by absolute path and no keys in
 * `~/.aws/credentials`; a chained role the AWS CLI assumes gets `role_arn`/`source_profile`; the user's own sections
 * in both files keep every byte.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseCredentialsFile } from '../../lib/credentials-file';
import type { Settings } from '../../lib/settings';
import { LOCAL_KEYS } from '../../lib/storage-keys';
import { APP_IDS, rolesFor, world } from '../emulators/world';
import { openAwsTile, openPopup, signInToMyApps, type ExtensionBrowser } from '../support/browser';
import { profileNameOf } from '../support/profile-names';
import { expect, testWithHost as test } from './fixtures';

const ALICE = 'alice@contoso.com';
const roles = rolesFor(ALICE, APP_IDS.aws);
const ADMIN = roles.find((r) => r.roleArn === 'arn:aws:iam::111111111111:role/Admin')!;
const OTHER = roles.find((r) => r.roleArn !== ADMIN.roleArn)!;
const TRUST = world.chainTrust.find((t) => t.sourceRoleArn === ADMIN.roleArn)!;

const MY_CREDENTIALS = '# mine\n[default]\naws_access_key_id = AKIAEXISTINGEXAMPLE1\naws_secret_access_key = existing/secret+key\n';
const MY_CONFIG =
  '# my config\r\n[default]\r\nregion = eu-central-1\r\n\r\n[profile sso-dev]\r\nsso_session = corp\r\n[sso-session corp]\r\nsso_region = eu-west-1\r\n';

async function storeSettings(ext: ExtensionBrowser, settings: Partial<Settings>): Promise<void> {
  const sw = await ext.serviceWorker();
  await sw.evaluate(([key, value]) => chrome.storage.local.set({ [key]: { version: 2, ...value } }), [LOCAL_KEYS.settings, settings] as const);
}

test('a credential_process role gets a config section and no keys; a CLI-chained role gets role_arn/source_profile; the user’s sections keep their bytes', async ({
  ext,
  page,
  sandbox,
  installHost,
}) => {
  const aws = join(sandbox.home, '.aws');
  mkdirSync(aws, { mode: 0o700 });
  writeFileSync(sandbox.credentialsFile, MY_CREDENTIALS, { mode: 0o600 });
  chmodSync(sandbox.credentialsFile, 0o600);
  writeFileSync(join(aws, 'config'), MY_CONFIG);
  installHost();
  await storeSettings(ext, {
    roles: { [ADMIN.roleArn]: { delivery: 'process' } },
    chainedRoles: [{ targetRoleArn: TRUST.targetRoleArn, sourceRoleArn: OTHER.roleArn, assumedBy: 'cli', profileName: 'audit-via-cli', durationSeconds: 1800 }],
  });

  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  const popup = await openPopup(ext);
  await expect(popup.hostStatus()).toHaveAttribute('data-state', 'ready');
  await expect(popup.accountNames().first()).toBeVisible();
  await popup.assume([ADMIN.roleArn, OTHER.roleArn]);
  await popup.save();
  await expect(popup.saveStatus()).toHaveText(/^Saved 2 profiles to /);

  const admin = profileNameOf(ADMIN);
  const other = profileNameOf(OTHER);
  // The credentials file: the user's section first, byte for byte; keys only for the file-delivered role.
  const credentials = readFileSync(sandbox.credentialsFile, 'utf8');
  expect(credentials.startsWith(MY_CREDENTIALS)).toBe(true);
  const parsedCredentials = parseCredentialsFile(credentials);
  if (!parsedCredentials.ok) throw new Error('the credentials file does not parse');
  expect([...parsedCredentials.sections.keys()]).toEqual(['default', other]);

  // The config file: the user's sections byte for byte, then the helper's.
  const config = readFileSync(join(aws, 'config'), 'utf8');
  expect(config.startsWith(MY_CONFIG)).toBe(true);
  const parsedConfig = parseCredentialsFile(config);
  if (!parsedConfig.ok) throw new Error('the config file does not parse');
  const processLine = parsedConfig.sections.get(`profile ${admin}`)?.get('credential_process') ?? '';
  const [node, helper, ...rest] = processLine.split(' ');
  expect(isAbsolute(node!) && isAbsolute(helper!)).toBe(true);
  expect(helper).toMatch(/aws-saml-bridge\.mjs$/);
  expect(rest).toEqual(['credential-process', '--profile', admin]);
  expect(Object.fromEntries(parsedConfig.sections.get('profile audit-via-cli')!)).toEqual({
    role_arn: TRUST.targetRoleArn,
    source_profile: other,
    duration_seconds: '1800',
  });
  // The popup says how the chained role is delivered.
  await expect(popup.everything()).toContainText(`Assumed by the AWS CLI from profile ${other}`);
});
