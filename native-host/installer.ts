/**
 * install-host / uninstall-host. Planning is pure (which files with what content, which registry commands), so
 * every platform's plan is testable here; applying it touches the file system and, on Windows, runs reg.exe.
 *
 * An install copies the built host and this CLI into their per-user home (a downloaded file, an npm prefix or a
 * checkout come and go), writes host-config.json (allowed callers) and a launcher next to them, then one manifest
 * per browser pointing at that launcher. Running it again (even from the home copy itself) rewrites the same files.
 */
import { execFile } from 'node:child_process';
import { chmod, copyFile, lstat, mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { NATIVE_HOST_NAME } from '../lib/native-host-name';
import { writeFileAtomic } from './atomic-write';
import { BROWSERS, browserConfigDir, browserFamily, installDir, manifestDirs, pathFor, registryKey, type BrowserId, type PathContext } from './browsers';
import { HOST_CONFIG_FILE, hostConfigWith } from './host-config';
import { CLI_SCRIPT_NAME, HOST_SCRIPT_NAME, hostManifest, launcherName, launcherScript } from './manifest';

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
  /** The built host: its text (carried inside the built CLI) or, when run from source, the file to copy. */
  hostScript: { content: string } | { source: string };
  /** The running CLI file, copied next to the host so `doctor` and `uninstall-host` outlive the download. */
  cliSource?: string;
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
  /** The installed CLI (null when there is none to copy: run from source). */
  cli: string | null;
  /** Files copied as they are (made executable). */
  copies: { from: string; to: string }[];
  /** The host (when carried as text), host-config.json, the launcher, then the manifests. */
  files: PlannedFile[];
  manifests: { browser: BrowserId; path: string }[];
  registry: RegistryCommand[];
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

/** Manifest paths for `browser` (or the one in `userDataDir`). */
function manifestPaths(browser: BrowserId, request: Pick<InstallRequest, 'context' | 'system' | 'userDataDir'>): string[] {
  const path = pathFor(request.context.platform);
  const dirs = request.userDataDir
    ? [path.join(request.userDataDir, 'NativeMessagingHosts')]
    : manifestDirs(browser, request.context, { system: request.system });
  return dirs.map((d) => path.join(d, `${NATIVE_HOST_NAME}.json`));
}

/** Every file and command an install would write or run. */
export function planInstall(request: InstallRequest): InstallPlan {
  const path = pathFor(request.context.platform);
  const dir = installDir(request.context, { system: request.system });
  const hostScript = path.join(dir, HOST_SCRIPT_NAME);
  const launcher = path.join(dir, launcherName(request.context.platform));
  const config = hostConfigWith({ chromeExtensionIds: request.extraChromeExtensionIds });
  const cli = request.cliSource === undefined ? null : path.join(dir, CLI_SCRIPT_NAME);
  const copies = [
    ...('source' in request.hostScript ? [{ from: request.hostScript.source, to: hostScript }] : []),
    ...(cli && request.cliSource !== undefined ? [{ from: request.cliSource, to: cli }] : []),
  ];
  const files: PlannedFile[] = [
    ...('content' in request.hostScript ? [{ path: hostScript, content: request.hostScript.content, mode: 0o755 }] : []),
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
  return { installDir: dir, hostScript, launcher, cli, copies, files, manifests, registry };
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
  for (const { from, to } of plan.copies) {
    // Run from the installed copy itself, this is a copy onto itself, which Node (libuv) leaves as it is.
    await copyFile(from, to);
    await chmod(to, 0o755);
  }
  for (const file of plan.files) {
    await mkdir(dirname(file.path), { recursive: true, mode: 0o755 });
    await writeFileAtomic(file.path, Buffer.from(file.content, 'utf8'), { mode: file.mode });
  }
  for (const command of plan.registry) await registry(command);
}

/** What happened to one planned item: a file, folder, or registry key (`reg.exe delete` argument). */
export interface RemovalOutcome {
  what: 'manifest' | 'registry key' | 'install folder' | 'state file' | 'backup' | 'profile section';
  path: string;
  result: 'removed' | 'absent' | 'failed';
  /** Why it failed, in words (failed only). */
  reason?: string;
}

const errno = (e: unknown): string | undefined => (e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined);

/** An error as a short reason: the code and, where it helps, what it means. */
function reasonOf(e: unknown): string {
  const code = errno(e);
  if (code === 'EACCES' || code === 'EPERM') return `${code} (permission denied; an install with --system needs root / administrator)`;
  if (code === 'ERR_FS_EISDIR' || code === 'EISDIR') return 'a folder is in its place; remove it by hand if it is not yours';
  if (code === 'ENOTEMPTY' || code === 'EBUSY') return `${code} (in use or not empty)`;
  return code ?? (e instanceof Error ? e.message.split('\n')[0]!.slice(0, 200) : 'unknown error');
}

async function removePath(what: RemovalOutcome['what'], path: string, recursive: boolean): Promise<RemovalOutcome> {
  try {
    await lstat(path);
  } catch (e) {
    return errno(e) === 'ENOENT' ? { what, path, result: 'absent' } : { what, path, result: 'failed', reason: reasonOf(e) };
  }
  try {
    await rm(path, { recursive, force: false });
    return { what, path, result: 'removed' };
  } catch (e) {
    return errno(e) === 'ENOENT' ? { what, path, result: 'absent' } : { what, path, result: 'failed', reason: reasonOf(e) };
  }
}

/** reg.exe's words for a key that is not there (it exits 1 for that and for real failures alike). */
const REGISTRY_KEY_MISSING = /unable to find the specified registry key/i;

/** Removes what the plan lists and reports, item by item, what was removed, what was not there, what failed. */
export async function applyUninstall(plan: UninstallPlan, registry: RegistryRunner = runRegistry): Promise<RemovalOutcome[]> {
  const outcomes: RemovalOutcome[] = [];
  for (const manifest of plan.manifests) outcomes.push(await removePath('manifest', manifest, false));
  for (const command of plan.registry) {
    const key = command.args[1] ?? '';
    try {
      await registry(command);
      outcomes.push({ what: 'registry key', path: key, result: 'removed' });
    } catch (e) {
      const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim();
      if (REGISTRY_KEY_MISSING.test(`${e instanceof Error ? e.message : ''} ${stderr}`)) outcomes.push({ what: 'registry key', path: key, result: 'absent' });
      else outcomes.push({ what: 'registry key', path: key, result: 'failed', reason: stderr ? stderr.split(/\r?\n/)[0]!.slice(0, 200) : reasonOf(e) });
    }
  }
  if (plan.installDir) outcomes.push(await removePath('install folder', plan.installDir, true));
  return outcomes;
}

/** The outcomes as lines for a terminal: removed, then already absent, then failures (with why). */
export function formatUninstall(outcomes: readonly RemovalOutcome[]): { stdout: string; stderr: string } {
  const removed = outcomes.filter((o) => o.result === 'removed');
  const absent = outcomes.filter((o) => o.result === 'absent');
  const failed = outcomes.filter((o) => o.result === 'failed');
  const out: string[] = [];
  if (removed.length) out.push('Removed:', ...removed.map((o) => `  ${o.what.padEnd(14)} ${o.path}`));
  else if (!failed.length) out.push('Nothing to remove: the host was not registered in any of the places checked.');
  if (absent.length) out.push('Already absent:', ...absent.map((o) => `  ${o.what.padEnd(14)} ${o.path}`));
  const err = failed.length ? ['Could not remove:', ...failed.map((o) => `  ${o.what.padEnd(14)} ${o.path}: ${o.reason}`)] : [];
  return { stdout: out.length ? out.join('\n') + '\n' : '', stderr: err.length ? err.join('\n') + '\n' : '' };
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
