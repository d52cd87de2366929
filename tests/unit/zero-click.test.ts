/**
 * The zero-click sign-in in the background (lib/background/zero-click.ts with assume-roles.ts and the remembered
 * store), the browser faked and the credentials helper's native port injected: only the user's Assume is
 * remembered, a new sign-in assumes the remembered roles when its switch is on (and not when it is off or the
 * organisation says no), auto-save follows the helper when the user never chose, and what happened is one line of
 * plain data in storage.session — never key material in storage.local.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { HostRequest } from '@/lib/host-protocol';
import type { StsCall, StsTransport } from '@/lib/sts';
import { LOCAL_KEYS } from '@/lib/storage-keys';
import { sourceKeyFor } from '@/lib/sign-in-source';
import { fakePort } from '../support/fake-port';
import { storedCapture } from '../support/stored-capture';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));

const { assumeRoles } = await import('@/lib/background/assume-roles');
const { assumeRemembered, onCaptured } = await import('@/lib/background/zero-click');
const { autoSaveDecision } = await import('@/lib/background/credentials-host');
const { readRemembered, readZeroClickRuns, rememberChoice, setAutoAssume } = await import('@/lib/browser/remembered-store');
const { readState, saveCapture } = await import('@/lib/browser/session-store');
const { updateLocalSettings } = await import('@/lib/browser/settings-store');

const role = (account: string, name: string) => ({
  roleArn: `arn:aws:iam::${account}:role/${name}`,
  providerArn: `arn:aws:iam::${account}:saml-provider/EntraID`,
});
const PROD_ADMIN = role('111111111111', 'Admin');
const PROD_READONLY = role('111111111111', 'ReadOnly');
const DEV_DEPLOYER = role('222222222222', 'Deployer');
const ROLES = [PROD_ADMIN, PROD_READONLY, DEV_DEPLOYER];
const FILE = '/home/alice/.aws/credentials';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = `IQoJb3JpZ2luX2VjEJr${'A'.repeat(700)}`;

let calls: StsCall[];
const sts: StsTransport = async (call) => {
  calls.push(call);
  const id = call.roleArn
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(-16)
    .toUpperCase()
    .padStart(16, 'X');
  return {
    credentials: { accessKeyId: `ASIA${id}`, secretAccessKey: SECRET, sessionToken: TOKEN, expiration: new Date(Date.now() + 3_600_000).toISOString() },
  };
};

type Helper = 'answers' | 'missing';
let port: ReturnType<typeof fakePort>;
let connectNative: ReturnType<typeof vi.spyOn>;

/** The helper as the port sees it: it answers ping and write-profiles at once, or it is not installed. */
function helper(kind: Helper): void {
  port = fakePort();
  const post = port.postMessage;
  port.postMessage = (message) => {
    post(message);
    const request = message as HostRequest;
    const base = { v: 1, id: request.id, ok: true, type: request.type };
    if (request.type === 'ping') {
      queueMicrotask(() =>
        port.reply({
          ...base,
          hostVersion: '1.0.0',
          protocol: 1,
          platform: 'linux',
          credentialsFile: { path: FILE, exists: true, mode: '0600', target: null },
        }),
      );
    } else if (request.type === 'write-profiles') {
      queueMicrotask(() => port.reply({ ...base, credentialsFile: FILE, written: request.profiles.map((p) => p.name), changed: true, backupFile: null }));
    }
  };
  // The helper and the extension are the same version (the version check: lib/helper-version.ts).
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ version: '1.0.0' } as never);
  connectNative = vi.spyOn(fakeBrowser.runtime, 'connectNative');
  if (kind === 'answers') connectNative.mockReturnValue(port as never);
  else
    connectNative.mockImplementation(() => {
      throw new Error('Specified native messaging host not found.');
    });
}
const requests = (type: string) => port.posted.filter((m) => m.type === type) as unknown as HostRequest[];

let capture: ReturnType<typeof storedCapture>;

beforeEach(async () => {
  fakeBrowser.reset();
  vi.restoreAllMocks();
  calls = [];
  helper('answers');
  capture = storedCapture('entra', ROLES);
  await saveCapture(capture);
});

afterEach(() => {
  // The helper goes away, so the background's client opens a new port in the next test.
  port.drop();
});

