/**
 * `aws-saml-bridge doctor`: the answer to "Specified native messaging host not found". For each browser: is a
 * manifest registered, does it point at a launcher that starts and answers a ping as the browser would start it,
 * which extensions may call; then the allowed callers baked into the install and the credentials file's health.
 */
import { execFile, spawn } from 'node:child_process';
import { access, constants, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { parseCredentialsFile } from '../lib/credentials-file';
import { NATIVE_HOST_NAME } from '../lib/native-host-name';
import { BROWSERS, browserFamily, installDir, manifestDirs, pathFor, registryKey, type BrowserId, type PathContext } from './browsers';
import { checkHelperVersion } from '../lib/helper-version';
import { launcherName } from './manifest';
import { HOST_VERSION } from './version';
import { credentialsFileStatus } from './credentials-store';
import { issueWords } from './error-words';
import { decodeBody, encodeFrame, FrameDecoder } from './framing';
import { HOST_CONFIG_FILE, loadHostConfig, type HostConfig } from './host-config';
import { isOpenToOthers, PROTOCOL_VERSION, type CredentialsFileStatus } from '../lib/host-protocol';

export interface ManifestCheck {
  browser: BrowserId;
  level: 'user' | 'system' | 'user-data-dir';
  path: string;
  found: boolean;
  launcher: string | null;
  /** Allowed origins (Chrome-family) or add-on ids (Firefox) in the manifest. */
  allowed: string[];
  /** The host answered a ping when started like the browser starts it; null when not tried. */
  runs: boolean | null;
  hostVersion: string | null;
  /** The protocol version its ping reply named (null when it did not answer). */
  hostProtocol: number | null;
  problems: string[];
}
export interface DoctorReport {
  platform: PathContext['platform'];
  hostName: string;
  manifests: ManifestCheck[];
  hostConfigs: { path: string; config: HostConfig | null }[];
  credentials: CredentialsFileStatus & { readable: boolean | null };
  problems: string[];
  warnings: string[];
}

export interface DoctorOptions {
  context: PathContext;
  credentialsFile: string;
  /** Check only `<dir>/NativeMessagingHosts` (a Chromium profile folder). */
  userDataDir?: string;
  /** Default value of a registry key, or null (Windows). */
  readRegistry?: (key: string) => Promise<string | null>;
  pingTimeoutMs?: number;
  /** The Node running this check (default: this process's); the launcher runs the same Node install-host ran with. */
  nodeVersion?: string;
  /** Whether a path exists (snap and flatpak browsers); for tests. */
  exists?: (path: string) => Promise<boolean>;
  /** This copy's own version (default HOST_VERSION), to compare with the registered helper's. */
  selfVersion?: string;
}

/**
 * The oldest Node the helper runs on: it is bundled for `node20` (scripts/build-host.mjs), and the CLI uses
 * `util.parseArgs`, stable from Node 20 (experimental in 18). package.json's `engines` says the same.
 */
export const MIN_NODE_MAJOR = 20;

/** Browsers that run sandboxed on Linux, where to find them, and what that means for the helper (docs/native-messaging.md). */
const SANDBOXED_BROWSERS: readonly { name: string; kind: 'snap' | 'flatpak'; paths: (home: string) => string[]; note: string }[] = [
  ...[
    ['Chromium', 'chromium'],
    ['Brave', 'brave'],
  ].map(([name, snap]) => ({
    name: name!,
    kind: 'snap' as const,
    paths: () => [`/snap/bin/${snap}`],
    note: `${name} installed as a snap cannot start the helper: its confinement does not let it run programs outside the snap, and no setting changes that. Use ${name} from another package (or Google Chrome's .deb) for Save to ~/.aws/credentials; Download and Copy work everywhere`,
  })),
  {
    name: 'Firefox',
    kind: 'snap',
    paths: () => ['/snap/bin/firefox'],
    note: 'Firefox installed as a snap starts the helper only through the WebExtensions desktop portal (xdg-desktop-portal): it asks you once to allow it. If Save says the helper is not found, install an xdg-desktop-portal that has the WebExtensions portal, or use Firefox from another package',
  },
  ...(
    [
      ['Google Chrome', 'com.google.Chrome', 'config/google-chrome/NativeMessagingHosts'],
      ['Chromium', 'org.chromium.Chromium', 'config/chromium/NativeMessagingHosts'],
      ['Microsoft Edge', 'com.microsoft.Edge', 'config/microsoft-edge/NativeMessagingHosts'],
      ['Brave', 'com.brave.Browser', 'config/BraveSoftware/Brave-Browser/NativeMessagingHosts'],
      ['Firefox', 'org.mozilla.firefox', '.mozilla/native-messaging-hosts'],
    ] as const
  ).map(([name, id, folder]) => ({
    name,
    kind: 'flatpak' as const,
    paths: (home: string) => [`${home}/.local/share/flatpak/app/${id}`, `/var/lib/flatpak/app/${id}`],
    note: `${name} installed as a flatpak (${id}) cannot start the helper: the sandbox hides programs outside it. The extra steps open the sandbox: put the manifest in ~/.var/app/${id}/${folder}/ with "path" pointing at a script that runs "flatpak-spawn --host <the launcher>", and allow it with: flatpak override --user --talk-name=org.freedesktop.Flatpak ${id}. Or use ${name} from another package`,
  })),
];

const pathExists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const execFileAsync = promisify(execFile);
/** `reg.exe query <key> /ve` → the REG_SZ default value. */
export async function readRegistryDefault(key: string): Promise<string | null> {
  try {
    const { stdout } = await execFileAsync('reg.exe', ['query', key, '/ve'], { windowsHide: true });
    return /REG_SZ\s+(.+?)\s*$/m.exec(stdout)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Starts `launcher` with `args` as a browser would, sends a ping, waits for the reply. */
export function pingLauncher(
  launcher: string,
  args: readonly string[],
  timeoutMs = 5000,
): Promise<{ ok: boolean; hostVersion: string | null; hostProtocol: number | null; error: string | null }> {
  return new Promise((resolve) => {
    // Node refuses to spawn a .bat directly (CVE-2024-27980); browsers run it through cmd.exe, so does this.
    const child = /\.(bat|cmd)$/i.test(launcher)
      ? spawn('cmd.exe', ['/d', '/s', '/c', `"${[launcher, ...args].map((a) => `"${a}"`).join(' ')}"`], {
          stdio: ['pipe', 'pipe', 'ignore'],
          windowsVerbatimArguments: true,
        })
      : spawn(launcher, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    const decoder = new FrameDecoder();
    const done = (result: { ok: boolean; hostVersion: string | null; hostProtocol: number | null; error: string | null }) => {
      clearTimeout(timer);
      child.kill();
      resolve(result);
    };
    const timer = setTimeout(() => done({ ok: false, hostVersion: null, hostProtocol: null, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    child.on('error', (e) => done({ ok: false, hostVersion: null, hostProtocol: null, error: e.message }));
    child.stdout.on('data', (chunk: Buffer) => {
      for (const event of decoder.push(chunk)) {
        if (event.kind !== 'frame') return done({ ok: false, hostVersion: null, hostProtocol: null, error: 'unreadable answer' });
        const body = decodeBody(event.body);
        const reply = body.ok && typeof body.value === 'object' && body.value !== null ? (body.value as Record<string, unknown>) : {};
        const error = reply.error as { message?: unknown } | undefined;
        done(
          reply.ok === true
            ? { ok: true, hostVersion: String(reply.hostVersion), hostProtocol: typeof reply.protocol === 'number' ? reply.protocol : null, error: null }
            : { ok: false, hostVersion: null, hostProtocol: null, error: String(error?.message ?? 'bad answer') },
        );
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(encodeFrame(JSON.stringify({ v: PROTOCOL_VERSION, id: 'doctor', type: 'ping' })));
  });
}

async function checkManifest(browser: BrowserId, level: ManifestCheck['level'], path: string, options: DoctorOptions): Promise<ManifestCheck> {
  const check: ManifestCheck = {
    browser,
    level,
    path,
    found: false,
    launcher: null,
    allowed: [],
    runs: null,
    hostVersion: null,
    hostProtocol: null,
    problems: [],
  };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return check;
  }
  check.found = true;
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(text) as Record<string, unknown>;
  } catch {
    check.problems.push(`${path} is not valid JSON`);
    return check;
  }
  const firefox = browserFamily(browser) === 'firefox';
  const allowed = manifest[firefox ? 'allowed_extensions' : 'allowed_origins'];
  check.allowed = Array.isArray(allowed) ? allowed.filter((a): a is string => typeof a === 'string') : [];
  if (manifest.name !== NATIVE_HOST_NAME) check.problems.push(`${path}: "name" must be ${NATIVE_HOST_NAME}`);
  if (manifest.type !== 'stdio') check.problems.push(`${path}: "type" must be "stdio"`);
  if (!check.allowed.length) check.problems.push(`${path}: no ${firefox ? 'allowed_extensions' : 'allowed_origins'}`);
  const launcher = manifest.path;
  if (typeof launcher !== 'string' || !isAbsolute(launcher)) {
    check.problems.push(`${path}: "path" must be an absolute path`);
    return check;
  }
  check.launcher = launcher;
  const p = pathFor(options.context.platform);
  const ours = [false, true].map((system) => p.join(installDir(options.context, { system }), launcherName(options.context.platform)));
  if (!ours.includes(launcher))
    check.problems.push(`${path} points at ${launcher}, not at this helper's installed copy (${ours[0]}); run install-host again to point it there`);
  const executable = await access(launcher, options.context.platform === 'win32' ? constants.R_OK : constants.X_OK).then(
    () => true,
    () => false,
  );
  if (!executable) {
    check.problems.push(`the launcher ${launcher} is missing or not executable; run aws-saml-bridge install-host again`);
    return check;
  }
  const caller = check.allowed[0];
  if (caller) {
    const args = firefox ? [path, caller] : [caller];
    const ping = await pingLauncher(launcher, args, options.pingTimeoutMs);
    check.runs = ping.ok;
    check.hostVersion = ping.hostVersion;
    check.hostProtocol = ping.hostProtocol;
    if (!ping.ok) check.problems.push(`the host at ${launcher} did not answer a ping: ${ping.error}; run install-host again`);
    else {
      const version = checkHelperVersion(
        { hostVersion: ping.hostVersion ?? 'dev', hostProtocol: ping.hostProtocol ?? PROTOCOL_VERSION },
        options.selfVersion ?? HOST_VERSION,
      );
      if (version.behind === 'helper')
        check.problems.push(`the helper registered at ${launcher} (${ping.hostVersion}) is older than this copy: run install-host from this copy`);
      else if (version.behind === 'extension')
        check.problems.push(
          `the helper registered at ${launcher} (${ping.hostVersion}) is newer than this copy: the extension that carried this copy is older than the helper; update the extension`,
        );
    }
  }
  return check;
}

/** Where each browser's manifest is looked up, in the browser's order (user level first). */
async function manifestLocations(options: DoctorOptions): Promise<{ browser: BrowserId; level: ManifestCheck['level']; path: string }[]> {
  const file = `${NATIVE_HOST_NAME}.json`;
  const path = pathFor(options.context.platform);
  if (options.userDataDir) return [{ browser: 'chromium', level: 'user-data-dir', path: path.join(options.userDataDir, 'NativeMessagingHosts', file) }];
  const out: { browser: BrowserId; level: ManifestCheck['level']; path: string }[] = [];
  for (const browser of BROWSERS) {
    for (const system of [false, true]) {
      const level = system ? 'system' : 'user';
      if (options.context.platform === 'win32') {
        const registered = await (options.readRegistry ?? readRegistryDefault)(registryKey(browser, NATIVE_HOST_NAME, { system }));
        if (registered) out.push({ browser, level, path: registered });
        continue;
      }
      for (const dir of manifestDirs(browser, options.context, { system })) out.push({ browser, level, path: path.join(dir, file) });
    }
  }
  return out;
}

/** Runs every check. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const manifests = await Promise.all((await manifestLocations(options)).map((l) => checkManifest(l.browser, l.level, l.path, options)));
  const found = manifests.filter((m) => m.found);
  if (!found.length)
    problems.push(
      `the host is not registered for any browser; run: aws-saml-bridge install-host${options.userDataDir ? ` --user-data-dir ${options.userDataDir}` : ''}`,
    );
  for (const m of found) problems.push(...m.problems);

  const configPaths = new Set([
    ...found.flatMap((m) => (m.launcher ? [join(dirname(m.launcher), HOST_CONFIG_FILE)] : [])),
    join(installDir(options.context, { system: false }), HOST_CONFIG_FILE),
  ]);
  const hostConfigs = await Promise.all(
    [...configPaths].map(async (path) => ({
      path,
      config: (await readFile(path).then(
        () => true,
        () => false,
      ))
        ? await loadHostConfig(path)
        : null,
    })),
  );
  for (const m of found) {
    const config = hostConfigs.find((c) => m.launcher && c.path === join(dirname(m.launcher), HOST_CONFIG_FILE))?.config;
    if (!config) continue;
    const allowedByHost = browserFamily(m.browser) === 'firefox' ? config.geckoIds : config.chromeExtensionIds.map((id) => `chrome-extension://${id}/`);
    const refused = m.allowed.filter((a) => !allowedByHost.includes(a));
    if (refused.length)
      warnings.push(`${m.path} allows ${refused.join(', ')}, which the host itself refuses (not in ${HOST_CONFIG_FILE}); reinstall with --extension-id`);
  }

  const node = options.nodeVersion ?? process.versions.node;
  const major = Number(/^v?(\d+)\./.exec(node)?.[1]);
  if (!(major >= MIN_NODE_MAJOR))
    problems.push(`Node ${node} is older than the helper needs (Node ${MIN_NODE_MAJOR} or later): install a current Node, then run install-host again with it`);
  if (options.context.platform === 'linux' && !options.userDataDir) {
    const exists = options.exists ?? pathExists;
    for (const b of SANDBOXED_BROWSERS) {
      const found = await Promise.all(b.paths(options.context.home).map(exists));
      if (found.some(Boolean)) warnings.push(b.note);
    }
  }

  const status = await credentialsFileStatus(options.credentialsFile);
  let readable: boolean | null = null;
  if (status.exists) {
    const bytes = await readFile(options.credentialsFile).catch(() => null);
    let text: string | null = null;
    try {
      text = bytes ? new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) : null;
    } catch {
      problems.push(`${options.credentialsFile} is not UTF-8 text; the AWS CLI cannot read it`);
    }
    const parsed = text === null ? null : parseCredentialsFile(text);
    readable = parsed?.ok ?? false;
    if (parsed && !parsed.ok) problems.push(`${options.credentialsFile} cannot be read by the AWS CLI: ${issueWords(parsed.issues, 0, 3)}`);
    if (isOpenToOthers(status, options.context.platform)) {
      warnings.push(
        `${options.credentialsFile} is readable by other users (mode ${status.mode}); make it private: click "Make it private" in the extension's popup, or run: chmod 600 ${status.target ?? options.credentialsFile}`,
      );
    }
  }
  return { platform: options.context.platform, hostName: NATIVE_HOST_NAME, manifests, hostConfigs, credentials: { ...status, readable }, problems, warnings };
}

/** The report as text for a terminal. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines = [`aws-saml-bridge doctor: host ${report.hostName} on ${report.platform}`, ''];
  const browsers = [...new Set(report.manifests.map((m) => m.browser))];
  for (const browser of browsers) {
    const found = report.manifests.filter((m) => m.browser === browser && m.found);
    if (!found.length) {
      lines.push(`  ${browser.padEnd(9)} not registered`);
      continue;
    }
    for (const m of found) {
      const state = m.problems.length ? 'BROKEN' : 'registered';
      lines.push(`  ${browser.padEnd(9)} ${state} (${m.level}) ${m.path}`);
      lines.push(
        `  ${''.padEnd(9)} launcher ${m.launcher ?? '-'}: ${m.runs === true ? `runs (host ${m.hostVersion})` : m.runs === false ? 'does not run' : 'not checked'}`,
      );
      lines.push(`  ${''.padEnd(9)} allowed  ${m.allowed.join(', ') || '-'}`);
    }
  }
  lines.push('');
  for (const { path, config } of report.hostConfigs) {
    lines.push(
      config
        ? `  allowed callers (${path}): ${[...config.chromeExtensionIds.map((id) => `chrome-extension://${id}/`), ...config.geckoIds].join(', ')}`
        : `  no host installed at ${dirname(path)}`,
    );
  }
  const c = report.credentials;
  lines.push(
    `  credentials file ${c.path}${c.target ? ` -> ${c.target}` : ''}: ${c.exists ? `mode ${c.mode}, ${c.readable ? 'readable by the AWS CLI' : 'NOT readable by the AWS CLI'}` : 'does not exist yet (created 0600 on first write)'}`,
  );
  lines.push('');
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  for (const p of report.problems) lines.push(`problem: ${p}`);
  lines.push(report.problems.length ? `${report.problems.length} problem(s) found.` : 'No problems found.');
  return lines.join('\n') + '\n';
}
