// The zero-click settings block: "Assume my usual roles on sign-in" (zeroClick.autoAssume, on by default, lockable by
// policy) and auto-save as a tri-state (null: on when the helper answers; true/false: a choice; policy locks only those).
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, isLocked, parseManagedSettings, parseSettings, settingsSnapshot, withDelivery, withZeroClick } from '@/lib/settings';
import { custom } from '../support/settings-sample';

describe('zero-click settings', () => {
  it('defaults: auto-assume on, auto-save following the helper', () => {
    expect(DEFAULT_SETTINGS.zeroClick).toEqual({ autoAssume: true });
    expect(DEFAULT_SETTINGS.delivery.autoSaveToHost).toBeNull();
    // Settings stored before this feature read with the defaults, without an issue.
    const { zeroClick: _mine, ...older } = custom();
    expect(parseSettings(older)).toEqual({ settings: { ...custom(), zeroClick: { autoAssume: true } }, issues: [] });
  });

  it.each([
    ['auto-save unset', { delivery: { autoSaveToHost: null } }, (s: typeof DEFAULT_SETTINGS) => s.delivery.autoSaveToHost, null, []],
    ['auto-save off', { delivery: { autoSaveToHost: false } }, (s: typeof DEFAULT_SETTINGS) => s.delivery.autoSaveToHost, false, []],
    [
      'auto-save as text',
      { delivery: { autoSaveToHost: 'yes' } },
      (s: typeof DEFAULT_SETTINGS) => s.delivery.autoSaveToHost,
      null,
      ['delivery.autoSaveToHost'],
    ],
    ['auto-assume off', { zeroClick: { autoAssume: false } }, (s: typeof DEFAULT_SETTINGS) => s.zeroClick.autoAssume, false, []],
    ['auto-assume as null', { zeroClick: { autoAssume: null } }, (s: typeof DEFAULT_SETTINGS) => s.zeroClick.autoAssume, true, ['zeroClick.autoAssume']],
    ['an unknown zero-click key', { zeroClick: { renew: true } }, (s: typeof DEFAULT_SETTINGS) => s.zeroClick.autoAssume, true, ['zeroClick.renew']],
  ])('reads %s', (_title, stored, pick, value, issuePaths) => {
    const { settings, issues } = parseSettings({ version: 2, ...stored });
    expect(pick(settings)).toBe(value);
    expect(issues.map((i) => i.path)).toEqual(issuePaths);
  });

  it('edits keep the other values', () => {
    expect(withZeroClick(custom(), { autoAssume: true })).toEqual({ ...custom(), zeroClick: { autoAssume: true } });
    expect(withDelivery(custom(), { autoSaveToHost: null }).delivery).toEqual({ ...custom().delivery, autoSaveToHost: null });
  });

  it('the policy locks auto-assume either way, and auto-save only to true or false', () => {
    for (const autoAssume of [true, false]) {
      const snapshot = settingsSnapshot(withZeroClick(custom(), { autoAssume: !autoAssume }), { zeroClick: { autoAssume } });
      expect(snapshot.settings.zeroClick.autoAssume).toBe(autoAssume);
      expect(snapshot.local.zeroClick.autoAssume).toBe(!autoAssume);
      expect(isLocked(snapshot.locked, 'zeroClick.autoAssume')).toBe(true);
    }
    const followHelper = settingsSnapshot(custom(), { delivery: { autoSaveToHost: null } });
    expect(followHelper.settings.delivery.autoSaveToHost).toBe(true);
    expect(isLocked(followHelper.locked, 'delivery.autoSaveToHost')).toBe(false);
    expect(parseManagedSettings({ zeroClick: { autoAssume: 'on' } }).issues.map((i) => i.path)).toEqual(['zeroClick.autoAssume']);
  });
});
