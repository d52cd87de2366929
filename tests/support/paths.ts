/**
 * Where the browsers the tests drive are, and where the builds they load are. Debian's packages by default (tests
 * never download a browser), each overridable from the environment.
 */
import { resolve } from 'node:path';

/** Debian's Chromium (`apt-get install chromium`); `CHROMIUM_PATH` overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Debian's Firefox ESR (`apt-get install firefox-esr`); `FIREFOX_PATH` overrides. */
export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** The Chrome (MV3) build `wxt build -b chrome --mv3` writes. */
export const CHROME_BUILD = resolve('.output/chrome-mv3');
/** The Firefox (MV3) build `wxt build -b firefox --mv3` writes; `FIREFOX_BUILD` overrides. */
export const FIREFOX_BUILD = resolve(process.env.FIREFOX_BUILD ?? '.output/firefox-mv3');

/** The Debian package of each browser, and where it puts the executable the tests start. */
export const BROWSER_PACKAGES = { chromium: CHROMIUM, 'firefox-esr': FIREFOX } as const;
export type BrowserPackage = keyof typeof BROWSER_PACKAGES;
