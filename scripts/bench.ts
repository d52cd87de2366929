/**
 * `npm run bench`: speed and size figures, measured the way a user meets them, printed (not asserted in unit
 * tests: shared machines are noisy). Every figure is the median and min–max of ≥ 5 runs, with its ratio to a
 * baseline measured in the same run, and a target. Times fail the bench only beyond a generous bound (2× the
 * target), so a regression is loud while scheduling noise is not; sizes fail as soon as they pass their budget.
 * `npm run bench -- --only=popup,badge` runs some sections (parse, assume, popup, badge, save, renew, size); `--no-build`
 * measures the build already in .output/chrome-mv3.
 *
 *   parse   parseSamlResponse on a signed 300-role Entra assertion: the first call in a fresh `node` process
 *           (cold JIT, as a service worker meets it), against the warm median of the same processes
 *   assume  20 roles against the STS emulator with 150 ms latency, through lib/sts (the background's code) and
 *           through the real extension in Chromium; against one call and one by one (as the incumbent does it)
 *   popup   navigation of the popup page → the first screen of role rows (15), and then every row, rendered and
 *           the page free for input, on the built extension in Chromium: first open in a fresh profile, and warm
 *           (opened again); 6 and 300 roles; against an empty extension page (one module script) opened in the same
 *           browser, with where the first open's time went; `--compare=DIR` measures another build's popup too
 *   badge   the browser's SAML POST → the badge set, on a cold worker (a fresh browser per run: the first parse);
 *           against the AWS page's own answer to that POST
 *   save    click on "Save to ~/.aws/credentials" until the new keys are in the file, through the real native
 *           host installed in a sandboxed HOME; with the host running (the popup pings it on open) and cold
 *   renew   always fresh with 60-second credentials through the real helper: IdP request → file rewritten per
 *           renewal, IdP requests per cycle, user actions after the first sign-in, tile click → profile saved
 *           with zero-click on
 *   size    gzip size of what the popup loads before its first paint, the background, the options page and the
 *           whole extension (the budgets are strict)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import type { Page } from '@playwright/test';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ensureBrowsers } from './ensure-browsers';
import { parseRoleValue } from '../lib/arn';
import { mapWithConcurrency } from '../lib/concurrency';
import { parseAcsUrl, stsEndpointsFor } from '../lib/partitions';
import { idpHostPermissions } from '../lib/renewal/entra-hosts';
import { ASSUME_CONCURRENCY, assumeRoleWithSaml, sdkTransport } from '../lib/sts';
import { startEmulators } from '../tests/emulators/index';
import { loopbackHttpsAgent } from '../tests/emulators/node-client';
import { APP_IDS, rolesFor } from '../tests/emulators/world';
import { buildSamlResponseXml, encodeSamlResponse, signAssertion } from '../tests/support/saml-builder';
import {
  extensionPageUrl,
  launchWithExtension,
  openAwsTile,
  openPopup,
  signInToMyApps,
  waitForCapturedRoles,
  type ExtensionBrowser,
} from '../tests/support/browser';
import { CHROME_BUILD } from '../tests/support/paths';
import { isAcsPost } from '../tests/support/sign-in';
import { POPUP } from '../tests/support/popup-page';
import type { PlaywrightPopup } from '../tests/support/popup-playwright';
import { buildHost, installHostForChromium, makeSandbox, removeSandbox } from '../tests/support/native-host';
import { profileNameOf } from '../tests/support/profile-names';
import { savedKeyId } from '../tests/support/saved-keys';

type Emulators = Awaited<ReturnType<typeof startEmulators>>;
type Unit = 'ms' | 'KB' | 'x';

interface Figure {
  name: string;
  samples: number[];
  unit: Unit;
  /** Absent: reported only. */
  target?: number;
  /** What the figure is compared with, measured in the same run (its median). */
  baseline?: { name: string; value: number };
  /** Fail as soon as the target is passed (sizes), not only beyond 2×. */
  strict?: boolean;
  /**
   * Where a target is known to be out of reach (measured, and said why in `why`): fail beyond `value` instead, so
   * the figure still guards against growth while it reports how far it is from its target.
   */
  limit?: { value: number; why: string };
  note?: string;
}
const figures: Figure[] = [];

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fixed = (n: number, unit: Unit) => n.toFixed(unit === 'ms' && n >= 10 ? 0 : unit === 'x' ? 2 : 1);
const failed = (f: Figure) => (f.limit ? median(f.samples) > f.limit.value : f.target !== undefined && median(f.samples) > (f.strict ? 1 : 2) * f.target);

