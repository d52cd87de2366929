import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRoleArn, type SamlRole } from '@/lib/arn';
import { isValidProfileName } from '@/lib/profile-name';
import {
  checkTemplate,
  DEFAULT_PROFILE_TEMPLATE,
  defaultProfileName,
  MAX_TEMPLATE_LENGTH,
  parseTemplate,
  renderTemplate,
  resolveProfileNames,
  roleTag,
  sanitizeProfileNamePart,
  keepGivenName,
  normaliseGivenNames,
  type GivenName,
  type NamingContext,
  type ResolvedProfileName,
  type NamingRole,
  type NamingRules,
  type TemplatePart,
} from '@/lib/profile-template';
import type { Partition } from '@/lib/partitions';

function role(accountId: string, pathAndName: string, partition: Partition = 'aws'): SamlRole {
  // parseRoleArn, not parseRoleValue: role names may contain "," (which splits a Role attribute value).
  const parsed = parseRoleArn(`arn:${partition}:iam::${accountId}:role/${pathAndName}`);
  if (!parsed) throw new Error(`bad fixture ${accountId} ${pathAndName}`);
  return { ...parsed, providerArn: `arn:${partition}:iam::${accountId}:saml-provider/EntraID` };
}

const ADMIN = role('111111111111', 'Admin');
const DEPLOYER = role('111111111111', 'team/platform/Deployer');
const GOV = role('333333333333', 'GovAdmin', 'aws-us-gov');

function parts(template: string): TemplatePart[] {
  const parsed = parseTemplate(template);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.parts;
}
const render = (template: string, r: NamingRole, ctx: NamingContext = {}) => renderTemplate(parts(template), r, ctx).name;
const rules = (over: Partial<NamingRules> = {}): NamingRules => ({ template: DEFAULT_PROFILE_TEMPLATE, overrides: {}, accountNames: {}, ...over });
const names = (roles: SamlRole[], r: NamingRules) => resolveProfileNames(roles, r, (x) => x);

