/**
 * The `aws-saml-bridge` command (built to dist-host/aws-saml-bridge.mjs):
 *   install-host    copy the helper to its per-user home, register it for browsers (default: every supported
 *                   browser found for this user), then run doctor
 *   uninstall-host  remove it
 *   doctor          check registration, launcher, allowed callers and the credentials file
 *   list            the profiles in the credentials file (names, expiry, region; never secrets)
 *   credential-process  one profile's credentials from the running browser, as credential_process JSON
 *   configure-profiles  credential_process sections in ~/.aws/config instead of keys in the credentials file
 * Exit codes: 0 done / healthy, 1 failed / problems found, 2 wrong usage; credential-process: native-host/agent/exit-codes.ts.
 */
import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isWritableProfileName } from '../lib/credentials-file';
import { NATIVE_HOST_NAME } from '../lib/native-host-name';
import { BROWSERS, installDir, pathFor, type BrowserId, type HostPlatform, type PathContext } from './browsers';
import { CONFIG_STATE_FILE_NAME, configFilePath, managedConfigProfiles, removeConfigProfiles, writeConfigProfiles } from './config-store';
import { credentialsFilePath, listProfiles, locate, managedProfileNames, readManaged, removeHostFiles, removeProfiles, StoreError } from './credentials-store';
import { formatDoctorReport, runDoctor } from './doctor';
import { CHROME_EXTENSION_ID_PATTERN } from './host-config';
import {
  applyInstall,
  applyUninstall,
  detectBrowsers,
  formatUninstall,
  planInstall,
  planUninstall,
  runRegistry,
  supportsUserDataDir,
  type InstallRequest,
  type RegistryRunner,
  type RemovalOutcome,
} from './installer';
import { CLI_SCRIPT_NAME, HOST_SCRIPT_NAME } from './manifest';
import { MAX_PROFILES_PER_REQUEST } from '../lib/host-protocol';
import { HOST_VERSION } from './version';
import { credentialProcess } from './agent/client';
import { currentAgentPaths } from './agent/endpoint';
import { EXIT_CODE_TABLE } from './agent/exit-codes';
import { MAX_WAIT_SECONDS } from './agent/wire';
import { isValidProfileName } from '../lib/profile-name';

export const USAGE = `Usage: aws-saml-bridge <command> [options]

Commands:
  install-host    Copy the helper to its home folder, register the native-messaging host
                  ${NATIVE_HOST_NAME}, then run doctor
                    --browser <name>        chrome, chromium, edge, brave or firefox (repeatable;
                                            default: every one whose profile folder exists)
                    --extension-id <id>     also allow this Chrome-family extension id (repeatable)
                    --user-data-dir <dir>   register only for the Chromium profile folder <dir>
                    --system                for every user, with --browser (needs root / administrator)
  uninstall-host  Remove the registration (same --browser, --user-data-dir, --system); removing it for
                  every browser also deletes the helper's state file and backup next to the
                  credentials file
                    --remove-profiles       also remove from the credentials file the sections the
                                            helper wrote (never any other)
  doctor          Check the registration and the credentials file [--user-data-dir <dir>] [--json]
  list            List the profiles in the credentials file
  credential-process --profile <name> [--wait <seconds>]
                  Print the profile's credentials from the running browser as credential_process
                  JSON (for ~/.aws/config); --wait (at most ${MAX_WAIT_SECONDS}) opens the sign-in and waits
  configure-profiles  Write credential_process sections for these profiles to ~/.aws/config
                  (AWS_CONFIG_FILE) and remove their keys from the credentials file
                    --profile <name>        (repeatable; default: every profile the helper saved)
                    --remove                remove those sections from the config file instead
  --version       Print the version

Exit codes: 0 done or healthy, 1 failed or problems found, 2 wrong usage.
credential-process: ${EXIT_CODE_TABLE.map(([code, what]) => `${code} ${what}`).join('; ')}.
`;

/** Everything the CLI reads from or does to the outside world. */
export interface CliEnvironment {
  env: NodeJS.ProcessEnv;
  home: string;
  platform: HostPlatform;
  nodePath: string;
  /** The built host that install-host installs: its text (in the built CLI) or a file (run from source). */
  hostScript: InstallRequest['hostScript'];
  /** This CLI's own file, copied next to the host (absent when run from source). */
  cliSource?: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  registry: RegistryRunner;
}

