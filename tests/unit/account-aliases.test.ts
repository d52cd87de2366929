import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aliasNames,
  isAccountAlias,
  MAX_ACCOUNTS_PER_PAGE,
  MAX_LEARNT_ALIASES,
  MAX_META_CHARS,
  mergeLearntAliases,
  normaliseLearntAliases,
  parseAccountLabel,
  parseSigninPageAliases,
  sameAliases,
  type SigninPageAliases,
} from '@/lib/account-aliases';

const PROD = '111111111111';
const DEV = '222222222222';
const SANDBOX = '444444444444';
const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

/** The meta content as AWS (and tests/emulators/aws-signin.ts) writes it: base64 of UTF-8 JSON. */
function meta(rolesAccounts: unknown, extra: Record<string, unknown> = { relay_state: '', name: '', portal: '' }): string {
  return Buffer.from(JSON.stringify({ roles_accounts: rolesAccounts, ...extra }), 'utf8').toString('base64');
}

const CURRENT_PAGE = meta({
  [`contoso-prod (${PROD})`]: [role(PROD, 'Admin'), role(PROD, 'team/platform/Deployer')],
  [`contoso-dev (${DEV})`]: [role(DEV, 'Developer')],
  [SANDBOX]: [role(SANDBOX, 'SandboxAdmin')],
});
const OLD_PAGE = [`Account: contoso-prod (${PROD})`, `Account: contoso-dev (${DEV})`, `Account: ${SANDBOX}`];