describe('rendering a template', () => {
  const cases: [string, NamingRole, NamingContext, string][] = [
    ['{account_name}-{role}', ADMIN, { accountName: 'contoso-prod' }, 'contoso-prod-Admin'],
    ['{account_name}-{role}', ADMIN, {}, '111111111111-Admin'],
    ['{account_id}_{role}', ADMIN, {}, '111111111111_Admin'],
    ['{partition}-{account_id}-{role}', GOV, {}, 'aws-us-gov-333333333333-GovAdmin'],
    ['{role_path}-{role}', DEPLOYER, {}, 'team_platform-Deployer'],
    // An empty placeholder leaves no dangling or doubled separator.
    ['{role_path}-{role}', ADMIN, {}, 'Admin'],
    ['{account_name}-{role_path}-{role}', ADMIN, { accountName: 'prod' }, 'prod-Admin'],
    ['{role}-{session_name}', ADMIN, {}, 'Admin'],
    ['{role}-{session_name}', ADMIN, { sessionName: 'alice@contoso.com' }, 'Admin-alice_contoso_com'],
    // Display names become safe: spaces and punctuation → _, accents dropped, nothing usable → the id.
    ['{account_name}-{role}', ADMIN, { accountName: 'Contoso Prod (EU)' }, 'Contoso_Prod_EU-Admin'],
    ['{account_name}-{role}', ADMIN, { accountName: 'Café Zoë' }, 'Cafe_Zoe-Admin'],
    ['{account_name}-{role}', ADMIN, { accountName: '日本' }, '111111111111-Admin'],
    ['{account_name}-{role}', ADMIN, { accountName: '   ' }, '111111111111-Admin'],
    ['{account_name}-{role}', role('111111111111', 'a+b=c,d.e@f'), {}, '111111111111-a_b_c_d_e_f'],
    ['aws-{role}', ADMIN, {}, 'aws-Admin'],
  ];
  it.each(cases.map(([template, r, ctx, expected]) => ({ template, role: r.roleArn, r, ctx, expected })))(
    '$template for $role $ctx → $expected',
    ({ template, r, ctx, expected }) => {
      expect(render(template, r, ctx)).toBe(expected);
    },
  );

  it('cuts names to 64 characters without a trailing separator, and says so', () => {
    const long = role('111111111111', 'R'.repeat(60));
    const result = renderTemplate(parts('{account_id}-{role}'), long);
    expect(result.truncated).toBe(true);
    expect(result.name).toHaveLength(64);
    const cutAtSeparator = renderTemplate(parts('{role}_-{account_id}'), role('111111111111', 'R'.repeat(63)));
    expect(cutAtSeparator.name).toBe('R'.repeat(63));
  });

  it('defaultProfileName is the default template (the name the popup used before templates)', () => {
    expect(defaultProfileName({ accountId: '111111111111', roleName: 'Admin' })).toBe('111111111111-Admin');
    expect(defaultProfileName({ accountId: '111111111111', roleName: 'Admin' }, 'contoso-prod')).toBe('contoso-prod-Admin');
    expect(defaultProfileName({ accountId: '111111111111', roleName: 'a+b=c,d.e@f' })).toBe('111111111111-a_b_c_d_e_f');
  });

  it('always renders a valid profile name for any role, account name and session (property)', () => {
    const template = fc.constantFrom(
      DEFAULT_PROFILE_TEMPLATE,
      '{account_id}-{role}',
      '{partition}_{account_name}_{role_path}_{role}',
      '{role}-{session_name}',
      '{session_name}-{role_path}-{account_name}',
    );
    const roleName = fc.stringMatching(/^[\w+=,.@-]{1,64}$/);
    const path = fc.array(fc.stringMatching(/^[\w+=,.@-]{1,20}$/), { maxLength: 4 }).map((segs) => (segs.length ? `${segs.join('/')}/` : ''));
    fc.assert(
      fc.property(
        template,
        fc.stringMatching(/^\d{12}$/),
        path,
        roleName,
        fc.option(fc.string({ unit: 'grapheme' })),
        fc.option(fc.string()),
        (t, acct, p, n, accountName, sessionName) => {
          const r = role(acct, `${p}${n}`);
          const { name } = renderTemplate(parts(t), r, { accountName: accountName ?? undefined, sessionName: sessionName ?? undefined });
          // Only a role name with no usable character at all can render empty (resolveProfileNames falls back).
          if (name !== '') expect(isValidProfileName(name)).toBe(true);
          const resolved = names([r], rules({ template: t, accountNames: accountName ? { [acct]: accountName } : {} })).get(r.roleArn)!;
          expect(isValidProfileName(resolved.name)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('parsing and checking a template', () => {
  it.each<[string, RegExp]>([
    ['', /empty/],
    ['{account_name}-{role', /"\{" at character 16 is never closed/],
    ['{account_name}-role}', /"\}" at character 20 has no matching "\{"/],
    ['{account_{name}', /"\{" at character 1 is not closed before the next "\{" \(at character 10\)/],
    ['{}-{role}', /Empty placeholder "\{\}" at character 1/],
    ['{account}-{role}', /Unknown placeholder \{account\} at character 1\. Did you mean \{account_name\}\?/],
    ['{acount_id}-{role}', /Unknown placeholder \{acount_id\}.*Did you mean \{account_id\}\?/],
    ['{Role}', /Unknown placeholder \{Role\}.*Did you mean \{role\}\?/],
    ['{xyz}', /Unknown placeholder \{xyz\} at character 1\. Placeholders: \{account_id\}, \{account_name\}/],
    ['{account_name}.{role}', /"\." at character 15 cannot be in a profile name/],
    ['{account_name} {role}', /" " at character 15 cannot be in a profile name/],
    ['{role}\n[x]', /U\+000A at character 7 cannot be in a profile name/],
    ['{role}é', /U\+00E9 at character 7/],
    ['{session_name}', /needs \{role\}, \{account_name\} or \{account_id\}/],
    ['static-name', /needs \{role\}/],
    ['{role}'.repeat(40), new RegExp(`240 characters long; at most ${MAX_TEMPLATE_LENGTH}`)],
  ])('refuses %j: %s', (template, message) => {
    const parsed = parseTemplate(template);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
    expect(checkTemplate(template).ok).toBe(false);
  });

  it('accepts every placeholder, alone or with text', () => {
    expect(parseTemplate('{account_id}{account_name}{role}{role_path}{partition}{session_name}-x_Y9').ok).toBe(true);
    expect(parseTemplate('{role}')).toEqual({ ok: true, parts: [{ placeholder: 'role' }] });
    expect(parseTemplate('p-{role}-q')).toEqual({ ok: true, parts: [{ text: 'p-' }, { placeholder: 'role' }, { text: '-q' }] });
  });

  it('checks what the template renders for sample roles: reserved, empty, cut and shared names', () => {
    const samples = [{ ...ADMIN, accountName: 'contoso-prod' }, DEPLOYER];
    expect(checkTemplate('{account_name}-{role}', samples)).toEqual({ ok: true, warnings: [] });
    const reserved = checkTemplate('{account_name}', [{ ...ADMIN, accountName: 'default' }]);
    expect(reserved).toEqual({ ok: false, error: expect.stringMatching(/renders "default" for Admin in 111111111111.*\[default\]/) as string });
    expect(checkTemplate('{role}', [role('111111111111', '+')])).toEqual({ ok: false, error: 'The template renders an empty name for + in 111111111111.' });
    const cut = checkTemplate('{account_id}-{role}', [role('111111111111', 'R'.repeat(60))]);
    expect(cut.ok && cut.warnings).toEqual([`${'R'.repeat(60)} in 111111111111: the name is cut to 64 characters.`]);
    const shared = checkTemplate('{account_id}', [ADMIN, DEPLOYER]);
    expect(shared.ok && shared.warnings).toEqual(['Several roles would be named "111111111111"; they are not saved until you give them names of their own.']);
  });
});

describe('resolving names for a set of roles', () => {
  it('an override wins over the template', () => {
    const r = names([ADMIN, DEPLOYER], rules({ overrides: { [ADMIN.roleArn]: 'prod' }, accountNames: { '111111111111': 'contoso-prod' } }));
    expect(r.get(ADMIN.roleArn)).toEqual({ name: 'prod', source: 'override', truncated: false });
    expect(r.get(DEPLOYER.roleArn)).toEqual({ name: 'contoso-prod-team_platform-Deployer', source: 'template', truncated: false });
  });

  it('an invalid override is ignored (settings validation reports it) and the template applies', () => {
    const r = names([ADMIN], rules({ overrides: { [ADMIN.roleArn]: 'not valid!' } }));
    expect(r.get(ADMIN.roleArn)!.name).toBe('111111111111-Admin');
  });

  it('an invalid stored template falls back to the default and says why', () => {
    const r = names([ADMIN], rules({ template: '{account}-{role}' })).get(ADMIN.roleArn)!;
    expect(r.name).toBe('111111111111-Admin');
    expect(r.templateError).toMatch(/Unknown placeholder \{account\}/);
  });

  it('a role whose template name would be empty gets the default template’s name', () => {
    const odd = role('111111111111', '+');
    expect(names([odd], rules({ template: '{role}' })).get(odd.roleArn)!.name).toBe(`111111111111-${roleTag(odd.roleArn)}`);
  });

  it("a role's name is the same whatever other roles come with it (property)", () => {
    const pool = [
      ADMIN,
      DEPLOYER,
      GOV,
      role('111111111111', 'ReadOnly'),
      role('222222222222', 'Admin'),
      role('222222222222', 'x/Admin'),
      role('222222222222', 'y/Admin'),
      role('222222222222', 'a.b'),
      role('222222222222', 'a_b'),
      role('222222222222', `${'R'.repeat(60)}1`),
      role('222222222222', `${'R'.repeat(60)}2`),
      role('444444444444', 'Dev'),
      role('555555555555', 'Dev'),
    ];
    const r = rules({ template: '{account_name}-{role}', accountNames: { '444444444444': 'same', '555555555555': 'same' } });
    const alone = new Map(pool.map((x) => [x.roleArn, names([x], r).get(x.roleArn)!.name]));
    fc.assert(
      fc.property(fc.shuffledSubarray(pool, { minLength: 1 }), (subset) => {
        const some = names(subset, r);
        for (const x of subset) {
          // Exactly the name it has alone, in any company and any order.
          expect(some.get(x.roleArn)!.name).toBe(alone.get(x.roleArn));
          expect(isValidProfileName(some.get(x.roleArn)!.name)).toBe(true);
        }
        // Roles that may be written have distinct names; the others are reported, never renamed.
        const writable = subset.filter((x) => !some.get(x.roleArn)!.conflict || some.get(x.roleArn)!.conflict!.resolved);
        const all = writable.map((x) => some.get(x.roleArn)!.name);
        expect(new Set(all).size).toBe(all.length);
      }),
    );
  });

  it('a second Admin in the same account (another path) changes neither name', () => {
    const plain = role('111111111111', 'Admin');
    const pathed = role('111111111111', 'team/Admin');
    expect(names([plain], rules()).get(plain.roleArn)).toEqual({ name: '111111111111-Admin', source: 'template', truncated: false });
    const both = names([plain, pathed], rules());
    expect(both.get(plain.roleArn)).toEqual({ name: '111111111111-Admin', source: 'template', truncated: false });
    expect(both.get(pathed.roleArn)).toEqual({ name: '111111111111-team-Admin', source: 'template', truncated: false });
  });

  it('the path goes in front of the role unless the template places it', () => {
    expect(names([DEPLOYER], rules()).get(DEPLOYER.roleArn)!.name).toBe('111111111111-team_platform-Deployer');
    expect(names([DEPLOYER], rules({ template: '{role_path}_{account_id}_{role}' })).get(DEPLOYER.roleArn)!.name).toBe('team_platform_111111111111_Deployer');
    expect(defaultProfileName(DEPLOYER, 'contoso-prod')).toBe('contoso-prod-team_platform-Deployer');
  });

  it('a role name that loses characters, or a cut name, always carries its own tag', () => {
    const dotted = role('222222222222', 'a.b');
    const plain = role('222222222222', 'a_b');
    const long = role('222222222222', 'R'.repeat(60));
    const r = names([dotted, plain, long], rules());
    expect(r.get(dotted.roleArn)).toEqual({ name: `222222222222-a_b-${roleTag(dotted.roleArn)}`, source: 'template', truncated: false });
    expect(r.get(plain.roleArn)).toEqual({ name: '222222222222-a_b', source: 'template', truncated: false });
    expect(r.get(long.roleArn)!.name).toBe(`${`222222222222-${'R'.repeat(60)}`.slice(0, 55)}-${roleTag(long.roleArn)}`);
    expect(r.get(long.roleArn)!.name.length).toBeLessThanOrEqual(64);
    expect(roleTag(dotted.roleArn)).toMatch(/^[0-9a-f]{8}$/);
    expect(roleTag(dotted.roleArn)).not.toBe(roleTag(plain.roleArn));
  });

  it('two roles that still share a name are both reported and neither is renamed', () => {
    const x = role('444444444444', 'Dev');
    const y = role('555555555555', 'Dev');
    const r = names([x, y], rules({ accountNames: { '444444444444': 'same', '555555555555': 'same' } }));
    expect(r.get(x.roleArn)).toEqual({
      name: 'same-Dev',
      source: 'template',
      truncated: false,
      conflict: { wanted: 'same-Dev', withRoles: [y.roleArn], resolved: false },
    });
    expect(r.get(y.roleArn)!.conflict).toEqual({ wanted: 'same-Dev', withRoles: [x.roleArn], resolved: false });
  });

  it('the one role with an override keeps its name; the template-named role is refused, not renamed', () => {
    const other = role('222222222222', 'Admin');
    const r = names([ADMIN, other], rules({ overrides: { [ADMIN.roleArn]: '222222222222-Admin' } }));
    expect(r.get(ADMIN.roleArn)).toEqual({ name: '222222222222-Admin', source: 'override', truncated: false });
    expect(r.get(other.roleArn)!.name).toBe('222222222222-Admin');
    expect(r.get(other.roleArn)!.conflict).toEqual({ wanted: '222222222222-Admin', withRoles: [ADMIN.roleArn], resolved: false });
  });

  it('two equal overrides are both refused', () => {
    const r = names([ADMIN, GOV], rules({ overrides: { [ADMIN.roleArn]: 'same', [GOV.roleArn]: 'same' } }));
    expect(r.get(ADMIN.roleArn)!.conflict).toMatchObject({ wanted: 'same', resolved: false });
    expect(r.get(GOV.roleArn)!.conflict).toMatchObject({ wanted: 'same', resolved: false });
  });

  it('a template name of "default" (any case) is never used as is', () => {
    const r = names([ADMIN], rules({ template: '{account_name}', accountNames: { '111111111111': 'Default' } })).get(ADMIN.roleArn)!;
    expect(r.name).toBe(`Default-${roleTag(ADMIN.roleArn)}`);
    expect(r.conflict).toEqual({ wanted: 'Default', withRoles: [], resolved: true });
  });

  it('a role listed twice is named once', () => {
    expect([...names([ADMIN, ADMIN], rules()).keys()]).toEqual([ADMIN.roleArn]);
  });

  it('the account name comes from the rules, or from the item itself when it carries one', () => {
    const r = resolveProfileNames([{ r: ADMIN, n: 'item-name' }], rules({ accountNames: { '111111111111': 'rules-name' } }), ({ r, n }) => ({
      ...r,
      accountName: n,
    }));
    expect(r.get(ADMIN.roleArn)!.name).toBe('item-name-Admin');
  });
});

describe('sanitizeProfileNamePart', () => {
  it.each([
    ['Zoë', 'Zoe'],
    ['a b  c', 'a_b_c'],
    ['x]\n[y', 'x_y'],
    ['ok-name_1', 'ok-name_1'],
    ['Ｆｕｌｌ', 'Full'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeProfileNamePart(input)).toBe(expected);
  });
});

describe('names already given (keepGivenName)', () => {
  const resolved = (name: string, over: Partial<ResolvedProfileName> = {}): ResolvedProfileName => ({ name, source: 'template', truncated: false, ...over });
  it.each<[string, string, string, GivenName | undefined, string, string | undefined]>([
    ['never named: the alias applies', 'contoso-prod-Admin', '111111111111-Admin', undefined, 'contoso-prod-Admin', undefined],
    [
      'named by id, alias learnt since: keeps the name, offers the rename',
      'contoso-prod-Admin',
      '111111111111-Admin',
      { name: '111111111111-Admin', plain: '111111111111-Admin' },
      '111111111111-Admin',
      'contoso-prod-Admin',
    ],
    [
      'named with an alias that changed since: keeps it',
      'contoso-new-Admin',
      '111111111111-Admin',
      { name: 'contoso-prod-Admin', plain: '111111111111-Admin' },
      'contoso-prod-Admin',
      'contoso-new-Admin',
    ],
    [
      'the settings changed (template): the new name applies',
      'Admin',
      'Admin',
      { name: '111111111111-Admin', plain: '111111111111-Admin' },
      'Admin',
      undefined,
    ],
    [
      'nothing changed',
      'contoso-prod-Admin',
      '111111111111-Admin',
      { name: 'contoso-prod-Admin', plain: '111111111111-Admin' },
      'contoso-prod-Admin',
      undefined,
    ],
  ])('%s', (_title, withAliases, plain, given, name, renameTo) => {
    const r = keepGivenName(resolved(withAliases), resolved(plain), given);
    expect(r.resolved.name).toBe(name);
    expect(r.renameTo).toBe(renameTo);
    expect(r.remember.name).toBe(name);
  });

  it('an override always wins over a remembered name', () => {
    const r = keepGivenName(resolved('mine', { source: 'override' }), resolved('mine', { source: 'override' }), {
      name: '111111111111-Admin',
      plain: '111111111111-Admin',
    });
    expect(r.resolved.name).toBe('mine');
  });

  it('reads only well-formed remembered names', () => {
    expect(
      normaliseGivenNames({
        [ADMIN.roleArn]: { name: 'a-Admin', plain: '111111111111-Admin' },
        bad: { name: 'x', plain: 'y' },
        [GOV.roleArn]: { name: 'has space', plain: 'ok' },
        [DEPLOYER.roleArn]: 'not an object',
      }),
    ).toEqual({ [ADMIN.roleArn]: { name: 'a-Admin', plain: '111111111111-Admin' } });
    expect(normaliseGivenNames(null)).toEqual({});
    expect(normaliseGivenNames([1])).toEqual({});
  });
});
