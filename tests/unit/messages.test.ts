import { describe, expect, it, vi } from 'vitest';
import type { Handlers } from '@/lib/browser/messages';
import { fakeBrowser } from 'wxt/testing/fake-browser';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));

const { isMessage } = await import('@/lib/browser/messages');

const handlers = Object.fromEntries(
  ['assume', 'forget', 'hostStatus', 'save', 'makeFilePrivate'].map((k) => [k, () => Promise.resolve()]),
) as unknown as Handlers;

describe('isMessage', () => {
  it.each(['hostStatus', 'save', 'makeFilePrivate'])('accepts %s', (type) => {
    expect(isMessage({ type, data: {} }, handlers)).toBe(true);
  });

  it.each([...Object.getOwnPropertyNames(Object.prototype), 'nope', ''])('refuses the type %j (own handler keys only)', (type) => {
    expect(isMessage({ type, data: {} }, handlers)).toBe(false);
  });

  it.each([null, 'save', { type: 7 }, { data: {} }])('refuses %j', (value) => {
    expect(isMessage(value, handlers)).toBe(false);
  });
});
