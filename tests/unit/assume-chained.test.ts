/**
 * The background assumes chained roles (settings `chainedRoles`) right after their source, with the source
 * session's credentials at the source's STS endpoint, and stores them as role outcomes with `chainedFrom`.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { ChainCall, ChainTransport, StsCall, StsTransport } from '@/lib/sts';
import { storedCapture } from '../support/stored-capture';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));

const { assumeRoles } = await import('@/lib/background/assume-roles');
const { saveCapture, readState } = await import('@/lib/browser/session-store');
const { updateLocalSettings } = await import('@/lib/browser/settings-store');

const ADMIN = { roleArn: 'arn:aws:iam::111111111111:role/Admin', providerArn: 'arn:aws:iam::111111111111:saml-provider/EntraID' };
const READONLY = { roleArn: 'arn:aws:iam::111111111111:role/ReadOnly', providerArn: ADMIN.providerArn };
const AUDITOR = 'arn:aws:iam::777777777777:role/OrgAuditor';
const NETWORK = 'arn:aws:iam::777777777777:role/ops/NetworkAdmin';

const creds = (tag: string) => ({
  accessKeyId: `ASIA${tag.padEnd(16, 'X')}`,
  secretAccessKey: `wJalrXUtnFEMI/K7MDENG/bPxRfiCY${tag.padEnd(10, 'Y')}`,
  sessionToken: `IQoJb3JpZ2luX2VjEJr${tag.repeat(100)}`,
  expiration: new Date(Date.now() + 3_600_000).toISOString(),
});

function transports(chainAnswer: (call: ChainCall) => Error | 'ok' = () => 'ok') {
  const order: string[] = [];
  const samlCalls: StsCall[] = [];
  const chainCalls: ChainCall[] = [];
  const saml: StsTransport = async (call) => {
    samlCalls.push(call);
    order.push(call.roleArn);
    return { credentials: creds(call.roleArn.endsWith('Admin') ? 'SRCADMIN' : 'SRCREAD') };
  };
  const chain: ChainTransport = async (call) => {
    chainCalls.push(call);
    order.push(call.roleArn);
    const answer = chainAnswer(call);
    if (answer instanceof Error) throw answer;
    return { credentials: creds('CHAINED'), assumedRoleArn: `arn:aws:sts::777777777777:assumed-role/OrgAuditor/${call.roleSessionName}` };
  };
  return { order, samlCalls, chainCalls, options: { transport: saml, chainTransport: chain, sleep: async () => undefined, backoffMs: () => 0 } };
}

beforeEach(() => {
  fakeBrowser.reset();
});

describe('chained roles in the background', () => {
  it('assumes the chained role after its source, signed with the source’s session at the same endpoint', async () => {
    const capture = storedCapture('entra', [ADMIN, READONLY]);
    await saveCapture(capture);
    await updateLocalSettings((s) => ({
      ...s,
      chainedRoles: [
        { targetRoleArn: AUDITOR, sourceRoleArn: ADMIN.roleArn, externalId: 'contoso-audit-7', durationSeconds: 1800 },
        { targetRoleArn: NETWORK, sourceRoleArn: 'arn:aws:iam::222222222222:role/Developer' },
      ],
    }));
    const t = transports();
    const result = await assumeRoles({ captureId: capture.id, roleArns: [ADMIN.roleArn], duration: 3600 }, t.options);
    expect(result).toEqual({ ok: true, succeeded: 2, failed: 0 });
    expect(t.order).toEqual([ADMIN.roleArn, AUDITOR]);
    const source = creds('SRCADMIN');
    expect(t.chainCalls).toEqual([
      {
        endpoint: t.samlCalls[0]!.endpoint,
        region: t.samlCalls[0]!.region,
        roleArn: AUDITOR,
        roleSessionName: capture.summary.roleSessionName,
        durationSeconds: 1800,
        externalId: 'contoso-audit-7',
        credentials: { accessKeyId: source.accessKeyId, secretAccessKey: source.secretAccessKey, sessionToken: source.sessionToken },
        signal: expect.any(AbortSignal),
      },
    ]);
    const stored = (await readState()).outcomes[AUDITOR];
    expect(stored).toMatchObject({
      status: 'ok',
      roleArn: AUDITOR,
      chainedFrom: ADMIN.roleArn,
      captureId: capture.id,
      accountId: '777777777777',
      roleName: 'OrgAuditor',
      durationSeconds: 1800,
      credentials: { accessKeyId: creds('CHAINED').accessKeyId },
      stsHost: 'sts.amazonaws.com',
    });
    // Nothing chained from a role that was not assumed.
    expect((await readState()).outcomes[NETWORK]).toBeUndefined();
    // Session credentials stay in storage.session.
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain(creds('CHAINED').secretAccessKey);
  });

  it('a refused chain is stored as a plain error naming both roles; the source keeps its session', async () => {
    const capture = storedCapture('okta', [ADMIN]);
    await saveCapture(capture);
    await updateLocalSettings((s) => ({ ...s, chainedRoles: [{ targetRoleArn: AUDITOR, sourceRoleArn: ADMIN.roleArn, externalId: 'wrong-id' }] }));
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDenied', Code: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const t = transports(() => denied);
    expect(await assumeRoles({ captureId: capture.id, roleArns: [ADMIN.roleArn], duration: 3600 }, t.options)).toEqual({ ok: true, succeeded: 1, failed: 1 });
    const { outcomes } = await readState();
    expect(outcomes[ADMIN.roleArn]?.status).toBe('ok');
    expect(outcomes[AUDITOR]).toMatchObject({
      status: 'error',
      chainedFrom: ADMIN.roleArn,
      error: { code: 'AccessDenied', message: expect.stringMatching(/^Admin in 111111111111 may not assume OrgAuditor in 777777777777.*external ID/) },
    });
  });

  it('a failed source assumes nothing chained from it', async () => {
    const capture = storedCapture('adfs', [ADMIN]);
    await saveCapture(capture);
    await updateLocalSettings((s) => ({ ...s, chainedRoles: [{ targetRoleArn: AUDITOR, sourceRoleArn: ADMIN.roleArn }] }));
    const t = transports();
    const failing: StsTransport = async () => {
      throw Object.assign(new Error('Not authorized'), { name: 'AccessDenied', Code: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    };
    await assumeRoles({ captureId: capture.id, roleArns: [ADMIN.roleArn], duration: 3600 }, { ...t.options, transport: failing });
    expect(t.chainCalls).toEqual([]);
    expect((await readState()).outcomes[AUDITOR]).toBeUndefined();
  });
});
