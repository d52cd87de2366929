// `node scripts/build-host.mjs [--outdir dir]`: bundles the native-messaging host and its CLI into plain ESM files
// that need nothing but Node ≥ 20 (no node_modules, no tsx), so the host starts fast wherever it is copied:
//   native-host/main.ts → <outdir>/aws-saml-bridge-host.mjs   (what browsers start, through the installed launcher)
//   native-host/cli.ts  → <outdir>/aws-saml-bridge.mjs        (the `aws-saml-bridge` command: install-host, doctor…)
// The CLI carries the host's text inside it, so the one file the extension ships (and the user downloads from the
// popup) is enough to install everything.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: join(root, 'dist-host') } } });
const outdir = resolve(values.outdir);
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Bundles one entry and returns its text. */
async function bundle(entry, define) {
  const result = await build({
    entryPoints: [join(root, entry)],
    write: false,
    outfile: 'out.mjs',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
    // The bundle's path comments are relative to this: the same bytes from any folder (the AMO sources rebuild).
    absWorkingDir: root,
    define: { __AWS_SAML_BRIDGE_VERSION__: JSON.stringify(version), ...define },
    // A CommonJS dependency bundled into the ESM output would call require() for Node built-ins: give it one.
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  });
  return result.outputFiles[0].text;
}

const host = await bundle('native-host/main.ts', {});
const cli = await bundle('native-host/cli.ts', { __AWS_SAML_BRIDGE_HOST_SCRIPT__: JSON.stringify(host) });
await mkdir(outdir, { recursive: true });
const written = [];
for (const [name, text] of [
  ['aws-saml-bridge-host.mjs', host],
  ['aws-saml-bridge.mjs', cli],
]) {
  const outfile = join(outdir, name);
  await writeFile(outfile, text);
  await chmod(outfile, 0o755);
  written.push(outfile);
}
console.log(`built ${written.join(', ')}`);
