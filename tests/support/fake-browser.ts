import { vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

/**
 * Before each test of a module that reads the extension's version: WXT's fake browser emptied, spies restored, and
 * a manifest of `version` (the fake browser has none).
 */
export function resetFakeBrowser(version: string): void {
  fakeBrowser.reset();
  vi.restoreAllMocks();
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ version } as never);
}