function record(figure: Figure): void {
  figures.push(figure);
  const m = median(figure.samples);
  const { unit } = figure;
  const spread =
    figure.samples.length > 1 ? `(${fixed(Math.min(...figure.samples), unit)}–${fixed(Math.max(...figure.samples), unit)}, ${figure.samples.length} runs)` : '';
  const ratio = figure.baseline ? `${(m / figure.baseline.value).toFixed(2)}× ${figure.baseline.name}` : '';
  const status =
    figure.target === undefined
      ? ''
      : m <= figure.target
        ? 'ok'
        : failed(figure)
          ? 'FAIL'
          : figure.limit
            ? `over target, within ${figure.limit.value} ${unit}: ${figure.limit.why}`
            : 'over target';
  const target = figure.target === undefined ? '' : `≤ ${figure.target} ${unit}`;
  console.log(
    `${figure.name.padEnd(50)} ${fixed(m, unit).padStart(7)} ${unit.padEnd(2)} ${spread.padEnd(22)} ${ratio.padEnd(30)} ${target.padEnd(9)} ${status}${figure.note ? `  (${figure.note})` : ''}`,
  );
}

const SECTIONS = ['parse', 'assume', 'popup', 'badge', 'save', 'renew', 'size'] as const;
type Section = (typeof SECTIONS)[number];
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const unknown = only?.filter((s) => !(SECTIONS as readonly string[]).includes(s));
if (unknown?.length) throw new Error(`unknown section(s) ${unknown.join(', ')}; the sections: ${SECTIONS.join(', ')}`);
const runs = (section: Section) => !only || only.includes(section);
/** How many runs each browser figure takes (each in a fresh browser profile where it says "first"/"cold"). */
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));

const dave = rolesFor('dave@contoso.com', APP_IDS.aws);
const alice = rolesFor('alice@contoso.com', APP_IDS.aws);

async function main(): Promise<void> {
  if (!process.argv.includes('--no-build')) {
    console.log('Building the extension…');
    execFileSync('npx', ['wxt', 'build', '-b', 'chrome', '--mv3'], { stdio: 'ignore' });
  }
  const emulators = await startEmulators();
  try {
    const signed = (roles: typeof dave) =>
      encodeSamlResponse(signAssertion(buildSamlResponseXml({ roles, roleSessionName: 'dave@contoso.com', sessionDuration: 43_200 }), emulators.idpSigningKey));
    if (runs('parse')) benchColdParse(signed(dave));
    if (runs('assume')) await benchAssume(emulators, signed(dave.slice(0, 20)));
    if (runs('popup') || runs('badge')) {
      ensureBrowsers({ packages: ['chromium'] });
      await benchFirstUse(emulators);
    }
    emulators.sts.latencyMs = 0;
    if (runs('save')) await benchSave(emulators);
    if (runs('renew')) await benchRenew(emulators);
  } finally {
    await emulators.stop();
  }
  if (runs('size')) benchSizes();

  const bad = figures.filter(failed);
  console.log(`\n${figures.length - bad.length} of ${figures.length} figures within bounds (times: 2× their target; sizes: their budget)`);
  process.exit(bad.length ? 1 : 0);
}

/**
 * The first parse in a fresh `node` process per run (what a service worker just started meets: nothing compiled
 * yet), against the warm median of the same processes. lib/saml-response.ts is bundled once with esbuild, so the
 * process pays for the parser alone, not for a TypeScript loader.
 */
