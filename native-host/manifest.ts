/** The files an install writes, as data: host manifests (Chrome-family and Firefox shapes) and the launcher. */
import { NATIVE_HOST_NAME } from '../lib/native-host-name';
import type { BrowserId, HostPlatform } from './browsers';
import { browserFamily } from './browsers';
import type { HostConfig } from './host-config';

interface ManifestBase {
  name: string;
  description: string;
  /** Absolute path of the launcher: browsers exec it directly, without a shell's PATH lookup. */
  path: string;
  type: 'stdio';
}
/** Chrome, Chromium, Edge, Brave: exact origins, no wildcards. */
export interface ChromiumHostManifest extends ManifestBase {
  allowed_origins: string[];
}
/** Firefox: add-on ids. */
export interface FirefoxHostManifest extends ManifestBase {
  allowed_extensions: string[];
}
export type HostManifest = ChromiumHostManifest | FirefoxHostManifest;

export const HOST_SCRIPT_NAME = 'aws-saml-bridge-host.mjs';
/** The CLI's file name: in the extension package (`helper/`), in Downloads, and in the install folder. */
export const CLI_SCRIPT_NAME = 'aws-saml-bridge.mjs';

export const HOST_DESCRIPTION = 'AWS SAML Bridge: writes AWS CLI credentials to the shared credentials file';

/** The manifest `browser` reads, allowing the callers in `config`. */
export function hostManifest(browser: BrowserId, launcherPath: string, config: HostConfig): HostManifest {
  const base: ManifestBase = { name: NATIVE_HOST_NAME, description: HOST_DESCRIPTION, path: launcherPath, type: 'stdio' };
  return browserFamily(browser) === 'firefox'
    ? { ...base, allowed_extensions: [...config.geckoIds] }
    : { ...base, allowed_origins: config.chromeExtensionIds.map((id) => `chrome-extension://${id}/`) };
}

/** Single-quoted for sh: safe for any path (spaces, $, quotes). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The file name of the launcher on `platform`. */
export function launcherName(platform: HostPlatform): string {
  return platform === 'win32' ? 'aws-saml-bridge-host.bat' : 'aws-saml-bridge-host';
}

/**
 * A launcher that runs the host with the Node that ran the installer: browsers start hosts with a minimal
 * environment, often without the user's PATH (nvm, Homebrew), so `#!/usr/bin/env node` is not enough.
 */
export function launcherScript(platform: HostPlatform, nodePath: string, hostScript: string): string {
  if (platform === 'win32') {
    if (/["%]/.test(nodePath + hostScript)) throw new Error('paths with " or % cannot be used in a Windows launcher');
    return `@echo off\r\n"${nodePath}" "${hostScript}" %*\r\n`;
  }
  return `#!/bin/sh\n# Started by the browser for ${NATIVE_HOST_NAME}; written by aws-saml-bridge install-host.\nexec ${shellQuote(nodePath)} ${shellQuote(hostScript)} "$@"\n`;
}