class UsageError extends Error {}

const OPTIONS = {
  browser: { type: 'string', multiple: true },
  'extension-id': { type: 'string', multiple: true },
  'user-data-dir': { type: 'string' },
  system: { type: 'boolean' },
  'remove-profiles': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  profile: { type: 'string', multiple: true },
  wait: { type: 'string' },
  remove: { type: 'boolean' },
} as const;
/** Each command's options. A Map: a command such as "constructor" or "__proto__" must not find anything. */
const ALLOWED: ReadonlyMap<string, readonly (keyof typeof OPTIONS)[]> = new Map([
  ['install-host', ['browser', 'extension-id', 'user-data-dir', 'system']],
  ['uninstall-host', ['browser', 'user-data-dir', 'system', 'remove-profiles']],
  ['doctor', ['user-data-dir', 'json']],
  ['list', []],
  ['credential-process', ['profile', 'wait']],
  ['configure-profiles', ['profile', 'remove']],
] as const);

function browsersFrom(names: readonly string[] | undefined): BrowserId[] | undefined {
  if (!names) return undefined;
  return names.map((n) => {
    if (!(BROWSERS as readonly string[]).includes(n)) throw new UsageError(`unknown browser "${n}"; choose from ${BROWSERS.join(', ')}`);
    return n as BrowserId;
  });
}

/** Removes every section the helper wrote (its state file lists them), in request-sized batches; one outcome each. */
async function removeOwnSections(credentialsFile: string): Promise<RemovalOutcome[]> {
  const names = await managedProfileNames(credentialsFile);
  if (!names.length) return [];
  // Listed in the state file but no longer in the file (the user deleted it): nothing to report as removed.
  const present = new Set((await listProfiles(credentialsFile).catch(() => ({ profiles: [] }))).profiles.map((p) => p.name));
  const out: RemovalOutcome[] = [];
  for (let i = 0; i < names.length; i += MAX_PROFILES_PER_REQUEST) {
    const { removed } = await removeProfiles(credentialsFile, names.slice(i, i + MAX_PROFILES_PER_REQUEST));
    for (const name of removed.filter((n) => present.has(n))) out.push({ what: 'profile section', path: `[${name}] in ${credentialsFile}`, result: 'removed' });
  }
  return out;
}

/** Removes every `~/.aws/config` section the helper wrote (credential_process, CLI-side chaining); one outcome each. */
async function removeOwnConfigSections(configFile: string): Promise<RemovalOutcome[]> {
  const names = await managedConfigProfiles(configFile).catch(() => [] as string[]);
  if (!names.length) return [];
  const { removed } = await removeConfigProfiles(configFile, names);
  return removed.map((name) => ({ what: 'profile section' as const, path: `[profile ${name}] in ${configFile}`, result: 'removed' as const }));
}

