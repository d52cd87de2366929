// The build steps (wxt.config.ts): the popup is built apart from the other pages, so no chunk it loads before its
// first paint is shared with the options page (a shared chunk carries code of both).
import { describe, expect, it } from 'vitest';
import type { Entrypoint, EntrypointGroup, Wxt } from 'wxt';
import config from '../../wxt.config';

const entry = (name: string, type: string) => ({ name, type }) as unknown as Entrypoint;
type GroupedHook = (wxt: Wxt, groups: EntrypointGroup[]) => void | Promise<void>;
const grouped = (config.hooks as { 'entrypoints:grouped': GroupedHook })['entrypoints:grouped'];
const names = (groups: EntrypointGroup[]) => groups.map((g) => (Array.isArray(g) ? g.map((e) => e.name) : g.name));

describe('build steps', () => {
  it.each([
    ['popup with the options page', [[entry('popup', 'popup'), entry('options', 'options')]], [['options'], ['popup']]],
    [
      'popup between other pages',
      [[entry('options', 'options'), entry('popup', 'popup'), entry('sandbox', 'unlisted-page')]],
      [['options', 'sandbox'], ['popup']],
    ],
    ['popup alone already', [[entry('popup', 'popup')]], [['popup']]],
  ])('%s: the popup gets a step of its own, the other pages keep theirs', async (_, pages, expected) => {
    const groups: EntrypointGroup[] = [entry('background', 'background'), ...pages, entry('signin-page', 'content-script')];
    await grouped({} as Wxt, groups);
    expect(names(groups)).toEqual(['background', ...expected.slice(0, 1), 'signin-page', ...expected.slice(1)]);
  });
});