function benchColdParse(samlResponse300: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'aws-saml-bridge-bench-'));
  try {
    const input = join(dir, 'saml-response.txt');
    writeFileSync(input, samlResponse300);
    const script = join(dir, 'cold-parse.mjs');
    const probe = `import { parseSamlResponse } from './lib/saml-response';
import { readFileSync } from 'node:fs';
const saml = readFileSync(process.argv[2], 'utf8');
const time = () => { const t = performance.now(); const r = parseSamlResponse(saml); const ms = performance.now() - t; if (!r.ok || r.summary.roles.length !== 300) throw new Error('wrong result'); return ms; };
const first = time();
for (let i = 0; i < 50; i++) time();
const warm = Array.from({ length: 50 }, time).sort((a, b) => a - b)[25];
console.log(JSON.stringify({ first, warm }));`;
    buildSync({
      stdin: { contents: probe, resolveDir: process.cwd(), loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: script,
      logLevel: 'silent',
    });
    const results = Array.from({ length: Math.max(RUNS, 9) }, () => {
      const out = spawnSync(process.execPath, [script, input], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`cold parse: ${out.stderr}`);
      return JSON.parse(out.stdout) as { first: number; warm: number };
    });
    console.log(`\n300-role signed Entra assertion: ${samlResponse300.length.toLocaleString('en-US')} base64 characters`);
    const warm = median(results.map((r) => r.warm));
    record({
      name: 'parse 300 roles, first call in a fresh process',
      samples: results.map((r) => r.first),
      unit: 'ms',
      target: 50,
      baseline: { name: 'a warm parse', value: warm },
    });
    record({ name: 'parse 300 roles, warm', samples: results.map((r) => r.warm), unit: 'ms', target: 5 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchAssume(emulators: Emulators, samlResponse20: string): Promise<void> {
  // ── lib/sts in Node ──────────────────────────────────────────────────────────
  const twenty = dave.slice(0, 20).map((r) => parseRoleValue(`${r.roleArn},${r.providerArn}`)!);
  emulators.sts.latencyMs = 150;
  const transport = sdkTransport({
    requestHandler: new NodeHttpHandler({ httpsAgent: loopbackHttpsAgent(emulators.port, { keepAlive: true, maxSockets: 64 }) }),
  });
  const assumeOne = async (role: (typeof twenty)[number]) => {
    const out = await assumeRoleWithSaml({ role, samlResponse: samlResponse20, durationSeconds: 3600 }, { transport });
    if (!out.ok) throw new Error(`assume failed: ${out.error.code} ${out.error.message}`);
  };
  await assumeOne(twenty[0]!); // warm-up: TLS, SDK initialisation
  const single: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await assumeOne(twenty[i]!);
    single.push(performance.now() - t);
  }
  const one = median(single);
  const sequential: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    for (const role of twenty) await assumeOne(role);
    sequential.push(performance.now() - t);
  }
  const parallel: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await mapWithConcurrency(twenty, ASSUME_CONCURRENCY, assumeOne);
    parallel.push(performance.now() - t);
  }
  console.log(`\nSTS emulator latency 150 ms; cap ${ASSUME_CONCURRENCY} calls at once`);
  record({ name: 'one STS call (Node, lib/sts)', samples: single, unit: 'ms', target: 300 });
  record({
    name: '20 roles one by one (as the incumbent does)',
    samples: sequential,
    unit: 'ms',
    target: 20 * 300,
    baseline: { name: 'one call', value: one },
  });
  record({
    name: 'assume 20 roles (Node, lib/sts) ÷ one call',
    samples: parallel.map((p) => p / one),
    unit: 'x',
    target: 2,
    note: `${median(parallel).toFixed(0)} ms; ${(median(sequential) / median(parallel)).toFixed(1)}× faster than one by one`,
  });

  // A regional sign-in with Chromium's cap of 6 connections per host: the wave spread over the region's documented
  // equivalent hosts (docs/sts.md#equivalent-endpoints-and-spreading-a-wave-over-them).
  const regional = parseAcsUrl('https://eu-west-1.signin.aws.amazon.com/saml')!;
  const capped = sdkTransport({
    requestHandler: new NodeHttpHandler({ httpsAgent: loopbackHttpsAgent(emulators.port, { keepAlive: true, maxSockets: 6 }) }),
  });
  const assumeRegional = async (role: (typeof twenty)[number], spread: number) => {
    const out = await assumeRoleWithSaml({ role, samlResponse: samlResponse20, durationSeconds: 3600, acs: regional, spread }, { transport: capped });
    if (!out.ok) throw new Error(`assume failed: ${out.error.code} ${out.error.message}`);
  };
  await mapWithConcurrency(twenty, ASSUME_CONCURRENCY, assumeRegional); // warm-up: connections to both hosts
  const regionalRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await mapWithConcurrency(twenty, ASSUME_CONCURRENCY, assumeRegional);
    regionalRuns.push(performance.now() - t);
  }
  record({
    name: 'assume 20 roles, regional, 6 conns/host ÷ one call',
    samples: regionalRuns.map((r) => r / one),
    unit: 'x',
    target: 2,
    note: stsEndpointsFor('aws', regional)
      .map((e) => new URL(e.url).host)
      .join(' + '),
  });

  // ── the real extension in Chromium ───────────────────────────────────────────
  ensureBrowsers({ packages: ['chromium'] });
  const ext = await launchWithExtension({ hostResolverRules: emulators.chromiumHostResolverRules });
  try {
    const page = await ext.context.newPage();
    emulators.sts.latencyMs = 0;
    await signInToMyApps(page, 'dave@contoso.com');
    await openAwsTile(page, 'AWS');
    await waitForCapturedRoles(ext, 300);
    emulators.sts.latencyMs = 150;
    const popup = await openPopup(ext);
    const roles = dave.slice(0, 20);
    for (const role of roles) await popup.tick(role.roleArn);
    const inBrowser: number[] = [];
    const selectors = roles.map((r) => POPUP.result(r.roleArn));
    let previousKeys = roles.map(() => '');
    for (let i = 0; i < RUNS; i++) {
      const before = emulators.sts.issued.length;
      // Timed in the page (no round trips to the test): from the click until every result is `ok` without the
      // previous round's key id.
      await popup.page.evaluate(`window.__shown = ${shownProbe(selectors, previousKeys)}; 0`);
      await popup.pressAssume();
      inBrowser.push(await popup.page.evaluate(() => (window as unknown as { __shown: Promise<number> }).__shown));
      const issued = emulators.sts.issued.slice(before);
      previousKeys = roles.map((r) => issued.find((c) => c.roleArn === r.roleArn)?.accessKeyId ?? '');
      // The page shows what STS issued in this round.
      for (const [j, role] of roles.entries()) await popup.result(role.roleArn).getByText(previousKeys[j]!).waitFor({ timeout: 30_000 });
    }
    record({
      name: 'assume 20 roles (Chromium, extension) ÷ one call',
      samples: inBrowser.map((ms) => ms / one),
      unit: 'x',
      target: 4,
      note: `${median(inBrowser).toFixed(0)} ms click → all shown; Chromium opens ≤ 6 HTTP/1.1 connections per host`,
    });
  } finally {
    await ext.close();
  }
}

