/**
 * The product's main job in Firefox ESR with the built add-on, against emulated Entra and AWS: the add-on sees the
 * browser's own SAML POST through webRequest, lists the roles in its popup page, assumes them at the right STS
 * endpoint, and what it copies is exactly what STS issued.
 */
import { formatExpiration } from '../../lib/credentials';
import { APP_IDS, rolesFor } from '../emulators/world';
import { expect, test } from './fixtures';
import { openAwsTile, signInToMyApps } from './flows';
import { openPopup } from './popup';

const ALICE = 'alice@contoso.com';

test('Firefox: roles from the My Apps sign-in, two assumed, the copied credentials are the ones STS issued', async ({
  firefox,
  tab: page,
  emulators,
  emulatorProxy,
}) => {
  const roles = rolesFor(ALICE, APP_IDS.aws);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');

  const popup = await openPopup(firefox);
  await popup.waitForRoles(roles.length);
  for (const account of new Set(roles.map((r) => r.accountId))) expect(await popup.textOf(popup.account(account))).toContain(account);

  const picked = [roles[0]!, roles[3]!];
  await popup.assume(picked.map((r) => r.roleArn));
  expect(emulators.sts.issued).toHaveLength(2);

  for (const role of picked) {
    expect(await popup.statusOf(role.roleArn)).toBe('ok');
    const issued = emulators.sts.issued.find((i) => i.roleArn === role.roleArn)!;
    expect(issued.host).toBe('sts.amazonaws.com');
    expect(issued.principalArn).toBe(role.providerArn);
    const { accessKeyId: id, secretAccessKey: secret, sessionToken: token } = issued;
    const exp = formatExpiration(issued.expiration);
    const card = await popup.textOf(popup.result(role.roleArn));
    expect(card).toContain(id);
    // The secret is never on screen; only the copied text carries it.
    expect(card).not.toContain(secret);

    expect(await popup.copy(role.roleArn, 'env')).toBe(
      `export AWS_ACCESS_KEY_ID=${id}\nexport AWS_SECRET_ACCESS_KEY=${secret}\nexport AWS_SESSION_TOKEN=${token}\nexport AWS_CREDENTIAL_EXPIRATION=${exp}\n`,
    );
    expect(JSON.parse(await popup.copy(role.roleArn, 'process'))).toEqual({
      Version: 1,
      AccessKeyId: id,
      SecretAccessKey: secret,
      SessionToken: token,
      Expiration: exp,
    });
    expect(await popup.copy(role.roleArn, 'powershell')).toBe(
      `$Env:AWS_ACCESS_KEY_ID="${id}"\n$Env:AWS_SECRET_ACCESS_KEY="${secret}"\n$Env:AWS_SESSION_TOKEN="${token}"\n$Env:AWS_CREDENTIAL_EXPIRATION="${exp}"\n`,
    );
  }

  // Nothing secret outside storage.session (read from the add-on's own page).
  const stored = await popup.page.evaluate(async () => {
    const api = (globalThis as unknown as { browser: { storage: Record<'local' | 'sync', { get(k: null): Promise<unknown> }> } }).browser;
    return JSON.stringify([await api.storage.local.get(null), await api.storage.sync.get(null)]);
  });
  for (const issued of emulators.sts.issued) {
    for (const secret of [issued.accessKeyId, issued.secretAccessKey, issued.sessionToken]) expect(stored).not.toContain(secret);
  }
  // Every connection Firefox made went to an emulator: the proxy refused only Firefox's own background services.
  expect(emulatorProxy.refused.filter((r) => /amazon|amazonaws|microsoft/.test(r))).toEqual([]);
});

test('Firefox: a single-role user (AWS skips its role picker) gets credentials from the first POST', async ({ firefox, tab: page, emulators }) => {
  const [role] = rolesFor('bob@contoso.com', APP_IDS.aws);
  await signInToMyApps(page, 'bob@contoso.com');
  await openAwsTile(page, 'AWS');
  expect(page.url()).toMatch(/^https:\/\/console\.aws\.amazon\.com\//);
  const popup = await openPopup(firefox);
  await popup.waitForRoles(1);
  await popup.assume([role!.roleArn]);
  expect(await popup.statusOf(role!.roleArn)).toBe('ok');
  expect(emulators.sts.issued.map((i) => [i.roleArn, i.host])).toEqual([[role!.roleArn, 'sts.amazonaws.com']]);
});

test('Firefox: a GovCloud role is assumed at the GovCloud STS endpoint', async ({ firefox, tab: page, emulators }) => {
  const [role] = rolesFor(ALICE, APP_IDS.govcloud);
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS GovCloud');
  const popup = await openPopup(firefox);
  await popup.waitForRoles(1);
  await popup.assume([role!.roleArn]);
  expect(await popup.statusOf(role!.roleArn)).toBe('ok');
  expect(emulators.sts.issued.map((i) => i.host)).toEqual(['sts.us-gov-west-1.amazonaws.com']);
});
