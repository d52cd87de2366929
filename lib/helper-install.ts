/**
 * The credentials helper as the extension ships it: one file inside the package (same version), which the popup
 * saves to the Downloads folder, and the one command that installs it from there. No command here names an npm
 * package: an unpublished name is free for anyone to register, and `npx <name>` would run theirs.
 */

/** The helper's file name: in the package (under `helper/`), in Downloads, and in its per-user home. */
export const HELPER_FILE_NAME = 'aws-saml-bridge.mjs';
/** Where the build puts the helper inside the extension package (wxt.config.ts). */
export const HELPER_PACKAGE_PATH = `helper/${HELPER_FILE_NAME}`;

/** The operating systems whose commands differ. */
export type HelperOs = 'windows' | 'posix';

/** The OS family from `navigator.userAgentData.platform` ("Windows", "macOS", "Linux") or `navigator.platform` ("Win32", "MacIntel", "Linux x86_64"). */
export function helperOsOf(platform: string | undefined): HelperOs {
  return /^win/i.test(platform?.trim() ?? '') ? 'windows' : 'posix';
}

/** The terminal command that installs the helper downloaded to the default Downloads folder, for `os`. */
export function installHelperCommand(os: HelperOs): string {
  return os === 'windows' ? `node "%USERPROFILE%\\Downloads\\${HELPER_FILE_NAME}" install-host` : `node ~/Downloads/${HELPER_FILE_NAME} install-host`;
}

/** Installs (or updates) the helper from the folder it was downloaded to: the words error messages use. */
export const INSTALL_FROM_DOWNLOAD_COMMAND = `node ${HELPER_FILE_NAME} install-host`;
/** Checks the registration and the credentials file (any copy of the helper can run it). */
export const DOCTOR_COMMAND = `node ${HELPER_FILE_NAME} doctor`;