/**
 * A promise (as page script text) of the ms from the next click until every element of `selectors` has
 * data-status="ok" and no longer shows its entry of `oldKeys`.
 */
const shownProbe = (selectors: readonly string[], oldKeys: readonly string[]) => `new Promise((resolve) => {
  const selectors = ${JSON.stringify(selectors)};
  const oldKeys = ${JSON.stringify(oldKeys)};
  let clickedAt;
  document.addEventListener('click', () => (clickedAt = performance.now()), { capture: true, once: true });
  const done = () => selectors.every((s, i) => {
    const e = document.querySelector(s);
    return e && e.getAttribute('data-status') === 'ok' && (!oldKeys[i] || !e.textContent.includes(oldKeys[i]));
  });
  const observer = new MutationObserver(() => {
    if (clickedAt !== undefined && done()) { observer.disconnect(); resolve(performance.now() - clickedAt); }
  });
  observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
})`;

/** Role rows the popup has room for (600 px high): what a user sees first. */
const FIRST_SCREEN_ROWS = 15;

/**
 * Sets window.__first and window.__all to promises of performance.now() (ms since the navigation started) at the
 * moment the first screen of role rows, and then all `count` rows, are in the page, a frame with them was painted
 * and the main thread got free again (a task after the frame): when a click on a row would be handled.
 */
const interactiveProbe = (count: number) => `
(() => {
  const rows = () => document.querySelectorAll(${JSON.stringify(POPUP.roleRows)}).length;
  const when = (n) => new Promise((resolve) => {
    const settle = () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
    const observer = new MutationObserver(() => { if (rows() >= n) { observer.disconnect(); settle(); } });
    observer.observe(document, { childList: true, subtree: true });
  });
  window.__first = when(${Math.min(count, FIRST_SCREEN_ROWS)});
  window.__all = when(${count});
})();`;

/** Where a popup open's time went: ms since navigation start (Navigation Timing). */
interface OpenSteps {
  /** The page's HTML received. */
  html: number;
  /** The HTML parsed (domInteractive): the module, fetched meanwhile, runs next. Extension files have no Resource Timing. */
  parsed: number;
  /** DOMContentLoaded: the module has run (it starts the storage reads) and the page is parsed. */
  ran: number;
}

