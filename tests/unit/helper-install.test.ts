/** The helper's install command per OS, from what the popup's browser reports as its platform. */
import { describe, expect, it } from 'vitest';
import { HELPER_FILE_NAME, HELPER_PACKAGE_PATH, helperOsOf, installHelperCommand, type HelperOs } from '@/lib/helper-install';
import { DOCTOR_COMMAND, INSTALL_FROM_DOWNLOAD_COMMAND } from '@/lib/helper-install';

describe('helperOsOf', () => {
  it.each<[string | undefined, HelperOs]>([
    // navigator.userAgentData.platform (Chromium)
    ['Windows', 'windows'],
    ['macOS', 'posix'],
    ['Linux', 'posix'],
    ['Chrome OS', 'posix'],
    // navigator.platform (Firefox, and Chromium without userAgentData)
    ['Win32', 'windows'],
    ['Win64', 'windows'],
    ['MacIntel', 'posix'],
    ['Linux x86_64', 'posix'],
    ['Linux aarch64', 'posix'],
    ['FreeBSD amd64', 'posix'],
    // a browser that reports nothing
    ['', 'posix'],
    [undefined, 'posix'],
  ])('%j → %s', (platform, os) => {
    expect(helperOsOf(platform)).toBe(os);
  });
});

describe('installHelperCommand', () => {
  it.each<[HelperOs, string]>([
    ['posix', 'node ~/Downloads/aws-saml-bridge.mjs install-host'],
    ['windows', 'node "%USERPROFILE%\\Downloads\\aws-saml-bridge.mjs" install-host'],
  ])('%s: %s', (os, command) => {
    expect(installHelperCommand(os)).toBe(command);
  });

  it('names the packaged file and no npm package (an unpublished name is free for anyone to claim)', () => {
    expect(HELPER_PACKAGE_PATH).toBe(`helper/${HELPER_FILE_NAME}`);
    for (const command of [installHelperCommand('posix'), installHelperCommand('windows'), INSTALL_FROM_DOWNLOAD_COMMAND, DOCTOR_COMMAND]) {
      expect(command).toMatch(/^node /);
      expect(command).not.toMatch(/\bnpx\b|npm /);
      expect(command).toContain(HELPER_FILE_NAME);
    }
  });
});