/** Runs one command line; returns the exit code. */
export async function runCli(args: readonly string[], io: CliEnvironment): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
    if (values.version) {
      io.stdout(`${HOST_VERSION}\n`);
      return 0;
    }
    const command = positionals[0];
    if (values.help || command === 'help' || command === undefined) {
      io.stdout(USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    const allowed = ALLOWED.get(command);
    if (!allowed) throw new UsageError(`unknown command "${command}"`);
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    const extra = (Object.keys(values) as (keyof typeof OPTIONS)[]).find((k) => !allowed.includes(k));
    if (extra) throw new UsageError(`--${extra} does not apply to ${command}`);

    const context: PathContext = { platform: io.platform, home: io.home, env: io.env };
    const userDataDir = values['user-data-dir'] === undefined ? undefined : resolve(values['user-data-dir']);
    const system = values.system ?? false;
    if (userDataDir && system) throw new UsageError('--user-data-dir and --system cannot be combined');
    const named = browsersFrom(values.browser);
    if (userDataDir && named?.some((b) => !supportsUserDataDir(b))) throw new UsageError('--user-data-dir works for Chrome-family browsers only');

    switch (command) {
      case 'credential-process': {
        // --profile is repeatable for configure-profiles; credential-process takes exactly one.
        const profiles = values.profile ?? [];
        const profile = profiles[0];
        if (profiles.length !== 1 || profile === undefined || !isValidProfileName(profile))
          throw new UsageError('credential-process needs one --profile <name> (a valid profile name)');
        const waitText = values.wait ?? '0';
        if (!/^\d{1,2}$/.test(waitText) || Number(waitText) > MAX_WAIT_SECONDS)
          throw new UsageError(`--wait takes whole seconds from 0 to ${MAX_WAIT_SECONDS}`);
        // stdout carries the JSON and nothing else: botocore parses all of it.
        const result = await credentialProcess({ profile, wait: Number(waitText), paths: currentAgentPaths(io.env, io.home) });
        if (result.stdout) io.stdout(result.stdout);
        if (result.stderr) io.stderr(result.stderr);
        return result.code;
      }
      case 'install-host': {
        const ids = values['extension-id'] ?? [];
        const bad = ids.find((id) => !CHROME_EXTENSION_ID_PATTERN.test(id));
        if (bad !== undefined) throw new UsageError(`"${bad}" is not a Chrome extension id (32 letters a–p)`);
        if (system && !named) throw new UsageError('name the browsers to register for every user: --system --browser <name>');
        const browsers = named ?? (userDataDir ? ['chromium' as const] : await detectBrowsers(context));
        if (!browsers.length) {
          io.stderr(`No supported browser profile found for this user. Name one: --browser ${BROWSERS.join('|')}\n`);
          return 1;
        }
        if (!isAbsolute(io.nodePath)) throw new Error(`the Node path ${io.nodePath} is not absolute`);
        const plan = planInstall({
          context,
          browsers,
          system,
          userDataDir,
          extraChromeExtensionIds: ids,
          nodePath: io.nodePath,
          hostScript: io.hostScript,
          cliSource: io.cliSource,
        });
        await applyInstall(plan, io.registry);
        io.stdout(`Installed the helper in ${plan.installDir}\n`);
        for (const m of plan.manifests) io.stdout(`  ${m.browser.padEnd(9)} ${m.path}\n`);
        const again = plan.cli ? `node "${plan.cli}" doctor` : 'aws-saml-bridge doctor';
        io.stdout(`Restart the browser if it was running. Checking it now (again any time with: ${again}):\n\n`);
        const report = await runDoctor({ context, userDataDir, credentialsFile: credentialsFilePath(io.env, io.home) });
        io.stdout(formatDoctorReport(report));
        return report.problems.length ? 1 : 0;
      }
      case 'uninstall-host': {
        const browsers = named ?? (userDataDir ? ['chromium' as const] : [...BROWSERS]);
        const plan = planUninstall({ context, browsers, system, userDataDir });
        const credentialsFile = credentialsFilePath(io.env, io.home);
        const configFile = configFilePath(io.env, io.home);
        const outcomes: RemovalOutcome[] = [];
        if (values['remove-profiles']) outcomes.push(...(await removeOwnSections(credentialsFile)), ...(await removeOwnConfigSections(configFile)));
        outcomes.push(...(await applyUninstall(plan, io.registry)));
        if (plan.installDir || values['remove-profiles']) {
          outcomes.push(...(await removeHostFiles(credentialsFile)));
          // The config file's own list and backup (credential_process and CLI-side chaining sections).
          outcomes.push(...(await removeHostFiles(configFile, { stateFileName: CONFIG_STATE_FILE_NAME })));
        }
        const { stdout, stderr } = formatUninstall(outcomes);
        if (stdout) io.stdout(stdout);
        if (stderr) io.stderr(stderr);
        return outcomes.some((o) => o.result === 'failed') ? 1 : 0;
      }
      case 'doctor': {
        const report = await runDoctor({ context, userDataDir, credentialsFile: credentialsFilePath(io.env, io.home) });
        io.stdout(values.json ? JSON.stringify(report, null, 2) + '\n' : formatDoctorReport(report));
        return report.problems.length ? 1 : 0;
      }
      case 'list': {
        const { credentialsFile, profiles } = await listProfiles(credentialsFilePath(io.env, io.home));
        io.stdout(`${credentialsFile}\n`);
        for (const p of profiles) {
          io.stdout(`  ${p.name.padEnd(32)} ${(p.expiration ?? '-').padEnd(26)} ${(p.region ?? '-').padEnd(15)} ${p.managed ? 'aws-saml-bridge' : ''}\n`);
        }
        return 0;
      }
      case 'configure-profiles':
        return await configureProfiles(values.profile, values.remove ?? false, context, io);
    }
    return 2;
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      // credential_process callers show stderr verbatim: one line there, not the whole usage.
      io.stderr(args[0] === 'credential-process' ? `aws-saml-bridge: ${e.message}\n` : `aws-saml-bridge: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`aws-saml-bridge: ${e instanceof StoreError || e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

/**
 * `configure-profiles`: per profile, a `credential_process` section in the config file running the installed helper
 * (never a copy in Downloads, which may be deleted), then that profile's keys out of the credentials file, where
 * they would win over `credential_process`. With `remove`, the config sections go (the next save writes keys again).
 */
async function configureProfiles(named: readonly string[] | undefined, remove: boolean, context: PathContext, io: CliEnvironment): Promise<number> {
  const bad = named?.find((n) => !isWritableProfileName(n));
  if (bad !== undefined) throw new UsageError(`"${bad}" is not a valid profile name (1–64 letters, digits, _ and -)`);
  const credentialsFile = credentialsFilePath(io.env, io.home);
  const configFile = configFilePath(io.env, io.home);
  if (remove) {
    const names = named ?? (await managedConfigProfiles(configFile));
    if (!names.length) {
      io.stdout(`${configFile}: no profile of AWS SAML Bridge to remove\n`);
      return 0;
    }
    const { removed, skipped } = await removeConfigProfiles(configFile, names);
    for (const n of removed) io.stdout(`${n}: removed from ${configFile}; save it from the extension again to get keys in ${credentialsFile}\n`);
    for (const n of skipped) io.stdout(`${n}: not written by AWS SAML Bridge in ${configFile}, left as it is\n`);
    return skipped.length ? 1 : 0;
  }
  const helperPath = pathFor(io.platform).join(installDir(context, { system: false }), CLI_SCRIPT_NAME);
  if (!existsSync(helperPath)) {
    io.stderr(
      `aws-saml-bridge: the helper is not installed in ${dirname(helperPath)}; run install-host first (credential_process must run the installed copy)\n`,
    );
    return 1;
  }
  const names = named ?? [...(await readManaged((await locate(credentialsFile, false)).stateFile)).names].sort();
  if (!names.length) {
    io.stdout(`No profiles to configure: save some from the extension first, or name them with --profile <name>\n`);
    return 0;
  }
  const command = { nodePath: io.nodePath, helperPath, platform: io.platform };
  const { written, skipped } = await writeConfigProfiles(
    configFile,
    names.map((name) => ({ name, credentialProcess: true as const })),
    command,
  );
  const keys = written.length ? await removeProfiles(credentialsFile, written) : { removed: [] as string[] };
  for (const n of written) {
    const also = keys.removed.includes(n) ? `; its keys removed from ${credentialsFile}` : '';
    io.stdout(`${n}: credential_process in ${configFile}${also}\n`);
  }
  for (const n of skipped) io.stdout(`${n}: skipped, ${configFile} already defines it (not written by AWS SAML Bridge)\n`);
  return skipped.length ? 1 : 0;
}

/** The host's text, baked into the built CLI by scripts/build-host.mjs (undefined when run from source). */
declare const __AWS_SAML_BRIDGE_HOST_SCRIPT__: string | undefined;

/** The real world, for the built command. */
function processEnvironment(): CliEnvironment {
  const self = fileURLToPath(import.meta.url);
  const platform = process.platform === 'win32' || process.platform === 'darwin' ? process.platform : 'linux';
  return {
    env: process.env,
    home: homedir(),
    platform,
    nodePath: process.execPath,
    hostScript:
      typeof __AWS_SAML_BRIDGE_HOST_SCRIPT__ === 'string' ? { content: __AWS_SAML_BRIDGE_HOST_SCRIPT__ } : { source: join(dirname(self), HOST_SCRIPT_NAME) },
    cliSource: typeof __AWS_SAML_BRIDGE_HOST_SCRIPT__ === 'string' ? self : undefined,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    registry: runRegistry,
  };
}

const invokedDirectly = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (invokedDirectly) {
  void runCli(process.argv.slice(2), processEnvironment()).then((code) => {
    process.exitCode = code;
  });
}
