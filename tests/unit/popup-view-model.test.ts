import { describe, expect, it } from 'vitest';
import { parseRoleValue, type SamlRole } from '../../lib/arn';
import type { Capture, RoleOutcome } from '../../lib/capture';
import type { OkOutcome } from '../../lib/delivery';
import type { DurationChoice } from '../../lib/duration';
import type { Partition } from '../../lib/partitions';
import type { SessionState } from '../../lib/browser/session-store';
import { credentialsFileCache } from '../../components/popup/use-credentials-file';
import {
  assumeLabel,
  assumeStatusText,
  checkState,
  countOf,
  durationNotesText,
  errorVersions,
  expiryPreviewText,
  gridLabel,
  hiddenByPolicyText,
  outcomeVersion,
  sessionSubject,
  shownText,
  withoutSignIn,
  GRID_PAGE,
  gridMove,
  hiddenByAllowList,
  assumeRequests,
  captureTitle,
  currentProblem,
  durationNote,
  expiryText,
  filterGroups,
  formatCountdown,
  groupByAccount,
  isSignInExpired,
  orphanOutcomes,
  chainedBySource,
  isOutcome,
  outcomeCounts,
  parseSelectionKey,
  reconcileState,
  rowKeys,
  selectedRoleCount,
  selectionKey,
  withKeys,
} from '../../components/view-model';

const NOW = Date.parse('2026-11-22T10:00:00Z');

function role(accountId: string, name: string, path = '/', partition: Partition = 'aws'): SamlRole {
  const parsed = parseRoleValue(`arn:${partition}:iam::${accountId}:role${path}${name},arn:${partition}:iam::${accountId}:saml-provider/EntraID`);
  if (!parsed) throw new Error(`bad fixture ${accountId} ${name}`);
  return parsed;
}

function capture(id: string, roles: SamlRole[], extra: Omit<Partial<Capture>, 'summary'> & { summary?: Partial<Capture['summary']> } = {}): Capture {
  const { summary, ...rest } = extra;
  return {
    id,
    capturedAt: NOW - 60_000,
    acs: { partition: 'aws', host: 'signin.aws.amazon.com', url: 'https://signin.aws.amazon.com/saml' },
    samlResponse: 'PHNhbWxwOlJlc3BvbnNlLz4=',
    summary: {
      issuer: 'https://sts.windows.net/t/',
      audience: 'https://signin.aws.amazon.com/saml',
      usableUntil: NOW + 240_000,
      roles,
      skippedRoleValues: 0,
      warnings: [],
      ...summary,
    },
    ...rest,
  };
}

const CREDS = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token', expiration: new Date(NOW + 3_600_000).toISOString() };

function ok(r: SamlRole, captureId: string, extra: Partial<Extract<RoleOutcome, { status: 'ok' }>> = {}): RoleOutcome {
  return {
    roleArn: r.roleArn,
    captureId,
    accountId: r.accountId,
    roleName: r.roleName,
    partition: r.partition,
    status: 'ok',
    profileName: `${r.accountId}-${r.roleName}`,
    credentials: CREDS,
    durationSeconds: 3600,
    assumedAt: NOW,
    stsHost: 'sts.amazonaws.com',
    ...extra,
  };
}

function pending(r: SamlRole, captureId: string): RoleOutcome {
  return { roleArn: r.roleArn, captureId, accountId: r.accountId, roleName: r.roleName, partition: r.partition, status: 'pending', startedAt: NOW };
}

function errorOutcome(r: SamlRole, captureId: string): RoleOutcome {
  return {
    roleArn: r.roleArn,
    captureId,
    accountId: r.accountId,
    roleName: r.roleName,
    partition: r.partition,
    status: 'error',
    error: { code: 'AccessDenied', message: 'AWS refused.', action: 'Ask your admin.' },
    finishedAt: NOW,
    stsHost: 'sts.amazonaws.com',
  };
}

