import { defineConfig } from '@playwright/test';

// End-to-end suites drive the production build in Debian's browsers (never a downloaded one) against the
// loopback emulators of Entra and AWS. One worker: each test starts its own browser on a 2-core machine.
export default defineConfig({
  testDir: './tests',
  projects: [
    { name: 'chromium', testMatch: ['e2e/**/*.e2e.ts', 'emulators/**/*.e2e.ts'] },
    // Debian's Firefox ESR over WebDriver BiDi (tests/firefox/harness.ts); Playwright only runs and counts these.
    { name: 'firefox', testMatch: ['firefox/**/*.e2e.ts'] },
  ],
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: 'list',
  outputDir: 'test-results',
  use: { trace: 'off', screenshot: 'only-on-failure' },
});
