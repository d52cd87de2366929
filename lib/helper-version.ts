/**
 * Do the extension and the credentials helper belong together? Pure: the popup's helper line (from a ping) and the
 * helper's `doctor` (comparing the registered helper with the copy it runs from) ask the same question and give the
 * same answer, naming WHICH side to update.
 *
 * The protocol version decides whether they can work together at all; the release version (package.json's, the
 * extension's manifest `version` and the helper's `HOST_VERSION` are the same number) only whether one of them is
 * behind. A helper run from source says "dev" and is never called older or newer.
 */
import { PROTOCOL_VERSION } from './host-protocol';

/** Which side is behind, and whether that stops the helper from working (a different protocol) or not. */
export type HelperVersionCheck = { behind: 'none' } | { behind: 'helper' | 'extension'; blocking: boolean; message: string };

export const HELPER_OLDER = 'The helper is older than the extension: download the helper again from the popup (Download the helper) and run install-host.';
export const EXTENSION_OLDER = 'The extension is older than the helper: update the extension.';

/** Dotted numeric versions compared part by part ("0.10.0" > "0.9.3"); null when either is not such a version. */
export function compareVersions(a: string, b: string): number | null {
  const parse = (v: string) => (/^\d+(\.\d+){0,3}$/.test(v) ? v.split('.').map(Number) : null);
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * Compares what the helper says about itself (`hostVersion`, `hostProtocol`) with the extension's (or the running
 * copy's) own version and protocol.
 */
export function checkHelperVersion(helper: { hostVersion: string; hostProtocol: number }, extensionVersion: string): HelperVersionCheck {
  if (helper.hostProtocol < PROTOCOL_VERSION) return { behind: 'helper', blocking: true, message: HELPER_OLDER };
  if (helper.hostProtocol > PROTOCOL_VERSION) return { behind: 'extension', blocking: true, message: EXTENSION_OLDER };
  const order = compareVersions(helper.hostVersion, extensionVersion);
  if (order === null || order === 0) return { behind: 'none' };
  return order < 0 ? { behind: 'helper', blocking: false, message: HELPER_OLDER } : { behind: 'extension', blocking: false, message: EXTENSION_OLDER };
}
