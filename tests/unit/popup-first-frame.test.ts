/**
 * What the popup's first render leaves for later (rendered with Preact into a linkedom document, the browser faked):
 * the footer's expiry preview, whose clock is the page's first Intl.DateTimeFormat (10–20 ms), comes a task after the
 * first frame, the same text as before; the role list's Intl.Collator is made when names are first compared, not
 * when the module loads (before the popup's storage reads start).
 */
import { parseHTML } from 'linkedom';
import { h, render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_SETTINGS } from '@/lib/settings';
import { storedCapture } from '../support/stored-capture';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));

const ADMIN = { roleArn: 'arn:aws:iam::111111111111:role/Admin', providerArn: 'arn:aws:iam::111111111111:saml-provider/EntraID' };
const GOV = { roleArn: 'arn:aws-us-gov:iam::333333333333:role/GovAdmin', providerArn: 'arn:aws-us-gov:iam::333333333333:saml-provider/Okta' };

let root: HTMLElement;
beforeEach(() => {
  fakeBrowser.reset();
  const { document } = parseHTML('<!doctype html><html><body><div id="app"></div></body></html>') as unknown as { document: Document };
  (globalThis as { document?: unknown }).document = document;
  root = document.getElementById('app')!;
  // The delivery panel (loaded after the first frame) asks for the platform.
  vi.stubGlobal('navigator', { platform: 'Linux x86_64' });
});
afterEach(() => {
  render(null, root);
  delete (globalThis as { document?: unknown }).document;
  vi.unstubAllGlobals();
  for (const restore of restores.splice(0)) restore();
});

const restores: (() => void)[] = [];
/** Counts `new Intl[name](…)` from now until `restore` or the test's end (a spy would not construct). */
function countMade(name: 'DateTimeFormat' | 'Collator') {
  const original = Intl[name];
  let made = 0;
  const counting = new Proxy(original, {
    construct(target, args: unknown[], newTarget: new (...a: unknown[]) => object) {
      made++;
      return Reflect.construct(target, args, newTarget) as object;
    },
  });
  Object.defineProperty(Intl, name, { value: counting, configurable: true, writable: true });
  const restore = () => void Object.defineProperty(Intl, name, { value: original, configurable: true, writable: true });
  restores.push(restore);
  return { made: () => made, restore };
}

/** Preact runs effects after the next frame (a 100 ms timer without requestAnimationFrame). */
const settle = async () => {
  await new Promise((r) => setTimeout(r, 150));
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
};

describe('the footer’s expiry preview', () => {
  it.each([
    ['an Entra sign-in, 1 hour', storedCapture('entra', [ADMIN]), 3600, false],
    ['an Okta GovCloud sign-in, the longest allowed, roles with their own duration', storedCapture('okta', [GOV]), 'max' as const, true],
  ])('%s: not in the first render (no Intl.DateTimeFormat made), then the same text as before', async (_, capture, duration, ownDurations) => {
    const { Footer } = await import('@/components/popup/Footer');
    const { expiryPreviewText } = await import('@/components/view-model');
    const formats = countMade('DateTimeFormat');
    const props = { captures: [capture], outcomes: {}, saveProblem: undefined, settings: DEFAULT_SETTINGS, count: 1, busy: false };
    render(h(Footer, { ...props, onAssume: () => undefined, duration, onDuration: () => undefined, ownDurations }), root);
    const preview = () => root.querySelector('[data-testid="expiry-preview"]')?.textContent;
    expect(preview()).toBe('\u00a0');
    expect(formats.made()).toBe(0);
    await settle();
    formats.restore();
    expect(preview()).toBe(expiryPreviewText(duration, capture.summary.sessionDuration, Date.now(), ownDurations));
    expect(preview()).toMatch(/^Credentials last .+, until about \d/);
    expect(formats.made()).toBeGreaterThan(0);
  });
});

describe('the role list’s collator', () => {
  it('is made on the first comparison, not when the module loads, and only once', async () => {
    vi.resetModules();
    const collators = countMade('Collator');
    const { compareNames, groupByAccount } = await import('@/components/view-model');
    const capture = storedCapture('entra', [ADMIN, { ...ADMIN, roleArn: 'arn:aws:iam::111111111111:role/Auditor' }]);
    expect(collators.made()).toBe(0);
    expect(['Role10', 'role2', 'Admin'].sort(compareNames)).toEqual(['Admin', 'role2', 'Role10']);
    expect(groupByAccount(capture.id, capture.summary.roles)[0]!.rows.map((r) => r.role.roleName)).toEqual(['Admin', 'Auditor']);
    collators.restore();
    expect(collators.made()).toBe(1);
  });
});