describe('parseSigninPageAliases', () => {
  it('reads the current page’s meta JSON; an account without an alias is seen but has no alias', () => {
    expect(parseSigninPageAliases({ metaData: CURRENT_PAGE, accountHeadings: [] })).toEqual({
      aliases: { [PROD]: 'contoso-prod', [DEV]: 'contoso-dev' },
      accountIds: [PROD, DEV, SANDBOX],
      source: 'meta',
    });
  });

  it('reads the older page’s account headings', () => {
    expect(parseSigninPageAliases({ accountHeadings: OLD_PAGE })).toEqual({
      aliases: { [PROD]: 'contoso-prod', [DEV]: 'contoso-dev' },
      accountIds: [PROD, DEV, SANDBOX],
      source: 'markup',
    });
  });

  it('with both, the meta wins for an account both name and the headings add the rest', () => {
    const result = parseSigninPageAliases({
      metaData: meta({ [`contoso-prod (${PROD})`]: [role(PROD, 'Admin')] }),
      accountHeadings: [`Account: old-name (${PROD})`, `Account: contoso-dev (${DEV})`],
    });
    expect(result.aliases).toEqual({ [PROD]: 'contoso-prod', [DEV]: 'contoso-dev' });
    expect(result.source).toBe('both');
  });

  it.each([
    ['nothing at all', {}],
    ['no meta and no headings', { metaData: null, accountHeadings: [] }],
    ['an empty meta', { metaData: '' }],
    ['headings that are null (elements without text)', { accountHeadings: [null, undefined] }],
  ])('missing: %s → nothing, no error', (_, inputs) => {
    expect(parseSigninPageAliases(inputs)).toEqual({ aliases: {}, accountIds: [], source: 'none' });
  });

  it.each([
    ['not base64', '%%% not base64 %%%'],
    ['base64 of plain text', Buffer.from('hello world').toString('base64')],
    ['base64 of invalid UTF-8', Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64')],
    ['base64 cut short (one stray character)', CURRENT_PAGE.slice(0, 4 * 10 + 1)],
    ['base64 of a JSON array', Buffer.from('[1,2,3]').toString('base64')],
    ['base64 of JSON null', Buffer.from('null').toString('base64')],
    ['roles_accounts missing', meta(undefined)],
    ['roles_accounts a string', meta('contoso-prod (111111111111)')],
    ['roles_accounts an array', meta([`contoso-prod (${PROD})`])],
    ['broken JSON', Buffer.from('{"roles_accounts": {"contoso-prod (111111111111)": [').toString('base64')],
  ])('garbage meta: %s → nothing, no error', (_, metaData) => {
    expect(parseSigninPageAliases({ metaData })).toEqual({ aliases: {}, accountIds: [], source: 'none' });
  });

  it('garbage meta does not stop the older headings from working', () => {
    expect(parseSigninPageAliases({ metaData: 'garbage!', accountHeadings: OLD_PAGE }).aliases).toEqual({ [PROD]: 'contoso-prod', [DEV]: 'contoso-dev' });
  });

  it('accepts URL-safe base64 without padding, and plain JSON should AWS stop encoding it', () => {
    const json = JSON.stringify({ roles_accounts: { [`a-b-c (${PROD})`]: [] } });
    const urlSafe = Buffer.from(json + '  ').toString('base64url');
    expect(parseSigninPageAliases({ metaData: urlSafe }).aliases).toEqual({ [PROD]: 'a-b-c' });
    expect(parseSigninPageAliases({ metaData: json }).aliases).toEqual({ [PROD]: 'a-b-c' });
  });

  it('reads UTF-8 JSON whose other fields hold non-ASCII text', () => {
    const metaData = meta({ [`contoso-prod (${PROD})`]: [] }, { name: 'Zoë Ångström — 日本' });
    expect(parseSigninPageAliases({ metaData }).aliases).toEqual({ [PROD]: 'contoso-prod' });
  });

  it.each([
    ['HTML', `<img src=x onerror=alert(1)> (${PROD})`],
    ['an alias with a quote', `contoso"prod (${PROD})`],
    ['unicode', `prød (${PROD})`],
    ['upper case (IAM aliases are lower case)', `Contoso-Prod (${PROD})`],
    ['a leading hyphen', `-contoso (${PROD})`],
    ['a double hyphen', `contoso--prod (${PROD})`],
    ['two characters', `ab (${PROD})`],
    ['64 characters', `${'a'.repeat(64)} (${PROD})`],
    ['a very long value', `${'a'.repeat(100_000)} (${PROD})`],
    ['a space inside', `contoso prod (${PROD})`],
    ['a right-to-left override', `contoso\u202eprod (${PROD})`],
  ])('hostile alias (%s): the account is kept without an alias', (_, key) => {
    const result = parseSigninPageAliases({ metaData: meta({ [key]: [] }), accountHeadings: [`Account: ${key}`] });
    expect(result.aliases).toEqual({});
    // Still recognised as the account, just without a name (unless the label itself is unreadable).
    expect([[], [PROD]]).toContainEqual(result.accountIds);
    if (key.length < 300 && !key.includes('(1)')) expect(result.accountIds).toEqual([PROD]);
  });

  it('accepts the longest valid alias (63 characters)', () => {
    const alias = `a${'-b'.repeat(30)}cd`;
    expect(alias).toHaveLength(63);
    expect(parseSigninPageAliases({ metaData: meta({ [`${alias} (${PROD})`]: [] }) }).aliases).toEqual({ [PROD]: alias });
  });

  it.each([
    ['13 digits', `contoso (1111111111112)`],
    ['11 digits', `contoso (11111111111)`],
    ['letters in the id', `contoso (11111111111a)`],
    ['no id', 'contoso'],
    ['two ids', `contoso (${PROD}) (${DEV})`],
  ])('a key that is not an account label (%s) is ignored', (_, key) => {
    expect(parseSigninPageAliases({ metaData: meta({ [key]: [] }) })).toEqual({ aliases: {}, accountIds: [], source: 'none' });
  });

  it('ignores a key whose role ARNs belong to another account (the label cannot be trusted)', () => {
    const result = parseSigninPageAliases({
      metaData: meta({ [`contoso-prod (${PROD})`]: [role(DEV, 'Admin')], [`contoso-dev (${DEV})`]: [role(DEV, 'Admin'), 'not an arn', 42] }),
    });
    expect(result.aliases).toEqual({ [DEV]: 'contoso-dev' });
  });

  it('refuses an oversized meta and caps the number of accounts on a page', () => {
    expect(parseSigninPageAliases({ metaData: 'A'.repeat(MAX_META_CHARS + 4) }).accountIds).toEqual([]);
    const many = Object.fromEntries(Array.from({ length: MAX_ACCOUNTS_PER_PAGE + 50 }, (_, i) => [`acct-${i} (${String(100000000000 + i)})`, []]));
    expect(parseSigninPageAliases({ metaData: meta(many) }).accountIds).toHaveLength(MAX_ACCOUNTS_PER_PAGE);
    const headings = Array.from({ length: MAX_ACCOUNTS_PER_PAGE + 50 }, (_, i) => `Account: acct-${i} (${String(100000000000 + i)})`);
    expect(Object.keys(parseSigninPageAliases({ accountHeadings: headings }).aliases)).toHaveLength(MAX_ACCOUNTS_PER_PAGE);
  });

  it('the first alias for an id wins within one source', () => {
    expect(parseSigninPageAliases({ accountHeadings: [`Account: first (${PROD})`, `Account: second (${PROD})`] }).aliases).toEqual({ [PROD]: 'first' });
  });

  it('never throws and only ever returns 12-digit ids with valid aliases, whatever the page holds', () => {
    const anyJson = fc.jsonValue();
    const metaData = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      anyJson.map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64')),
      fc.dictionary(fc.oneof(fc.string(), fc.constantFrom(`x-y (${PROD})`, SANDBOX, `A (${DEV})`)), anyJson).map((ra) => meta(ra)),
      fc.constant(null),
    );
    const headings = fc.array(
      fc.oneof(
        fc.string(),
        fc.string().map((s) => `Account: ${s} (${PROD})`),
        fc.constant(null),
      ),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(metaData, headings, (m, h) => {
        const result = parseSigninPageAliases({ metaData: m, accountHeadings: h });
        for (const [id, alias] of Object.entries(result.aliases)) {
          expect(id).toMatch(/^\d{12}$/);
          expect(isAccountAlias(alias)).toBe(true);
          expect(result.accountIds).toContain(id);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads back every valid alias a page encodes (round trip)', () => {
    const alias = fc
      .array(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.join('-'))
      .filter((a) => a.length >= 3 && a.length <= 63);
    const id = fc.stringMatching(/^\d{12}$/);
    fc.assert(
      fc.property(fc.dictionary(id, alias, { maxKeys: 30 }), (aliases) => {
        const rolesAccounts = Object.fromEntries(Object.entries(aliases).map(([i, a]) => [`${a} (${i})`, [role(i, 'Admin')]]));
        expect(parseSigninPageAliases({ metaData: meta(rolesAccounts) }).aliases).toEqual(aliases);
        const headings = Object.entries(aliases).map(([i, a]) => `Account: ${a} (${i})`);
        expect(parseSigninPageAliases({ accountHeadings: headings }).aliases).toEqual(aliases);
      }),
    );
  });
});

describe('parseAccountLabel', () => {
  it.each([
    [`contoso-prod (${PROD})`, { accountId: PROD, alias: 'contoso-prod' }],
    [`Account: contoso-prod (${PROD})`, { accountId: PROD, alias: 'contoso-prod' }],
    [`  Account:   contoso-prod  (${PROD})  `, { accountId: PROD, alias: 'contoso-prod' }],
    [`Konto: contoso-prod (${PROD})`, { accountId: PROD, alias: 'contoso-prod' }],
    [`Account: ${PROD}`, { accountId: PROD }],
    [PROD, { accountId: PROD }],
    [`Account: Contoso (${PROD})`, { accountId: PROD }],
    ['Account:', null],
    ['', null],
    [`Account: contoso-prod (${PROD}) extra`, null],
  ])('%j → %j', (text, expected) => {
    expect(parseAccountLabel(text)).toEqual(expected);
  });
});

describe('learnt aliases', () => {
  const page = (aliases: Record<string, string>, accountIds = Object.keys(aliases), source: SigninPageAliases['source'] = 'meta'): SigninPageAliases => ({
    aliases,
    accountIds,
    source,
  });

  it('keeps only well-formed stored entries', () => {
    const stored = {
      [PROD]: { alias: 'contoso-prod', seenAt: 5 },
      [DEV]: { alias: 'Not An Alias', seenAt: 5 },
      '123': { alias: 'short-id', seenAt: 5 },
      [SANDBOX]: { alias: 'sandbox', seenAt: 'yesterday' },
      '555555555555': 'contoso-five',
      '666666666666': { alias: 'contoso-cn', seenAt: -1 },
    };
    expect(normaliseLearntAliases(stored)).toEqual({ [PROD]: { alias: 'contoso-prod', seenAt: 5 } });
    for (const garbage of [undefined, null, 'x', 42, [], [[PROD, 'a']]]) expect(normaliseLearntAliases(garbage)).toEqual({});
  });

  it('merges a page: adds and updates aliases, forgets one the page shows without an alias', () => {
    const before = {
      [PROD]: { alias: 'old-prod', seenAt: 1 },
      [SANDBOX]: { alias: 'gone-sandbox', seenAt: 1 },
      '999999999999': { alias: 'elsewhere', seenAt: 1 },
    };
    const after = mergeLearntAliases(before, page({ [PROD]: 'contoso-prod', [DEV]: 'contoso-dev' }, [PROD, DEV, SANDBOX]), 10);
    expect(after).toEqual({
      [PROD]: { alias: 'contoso-prod', seenAt: 10 },
      [DEV]: { alias: 'contoso-dev', seenAt: 10 },
      '999999999999': { alias: 'elsewhere', seenAt: 1 },
    });
    expect(aliasNames(after)).toEqual({ [PROD]: 'contoso-prod', [DEV]: 'contoso-dev', '999999999999': 'elsewhere' });
  });

  it('a page that shows no alias at all (a redesign) forgets nothing', () => {
    const before = { [PROD]: { alias: 'contoso-prod', seenAt: 1 } };
    expect(mergeLearntAliases(before, page({}, [PROD, DEV], 'none'), 10)).toEqual(before);
  });

  it('keeps the most recently seen aliases when over the cap', () => {
    const many = Object.fromEntries(Array.from({ length: MAX_LEARNT_ALIASES + 10 }, (_, i) => [String(100000000000 + i), { alias: `a-${i}`, seenAt: i }]));
    const kept = normaliseLearntAliases(many);
    expect(Object.keys(kept)).toHaveLength(MAX_LEARNT_ALIASES);
    expect(kept['100000000000']).toBeUndefined();
    expect(kept[String(100000000000 + MAX_LEARNT_ALIASES + 9)]).toBeDefined();
    const merged = mergeLearntAliases(kept, page({ '999999999999': 'newest' }), 1e9);
    expect(Object.keys(merged)).toHaveLength(MAX_LEARNT_ALIASES);
    expect(merged['999999999999']).toEqual({ alias: 'newest', seenAt: 1e9 });
  });

  it('sameAliases ignores when an alias was seen, not what it is', () => {
    expect(sameAliases({ [PROD]: { alias: 'a-b', seenAt: 1 } }, { [PROD]: { alias: 'a-b', seenAt: 2 } })).toBe(true);
    expect(sameAliases({ [PROD]: { alias: 'a-b', seenAt: 1 } }, { [PROD]: { alias: 'a-c', seenAt: 1 } })).toBe(false);
    expect(sameAliases({ [PROD]: { alias: 'a-b', seenAt: 1 } }, {})).toBe(false);
  });
});
