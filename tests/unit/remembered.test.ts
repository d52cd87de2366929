/**
 * "My usual roles" as pure rules (lib/remembered.ts) and the popup's pre-ticks (components/popup/use-selection.ts):
 * what is kept per sign-in source and its bounds, what a damaged stored value costs, when a new sign-in assumes by
 * itself, the quiet line, and which roles the popup ticks for which sign-in.
 */
import { describe, expect, it } from 'vitest';
import { preTickedKeys, rememberedDuration } from '@/components/popup/use-selection';
import { selectionKey } from '@/components/view-model';
import {
  autoAssumeOn,
  MAX_REMEMBERED_ROLES,
  MAX_REMEMBERED_SOURCES,
  normaliseRemembered,
  rememberedRolesIn,
  runText,
  withAutoAssume,
  withChoice,
  withoutSource,
  type Remembered,
  type ZeroClickRun,
} from '@/lib/remembered';
import { sourceKeyFor } from '@/lib/sign-in-source';
import { storedCapture } from '../support/stored-capture';

const PROVIDER = (account: string, partition = 'aws') => `arn:${partition}:iam::${account}:saml-provider/EntraID`;
const role = (account: string, name: string, partition = 'aws') => ({
  roleArn: `arn:${partition}:iam::${account}:role/${name}`,
  providerArn: PROVIDER(account, partition),
});
const PROD_ADMIN = role('111111111111', 'Admin');
const PROD_READONLY = role('111111111111', 'ReadOnly');
const DEV_DEPLOYER = role('222222222222', 'team/platform/Deployer');
const GOV_ADMIN = role('333333333333', 'GovAdmin', 'aws-us-gov');
const ENTRA_SOURCE = 'https://sts.windows.net/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/|https://signin.aws.amazon.com/saml|https://signin.aws.amazon.com/saml';
const OKTA_SOURCE = 'http://www.okta.com/exk1a2b3c4d5e6f7g8h9|urn:amazon:webservices|https://signin.aws.amazon.com/saml';
const T0 = Date.parse('2026-11-30T08:00:00Z');

