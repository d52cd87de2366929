import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { acsHostPermissions, stsHostPermissions } from './lib/partitions';
import { CHROME_PUBLIC_KEY, GECKO_ID } from './lib/extension-ids';
import { HELPER_FILE_NAME, HELPER_PACKAGE_PATH } from './lib/helper-install';
import { idpHostPermissions } from './lib/renewal/entra-hosts';

/**
 * The AWS SDK's browser build parses XML with `DOMParser`, which a service worker does not have ("DOMParser is
 * not defined" on every STS answer). Its Node build ships a self-contained parser: use that one everywhere.
 */
function sdkXmlParserWithoutDom(): Plugin {
  const xmlBuilderDir = join(dirname(createRequire(import.meta.url).resolve('@aws-sdk/xml-builder/package.json')), 'dist-es');
  return {
    name: 'aws-sdk-xml-parser-without-dom',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === './xml-parser' && importer && dirname(importer) === xmlBuilderDir) return join(xmlBuilderDir, 'xml-parser.js');
      return null;
    },
  };
}

/** The module the SDK's event-stream loader gets instead of the real one: using it throws, loading it does not. */
export const NO_EVENT_STREAMS_ID = '\0aws-sdk-no-event-streams';

/**
 * The SDK loads its event-stream support with `import('@smithy/core/event-streams')`, only for operations with an
 * event-stream member; STS has none (tests/unit/background-build.test.ts checks its schemas). A module service worker
 * cannot load chunks, so the build inlines that import into background.js (~4 KB gzip of dead code): resolve this
 * one dynamic import to a stub that says why if it is ever reached. Static imports are left alone.
 */
export function sdkWithoutEventStreams(): Plugin {
  const why = 'AWS SDK event streams are left out of this build: STS has no event-stream operation';
  return {
    name: 'aws-sdk-without-event-streams',
    enforce: 'pre',
    resolveDynamicImport(specifier) {
      return specifier === '@smithy/core/event-streams' ? NO_EVENT_STREAMS_ID : null;
    },
    load(id) {
      if (id !== NO_EVENT_STREAMS_ID) return null;
      const no = `() => { throw new Error(${JSON.stringify(why)}); }`;
      return `export const eventStreamSerdeProvider = ${no};\nexport class EventStreamSerde { constructor() { (${no})(); } }\n`;
    },
  };
}

// See https://wxt.dev/api/config.html
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  manifestVersion: 3,
  // The AMO sources zip (made for Firefox only): WXT already leaves out node_modules, dot-folders (.output, .wxt,
  // .git, .env*) and *.test.* files; also leave out the test suites, run artefacts and anything key-like.
  // `npm run zip` checks the result (scripts/zip.ts).
  zip: {
    excludeSources: [
      'tests/**',
      'test-results/**',
      'playwright-report/**',
      'demo-output/**',
      'dist-host/**',
      'stats.html',
      'tmp/**',
      '**/*.pem',
      '**/*.key',
      '**/*.p12',
      '**/*.zip',
      '**/*.xpi',
      '**/*.crx',
    ],
  },
  hooks: {
    // The background (one file the service worker parses at every start) and the popup (what it loads before its
    // first paint has a budget) are minified with terser: ~4 % smaller gzip than the default esbuild minifier, for a
    // few seconds more per build. The options page keeps esbuild.
    'vite:build:extendConfig': (entrypoints, viteConfig) => {
      if (entrypoints.some((entrypoint) => entrypoint.type === 'background' || entrypoint.name === 'popup'))
        viteConfig.build = { ...viteConfig.build, minify: 'terser' };
    },
    // The popup is built on its own: built with the options page (WXT's default: all pages in one step), every
    // module both use lands in one shared chunk with the options' code in it, and the popup loads that before its
    // first paint.
    'entrypoints:grouped': (_wxt, groups) => {
      const pages = groups.find((g) => Array.isArray(g) && g.length > 1 && g.some((e) => e.name === 'popup'));
      if (Array.isArray(pages))
        groups.push(
          pages.splice(
            pages.findIndex((e) => e.name === 'popup'),
            1,
          ),
        );
    },
    // The credentials helper ships inside the extension, same version, for the popup's "Download the helper": built
    // here (not a separate step) so every build — tests, `npm run zip`, the AMO sources rebuild — carries it.
    'build:publicAssets': (wxt, files) => {
      const outdir = join(wxt.config.wxtDir, 'helper');
      const built = spawnSync(process.execPath, [join(wxt.config.root, 'scripts', 'build-host.mjs'), '--outdir', outdir], { encoding: 'utf8' });
      if (built.status !== 0) throw new Error(`building the credentials helper failed: ${built.stderr || String(built.error)}`);
      files.push({ absoluteSrc: join(outdir, HELPER_FILE_NAME), relativeDest: HELPER_PACKAGE_PATH });
    },
  },
  vite: () => ({
    plugins: [sdkXmlParserWithoutDom(), sdkWithoutEventStreams(), preact({ devtoolsInProd: false, prefreshEnabled: false })],
    build: { sourcemap: false },
  }),
  manifest: ({ browser }) => ({
    name: 'AWS SAML Bridge',
    description: 'Turns your Microsoft Entra ID (or other SAML) sign-in to AWS into temporary AWS CLI credentials.',
    // managed_schema: the policies an organisation may set (Firefox reads policies.json and needs no schema).
    ...(browser === 'firefox' ? {} : { key: CHROME_PUBLIC_KEY, minimum_chrome_version: '116', storage: { managed_schema: 'managed_schema.json' } }),
    // storage: storage.session holds captures and credentials in memory only.
    // webRequest: observe (never block) the browser's own SAML POST to the AWS sign-in page.
    // alarms: forget assertions and credentials the moment they can no longer be used.
    // nativeMessaging: talk to the credentials helper (`aws-saml-bridge install-host`), which writes
    // ~/.aws/credentials; the helper itself accepts only this extension's id.
    // notifications: a reminder shortly before credentials expire (profile names and times only; can be off).
    permissions: ['storage', 'webRequest', 'alarms', 'nativeMessaging', 'notifications'],
    // Never in private windows: a sign-in there would be captured into the same memory as the normal window's and
    // credentials would outlive the private session. (Chrome and Firefox both honour "not_allowed".)
    incognito: 'not_allowed',
    host_permissions: [...acsHostPermissions(), ...stsHostPermissions()],
    // Keep fresh: the Entra sign-in hosts, asked for only when the person switches "Keep fresh" on (lib/renewal/).
    // With them the background can send a passive sign-in request with the browser's own Entra session.
    optional_host_permissions: idpHostPermissions(),
    action: { default_title: 'AWS SAML Bridge' },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: GECKO_ID,
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['none'] },
            },
            // Firefox for Android reads data_collection_permissions from 142 on (desktop from 140); without this
            // floor AMO's linter warns that Android 140–141 would ignore it.
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {}),
  }),
});
