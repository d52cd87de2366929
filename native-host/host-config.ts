/**
 * Who may call the host. Browsers check the manifest's allowed origins before starting a host; the host checks
 * again, so a manifest edited by hand (or another browser's) cannot widen access. The allowed set is the built-in
 * extension ids plus extra ids baked into `host-config.json` (next to the installed host script) at install time.
 */
import { readFile } from 'node:fs/promises';
import { CHROME_EXTENSION_ID, GECKO_ID } from '../lib/extension-ids';

export const HOST_CONFIG_FILE = 'host-config.json';

/** What `host-config.json` holds: every allowed caller, built-in ones included (so doctor can print them). */
export interface HostConfig {
  version: 1;
  /** Chrome-family extension ids (32 letters a–p). */
  chromeExtensionIds: string[];
  /** Firefox add-on ids. */
  geckoIds: string[];
}

/** Who started the host, from its command line. */
export type Caller = { browser: 'chromium'; extensionId: string } | { browser: 'firefox'; extensionId: string } | { browser: 'unknown' };

export const CHROME_EXTENSION_ID_PATTERN = /^[a-p]{32}$/;
/** A Firefox add-on id: an email-like id or a `{uuid}`. */
export const GECKO_ID_PATTERN = /^([A-Za-z0-9._+-]+@[A-Za-z0-9._-]+|\{[0-9a-fA-F-]{36}\})$/;

/** The built-in callers only. */
export function defaultHostConfig(): HostConfig {
  return { version: 1, chromeExtensionIds: [CHROME_EXTENSION_ID], geckoIds: [GECKO_ID] };
}

/** The built-in callers plus `extra` ones, deduplicated and validated. */
export function hostConfigWith(extra: { chromeExtensionIds?: readonly string[]; geckoIds?: readonly string[] }): HostConfig {
  const base = defaultHostConfig();
  return {
    version: 1,
    chromeExtensionIds: [...new Set([...base.chromeExtensionIds, ...(extra.chromeExtensionIds ?? [])])].filter((id) => CHROME_EXTENSION_ID_PATTERN.test(id)),
    geckoIds: [...new Set([...base.geckoIds, ...(extra.geckoIds ?? [])])].filter((id) => GECKO_ID_PATTERN.test(id)),
  };
}

/** Reads `host-config.json`; a missing or malformed file means the built-in callers only (fail closed). */
export async function loadHostConfig(path: string): Promise<HostConfig> {
  try {
    const json: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (typeof json !== 'object' || json === null) return defaultHostConfig();
    const list = (key: string): string[] => {
      const v = (json as Record<string, unknown>)[key];
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    };
    return hostConfigWith({ chromeExtensionIds: list('chromeExtensionIds'), geckoIds: list('geckoIds') });
  } catch {
    return defaultHostConfig();
  }
}

/**
 * Chrome-family browsers pass the caller's origin `chrome-extension://<id>/` first (Windows adds
 * `--parent-window=…`); Firefox passes the manifest path, then the add-on id.
 */
export function identifyCaller(args: readonly string[]): Caller {
  const origin = /^chrome-extension:\/\/([a-p]{32})\/$/.exec(args[0] ?? '');
  if (origin) return { browser: 'chromium', extensionId: origin[1]! };
  const gecko = args[1];
  if (args.length >= 2 && gecko !== undefined && GECKO_ID_PATTERN.test(gecko)) return { browser: 'firefox', extensionId: gecko };
  return { browser: 'unknown' };
}

/** Whether `caller` is one of the configured extensions. */
export function isAllowedCaller(caller: Caller, config: HostConfig): boolean {
  if (caller.browser === 'chromium') return config.chromeExtensionIds.includes(caller.extensionId);
  if (caller.browser === 'firefox') return config.geckoIds.includes(caller.extensionId);
  return false;
}
