// Makes sure Debian's Chromium (and Firefox ESR, for the Firefox suite) are installed; test tools never
// download browsers of their own. Installs them with apt-get when running as root, else says what to run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BROWSER_PACKAGES, type BrowserPackage } from '../tests/support/paths';

export function ensureBrowsers({ packages = ['chromium'] }: { packages?: BrowserPackage[] } = {}): void {
  const missing = packages.filter((p) => !existsSync(BROWSER_PACKAGES[p]));
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`Missing browser(s): ${missing.join(', ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  console.log(`Installing ${missing.join(', ')} from Debian's packages…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const asked = process.argv.slice(2) as BrowserPackage[];
  ensureBrowsers({ packages: asked.length ? asked : ['chromium'] });
}