/** A second sign-in from the same source, later (a new assertion). */
async function signInAgain(): Promise<typeof capture> {
  const next = storedCapture('entra', ROLES, new Date(Date.now() + 1000));
  await saveCapture(next);
  return next;
}

describe('only the user’s Assume is remembered', () => {
  it('the user’s Assume records the roles and duration for the sign-in’s source; an automatic one records nothing', async () => {
    await updateLocalSettings((s) => ({ ...s, delivery: { ...s.delivery, autoSaveToHost: false } }));
    await assumeRoles({ captureId: capture.id, roleArns: [PROD_ADMIN.roleArn, DEV_DEPLOYER.roleArn], duration: 7200 }, { transport: sts });
    const key = sourceKeyFor(capture);
    const first = await readRemembered(key);
    expect(first).toMatchObject({ roleArns: [PROD_ADMIN.roleArn, DEV_DEPLOYER.roleArn], durationSeconds: 7200, label: 'AWS · Microsoft Entra ID' });

    await assumeRoles({ captureId: capture.id, roleArns: [PROD_READONLY.roleArn], duration: 900 }, { transport: sts }, { automatic: true });
    expect(await readRemembered(key)).toEqual(first);

    const again = await signInAgain();
    await onCaptured(again, { transport: sts });
    expect(await readRemembered(key)).toEqual(first);
  });

  it('a request the background refuses records nothing', async () => {
    await assumeRoles({ captureId: capture.id, roleArns: ['arn:aws:iam::999999999999:role/NotOffered'], duration: 3600 }, { transport: sts });
    expect(await readRemembered(sourceKeyFor(capture))).toBeUndefined();
  });
});

describe('a new sign-in assumes the remembered roles by itself', () => {
  const remember = () =>
    rememberChoice(sourceKeyFor(capture), {
      roleArns: [PROD_ADMIN.roleArn, DEV_DEPLOYER.roleArn, 'arn:aws:iam::444444444444:role/Gone'],
      durationSeconds: 7200,
    });

  it('on by default once a choice was made: the roles still offered, with the remembered duration, saved by the helper', async () => {
    await remember();
    const again = await signInAgain();
    await onCaptured(again, { transport: sts });
    expect(calls.map((c) => [c.roleArn, c.durationSeconds]).sort()).toEqual([
      [PROD_ADMIN.roleArn, 7200],
      [DEV_DEPLOYER.roleArn, 7200],
    ]);
    // Auto-save was never set: the helper answered its ping, so the two profiles were written.
    expect(requests('ping')).toHaveLength(1);
    const [write] = requests('write-profiles');
    expect(write && write.type === 'write-profiles' && write.profiles.map((p) => p.name).sort()).toEqual(['111111111111-Admin', '222222222222-Deployer']);
    const run = (await readZeroClickRuns())[sourceKeyFor(again)];
    expect(run).toMatchObject({ reason: 'sign-in', assumed: 2, failed: 0, saved: 2 });
    expect(run!.freshUntil).toBeGreaterThan(Date.now() + 3_500_000);
  });

  it('the badge’s tooltip says what happened, while the sign-in is held', async () => {
    await remember();
    const again = await signInAgain();
    await onCaptured(again, { transport: sts });
    expect(await fakeBrowser.action.getBadgeText({})).toBe('2');
    expect(await fakeBrowser.action.getTitle({})).toMatch(/\n2 profiles saved \d\d:\d\d( [AP]M)?, fresh until \d\d:\d\d( [AP]M)?$/);
  });

  it('returns what it did, for the renewal: the roles that got credentials, when they were saved and until when they are fresh', async () => {
    await remember();
    const before = Date.now();
    const result = await assumeRemembered(capture, { reason: 'renewal' }, { transport: sts });
    expect(result.succeeded.sort()).toEqual([PROD_ADMIN.roleArn, DEV_DEPLOYER.roleArn]);
    expect(result.failed).toBe(0);
    expect(result.savedAt).toBeGreaterThanOrEqual(before);
    expect(result.freshUntil).toBeGreaterThan(before + 3_500_000);
    expect((await readZeroClickRuns())[sourceKeyFor(capture)]).toMatchObject({ reason: 'renewal', saved: 2 });
  });

  it('nothing remembered for the source: nothing assumed', async () => {
    await onCaptured(await signInAgain(), { transport: sts });
    expect(calls).toEqual([]);
    expect(await readZeroClickRuns()).toEqual({});
  });

  it('another source is not affected by this one’s memory', async () => {
    await remember();
    const okta = storedCapture('okta', ROLES);
    await saveCapture(okta);
    await onCaptured(okta, { transport: sts });
    expect(calls).toEqual([]);
  });

  it.each([
    ['the source’s switch is off', { source: false }],
    ['the default is off and the source never switched', { global: false }],
    ['the organisation says off, though the source is on', { source: true, policy: false }],
  ])('not when %s', async (_title, { source, global, policy }: { source?: boolean; global?: boolean; policy?: boolean }) => {
    await remember();
    if (source !== undefined) await setAutoAssume(sourceKeyFor(capture), source);
    if (global !== undefined) await updateLocalSettings((s) => ({ ...s, zeroClick: { autoAssume: global } }));
    if (policy !== undefined) await fakeBrowser.storage.managed.set({ zeroClick: { autoAssume: policy } });
    await onCaptured(await signInAgain(), { transport: sts });
    expect(calls).toEqual([]);
    expect(connectNative).not.toHaveBeenCalled();
  });

  it('the organisation’s “on” wins over the source’s switch', async () => {
    await remember();
    await setAutoAssume(sourceKeyFor(capture), false);
    await fakeBrowser.storage.managed.set({ zeroClick: { autoAssume: true } });
    await onCaptured(await signInAgain(), { transport: sts });
    expect(calls).toHaveLength(2);
  });

  it('the same sign-in twice at once is assumed once', async () => {
    await remember();
    await Promise.all([
      assumeRemembered(capture, { reason: 'renewal' }, { transport: sts }),
      assumeRemembered(capture, { reason: 'sign-in' }, { transport: sts }),
    ]);
    expect(calls).toHaveLength(2);
  });

  it('keeps only role ARNs, durations, times and titles in storage.local; the run line holds no key material either', async () => {
    await remember();
    await onCaptured(await signInAgain(), { transport: sts });
    const local = JSON.stringify(await fakeBrowser.storage.local.get(null));
    const runs = JSON.stringify(await readZeroClickRuns());
    expect(local).toContain(LOCAL_KEYS.remembered);
    for (const text of [local, runs]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(TOKEN.slice(0, 40));
      expect(text).not.toMatch(/ASIA[A-Z0-9]{16}/);
      expect(text).not.toContain(capture.samlResponse!.slice(0, 40));
    }
  });
});

