// `npm test` (run through tsx): type-check, build the extension, run the unit suite (vitest) and the end-to-end suite
// (Playwright driving Debian's Chromium with the built extension against the loopback emulators), then
// print one line `N passed, M failed` summing every suite.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBrowsers } from './ensure-browsers';

const out = mkdtempSync(join(tmpdir(), 'aws-saml-bridge-test-'));
let passed = 0;
let failed = 0;

function run(title: string, cmd: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n▶ ${title}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reporter JSON, read defensively
function readJson(path: string): any {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

// Checks that are one test each.
for (const [title, args] of <[string, string[]][]>[
  ['type-check', ['tsc', '--noEmit']],
  ['build chrome-mv3', ['wxt', 'build', '-b', 'chrome', '--mv3']],
]) {
  if (run(title, 'npx', args)) passed++;
  else failed++;
}

const vitestJson = join(out, 'vitest.json');
run('unit tests (vitest)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
const v = readJson(vitestJson);
if (v) {
  passed += v.numPassedTests;
  // A test file that fails to load has no test results of its own: count it as one failure.
  const brokenFiles = (v.testResults as { status: string; assertionResults: unknown[] }[]).filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
  failed += v.numFailedTests + brokenFiles;
} else failed++;

let e2eReady = true;
try {
  ensureBrowsers({ packages: ['chromium'] });
} catch (e) {
  console.error(String(e instanceof Error ? e.message : e));
  e2eReady = false;
  failed++;
}
if (e2eReady && existsSync('.output/chrome-mv3/manifest.json')) {
  const pwJson = join(out, 'playwright.json');
  run('end-to-end tests (Playwright, Chromium)', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });
  const p = readJson(pwJson);
  if (p?.stats) {
    passed += p.stats.expected + p.stats.flaky;
    failed += p.stats.unexpected;
    if (p.errors?.length) failed += p.errors.length;
  } else failed++;
} else if (e2eReady) failed++;

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