describe('what is remembered per source', () => {
  it('a choice replaces the last one from its source, keeps its switch, and leaves other sources alone', () => {
    let r: Remembered = {};
    r = withChoice(r, ENTRA_SOURCE, { roleArns: [PROD_ADMIN.roleArn, PROD_READONLY.roleArn], durationSeconds: 7200, label: 'AWS · Microsoft Entra ID' }, T0);
    r = withChoice(r, OKTA_SOURCE, { roleArns: [DEV_DEPLOYER.roleArn], durationSeconds: 'max', label: 'AWS · Okta' }, T0 + 1);
    r = withAutoAssume(r, ENTRA_SOURCE, false);
    r = withChoice(r, ENTRA_SOURCE, { roleArns: [DEV_DEPLOYER.roleArn, GOV_ADMIN.roleArn], durationSeconds: 3600 }, T0 + 2);
    expect(r[ENTRA_SOURCE]).toEqual({
      roleArns: [DEV_DEPLOYER.roleArn, GOV_ADMIN.roleArn],
      durationSeconds: 3600,
      at: T0 + 2,
      label: 'AWS · Microsoft Entra ID',
      autoAssume: false,
    });
    expect(r[OKTA_SOURCE]).toEqual({ roleArns: [DEV_DEPLOYER.roleArn], durationSeconds: 'max', at: T0 + 1, label: 'AWS · Okta' });
    expect(withoutSource(r, ENTRA_SOURCE)).toEqual({ [OKTA_SOURCE]: r[OKTA_SOURCE] });
  });

  it.each([
    ['no roles', { roleArns: [], durationSeconds: 3600 }],
    ['only things that are not role ARNs', { roleArns: ['arn:aws:iam::111111111111:user/alice', 'Admin'], durationSeconds: 3600 }],
    ['a duration STS refuses', { roleArns: [PROD_ADMIN.roleArn], durationSeconds: 60 }],
  ])('a choice with %s is not recorded', (_title, choice) => {
    expect(withChoice({}, ENTRA_SOURCE, choice, T0)).toEqual({});
  });

  it(`keeps at most ${MAX_REMEMBERED_SOURCES} sources: choosing from another drops the one chosen from longest ago`, () => {
    let r: Remembered = {};
    for (let i = 0; i <= MAX_REMEMBERED_SOURCES; i++)
      r = withChoice(r, `issuer-${i}|aud|https://signin.aws.amazon.com/saml`, { roleArns: [PROD_ADMIN.roleArn], durationSeconds: 3600 }, T0 + i);
    expect(Object.keys(r)).toHaveLength(MAX_REMEMBERED_SOURCES);
    expect(r['issuer-0|aud|https://signin.aws.amazon.com/saml']).toBeUndefined();
    expect(r[`issuer-${MAX_REMEMBERED_SOURCES}|aud|https://signin.aws.amazon.com/saml`]).toBeDefined();
    // Choosing again from an old source makes it the newest: the next new one drops another.
    r = withChoice(r, 'issuer-1|aud|https://signin.aws.amazon.com/saml', { roleArns: [PROD_READONLY.roleArn], durationSeconds: 3600 }, T0 + 100);
    r = withChoice(r, 'issuer-new|aud|https://signin.aws.amazon.com/saml', { roleArns: [PROD_READONLY.roleArn], durationSeconds: 3600 }, T0 + 101);
    expect(r['issuer-1|aud|https://signin.aws.amazon.com/saml']).toBeDefined();
    expect(r['issuer-2|aud|https://signin.aws.amazon.com/saml']).toBeUndefined();
  });

  it(`keeps at most ${MAX_REMEMBERED_ROLES} roles of one choice, each once`, () => {
    const many = Array.from({ length: MAX_REMEMBERED_ROLES + 20 }, (_, i) => `arn:aws:iam::${String(555500000000 + i)}:role/Dev`);
    const r = withChoice({}, ENTRA_SOURCE, { roleArns: [many[0]!, ...many], durationSeconds: 3600 }, T0);
    expect(r[ENTRA_SOURCE]!.roleArns).toEqual(many.slice(0, MAX_REMEMBERED_ROLES));
  });

  it('a damaged stored value costs only the damaged sources; bounds hold on read too', () => {
    const good = { roleArns: [PROD_ADMIN.roleArn, 'not-an-arn'], durationSeconds: 7200, at: T0, label: 'AWS\u202e · Entra', autoAssume: 'yes' };
    const stored = {
      [ENTRA_SOURCE]: good,
      [OKTA_SOURCE]: { roleArns: 'Admin', durationSeconds: 3600, at: T0 },
      ['x'.repeat(5000)]: { roleArns: [PROD_ADMIN.roleArn], durationSeconds: 3600, at: T0 },
      'no-time': { roleArns: [PROD_ADMIN.roleArn], durationSeconds: 3600 },
      ...Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`src-${i}`, { roleArns: [PROD_READONLY.roleArn], durationSeconds: 900, at: T0 - 1000 + i }])),
    };
    const r = normaliseRemembered(stored);
    expect(r[ENTRA_SOURCE]).toEqual({ roleArns: [PROD_ADMIN.roleArn], durationSeconds: 7200, at: T0, label: 'AWS · Entra' });
    expect(r[OKTA_SOURCE]).toBeUndefined();
    expect(r['no-time']).toBeUndefined();
    expect(Object.keys(r)).toHaveLength(MAX_REMEMBERED_SOURCES);
    for (const bad of [null, 'text', [1, 2], 42]) expect(normaliseRemembered(bad)).toEqual({});
  });
});

