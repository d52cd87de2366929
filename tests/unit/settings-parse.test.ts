// Reading settings from storage and imported files: defaults, versions, every field's issues, import and export.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, defaultSettings, exportSettings, importSettings, parseSettings, SETTINGS_VERSION, type Settings } from '@/lib/settings';
import { ADMIN, ALL_FORMATS, custom, DEPLOYER, GOV } from '../support/settings-sample';

describe('defaults', () => {
  it('are current, valid and list every export format', () => {
    expect(parseSettings(DEFAULT_SETTINGS)).toEqual({ settings: DEFAULT_SETTINGS, issues: [] });
    expect(DEFAULT_SETTINGS.version).toBe(SETTINGS_VERSION);
    expect(DEFAULT_SETTINGS.delivery.formatOrder).toEqual(ALL_FORMATS);
    expect(DEFAULT_SETTINGS.profileTemplate).toBe('{account_name}-{role}');
  });

  it('nothing stored gives the defaults, silently; defaultSettings() is a copy that can be changed', () => {
    expect(parseSettings(undefined)).toEqual({ settings: DEFAULT_SETTINGS, issues: [] });
    expect(parseSettings(null)).toEqual({ settings: DEFAULT_SETTINGS, issues: [] });
    const copy = defaultSettings();
    copy.accountNames['111111111111'] = 'x';
    copy.delivery.formatOrder.reverse();
    expect(DEFAULT_SETTINGS.accountNames).toEqual({});
    expect(DEFAULT_SETTINGS.delivery.formatOrder).toEqual(ALL_FORMATS);
  });
});

describe('versions', () => {
  it.each([
    [{}, 'is missing; read as version 2'],
    [{ version: 'two' }, '"two" is not a settings version; read as version 2'],
    [{ version: 0 }, '0 is not a settings version; read as version 2'],
    [{ version: 1.5 }, '1.5 is not a settings version; read as version 2'],
    [{ version: 3, futureThing: true }, 'version 3 comes from a newer release of the extension; settings this one does not know are ignored'],
  ])('%j → %s', (raw, message) => {
    const { issues } = parseSettings(raw);
    expect(issues[0]).toEqual({ path: 'version', message });
  });

  it('a newer version still reads the fields it knows', () => {
    expect(parseSettings({ version: 3, defaultDuration: 900, somethingNew: 1 }).settings.defaultDuration).toBe(900);
  });
});

