// What each page's bundle may not contain: the XML parser and the AWS SDK belong to the background only (the popup
// and options pages must open fast and stay small; the content script runs on AWS's page). A module graph check with
// esbuild, so a new import that drags them in fails here, not only in `npm run bench`'s size figures.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

async function packagesIn(entry: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    alias: { '@': process.cwd() },
    external: ['wxt/*', 'webextension-polyfill'],
    loader: { '.css': 'empty' },
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
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
