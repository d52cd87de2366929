/**
 * Tier 1 of silent renewal: asks the IdP for a fresh SAML response with a passive SP-initiated request, carrying
 * the browser's own session cookies, and reads the answer without running any of it (no script, no frame: an
 * interactive page cannot start an MFA push from here). Pure: the `fetch` comes in, so this runs under Node
 * against the emulator and in the service worker against the real IdP.
 */
import { buildAuthnRequest, encodeRedirectRequest, renewalUrl } from './authn-request';
import { classifyIdpAnswer, type IdpAnswer } from './classify';
import type { RefreshSource } from './refresh-source';
import { readText } from '../streams';

/** The slice of `fetch` used here (the service worker's own, with the user's cookies). */
export type FetchLike = (
  url: string,
  init: { method: 'GET' | 'POST'; body?: string; headers?: Record<string, string>; credentials: 'include'; redirect: 'follow'; signal: AbortSignal },
) => Promise<{ status: number; url: string; body: ReadableStream<Uint8Array> | null }>;

/** The whole exchange, hops included, gives up after this: well inside the worker's activity window. */
export const TIER1_TIMEOUT_MS = 20_000;
/** Entra's intermediate auto-post pages (device TLS reprocessing and the like) followed at most this many times. */
export const MAX_HOPS = 3;
/** An answer page larger than this is not a sign-in page; it is not read further. */
export const MAX_PAGE_BYTES = 2 * 1024 * 1024;

/** What tier 1 came back with, and how many requests it sent to the IdP (for the hourly budget). */
export interface Tier1Result {
  answer: IdpAnswer;
  requests: number;
}

/**
 * The SP-initiated sign-in URL for a source (`/<tenant>/saml2?SAMLRequest=…&login_hint=…`): passive for a silent
 * renewal, interactive for the person's own sign-in. Undefined while the source lacks its host, tenant or identifier.
 */
export async function signInRequestUrl(
  source: Pick<RefreshSource, 'idpHost' | 'tenant' | 'spIssuer' | 'acsUrl' | 'loginHint'>,
  requestId: string,
  passive: boolean,
  now: number,
): Promise<string | undefined> {
  if (!source.idpHost || !source.tenant || !source.spIssuer) return undefined;
  const xml = buildAuthnRequest({ id: requestId, issuer: source.spIssuer, acsUrl: source.acsUrl, issueInstant: new Date(now), passive });
  return renewalUrl({
    idpHost: source.idpHost,
    tenant: source.tenant,
    samlRequest: await encodeRedirectRequest(xml),
    ...(source.loginHint ? { loginHint: source.loginHint } : {}),
  });
}

/**
 * Sends one passive AuthnRequest for `source` (with the request ID the caller recorded for this flight) and
 * follows at most MAX_HOPS of Entra's own auto-post hops. Never throws: a network failure, a timeout or an
 * oversized page is an answer too (`transient`).
 */
export async function runTier1(
  source: Pick<RefreshSource, 'idpHost' | 'tenant' | 'spIssuer' | 'acsUrl' | 'loginHint'>,
  requestId: string,
  deps: { fetch: FetchLike; now: () => number; timeoutMs?: number },
  /** The sign-in being renewed: the fresh assertion must come from the same tenant for the same AWS app. */
  same: { issuer?: string; audience?: string } = {},
): Promise<Tier1Result> {
  const firstUrl = await signInRequestUrl(source, requestId, true, deps.now());
  if (firstUrl === undefined) return { answer: { kind: 'needs-user', reason: 'app-unknown' }, requests: 0 };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), deps.timeoutMs ?? TIER1_TIMEOUT_MS);
  let requests = 0;
  try {
    let next: { url: string; method: 'GET' | 'POST'; body?: string } = { url: firstUrl, method: 'GET' };
    for (let hop = 0; ; hop++) {
      requests++;
      const response = await deps.fetch(next.url, {
        method: next.method,
        ...(next.body !== undefined ? { body: next.body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } } : {}),
        credentials: 'include',
        redirect: 'follow',
        signal: abort.signal,
      });
      const html = await readText(response.body, MAX_PAGE_BYTES);
      // Not a sign-in page: the IdP (or something in between) answered with something else.
      if (html === undefined) return { answer: { kind: 'needs-user', reason: 'unknown-page' }, requests };
      const answer = classifyIdpAnswer({ status: response.status, finalUrl: response.url, html, expect: { requestId, acsUrl: source.acsUrl, ...same } });
      if (answer.kind !== 'hop') return { answer, requests };
      if (hop + 1 >= MAX_HOPS) return { answer: { kind: 'needs-user', reason: 'unknown-page' }, requests };
      next = { url: answer.action, method: 'POST', body: new URLSearchParams(answer.fields).toString() };
    }
  } catch {
    // A timeout or a network failure: transient, tried again after the back-off.
    return { answer: { kind: 'transient', reason: 'network' }, requests };
  } finally {
    clearTimeout(timer);
  }
}
