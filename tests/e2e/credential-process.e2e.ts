/**
 * credential_process end to end in Chromium: the real helper installed in a sandbox, the extension's agent switched
 * on in the options, and `aws-saml-bridge credential-process` (the installed copy, run as the AWS CLI runs it) asking
 * the browser for credentials. Sessions of 15 minutes sit below the 20-minute floor, so the first calls renew them
 * through the extension (one STS round per role, however many calls come at once). The browser and the CLI share a
 * private XDG_RUNTIME_DIR inside the sandbox.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { formatExpiration } from '../../lib/credentials';
import { EXIT } from '../../native-host/agent/exit-codes';
import { credentialProcess } from '../../native-host/agent/client';
import { agentPaths } from '../../native-host/agent/run-dir';
import { APP_IDS, rolesFor } from '../emulators/world';
import { extensionPageUrl, launchWithExtension, openAwsTile, openPopup, signInToMyApps } from '../support/browser';
import { profileNameOf } from '../support/profile-names';
import { runAws } from '../support/aws-cli';
import { expect, testWithHost } from './fixtures';

const ALICE = 'alice@contoso.com';

/** testWithHost, with the browser (and so the helper it starts) given a private XDG_RUNTIME_DIR in the sandbox. */
const test = testWithHost.extend<{ runtimeDir: string }>({
  runtimeDir: async ({ sandbox }, use) => {
    const dir = join(sandbox.root, 'run');
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o700);
    await use(dir);
  },
  ext: async ({ emulators, sandbox, runtimeDir }, use) => {
    emulators.reset();
    const ext = await launchWithExtension({
      hostResolverRules: emulators.chromiumHostResolverRules,
      userDataDir: sandbox.userDataDir,
      env: { HOME: sandbox.home, XDG_RUNTIME_DIR: runtimeDir },
    });
    await use(ext);
    await ext.close();
  },
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The installed helper (what `install-host` copied to the sandbox's ~/.local/share). */
const installedCli = (home: string) => join(home, '.local', 'share', 'aws-saml-bridge', 'aws-saml-bridge.mjs');

/** Runs `node <installed helper> credential-process --profile <p>` with the sandbox's HOME and runtime dir, as botocore would. */
function credentialProcessRun(home: string, runtimeDir: string, profile: string, extra: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [installedCli(home), 'credential-process', '--profile', profile, ...extra], {
      env: { PATH: '/usr/bin:/bin', HOME: home, XDG_RUNTIME_DIR: runtimeDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function signInAndAssume15Minutes(ext: Parameters<typeof openPopup>[0], page: Page, roleArns: string[]) {
  await signInToMyApps(page, ALICE);
  await openAwsTile(page, 'AWS');
  const popup = await openPopup(ext);
  await expect(popup.accountNames().first()).toBeVisible();
  await popup.assume(roleArns, { duration: '900' });
  await popup.close();
}

async function turnOnCredentialProcess(ext: Parameters<typeof openPopup>[0], runtimeDir: string) {
  const options = await ext.context.newPage();
  await options.goto(extensionPageUrl(ext, 'options.html'));
  await options.getByTestId('credential-process').check();
  await options.close();
  await expect.poll(() => existsSync(join(runtimeDir, 'aws-saml-bridge', 'agent.sock')), { timeout: 10_000 }).toBe(true);
}

test('credential-process answers from the browser: 15-minute sessions renewed first, 20 parallel calls → one STS round per role, the AWS CLI uses it', async ({
  ext,
  page,
  emulators,
  sandbox,
  installHost,
  runtimeDir,
}) => {
  installHost();
  const [admin, readOnly] = [rolesFor(ALICE, APP_IDS.aws)[0]!, rolesFor(ALICE, APP_IDS.aws)[3]!];
  await signInAndAssume15Minutes(ext, page, [admin.roleArn, readOnly.roleArn]);
  expect(emulators.sts.issued.map((i) => i.requestedDurationSeconds)).toEqual([900, 900]);
  await turnOnCredentialProcess(ext, runtimeDir);
  const popup = await openPopup(ext);
  await expect(popup.page.getByTestId('agent-status')).toHaveAttribute('data-state', 'serving');
  await expect(popup.page.getByTestId('agent-status')).toContainText('Serving 2 profiles to credential_process');
  await popup.close();

  // 20 at once, 10 per profile, all below the floor: the agent asks the extension for ONE renewal of both roles.
  const names = [profileNameOf(admin), profileNameOf(readOnly)];
  const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => credentialProcessRun(sandbox.home, runtimeDir, names[i % 2]!)));
  expect(emulators.sts.issued).toHaveLength(4);
  for (const role of [admin, readOnly]) expect(emulators.sts.issued.filter((i) => i.roleArn === role.roleArn)).toHaveLength(2);
  for (const [i, run] of runs.entries()) {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
    const role = i % 2 ? readOnly : admin;
    const renewed = emulators.sts.issued.filter((x) => x.roleArn === role.roleArn)[1]!;
    // Exactly the credential_process JSON, with the renewed (hour-long) credentials.
    expect(JSON.parse(run.stdout)).toEqual({
      Version: 1,
      AccessKeyId: renewed.accessKeyId,
      SecretAccessKey: renewed.secretAccessKey,
      SessionToken: renewed.sessionToken,
      Expiration: formatExpiration(renewed.expiration),
    });
    expect(Date.parse(renewed.expiration) - Date.now()).toBeGreaterThan(20 * 60_000);
  }

  // Now a cache hit: no STS call.
  const hit = await credentialProcessRun(sandbox.home, runtimeDir, names[0]!);
  expect(hit.code).toBe(EXIT.ok);
  expect(emulators.sts.issued).toHaveLength(4);

  // A profile the browser does not have: exit 5, one line naming the ones it has.
  const unknown = await credentialProcessRun(sandbox.home, runtimeDir, 'no-such-profile');
  expect(unknown.code).toBe(EXIT.unknownProfile);
  expect(unknown.stdout).toBe('');
  expect(unknown.stderr).toBe(
    `aws-saml-bridge: The browser has no session for profile no-such-profile (it has: ${[...names].sort().join(', ')}). Assume that role in the extension's popup, or check the name.\n`,
  );

  // The real AWS CLI with credential_process in ~/.aws/config (written here as `configure-profiles` would write it).
  const configFile = join(sandbox.home, '.aws', 'config');
  mkdirSync(join(sandbox.home, '.aws'), { recursive: true, mode: 0o700 });
  writeFileSync(configFile, `[profile x]\ncredential_process = ${process.execPath} ${installedCli(sandbox.home)} credential-process --profile ${names[0]}\n`);
  // The real AWS CLI (Debian's awscli) runs the configured credential_process and signs GetCallerIdentity with its answer.
  const aws = await runAws(['sts', 'get-caller-identity'], {
    port: emulators.port,
    home: sandbox.home,
    configFile,
    profile: 'x',
    env: { XDG_RUNTIME_DIR: runtimeDir },
  });
  expect(aws.stderr).toBe('');
  expect(aws.code).toBe(0);
  expect(JSON.parse(aws.stdout)).toMatchObject({ Account: admin.accountId });
  // The keys the CLI signed with are the agent's (the renewed session); profile x has no keys in any file.
  const signedWith = emulators.sts.callerIdentityLog.at(-1)!.accessKeyId;
  expect(emulators.sts.issued.filter((i) => i.roleArn === admin.roleArn).map((i) => i.accessKeyId)).toContain(signedWith);
  expect(emulators.sts.issued).toHaveLength(4);

  // The browser closes: the helper goes with it, and the command says what to do (exit 4).
  await ext.close();
  await expect.poll(() => existsSync(join(runtimeDir, 'aws-saml-bridge', 'agent.secret')), { timeout: 10_000 }).toBe(false);
  const closed = await credentialProcessRun(sandbox.home, runtimeDir, names[0]!);
  expect(closed.code).toBe(EXIT.notRunning);
  expect(closed.stdout).toBe('');
  expect(closed.stderr).toBe(
    'aws-saml-bridge: no browser is serving credentials: start the browser, and turn on "Serve credentials to credential_process" in the extension\'s options (Delivery)\n',
  );
});

test('refused: a client with the wrong secret, a symlinked socket folder, a world-writable one', async ({ ext, page, sandbox, installHost, runtimeDir }) => {
  installHost();
  const admin = rolesFor(ALICE, APP_IDS.aws)[0]!;
  await signInAndAssume15Minutes(ext, page, [admin.roleArn]);
  await turnOnCredentialProcess(ext, runtimeDir);
  const real = agentPaths({ platform: 'linux', env: { XDG_RUNTIME_DIR: runtimeDir }, home: sandbox.home, uid: process.getuid!(), user: '' }, true);

  // A second user-level process holding a wrong secret: the agent's proof fails on its side, nothing is handed out.
  const elsewhere = join(sandbox.root, 'wrong-secret');
  mkdirSync(elsewhere, { mode: 0o700 });
  writeFileSync(join(elsewhere, 'agent.secret'), randomBytes(32).toString('hex'), { mode: 0o600 });
  const wrong = await credentialProcess({ profile: profileNameOf(admin), wait: 0, paths: { ...real, secretFile: join(elsewhere, 'agent.secret') } });
  expect(wrong.code).toBe(EXIT.blocked);
  expect(wrong.stdout).toBe('');

  // A runtime dir whose aws-saml-bridge folder is a symlink to the real one: refused before anything is read.
  const linked = join(sandbox.root, 'linked-run');
  mkdirSync(linked, { mode: 0o700 });
  symlinkSync(real.dir, join(linked, 'aws-saml-bridge'));
  const viaLink = await credentialProcessRun(sandbox.home, linked, profileNameOf(admin));
  expect(viaLink.code).toBe(EXIT.blocked);
  expect(viaLink.stdout).toBe('');
  expect(viaLink.stderr).toBe(
    `aws-saml-bridge: refused: ${join(linked, 'aws-saml-bridge')} is a symbolic link; remove it (rm ${join(linked, 'aws-saml-bridge')}) and restart the browser\n`,
  );

  // The real folder opened to everyone: the command refuses it.
  chmodSync(real.dir, 0o777);
  const open = await credentialProcessRun(sandbox.home, runtimeDir, profileNameOf(admin));
  expect(open.code).toBe(EXIT.blocked);
  expect(open.stdout).toBe('');
  expect(open.stderr).toContain(`open to other users (mode 0777); run chmod 700 ${real.dir}`);
  chmodSync(real.dir, 0o700);
  expect((await credentialProcessRun(sandbox.home, runtimeDir, profileNameOf(admin))).code).toBe(EXIT.ok);
});
