// The organisation's policy: what it may set, how bad values are reported, what it locks, and that
// public/managed_schema.json (Chrome's copy of the rules) says the same as the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyManaged, isLocked, MANAGED_KEYS, parseManagedSettings, settingPath, settingsSnapshot } from '@/lib/settings';
import { ADMIN, ALL_FORMATS, custom, GOV } from '../support/settings-sample';

describe('managed settings', () => {
  const policy = {
    accountNames: { '111111111111': 'Corp Production' },
    allowedAccounts: ['111111111111'],
    profileTemplate: 'corp-{account_id}-{role}',
    roles: { [GOV]: { profileName: 'gov', duration: 3600 } },
    defaultDuration: 28800,
    defaultRegion: 'eu-west-1',
    delivery: { autoSaveToHost: false },
    reminders: { minutesBefore: 5 },
    trustedSignInHosts: ['fs.corp.contoso.com'],
    chainedRoles: [{ targetRoleArn: 'arn:aws:iam::777777777777:role/OrgAuditor', sourceRoleArn: ADMIN, externalId: 'contoso-audit-7', durationSeconds: 1800 }],
  };

  it('managed values win and each is locked; the user’s other values stay', () => {
    const { managed, issues } = parseManagedSettings(policy);
    expect(issues).toEqual([]);
    const { settings, locked } = applyManaged(custom(), managed);
    expect(settings).toEqual({
      ...custom(),
      accountNames: { '111111111111': 'Corp Production', '222222222222': 'Développement' },
      allowedAccounts: ['111111111111'],
      profileTemplate: 'corp-{account_id}-{role}',
      roles: { [ADMIN]: custom().roles[ADMIN], [GOV]: { profileName: 'gov', duration: 3600 } },
      defaultDuration: 28800,
      defaultRegion: 'eu-west-1',
      delivery: { ...custom().delivery, autoSaveToHost: false },
      reminders: { enabled: false, minutesBefore: 5 },
      trustedSignInHosts: ['fs.corp.contoso.com'],
      chainedRoles: policy.chainedRoles,
    });
    expect([...locked].sort()).toEqual(
      [
        'accountNames["111111111111"]',
        'allowedAccounts',
        'profileTemplate',
        `roles[${JSON.stringify(GOV)}].profileName`,
        `roles[${JSON.stringify(GOV)}].duration`,
        'defaultDuration',
        'defaultRegion',
        'delivery.autoSaveToHost',
        'reminders.minutesBefore',
        'trustedSignInHosts',
        'chainedRoles',
      ].sort(),
    );
  });

  it('the user’s own settings are not changed by applying a policy', () => {
    const local = custom();
    applyManaged(local, parseManagedSettings(policy).managed);
    expect(local).toEqual(custom());
  });

  it('no policy (Firefox without policies.json, Chrome without policy) locks nothing', () => {
    for (const raw of [undefined, null, {}]) {
      const { managed, issues } = parseManagedSettings(raw);
      expect(issues).toEqual([]);
      expect(applyManaged(custom(), managed)).toEqual({ settings: custom(), locked: new Set() });
    }
  });

  it('an invalid policy value (Firefox does not check policies.json) is reported and not applied', () => {
    const { managed, issues } = parseManagedSettings({
      profileTemplate: '{account}',
      defaultDuration: 'max',
      defaultRegion: 'Frankfurt',
      accountNames: { '111111111111': 'ok', bad: 'x' },
      pinnedRoles: [ADMIN],
      roles: { [ADMIN]: { profileName: 'default' } },
    });
    expect(issues.map((i) => i.path)).toEqual([
      'profileTemplate',
      'defaultDuration',
      'defaultRegion',
      'accountNames["bad"]',
      'pinnedRoles',
      `roles[${JSON.stringify(ADMIN)}].profileName`,
    ]);
    expect(issues[1]!.message).toMatch(/whole number of seconds from 900/);
    expect(issues[4]!.message).toMatch(/not a policy this extension knows/);
    const { locked } = applyManaged(custom(), managed);
    expect([...locked]).toEqual(['accountNames["111111111111"]']);
    expect(parseManagedSettings('oops').issues).toEqual([{ path: '', message: 'the policy must be an object' }]);
  });

  it('the snapshot combines stored and managed values and keeps the user’s own apart', () => {
    const snapshot = settingsSnapshot({ version: 1, region: 'eu-central-1' }, { defaultRegion: 'eu-west-1', bogus: 1 });
    expect(snapshot.local.defaultRegion).toBe('eu-central-1');
    expect(snapshot.settings.defaultRegion).toBe('eu-west-1');
    expect(snapshot.migratedFrom).toBe(1);
    expect(snapshot.managedIssues).toEqual([{ path: 'bogus', message: 'is not a policy this extension knows; ignored' }]);
    expect(snapshot.localIssues).toEqual([]);
    expect(isLocked(snapshot.locked, 'defaultRegion')).toBe(true);
    expect(isLocked(snapshot.locked, 'defaultDuration')).toBe(false);
  });

  it('the managed schema declares exactly the keys the extension reads, in a form Chrome accepts', () => {
    const schema = JSON.parse(readFileSync(new URL('../../public/managed_schema.json', import.meta.url), 'utf8')) as Schema;
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBeUndefined();
    expect(Object.keys(schema.properties!).sort()).toEqual([...MANAGED_KEYS].sort());
    checkChromeSchema(schema);
    expect(schema.properties!.delivery!.properties!.formatOrder!.items!.enum).toEqual(ALL_FORMATS);
  });

  it('every value the schema accepts in the test policy is accepted by the extension, and vice versa for bad ones', () => {
    const schema = JSON.parse(readFileSync(new URL('../../public/managed_schema.json', import.meta.url), 'utf8')) as Schema;
    expect(conforms(schema, policy)).toBe(true);
    expect(parseManagedSettings(policy).issues).toEqual([]);
    for (const bad of [
      { defaultDuration: 60 },
      { defaultRegion: 'EU' },
      { allowedAccounts: ['x'] },
      { reminders: { minutesBefore: 0 } },
      { roles: { [ADMIN]: { profileName: 'a b' } } },
      { trustedSignInHosts: ['adfs.contoso.com:443'] },
      { trustedSignInHosts: ['*'] },
      { chainedRoles: [{ targetRoleArn: GOV, sourceRoleArn: ADMIN, durationSeconds: 7200 }] },
      { chainedRoles: [{ targetRoleArn: GOV, sourceRoleArn: ADMIN, externalId: 'has space' }] },
      { chainedRoles: [{ targetRoleArn: GOV, sourceRoleArn: ADMIN, sessionName: 'x' }] },
    ]) {
      expect(conforms(schema, bad)).toBe(false);
      expect(parseManagedSettings(bad).issues).not.toEqual([]);
    }
  });
});

