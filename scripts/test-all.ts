// `npm test` (run through tsx): type-check, lint and format check, build the extension for Chrome and Firefox, lint the Firefox build
// with AMO's linter, run the unit suite (vitest) and the end-to-end suites (Playwright driving Debian's Chromium,
// and Debian's Firefox ESR over WebDriver BiDi, with the built extension against the loopback emulators), then
// print one line `N passed, M failed` summing every suite.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROME_BUILD, FIREFOX_BUILD } from '../tests/support/paths';
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
  // ESLint: type-aware rules, the hooks rules and the import-boundary rules (eslint.config.js, eslint-layers.js).
  ['lint', ['eslint', '.']],
  ['format', ['prettier', '--check', '.']],
  ['build chrome-mv3', ['wxt', 'build', '-b', 'chrome', '--mv3']],
  ['build firefox-mv3', ['wxt', 'build', '-b', 'firefox', '--mv3']],
  // AMO's linter on the Firefox build: no errors, no warnings but the explained ones (scripts/lint-firefox.ts).
  ['web-ext lint firefox-mv3', ['tsx', 'scripts/lint-firefox.ts']],
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
  const brokenFiles = (v.testResults as { status: string; assertionResults: unknown[] }[]).filter(
    (r) => r.status === 'failed' && r.assertionResults.length === 0,
  ).length;
  failed += v.numFailedTests + brokenFiles;
} else failed++;

/** Runs one Playwright project (its browser installed from Debian's packages first) and adds up its results. */
function runE2e(title: string, project: 'chromium' | 'firefox', browserPackage: 'chromium' | 'firefox-esr', build: string): void {
  try {
    ensureBrowsers({ packages: [browserPackage] });
  } catch (e) {
    console.error(String(e instanceof Error ? e.message : e));
    failed++;
    return;
  }
  if (!existsSync(`${build}/manifest.json`)) {
    failed++;
    return;
  }
  const pwJson = join(out, `playwright-${project}.json`);
  run(title, 'npx', ['playwright', 'test', `--project=${project}`, '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });
  const p = readJson(pwJson);
  if (p?.stats) {
    passed += p.stats.expected + p.stats.flaky;
    failed += p.stats.unexpected;
    if (p.errors?.length) failed += p.errors.length;
  } else failed++;
}

runE2e('end-to-end tests (Playwright, Chromium)', 'chromium', 'chromium', CHROME_BUILD);
// Firefox ESR over WebDriver BiDi (tests/firefox/); Playwright's runner runs and counts them.
runE2e('end-to-end tests (Firefox ESR, WebDriver BiDi)', 'firefox', 'firefox-esr', FIREFOX_BUILD);

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
