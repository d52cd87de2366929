import { beforeAll, describe, expect, it } from 'vitest';
import { decodeRedirectRequest } from '@/lib/renewal/authn-request';
import { MAX_HOPS, MAX_PAGE_BYTES, runTier1, type FetchLike } from '@/lib/renewal/passive-fetch';
import type { RefreshSource } from '@/lib/renewal/refresh-source';
import { generateIdpSigningKey, type SigningKeyPair } from '../emulators/certs';
import { autoPostForm } from '../emulators/idp';
import { buildEncodedSamlResponse, type RolePair } from '../support/saml-builder';

const TENANT = '8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f';
const ACS = 'https://signin.aws.amazon.com/saml';
const SOURCE: Pick<RefreshSource, 'idpHost' | 'tenant' | 'spIssuer' | 'acsUrl' | 'loginHint'> = {
  idpHost: 'login.microsoftonline.com',
  tenant: TENANT,
  spIssuer: 'https://signin.aws.amazon.com/saml#3',
  acsUrl: ACS,
  loginHint: 'frank@contoso.com',
};
const ROLES: RolePair[] = [{ roleArn: 'arn:aws:iam::888888888888:role/TeamAdmin', providerArn: 'arn:aws:iam::888888888888:saml-provider/EntraID' }];
const ID = '_0123456789abcdef0123456789abcdef01234567';

let key: SigningKeyPair;
beforeAll(async () => {
  key = await generateIdpSigningKey();
}, 60_000);

const body = (text: string) => new Blob([text]).stream();
type Sent = { url: string; method: string; body?: string; credentials: string };

/** A fetch answering from a list of pages, recording what was sent. */
function scripted(pages: ((sent: Sent) => { status: number; url?: string; html: string })[]): { fetch: FetchLike; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch: FetchLike = (url, init) => {
    const s = { url, method: init.method, ...(init.body !== undefined ? { body: init.body } : {}), credentials: init.credentials };
    sent.push(s);
    const page = pages[sent.length - 1];
    if (!page) return Promise.reject(new TypeError('no more pages'));
    const { status, url: final, html } = page(s);
    return Promise.resolve({ status, url: final ?? url, body: body(html) });
  };
  return { fetch, sent };
}

const success = () => autoPostForm(ACS, buildEncodedSamlResponse({ roles: ROLES, audience: ACS, recipient: ACS, inResponseTo: ID }, key), null);
const hop = () =>
  `<html><body><form method="POST" name="hiddenform" action="https://login.microsoftonline.com/${TENANT}/DeviceAuthTls/reprocess"><input type="hidden" name="ctx" value="abc"/></form><script>document.forms[0].submit()</script></body></html>`;
const deps = (fetch: FetchLike, timeoutMs?: number) => ({ fetch, now: () => Date.parse('2026-11-30T09:00:00Z'), ...(timeoutMs ? { timeoutMs } : {}) });

describe('runTier1: one passive request with the browser’s cookies, Entra’s hops, failing closed', () => {
  it('sends a passive AuthnRequest for the exact app identifier, ACS and our ID, with login_hint and cookies', async () => {
    const { fetch, sent } = scripted([() => ({ status: 200, html: success() })]);
    const r = await runTier1(SOURCE, ID, deps(fetch));
    expect(r.answer.kind).toBe('assertion');
    expect(r.requests).toBe(1);
    const url = new URL(sent[0]!.url);
    expect(`${url.origin}${url.pathname}`).toBe(`https://login.microsoftonline.com/${TENANT}/saml2`);
    expect(url.searchParams.get('login_hint')).toBe('frank@contoso.com');
    expect(sent[0]).toMatchObject({ method: 'GET', credentials: 'include' });
    const decoded = await decodeRedirectRequest(url.searchParams.get('SAMLRequest')!);
    expect(decoded).toMatchObject({ id: ID, issuer: 'https://signin.aws.amazon.com/saml#3', acsUrl: ACS, isPassive: true });
  });

  it('follows Entra’s own auto-post hop with its fields, then takes the answer', async () => {
    const { fetch, sent } = scripted([() => ({ status: 200, html: hop() }), () => ({ status: 200, html: success() })]);
    const r = await runTier1(SOURCE, ID, deps(fetch));
    expect(r).toMatchObject({ answer: { kind: 'assertion' }, requests: 2 });
    expect(sent[1]).toMatchObject({ method: 'POST', url: `https://login.microsoftonline.com/${TENANT}/DeviceAuthTls/reprocess`, body: 'ctx=abc' });
  });

  it(`gives up after ${MAX_HOPS} hops: needs the person, never a loop`, async () => {
    const { fetch, sent } = scripted(Array.from({ length: 10 }, () => () => ({ status: 200, html: hop() })));
    const r = await runTier1(SOURCE, ID, deps(fetch));
    expect(r.answer).toEqual({ kind: 'needs-user', reason: 'unknown-page' });
    expect(sent).toHaveLength(MAX_HOPS);
  });

  it.each([
    [
      'another request’s answer',
      () => autoPostForm(ACS, buildEncodedSamlResponse({ roles: ROLES, audience: ACS, recipient: ACS, inResponseTo: '_other' }, key), null),
    ],
    [
      'Entra’s sign-in page',
      () => '<html><head><meta name="PageID" content="ConvergedSignIn"></head><script>$Config={"pgid":"ConvergedSignIn","sErrorCode":"50058"};</script></html>',
    ],
  ])('is never an assertion for %s', async (_, page) => {
    const { fetch } = scripted([() => ({ status: 200, html: page() })]);
    const r = await runTier1(SOURCE, ID, deps(fetch));
    expect(r.answer.kind).toBe('needs-user');
  });

  it('a network failure is transient (tried again after the back-off)', async () => {
    const fetch: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    expect(await runTier1(SOURCE, ID, deps(fetch))).toEqual({ answer: { kind: 'transient', reason: 'network' }, requests: 1 });
  });

  it('a hung IdP is abandoned at the time limit', async () => {
    const fetch: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const started = Date.now();
    const r = await runTier1(SOURCE, ID, deps(fetch, 50));
    expect(r.answer).toEqual({ kind: 'transient', reason: 'network' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it(`an answer over ${MAX_PAGE_BYTES} bytes is not read further and is not a sign-in`, async () => {
    const { fetch } = scripted([() => ({ status: 200, html: 'x'.repeat(MAX_PAGE_BYTES + 1) })]);
    expect((await runTier1(SOURCE, ID, deps(fetch))).answer).toEqual({ kind: 'needs-user', reason: 'unknown-page' });
  });

  it('without the app identifier nothing is sent', async () => {
    const { fetch, sent } = scripted([]);
    const { spIssuer: _none, ...unknown } = SOURCE;
    expect(await runTier1(unknown, ID, deps(fetch))).toEqual({ answer: { kind: 'needs-user', reason: 'app-unknown' }, requests: 0 });
    expect(sent).toHaveLength(0);
  });
});
