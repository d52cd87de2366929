/**
 * Where each browser looks for native-messaging host manifests (docs/native-messaging.md), per platform, user- and system-
 * level. Pure: paths are computed from the platform, home directory and environment given, so every platform's
 * table can be tested anywhere.
 *
 * Brave: brave-core's BraveMainDelegate::PreSandboxStartup overrides Chromium's manifest directories with Google
 * Chrome's on macOS (`~/Library/Application Support/Google/Chrome/NativeMessagingHosts`,
 * `/Library/Google/Chrome/NativeMessagingHosts`) and the system one with Chrome's on Linux
 * (`/etc/opt/chrome/native-messaging-hosts`); the Linux user folder stays Brave's own. Peers also write
 * `~/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts` on macOS, so both are written.
 */
import { posix, win32 } from 'node:path';

export type BrowserId = 'chrome' | 'chromium' | 'edge' | 'brave' | 'firefox';
export const BROWSERS: readonly BrowserId[] = ['chrome', 'chromium', 'edge', 'brave', 'firefox'];
export type HostPlatform = 'linux' | 'darwin' | 'win32';

/** Chrome-family manifests use `allowed_origins`; Firefox's use `allowed_extensions`. */
export function browserFamily(browser: BrowserId): 'chromium' | 'firefox' {
  return browser === 'firefox' ? 'firefox' : 'chromium';
}

/** What the paths depend on. */
export interface PathContext {
  platform: HostPlatform;
  home: string;
  env: Readonly<Record<string, string | undefined>>;
}

const LINUX_CONFIG: Record<BrowserId, string> = {
  chrome: 'google-chrome',
  chromium: 'chromium',
  edge: 'microsoft-edge',
  brave: 'BraveSoftware/Brave-Browser',
  firefox: '',
};
const MAC_APP_SUPPORT: Record<BrowserId, string> = {
  chrome: 'Google/Chrome',
  chromium: 'Chromium',
  edge: 'Microsoft Edge',
  brave: 'BraveSoftware/Brave-Browser',
  firefox: 'Mozilla',
};
const LINUX_SYSTEM: Record<BrowserId, string> = {
  chrome: '/etc/opt/chrome/native-messaging-hosts',
  chromium: '/etc/chromium/native-messaging-hosts',
  edge: '/etc/opt/edge/native-messaging-hosts',
  brave: '/etc/opt/chrome/native-messaging-hosts',
  firefox: '/usr/lib/mozilla/native-messaging-hosts',
};
const MAC_SYSTEM: Record<BrowserId, string> = {
  chrome: '/Library/Google/Chrome/NativeMessagingHosts',
  chromium: '/Library/Application Support/Chromium/NativeMessagingHosts',
  edge: '/Library/Microsoft/Edge/NativeMessagingHosts',
  brave: '/Library/Google/Chrome/NativeMessagingHosts',
  firefox: '/Library/Application Support/Mozilla/NativeMessagingHosts',
};
/** `HKCU\Software\<this>\NativeMessagingHosts\<name>` (HKLM for a system install). */
const WINDOWS_VENDOR: Record<BrowserId, string> = {
  chrome: 'Google\\Chrome',
  chromium: 'Chromium',
  edge: 'Microsoft\\Edge',
  brave: 'BraveSoftware\\Brave-Browser',
  firefox: 'Mozilla',
};

/** Chrome-family browsers on Linux honour XDG_CONFIG_HOME. */
const xdgConfig = (c: PathContext) => c.env.XDG_CONFIG_HOME || posix.join(c.home, '.config');

/** The browser's own profile folder: when it exists, the browser is taken as installed for this user. */
export function browserConfigDir(browser: BrowserId, c: PathContext): string {
  switch (c.platform) {
    case 'linux':
      return browser === 'firefox' ? posix.join(c.home, '.mozilla') : posix.join(xdgConfig(c), LINUX_CONFIG[browser]);
    case 'darwin':
      return posix.join(c.home, 'Library/Application Support', MAC_APP_SUPPORT[browser]);
    case 'win32': {
      const local = c.env.LOCALAPPDATA ?? win32.join(c.home, 'AppData', 'Local');
      const roaming = c.env.APPDATA ?? win32.join(c.home, 'AppData', 'Roaming');
      return browser === 'firefox' ? win32.join(roaming, 'Mozilla', 'Firefox') : win32.join(local, ...WINDOWS_VENDOR[browser].split('\\'), 'User Data');
    }
  }
}

/** Folders to put `<name>.json` in for `browser` (several only for Brave on macOS). */
export function manifestDirs(browser: BrowserId, c: PathContext, options: { system: boolean }): string[] {
  switch (c.platform) {
    case 'linux':
      if (options.system) return [LINUX_SYSTEM[browser]];
      return [
        browser === 'firefox'
          ? posix.join(c.home, '.mozilla', 'native-messaging-hosts')
          : posix.join(xdgConfig(c), LINUX_CONFIG[browser], 'NativeMessagingHosts'),
      ];
    case 'darwin': {
      if (options.system) return [MAC_SYSTEM[browser]];
      const user = (app: string) => posix.join(c.home, 'Library/Application Support', app, 'NativeMessagingHosts');
      return browser === 'brave' ? [user(MAC_APP_SUPPORT.chrome), user(MAC_APP_SUPPORT.brave)] : [user(MAC_APP_SUPPORT[browser])];
    }
    case 'win32':
      // Windows finds manifests through the registry; the file can live anywhere, so it sits in the install folder.
      return [win32.join(installDir(c, options), 'manifests', browser)];
  }
}

/** The registry key naming the manifest (Windows only). */
export function registryKey(browser: BrowserId, hostName: string, options: { system: boolean }): string {
  return `${options.system ? 'HKLM' : 'HKCU'}\\Software\\${WINDOWS_VENDOR[browser]}\\NativeMessagingHosts\\${hostName}`;
}

/** Where the host script, its launcher and host-config.json are installed. */
export function installDir(c: PathContext, options: { system: boolean }): string {
  switch (c.platform) {
    case 'linux':
      return options.system ? '/usr/local/lib/aws-saml-bridge' : posix.join(c.env.XDG_DATA_HOME || posix.join(c.home, '.local', 'share'), 'aws-saml-bridge');
    case 'darwin':
      return options.system ? '/Library/Application Support/aws-saml-bridge' : posix.join(c.home, 'Library/Application Support/aws-saml-bridge');
    case 'win32':
      return options.system
        ? win32.join(c.env.ProgramFiles ?? 'C:\\Program Files', 'aws-saml-bridge')
        : win32.join(c.env.LOCALAPPDATA ?? win32.join(c.home, 'AppData', 'Local'), 'aws-saml-bridge');
  }
}

/** The path module for `platform`. */
export function pathFor(platform: HostPlatform): typeof posix {
  return platform === 'win32' ? win32 : posix;
}