/** Opens the popup in a new tab; ms from navigation start until its first screen of rows, and all `count`, are interactive. */
async function timePopupOpen(ext: ExtensionBrowser, count: number): Promise<{ first: number; all: number; steps: OpenSteps }> {
  const page = await ext.context.newPage();
  try {
    // A plain-text script: tsx would decorate a function's inner helpers with names the page lacks.
    await page.addInitScript(interactiveProbe(count));
    await page.goto(extensionPageUrl(ext, 'popup.html'));
    return await page.evaluate(async () => {
      const w = window as unknown as { __first: Promise<number>; __all: Promise<number> };
      const [first, all] = [await w.__first, await w.__all];
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { first, all, steps: { html: nav.responseEnd, parsed: nav.domInteractive, ran: nav.domContentLoadedEventStart } };
    });
  } finally {
    await page.close();
  }
}

/** The empty extension page `withEmptyPage` adds: one module script, like the popup's, that only marks its run. */
const EMPTY_PAGE = 'bench-empty.html';

/**
 * A copy of the build at `dir` with an empty page added (the extension itself unchanged), so that the browser's
 * own cost of opening an extension page is measured in the same run as the popup.
 */
function withEmptyPage(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'aws-saml-bridge-bench-ext-'));
  cpSync(dir, copy, { recursive: true });
  writeFileSync(
    join(copy, EMPTY_PAGE),
    '<!doctype html><html lang="en"><head><meta charset="UTF-8"><script type="module" src="/bench-empty.js"></script></head><body></body></html>\n',
  );
  // Marked as the probe marks the popup's rows: a frame painted, then the main thread free.
  writeFileSync(join(copy, 'bench-empty.js'), 'requestAnimationFrame(() => setTimeout(() => (window.__ready = performance.now()), 0));\n');
  return copy;
}

/** The floor for an extension page: navigation → its module script has run, a frame painted, the thread free. */
async function timeEmptyPageOpen(ext: ExtensionBrowser): Promise<number> {
  const page = await ext.context.newPage();
  try {
    await page.goto(extensionPageUrl(ext, EMPTY_PAGE));
    await page.waitForFunction(() => (window as unknown as { __ready?: number }).__ready !== undefined);
    return await page.evaluate(() => (window as unknown as { __ready: number }).__ready);
  } finally {
    await page.close();
  }
}

/**
 * Records the wall-clock time of the first non-empty badge the background sets (the background's own call, wrapped
 * in its worker before the sign-in).
 */