describe('auto-save: on when the helper is installed, unless the user or the organisation chose', () => {
  it.each([
    ['unset, the helper answers', null, 'answers', true, 1],
    ['unset, no helper', null, 'missing', false, 0],
    ['on, no helper asked', true, 'answers', true, 0],
    ['off, no helper asked', false, 'answers', false, 0],
  ] as const)('%s', async (_title, setting, kind, save, pings) => {
    port.drop();
    vi.restoreAllMocks();
    helper(kind);
    expect((await autoSaveDecision(setting)).save).toBe(save);
    expect(requests('ping')).toHaveLength(pings);
  });

  it('the user’s own Assume saves when never set and the helper answers; the policy’s “off” wins', async () => {
    await assumeRoles({ captureId: capture.id, roleArns: [PROD_ADMIN.roleArn], duration: 3600 }, { transport: sts });
    expect(requests('write-profiles')).toHaveLength(1);
    expect(Object.keys((await readState()).saved)).toEqual([PROD_ADMIN.roleArn]);

    await fakeBrowser.storage.managed.set({ delivery: { autoSaveToHost: false } });
    await assumeRoles({ captureId: capture.id, roleArns: [PROD_READONLY.roleArn], duration: 3600 }, { transport: sts });
    expect(requests('write-profiles')).toHaveLength(1);
  });

  it('zero-click without a helper: assumed, and the line says why nothing was saved', async () => {
    port.drop();
    vi.restoreAllMocks();
    helper('missing');
    await rememberChoice(sourceKeyFor(capture), { roleArns: [PROD_ADMIN.roleArn], durationSeconds: 3600 });
    await onCaptured(await signInAgain(), { transport: sts });
    expect((await readZeroClickRuns())[sourceKeyFor(capture)]).toMatchObject({
      assumed: 1,
      notSaved: 'the credentials helper is not installed (the popup shows how)',
    });
  });
});
