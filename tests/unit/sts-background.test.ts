/**
 * The background between "Assume" and "credentials stored", with the browser faked: the pending deadline is armed
 * the moment a role goes pending, a role cut off by a stopped worker turns into plain words, failures speak the
 * IdP's language, retries stop at the assertion's usable-until, and the popup never shows the browser's raw text
 * when the background went away.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Capture, RoleOutcome } from '@/lib/capture';
import type { StsCall, StsTransport } from '@/lib/sts';
import type { IdpShape } from '../support/saml-builder';
import { parseAcsUrl } from '@/lib/partitions';
import { storedCapture } from '../support/stored-capture';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));
// WXT's storage takes the global `chrome` when it is first imported.

const { assumeRoles } = await import('@/lib/background/assume-roles');
const { EXPIRY_ALARM, PENDING_TIMEOUT_MS, WORKER_STARTED_AT, scheduleExpiry } = await import('@/lib/background/expiry');
const { messagingFailureText, sendMessage } = await import('@/lib/browser/messages');
const { saveCapture, saveOutcome, readState } = await import('@/lib/browser/session-store');
const { learnAliases } = await import('@/lib/browser/account-names-store');
const { readGivenNames } = await import('@/lib/browser/profile-names-store');
const { renameProfile } = await import('@/lib/background/rename-profile');

const ADMIN = { roleArn: 'arn:aws:iam::111111111111:role/Admin', providerArn: 'arn:aws:iam::111111111111:saml-provider/EntraID' };
const SIGN_IN_AGAIN: Record<IdpShape, string> = {
  entra: 'Open the AWS tile in My Apps again',
  okta: 'Open the AWS app from your Okta dashboard again',
  adfs: 'Sign in to AWS through your AD FS sign-in page again',
  google: 'Open AWS from your Google apps menu again',
};

/** A capture as the background stores it, parsed from an assertion of the given IdP's shape. */
async function storeCapture(shape: IdpShape, issued = new Date()): Promise<Capture> {
  const capture = storedCapture(shape, [ADMIN], issued);
  await saveCapture(capture);
  return capture;
}

const outcomeOf = async (roleArn = ADMIN.roleArn): Promise<RoleOutcome | undefined> => (await readState()).outcomes[roleArn];

/** A transport that holds every call until `release()`; then answers with an STS error or credentials. */
function heldTransport() {
  const calls: StsCall[] = [];
  let release: (answer: Error | 'ok') => void = () => undefined;
  const answered = new Promise<Error | 'ok'>((resolve) => (release = resolve));
  const transport: StsTransport = async (call) => {
    calls.push(call);
    const answer = await answered;
    if (answer instanceof Error) throw answer;
    return {
      credentials: {
        accessKeyId: 'ASIAQ3EXAMPLEKEY7XYZ',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        sessionToken: `IQoJb3JpZ2luX2VjEJr${'A'.repeat(700)}`,
        expiration: new Date(Date.now() + 3_600_000).toISOString(),
      },
    };
  };
  return { transport, calls, release };
}

function stsError(code: string, message: string, name = code, status = 400): Error {
  return Object.assign(new Error(message), { name, Code: code, $metadata: { httpStatusCode: status } });
}

beforeEach(() => {
  fakeBrowser.reset();
  vi.restoreAllMocks();
});

