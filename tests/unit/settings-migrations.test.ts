// Migrations of older settings, each checked against a fixture of the shape that version really stored
// (tests/fixtures/settings-v<n>.json): a stored or exported file from an old release must keep reading.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettings, SETTINGS_VERSION, type SettingsV1 } from '@/lib/settings';
import { MIGRATIONS } from '@/lib/settings/migrations';
import { v1ToV2 } from '@/lib/settings/migrations/v1-to-v2';
import { ALL_FORMATS, DEPLOYER, GOV } from '../support/settings-sample';

const fixtureUrl = (version: number) => new URL(`../fixtures/settings-v${version}.json`, import.meta.url);
const fixture = (version: number) => JSON.parse(readFileSync(fixtureUrl(version), 'utf8')) as Record<string, unknown>;
const OLDER_VERSIONS = Array.from({ length: SETTINGS_VERSION - 1 }, (_, i) => i + 1);

/** Every field of the version 1 shape; `satisfies` makes the compiler hold this list to `SettingsV1`. */
const V1_FIELDS = Object.keys({
  version: 0,
  profileTemplate: 0,
  accountAliases: 0,
  durationSeconds: 0,
  region: 0,
  autoSave: 0,
  pinned: 0,
} satisfies Record<keyof SettingsV1, 0>);

describe('every older version', () => {
  it.each(OLDER_VERSIONS)('version %i has a migration step and a fixture that reads without issues', (version) => {
    expect(MIGRATIONS[version]).toBeTypeOf('function');
    expect(existsSync(fixtureUrl(version))).toBe(true);
    expect(parseSettings(fixture(version))).toMatchObject({ issues: [], migratedFrom: version });
  });
});

describe('version 1 → 2', () => {
  const v1 = fixture(1) as unknown as SettingsV1;

  it('the fixture holds exactly the fields version 1 stored', () => {
    expect(v1.version).toBe(1);
    expect(Object.keys(v1).sort()).toEqual(V1_FIELDS.sort());
  });

  it('the step renames every field and turns {account} into {account_name}, leaving checks to the reader', () => {
    expect(v1ToV2({ ...v1 })).toEqual({
      version: 2,
      profileTemplate: '{account_name}-{role}',
      accountNames: { '111111111111': 'contoso-prod', '222222222222': 'Contoso Dev' },
      defaultDuration: 14400,
      defaultRegion: 'eu-central-1',
      delivery: { autoSaveToHost: true },
      pinnedRoles: [DEPLOYER, GOV],
    });
    expect(v1).toEqual(fixture(1));
  });

  it('the fixture reads as version 2: every field carried over, new fields default', () => {
    const { settings, issues, migratedFrom } = parseSettings(v1);
    expect(issues).toEqual([]);
    expect(migratedFrom).toBe(1);
    expect(settings).toEqual({
      ...DEFAULT_SETTINGS,
      version: 2,
      profileTemplate: '{account_name}-{role}',
      accountNames: { '111111111111': 'contoso-prod', '222222222222': 'Contoso Dev' },
      defaultDuration: 14400,
      defaultRegion: 'eu-central-1',
      delivery: { autoSaveToHost: true, formatOrder: ALL_FORMATS, credentialProcess: false, removeExpiredAfterDays: null },
      pinnedRoles: [DEPLOYER, GOV],
    });
  });

  it('a custom v1 template keeps its text and every {account}', () => {
    expect(parseSettings({ ...v1, profileTemplate: 'x-{account}-{role}-{account}' }).settings.profileTemplate).toBe('x-{account_name}-{role}-{account_name}');
  });

  it('a partial v1 object migrates what it has', () => {
    expect(parseSettings({ version: 1, durationSeconds: 900 })).toEqual({
      settings: { ...DEFAULT_SETTINGS, defaultDuration: 900 },
      issues: [],
      migratedFrom: 1,
    });
  });

  it('bad v1 values are reported under their new names and take the defaults', () => {
    const { settings, issues } = parseSettings({ ...v1, durationSeconds: 60, region: 'Europe', profileTemplate: '{account}.{role}', pinned: ['Admin'] });
    expect(issues.map((i) => i.path)).toEqual(['profileTemplate', 'defaultDuration', 'defaultRegion', 'pinnedRoles[0]']);
    expect(settings.defaultDuration).toBe(DEFAULT_SETTINGS.defaultDuration);
    expect(settings.profileTemplate).toBe(DEFAULT_SETTINGS.profileTemplate);
    expect(settings.pinnedRoles).toEqual([]);
  });

  it('an unknown v1 key is reported, not kept', () => {
    expect(parseSettings({ ...v1, theme: 'dark' }).issues).toEqual([{ path: 'theme', message: 'is not a setting this version knows; ignored' }]);
  });

  it('a migrated object reads as itself afterwards (migration is done once)', () => {
    const once = parseSettings(v1).settings;
    expect(parseSettings(once)).toEqual({ settings: once, issues: [] });
  });
});