async function watchBadge(ext: ExtensionBrowser): Promise<() => Promise<number>> {
  const worker = await ext.serviceWorker();
  await worker.evaluate(() => {
    const g = globalThis as unknown as { __badgeAt?: number };
    const action = (chrome as unknown as { action: { setBadgeText: (details: { text?: string }) => Promise<void> } }).action;
    const original = action.setBadgeText.bind(action);
    action.setBadgeText = (details) => {
      if (details.text && g.__badgeAt === undefined) g.__badgeAt = Date.now();
      return original(details);
    };
  });
  return async () => {
    for (let i = 0; i < 200; i++) {
      const at = await worker.evaluate(() => (globalThis as unknown as { __badgeAt?: number }).__badgeAt);
      if (at !== undefined) return at;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('badge benchmark: the badge was never set');
  };
}

/** Clicks the AWS tile; the POST's start (wall clock) and how long AWS's page took to answer it. */
async function postSignIn(page: Page): Promise<{ startedAt: number; answeredMs: number }> {
  const posted = page.waitForRequest((r) => isAcsPost(r.method(), r.url()));
  await openAwsTile(page, 'AWS');
  const request = await posted;
  await request.response();
  const timing = request.timing();
  return { startedAt: timing.startTime, answeredMs: timing.responseEnd };
}

/**
 * What a user meets on a browser where the extension is new: per run a fresh browser and profile (a cold service
 * worker: nothing parsed or compiled yet), the sign-in POST → badge, then the popup's first open, then warm opens.
 * With `--compare=DIR` (a chrome-mv3 build, e.g. of the commit before a change), the popup of that build is
 * measured too, each run right after this build's, so that before and after share the machine's state.
 */
async function benchFirstUse(emulators: Emulators): Promise<void> {
  emulators.sts.latencyMs = 0;
  const compare = process.argv.find((a) => a.startsWith('--compare='))?.slice('--compare='.length);
  const builds = [
    { label: '', dir: withEmptyPage(CHROME_BUILD) },
    ...(compare && runs('popup') ? [{ label: ' [compare]', dir: withEmptyPage(resolve(compare)) }] : []),
  ];
  try {
    for (const [user, roles] of [
      ['alice@contoso.com', alice],
      ['dave@contoso.com', dave],
    ] as const) {
      const badge: number[] = [];
      const answered: number[] = [];
      const byBuild = builds.map(() => ({
        first: [] as { first: number; all: number; steps: OpenSteps }[],
        warm: [] as { first: number; all: number }[],
        floor: [] as number[],
      }));
      for (let run = 0; run < RUNS; run++) {
        for (const [b, build] of builds.entries()) {
          const ext = await launchWithExtension({ hostResolverRules: emulators.chromiumHostResolverRules, extensionPath: build.dir });
          try {
            const page = await ext.context.newPage();
            await signInToMyApps(page, user);
            const badgeAt = await watchBadge(ext);
            const post = await postSignIn(page);
            if (b === 0) {
              badge.push((await badgeAt()) - post.startedAt);
              answered.push(post.answeredMs);
            }
            await waitForCapturedRoles(ext, roles.length);
            const times = byBuild[b]!;
            times.floor.push(await timeEmptyPageOpen(ext));
            times.first.push(await timePopupOpen(ext, roles.length));
            for (let i = 0; i < 3; i++) times.warm.push(await timePopupOpen(ext, roles.length));
          } finally {
            await ext.close();
          }
        }
      }
      const n = roles.length;
      console.log(`\n${n} roles (${user}), a fresh browser per run`);
      if (runs('badge')) {
        record({
          name: `sign-in POST → badge, ${n} roles, cold worker`,
          samples: badge,
          unit: 'ms',
          target: n > 100 ? 300 : 100,
          baseline: { name: "AWS page's answer", value: median(answered) },
        });
      }
      if (!runs('popup')) continue;
      for (const [b, build] of builds.entries()) {
        const { first, warm, floor } = byBuild[b]!;
        // The other build's figures are reported for comparison only: they never fail this bench.
        const target = (ms: number) => (b === 0 ? ms : undefined);
        const base = { name: 'an empty extension page', value: median(floor) };
        const shown = Math.min(n, FIRST_SCREEN_ROWS);
        for (const [when, times] of [
          ['first open', first],
          ['warm', warm],
        ] as const) {
          record({
            name: `popup → ${shown} of ${n} rows interactive, ${when}${build.label}`,
            samples: times.map((t) => t.first),
            unit: 'ms',
            target: target(150),
            baseline: base,
          });
          if (n > shown)
            record({
              name: `popup → all ${n} rows interactive, ${when}${build.label}`,
              samples: times.map((t) => t.all),
              unit: 'ms',
              target: target(300),
              baseline: base,
            });
        }
        const step = (pick: (s: OpenSteps) => number) => median(first.map((t) => pick(t.steps))).toFixed(0);
        console.log(
          `  first open${build.label}, medians from navigation start: HTML received ${step((s) => s.html)} ms, parsed ${step((s) => s.parsed)} ms, ` +
            `module run (DOMContentLoaded) ${step((s) => s.ran)} ms, ${shown} rows interactive ${median(first.map((t) => t.first)).toFixed(0)} ms; ` +
            `an empty extension page ready ${median(floor).toFixed(0)} ms`,
        );
      }
    }
  } finally {
    for (const build of builds) rmSync(build.dir, { recursive: true, force: true });
  }
}

/** The files an HTML page of the build loads before it runs: its scripts, their static imports, its styles. */
function pageFiles(html: string): string[] {
  const seen = new Set<string>([html]);
  const visit = (file: string) => {
    const text = readFileSync(file, 'utf8');
    const refs = file.endsWith('.html')
      ? [...text.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => join(CHROME_BUILD, m[1]!))
      : [...text.matchAll(/(?:^|[;}\s])import\s*(?:[\w$*{},\s]+from\s*)?["']([^"']+\.js)["']/g)].map((m) => join(file, '..', m[1]!));
    for (const ref of refs) {
      if (seen.has(ref) || !existsSync(ref)) continue;
      seen.add(ref);
      if (ref.endsWith('.js')) visit(ref);
    }
  };
  visit(html);
  return [...seen];
}

