/**
 * install-host / uninstall-host. Planning is pure (which files with what content, which registry commands), so
 * every platform's plan is testable here; applying it touches the file system and, on Windows, runs reg.exe.
 *
 * An install copies the built host into its own folder (npx caches and npm prefixes come and go), writes
 * host-config.json (allowed callers) and a launcher next to it, then one manifest per browser.
 */
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { NATIVE_HOST_NAME } from '../lib/native-host-name';
import { writeFileAtomic } from './atomic-write';
import { BROWSERS, browserConfigDir, browserFamily, installDir, manifestDirs, pathFor, registryKey, type BrowserId, type PathContext } from './browsers';
import { HOST_CONFIG_FILE, hostConfigWith } from './host-config';
import { hostManifest, launcherName, launcherScript } from './manifest';

export const HOST_SCRIPT_NAME = 'aws-saml-bridge-host.mjs';

/** What to install, already resolved from the command line. */
export interface InstallRequest {
  context: PathContext;
  browsers: readonly BrowserId[];
  system: boolean;
  /** Write only `<dir>/NativeMessagingHosts/<name>.json` (Chromium reads it for that profile folder). */
  userDataDir?: string;
  extraChromeExtensionIds: readonly string[];
  /** Absolute path of the Node binary the launcher runs. */
  nodePath: string;
  /** The built host script to copy. */
  hostScriptSource: string;
}

export interface PlannedFile {
  path: string;
  content: string;
  mode: number;
}
/** A reg.exe invocation, as argv (no shell). */
export interface RegistryCommand {
  file: 'reg.exe';
  args: string[];
}
export interface InstallPlan {
  installDir: string;
  hostScript: string;
  launcher: string;
  copy: { from: string; to: string };
  /** host-config.json, the launcher, then the manifests. */
  files: PlannedFile[];
  manifests: { browser: BrowserId; path: string }[];
  registry: RegistryCommand[];
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

/** Manifest paths for `browser` (or the one in `userDataDir`). */
function manifestPaths(browser: BrowserId, request: Pick<InstallRequest, 'context' | 'system' | 'userDataDir'>): string[] {
  const path = pathFor(request.context.platform);
  const dirs = request.userDataDir ? [path.join(request.userDataDir, 'NativeMessagingHosts')] : manifestDirs(browser, request.context, { system: request.system });
  return dirs.map((d) => path.join(d, `${NATIVE_HOST_NAME}.json`));
}

/** Every file and command an install would write or run. */
export function planInstall(request: InstallRequest): InstallPlan {
  const path = pathFor(request.context.platform);
  const dir = installDir(request.context, { system: request.system });
  const hostScript = path.join(dir, HOST_SCRIPT_NAME);
  const launcher = path.join(dir, launcherName(request.context.platform));
  const config = hostConfigWith({ chromeExtensionIds: request.extraChromeExtensionIds });
  const files: PlannedFile[] = [
    { path: path.join(dir, HOST_CONFIG_FILE), content: json(config), mode: 0o644 },
    { path: launcher, content: launcherScript(request.context.platform, request.nodePath, hostScript), mode: 0o755 },
  ];
  const manifests: InstallPlan['manifests'] = [];
  const registry: RegistryCommand[] = [];
  for (const browser of request.browsers) {
    for (const manifestPath of manifestPaths(browser, request)) {
      // Brave on macOS shares Chrome's folder, and a --user-data-dir is one folder for every browser named.
      if (manifests.some((m) => m.path === manifestPath)) continue;
      files.push({ path: manifestPath, content: json(hostManifest(browser, launcher, config)), mode: 0o644 });
      manifests.push({ browser, path: manifestPath });
      if (request.context.platform === 'win32' && !request.userDataDir) {
        registry.push({ file: 'reg.exe', args: ['add', registryKey(browser, NATIVE_HOST_NAME, request), '/ve', '/t', 'REG_SZ', '/d', manifestPath, '/f'] });
      }
    }
  }
  return { installDir: dir, hostScript, launcher, copy: { from: request.hostScriptSource, to: hostScript }, files, manifests, registry };
}

/** What an uninstall removes. */
export interface UninstallPlan {
  manifests: string[];
  registry: RegistryCommand[];
  /** The install folder, removed only when every browser is being uninstalled. */
  installDir: string | null;
}

/** Every file and command an uninstall would remove or run. */
export function planUninstall(request: Pick<InstallRequest, 'context' | 'browsers' | 'system' | 'userDataDir'>): UninstallPlan {
  const all = !request.userDataDir && BROWSERS.every((b) => request.browsers.includes(b));
  const manifests = [...new Set(request.browsers.flatMap((b) => manifestPaths(b, request)))];
  const registry: RegistryCommand[] =
    request.context.platform === 'win32' && !request.userDataDir
      ? request.browsers.map((b) => ({ file: 'reg.exe', args: ['delete', registryKey(b, NATIVE_HOST_NAME, request), '/f'] }))
      : [];
  return { manifests, registry, installDir: all ? installDir(request.context, { system: request.system }) : null };
}

/** Runs reg.exe (Windows). */
export type RegistryRunner = (command: RegistryCommand) => Promise<void>;
const execFileAsync = promisify(execFile);
export const runRegistry: RegistryRunner = async (command) => {
  await execFileAsync(command.file, command.args, { windowsHide: true });
};

/** Writes the plan: the host copy, config, launcher, manifests, registry entries. */
export async function applyInstall(plan: InstallPlan, registry: RegistryRunner = runRegistry): Promise<void> {
  await mkdir(plan.installDir, { recursive: true, mode: 0o755 });
  await copyFile(plan.copy.from, plan.copy.to);
  await chmod(plan.copy.to, 0o755);
  for (const file of plan.files) {
    await mkdir(dirname(file.path), { recursive: true, mode: 0o755 });
    await writeFileAtomic(file.path, Buffer.from(file.content, 'utf8'), { mode: file.mode });
  }
  for (const command of plan.registry) await registry(command);
}

/** Removes what the plan lists; missing files are fine. */
export async function applyUninstall(plan: UninstallPlan, registry: RegistryRunner = runRegistry): Promise<void> {
  for (const manifest of plan.manifests) await rm(manifest, { force: true });
  for (const command of plan.registry) await registry(command).catch(() => undefined);
  if (plan.installDir) await rm(plan.installDir, { recursive: true, force: true });
}

/** Browsers whose profile folder exists for this user (the default set for install-host). */
export async function detectBrowsers(context: PathContext): Promise<BrowserId[]> {
  const found = await Promise.all(BROWSERS.map(async (b) => ((await stat(browserConfigDir(b, context)).catch(() => null))?.isDirectory() ? b : null)));
  return found.filter((b): b is BrowserId => b !== null);
}

/** Whether `browser` can use a `--user-data-dir` manifest (Chrome-family only). */
export function supportsUserDataDir(browser: BrowserId): boolean {
  return browserFamily(browser) === 'chromium';
}
