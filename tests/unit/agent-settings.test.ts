/** The credential_process setting: off by default, read from stored settings, and lockable by policy. */
import { describe, expect, it } from 'vitest';
import { applyManaged, DEFAULT_SETTINGS, isLocked, parseManagedSettings, parseSettings } from '@/lib/settings';
import { custom } from '../support/settings-sample';

describe('delivery.credentialProcess', () => {
  it('is off by default, also for settings stored before it existed', () => {
    expect(DEFAULT_SETTINGS.delivery.credentialProcess).toBe(false);
    const stored = { ...custom(), delivery: { autoSaveToHost: true, formatOrder: custom().delivery.formatOrder } };
    expect(parseSettings(stored).settings.delivery.credentialProcess).toBe(false);
  });

  it.each([true, false])('a policy of %s wins over the user and locks the switch', (value) => {
    const { managed, issues } = parseManagedSettings({ delivery: { credentialProcess: value } });
    expect(issues).toEqual([]);
    const { settings, locked } = applyManaged({ ...custom(), delivery: { ...custom().delivery, credentialProcess: !value } }, managed);
    expect(settings.delivery.credentialProcess).toBe(value);
    expect(isLocked(locked, 'delivery.credentialProcess')).toBe(true);
    expect(isLocked(locked, 'delivery.autoSaveToHost')).toBe(false);
  });

  it('a policy value that is not a boolean is reported and ignored', () => {
    const { managed, issues } = parseManagedSettings({ delivery: { credentialProcess: 'yes' } });
    expect(issues.map((i) => i.path)).toEqual(['delivery.credentialProcess']);
    expect(managed.delivery?.credentialProcess).toBeUndefined();
  });
});
