// The layer rules: imports point one way (ARCHITECTURE.md). Shared by eslint.config.js and the unit test that
// proves each rule refuses what it should (tests/unit/layers.test.ts).

/** Browser-bound modules of lib/: the only ones that may import the browser API. */
export const BROWSER_BOUND_LIB = ['lib/background/**', 'lib/browser/**'];

/** Import patterns for a layer that must not reach upwards or into another program. */
const noUpwards = (...layers) =>
  layers.flatMap((layer) => [
    { group: [`@/${layer}`, `@/${layer}/**`, `**/${layer}/**`], message: `This layer must not import ${layer}/ (see ARCHITECTURE.md).` },
  ]);

const browserApi = [
  {
    group: ['wxt/browser', 'wxt/storage', 'wxt/utils/*', 'webextension-polyfill'],
    message: 'Pure lib/ code must not touch browser APIs: put this in lib/browser/ or lib/background/.',
  },
];

/** ESLint flat-config objects, one per layer. */
export const layerRules = [
  // Layer rules. Pure lib: no browser API, nothing above it, not the host program.
  {
    files: ['lib/**/*.ts'],
    ignores: BROWSER_BOUND_LIB,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...browserApi,
            ...noUpwards('components', 'entrypoints', 'native-host', 'tests', 'scripts'),
            { group: ['**/background/*', '**/browser/*'], message: 'Pure lib/ code must not import browser-bound modules.' },
          ],
        },
      ],
    },
  },
  {
    files: BROWSER_BOUND_LIB,
    rules: { 'no-restricted-imports': ['error', { patterns: noUpwards('components', 'entrypoints', 'native-host', 'tests', 'scripts') }] },
  },
  // Components: lib only (never entrypoints or the host program).
  { files: ['components/**'], rules: { 'no-restricted-imports': ['error', { patterns: noUpwards('entrypoints', 'native-host', 'tests', 'scripts') }] } },
  // The host is a Node program: it may use lib/ (pure code) and nothing of the extension's UI or browser code.
  {
    files: ['native-host/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...browserApi,
            ...noUpwards('components', 'entrypoints', 'tests', 'scripts'),
            { group: ['**/background/*', '**/browser/*'], message: 'The host must not import browser-bound modules.' },
          ],
        },
      ],
    },
  },
  // Scripts (bench, demo, build) run under plain Node: browser-bound modules would throw at import there.
  {
    files: ['scripts/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/lib/background/*', '**/lib/browser/*'], message: 'Scripts run under Node: import pure lib/ modules only.' }] },
      ],
    },
  },
];
