/**
 * The storage registry (lib/browser/storage.ts) with the browser faked: every item sits in its area under the key
 * users' browsers already hold (a renamed key would lose their settings on update), the key families map ids to
 * keys and back whatever the id holds, a watcher hears one call per change batch with only its own keys, and a
 * sign-in with its credentials, saved through the registry, leaves storage.local and storage.sync without a trace.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { captureIdFor, type Capture, type CaptureProblem, type RoleOutcome } from '@/lib/capture';
import type { SavedProfile, SaveProblem } from '@/lib/delivery';
import { parseAcsUrl, type Partition } from '@/lib/partitions';
import { parseSamlResponse } from '@/lib/saml-response';
import { DEFAULT_SETTINGS } from '@/lib/settings';
import { LOCAL_KEYS, SESSION_KEYS, type KeyFamily } from '@/lib/storage-keys';
import { buildEncodedSamlResponse, type IdpShape } from '../support/saml-builder';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));
// WXT's storage takes the global `chrome` when it is first imported.

const registry = await import('@/lib/browser/storage');
const sessionStore = await import('@/lib/browser/session-store');
const { saveLocalSettings } = await import('@/lib/browser/settings-store');
const { learnAliases } = await import('@/lib/browser/account-names-store');

type Area = 'local' | 'session' | 'sync' | 'managed';
const AREAS: readonly Area[] = ['local', 'session', 'sync', 'managed'];

beforeEach(() => {
  fakeBrowser.reset();
  vi.restoreAllMocks();
});

const PROD_ADMIN = 'arn:aws:iam::111111111111:role/Admin';
const GOV_DEPLOYER = 'arn:aws-us-gov:iam::222222222222:role/ci/Deployer';
const CN_READER = 'arn:aws-cn:iam::333333333333:role/ReadOnly';
const ISSUERS: Record<IdpShape, string> = {
  entra: 'https://sts.windows.net/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/',
  okta: 'http://www.okta.com/exk1a2b3c4d5e6f7g8h9',
  adfs: 'https://fs.contoso.com/adfs/services/trust',
  google: 'https://accounts.google.com/o/saml2?idpid=C01a2b3c4',
};
const ASSUMED_AT = Date.parse('2031-05-04T12:32:00Z');
const CREDENTIALS = {
  accessKeyId: 'ASIAQ3EXAMPLEKEY7XYZ',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ',
  expiration: '2031-05-04T13:32:00Z',
};

/** A capture as the background stores it, parsed from an assertion of the given IdP's shape. */
function captureFrom(shape: IdpShape, roleArn = PROD_ADMIN, issued = new Date('2031-05-04T12:30:00Z')): Capture {
  const providerArn = roleArn.replace(/:role\/.*$/, `:saml-provider/${shape}`);
  const samlResponse = buildEncodedSamlResponse({ shape, issuer: ISSUERS[shape], roles: [{ roleArn, providerArn }], issueInstant: issued });
  const parsed = parseSamlResponse(samlResponse, issued.getTime());
  if (!parsed.ok) throw new Error(parsed.error.message);
  const acs = parseAcsUrl('https://signin.aws.amazon.com/saml')!;
  return {
    id: captureIdFor(parsed.summary),
    capturedAt: issued.getTime(),
    acs: { ...acs, url: 'https://signin.aws.amazon.com/saml' },
    summary: parsed.summary,
    samlResponse,
  };
}

function okOutcome(capture: Capture, roleArn: string): RoleOutcome {
  const [, partition, , , accountId] = roleArn.split(':');
  return {
    roleArn,
    captureId: capture.id,
    accountId: accountId!,
    roleName: roleArn.split('/').at(-1)!,
    partition: partition as Partition,
    status: 'ok',
    profileName: `${accountId}-${roleArn.split('/').at(-1)}`,
    credentials: CREDENTIALS,
    durationSeconds: 3600,
    assumedAt: ASSUMED_AT,
    stsHost: 'sts.amazonaws.com',
  };
}

const savedOf = (o: RoleOutcome): SavedProfile => ({
  roleArn: o.roleArn,
  profileName: `saved-${o.roleName}`,
  assumedAt: ASSUMED_AT,
  expiration: CREDENTIALS.expiration,
  savedAt: Date.parse('2031-05-04T12:33:00Z'),
  file: '/home/alice/.aws/credentials',
});

