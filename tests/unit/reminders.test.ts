import { describe, expect, it } from 'vitest';
import type { RoleOutcome } from '../../lib/capture';
import type { OkOutcome } from '../../lib/delivery';
import { badgeModel, planReminders, reminderMessage } from '../../lib/reminders';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const MIN = 60_000;

function ok(name: string, expiresInMin: number, extra: Partial<OkOutcome> = {}): OkOutcome {
  return {
    roleArn: `arn:aws:iam::111111111111:role/${name}`,
    captureId: 'c1',
    accountId: '111111111111',
    roleName: name,
    partition: 'aws',
    status: 'ok',
    profileName: `dev-${name}`,
    credentials: { accessKeyId: 'ASIAKEY', secretAccessKey: 'SECRETKEY', sessionToken: 'TOKEN', expiration: new Date(NOW + expiresInMin * MIN).toISOString() },
    durationSeconds: 3600,
    assumedAt: NOW - 50 * MIN,
    stsHost: 'sts.amazonaws.com',
    ...extra,
  };
}
const byArn = (...os: RoleOutcome[]) => Object.fromEntries(os.map((o) => [o.roleArn, o]));
const ON = { enabled: true, minutesBefore: 10 };

describe('planReminders', () => {
  it('is due inside the lead time, and schedules the next one outside it', () => {
    const plan = planReminders(byArn(ok('Admin', 8), ok('Dev', 25), ok('Old', -1)), {}, ON, NOW);
    expect(plan.due.map((o) => o.roleName)).toEqual(['Admin']);
    expect(plan.nextAt).toBe(NOW + 15 * MIN);
  });
  it('reminds once per session, and again for a new session of the same role', () => {
    const admin = ok('Admin', 8);
    expect(planReminders(byArn(admin), { [admin.roleArn]: admin.assumedAt }, ON, NOW).due).toEqual([]);
    expect(planReminders(byArn(admin), { [admin.roleArn]: admin.assumedAt - 1 }, ON, NOW).due).toHaveLength(1);
  });
  it('never reminds about a session shorter than the lead time (its user has just seen it)', () => {
    expect(planReminders(byArn(ok('Short', 8, { assumedAt: NOW - 2 * MIN })), {}, ON, NOW)).toEqual({ due: [] });
  });
  it('does nothing when switched off', () => {
    expect(planReminders(byArn(ok('Admin', 8)), {}, { enabled: false, minutesBefore: 10 }, NOW)).toEqual({ due: [] });
  });
  it('ignores pending and failed roles', () => {
    const pending: RoleOutcome = { roleArn: 'p', captureId: 'c1', accountId: '1', roleName: 'P', partition: 'aws', status: 'pending', startedAt: NOW };
    expect(planReminders(byArn(pending), {}, ON, NOW)).toEqual({ due: [] });
  });
});

describe('reminderMessage', () => {
  it('names the profile and the minutes left, never a key', () => {
    const m = reminderMessage([ok('Admin', 8)], NOW, 'entra');
    expect(m).toEqual({ title: 'AWS credentials expire in 8 min', message: 'dev-Admin. Open the AWS tile in My Apps again to get new credentials.' });
    expect(JSON.stringify(m)).not.toMatch(/ASIAKEY|SECRETKEY|TOKEN/);
  });
  it('lists at most three profiles', () => {
    const m = reminderMessage(
      ['A', 'B', 'C', 'D', 'E'].map((n, i) => ok(n, 5 + i)),
      NOW,
      'entra',
    );
    expect(m.title).toBe('5 AWS sessions expire soon');
    expect(m.message).toBe('dev-A, dev-B, dev-C and 2 more (the first in 5 min). Open the AWS tile in My Apps again to get new credentials.');
  });
});

describe('reminderMessage in the words of the sessions’ IdP', () => {
  it.each([
    ['okta', 'dev-Admin. Open the AWS app from your Okta dashboard again to get new credentials.'],
    ['adfs', 'dev-Admin. Sign in to AWS through your AD FS sign-in page again to get new credentials.'],
    ['google', 'dev-Admin. Open AWS from your Google apps menu again to get new credentials.'],
    ['other', 'dev-Admin. Sign in to AWS through your identity provider again to get new credentials.'],
    [undefined, 'dev-Admin. Sign in to AWS through your identity provider again to get new credentials.'],
  ] as const)('%s', (idp, message) => {
    expect(reminderMessage([ok('Admin', 8)], NOW, idp).message).toBe(message);
  });
});

describe('badgeModel', () => {
  it('shows live sessions first, else roles, else nothing', () => {
    expect(badgeModel({ roles: 6, live: 2, problem: false, nextExpiry: '11:00' })).toEqual({
      text: '2',
      color: '#166534',
      title: 'AWS SAML Bridge: 6 roles from your sign-in, 2 live sessions (next expires 11:00)',
    });
    expect(badgeModel({ roles: 1, live: 0, problem: false })).toEqual({ text: '1', color: '#1d4ed8', title: 'AWS SAML Bridge: 1 role from your sign-in' });
    expect(badgeModel({ roles: 0, live: 0, problem: false })).toMatchObject({ text: '', title: 'AWS SAML Bridge' });
  });
  it('a problem wins', () => {
    expect(badgeModel({ roles: 6, live: 2, problem: true }).text).toBe('!');
  });
});