describe('a wave goes out at once', () => {
  it('every request of a regional wave is sent before anything is written, spread over the region’s equivalent hosts', async () => {
    const roles = ['Admin', 'ReadOnly', 'Deployer', 'Billing'].map((name) => ({
      roleArn: `arn:aws:iam::111111111111:role/${name}`,
      providerArn: ADMIN.providerArn,
    }));
    const acsUrl = 'https://eu-west-1.signin.aws.amazon.com/saml';
    const capture = { ...storedCapture('okta', roles), acs: { ...parseAcsUrl(acsUrl)!, url: acsUrl } };
    await saveCapture(capture);
    const events: string[] = [];
    const held = heldTransport();
    const transport: StsTransport = (call) => {
      events.push(`call ${new URL(call.endpoint).host} ${call.region}`);
      return held.transport(call);
    };
    const set = fakeBrowser.storage.session.set.bind(fakeBrowser.storage.session);
    vi.spyOn(fakeBrowser.storage.session, 'set').mockImplementation((items) => {
      events.push(`write ${Object.keys(items).length}`);
      return set(items);
    });
    const done = assumeRoles({ captureId: capture.id, roleArns: roles.map((r) => r.roleArn), duration: 3600 }, { transport });
    await vi.waitFor(() => expect(held.calls).toHaveLength(4));
    // One write holds every pending state, after the four requests went out.
    expect(events).toEqual([
      'call sts.eu-west-1.amazonaws.com eu-west-1',
      'call sts.eu-west-1.api.aws eu-west-1',
      'call sts.eu-west-1.amazonaws.com eu-west-1',
      'call sts.eu-west-1.api.aws eu-west-1',
      'write 4',
    ]);
    expect(Object.values((await readState()).outcomes).map((o) => o.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
    held.release('ok');
    await expect(done).resolves.toEqual({ ok: true, succeeded: 4, failed: 0 });
    const hosts = Object.values((await readState()).outcomes).map((o) => (o.status === 'ok' ? o.stsHost : o.status));
    expect(hosts.sort()).toEqual(['sts.eu-west-1.amazonaws.com', 'sts.eu-west-1.amazonaws.com', 'sts.eu-west-1.api.aws', 'sts.eu-west-1.api.aws']);
  });
});

describe('a role going pending arms the pending deadline', () => {
  it('sets the expiry alarm for the moment the role counts as cut off, before STS answers', async () => {
    const capture = await storeCapture('entra');
    const held = heldTransport();
    const before = Date.now();
    const done = assumeRoles({ captureId: capture.id, roleArns: [ADMIN.roleArn], duration: 3600 }, { transport: held.transport });
    await vi.waitFor(() => expect(held.calls).toHaveLength(1));
    expect((await outcomeOf())?.status).toBe('pending');
    const alarm = await fakeBrowser.alarms.get(EXPIRY_ALARM);
    expect(alarm).toBeDefined();
    expect(alarm!.scheduledTime).toBeGreaterThanOrEqual(before + PENDING_TIMEOUT_MS);
    expect(alarm!.scheduledTime).toBeLessThanOrEqual(Date.now() + PENDING_TIMEOUT_MS + 1000);
    held.release('ok');
    await done;
    expect((await outcomeOf())?.status).toBe('ok');
  });

  it('never moves an earlier alarm later', async () => {
    const capture = await storeCapture('entra');
    const early = Date.now() + 5000;
    await fakeBrowser.alarms.create(EXPIRY_ALARM, { when: early });
    const held = heldTransport();
    const done = assumeRoles({ captureId: capture.id, roleArns: [ADMIN.roleArn], duration: 3600 }, { transport: held.transport });
    await vi.waitFor(() => expect(held.calls).toHaveLength(1));
    expect((await fakeBrowser.alarms.get(EXPIRY_ALARM))!.scheduledTime).toBe(early);
    held.release('ok');
    await done;
  });

  it('allows for the longest assume (every attempt timing out) before it counts as cut off', () => {
    // 4 requests (3 attempts and the 1 h fallback) × 15 s, plus backoffs, plus time for storage.
    expect(PENDING_TIMEOUT_MS).toBeGreaterThanOrEqual(4 * 15_000 + 6000);
    expect(PENDING_TIMEOUT_MS).toBeLessThanOrEqual(2 * 60_000);
  });
});

describe('a role the stopped worker left pending', () => {
  const pending = (capture: Capture, startedAt: number): RoleOutcome => ({
    roleArn: ADMIN.roleArn,
    captureId: capture.id,
    accountId: '111111111111',
    roleName: 'Admin',
    partition: 'aws',
    status: 'pending',
    startedAt,
  });

  it.each<IdpShape>(['entra', 'okta', 'adfs'])('turns into plain words (%s) as soon as a new worker starts, however recent', async (shape) => {
    const capture = await storeCapture(shape);
    // Started a moment before this worker: the worker that sent it is gone.
    await saveOutcome(pending(capture, WORKER_STARTED_AT - 1000));
    await scheduleExpiry(WORKER_STARTED_AT + 500);
    const out = await outcomeOf();
    expect(out).toMatchObject({ status: 'error', error: { code: 'Interrupted' } });
    if (out?.status !== 'error') return;
    expect(out.error.message).toBe('The request to AWS was cut off before it answered (the browser stopped the extension’s background).');
    // The sign-in is still usable: assuming again is enough, no word of any IdP.
    expect(out.error.action).toBe('Assume this role again.');
  });

  it.each<IdpShape>(['entra', 'okta', 'adfs'])('tells a %s user to sign in again when the sign-in is no longer usable', async (shape) => {
    const capture = await storeCapture(shape, new Date(Date.now() - 6 * 60_000));
    await saveOutcome(pending(capture, WORKER_STARTED_AT - 1000));
    await scheduleExpiry(Date.now());
    const out = await outcomeOf();
    expect(out?.status === 'error' && out.error.action).toBe(`${SIGN_IN_AGAIN[shape]}, then assume this role again.`);
    if (shape !== 'entra') expect(JSON.stringify(out)).not.toMatch(/My Apps|Entra/);
  });

  it('a role this worker is still assuming stays pending until its deadline, then turns into plain words', async () => {
    const capture = await storeCapture('entra');
    const startedAt = Date.now();
    await saveOutcome(pending(capture, startedAt));
    await scheduleExpiry(startedAt + PENDING_TIMEOUT_MS - 1);
    expect((await outcomeOf())?.status).toBe('pending');
    expect((await fakeBrowser.alarms.get(EXPIRY_ALARM))!.scheduledTime).toBeLessThanOrEqual(startedAt + PENDING_TIMEOUT_MS + 1000);
    await scheduleExpiry(startedAt + PENDING_TIMEOUT_MS);
    expect((await outcomeOf())?.status).toBe('error');
  });
});

describe('the expiry reminder', () => {
  it.each<IdpShape>(['entra', 'okta', 'adfs'])('tells a %s user how to get new credentials in their IdP’s words', async (shape) => {
    const capture = await storeCapture(shape);
    const now = Date.now();
    const created = vi.spyOn(fakeBrowser.notifications, 'create');
    await saveOutcome({
      roleArn: ADMIN.roleArn,
      captureId: capture.id,
      accountId: '111111111111',
      roleName: 'Admin',
      partition: 'aws',
      status: 'ok',
      profileName: 'contoso-prod-Admin',
      credentials: {
        accessKeyId: 'ASIAQ3EXAMPLEKEY7XYZ',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        sessionToken: 'IQoJb3JpZ2luX2VjEJr',
        expiration: new Date(now + 8 * 60_000).toISOString(),
      },
      durationSeconds: 3600,
      assumedAt: now - 52 * 60_000,
      stsHost: 'sts.amazonaws.com',
    });
    await scheduleExpiry(now);
    expect(created).toHaveBeenCalledTimes(1);
    const options = created.mock.calls[0]![1] as unknown as { message: string };
    expect(options.message).toBe(`contoso-prod-Admin. ${SIGN_IN_AGAIN[shape]} to get new credentials.`);
  });
});

describe('assumeRoles speaks the IdP’s words and stops at the deadline', () => {
  it.each<IdpShape>(['entra', 'okta', 'adfs'])('an STS refusal for a %s sign-in', async (shape) => {
    const capture = await storeCapture(shape);
    const held = heldTransport();
    held.release(stsError('ExpiredTokenException', 'Token must be redeemed within 5 minutes of issuance'));
    await assumeRoles({ captureId: capture.id, roleArns: [ADMIN.roleArn], duration: 3600 }, { transport: held.transport });
    const out = await outcomeOf();
    expect(out?.status === 'error' && out.error.action).toBe(`${SIGN_IN_AGAIN[shape]}, then assume your roles right away.`);
  });

  it.each<IdpShape>(['entra', 'okta'])('a %s sign-in whose assertion is gone', async (shape) => {
    const capture = await storeCapture(shape);
    await saveCapture({ ...capture, samlResponse: undefined });
    const answer = await assumeRoles({ captureId: capture.id, roleArns: [ADMIN.roleArn], duration: 3600 });
    expect(answer).toEqual({
      ok: false,
      message: `This sign-in is older than 5 minutes, and AWS only accepts a SAML sign-in within 5 minutes of issue. ${SIGN_IN_AGAIN[shape]}, then assume your roles right away.`,
    });
  });

  it('an unknown sign-in gets neutral words', async () => {
    const answer = await assumeRoles({ captureId: 'gone', roleArns: [ADMIN.roleArn], duration: 3600 });
    expect(answer).toEqual({ ok: false, message: 'That sign-in is no longer known. Sign in to AWS through your identity provider again.' });
  });

  it('retries stop at the assertion’s usable-until', async () => {
    // Issued 4 min 59.5 s ago: usable for another half second.
    const capture = await storeCapture('entra', new Date(Date.now() - 5 * 60_000 + 500));
    const calls: StsCall[] = [];
    const transport: StsTransport = async (call) => {
      calls.push(call);
      throw stsError('Throttling', 'Rate exceeded');
    };
    await assumeRoles({ captureId: capture.id, roleArns: [ADMIN.roleArn], duration: 3600 }, { transport, backoffMs: () => 1000, sleep: async () => undefined });
    expect(calls).toHaveLength(1);
    const out = await outcomeOf();
    expect(out?.status === 'error' && out.error.message).toMatch(/stopped trying/);
  });
});

describe('the popup’s messages when the background went away', () => {
  it.each([
    [
      'Chrome, worker stopped mid-call',
      'A listener indicated an asynchronous response by returning true, but the message channel closed before a response was received',
    ],
    ['Chrome, port closed', 'The message port closed before a response was received.'],
    ['Chrome, no background', 'Could not establish connection. Receiving end does not exist.'],
    ['Firefox, event page unloaded', 'Message manager disconnected'],
    ['Firefox, promise dropped', 'Promised response from onMessage listener went out of scope'],
  ])('%s: plain words, not the browser’s text', async (_name, raw) => {
    expect(messagingFailureText(new Error(raw))).toBe('the browser stopped the extension’s background before it answered');
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockRejectedValueOnce(new Error(raw));
    await expect(sendMessage('assume', { captureId: 'c', roleArns: [], duration: 3600 })).rejects.toThrow(
      /^the browser stopped the extension’s background before it answered$/,
    );
  });

  it('any other failure keeps its own words, bounded', () => {
    expect(messagingFailureText(new Error('Quota exceeded'))).toBe('Quota exceeded');
    expect(messagingFailureText(new Error('x'.repeat(1000))).length).toBeLessThanOrEqual(200);
  });
});

describe('a learnt alias never renames a profile on its own', () => {
  const assumeOnce = async () => {
    const capture = await storeCapture('entra');
    const { transport, release } = heldTransport();
    release('ok');
    await assumeRoles({ captureId: capture.id, roleArns: [ADMIN.roleArn], duration: 3600 }, { transport });
    const out = await outcomeOf();
    return out?.status === 'ok' ? out.profileName : out?.status;
  };

  it('named by account id before the alias was learnt: keeps that name after; a role never named gets the alias', async () => {
    expect(await assumeOnce()).toBe('111111111111-Admin');
    await learnAliases({ aliases: { '111111111111': 'contoso-prod' }, accountIds: ['111111111111'], source: 'meta' }, 1);
    expect(await assumeOnce()).toBe('111111111111-Admin');
    expect(await readGivenNames()).toEqual({ [ADMIN.roleArn]: { name: '111111111111-Admin', plain: '111111111111-Admin' } });

    fakeBrowser.reset();
    await learnAliases({ aliases: { '111111111111': 'contoso-prod' }, accountIds: ['111111111111'], source: 'meta' }, 1);
    expect(await assumeOnce()).toBe('contoso-prod-Admin');
  });

  it('offers the rename; accepting it names the role so from then on', async () => {
    expect(await assumeOnce()).toBe('111111111111-Admin');
    await learnAliases({ aliases: { '111111111111': 'contoso-prod' }, accountIds: ['111111111111'], source: 'meta' }, 1);
    expect(await assumeOnce()).toBe('111111111111-Admin');
    expect(await outcomeOf()).toMatchObject({ status: 'ok', renameTo: 'contoso-prod-Admin' });

    expect(await renameProfile({ roleArn: ADMIN.roleArn })).toEqual({ ok: true, name: 'contoso-prod-Admin' });
    const renamed = await outcomeOf();
    expect(renamed).toMatchObject({ status: 'ok', profileName: 'contoso-prod-Admin' });
    expect(renamed).not.toHaveProperty('renameTo');
    expect(await assumeOnce()).toBe('contoso-prod-Admin');
    expect(await outcomeOf()).not.toHaveProperty('renameTo');
    expect(await renameProfile({ roleArn: ADMIN.roleArn })).toEqual({ ok: false, message: 'There is no rename to accept for this role any more.' });
  });
});
