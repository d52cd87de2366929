/**
 * The extension's agent service (lib/background/agent.ts) with the browser faked: which sessions the helper gets
 * (with their sign-in source, the `[default]` copy, nothing expired) and what the default renewer answers when a
 * sign-in can no longer be redeemed — in the words of the IdP that issued it.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { idpWords } from '@/lib/idp';
import { sourceKeyFor } from '@/lib/sign-in-source';
import type { RoleOutcome } from '@/lib/capture';
import { storedCapture } from '../support/stored-capture';
import type { IdpShape } from '../support/saml-builder';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));

const { agentSessions, assumeAgainRenewer } = await import('@/lib/background/agent');
const { saveCapture, saveOutcome } = await import('@/lib/browser/session-store');
const { defaultSettings } = await import('@/lib/settings');

const ADMIN = { roleArn: 'arn:aws:iam::111111111111:role/Admin', providerArn: 'arn:aws:iam::111111111111:saml-provider/IdP' };
const READONLY = { roleArn: 'arn:aws:iam::111111111111:role/ReadOnly', providerArn: 'arn:aws:iam::111111111111:saml-provider/IdP' };

function ok(captureId: string, roleArn: string, profileName: string, leftMs: number): RoleOutcome {
  return {
    roleArn,
    captureId,
    accountId: '111111111111',
    roleName: roleArn.split('/').pop()!,
    partition: 'aws',
    status: 'ok',
    profileName,
    credentials: {
      accessKeyId: `ASIA${profileName
        .toUpperCase()
        .replace(/[^A-Z]/g, '')
        .padEnd(16, 'X')}`,
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      sessionToken: 'IQoJb3JpZ2luX2VjEJr//token',
      expiration: new Date(Date.now() + leftMs).toISOString(),
    },
    durationSeconds: 900,
    assumedAt: Date.now(),
    stsHost: 'sts.amazonaws.com',
  };
}

beforeEach(() => fakeBrowser.reset());

describe('agentSessions', () => {
  it('every live session with its sign-in source, plus the [default] copy; expired ones left out', async () => {
    const capture = storedCapture('okta', [ADMIN, READONLY]);
    await saveCapture(capture);
    await saveOutcome(ok(capture.id, ADMIN.roleArn, 'prod-admin', 15 * 60_000));
    await saveOutcome(ok(capture.id, READONLY.roleArn, 'prod-readonly', -1000));
    const settings = { ...defaultSettings(), defaultProfileRole: ADMIN.roleArn };
    const sessions = await agentSessions(settings);
    expect(sessions.map((s) => [s.profile, s.roleArn, s.sourceKey])).toEqual([
      ['prod-admin', ADMIN.roleArn, sourceKeyFor(capture)],
      ['default', ADMIN.roleArn, sourceKeyFor(capture)],
    ]);
    expect(sessions[0]!.credentials.accessKeyId).toBe('ASIAPRODADMINXXXXXXX');
  });
});

describe('assumeAgainRenewer', () => {
  it.each<IdpShape>(['entra', 'okta', 'adfs', 'google'])('%s: a sign-in STS no longer accepts → needs sign-in, in that IdP’s words', async (shape) => {
    const capture = storedCapture(shape, [ADMIN], new Date(Date.now() - 20 * 60_000));
    await saveCapture({ ...capture, samlResponse: undefined });
    await saveOutcome(ok(capture.id, ADMIN.roleArn, 'prod-admin', 5 * 60_000));
    await expect(assumeAgainRenewer([ADMIN.roleArn])).resolves.toEqual({
      ok: false,
      reason: 'needs-sign-in',
      message: `The sign-in is too old to renew these credentials. ${idpWords(shape).signInAgain}.`,
    });
  });

  it('roles the browser no longer has a sign-in for → needs sign-in, neutral words', async () => {
    await expect(assumeAgainRenewer([ADMIN.roleArn])).resolves.toEqual({
      ok: false,
      reason: 'needs-sign-in',
      message: `These roles have no sign-in in the browser any more. ${idpWords(undefined).signInAgain}.`,
    });
  });
});
