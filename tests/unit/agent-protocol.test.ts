/** The agent's messages are hostile data both ways: every new native message and socket message is checked strictly. */
import { describe, expect, it } from 'vitest';
import { parseHostEvent, parseRequest } from '../../lib/host-protocol';
import { parseClientMessage, parseServerMessage } from '../../native-host/agent/wire';

const ARN = 'arn:aws:iam::111111111111:role/Admin';
const GOV_ARN = 'arn:aws-us-gov:iam::222222222222:role/team/ReadOnly';
const creds = {
  accessKeyId: 'ASIAEXAMPLE000000001',
  secretAccessKey: 'secret/key+value=',
  sessionToken: 'FwoGZXIvYXdzE//token+/==',
  expiration: '2030-11-22T11:00:00Z',
};
const good = {
  profile: '111111111111-Admin',
  roleArn: ARN,
  credentials: creds,
  sourceKey: 'https://sts.windows.net/t/|https://signin.aws.amazon.com/saml|https://signin.aws.amazon.com/saml',
};
const sessionsRequest = (sessions: unknown) => parseRequest({ v: 1, id: 'a1', type: 'agent-sessions', sessions });

describe('agent requests (extension → host)', () => {
  it('agent-start and a push of sessions (an empty push too: it clears the agent)', () => {
    expect(parseRequest({ v: 1, id: 's', type: 'agent-start' })).toEqual({ ok: true, request: { v: 1, id: 's', type: 'agent-start' } });
    expect(sessionsRequest([good, { ...good, profile: 'gov', roleArn: GOV_ARN, sourceKey: undefined }])).toMatchObject({
      ok: true,
      request: { sessions: [good, { profile: 'gov' }] },
    });
    expect(sessionsRequest([])).toMatchObject({ ok: true, request: { sessions: [] } });
  });

  it.each([
    ['not an array', {}],
    ['an unknown field', [{ ...good, extra: 1 }]],
    ['a bad profile name', [{ ...good, profile: 'a b' }]],
    ['a profile with a newline', [{ ...good, profile: 'x\n[default]' }]],
    ['not a role ARN', [{ ...good, roleArn: 'arn:aws:iam::111111111111:user/bob' }]],
    ['a secret with a space', [{ ...good, credentials: { ...creds, secretAccessKey: 'a b' } }]],
    ['an expiration that does not exist', [{ ...good, credentials: { ...creds, expiration: '2030-02-30T00:00:00Z' } }]],
    ['a source key with a control character', [{ ...good, sourceKey: 'a\u0000b' }]],
    ['a source key too long', [{ ...good, sourceKey: 'x'.repeat(2049) }]],
    ['the same profile twice', [good, good]],
    ['more than 500 sessions', Array.from({ length: 501 }, (_, i) => ({ ...good, profile: `p${i}` }))],
  ])('agent-sessions refuses %s', (_name, sessions) => {
    const parsed = sessionsRequest(sessions);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(JSON.stringify(parsed.reply)).not.toContain('secret/key');
  });

  it.each([
    [{ ok: true }, true],
    [{ ok: false, reason: 'needs-sign-in', message: 'Sign in to your identity provider again.' }, true],
    [{ ok: false, reason: 'blocked', message: 'Blocked.' }, true],
    [{ ok: true, message: 'x' }, false],
    [{ ok: false, reason: 'other', message: 'x' }, false],
    [{ ok: false, reason: 'blocked', message: 'two\nlines' }, false],
    [{ ok: false, reason: 'blocked', message: 'x'.repeat(501) }, false],
    [{ ok: 'yes' }, false],
  ])('agent-renew-result %j → %s', (result, ok) => {
    expect(parseRequest({ v: 1, id: 'r', type: 'agent-renew-result', renewId: 'renew-1', result }).ok).toBe(ok);
  });
});

describe('host events (host → extension)', () => {
  it.each([
    [{ v: 1, event: 'agent-renew', renewId: 'renew-1', roleArns: [ARN, GOV_ARN] }, true],
    [{ v: 1, event: 'agent-sign-in', profile: 'dev', roleArn: ARN }, true],
    [{ v: 1, event: 'agent-sign-in', profile: 'dev', roleArn: null }, true],
    [{ v: 1, id: 'r1', event: 'agent-renew', renewId: 'renew-1', roleArns: [ARN] }, false],
    [{ v: 2, event: 'agent-renew', renewId: 'renew-1', roleArns: [ARN] }, false],
    [{ v: 1, event: 'agent-renew', renewId: 'renew-1', roleArns: [] }, false],
    [{ v: 1, event: 'agent-renew', renewId: 'renew-1', roleArns: ['arn:aws:iam::1:role/x'] }, false],
    [{ v: 1, event: 'agent-renew', renewId: 'renew-1', roleArns: [ARN], extra: true }, false],
    [{ v: 1, event: 'agent-sign-in', profile: '../x', roleArn: null }, false],
    [{ v: 1, event: 'agent-sign-in', profile: 'dev' }, false],
    [{ v: 1, event: '__proto__' }, false],
    ['agent-renew', false],
  ])('%j → %s', (value, ok) => {
    expect(parseHostEvent(value) !== null).toBe(ok);
  });
});

describe('socket messages', () => {
  const nonce = 'a'.repeat(64);
  it.each([
    [{ t: 'hello', v: 1, nonce }, 'hello', true],
    [{ t: 'hello', v: 2, nonce }, 'hello', false],
    [{ t: 'hello', v: 1, nonce: 'A'.repeat(64) }, 'hello', false],
    [{ t: 'auth', mac: nonce }, 'hello', false],
    [{ t: 'auth', mac: nonce, extra: 1 }, 'auth', false],
    [{ t: 'get', profile: 'dev', wait: 0 }, 'get', true],
    [{ t: 'get', profile: 'dev', wait: 50 }, 'get', true],
    [{ t: 'get', profile: 'dev', wait: 51 }, 'get', false],
    [{ t: 'get', profile: 'dev', wait: 1.5 }, 'get', false],
    [{ t: 'get', profile: 'a b', wait: 0 }, 'get', false],
  ] as const)('client %j as %s → %s', (value, expect_, ok) => {
    expect(parseClientMessage(value, expect_) !== null).toBe(ok);
  });

  it.each([
    [{ t: 'credentials', credentials: creds }, true],
    [{ t: 'credentials', credentials: { ...creds, sessionToken: 'a"b c' } }, false],
    [{ t: 'credentials', credentials: { ...creds, extra: 'x' } }, false],
    [{ t: 'error', code: 'needs-sign-in', message: 'Sign in again.' }, true],
    [{ t: 'error', code: 'rm -rf', message: 'x' }, false],
    [{ t: 'proof', v: 1, nonce, mac: nonce }, false],
  ])('server answer %j → %s', (value, ok) => {
    expect(parseServerMessage(value, 'answer') !== null).toBe(ok);
  });

  it('an error message shown on the terminal is one bounded line', () => {
    const m = parseServerMessage({ t: 'error', code: 'blocked', message: `a\u001b[31m\nb${'x'.repeat(1000)}` }, 'answer');
    expect(m).toMatchObject({ t: 'error' });
    if (m?.t === 'error') {
      expect(m.message).not.toMatch(/[\x00-\x1f]/);
      expect(m.message.length).toBeLessThanOrEqual(600);
    }
  });
});
