// The import-boundary rules (eslint-layers.js) refuse what they should and allow the rest: the layer rules are
// only worth having if a wrong import really fails `npm test`.
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layerRules } from '../../eslint-layers.js';

const eslint = new ESLint({
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser } }, ...layerRules],
});

async function refused(file: string, specifier: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import { x } from '${specifier}';\nexport const y = x;\n`, { filePath: file });
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

describe('layer rules', () => {
  it.each([
    ['lib/sts.ts', 'wxt/browser'],
    ['lib/sts.ts', 'webextension-polyfill'],
    ['lib/sts.ts', './browser/session-store'],
    ['lib/sts.ts', './background/expiry'],
    ['lib/sts.ts', '../components/App'],
    ['lib/sts.ts', '@/components/App'],
    ['lib/sts.ts', '../native-host/cli'],
    ['lib/sts.ts', '../entrypoints/popup/main'],
    ['lib/browser/session-store.ts', '../../components/App'],
    ['lib/background/expiry.ts', '../../native-host/credentials-store'],
    ['native-host/cli.ts', 'wxt/browser'],
    ['native-host/cli.ts', '../lib/browser/messages'],
    ['native-host/cli.ts', '../lib/background/expiry'],
    ['native-host/cli.ts', '../components/App'],
    ['components/App.tsx', '../entrypoints/popup/main'],
    ['components/App.tsx', '../native-host/cli'],
    ['scripts/bench.ts', '../lib/background/assume-roles'],
    ['scripts/demo.ts', '../lib/browser/storage'],
  ])('%s may not import %s', async (file, specifier) => {
    expect(await refused(file, specifier)).toBe(true);
  });

  it.each([
    ['lib/sts.ts', './partitions'],
    ['lib/sts.ts', '@aws-sdk/client-sts'],
    ['lib/browser/session-store.ts', 'wxt/browser'],
    ['lib/browser/session-store.ts', '../capture'],
    ['lib/background/expiry.ts', '../browser/session-store'],
    ['native-host/cli.ts', '../lib/credentials-file'],
    ['native-host/cli.ts', '../lib/host-protocol'],
    ['components/App.tsx', '../lib/browser/messages'],
    ['components/App.tsx', 'wxt/browser'],
    ['entrypoints/background.ts', '@/lib/background/listeners'],
    ['scripts/bench.ts', '../lib/sts'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await refused(file, specifier)).toBe(false);
  });
});