function benchSizes(): void {
  const gz = (file: string) => gzipSync(readFileSync(file)).length / 1024;
  const sum = (files: readonly string[]) => files.reduce((n, f) => n + gz(f), 0);
  const everything = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? everything(join(dir, f)) : [join(dir, f)]));
  const popup = pageFiles(join(CHROME_BUILD, 'popup.html'));
  const lazy = everything(join(CHROME_BUILD, 'chunks')).filter((f) => !popup.includes(f) && !/\/options-/.test(f));
  const all = everything(CHROME_BUILD);
  const helper = all.filter((f) => f.includes('/helper/'));
  console.log(`\nsizes (gzip; each file on its own, as the zip holds them)`);
  record({
    name: 'popup before first paint (html + js + css)',
    samples: [sum(popup)],
    unit: 'KB',
    target: 30,
    strict: true,
    note: `${popup.map((f) => relative(CHROME_BUILD, f)).join(', ')}; ${sum(lazy).toFixed(1)} KB more loaded after it`,
  });
  record({
    name: 'background.js',
    samples: [gz(join(CHROME_BUILD, 'background.js'))],
    unit: 'KB',
    target: 90,
    strict: true,
    // docs/size.md: our code, the XML parser and the polyfill take ~68 KB; @aws-sdk/client-sts's runtime ~44 KB.
    limit: { value: 115, why: 'the AWS SDK alone is ~44 KB (docs/size.md)' },
  });
  record({ name: 'options page (html + js + css)', samples: [sum(pageFiles(join(CHROME_BUILD, 'options.html')))], unit: 'KB' });
  record({
    name: 'whole extension, without the helper',
    samples: [sum(all.filter((f) => !helper.includes(f)))],
    unit: 'KB',
    note: `the packaged credentials helper adds ${sum(helper).toFixed(1)} KB`,
  });
}