/** Fisher–Yates with a fixed seed, so "unsorted input" is the same every run. */
function shuffled<T>(items: T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const ACCOUNTS = Array.from({ length: 30 }, (_, i) => String(555500000000 + i));
const NAMES = ['Admin', 'ReadOnly', 'Developer', 'Billing', 'Auditor', 'NetworkAdmin', 'dataScientist', 'Ops2', 'Ops10', 'SecurityAudit'];
const ROLES_300 = shuffled(ACCOUNTS.flatMap((a) => NAMES.map((n, i) => role(a, n, i === 0 ? '/team/platform/' : '/'))));

describe('groupByAccount', () => {
  it('groups 300 roles into 30 accounts, accounts and roles sorted', () => {
    const groups = groupByAccount('c1', ROLES_300);
    expect(groups).toHaveLength(30);
    expect(groups.map((g) => g.accountId)).toEqual(ACCOUNTS);
    for (const g of groups) {
      expect(g.rows.map((r) => r.role.roleName)).toEqual([
        'Admin',
        'Auditor',
        'Billing',
        'dataScientist',
        'Developer',
        'NetworkAdmin',
        'Ops2',
        'Ops10',
        'ReadOnly',
        'SecurityAudit',
      ]);
      expect(g.partitionLabel).toBeUndefined();
      expect(g.rows.every((r) => r.role.accountId === g.accountId)).toBe(true);
    }
  });

  it.each([
    { name: 'one role', roles: [role('111111111111', 'Admin')], expected: [['aws:111111111111', ['Admin']]] },
    {
      name: 'same account id in two partitions stays two accounts',
      roles: [role('111111111111', 'Admin', '/', 'aws-us-gov'), role('111111111111', 'Admin')],
      expected: [
        ['aws:111111111111', ['Admin']],
        ['aws-us-gov:111111111111', ['Admin']],
      ],
    },
    {
      name: 'same name under two paths sorts by path',
      roles: [role('222222222222', 'Deploy', '/z/'), role('222222222222', 'Deploy', '/a/')],
      expected: [['aws:222222222222', ['Deploy', 'Deploy']]],
    },
  ])('$name', ({ roles, expected }) => {
    const groups = groupByAccount('c1', roles);
    expect(groups.map((g) => [g.key, g.rows.map((r) => r.role.roleName)])).toEqual(expected);
  });

  it.each([
    ['aws', undefined],
    ['aws-us-gov', 'GovCloud (US)'],
    ['aws-cn', 'China'],
  ] as const)('labels partition %s as %s', (partition, label) => {
    expect(groupByAccount('c1', [role('333333333333', 'Admin', '/', partition)])[0]?.partitionLabel).toBe(label);
  });

  it('keys rows by sign-in and role', () => {
    const [group] = groupByAccount('issuer|aud', [role('111111111111', 'Admin')]);
    const key = group?.rows[0]?.key ?? '';
    expect(parseSelectionKey(key)).toEqual({ captureId: 'issuer|aud', roleArn: 'arn:aws:iam::111111111111:role/Admin' });
  });
});

describe('groupByAccount with settings', () => {
  const roles = [role('111111111111', 'Admin'), role('111111111111', 'ReadOnly'), role('222222222222', 'Admin'), role('333333333333', 'Billing')];
  const arnOf = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

  it('names accounts, sorts named accounts by name before unnamed ones, and finds them by name', () => {
    const groups = groupByAccount('c1', roles, { accountNames: { '222222222222': 'alpha-prod', '111111111111': 'zulu-dev' } });
    expect(groups.map((g) => [g.accountId, g.accountName])).toEqual([
      ['222222222222', 'alpha-prod'],
      ['111111111111', 'zulu-dev'],
      ['333333333333', undefined],
    ]);
    expect(filterGroups(groups, 'ZULU').flatMap((g) => g.rows.map((r) => r.role.roleName))).toEqual(['Admin', 'ReadOnly']);
  });

  it('lists pinned roles first, and accounts holding one first', () => {
    const groups = groupByAccount('c1', roles, { pinned: new Set([arnOf('333333333333', 'Billing'), arnOf('111111111111', 'ReadOnly')]) });
    expect(groups.map((g) => g.accountId)).toEqual(['111111111111', '333333333333', '222222222222']);
    expect(groups[0]!.rows.map((r) => [r.role.roleName, r.pinned])).toEqual([
      ['ReadOnly', true],
      ['Admin', false],
    ]);
  });

  it('leaves out accounts outside a non-empty allow-list, and counts them', () => {
    const groups = groupByAccount('c1', roles, { allowedAccounts: ['222222222222'] });
    expect(groups.map((g) => g.accountId)).toEqual(['222222222222']);
    expect(hiddenByAllowList(roles, ['222222222222'])).toBe(3);
    expect(hiddenByAllowList(roles, [])).toBe(0);
  });

  it("carries a role's own duration, and only its own", () => {
    const groups = groupByAccount('c1', roles, { durations: { [arnOf('222222222222', 'Admin')]: 28_800, constructor: 900 } });
    const rows = groups.flatMap((g) => g.rows);
    expect(rows.find((r) => r.role.accountId === '222222222222')?.duration).toBe(28_800);
    expect(rows.filter((r) => r.duration !== undefined)).toHaveLength(1);
  });
});

describe('filterGroups', () => {
  const groups = groupByAccount('c1', ROLES_300);

  it.each([
    { query: '', rows: 300, accounts: 30 },
    { query: '   ', rows: 300, accounts: 30 },
    { query: 'admin', rows: 60, accounts: 30 }, // Admin, NetworkAdmin
    { query: 'ADMIN', rows: 60, accounts: 30 },
    { query: 'networkadmin', rows: 30, accounts: 30 },
    { query: '/team/', rows: 30, accounts: 30 }, // path
    { query: 'platform', rows: 30, accounts: 30 },
    { query: '555500000003', rows: 10, accounts: 1 }, // account id
    { query: '55550000001', rows: 100, accounts: 10 }, // prefix of 10..19
    { query: 'admin 555500000003', rows: 2, accounts: 1 }, // every term must match
    { query: 'ops1', rows: 30, accounts: 30 },
    { query: 'nothing-like-this', rows: 0, accounts: 0 },
    { query: 'arn:aws', rows: 0, accounts: 0 }, // the ARN itself is not searched
  ])('"$query" → $rows rows in $accounts accounts', ({ query, rows, accounts }) => {
    const result = filterGroups(groups, query);
    expect(rowKeys(result)).toHaveLength(rows);
    expect(result).toHaveLength(accounts);
  });

  it('returns the same objects when nothing is filtered out', () => {
    expect(filterGroups(groups, '')).toBe(groups);
    const byAccount = filterGroups(groups, '5555000000');
    expect(byAccount[0]).toBe(groups[0]);
    const narrowed = filterGroups(groups, 'admin');
    expect(narrowed[0]?.rows[0]).toBe(groups[0]?.rows[0]);
  });
});

describe('selection', () => {
  const a = role('111111111111', 'Admin');
  const b = role('111111111111', 'ReadOnly');
  const c = role('222222222222', 'Admin');
  const newer = capture('new', [a, c], { capturedAt: NOW });
  const older = capture('old', [a, b], { capturedAt: NOW - 100_000 });

  it('withKeys adds and removes, and keeps the same Set when nothing changes', () => {
    const empty: ReadonlySet<string> = new Set();
    const one = withKeys(empty, ['x', 'y'], true);
    expect([...one]).toEqual(['x', 'y']);
    expect(withKeys(one, ['x'], true)).toBe(one);
    expect([...withKeys(one, ['x'], false)]).toEqual(['y']);
    expect(withKeys(one, ['z'], false)).toBe(one);
  });

  it('withoutSignIn drops the keys of one forgotten sign-in and keeps the rest', () => {
    const selected = new Set([selectionKey('old', a.roleArn), selectionKey('new', a.roleArn), selectionKey('old', b.roleArn)]);
    expect([...withoutSignIn(selected, 'old')]).toEqual([selectionKey('new', a.roleArn)]);
    expect([...withoutSignIn(selected, 'gone')]).toEqual([...selected]);
  });

  it.each([
    { name: 'nothing selected', keys: [], expected: [] },
    { name: 'one role', keys: [selectionKey('new', c.roleArn)], expected: [{ captureId: 'new', roleArns: [c.roleArn] }] },
    {
      name: 'roles of two sign-ins, newest first',
      keys: [selectionKey('old', b.roleArn), selectionKey('new', c.roleArn)],
      expected: [
        { captureId: 'new', roleArns: [c.roleArn] },
        { captureId: 'old', roleArns: [b.roleArn] },
      ],
    },
    {
      name: 'the same role in two sign-ins is assumed once, from the newer',
      keys: [selectionKey('old', a.roleArn), selectionKey('new', a.roleArn)],
      expected: [{ captureId: 'new', roleArns: [a.roleArn] }],
    },
    { name: 'keys of a forgotten sign-in are ignored', keys: [selectionKey('gone', a.roleArn)], expected: [] },
  ])('assumeRequests: $name', ({ keys, expected }) => {
    const selected = new Set(keys);
    expect(assumeRequests([newer, older], selected)).toEqual(expected);
    expect(selectedRoleCount([newer, older], selected)).toBe(expected.reduce((n, r) => n + r.roleArns.length, 0));
  });
});

describe('formatCountdown', () => {
  it.each([
    [0, '0:00'],
    [-5000, '0:00'],
    [1, '0:01'],
    [999, '0:01'],
    [1000, '0:01'],
    [59_000, '0:59'],
    [60_000, '1:00'],
    [252_000, '4:12'],
    [300_000, '5:00'],
    [3_598_001, '59:59'],
    [3_600_000, '1:00:00'],
    [3_661_000, '1:01:01'],
    [43_200_000, '12:00:00'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatCountdown(ms)).toBe(text);
  });

  it.each([
    [NOW + 3_598_000, 'expires in 59:58'],
    [NOW + 1, 'expires in 0:01'],
    [NOW, 'expired'],
    [NOW - 1, 'expired'],
  ])('expiryText(%i) → %s', (at, text) => {
    expect(expiryText(at, NOW)).toBe(text);
  });
});

describe('sign-in state', () => {
  it.each([
    { name: 'within the window', usableUntil: NOW + 1000, saml: true, expired: false },
    { name: 'at the deadline', usableUntil: NOW, saml: true, expired: true },
    { name: 'past the deadline', usableUntil: NOW - 1000, saml: true, expired: true },
    { name: 'assertion already forgotten', usableUntil: NOW + 1000, saml: false, expired: true },
  ])('isSignInExpired: $name', ({ usableUntil, saml, expired }) => {
    const c = capture('c', [], { summary: { usableUntil }, ...(saml ? {} : { samlResponse: undefined }) });
    expect(isSignInExpired(c, NOW)).toBe(expired);
  });

  it.each([
    [{ audience: 'https://signin.aws.amazon.com/saml#2', issuer: 'https://sts.windows.net/t/' }, 'signin.aws.amazon.com/saml#2'],
    [{ audience: 'urn:amazon:webservices', issuer: 'x' }, 'urn:amazon:webservices'],
    [{ audience: undefined, issuer: 'http://www.okta.com/exk1' }, 'www.okta.com/exk1'],
    [{ audience: undefined, issuer: '' }, 'AWS sign-in'],
  ])('captureTitle(%o) → %s', (summary, title) => {
    expect(captureTitle(summary)).toBe(title);
  });

  it.each([
    { name: 'no problem', problem: undefined, captures: [10], shown: false },
    { name: 'problem and no capture', problem: 5, captures: [], shown: true },
    { name: 'problem newer than every capture', problem: 20, captures: [10, 15], shown: true },
    { name: 'problem older than a capture', problem: 12, captures: [10, 15], shown: false },
  ])('currentProblem: $name', ({ problem, captures, shown }) => {
    const state = {
      captures: captures.map((at, i) => capture(`c${i}`, [], { capturedAt: at })),
      problem:
        problem === undefined ? undefined : { capturedAt: problem, acsHost: 'signin.aws.amazon.com', error: { code: 'not-xml' as const, message: 'bad' } },
    };
    expect(currentProblem(state) !== undefined).toBe(shown);
  });
});

describe('durationNote', () => {
  it.each<[DurationChoice, number | undefined, string | undefined]>([
    [3600, undefined, undefined],
    [3600, 28_800, undefined],
    [43_200, 28_800, 'Your sign-in allows at most 8 h.'],
    [14_400, 3600, 'Your sign-in allows at most 1 h.'],
    [3600, 1800, 'Your sign-in allows at most 30 min.'],
    ['max', undefined, 'Requests 12 h; roles that allow less get 1 h.'],
    ['max', 28_800, 'Your sign-in allows at most 8 h; roles that allow less get 1 h.'],
  ])('choice %s with SessionDuration %s', (choice, sessionDuration, note) => {
    expect(durationNote(choice, sessionDuration)).toBe(note);
  });
});

describe('popup texts', () => {
  it.each<[number, string, string | undefined, string]>([
    [0, 'role', undefined, '0 roles'],
    [1, 'role', undefined, '1 role'],
    [300, 'role', undefined, '300 roles'],
    [1, 'profile', undefined, '1 profile'],
    [2, 'profile', undefined, '2 profiles'],
    [2, 'entry', 'entries', '2 entries'],
  ])('countOf(%i, %s)', (n, noun, plural, text) => {
    expect(countOf(n, noun, plural)).toBe(text);
  });

  it.each([
    [0, 'Assume 0 roles'],
    [1, 'Assume 1 role'],
    [3, 'Assume 3 roles'],
  ])('the Assume button with %i selected reads "%s"', (count, label) => {
    expect(assumeLabel(count)).toBe(label);
  });

  it.each<[string, number, number, string]>([
    ['', 6, 6, '6 roles'],
    ['   ', 1, 1, '1 role'],
    ['adm', 2, 6, '2 of 6 roles shown'],
    ['nomatch', 0, 300, '0 of 300 roles shown'],
  ])('the toolbar with filter %j, %i of %i shown: "%s"', (query, shown, total, text) => {
    expect(shownText(query, shown, total)).toBe(text);
  });

  it.each<[number, boolean, string]>([
    [1, false, '1 role is not shown: only the allowed accounts are offered (Options).'],
    [12, false, '12 roles are not shown: only the allowed accounts are offered (Options).'],
    [3, true, '3 roles are not shown: only the allowed accounts are offered (set by your organisation).'],
  ])('%i hidden by the allow-list (policy: %s)', (hidden, policy, text) => {
    expect(hiddenByPolicyText(hidden, policy)).toBe(text);
  });

  it.each<[boolean, { pending: number; ok: number; error: number }, string]>([
    [false, { pending: 0, ok: 0, error: 0 }, ''],
    [true, { pending: 0, ok: 0, error: 0 }, 'Assuming roles…'],
    [false, { pending: 2, ok: 1, error: 0 }, 'Assuming roles…'],
    [false, { pending: 0, ok: 1, error: 0 }, '1 session ready'],
    [false, { pending: 0, ok: 2, error: 1 }, '2 sessions ready, 1 failed'],
    [false, { pending: 0, ok: 0, error: 3 }, '0 sessions ready, 3 failed'],
  ])('status line (busy %s, %j): "%s"', (busy, counts, text) => {
    expect(assumeStatusText(busy, counts)).toBe(text);
  });

  it.each<[string, number | undefined, number | undefined, DurationChoice, string]>([
    ['no sign-in caps the choice', undefined, undefined, 3600, ''],
    ['every sign-in caps it alike: one note', 28_800, 28_800, 43_200, 'Your sign-in allows at most 8 h.'],
    ['one sign-in caps it: its note after its title', 3600, undefined, 14_400, 'signin.aws.amazon.com/saml: Your sign-in allows at most 1 h.'],
    [
      'two different caps: each after its title',
      28_800,
      3600,
      'max',
      'signin.aws.amazon.com/saml: Your sign-in allows at most 8 h; roles that allow less get 1 h. urn:amazon:webservices: Your sign-in allows at most 1 h; roles that allow less get 1 h.',
    ],
  ])('durationNotesText: %s', (_, entra, okta, choice, text) => {
    const captures = [
      capture('entra', [], { summary: { sessionDuration: entra } }),
      capture('okta', [], { summary: { issuer: 'http://www.okta.com/exk1', audience: 'urn:amazon:webservices', sessionDuration: okta } }),
    ];
    expect(durationNotesText(captures, choice)).toBe(text);
  });

  it.each<[DurationChoice, number | undefined, boolean, string]>([
    [3600, undefined, false, 'Credentials last 1 h, until about 11:00.'],
    [43_200, 28_800, false, 'Credentials last 8 h, until about 18:00.'],
    ['max', undefined, true, 'Credentials last 12 h, until about 22:00 (roles with their own duration in the options use it).'],
  ])('expiryPreviewText: %s capped by %s (own durations: %s)', (choice, cap, own, text) => {
    expect(expiryPreviewText(choice, cap, NOW, own, 'en-GB', 'UTC')).toBe(text);
  });

  it('names a grid and a session', () => {
    expect(gridLabel({ audience: 'https://signin.aws.amazon.com/saml', issuer: 'https://sts.windows.net/t/' })).toBe('Roles of signin.aws.amazon.com/saml');
    expect(gridLabel({ issuer: 'http://www.okta.com/exk1' })).toBe('Roles of www.okta.com/exk1');
    expect(sessionSubject({ roleName: 'Admin', accountId: '111111111111' })).toBe('Admin (111111111111)');
  });
});

describe('credentialsFileCache: the file is built once per set of sessions', () => {
  const admin = role('111111111111', 'Admin');
  const ro = role('222222222222', 'ReadOnly');
  const gov = role('333333333333', 'Deploy', '/', 'aws-us-gov');
  const live = () => [ok(admin, 'c1'), ok(ro, 'c1', { credentials: { ...CREDS, accessKeyId: 'ASIAREADONLY' } }), ok(gov, 'c2')] as OkOutcome[];
  const options = { defaultRoleArn: admin.roleArn };

  it('gives the same file for the same sessions in fresh copies and any order (storage changes, selection, typing)', () => {
    const file = credentialsFileCache();
    const first = file(live(), options);
    expect(first?.ok && first.text.match(/^\[.+\]$/gm)).toEqual(['[111111111111-Admin]', '[222222222222-ReadOnly]', '[333333333333-Deploy]', '[default]']);
    expect(file(structuredClone(live()), options)).toBe(first);
    expect(file(live().reverse(), options)).toBe(first);
  });

  it.each<[string, (sessions: OkOutcome[]) => OkOutcome[]]>([
    ['a session is added', (s) => [...s, ok(role('444444444444', 'Billing'), 'c1') as OkOutcome]],
    ['a session is gone', (s) => s.slice(1)],
    ['a role was assumed again (new key id)', (s) => s.map((o, i) => (i === 0 ? { ...o, credentials: { ...o.credentials, accessKeyId: 'ASIANEWKEY' } } : o))],
    [
      'a session has a new expiry',
      (s) => s.map((o, i) => (i === 1 ? { ...o, credentials: { ...o.credentials, expiration: new Date(NOW + 7_200_000).toISOString() } } : o)),
    ],
  ])('builds the file again when %s', (_, change) => {
    const file = credentialsFileCache();
    const first = file(live(), options);
    const next = file(change(live()), options);
    expect(next).not.toBe(first);
    expect(next).toEqual(credentialsFileCache()(change(live()), options));
  });

  it('builds it again for other delivery options, and gives nothing without sessions', () => {
    const file = credentialsFileCache();
    const first = file(live(), options);
    const next = file(live(), { defaultRoleArn: null });
    expect(next).not.toBe(first);
    expect(next?.ok && next.text).not.toContain('[default]');
    expect(file([], options)).toBeUndefined();
  });
});

describe('errorVersions', () => {
  const admin = role('111111111111', 'Admin');
  const ro = role('222222222222', 'ReadOnly');
  const gov = role('333333333333', 'Deploy', '/', 'aws-us-gov');

  it('are the errors already there at open, by version (a later failure of the same role is news)', () => {
    const failed = errorOutcome(admin, 'c1');
    const versions = errorVersions({ [admin.roleArn]: failed, [ro.roleArn]: ok(ro, 'c1'), [gov.roleArn]: pending(gov, 'c2') });
    expect([...versions]).toEqual([outcomeVersion(failed)]);
    expect(versions.has(outcomeVersion({ ...failed, finishedAt: NOW + 1 } as RoleOutcome))).toBe(false);
  });
});

describe('outcomes', () => {
  const admin = role('111111111111', 'Admin');
  const ro = role('222222222222', 'ReadOnly');
  const c = capture('c1', [admin, ro]);

  it('outcomeCounts counts every outcome by status', () => {
    const outcomes: Record<string, RoleOutcome> = {
      [ro.roleArn]: ok(ro, 'c1'),
      [admin.roleArn]: ok(admin, 'c1'),
      x: ok(role('333333333333', 'Old'), 'c1', { credentials: { ...CREDS, expiration: new Date(NOW - 1).toISOString() } }),
      y: pending(role('444444444444', 'Pending'), 'c1'),
    };
    expect(outcomeCounts(outcomes)).toEqual({ pending: 1, ok: 3, error: 0 });
  });

  it('orphanOutcomes lists outcomes whose sign-in or role is no longer listed', () => {
    const stray = role('999999999999', 'Gone');
    const outcomes = { [admin.roleArn]: ok(admin, 'c1'), [stray.roleArn]: ok(stray, 'c1'), other: ok(ro, 'forgotten') };
    expect(orphanOutcomes({ captures: [c], outcomes }).map((o) => `${o.captureId}:${o.roleName}`)).toEqual(['forgotten:ReadOnly', 'c1:Gone']);
  });

  it('a role reached by chaining is listed under its source while the source is listed, else on its own', () => {
    const auditor = role('777777777777', 'OrgAuditor');
    const net = role('777777777777', 'NetworkAdmin', '/ops/');
    const outcomes: Record<string, RoleOutcome> = {
      [admin.roleArn]: ok(admin, 'c1'),
      [auditor.roleArn]: ok(auditor, 'c1', { chainedFrom: admin.roleArn }),
      [net.roleArn]: { ...errorOutcome(net, 'forgotten'), chainedFrom: admin.roleArn },
    };
    expect(orphanOutcomes({ captures: [c], outcomes }).map((o) => o.roleName)).toEqual(['NetworkAdmin']);
    const bySource = chainedBySource(outcomes);
    expect([...bySource.keys()]).toEqual([selectionKey('forgotten', admin.roleArn), selectionKey('c1', admin.roleArn)]);
    expect(bySource.get(selectionKey('c1', admin.roleArn))!.map((o) => o.roleName)).toEqual(['OrgAuditor']);
    expect(isOutcome(outcomes[auditor.roleArn])).toBe(true);
    expect(isOutcome({ ...outcomes[auditor.roleArn], chainedFrom: 7 })).toBe(false);
  });
});

describe('reconcileState', () => {
  const admin = role('111111111111', 'Admin');
  const fresh = (): SessionState => ({
    captures: [capture('c1', [admin])],
    outcomes: { [admin.roleArn]: ok(admin, 'c1') },
    saved: {},
    renewals: {},
  });

  it('returns the previous state when a re-read brings nothing new', () => {
    const prev = fresh();
    expect(reconcileState(prev, fresh())).toBe(prev);
    expect(reconcileState(undefined, prev)).toBe(prev);
  });

  it('keeps unchanged captures and outcomes, takes changed ones', () => {
    const prev = fresh();
    const next = fresh();
    next.outcomes[admin.roleArn] = ok(admin, 'c1', { assumedAt: NOW + 5 });
    const merged = reconcileState(prev, next);
    expect(merged).not.toBe(prev);
    expect(merged.captures).toBe(prev.captures);
    expect(merged.outcomes[admin.roleArn]).toBe(next.outcomes[admin.roleArn]);
  });

  it('takes a capture whose assertion was forgotten', () => {
    const prev = fresh();
    const next = fresh();
    next.captures = [{ ...capture('c1', [admin]), samlResponse: undefined }];
    const merged = reconcileState(prev, next);
    expect(merged.captures[0]).toBe(next.captures[0]);
    expect(merged.outcomes).toBe(prev.outcomes);
  });

  it('drops removed outcomes', () => {
    const prev = fresh();
    const merged = reconcileState(prev, { captures: fresh().captures, outcomes: {}, saved: {}, renewals: {} });
    expect(merged.outcomes).toEqual({});
    expect(merged.captures).toBe(prev.captures);
  });

  it('takes a new save record and a new save problem, keeps unchanged ones', () => {
    const record = {
      roleArn: admin.roleArn,
      profileName: '111111111111-Admin',
      assumedAt: NOW,
      expiration: CREDS.expiration,
      savedAt: NOW + 1,
      file: '/h/.aws/credentials',
    };
    const prev = { ...fresh(), saved: { [admin.roleArn]: record } };
    expect(reconcileState(prev, { ...fresh(), saved: { [admin.roleArn]: { ...record } } })).toBe(prev);
    const resaved = reconcileState(prev, { ...fresh(), saved: { [admin.roleArn]: { ...record, savedAt: NOW + 2 } } });
    expect(resaved.saved[admin.roleArn]?.savedAt).toBe(NOW + 2);
    expect(resaved.outcomes).toBe(prev.outcomes);
    const problem = { at: NOW + 3, code: 'LOCKED', message: 'busy', roleArns: [] };
    const withProblem = reconcileState(prev, { ...fresh(), saved: prev.saved, saveProblem: problem });
    expect(withProblem.saveProblem).toBe(problem);
    expect(reconcileState(withProblem, { ...fresh(), saved: prev.saved, saveProblem: { ...problem } })).toBe(withProblem);
  });
});

describe('checkState: entries of an unexpected shape in storage.session', () => {
  const admin = role('111111111111', 'Admin');
  const ro = role('222222222222', 'ReadOnly', '/team/');
  const gov = role('333333333333', 'Deploy', '/', 'aws-us-gov');
  const good = capture('https://sts.windows.net/t/|https://signin.aws.amazon.com/saml', [admin, ro]);
  const other = capture('http://www.okta.com/exk1|urn:amazon:webservices', [gov], {
    summary: { issuer: 'http://www.okta.com/exk1', audience: 'urn:amazon:webservices' },
  });
  const state = (extra: Partial<SessionState> = {}): SessionState => ({
    captures: [good, other],
    outcomes: { [admin.roleArn]: ok(admin, good.id), [ro.roleArn]: pending(ro, good.id), [gov.roleArn]: errorOutcome(gov, other.id) },
    saved: {},
    renewals: {},
    ...extra,
  });
  const odd = (value: unknown) => value as never;

  it('returns the very same state when everything is well-formed (memoised rows stay put)', () => {
    const s = state();
    const checked = checkState(s);
    expect(checked.state).toBe(s);
    expect(checked.broken).toEqual([]);
  });

  it.each<{ name: string; bad: unknown }>([
    { name: 'roles is not a list (an older version)', bad: { ...other, summary: { ...other.summary, roles: 'arn:aws:iam::333333333333:role/Deploy' } } },
    { name: 'no summary at all', bad: { id: other.id, capturedAt: NOW } },
    { name: 'a role of an unknown partition', bad: { ...other, summary: { ...other.summary, roles: [{ ...gov, partition: 'aws-iso' }] } } },
    { name: 'a role without its name', bad: { ...other, summary: { ...other.summary, roles: [{ ...gov, roleName: undefined }] } } },
    { name: 'warnings is a string', bad: { ...other, summary: { ...other.summary, warnings: 'check the clock' } } },
    { name: 'capturedAt as a date string', bad: { ...other, capturedAt: '2026-11-22T10:00:00Z' } },
    { name: 'usableUntil beyond what Date can hold', bad: { ...other, summary: { ...other.summary, usableUntil: 1e300 } } },
    { name: 'SessionDuration beyond 12 h', bad: { ...other, summary: { ...other.summary, sessionDuration: 1e9 } } },
    { name: 'samlResponse that is not text', bad: { ...other, samlResponse: { value: 'PHNhbWxw' } } },
  ])('a capture whose $name is set aside with its sign-in id; the other sign-in stays', ({ bad }) => {
    const checked = checkState(state({ captures: [good, odd(bad)] }));
    expect(checked.state.captures).toEqual([good]);
    expect(checked.broken).toEqual([{ kind: 'capture', key: other.id, captureId: other.id }]);
    expect(checked.state.outcomes).toEqual(state().outcomes);
  });

  it('a capture without a readable id is set aside without a sign-in to forget', () => {
    const checked = checkState(state({ captures: [good, odd({ capturedAt: NOW, summary: {} })] }));
    expect(checked.state.captures).toEqual([good]);
    expect(checked.broken).toEqual([{ kind: 'capture', key: 'capture #1' }]);
  });

  it.each<{ name: string; bad: unknown; captureId?: string }>([
    { name: 'credentials with an odd value', bad: { ...ok(admin, good.id), credentials: 'ASIA…' }, captureId: good.id },
    { name: 'credentials missing the session token', bad: { ...ok(admin, good.id), credentials: { ...CREDS, sessionToken: undefined } }, captureId: good.id },
    { name: 'expiration as a number', bad: { ...ok(admin, good.id), credentials: { ...CREDS, expiration: NOW + 3_600_000 } }, captureId: good.id },
    { name: 'an unknown status', bad: { ...ok(admin, good.id), status: 'done' }, captureId: good.id },
    { name: 'an error without its message', bad: { ...errorOutcome(admin, good.id), error: { code: 'AccessDenied' } }, captureId: good.id },
    { name: 'pending without its start', bad: { ...pending(admin, good.id), startedAt: undefined }, captureId: good.id },
    { name: 'no role name (missing fields)', bad: { roleArn: admin.roleArn, captureId: good.id, status: 'ok' }, captureId: good.id },
    { name: 'stored under another role ARN', bad: ok(ro, good.id), captureId: good.id },
    { name: 'no capture id', bad: { ...ok(admin, good.id), captureId: 7 } },
  ])('an outcome with $name is set aside; the rest stays', ({ bad, captureId }) => {
    const outcomes = { ...state().outcomes, [admin.roleArn]: odd(bad) };
    const checked = checkState(state({ outcomes }));
    expect(Object.keys(checked.state.outcomes).sort()).toEqual([gov.roleArn, ro.roleArn].sort());
    expect(checked.state.captures).toEqual([good, other]);
    expect(checked.broken).toEqual([{ kind: 'outcome', key: admin.roleArn, ...(captureId ? { captureId } : {}) }]);
  });

  it('drops a damaged save record, capture problem or save problem without listing it', () => {
    const record = {
      roleArn: admin.roleArn,
      profileName: '111111111111-Admin',
      assumedAt: NOW,
      expiration: CREDS.expiration,
      savedAt: NOW + 1,
      file: '/h/.aws/credentials',
    };
    const checked = checkState(
      state({
        saved: { [admin.roleArn]: record, [ro.roleArn]: odd({ ...record, roleArn: ro.roleArn, savedAt: 'yesterday' }) },
        problem: odd({ capturedAt: NOW, acsHost: 'signin.aws.amazon.com', error: 'not-xml' }),
        saveProblem: odd({ at: NOW, code: 'LOCKED', message: 'busy', roleArns: 'all' }),
      }),
    );
    expect(checked.state.saved).toEqual({ [admin.roleArn]: record });
    expect(checked.state.problem).toBeUndefined();
    expect(checked.state.saveProblem).toBeUndefined();
    expect(checked.broken).toEqual([]);
  });

  it('keeps a well-formed capture problem and save problem', () => {
    const problem = { capturedAt: NOW, acsHost: 'signin.aws.amazon.com', error: { code: 'not-xml' as const, message: 'bad' } };
    const saveProblem = { at: NOW, code: 'LOCKED', message: 'busy', roleArns: [admin.roleArn] };
    const s = state({ problem, saveProblem });
    expect(checkState(s).state).toBe(s);
  });

  it('every broken entry of a mixed state at once', () => {
    const checked = checkState(
      state({
        captures: [odd(null), good, odd({ ...other, summary: null })],
        outcomes: {
          [admin.roleArn]: ok(admin, good.id),
          [ro.roleArn]: odd('pending'),
          [gov.roleArn]: odd({ ...errorOutcome(gov, other.id), finishedAt: Infinity }),
        },
      }),
    );
    expect(checked.state.captures).toEqual([good]);
    expect(Object.keys(checked.state.outcomes)).toEqual([admin.roleArn]);
    expect(checked.broken).toEqual([
      { kind: 'capture', key: 'capture #0' },
      { kind: 'capture', key: other.id, captureId: other.id },
      { kind: 'outcome', key: ro.roleArn },
      { kind: 'outcome', key: gov.roleArn, captureId: other.id },
    ]);
  });
});

describe('gridMove: keys of the role grid', () => {
  // An account head (Select all), three roles with checkbox and pin, one with a result's 8 copy buttons, an
  // account head, two roles; a row that cannot be focused (no buttons) is passed over.
  const rows = [1, 2, 10, 2, 0, 1, 2, 2];
  it.each<[string, [number, number], [number, number] | undefined, number?]>([
    ['ArrowDown', [1, 0], [2, 0]],
    ['ArrowDown', [3, 0], [5, 0]], // over the row without focusable cells
    ['ArrowDown', [7, 0], [7, 0]], // the last row stays
    ['ArrowUp', [1, 0], [0, 0]],
    ['ArrowUp', [0, 0], [0, 0]],
    ['ArrowUp', [5, 0], [3, 0]],
    ['ArrowDown', [2, 5], [3, 1]], // from a copy button: the nearest cell of the next row
    ['ArrowDown', [0, 0], [1, 1], 1], // the column the user moved to is kept across an account head
    ['ArrowDown', [1, 1], [2, 1]],
    ['ArrowRight', [1, 0], [1, 1]],
    ['ArrowRight', [1, 1], [1, 1]], // no wrap
    ['ArrowLeft', [2, 3], [2, 2]],
    ['ArrowLeft', [2, 0], [2, 0]],
    ['Home', [6, 1], [0, 0]],
    ['End', [1, 0], [7, 0]],
    ['End', [1, 1], [7, 1], 1],
    ['PageDown', [0, 0], [7, 0]], // fewer than a page left: the last row
    ['PageUp', [7, 0], [0, 0]],
    ['Enter', [1, 0], undefined],
    [' ', [1, 0], undefined], // Space is the checkbox's own
    ['a', [1, 0], undefined],
  ])('%s at %j → %j', (key, [row, col], expected, wanted) => {
    const to = gridMove(key, { row, col }, rows, wanted);
    expect(to && [to.row, to.col]).toEqual(expected);
  });

  it('PageDown and PageUp move by a page of rows in a long list', () => {
    const long = [1, ...Array.from({ length: 300 }, () => 2)];
    expect(gridMove('PageDown', { row: 1, col: 0 }, long)).toEqual({ row: 1 + GRID_PAGE, col: 0 });
    expect(gridMove('PageUp', { row: 50, col: 1 }, long)).toEqual({ row: 50 - GRID_PAGE, col: 1 });
  });

  it('a position outside the grid is not handled', () => {
    expect(gridMove('ArrowDown', { row: 4, col: 0 }, rows)).toBeUndefined();
  });
});
