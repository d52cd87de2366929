// Every unit test runs with WXT's in-memory fake browser as the global `chrome`: WXT's storage (lib/browser/storage.ts)
// reads the global when first imported, so a test of a browser-bound module needs it before any import, and pure
// tests never notice it. Tests that import `wxt/browser` still mock it to the same fake (`vi.mock('wxt/browser', …)`).
import { vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

vi.stubGlobal('chrome', fakeBrowser);