/** Milliseconds from the click on Save (recorded in the page) until the file holds `accessKeyId`. */
async function clickToFile(popup: PlaywrightPopup, file: string, accessKeyId: string): Promise<number> {
  await popup.page.evaluate((save) => {
    const w = window as unknown as { __clickedAt?: number };
    delete w.__clickedAt;
    document.querySelector(save)?.addEventListener('click', () => (w.__clickedAt = Date.now()), { capture: true, once: true });
  }, POPUP.saveToFile);
  await popup.save();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (existsSync(file) && readFileSync(file, 'utf8').includes(accessKeyId)) {
      const writtenAt = Date.now();
      const clickedAt = await popup.page.evaluate(() => (window as unknown as { __clickedAt?: number }).__clickedAt);
      if (clickedAt === undefined) throw new Error('save benchmark: the click was not seen');
      return writtenAt - clickedAt;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error('save benchmark: the file never held the new keys');
}

async function benchSave(emulators: Emulators): Promise<void> {
  const hostDist = buildHost();
  const sandbox = makeSandbox();
  const ext = await launchWithExtension({
    hostResolverRules: emulators.chromiumHostResolverRules,
    userDataDir: sandbox.userDataDir,
    env: { HOME: sandbox.home },
  });
  try {
    installHostForChromium(hostDist, sandbox);
    const page = await ext.context.newPage();
    await signInToMyApps(page, 'alice@contoso.com');
    await openAwsTile(page, 'AWS');
    const [a, b] = rolesFor('alice@contoso.com', APP_IDS.aws);
    const popup = await openPopup(ext);
    await popup.hostStatus('ready').waitFor();
    for (const role of [a!, b!]) await popup.tick(role.roleArn);
    const warm: number[] = [];
    const cold: number[] = [];
    for (let i = 0; i < 2 * RUNS; i++) {
      // New keys each round (the host skips a write that changes nothing).
      const before = emulators.sts.issued.length;
      await popup.assumeButton().click();
      while (emulators.sts.issued.length < before + 2) await new Promise((r) => setTimeout(r, 5));
      await popup.results('ok').nth(1).waitFor();
      const newest = emulators.sts.issued.at(-1)!;
      await popup.result(newest.roleArn).getByText(newest.accessKeyId).waitFor();
      const isCold = i % 2 === 1;
      // The background closes an idle port after 5 s; the next save starts the host process again.
      if (isCold) await new Promise((r) => setTimeout(r, 6_000));
      else await popup.page.evaluate(`chrome.runtime.sendMessage({ type: 'hostStatus', data: {} })`);
      (isCold ? cold : warm).push(await clickToFile(popup, sandbox.credentialsFile, newest.accessKeyId));
    }
    console.log('\nsave through the credentials helper');
    record({ name: 'save 2 profiles: click → file written, host running', samples: warm, unit: 'ms', target: 300 });
    record({
      name: 'save 2 profiles: click → file written, cold host',
      samples: cold,
      unit: 'ms',
      target: 300,
      baseline: { name: 'host running', value: median(warm) },
    });
  } finally {
    await ext.close();
    removeSandbox(sandbox);
    rmSync(hostDist, { recursive: true, force: true });
  }
}

/**
 * Always fresh, compressed: 60-second credentials (a renewal every ~30 s). Renewal cycle = the passive request
 * reaching the IdP (the alarm has just fired) → the credentials file rewritten with new keys; IdP requests per
 * cycle; user actions after the first sign-in; tile click → profiles saved with zero-click on.
 */
async function benchRenew(emulators: Emulators): Promise<void> {
  const hostDist = buildHost();
  const sandbox = makeSandbox();
  const ext = await launchWithExtension({
    hostResolverRules: emulators.chromiumHostResolverRules,
    userDataDir: sandbox.userDataDir,
    env: { HOME: sandbox.home },
    grantedOptionalHosts: idpHostPermissions(),
  });
  emulators.reset();
  emulators.sts.setLifetimeSeconds(60);
  try {
    installHostForChromium(hostDist, sandbox);
    const page = await ext.context.newPage();
    await signInToMyApps(page, 'alice@contoso.com');
    await openAwsTile(page, 'AWS');
    const role = rolesFor('alice@contoso.com', APP_IDS.aws)[0]!;
    const profile = profileNameOf(role);
    const popup = await openPopup(ext);
    await popup.hostStatus('ready').waitFor();
    await popup.assume([role.roleArn]); // the morning's one choice (auto-save is on: the helper answers)
    await popup.page.close();
    const wait = async (what: string, probe: () => boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!probe()) {
        if (Date.now() > deadline) throw new Error(`renew bench: timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await wait('the first save', () => savedKeyId(sandbox.credentialsFile, profile) !== undefined, 20_000);
    const passive = () => emulators.idp.samlRequests.filter((r) => r.passive);
    const cycles: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const before = passive().length;
      const key = savedKeyId(sandbox.credentialsFile, profile);
      await wait('a renewal request', () => passive().length > before, 60_000);
      const asked = passive()[before]!.at.getTime();
      await wait('the file rewritten', () => savedKeyId(sandbox.credentialsFile, profile) !== key, 30_000);
      cycles.push(Date.now() - asked);
    }
    const perCycle = passive().length / RUNS;
    // Zero-click: the tile alone (no popup) until the profile is saved with new keys.
    const zeroClick: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto('https://myapplications.microsoft.com/');
      const key = savedKeyId(sandbox.credentialsFile, profile);
      const t = Date.now();
      await page.getByRole('link', { name: 'AWS', exact: true }).click();
      await wait('the zero-click save', () => savedKeyId(sandbox.credentialsFile, profile) !== key, 30_000);
      zeroClick.push(Date.now() - t);
    }
    console.log('\nalways fresh (60-second credentials; the real helper writes the file)');
    record({ name: 'renewal: IdP request → file rewritten', samples: cycles, unit: 'ms', target: 1500 });
    record({
      name: 'IdP requests per renewal cycle',
      samples: [perCycle],
      unit: 'x',
      target: 1,
      note: `1-hour credentials: ${(2 * perCycle).toFixed(0)} per source per hour (budget 12)`,
    });
    record({ name: 'user actions after the first sign-in', samples: [0], unit: 'x', target: 0, note: 'renewals and the zero-click sign-in ran with no popup' });
    record({ name: 'zero-click: tile click → profile saved', samples: zeroClick, unit: 'ms', target: 3000 });
  } finally {
    await ext.close();
    removeSandbox(sandbox);
    rmSync(hostDist, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