describe('paths and locks', () => {
  it('builds unambiguous paths for keys with dots and slashes', () => {
    expect(settingPath('reminders', 'enabled')).toBe('reminders.enabled');
    expect(settingPath('roles', { key: 'arn:aws:iam::1:role/a.b' }, 'duration')).toBe('roles["arn:aws:iam::1:role/a.b"].duration');
  });

  it('a locked setting locks what is inside it, not its siblings or prefixes of its name', () => {
    const locked = new Set(['delivery', 'roles["x"].duration', 'accountNames["111111111111"]']);
    expect(isLocked(locked, 'delivery.autoSaveToHost')).toBe(true);
    expect(isLocked(locked, 'delivery')).toBe(true);
    expect(isLocked(locked, 'deliveryX')).toBe(false);
    expect(isLocked(locked, 'roles["x"].duration')).toBe(true);
    expect(isLocked(locked, 'roles["x"].region')).toBe(false);
    expect(isLocked(locked, 'accountNames["222222222222"]')).toBe(false);
  });
});

// ── Chrome's schema subset (https://developer.chrome.com/docs/extensions/reference/manifest/storage) ─────────────

interface Schema {
  type?: string;
  title?: string;
  description?: string;
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: Schema;
  items?: Schema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

const CHROME_TYPES = ['object', 'array', 'string', 'integer', 'number', 'boolean'];
const CHROME_KEYWORDS = new Set([
  'type',
  'title',
  'description',
  'properties',
  'patternProperties',
  'additionalProperties',
  'items',
  'enum',
  'minimum',
  'maximum',
  'pattern',
]);

/** Every schema has exactly one type Chrome knows, and uses only keywords Chrome's policy schema parser knows. */
function checkChromeSchema(schema: Schema): void {
  expect(CHROME_TYPES).toContain(schema.type);
  for (const key of Object.keys(schema)) expect(CHROME_KEYWORDS.has(key), `unknown keyword ${key}`).toBe(true);
  for (const sub of [...Object.values(schema.properties ?? {}), ...Object.values(schema.patternProperties ?? {}), schema.additionalProperties, schema.items]) {
    if (sub) checkChromeSchema(sub);
  }
  if (schema.pattern) expect(() => new RegExp(schema.pattern!)).not.toThrow();
  // Chrome checks patterns with RE2, which refuses a repeat count over 1000: the whole extension then fails to load.
  for (const [, min, max] of schema.pattern?.matchAll(/\{(\d+)(?:,(\d*))?\}/g) ?? []) {
    expect(Math.max(Number(min), Number(max || 0)), `repeat count in ${schema.pattern}`).toBeLessThanOrEqual(1000);
  }
}

function conforms(schema: Schema, value: unknown): boolean {
  switch (schema.type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
    case 'number':
      return (
        typeof value === 'number' &&
        (schema.type === 'number' || Number.isInteger(value)) &&
        (schema.minimum === undefined || value >= schema.minimum) &&
        (schema.maximum === undefined || value <= schema.maximum)
      );
    case 'string':
      return typeof value === 'string' && (!schema.pattern || new RegExp(schema.pattern).test(value)) && (!schema.enum || schema.enum.includes(value));
    case 'array':
      return Array.isArray(value) && value.every((v) => conforms(schema.items!, v));
    case 'object':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      return Object.entries(value).every(([k, v]) => {
        const direct = schema.properties?.[k];
        if (direct) return conforms(direct, v);
        const byPattern = Object.entries(schema.patternProperties ?? {}).find(([p]) => new RegExp(p).test(k));
        if (byPattern) return conforms(byPattern[1], v);
        return schema.additionalProperties ? conforms(schema.additionalProperties, v) : false;
      });
    default:
      return false;
  }
}
