// What the popup, the background and the options page ask of settings.
import { describe, expect, it } from 'vitest';
import { accountDisplayNames, DEFAULT_SETTINGS, durationFor, isAccountAllowed, namingRules, regionFor } from '@/lib/settings';
import { ADMIN, custom, DEPLOYER } from '../support/settings-sample';

describe('what consumers ask', () => {
  it('durations, regions, allowed accounts and names per role', () => {
    const s = custom();
    expect(durationFor(s, ADMIN)).toBe('max');
    expect(durationFor(s, DEPLOYER)).toBe(7200);
    // The popup's choice stands in for the default, never for a role's own duration.
    expect(durationFor(s, ADMIN, 900)).toBe('max');
    expect(durationFor(DEFAULT_SETTINGS, ADMIN, 900)).toBe(900);
    expect(regionFor(s, ADMIN)).toBe('eu-west-1');
    expect(regionFor(s, DEPLOYER)).toBe('us-east-2');
    expect(regionFor(DEFAULT_SETTINGS, ADMIN)).toBeUndefined();
    expect(isAccountAllowed(s, '111111111111')).toBe(true);
    expect(isAccountAllowed(s, '333333333333')).toBe(false);
    expect(isAccountAllowed(DEFAULT_SETTINGS, '333333333333')).toBe(true);
  });

  it('settings names win over learnt aliases; naming rules carry overrides', () => {
    const learnt = { '111111111111': 'contoso-prod', '444444444444': 'contoso-sandbox' };
    expect(accountDisplayNames(custom(), learnt)).toEqual({ '111111111111': 'Production', '222222222222': 'Développement', '444444444444': 'contoso-sandbox' });
    expect(namingRules(custom(), learnt)).toEqual({
      template: '{account_name}_{role_path}_{role}',
      overrides: { [ADMIN]: 'prod-admin' },
      accountNames: { '111111111111': 'Production', '222222222222': 'Développement', '444444444444': 'contoso-sandbox' },
    });
  });
});
