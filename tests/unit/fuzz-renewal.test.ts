/**
 * Fuzz proofs for silent renewal's hostile-input readers: the HTML tokenizer and the classifier on mutated
 * Entra-shaped pages (fixtures and the "Working..." form), and the SAMLRequest decoder on mutated, truncated and
 * re-deflated requests. Properties: never throws, answers each input fast, keeps its bounds, and never calls a page
 * an assertion unless it is the untouched answer to our request. Seeded, so a failure reproduces.
 *
 *   FUZZ_RUNS  inputs per property (default 10,000; `npm run fuzz` runs 100,000)
 *   FUZZ_SEED  the seed (default fixed, so CI is repeatable; set another to explore)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAuthnRequest, decodeRedirectRequest } from '@/lib/renewal/authn-request';
import { classifyIdpAnswer } from '@/lib/renewal/classify';
import { NEEDS_USER_REASONS } from '@/lib/renewal/needs-user';
import { scanHtml } from '@/lib/renewal/html-scan';
import { generateIdpSigningKey } from '../emulators/certs';
import { autoPostForm } from '../emulators/idp';
import { buildEncodedSamlResponse } from '../support/saml-builder';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_130);
const settings = { numRuns: RUNS, seed: SEED, endOnFailure: true };
const TIMEOUT = Math.max(30_000, RUNS * 10);
/** Generous on purpose (a shared 2-core machine): this catches runaway scanning, not slowness. */
const PER_INPUT_MS = 1_000;

const REQUEST_ID = '_0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';
const ACS = 'https://signin.aws.amazon.com/saml';
const DIR = new URL('../fixtures/idp-pages/', import.meta.url);
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.html'))
  .map((f) => readFileSync(new URL(f, DIR), 'utf8'));

const pick = (n: number, length: number) => (length === 0 ? 0 : n % length);
const splice = (s: string, from: number, to: number, insert: string) => s.slice(0, from) + insert + s.slice(to);
const PIECES = [
  '<',
  '>',
  '"',
  "'",
  '=',
  '&',
  '&amp;',
  '&#x2F;',
  '<!--',
  '-->',
  '<script>',
  '</script>',
  '<form method=post action=https://signin.aws.amazon.com/saml>',
  '<input name=SAMLResponse value=',
  '</form>',
  '$Config={',
  '}',
  '{',
  '\u0000',
  '\uFEFF',
  '<title>',
  'AADSTS50058',
  'PageID',
];

const htmlMutation: fc.Arbitrary<(html: string) => string> = fc.oneof(
  fc.nat().map((n) => (html: string) => html.slice(0, pick(n, html.length + 1))),
  fc.tuple(fc.nat(), fc.constantFrom(...PIECES)).map(([n, piece]) => (html: string) => {
    const at = pick(n, html.length + 1);
    return splice(html, at, at, piece);
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 200 })).map(([n, len]) => (html: string) => {
    const at = pick(n, html.length);
    return splice(html, at, at + len, '');
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 0xffff })).map(([n, c]) => (html: string) => {
    const at = pick(n, html.length);
    return splice(html, at, at + 1, String.fromCharCode(c));
  }),
  fc
    .tuple(fc.nat(), fc.integer({ min: 1_000, max: 60_000 }), fc.constantFrom('<a ', 'a=', '"', '&amp;', '{', '<script>'))
    .map(([n, size, unit]) => (html: string) => {
      const at = pick(n, html.length + 1);
      return splice(html, at, at, unit.repeat(Math.ceil(size / unit.length)));
    }),
);

