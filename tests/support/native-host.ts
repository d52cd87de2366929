/**
 * The real credentials helper for browser tests and the benchmark: built once into a temporary folder (never
 * into the work tree), installed with its own installer into a sandbox — a temporary HOME (where the host writes
 * `.aws/credentials`) and a Chromium user-data dir (whose `NativeMessagingHosts/` Chromium reads).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NATIVE_HOST_NAME } from '../../lib/native-host-name';

export interface HostSandbox {
  root: string;
  home: string;
  userDataDir: string;
  credentialsFile: string;
}

/** Builds the host and the installer CLI into a new temporary folder and returns it. */
export function buildHost(): string {
  const dist = mkdtempSync(join(tmpdir(), 'aws-saml-bridge-built-host-'));
  const built = spawnSync(process.execPath, [resolve('scripts/build-host.mjs'), '--outdir', dist], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building the host failed: ${built.stderr}`);
  return dist;
}

export function makeSandbox(): HostSandbox {
  const root = mkdtempSync(join(tmpdir(), 'aws-saml-bridge-sandbox-'));
  const sandbox = { root, home: join(root, 'home'), userDataDir: join(root, 'profile'), credentialsFile: join(root, 'home', '.aws', 'credentials') };
  mkdirSync(sandbox.home);
  mkdirSync(sandbox.userDataDir);
  return sandbox;
}

export function removeSandbox(sandbox: HostSandbox): void {
  rmSync(sandbox.root, { recursive: true, force: true });
}

/** Runs the installer CLI (`aws-saml-bridge …`) with the sandbox's HOME and nothing of the caller's AWS setup. */
export function runInstaller(hostDist: string, sandbox: HostSandbox, args: string[]): { status: number | null; stdout: string; stderr: string } {
  return runHelperScript(join(hostDist, 'aws-saml-bridge.mjs'), sandbox, args);
}

/** Runs `node <script> …args` (any copy of the helper, such as one downloaded from the popup) in the sandbox. */
export function runHelperScript(script: string, sandbox: HostSandbox, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: sandbox.home };
  for (const name of ['XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE']) delete env[name];
  return spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', env });
}

/** Registers the host for the sandbox's Chromium profile, as a user would with `install-host`. */
export function installHostForChromium(hostDist: string, sandbox: HostSandbox): void {
  const r = runInstaller(hostDist, sandbox, ['install-host', '--browser', 'chromium', '--user-data-dir', sandbox.userDataDir]);
  if (r.status !== 0) throw new Error(`install-host failed (${String(r.status)}): ${r.stderr}`);
  if (!existsSync(join(sandbox.userDataDir, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`))) throw new Error('install-host wrote no manifest');
}
