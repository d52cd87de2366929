/**
 * The popup's role list (components/RoleList.tsx), rendered with Preact into a linkedom document: a long list paints
 * its first screen of rows at once (whole account groups) and the rest in later tasks, so the first paint of 300
 * roles costs what the screen shows.
 */
import { parseHTML } from 'linkedom';
import { h, render } from 'preact';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseRoleValue, type SamlRole } from '@/lib/arn';
import { FIRST_ROWS, RoleList } from '@/components/RoleList';
import { groupByAccount } from '@/components/view-model';
import { APP_IDS, rolesFor } from '../emulators/world';
import { waitFor } from '../support/poll';

let root: HTMLElement;
beforeEach(() => {
  const { document, MutationObserver } = parseHTML('<!doctype html><html><body><div id="app"></div></body></html>') as unknown as {
    document: Document;
    MutationObserver: typeof globalThis.MutationObserver;
  };
  Object.assign(globalThis, { document, MutationObserver });
  root = document.getElementById('app')!;
});
afterEach(() => {
  render(null, root);
  delete (globalThis as { document?: unknown }).document;
  delete (globalThis as { MutationObserver?: unknown }).MutationObserver;
});

const rows = () => root.querySelectorAll('[data-testid="role-row"]').length;
const roles = (user: string): SamlRole[] => rolesFor(user, APP_IDS.aws).map((r) => parseRoleValue(`${r.roleArn},${r.providerArn}`)!);

it.each([
  // 300 roles in 30 accounts of 10: the first two accounts hold the first screen.
  ['dave@contoso.com', 300, 20],
  ['alice@contoso.com', 6, 6],
])('%s: the first render shows whole accounts up to the first screen, later tasks the rest', async (user, total, first) => {
  const list = roles(user);
  expect(list).toHaveLength(total);
  const props = {
    groups: groupByAccount('c1', list),
    selected: new Set<string>(),
    outcomes: {},
    saved: {},
    errorsAtOpen: new Set<string>(),
    onToggle: () => undefined,
    onSetKeys: () => undefined,
  };
  render(h(RoleList, props), root);
  expect(rows()).toBe(first);
  expect(rows()).toBeGreaterThanOrEqual(Math.min(total, FIRST_ROWS));
  // Preact runs effects after the next frame, or after 100 ms where there are no frames (as here); each step a task.
  await waitFor('every row', async () => rows() === total, 5_000);
});
