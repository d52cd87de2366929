// What each page's bundle may not contain: the XML parser and the AWS SDK belong to the background only (the popup
// and options pages must open fast and stay small; the content script runs on AWS's page). A module graph check with
// esbuild, so a new import that drags them in fails here, not only in `npm run bench`'s size figures.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** The modules of `entry`'s bundle; with `firstLoad`, only those loaded before it runs (dynamic imports are chunks of their own). */
async function packagesIn(entry: string, { firstLoad = false } = {}): Promise<Set<string>> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    ...(firstLoad ? { splitting: true, outdir: 'out', entryNames: 'entry' } : {}),
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    alias: { '@': process.cwd() },
    external: ['wxt/*', 'webextension-polyfill'],
    loader: { '.css': 'empty' },
    logLevel: 'silent',
  });
  const { outputs } = result.metafile;
  // The entry's output and the chunks it imports statically, transitively (not those behind `import()`).
  const loaded = new Set(['out/entry.js']);
  for (const file of loaded) for (const i of outputs[file]?.imports ?? []) if (i.kind === 'import-statement' && outputs[i.path]) loaded.add(i.path);
  const inputs = firstLoad ? [...loaded].flatMap((f) => Object.keys(outputs[f]!.inputs)) : Object.keys(result.metafile.inputs);
  return new Set(inputs.map((f) => (f.includes('node_modules/') ? f.split('node_modules/').pop()! : f)));
}

const BACKGROUND_ONLY = [/^fast-xml-parser\//, /^@aws-sdk\//, /^@smithy\//, /^lib\/saml-response\.ts$/, /^lib\/sts\.ts$/];

describe('page bundles leave out what only the background needs', () => {
  it.each(['entrypoints/popup/main.tsx', 'entrypoints/options/main.tsx', 'entrypoints/signin-page.content.ts'])('%s', async (entry) => {
    const inputs = [...(await packagesIn(entry))];
    expect(inputs.length).toBeGreaterThan(3);
    expect(inputs.filter((i) => BACKGROUND_ONLY.some((re) => re.test(i)))).toEqual([]);
  });

  // Silent renewal: what the popup and options may show (states, reasons, a pasted User access URL) stays parser-free.
  it.each(['lib/renewal/refresh-source.ts', 'lib/renewal/needs-user.ts', 'lib/renewal/source-state.ts'])('%s', async (entry) => {
    const inputs = [...(await packagesIn(entry))];
    expect(inputs).toContain(entry);
    expect(inputs.filter((i) => BACKGROUND_ONLY.some((re) => re.test(i)))).toEqual([]);
  });

  it('the background does carry them (the check sees real imports)', async () => {
    const inputs = [...(await packagesIn('entrypoints/background.ts'))];
    expect(inputs.some((i) => /^fast-xml-parser\//.test(i))).toBe(true);
    expect(inputs.some((i) => /^lib\/saml-response\.ts$/.test(i))).toBe(true);
  });
});

describe('the popup loads what its first paint does not need after it', () => {
  const LATER = [
    'components/DeliveryPanel.tsx',
    'components/RoleResult.tsx',
    'components/CopyButtons.tsx',
    'components/OpenConsoleButton.tsx',
    'components/HostPermissionBanner.tsx',
  ];

  it('the delivery panel, results and the host-permission banner are chunks of their own', async () => {
    const first = await packagesIn('entrypoints/popup/main.tsx', { firstLoad: true });
    expect(first.has('components/App.tsx')).toBe(true);
    expect(LATER.filter((f) => first.has(f))).toEqual([]);
    const all = await packagesIn('entrypoints/popup/main.tsx');
    expect(LATER.filter((f) => !all.has(f))).toEqual([]);
  });

  // The first paint checks profile names and lists copy formats by id: those live apart from the renderers. (The
  // credentials file module itself stays in esbuild's first load through lib/host-protocol.ts's name rules; the
  // build's tree-shaking leaves its reader and writer to the chunks that call them, as `npm run bench` sizes show.)
  it('the credentials file text and the copy renderers come with those chunks, not before the first paint', async () => {
    const renderers = ['lib/delivery-file.ts', 'lib/export-formats.ts'];
    const first = await packagesIn('entrypoints/popup/main.tsx', { firstLoad: true });
    expect(first.has('lib/export-format-ids.ts') && first.has('lib/profile-name.ts')).toBe(true);
    expect(renderers.filter((f) => first.has(f))).toEqual([]);
    const all = await packagesIn('entrypoints/popup/main.tsx');
    expect(renderers.filter((f) => !all.has(f))).toEqual([]);
  });

  // The popup paints from the background's copy of the validated settings (components/popup/use-popup-settings.ts):
  // reading and validating them, and writing them, come in a chunk of their own, only when that copy is missing or
  // the popup changes a setting. (A module sits in one chunk: one field rule used before the first paint would bring
  // every rule the parser uses into the first load.)
  it('the settings parser, the field rules, the policy and the settings writer are not loaded before the first paint', async () => {
    const validator = [
      'lib/settings/parse.ts',
      'lib/settings/fields.ts',
      'lib/settings/policy.ts',
      'lib/settings/migrations/index.ts',
      'lib/browser/settings-store.ts',
    ];
    const first = await packagesIn('entrypoints/popup/main.tsx', { firstLoad: true });
    expect(first.has('components/popup/use-popup-settings.ts')).toBe(true);
    expect(validator.filter((f) => first.has(f))).toEqual([]);
    const all = await packagesIn('entrypoints/popup/main.tsx');
    expect(validator.filter((f) => !all.has(f))).toEqual([]);
  });
});
