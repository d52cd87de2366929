// ESLint (flat config): type-aware TypeScript rules, the hooks rules (they hold for Preact), and the layer rules
// that keep the import graph pointing one way (ARCHITECTURE.md). Runs in `npm test`.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layerRules } from './eslint-layers.js';

export default tseslint.config(
  { ignores: ['.output/**', '.wxt/**', 'node_modules/**', 'dist-host/**', 'test-results/**', 'playwright-report/**', 'demo-output/**', 'stats.html'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      // Matching control characters is the point where it is used (file formats, hostile input).
      'no-control-regex': 'off',
    },
  },
  // The hooks rules (they hold for Preact) where hooks live: the UI.
  {
    files: ['components/**/*.{ts,tsx}', 'entrypoints/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  // Playwright fixtures take `{}` when they need no other fixture.
  { files: ['tests/**'], rules: { 'no-empty-pattern': 'off' } },
  // WXT's auto-imports (defineBackground, defineContentScript…) are globals in entrypoints.
  { files: ['entrypoints/**'], languageOptions: { globals: { defineBackground: 'readonly', defineContentScript: 'readonly' } } },
  ...layerRules,
);
