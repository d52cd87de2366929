/** The popup's error boundaries, rendered with Preact into a linkedom document (no browser needed). */
import { parseHTML } from 'linkedom';
import { h, render, type ComponentChildren } from 'preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokenEntryLine, ErrorBoundary } from '../../components/ErrorBoundary';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

let root: HTMLElement;
beforeEach(() => {
  const { document } = parseHTML('<!doctype html><html><body><div id="app"></div></body></html>');
  (globalThis as { document?: unknown }).document = document;
  root = document.getElementById('app') as unknown as HTMLElement;
});
afterEach(() => {
  render(null, root);
  delete (globalThis as { document?: unknown }).document;
});

/** Preact re-renders a boundary that caught an error on its next tick. */
const settle = () => new Promise((r) => setTimeout(r, 0));

/** A row that throws the way a stored value of an unexpected shape does, quoting the value. */
function Row({ value }: { value: unknown }) {
  if (typeof value !== 'string') throw new TypeError(`Cannot read properties of ${JSON.stringify(value)}`);
  return h('li', { 'data-testid': 'row' }, value);
}

function list(values: unknown[], onForget?: (i: number) => void): ComponentChildren {
  return h(
    'ul',
    null,
    values.map((value, i) =>
      h(
        ErrorBoundary,
        { key: i, resetKey: value, fallback: () => h('li', null, h(BrokenEntryLine, onForget ? { onForget: () => onForget(i) } : {})) },
        h(Row, { value }),
      ),
    ),
  );
}

describe('ErrorBoundary', () => {
  it('replaces only the row that threw by the fixed line; the other rows render', async () => {
    render(list(['Admin', { secretAccessKey: SECRET }, 'ReadOnly']), root);
    await settle();
    expect([...root.querySelectorAll('[data-testid="row"]')].map((r) => r.textContent)).toEqual(['Admin', 'ReadOnly']);
    expect(root.querySelectorAll('[data-testid="broken-entry"]')).toHaveLength(1);
    expect(root.textContent).toContain('This entry could not be shown.');
    expect(root.textContent).not.toContain(SECRET);
    expect(root.textContent).not.toContain('Cannot read');
  });

  it("offers Forget for the broken row's sign-in", async () => {
    const forgotten: number[] = [];
    render(
      list(['Admin', 42], (i) => forgotten.push(i)),
      root,
    );
    await settle();
    const button = root.querySelector<HTMLButtonElement>('[data-testid="forget-broken"]');
    expect(button?.textContent).toBe('Forget');
    button?.click();
    expect(forgotten).toEqual([1]);
  });

  it('renders the row again once its data is replaced', async () => {
    render(list(['Admin', 42]), root);
    await settle();
    render(list(['Admin', 'Billing']), root);
    await settle();
    expect([...root.querySelectorAll('[data-testid="row"]')].map((r) => r.textContent)).toEqual(['Admin', 'Billing']);
    expect(root.querySelector('[data-testid="broken-entry"]')).toBeNull();
  });

  it('retry renders the children again (after Forget everything)', async () => {
    let value: unknown = { broken: true };
    let retry: (() => void) | undefined;
    const app = () =>
      h(ErrorBoundary, {
        fallback: (r: () => void) => {
          retry = r;
          return h('p', { 'data-testid': 'popup-failed' }, 'The popup could not show');
        },
        children: h(() => h(Row, { value }), null),
      });
    render(app(), root);
    await settle();
    expect(root.querySelector('[data-testid="popup-failed"]')).not.toBeNull();
    value = 'empty';
    retry?.();
    await settle();
    expect(root.querySelector('[data-testid="popup-failed"]')).toBeNull();
    expect(root.querySelector('[data-testid="row"]')?.textContent).toBe('empty');
  });
});
