// `node scripts/build-host.mjs [--outdir dir]`: bundles the native-messaging host and its CLI into two plain ESM
// files that need nothing but Node ≥ 20 (no node_modules, no tsx), so the host starts fast wherever it is copied:
//   native-host/main.ts → <outdir>/aws-saml-bridge-host.mjs   (what browsers start, through the installed launcher)
//   native-host/cli.ts  → <outdir>/aws-saml-bridge.mjs        (the `aws-saml-bridge` command: install-host, doctor…)
import { chmod, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: join(root, 'dist-host') } } });
const outdir = resolve(values.outdir);
const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));

const entries = [
  ['native-host/main.ts', 'aws-saml-bridge-host.mjs'],
  ['native-host/cli.ts', 'aws-saml-bridge.mjs'],
];
for (const [entry, out] of entries) {
  const outfile = join(outdir, out);
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
    define: { __AWS_SAML_BRIDGE_VERSION__: JSON.stringify(version) },
    // A CommonJS dependency bundled into the ESM output would call require() for Node built-ins: give it one.
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  });
  await chmod(outfile, 0o755);
}
console.log(`built ${entries.map(([, out]) => join(outdir, out)).join(', ')}`);