describe('validation, field by field', () => {
  it('a fully custom object is valid as is', () => {
    expect(parseSettings(custom())).toEqual({ settings: custom(), issues: [] });
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['not an object', { accountNames: ['x'] }, 'accountNames', /must be an object of account id → name/],
    ['a short account id', { accountNames: { '1234': 'x' } }, 'accountNames["1234"]', /not a 12-digit account id/],
    ['a name that is a number', { accountNames: { '111111111111': 7 } }, 'accountNames["111111111111"]', /must be text, not 7/],
    ['a 65-character name', { accountNames: { '111111111111': 'x'.repeat(65) } }, 'accountNames["111111111111"]', /longer than 64/],
    ['a name with a newline', { accountNames: { '111111111111': 'a\nb' } }, 'accountNames["111111111111"]', /control characters/],
    ['a name with a bidi override', { accountNames: { '111111111111': 'a\u202eb' } }, 'accountNames["111111111111"]', /control characters/],
    ['allowed accounts not a list', { allowedAccounts: '111111111111' }, 'allowedAccounts', /list of 12-digit/],
    ['an allowed account that is not an id', { allowedAccounts: ['111111111111', 'prod'] }, 'allowedAccounts[1]', /"prod" is not a 12-digit account id/],
    ['a template with an unknown placeholder', { profileTemplate: '{acount_name}-{role}' }, 'profileTemplate', /Unknown placeholder \{acount_name\}/],
    ['a template that is not text', { profileTemplate: 42 }, 'profileTemplate', /must be text/],
    ['roles not an object', { roles: [] }, 'roles', /must be an object of role ARN/],
    ['a role key that is not an ARN', { roles: { Admin: { duration: 900 } } }, 'roles["Admin"]', /not an IAM role ARN/],
    [
      'a role profile name with a space',
      { roles: { [ADMIN]: { profileName: 'my admin' } } },
      `roles[${JSON.stringify(ADMIN)}].profileName`,
      /not a profile name/,
    ],
    [
      'a role profile name "default"',
      { roles: { [ADMIN]: { profileName: 'default' } } },
      `roles[${JSON.stringify(ADMIN)}].profileName`,
      /kept for the “also save as \[default\]”/,
    ],
    ['a role duration too short', { roles: { [ADMIN]: { duration: 899 } } }, `roles[${JSON.stringify(ADMIN)}].duration`, /from 900 to 43200, not 899/],
    ['a role region that is not a region', { roles: { [ADMIN]: { region: 'EU' } } }, `roles[${JSON.stringify(ADMIN)}].region`, /not an AWS region name/],
    ['an unknown role preference', { roles: { [ADMIN]: { colour: 'red' } } }, `roles[${JSON.stringify(ADMIN)}].colour`, /not a role preference/],
    ['a role value that is not an object', { roles: { [ADMIN]: 900 } }, `roles[${JSON.stringify(ADMIN)}]`, /must be an object with profileName/],
    ['a duration over 12 h', { defaultDuration: 43201 }, 'defaultDuration', /not 43201/],
    ['a duration in text', { defaultDuration: '3600' }, 'defaultDuration', /not "3600"/],
    ['a fractional duration', { defaultDuration: 1000.5 }, 'defaultDuration', /whole number/],
    ['a region with capitals', { defaultRegion: 'EU-WEST-1' }, 'defaultRegion', /not an AWS region name/],
    ['a [default] role that is not an ARN', { defaultProfileRole: 'Admin' }, 'defaultProfileRole', /not an IAM role ARN/],
    ['delivery not an object', { delivery: true }, 'delivery', /must be an object/],
    ['auto-save as text', { delivery: { autoSaveToHost: 'yes' } }, 'delivery.autoSaveToHost', /true or false, not "yes"/],
    ['an unknown format', { delivery: { formatOrder: ['zsh'] } }, 'delivery.formatOrder[0]', /"zsh" is not an export format/],
    ['an unknown delivery key', { delivery: { email: true } }, 'delivery.email', /not a setting this version knows/],
    ['pinned roles not a list', { pinnedRoles: ADMIN }, 'pinnedRoles', /list of IAM role ARNs/],
    ['reminder minutes 0', { reminders: { minutesBefore: 0 } }, 'reminders.minutesBefore', /from 1 to 120, not 0/],
    ['reminders enabled as 1', { reminders: { enabled: 1 } }, 'reminders.enabled', /true or false/],
    ['trusted hosts not a list', { trustedSignInHosts: 'adfs.contoso.com' }, 'trustedSignInHosts', /list of host names/],
    ['a trusted host with a port', { trustedSignInHosts: ['adfs.contoso.com', 'adfs.contoso.com:8443'] }, 'trustedSignInHosts[1]', /not a host name.*no port/],
    ['an http trusted host', { trustedSignInHosts: ['http://adfs.contoso.com'] }, 'trustedSignInHosts[0]', /must be an https:\/\/ page/],
    ['a wildcard over a top-level domain', { trustedSignInHosts: ['*.com'] }, 'trustedSignInHosts[0]', /whole top-level domain/],
    ['a bare wildcard', { trustedSignInHosts: ['*'] }, 'trustedSignInHosts[0]', /not a host name/],
    ['a trusted IP address', { trustedSignInHosts: ['10.0.0.7'] }, 'trustedSignInHosts[0]', /IP address/],
    ['chained roles not a list', { chainedRoles: { targetRoleArn: GOV } }, 'chainedRoles', /list of chained roles/],
    ['a chained role without its source', { chainedRoles: [{ targetRoleArn: GOV }] }, 'chainedRoles[0]', /sourceRoleArn is missing/],
    [
      'a chained target that is not an ARN',
      { chainedRoles: [{ targetRoleArn: 'OrgAuditor', sourceRoleArn: ADMIN }] },
      'chainedRoles[0]',
      /targetRoleArn: "OrgAuditor" is not an IAM role ARN/,
    ],
    ['a role chained from itself', { chainedRoles: [{ targetRoleArn: ADMIN, sourceRoleArn: ADMIN }] }, 'chainedRoles[0]', /cannot be chained from itself/],
    [
      'a chained duration over one hour',
      { chainedRoles: [{ targetRoleArn: GOV, sourceRoleArn: ADMIN, durationSeconds: 3601 }] },
      'chainedRoles[0]',
      /durationSeconds: .*from 900 to 3600.*not 3601/,
    ],
    [
      'an external ID of one character',
      { chainedRoles: [{ targetRoleArn: GOV, sourceRoleArn: ADMIN, externalId: 'x' }] },
      'chainedRoles[0]',
      /external ID must be 2–1224/,
    ],
    [
      'an external ID with a space',
      { chainedRoles: [{ targetRoleArn: GOV, sourceRoleArn: ADMIN, externalId: 'audit 7' }] },
      'chainedRoles[0]',
      /external ID must be/,
    ],
    [
      'an external ID over 1224 characters',
      { chainedRoles: [{ targetRoleArn: GOV, sourceRoleArn: ADMIN, externalId: 'a'.repeat(1225) }] },
      'chainedRoles[0]',
      /external ID must be/,
    ],
    [
      'a session name with a slash',
      { chainedRoles: [{ targetRoleArn: GOV, sourceRoleArn: ADMIN, sessionName: 'alice/audit' }] },
      'chainedRoles[0]',
      /sessionName: .*not a session name/,
    ],
    [
      'a session name over 64 characters',
      { chainedRoles: [{ targetRoleArn: GOV, sourceRoleArn: ADMIN, sessionName: 's'.repeat(65) }] },
      'chainedRoles[0]',
      /not a session name/,
    ],
    [
      'a chained profile name "default"',
      { chainedRoles: [{ targetRoleArn: GOV, sourceRoleArn: ADMIN, profileName: 'default' }] },
      'chainedRoles[0]',
      /profileName: .*kept for/,
    ],
    ['an unknown chained-role field', { chainedRoles: [{ targetRoleArn: GOV, sourceRoleArn: ADMIN, mfa: true }] }, 'chainedRoles[0]', /mfa is not a field/],
    [
      'a target chained twice',
      {
        chainedRoles: [
          { targetRoleArn: GOV, sourceRoleArn: ADMIN },
          { targetRoleArn: GOV, sourceRoleArn: DEPLOYER },
        ],
      },
      'chainedRoles[1]',
      /already listed/,
    ],
    [
      'more than 50 chained roles',
      { chainedRoles: Array.from({ length: 51 }, (_, i) => ({ targetRoleArn: `arn:aws:iam::777777777777:role/R${i}`, sourceRoleArn: ADMIN })) },
      'chainedRoles',
      /more than 50 chained roles/,
    ],
    ['an unknown top-level key', { colour: 'red' }, 'colour', /not a setting this version knows/],
  ])('%s: reported at %s, other fields unaffected', (_, fields, path, message) => {
    const { settings, issues } = parseSettings({ ...custom(), ...fields });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe(path);
    expect(issues[0]!.message).toMatch(message);
    // Every field without an issue is exactly what it was.
    const top = Object.keys(fields)[0]!;
    for (const key of Object.keys(custom()) as (keyof Settings)[]) if (key !== top) expect(settings[key]).toEqual(custom()[key]);
  });

  it('a bad entry in a map or list drops only that entry', () => {
    const { settings } = parseSettings({ ...custom(), accountNames: { '111111111111': 'ok', '12': 'bad' }, pinnedRoles: [ADMIN, 'bad', GOV] });
    expect(settings.accountNames).toEqual({ '111111111111': 'ok' });
    expect(settings.pinnedRoles).toEqual([ADMIN, GOV]);
  });

  it('a whole bad field keeps the base value', () => {
    expect(parseSettings({ version: 2, defaultDuration: 'soon' }, custom()).settings.defaultDuration).toBe(7200);
  });

  it('normalises: names trimmed, empty names and empty role preferences dropped, duplicates removed, missing formats appended', () => {
    const { settings, issues } = parseSettings({
      version: 2,
      accountNames: { '111111111111': '  Prod  ', '222222222222': '' },
      roles: { [ADMIN]: { profileName: '', duration: null, region: '' }, [GOV]: { region: 'us-gov-west-1' } },
      allowedAccounts: ['111111111111', ' 111111111111 '],
      pinnedRoles: [ADMIN, ADMIN],
      delivery: { formatOrder: ['process', 'process', 'fish'] },
    });
    expect(issues).toEqual([]);
    expect(settings.accountNames).toEqual({ '111111111111': 'Prod' });
    expect(settings.roles).toEqual({ [GOV]: { region: 'us-gov-west-1' } });
    expect(settings.allowedAccounts).toEqual(['111111111111']);
    expect(settings.pinnedRoles).toEqual([ADMIN]);
    expect(settings.delivery.formatOrder).toEqual(['process', 'fish', ...ALL_FORMATS.filter((f) => f !== 'process' && f !== 'fish')]);
  });

  it('chained roles: absent in a version 2 object reads as none; valid entries keep every field, empty optional ones drop', () => {
    const { chainedRoles, ...withoutChains } = custom();
    expect(parseSettings(withoutChains)).toEqual({ settings: { ...custom(), chainedRoles: [] }, issues: [] });
    const gov = {
      targetRoleArn: 'arn:aws-us-gov:iam::333333333333:role/GovAuditor',
      sourceRoleArn: GOV,
      externalId: 'a=b,c.d@e:f/g-h_i+j',
      sessionName: 'x@y',
    };
    const { settings, issues } = parseSettings({ version: 2, chainedRoles: [...chainedRoles, { ...gov, profileName: '', durationSeconds: null }] });
    expect(issues).toEqual([]);
    expect(settings.chainedRoles).toEqual([...chainedRoles, gov]);
  });

  it('trusted sign-in hosts: a pasted URL becomes its host, case folds, IDN takes its xn-- form, duplicates go', () => {
    const { settings, issues } = parseSettings({
      version: 2,
      trustedSignInHosts: [' ADFS.Contoso.com ', 'https://adfs.contoso.com/adfs/ls/?client-request-id=1', '*.Contoso.COM', 'anmeldung.müller.example'],
    });
    expect(issues).toEqual([]);
    expect(settings.trustedSignInHosts).toEqual(['adfs.contoso.com', '*.contoso.com', 'anmeldung.xn--mller-kva.example']);
  });

  it('keys named like Object.prototype members are reported, never called or assigned to the prototype', () => {
    const raw = JSON.parse(
      '{"version":2,"valueOf":1,"__proto__":{"defaultDuration":900},"reminders":{"__proto__":null,"toString":1},"roles":{"__proto__":{}}}',
    ) as unknown;
    const { settings, issues } = parseSettings(raw);
    expect(issues.map((i) => i.path)).toEqual(['valueOf', '__proto__', 'reminders.__proto__', 'reminders.toString', 'roles["__proto__"]']);
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(Object.getPrototypeOf(settings.reminders)).toBe(Object.prototype);
  });

  it('issue messages never repeat a long value in full', () => {
    const { issues } = parseSettings({ version: 2, defaultRegion: 'x'.repeat(10_000) });
    expect(issues[0]!.message.length).toBeLessThan(150);
  });

  it('turns any JSON into valid settings, and reading them again changes nothing (property)', () => {
    const anyField = fc.record(
      {
        version: fc.oneof(fc.constantFrom(1, 2, 3), fc.jsonValue()),
        accountNames: fc.oneof(fc.dictionary(fc.oneof(fc.stringMatching(/^\d{12}$/), fc.string()), fc.oneof(fc.string(), fc.jsonValue())), fc.jsonValue()),
        profileTemplate: fc.oneof(fc.constantFrom('{role}', '{account}-{role}', '{x}', '{account_name}.{role}'), fc.string()),
        defaultDuration: fc.oneof(fc.integer({ min: 0, max: 50_000 }), fc.constant('max'), fc.jsonValue()),
        roles: fc.dictionary(
          fc.constantFrom(ADMIN, GOV, 'x'),
          fc.record({ profileName: fc.string(), duration: fc.jsonValue(), region: fc.constantFrom('eu-west-1', 'x', '') }, { requiredKeys: [] }),
        ),
        delivery: fc.oneof(
          fc.record({ autoSaveToHost: fc.jsonValue(), formatOrder: fc.array(fc.constantFrom(...ALL_FORMATS, 'zsh')) }, { requiredKeys: [] }),
          fc.jsonValue(),
        ),
        reminders: fc.jsonValue(),
        pinnedRoles: fc.array(fc.constantFrom(ADMIN, GOV, 'bad')),
        trustedSignInHosts: fc.oneof(
          fc.array(fc.oneof(fc.constantFrom('adfs.contoso.com', '*.contoso.com', 'https://fs.contoso.com/adfs/ls', '*', 'x:1'), fc.string())),
          fc.jsonValue(),
        ),
        other: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(anyField, fc.jsonValue()), (raw) => {
        const { settings } = parseSettings(raw);
        expect(parseSettings(settings)).toEqual({ settings, issues: [] });
        expect(JSON.parse(exportSettings(settings))).toEqual(settings);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('import and export', () => {
  it('round-trips the user’s settings', () => {
    const text = exportSettings(custom());
    expect(text.endsWith('\n')).toBe(true);
    expect(importSettings(text, DEFAULT_SETTINGS)).toEqual({ ok: true, settings: custom(), issues: [] });
  });

  it('imports a version 1 file, migrating it', () => {
    const result = importSettings(JSON.stringify({ version: 1, profileTemplate: '{account}_{role}' }), custom());
    expect(result).toMatchObject({ ok: true, migratedFrom: 1, issues: [] });
    expect(result.ok && result.settings.profileTemplate).toBe('{account_name}_{role}');
    // Fields the file does not have keep their current values.
    expect(result.ok && result.settings.defaultRegion).toBe('us-east-2');
  });

  it('reports each bad field and keeps its current value', () => {
    const result = importSettings(JSON.stringify({ version: 2, defaultRegion: 'mars-1', reminders: { minutesBefore: 500, enabled: true } }), custom());
    expect(result.ok && result.issues).toEqual([
      { path: 'defaultRegion', message: '"mars-1" is not an AWS region name such as eu-west-1' },
      { path: 'reminders.minutesBefore', message: 'must be a whole number of minutes from 1 to 120, not 500' },
    ]);
    expect(result.ok && result.settings.defaultRegion).toBe('us-east-2');
    expect(result.ok && result.settings.reminders).toEqual({ enabled: true, minutesBefore: 30 });
  });

  it.each([
    ['not JSON', '{ version: 2 ', /not valid JSON/],
    ['a JSON array', '[]', /does not hold a settings object/],
    ['a JSON string', '"settings"', /does not hold a settings object/],
    ['too large', `{"x":"${'a'.repeat(1_000_001)}"}`, /larger than 1 MB/],
  ])('refuses a file that is %s', (_, text, error) => {
    const result = importSettings(text, DEFAULT_SETTINGS);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });

  it('accepts a file with a byte-order mark', () => {
    expect(importSettings('\uFEFF' + exportSettings(custom()), DEFAULT_SETTINGS)).toMatchObject({ ok: true, issues: [] });
  });
});

describe('delivery.removeExpiredAfterDays (tidy credentials file)', () => {
  it('is null (keep every section) by default and when absent from stored settings', () => {
    expect(DEFAULT_SETTINGS.delivery.removeExpiredAfterDays).toBeNull();
    expect(parseSettings({ version: SETTINGS_VERSION, delivery: { autoSaveToHost: true } }).settings.delivery.removeExpiredAfterDays).toBeNull();
  });

  it.each<[unknown, number | null, boolean]>([
    [null, null, true],
    [1, 1, true],
    [30, 30, true],
    [3650, 3650, true],
    [0, null, false],
    [3651, null, false],
    [7.5, null, false],
    ['7', null, false],
  ])('%j → %j (accepted: %s)', (value, expected, accepted) => {
    const { settings, issues } = parseSettings({ version: SETTINGS_VERSION, delivery: { removeExpiredAfterDays: value } });
    expect(settings.delivery.removeExpiredAfterDays).toBe(expected);
    expect(issues.some((i) => i.path === 'delivery.removeExpiredAfterDays')).toBe(!accepted);
  });
});
