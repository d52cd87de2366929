// `npm run zip` (through tsx): the store packages. Builds production Chrome and Firefox (MV3) into .output/store/
// (so a build in .output/chrome-mv3 or .output/firefox-mv3 that tests or a browser are using is left alone) and
// zips them with WXT: the Chrome Web Store zip, the AMO zip and, for AMO's reviewers, the sources zip.
// Then it reads the zips back and fails on anything that must not ship: dependencies, build output, test
// artefacts, key-like files. It prints each file's name and size.
//
// `npm run zip -- --verify-sources` also unpacks the sources zip into a temporary folder, runs the README's
// commands there (`npm ci`, then the Firefox build) and checks that the result equals the AMO zip byte for byte,
// which is what an AMO reviewer does. It needs the npm registry.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { zip } from 'wxt';
import { HELPER_PACKAGE_PATH } from '../lib/helper-install';

const OUT_DIR = '.output/store';

interface ZipEntry {
  name: string;
  read(): Buffer;
}

/** Lists a zip's entries from its central directory (what WXT writes: stored or deflated, no zip64). */
function readZip(path: string): ZipEntry[] {
  const buf = readFileSync(path);
  const EOCD = 0x06054b50;
  let eocd = -1;
  // The end record sits in the last 22 bytes plus at most a 64 KiB comment.
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${path}: not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${path}: broken central directory`);
    const method = buf.readUInt16LE(at + 10);
    const compressedSize = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const localHeader = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    entries.push({
      name,
      read() {
        const dataStart = localHeader + 30 + buf.readUInt16LE(localHeader + 26) + buf.readUInt16LE(localHeader + 28);
        const data = buf.subarray(dataStart, dataStart + compressedSize);
        if (method === 0) return Buffer.from(data);
        if (method === 8) return inflateRawSync(data);
        throw new Error(`${path}: ${name} uses compression method ${method}`);
      },
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Paths that must never be in a package: dependencies, build output, run artefacts, secrets. */
const FORBIDDEN: [RegExp, string][] = [
  [/(^|\/)node_modules\//, 'dependencies'],
  [/(^|\/)\.output\//, 'build output'],
  [/^(test-results|playwright-report|demo-output|dist-host)\//, 'run artefacts'],
  [/(^|\/)\.(git|wxt|env[^/]*)(\/|$)/, 'dot-files'],
  [/\.(pem|key|p12|zip|xpi|crx)$/i, 'key-like or archive file'],
];

function checkForbidden(zipName: string, names: string[]): string[] {
  return names.flatMap((n) => FORBIDDEN.filter(([re]) => re.test(n)).map(([, why]) => `${zipName}: ${n} (${why})`));
}

function expectEntries(zipName: string, names: string[], required: string[]): string[] {
  return required.filter((r) => !names.includes(r)).map((r) => `${zipName}: ${r} is missing`);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/**
 * The environment of a fresh shell: without what `npm run` adds (npm_* settings and this checkout's
 * node_modules/.bin on PATH, which would make the unpacked sources use this checkout's tools) and without the
 * NODE_ENV=production that WXT's build leaves in this process (npm ci would then skip the dev dependencies).
 */
function outsideEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD' && k !== 'NODE_ENV'));
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((p) => !p.includes('node_modules'))
    .join(':');
  return env;
}

/** Unpacks the sources zip, runs `npm ci` and the Firefox build there, and compares with the AMO zip. */
function verifySources(sourcesZip: string, amoZip: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'aws-saml-bridge-sources-'));
  try {
    for (const e of readZip(sourcesZip)) {
      const target = join(dir, e.name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, e.read());
    }
    for (const [cmd, args] of <[string, string[]][]>[
      ['npm', ['ci', '--no-audit', '--no-fund']],
      ['npm', ['run', 'build:firefox']],
    ]) {
      console.log(`\n▶ (sources) ${cmd} ${args.join(' ')}`);
      const r = spawnSync(cmd, args, { cwd: dir, env: outsideEnv(), stdio: 'inherit', timeout: 10 * 60_000 });
      if (r.status !== 0) return [`sources: \`${cmd} ${args.join(' ')}\` failed in ${dir}`];
    }
    const built = join(dir, '.output/firefox-mv3');
    const listFiles = (root: string): string[] =>
      readdirSync(root, { recursive: true, encoding: 'utf8' })
        .filter((f) => statSync(join(root, f)).isFile())
        .map((f) => f.replaceAll('\\', '/'));
    const amo = new Map(readZip(amoZip).map((e) => [e.name, e]));
    const rebuilt = listFiles(built).sort();
    const problems: string[] = [];
    for (const f of rebuilt) {
      const shipped = amo.get(f);
      if (!shipped) problems.push(`sources: the rebuild has ${f}, the AMO zip does not`);
      else if (!shipped.read().equals(readFileSync(join(built, f)))) problems.push(`sources: ${f} differs from the AMO zip`);
    }
    for (const f of amo.keys()) if (!rebuilt.includes(f)) problems.push(`sources: the AMO zip has ${f}, the rebuild does not`);
    if (problems.length === 0) console.log(`\nThe sources rebuild to the AMO zip byte for byte (${rebuilt.length} files).`);
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const verify = process.argv.includes('--verify-sources');
  const made: string[] = [];
  // One browser at a time: each call builds, then zips (Firefox also gets the sources zip).
  made.push(
    ...(await zip({
      browser: 'chrome',
      manifestVersion: 3,
      mode: 'production',
      outDir: OUT_DIR,
      // The manifest's `key` pins the id of unpacked installs (native messaging names it). The Web Store refuses
      // an upload whose key is not the item's own ("key field is not allowed in manifest") and signs with its own
      // key, so the store package goes without it.
      hooks: {
        'build:manifestGenerated': (_wxt, manifest) => {
          delete (manifest as { key?: string }).key;
        },
      },
    })),
  );
  made.push(...(await zip({ browser: 'firefox', manifestVersion: 3, mode: 'production', outDir: OUT_DIR })));
  const chromeZip = made.find((f) => f.endsWith('-chrome.zip'));
  const amoZip = made.find((f) => f.endsWith('-firefox.zip'));
  const sourcesZip = made.find((f) => f.endsWith('-sources.zip'));
  if (!chromeZip || !amoZip || !sourcesZip) throw new Error(`expected a chrome, a firefox and a sources zip, got: ${made.join(', ')}`);

  const problems: string[] = [];
  const names = (p: string) => readZip(p).map((e) => e.name);
  for (const [zipPath, required] of <[string, string[]][]>[
    [chromeZip, ['manifest.json', 'background.js', 'popup.html', HELPER_PACKAGE_PATH]],
    [amoZip, ['manifest.json', 'background.js', 'popup.html', HELPER_PACKAGE_PATH]],
    [
      sourcesZip,
      // The build makes the helper from its sources (wxt.config.ts): they must be there for the reviewers' rebuild.
      [
        'package.json',
        'package-lock.json',
        'README.md',
        'tsconfig.json',
        'wxt.config.ts',
        'entrypoints/background.ts',
        'lib/partitions.ts',
        'scripts/build-host.mjs',
        'native-host/cli.ts',
        'native-host/main.ts',
      ],
    ],
  ]) {
    const entries = names(zipPath);
    problems.push(...checkForbidden(basename(zipPath), entries), ...expectEntries(basename(zipPath), entries, required));
  }
  const manifestOf = (p: string) =>
    JSON.parse(
      readZip(p)
        .find((e) => e.name === 'manifest.json')!
        .read()
        .toString('utf8'),
    ) as Record<string, unknown>;
  if (!('browser_specific_settings' in manifestOf(amoZip))) problems.push('AMO zip: manifest has no browser_specific_settings.gecko.id');
  if ('key' in manifestOf(chromeZip)) problems.push('Chrome Web Store zip: manifest still has `key`');
  if (verify) problems.push(...verifySources(sourcesZip, amoZip));

  console.log('\nStore packages:');
  for (const [label, p] of [
    ['Chrome Web Store', chromeZip],
    ['AMO (Firefox)', amoZip],
    ['AMO sources', sourcesZip],
  ] as const) {
    console.log(`  ${label.padEnd(17)} ${relative(process.cwd(), resolve(p))}  ${kib(statSync(p).size)}  (${names(p).length} files)`);
  }
  if (problems.length > 0) {
    console.error(`\n${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
