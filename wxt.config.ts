import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { acsHostPermissions, stsHostPermissions } from './lib/partitions';
import { CHROME_PUBLIC_KEY, GECKO_ID } from './lib/extension-ids';

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

// See https://wxt.dev/api/config.html
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  manifestVersion: 3,
  vite: () => ({
    plugins: [sdkXmlParserWithoutDom(), preact({ devtoolsInProd: false, prefreshEnabled: false })],
    build: { sourcemap: false },
  }),
  manifest: ({ browser }) => ({
    name: 'AWS SAML Bridge',
    description:
      'Turns your Microsoft Entra ID (or other SAML) sign-in to AWS into temporary AWS CLI credentials.',
    ...(browser === 'firefox' ? {} : { key: CHROME_PUBLIC_KEY, minimum_chrome_version: '116' }),
    // storage: storage.session holds captures and credentials in memory only.
    // webRequest: observe (never block) the browser's own SAML POST to the AWS sign-in page.
    // alarms: forget assertions and credentials the moment they can no longer be used.
    // nativeMessaging: talk to the credentials helper (`aws-saml-bridge install-host`), which writes
    // ~/.aws/credentials; the helper itself accepts only this extension's id.
    permissions: ['storage', 'webRequest', 'alarms', 'nativeMessaging'],
    host_permissions: [...acsHostPermissions(), ...stsHostPermissions()],
    action: { default_title: 'AWS SAML Bridge' },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: GECKO_ID,
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
