/**
 * `npm run demo`: the product's main job, end to end, on emulated Entra and AWS. A real Chromium with the
 * built extension signs in at My Apps, clicks the AWS tile, opens the popup, picks roles, assumes them, prints
 * the export commands, then installs the credentials helper (into a sandboxed HOME, never yours) and saves the
 * sessions to its ~/.aws/credentials with one click. Headless by default (screenshots go to demo-output/);
 * `--headed` leaves the browser open to try it by hand.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBrowsers } from './ensure-browsers';
import { startEmulators } from '../tests/emulators/index';
import { rolesFor, APP_IDS } from '../tests/emulators/world';
import { buildHost, installHostForChromium, makeSandbox, removeSandbox } from '../tests/support/native-host';
import { launchWithExtension, openAwsTile, openPopup, signInToMyApps, waitForCapturedRoles } from '../tests/support/browser';
import { CHROME_BUILD } from '../tests/support/paths';

const { values } = parseArgs({
  options: {
    headed: { type: 'boolean', default: false },
    user: { type: 'string', default: 'alice@contoso.com' },
    'no-build': { type: 'boolean', default: false },
  },
});

const outDir = resolve('demo-output');
let stepNo = 0;
const step = (text: string) => console.log(`\n${++stepNo}. ${text}`);

async function main(): Promise<void> {
  if (values.headed && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    throw new Error('--headed needs a display. Run it on a desktop, or under a virtual one: xvfb-run npm run demo -- --headed');
  }
  step('Checking for Debian’s Chromium');
  ensureBrowsers({ packages: ['chromium'] });
  if (!values['no-build'] || !existsSync(`${CHROME_BUILD}/manifest.json`)) {
    step('Building the extension (wxt build -b chrome)');
    execFileSync('npx', ['wxt', 'build', '-b', 'chrome', '--mv3'], { stdio: 'ignore' });
  }
  mkdirSync(outDir, { recursive: true });

  step('Starting emulated Entra ID, AWS sign-in and AWS STS on 127.0.0.1 (real hostnames, loopback only)');
  const emulators = await startEmulators();
  console.log(`   listening on 127.0.0.1:${emulators.port}`);
  // A sandboxed HOME and browser profile: the helper installed below writes <sandbox>/home/.aws/credentials.
  const sandbox = makeSandbox();
  const ext = await launchWithExtension({
    hostResolverRules: emulators.chromiumHostResolverRules,
    headless: !values.headed,
    userDataDir: sandbox.userDataDir,
    env: { HOME: sandbox.home },
  });
  let hostDist: string | undefined;
  const shutdown = async () => {
    await ext.close().catch(() => undefined);
    await emulators.stop();
    removeSandbox(sandbox);
    if (hostDist) rmSync(hostDist, { recursive: true, force: true });
  };
  try {
    console.log(`   Chromium started with AWS SAML Bridge (extension id ${ext.extensionId})`);
    const page = await ext.context.newPage();
    const user = values.user!;
    const roles = rolesFor(user, APP_IDS.aws);

    step(`Signing in to My Apps as ${user}`);
    await signInToMyApps(page, user);
    await page.screenshot({ path: `${outDir}/1-my-apps.png` });

    step('Clicking the “AWS” tile: Entra posts the SAML response to https://signin.aws.amazon.com/saml');
    await openAwsTile(page, 'AWS');
    await waitForCapturedRoles(ext, roles.length);
    await page.screenshot({ path: `${outDir}/2-aws-sign-in.png` });
    console.log(`   the extension saw ${roles.length} role(s) in the assertion`);

    step('Opening the extension popup');
    const popup = await openPopup(ext);
    await popup.page.setViewportSize({ width: 440, height: 640 });
    await popup.page.screenshot({ path: `${outDir}/3-popup-roles.png` });

    const picked = roles.slice(0, Math.min(2, roles.length)).map((r) => r.roleArn);
    step(`Assuming ${picked.length} role(s): ${picked.join(', ')}`);
    const t0 = Date.now();
    await popup.assume(picked);
    console.log(`   done in ${Date.now() - t0} ms`);
    await popup.page.screenshot({ path: `${outDir}/4-popup-credentials.png`, fullPage: true });

    step('Copying the credentials as shell commands (bash/zsh) — paste these into a terminal:');
    for (const arn of picked) {
      const text = await popup.copy(arn, 'env');
      const masked = text.replace(/(SECRET_ACCESS_KEY=|SESSION_TOKEN=)(.{6}).+/g, '$1$2…');
      console.log(`\n   # ${arn}\n${masked.replace(/^/gm, '   ')}`);
    }
    step('Installing the credentials helper (aws-saml-bridge install-host) for this browser profile, HOME sandboxed');
    hostDist = buildHost();
    installHostForChromium(hostDist, sandbox);
    await popup.recheckHost();
    await popup.waitFor(popup.hostStatus('ready'), 'visible', 30_000);
    console.log(`   the popup now says: ${(await popup.hostStatus().innerText()).trim()}`);

    step('Clicking “Save to ~/.aws/credentials”');
    const t1 = Date.now();
    await popup.save();
    await popup
      .saved()
      .nth(picked.length - 1)
      .waitFor();
    console.log(`   saved in ${Date.now() - t1} ms; the popup says:`);
    for (const line of await popup.saved().allInnerTexts()) console.log(`     ${line}`);
    await popup.page.screenshot({ path: `${outDir}/5-popup-saved.png`, fullPage: true });
    const file = readFileSync(sandbox.credentialsFile, 'utf8').replace(
      /^(aws_secret_access_key|aws_session_token|aws_security_token)( = )(.{6}).+$/gm,
      '$1$2$3…',
    );
    console.log(`\n   ${sandbox.credentialsFile} (secrets shortened here):\n${file.replace(/^/gm, '   ')}`);
    console.log('   With a real HOME: aws sts get-caller-identity --profile <one of the names above>');

    console.log(`\nScreenshots: ${outDir}/`);
    if (values.headed) {
      console.log('\nThe browser stays open: try the popup yourself (toolbar puzzle icon → AWS SAML Bridge). Press Ctrl+C to quit.');
      await new Promise<void>((resolveStop) => {
        process.once('SIGINT', () => resolveStop());
        ext.context.once('close', () => resolveStop());
      });
    }
  } finally {
    await shutdown();
  }
}

main().catch((e: unknown) => {
  console.error(`\ndemo failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
