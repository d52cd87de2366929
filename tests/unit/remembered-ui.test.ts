/**
 * The options' "Remembered roles" and the popup's zero-click line, rendered with Preact into a linkedom document with
 * the browser faked: each source with its roles, duration and switch, Forget clearing its memory, the switch locked
 * by policy, and the quiet line only for the sign-in it is about.
 */
import { parseHTML } from 'linkedom';
import { h, render } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { OptionsContext } from '@/components/options/context';
import { defaultSettings, isLocked, withZeroClick, type Settings } from '@/lib/settings';
import { sourceKeyFor } from '@/lib/sign-in-source';
import { storedCapture } from '../support/stored-capture';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));

const { RememberedRolesSection } = await import('@/components/options/RememberedRolesSection');
const { ZeroClickLine } = await import('@/components/popup/ZeroClickLine');
const { readAllRemembered, rememberChoice } = await import('@/lib/browser/remembered-store');

const ADMIN = 'arn:aws:iam::111111111111:role/Admin';
const DEPLOYER = 'arn:aws:iam::222222222222:role/team/platform/Deployer';
const ENTRA = 'https://sts.windows.net/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/|https://signin.aws.amazon.com/saml|https://signin.aws.amazon.com/saml';
const OKTA = 'http://www.okta.com/exk1a2b3c4d5e6f7g8h9|urn:amazon:webservices|https://signin.aws.amazon.com/saml';

let root: HTMLElement;
let document: Document;
beforeEach(async () => {
  fakeBrowser.reset();
  ({ document } = parseHTML('<!doctype html><html><body><div id="app"></div></body></html>') as unknown as { document: Document });
  (globalThis as { document?: unknown }).document = document;
  root = document.getElementById('app')!;
  await rememberChoice(ENTRA, { roleArns: [ADMIN, DEPLOYER], durationSeconds: 7200, label: 'AWS · Microsoft Entra ID' }, 1_000);
  await rememberChoice(OKTA, { roleArns: [DEPLOYER], durationSeconds: 'max', label: 'AWS · Okta' }, 2_000);
});
afterEach(() => {
  render(null, root);
  delete (globalThis as { document?: unknown }).document;
});

/** Preact runs effects after the next frame (a 100 ms timer without requestAnimationFrame); storage answers after. */
const settle = async () => {
  await new Promise((r) => setTimeout(r, 150));
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};
/** Whether a rendered checkbox is ticked (linkedom keeps it as the attribute). */
const ticked = (input: HTMLElement) => input.hasAttribute('checked') || (input as HTMLInputElement).checked === true;
const disabled = (input: HTMLElement) => input.hasAttribute('disabled') || (input as HTMLInputElement).disabled === true;
const all = (testId: string) => [...root.querySelectorAll(`[data-testid="${testId}"]`)] as HTMLElement[];

function context(settings: Settings, locked: string[] = []): OptionsContext {
  const set = new Set(locked);
  return { settings, local: settings, isLocked: (path) => isLocked(set, path), learnt: {}, roles: [], save: vi.fn() };
}

describe('options: Remembered roles', () => {
  it('lists each source, newest first, with its roles, duration and switch; Forget clears that memory only', async () => {
    render(h(RememberedRolesSection, { ctx: context(defaultSettings()) }), root);
    await settle();
    const items = all('remembered-source');
    expect(items.map((li) => li.querySelector('strong')?.textContent)).toEqual(['AWS · Okta', 'AWS · Microsoft Entra ID']);
    expect(items[1]!.querySelector('[data-testid="remembered-roles"]')?.textContent).toBe('Admin (111111111111), Deployer (222222222222)');
    expect(items[1]!.textContent).toContain('for 2 h');
    expect(items[0]!.textContent).toContain('the longest each role allows');
    expect(all('remembered-auto-assume').map(ticked)).toEqual([true, true]);

    all('remembered-forget')[1]!.dispatchEvent(new (document.defaultView as unknown as typeof globalThis).Event('click'));
    await settle();
    expect(Object.keys(await readAllRemembered())).toEqual([OKTA]);
    expect(all('remembered-source')).toHaveLength(1);
  });

  it('locked by the organisation: every switch shows its value and cannot be changed', async () => {
    render(h(RememberedRolesSection, { ctx: context(withZeroClick(defaultSettings(), { autoAssume: false }), ['zeroClick.autoAssume']) }), root);
    await settle();
    const switches = [...all('auto-assume-default'), ...all('remembered-auto-assume')];
    expect(switches.map((s) => [ticked(s), disabled(s)])).toEqual([
      [false, true],
      [false, true],
      [false, true],
    ]);
    expect(all('locked-note')).toHaveLength(1);
  });
});

describe('popup: the zero-click line', () => {
  const capture = storedCapture('entra', [{ roleArn: ADMIN, providerArn: 'arn:aws:iam::111111111111:saml-provider/EntraID' }]);
  const source = { roleArns: [ADMIN], durationSeconds: 3600 as const, at: 1_000, label: '' };
  const run = {
    sourceKey: sourceKeyFor(capture),
    reason: 'sign-in' as const,
    at: capture.capturedAt + 1500,
    assumed: 1,
    failed: 0,
    saved: 1,
    savedAt: capture.capturedAt + 2000,
  };
  const line = (props: Partial<Parameters<typeof ZeroClickLine>[0]>) =>
    render(h(ZeroClickLine, { capture, sourceKey: sourceKeyFor(capture), source, run, globalOn: true, locked: false, ...props }), root);

  it.each([
    ['nothing remembered, no run', { source: undefined, run: undefined }, 0, 0],
    ['remembered, a run of this sign-in', {}, 1, 1],
    ['a run of an earlier sign-in from this source', { run: { ...run, at: capture.capturedAt - 60_000 } }, 1, 0],
  ])('%s', async (_title, props, switches, lines) => {
    line(props);
    await settle();
    expect(all('auto-assume')).toHaveLength(switches);
    expect(all('zero-click-run')).toHaveLength(lines);
  });

  it('the switch follows the source, and the organisation’s lock', async () => {
    line({ source: { ...source, autoAssume: false } });
    await settle();
    expect(ticked(all('auto-assume')[0]!)).toBe(false);
    line({ source: { ...source, autoAssume: false }, locked: true });
    await settle();
    const locked = all('auto-assume')[0]!;
    expect([ticked(locked), disabled(locked)]).toEqual([true, true]);
  });
});