describe(`silent renewal fuzz: ${RUNS} inputs per property, seed ${SEED}`, () => {
  let working: string[] = [];
  beforeAll(async () => {
    const key = await generateIdpSigningKey();
    const roles = [{ roleArn: 'arn:aws:iam::111111111111:role/Admin', providerArn: 'arn:aws:iam::111111111111:saml-provider/EntraID' }];
    working = [
      autoPostForm(ACS, buildEncodedSamlResponse({ roles, inResponseTo: REQUEST_ID }, key), 'https://console.aws.amazon.com/'),
      autoPostForm(ACS, buildEncodedSamlResponse({ roles, inResponseTo: '_someone_else' }, key), null),
    ];
  }, 60_000);

  it('the unmutated pool classifies as expected', () => {
    const kinds = [...working, ...FIXTURES].map(
      (html) => classifyIdpAnswer({ status: 200, finalUrl: `${ACS}x`, html, expect: { requestId: REQUEST_ID, acsUrl: ACS } }).kind,
    );
    expect(kinds[0]).toBe('assertion');
    expect(kinds.slice(1).filter((k) => k === 'assertion')).toEqual([]);
  });

  it(
    'scanHtml and classifyIdpAnswer never throw, stay fast and bounded, and a mutated page is an assertion only if its form survived intact',
    () => {
      const input = fc.record({
        page: fc.oneof(fc.constantFrom(...FIXTURES, ...working), fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 })),
        mutations: fc.array(htmlMutation, { maxLength: 4 }),
      });
      fc.assert(
        fc.property(input, ({ page, mutations }) => {
          let html = page;
          for (const m of mutations) html = m(html);
          const started = performance.now();
          const scanned = scanHtml(html);
          const answer = classifyIdpAnswer({
            status: 200,
            finalUrl: 'https://login.microsoftonline.com/t/saml2',
            html,
            expect: { requestId: REQUEST_ID, acsUrl: ACS },
          });
          expect(performance.now() - started).toBeLessThan(PER_INPUT_MS);
          expect(scanned.ok).toBe(true);
          if (!scanned.ok) return;
          expect(scanned.page.forms.length).toBeLessThanOrEqual(32);
          for (const f of scanned.page.forms) expect(f.inputs.length).toBeLessThanOrEqual(256);
          if (answer.kind === 'needs-user') expect(NEEDS_USER_REASONS).toContain(answer.reason);
          if (answer.kind === 'assertion') {
            // Only the real answer to our request can be one, and its SAMLResponse must be that answer's, unchanged.
            expect(working[0]).toContain(answer.samlResponse);
            expect(answer.samlResponse.length).toBeGreaterThan(1000);
          }
          if (answer.kind === 'hop') expect(new URL(answer.action).hostname).toMatch(/^login\.(microsoftonline\.(com|us)|partner\.microsoftonline\.cn)$/);
        }),
        settings,
      );
    },
    TIMEOUT,
  );

  it(
    'decodeRedirectRequest never throws and returns either an error or a valid ID and plausible Issuer',
    async () => {
      const xml = buildAuthnRequest({
        id: REQUEST_ID,
        issuer: 'https://signin.aws.amazon.com/saml#2',
        acsUrl: ACS,
        issueInstant: new Date('2026-11-30T08:00:00Z'),
        passive: true,
      });
      const xmlMutation = fc.oneof(
        htmlMutation,
        fc.constantFrom(
          (s: string) => s.replace('ID=', 'Id='),
          (s: string) => s.replace('samlp:AuthnRequest', 'samlp:LogoutRequest'),
          (s: string) => `<!DOCTYPE a [<!ENTITY b "c">]>${s}`,
          (s: string) => s.replace('#2', '&amp;#2'),
        ),
      );
      const input = fc.oneof(
        {
          weight: 4,
          arbitrary: fc.array(xmlMutation, { maxLength: 3 }).map((ms) => deflateRawSync(Buffer.from(ms.reduce((acc, m) => m(acc), xml))).toString('base64')),
        },
        { weight: 1, arbitrary: fc.base64String({ maxLength: 800 }) },
        { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString('base64')) },
      );
      await fc.assert(
        fc.asyncProperty(input, async (param) => {
          const started = performance.now();
          const decoded = await decodeRedirectRequest(param);
          expect(performance.now() - started).toBeLessThan(PER_INPUT_MS);
          if ('error' in decoded) {
            expect(decoded.error.length).toBeLessThan(40);
            return;
          }
          expect(decoded.id).toMatch(/^[A-Za-z_][A-Za-z0-9_.-]{0,255}$/);
          expect(decoded.issuer.length).toBeGreaterThan(0);
          expect(decoded.issuer).not.toMatch(/\s/);
          expect(typeof decoded.isPassive).toBe('boolean');
        }),
        settings,
      );
    },
    TIMEOUT,
  );
});
