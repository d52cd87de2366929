/**
 * The popup's storage sources (components/use-session-state.ts, components/popup/use-popup-settings.ts) with the browser faked:
 * the first state comes whole, and an Assume that writes each role's outcome on its own reaches the popup as one
 * new state per batch of queued writes, not one per write (each new state re-renders 300 rows and rebuilds the
 * delivery texts).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Capture, RoleOutcome } from '@/lib/capture';
import type { IdpShape } from '../support/saml-builder';
import { DEFAULT_SETTINGS } from '@/lib/settings';
import { LOCAL_KEYS, SESSION_KEYS } from '@/lib/storage-keys';
import { storedCapture } from '../support/stored-capture';
import { resetFakeBrowser } from '../support/fake-browser';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));
const { saveCapture, saveOutcome } = await import('@/lib/browser/session-store');
const { followSessionState } = await import('@/components/use-session-state');
const { startPopupSources } = await import('@/components/App');
const { rememberChoice } = await import('@/lib/browser/remembered-store');

// The popup reads the version the settings mirror must carry.
beforeEach(() => resetFakeBrowser('2.4.0'));

const rolesIn = (partition: string, account: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    roleArn: `arn:${partition}:iam::${account}:role/Role${i}`,
    providerArn: `arn:${partition}:iam::${account}:saml-provider/IdP`,
  }));

function pending(capture: Capture, roleArn: string): RoleOutcome {
  return {
    roleArn,
    captureId: capture.id,
    accountId: roleArn.split(':')[4]!,
    roleName: roleArn.split('/').pop()!,
    partition: 'aws',
    status: 'pending',
    startedAt: Date.now(),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 5));

describe('followSessionState', () => {
  it.each<[IdpShape, string, string]>([
    ['entra', 'aws', '111111111111'],
    ['okta', 'aws-us-gov', '222222222222'],
    ['adfs', 'aws-cn', '333333333333'],
    ['google', 'aws', '444444444444'],
  ])('%s sign-in (%s): the first state whole, then 20 outcomes written one by one arrive as one state', async (shape, partition, account) => {
    const roles = rolesIn(partition, account, 20);
    const capture = storedCapture(shape, roles);
    await saveCapture(capture);
    const source = followSessionState();
    const seen: unknown[] = [];
    source.subscribe((s) => seen.push(s));
    const first = await source.ready;
    expect(first.status === 'ready' && first.state.captures.map((c) => c.id)).toEqual([capture.id]);
    await settle();
    seen.length = 0;
    for (const role of roles) await saveOutcome(pending(capture, role.roleArn));
    await settle();
    expect(seen).toHaveLength(1);
    const latest = source.current();
    expect(latest?.status === 'ready' && Object.keys(latest.state.outcomes).sort()).toEqual(roles.map((r) => r.roleArn).sort());
  });
});

describe('startPopupSources', () => {
  const ADMIN = 'arn:aws:iam::111111111111:role/Admin';
  const ENTRA = 'https://sts.windows.net/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/|https://signin.aws.amazon.com/saml|https://signin.aws.amazon.com/saml';

  it('reads the remembered roles with the rest before the first render (their ticks come with the rows)', async () => {
    await saveCapture(storedCapture('entra', [{ roleArn: ADMIN, providerArn: 'arn:aws:iam::111111111111:saml-provider/EntraID' }]));
    await rememberChoice(ENTRA, { roleArns: [ADMIN], durationSeconds: 7200, label: 'AWS · Microsoft Entra ID' }, 1_000);
    const sources = startPopupSources();
    await sources.ready;
    expect(sources.remembered.current()?.[ENTRA]?.roleArns).toEqual([ADMIN]);
    expect(sources.session.current()?.status).toBe('ready');
  });

  it('the settings come with the first batch, from the background’s mirror', async () => {
    const pinned = { ...DEFAULT_SETTINGS, pinnedRoles: [ADMIN] };
    await fakeBrowser.storage.session.set({ [SESSION_KEYS.settingsMirror]: { extensionVersion: '2.4.0', settings: pinned, locked: ['allowedAccounts'] } });
    const sources = startPopupSources();
    await sources.ready;
    expect(sources.settings.current()).toEqual({ settings: pinned, locked: new Set(['allowedAccounts']) });
  });

  it('an unreadable memory counts as nothing remembered and does not hold up the first render', async () => {
    vi.spyOn(fakeBrowser.storage.local, 'get').mockImplementation((keys) =>
      keys === LOCAL_KEYS.remembered ? Promise.reject(new Error('storage is broken')) : Promise.resolve({}),
    );
    try {
      const sources = startPopupSources();
      await sources.ready;
      expect(sources.remembered.current()).toEqual({});
    } finally {
      vi.restoreAllMocks();
    }
  });
});