const CAPTURE_PROBLEM: CaptureProblem = {
  capturedAt: Date.parse('2031-05-04T12:30:00Z'),
  acsHost: 'signin.aws.amazon.com',
  error: { code: 'untrusted-page', message: 'A sign-in to AWS came from evil.example, which is not a sign-in page. Nothing was taken.' },
  page: 'evil.example',
};
const SAVE_PROBLEM: SaveProblem = {
  at: Date.parse('2031-05-04T12:34:00Z'),
  code: 'unmanaged-profile',
  message: 'The profile 111111111111-Admin in /home/alice/.aws/credentials holds keys this extension did not write. Overwrite it?',
  roleArns: [PROD_ADMIN],
  unmanaged: true,
};

/** What every defined item is to the test: where it says it lives, and its value operations. */
interface Item {
  key: string;
  getValue(): Promise<unknown>;
  setValue(value: unknown): Promise<void>;
  removeValue(): Promise<void>;
}

describe('each item lives in its area under the key browsers already hold', () => {
  const items: [string, Area, string, Item, unknown][] = [
    ['the user’s settings', 'local', 'settings', registry.settingsItem, { ...DEFAULT_SETTINGS, defaultRegion: 'eu-west-1' }],
    ['learnt account aliases', 'local', 'learntAccountAliases', registry.learntAliasesItem, { '111111111111': { alias: 'contoso-prod', seenAt: 1 } }],
    ['the last capture problem', 'session', 'problem', registry.problemItem, CAPTURE_PROBLEM],
    ['the last save problem', 'session', 'save-problem', registry.saveProblemItem, SAVE_PROBLEM],
    ['sessions already reminded about', 'session', 'reminded', registry.remindedItem, { [PROD_ADMIN]: ASSUMED_AT }],
  ];

  it.each(items)('%s: storage.%s, key %s', async (_, area, key, item, value) => {
    expect(item.key).toBe(`${area}:${key}`);
    await item.setValue(value);
    for (const other of AREAS) expect(await fakeBrowser.storage[other].get(null)).toEqual(other === area ? { [key]: value } : {});
    expect(await item.getValue()).toEqual(value);
    await item.removeValue();
    expect(await fakeBrowser.storage[area].get(null)).toEqual({});
    expect(await item.getValue()).toBeNull();
  });

  it('the pure key names are the ones the items use', () => {
    expect(items.map(([, , , item]) => item.key)).toEqual([
      `local:${LOCAL_KEYS.settings}`,
      `local:${LOCAL_KEYS.learntAliases}`,
      `session:${SESSION_KEYS.problem}`,
      `session:${SESSION_KEYS.saveProblem}`,
      `session:${SESSION_KEYS.reminded}`,
    ]);
  });
});

describe('key families: one storage.session key per capture or role', () => {
  const captureIds = (['entra', 'okta', 'adfs', 'google'] as const).map((shape) => captureFrom(shape).id);
  const families: [string, string, KeyFamily, string[]][] = [
    ['captures', 'capture:', registry.captures, [...captureIds, 'https://sts.windows.net/0ld-7e4a-nt/|']],
    ['outcomes', 'outcome:', registry.outcomes, [PROD_ADMIN, GOV_DEPLOYER, CN_READER]],
    ['saved profiles', 'saved:', registry.savedProfiles, [PROD_ADMIN, GOV_DEPLOYER, CN_READER]],
  ];
  const singleKeys = [...Object.values(LOCAL_KEYS), SESSION_KEYS.problem, SESSION_KEYS.saveProblem, SESSION_KEYS.reminded];

  it.each(families)('%s: prefix %s, every id round-trips and belongs to no other family', (_, prefix, family, ids) => {
    expect(family.prefix).toBe(prefix);
    for (const id of ids) {
      const key = family.key(id);
      expect(key).toBe(prefix + id);
      expect(family.idOf(key)).toBe(id);
      for (const [, , other] of families) if (other !== family) expect(other.idOf(key)).toBeUndefined();
    }
    for (const key of singleKeys) expect(family.idOf(key)).toBeUndefined();
  });

  it('the single keys are all different', () => {
    expect(new Set(singleKeys).size).toBe(singleKeys.length);
  });

  it('captures, outcomes and save records are stored under their ids, read back, and removed', async () => {
    const caps = (['entra', 'okta', 'google'] as const).map((shape, i) => captureFrom(shape, [PROD_ADMIN, GOV_DEPLOYER, CN_READER][i]));
    const outs = caps.map((c) => okOutcome(c, c.summary.roles[0]!.roleArn));
    await registry.captures.set(caps);
    await registry.outcomes.set(outs);
    await registry.savedProfiles.set(outs.map(savedOf));
    const session = await fakeBrowser.storage.session.get(null);
    expect(Object.keys(session).sort()).toEqual(
      [...caps.map((c) => `capture:${c.id}`), ...outs.flatMap((o) => [`outcome:${o.roleArn}`, `saved:${o.roleArn}`])].sort(),
    );
    for (const c of caps) expect(await registry.captures.get(c.id)).toEqual(c);
    expect(await registry.outcomes.get(GOV_DEPLOYER)).toEqual(outs[1]);
    expect(await registry.savedProfiles.get(CN_READER)).toEqual(savedOf(outs[2]!));
    expect(await registry.captures.get('https://sts.windows.net/unknown/|')).toBeUndefined();
    await registry.captures.remove([caps[0]!.id]);
    await sessionStore.removeOutcomes([PROD_ADMIN, CN_READER]);
    expect(Object.keys(await fakeBrowser.storage.session.get(null)).sort()).toEqual(
      [`capture:${caps[1]!.id}`, `capture:${caps[2]!.id}`, `outcome:${GOV_DEPLOYER}`, `saved:${GOV_DEPLOYER}`].sort(),
    );
  });
});

