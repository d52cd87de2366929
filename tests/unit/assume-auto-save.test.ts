/**
 * Auto-save after Assume (lib/background/assume-roles.ts with `delivery.autoSaveToHost`), with the browser faked
 * and the credentials helper's native port injected through `runtime.connectNative`: the helper is asked to write
 * exactly the roles this Assume got credentials for — not the ones that failed, not live sessions of an earlier
 * Assume — and nothing at all when the option is off or no role succeeded. The result is recorded like a Save.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { WriteProfilesRequest } from '@/lib/host-protocol';
import type { StsTransport } from '@/lib/sts';
import { fakePort } from '../support/fake-port';
import { storedCapture } from '../support/stored-capture';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));

const { assumeRoles } = await import('@/lib/background/assume-roles');
const { readState, saveCapture } = await import('@/lib/browser/session-store');
const { updateLocalSettings } = await import('@/lib/browser/settings-store');

const role = (account: string, name: string) => ({
  roleArn: `arn:aws:iam::${account}:role/${name}`,
  providerArn: `arn:aws:iam::${account}:saml-provider/EntraID`,
  profile: `${account}-${name}`,
});
const PROD_ADMIN = role('111111111111', 'Admin');
const PROD_READONLY = role('111111111111', 'ReadOnly');
const DEV_DEPLOYER = role('222222222222', 'Deployer');
const ROLES = [PROD_ADMIN, PROD_READONLY, DEV_DEPLOYER];
const FILE = '/home/dev/.aws/credentials';

/** STS answering with credentials whose key id names the role, except for the roles in `refused` (AccessDenied). */
function sts(refused: readonly string[] = []): StsTransport {
  return async (call) => {
    if (refused.includes(call.roleArn)) {
      throw Object.assign(new Error('Not authorized to perform sts:AssumeRoleWithSAML'), {
        name: 'AccessDenied',
        Code: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      });
    }
    return {
      credentials: {
        accessKeyId: keyIdOf(call.roleArn),
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        sessionToken: `IQoJb3JpZ2luX2VjEJr${'A'.repeat(700)}`,
        expiration: new Date(Date.now() + 3_600_000).toISOString(),
      },
    };
  };
}
/** A distinct, well-formed access key id per role. */
const keyIdOf = (roleArn: string) =>
  `ASIA${roleArn
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(-16)
    .toUpperCase()
    .padStart(16, 'X')}`;

let capture: ReturnType<typeof storedCapture>;
let port: ReturnType<typeof fakePort>;
let connectNative: ReturnType<typeof vi.spyOn>;

async function setAutoSave(on: boolean): Promise<void> {
  await updateLocalSettings((s) => ({ ...s, delivery: { ...s.delivery, autoSaveToHost: on } }));
}

const assume = (arns: string[], refused: string[] = []) => assumeRoles({ captureId: capture.id, roleArns: arns, duration: 3600 }, { transport: sts(refused) });

/** Waits for the helper's one request, answers it as the helper does, and returns it. */
async function answerWrite(): Promise<WriteProfilesRequest> {
  await vi.waitFor(() => expect(port.posted).toHaveLength(1));
  const request = port.posted[0] as unknown as WriteProfilesRequest;
  port.reply({
    v: 1,
    id: request.id,
    ok: true,
    type: 'write-profiles',
    credentialsFile: FILE,
    written: request.profiles.map((p) => p.name),
    changed: true,
    backupFile: null,
  });
  return request;
}

beforeEach(async () => {
  fakeBrowser.reset();
  vi.restoreAllMocks();
  port = fakePort();
  connectNative = vi.spyOn(fakeBrowser.runtime, 'connectNative').mockReturnValue(port as never);
  capture = storedCapture('entra', ROLES);
  await saveCapture(capture);
});

afterEach(() => {
  // The helper goes away, so the background's client opens a new port in the next test.
  port.drop();
});

describe('auto-save after Assume', () => {
  it.each([
    ['every role assumed', [], [PROD_ADMIN, PROD_READONLY, DEV_DEPLOYER]],
    ['one role refused by STS', [PROD_READONLY.roleArn], [PROD_ADMIN, DEV_DEPLOYER]],
    ['all but one refused', [PROD_ADMIN.roleArn, DEV_DEPLOYER.roleArn], [PROD_READONLY]],
  ])('%s: the helper writes exactly the roles that got credentials, and the popup learns where', async (_title, refused, written) => {
    await setAutoSave(true);
    const done = assume(
      ROLES.map((r) => r.roleArn),
      refused,
    );
    const request = await answerWrite();
    expect(await done).toEqual({ ok: true, succeeded: written.length, failed: refused.length });

    expect(request.type).toBe('write-profiles');
    expect(request.overwriteUnmanaged).toBeUndefined();
    expect(request.profiles.map((p) => [p.name, p.credentials.accessKeyId]).sort()).toEqual(written.map((r) => [r.profile, keyIdOf(r.roleArn)]).sort());
    expect(connectNative).toHaveBeenCalledTimes(1);
    const { saved } = await readState();
    expect(Object.keys(saved).sort()).toEqual(written.map((r) => r.roleArn).sort());
    for (const r of written) expect(saved[r.roleArn]).toMatchObject({ profileName: r.profile, file: FILE });
  });

  it('leaves out live sessions of an earlier Assume', async () => {
    await setAutoSave(false);
    expect(await assume([PROD_ADMIN.roleArn])).toMatchObject({ succeeded: 1 });
    await setAutoSave(true);
    const done = assume([DEV_DEPLOYER.roleArn]);
    const request = await answerWrite();
    await done;
    expect(request.profiles.map((p) => p.name)).toEqual([DEV_DEPLOYER.profile]);
    expect((await readState()).outcomes[PROD_ADMIN.roleArn]).toMatchObject({ status: 'ok' });
  });

  it.each([
    ['the option is off', false, []],
    ['no role got credentials', true, ROLES.map((r) => r.roleArn)],
  ])('does not start the helper when %s', async (_title, autoSave, refused) => {
    await setAutoSave(autoSave);
    const answer = await assume(
      ROLES.map((r) => r.roleArn),
      refused,
    );
    expect(answer).toEqual({ ok: true, succeeded: ROLES.length - refused.length, failed: refused.length });
    expect(connectNative).not.toHaveBeenCalled();
    const state = await readState();
    expect(state.saved).toEqual({});
    expect(state.saveProblem).toBeUndefined();
  });
});