describe('when a new sign-in assumes by itself', () => {
  const source = { roleArns: [PROD_ADMIN.roleArn], durationSeconds: 3600 as const, at: T0, label: '' };
  it.each([
    ['nothing remembered', undefined, true, false, false],
    ['remembered, default on', source, true, false, true],
    ['remembered, default off', source, false, false, false],
    ['the source switched off, default on', { ...source, autoAssume: false }, true, false, false],
    ['the source switched on, default off', { ...source, autoAssume: true }, false, false, true],
    ['the organisation says off, the source on', { ...source, autoAssume: true }, false, true, false],
    ['the organisation says on, the source off', { ...source, autoAssume: false }, true, true, true],
    ['the organisation says on, nothing remembered', undefined, true, true, false],
  ])('%s', (_title, remembered, global, locked, expected) => {
    expect(autoAssumeOn(remembered, global, locked)).toBe(expected);
  });
});

describe('the quiet line', () => {
  const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  const base: ZeroClickRun = { sourceKey: ENTRA_SOURCE, reason: 'sign-in', at: T0 + 120_000, assumed: 3, failed: 0, freshUntil: T0 + 3_720_000 };
  it.each([
    ['saved', { ...base, saved: 3, savedAt: T0 + 122_000 }, '3 profiles saved 08:02, fresh until 09:02'],
    ['one saved, one failed', { ...base, assumed: 1, saved: 1, savedAt: T0 + 122_000, failed: 1 }, '1 profile saved 08:02, fresh until 09:02; 1 role failed'],
    [
      'not saved: no helper',
      { ...base, notSaved: 'the credentials helper is not installed (the popup shows how)' },
      '3 roles assumed 08:02, fresh until 09:02 (not saved: the credentials helper is not installed (the popup shows how))',
    ],
    [
      'nothing assumed',
      { ...base, assumed: 0, failed: 2, freshUntil: undefined },
      'Your usual roles could not be assumed 08:02; 2 roles failed: see each role below.',
    ],
    [
      'refused before STS',
      { ...base, assumed: 0, failed: 1, freshUntil: undefined, problem: 'That sign-in is no longer known.' },
      'Your usual roles could not be assumed 08:02; 1 role failed: That sign-in is no longer known.',
    ],
  ])('%s', (_title, run, text) => {
    expect(runText(run, clock)).toBe(text);
  });
});

describe('the popup ticks the remembered roles of each sign-in', () => {
  const entra = storedCapture('entra', [PROD_ADMIN, PROD_READONLY, DEV_DEPLOYER], new Date());
  const okta = storedCapture('okta', [PROD_ADMIN, PROD_READONLY]);
  const remembered: Remembered = {
    // GOV_ADMIN is no longer in the sign-in: simply not ticked.
    [sourceKeyFor(entra)]: { roleArns: [DEV_DEPLOYER.roleArn, GOV_ADMIN.roleArn, PROD_ADMIN.roleArn], durationSeconds: 7200, at: T0, label: '' },
  };

  it('only the remembered roles the sign-in still offers, and only for that source', () => {
    expect(rememberedRolesIn(entra.summary.roles, remembered[sourceKeyFor(entra)])).toEqual([PROD_ADMIN.roleArn, DEV_DEPLOYER.roleArn]);
    expect([...preTickedKeys([entra, okta], remembered)].sort()).toEqual(
      [selectionKey(entra.id, PROD_ADMIN.roleArn), selectionKey(entra.id, DEV_DEPLOYER.roleArn)].sort(),
    );
    expect(rememberedDuration([okta, entra], remembered)).toBe(7200);
    expect(rememberedDuration([okta], remembered)).toBeUndefined();
  });

  it('not for a sign-in that can no longer be assumed', () => {
    const spent = { ...entra, samlResponse: undefined };
    expect(preTickedKeys([spent], remembered).size).toBe(0);
    expect(rememberedDuration([spent], remembered)).toBeUndefined();
  });
});