describe('watchStorage: one call per change batch, only the watched keys', () => {
  const watchSession = () => {
    const calls: { changes: Record<string, { newValue?: unknown; oldValue?: unknown }>; area: string }[] = [];
    const stop = registry.watchStorage(
      [registry.captures, registry.outcomes, registry.savedProfiles, registry.problemItem, registry.saveProblemItem],
      (changes, area) => calls.push({ changes, area }),
    );
    return { calls, stop };
  };

  it('a write of many roles and a removal of outcomes with their save records each arrive as one call', async () => {
    const capture = captureFrom('entra');
    const outs = [PROD_ADMIN, GOV_DEPLOYER, CN_READER].map((arn) => okOutcome(capture, arn));
    await registry.savedProfiles.set(outs.map(savedOf));
    const { calls, stop } = watchSession();
    await registry.outcomes.set(outs);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.area).toBe('session');
    expect(calls[0]!.changes).toEqual(Object.fromEntries(outs.map((o) => [`outcome:${o.roleArn}`, { oldValue: null, newValue: o }])));
    await sessionStore.removeOutcomes([PROD_ADMIN, GOV_DEPLOYER]);
    expect(calls).toHaveLength(2);
    expect(Object.keys(calls[1]!.changes).sort()).toEqual([`outcome:${GOV_DEPLOYER}`, `outcome:${PROD_ADMIN}`, `saved:${GOV_DEPLOYER}`, `saved:${PROD_ADMIN}`]);
    expect(calls[1]!.changes[`outcome:${PROD_ADMIN}`]).toEqual({ oldValue: outs[0], newValue: null });
    stop();
  });

  it('leaves out keys it does not watch, in the same batch or alone, and keys of the same name in another area', async () => {
    const { calls, stop } = watchSession();
    await fakeBrowser.storage.session.set({ [SESSION_KEYS.problem]: CAPTURE_PROBLEM, [SESSION_KEYS.reminded]: { [PROD_ADMIN]: 1 }, stray: 1 });
    expect(calls.map((c) => Object.keys(c.changes))).toEqual([[SESSION_KEYS.problem]]);
    await sessionStore.saveReminded({ [PROD_ADMIN]: 2 });
    await fakeBrowser.storage.local.set({ [SESSION_KEYS.problem]: CAPTURE_PROBLEM, 'capture:x': {} });
    await fakeBrowser.storage.sync.set({ [SESSION_KEYS.saveProblem]: SAVE_PROBLEM });
    expect(calls).toHaveLength(1);
    stop();
  });

  it('follows the whole policy area and the user’s settings, and nothing after it is stopped', async () => {
    const seen: string[][] = [];
    const stop = registry.watchStorage([registry.settingsItem, 'managed'], (changes, area) => seen.push([area, ...Object.keys(changes)]));
    await fakeBrowser.storage.managed.set({ defaultRegion: 'eu-central-1', allowedAccounts: ['111111111111'] });
    await saveLocalSettings({ ...DEFAULT_SETTINGS, defaultRegion: 'eu-west-1' });
    await fakeBrowser.storage.session.set({ [LOCAL_KEYS.settings]: 1 });
    await learnAliases({ aliases: { '111111111111': 'contoso-prod' }, accountIds: ['111111111111'], source: 'meta' }, 1);
    expect(seen).toEqual([
      ['managed', 'defaultRegion', 'allowedAccounts'],
      ['local', LOCAL_KEYS.settings],
    ]);
    stop();
    await saveLocalSettings(DEFAULT_SETTINGS);
    await fakeBrowser.storage.managed.set({ defaultRegion: 'us-east-1' });
    expect(seen).toHaveLength(2);
  });

  it('watchState hears the first read, then one new state per batch', async () => {
    const capture = captureFrom('okta');
    await sessionStore.saveCapture(capture);
    const states: Awaited<ReturnType<typeof sessionStore.readState>>[] = [];
    const stop = sessionStore.watchState((s) => states.push(s));
    await vi.waitFor(() => expect(states).toHaveLength(1));
    await registry.outcomes.set([okOutcome(capture, PROD_ADMIN), okOutcome(capture, GOV_DEPLOYER)]);
    await sessionStore.saveReminded({ [PROD_ADMIN]: 1 });
    expect(states).toHaveLength(2);
    expect(states[0]!.captures).toEqual([capture]);
    expect(Object.keys(states[1]!.outcomes).sort()).toEqual([GOV_DEPLOYER, PROD_ADMIN]);
    stop();
  });
});

