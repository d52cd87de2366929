/**
 * The popup's lazily loaded parts (components/lazy.ts): rendered with Preact into a linkedom document. An instance
 * mounted after the chunk arrived (a chained role's result next to its source's) must get its props like the first.
 */
import { parseHTML } from 'linkedom';
import { h, render } from 'preact';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { lazy } from '@/components/lazy';

let root: HTMLElement;
beforeEach(() => {
  const { document } = parseHTML('<!doctype html><html><body><div id="app"></div></body></html>') as unknown as { document: Document };
  (globalThis as { document?: unknown }).document = document;
  root = document.getElementById('app')!;
});
afterEach(() => {
  render(null, root);
  delete (globalThis as { document?: unknown }).document;
});

// Preact runs effects after the next frame, or after 100 ms where there are no frames (as here).
const settle = () => new Promise((r) => setTimeout(r, 250));

it('renders nothing until its chunk arrives, then the part with its props; later instances too', async () => {
  let loads = 0;
  const Label = lazy<{ text: string }>(() => {
    loads++;
    return Promise.resolve(({ text }: { text: string }) => h('span', { class: 'label' }, text));
  });
  render(h('div', null, h(Label, { text: 'first' })), root);
  expect(root.textContent).toBe('');
  await settle();
  expect(root.textContent).toBe('first');
  // A second instance, mounted once the component is loaded (its initial state must not call the component).
  render(h('div', null, h(Label, { text: 'first' }), h(Label, { text: 'second' })), root);
  await settle();
  expect([...root.querySelectorAll('.label')].map((e) => e.textContent)).toEqual(['first', 'second']);
  expect(loads).toBe(1);
});