describe('nothing secret outside storage.session', () => {
  it.each<IdpShape>(['entra', 'okta', 'adfs', 'google'])(
    'a %s sign-in, its credentials, a save and the problems: storage.local holds only settings and names, storage.sync nothing',
    async (shape) => {
      const capture = captureFrom(shape);
      const outcome = okOutcome(capture, PROD_ADMIN);
      await sessionStore.saveCapture(capture);
      await sessionStore.saveOutcome(outcome);
      await sessionStore.recordSaved([savedOf(outcome)]);
      await sessionStore.saveSaveProblem(SAVE_PROBLEM);
      await sessionStore.saveProblem(CAPTURE_PROBLEM);
      await sessionStore.saveReminded({ [PROD_ADMIN]: ASSUMED_AT });
      await saveLocalSettings({ ...DEFAULT_SETTINGS, defaultRegion: 'eu-west-1' });
      await learnAliases({ aliases: { '111111111111': 'contoso-prod' }, accountIds: ['111111111111'], source: 'meta' }, 1);

      const local = await fakeBrowser.storage.local.get(null);
      expect(Object.keys(local).sort()).toEqual([LOCAL_KEYS.learntAliases, LOCAL_KEYS.settings]);
      expect(await fakeBrowser.storage.sync.get(null)).toEqual({});
      const outside = JSON.stringify(local);
      for (const secret of [capture.samlResponse!, CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey, CREDENTIALS.sessionToken]) {
        expect(outside).not.toContain(secret);
      }
      const state = await sessionStore.readState();
      expect(state.captures[0]!.samlResponse).toBe(capture.samlResponse);
      expect(state.outcomes[PROD_ADMIN]).toEqual(outcome);
    },
  );

  it('Forget everything empties storage.session whatever the key, and leaves settings and names', async () => {
    const capture = captureFrom('entra');
    await sessionStore.saveCapture(capture);
    await sessionStore.saveOutcome(okOutcome(capture, PROD_ADMIN));
    await sessionStore.saveReminded({ [PROD_ADMIN]: 1 });
    await fakeBrowser.storage.session.set({ 'left-by-another-version': { samlResponse: capture.samlResponse } });
    await saveLocalSettings(DEFAULT_SETTINGS);
    await sessionStore.clearAll();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
    expect(Object.keys(await fakeBrowser.storage.local.get(null))).toEqual([LOCAL_KEYS.settings]);
  });

  it('storage.session is restricted to extension pages where the browser can (Chrome), and nothing fails where it cannot (Firefox)', async () => {
    const session = fakeBrowser.storage.session as unknown as Record<string, unknown>;
    const original = session.setAccessLevel;
    try {
      const setAccessLevel = vi.fn(() => Promise.resolve());
      session.setAccessLevel = setAccessLevel;
      await sessionStore.restrictSessionStorage();
      expect(setAccessLevel).toHaveBeenCalledExactlyOnceWith({ accessLevel: 'TRUSTED_CONTEXTS' });
      session.setAccessLevel = vi.fn(() => Promise.reject(new Error('not allowed here')));
      await expect(sessionStore.restrictSessionStorage()).resolves.toBeUndefined();
      delete session.setAccessLevel;
      await expect(sessionStore.restrictSessionStorage()).resolves.toBeUndefined();
    } finally {
      session.setAccessLevel = original;
    }
  });
});
