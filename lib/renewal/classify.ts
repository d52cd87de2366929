/**
 * Classifies what the IdP answered to a silent renewal request. Fail closed: only a form that posts a SAMLResponse
 * to the expected AWS sign-in URL, with status Success, our request ID in InResponseTo and the ACS as its
 * recipient, is an assertion; everything else is a hop to follow, throttling, a transient error or "needs the
 * user". Never carries page text. Pure. Facts: docs/always-fresh.md.
 */
import { parseAcsUrl } from '../partitions';
import { parseSamlResponse } from '../saml-response';
import { isEntraSignInHost } from './entra-hosts';
import { scanHtml, type ScannedForm, type ScannedPage } from './html-scan';
import type { NeedsUserReason } from './needs-user';

const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

/** Why an answer that carried a SAMLResponse was not taken (for logs and tests; no values). */
export type AssertionCheck = 'method' | 'action' | 'unparsable' | 'status' | 'in-response-to' | 'recipient' | 'destination' | 'issuer' | 'audience';

export type IdpAnswer =
  | { kind: 'assertion'; samlResponse: string; relayState?: string; action: string }
  | { kind: 'hop'; action: string; fields: [string, string][] }
  | { kind: 'needs-user'; reason: NeedsUserReason; code?: string; check?: AssertionCheck }
  | { kind: 'throttled' }
  | { kind: 'transient'; reason: 'network' | 'server-error' };

export interface IdpAnswerInput {
  /** The HTTP status of the last response; 0 for a network error or an aborted fetch. */
  status: number;
  /** The URL after redirects. */
  finalUrl: string;
  html: string;
  expect: {
    requestId: string;
    acsUrl: string;
    /** When given, the assertion's issuer must be this (the source's tenant). */
    issuer?: string;
    /** When given, the assertion's audience must be this (the same AWS app; Entra drops `#N` from it). */
    audience?: string;
  };
}

/** AADSTS codes → reason (docs/always-fresh.md). */
const CODES: Readonly<Record<string, NeedsUserReason | 'throttled'>> = {
  '50058': 'no-session',
  '50059': 'no-session',
  '16000': 'account-picker',
  '16001': 'account-picker',
  '50074': 'mfa',
  '50076': 'mfa',
  '50079': 'mfa',
  '50072': 'mfa',
  '50140': 'stay-signed-in',
  '50168': 'device-sso',
  '53000': 'device-sso',
  '53001': 'device-sso',
  '50097': 'device-sso',
  '50187': 'device-sso',
  '53003': 'blocked',
  '50105': 'not-assigned',
  '50132': 'password',
  '50133': 'password',
  '50055': 'password',
  '50126': 'password',
  '700016': 'app-unknown',
  '50011': 'app-unknown',
  '75011': 'sign-in-frequency',
  '50078': 'sign-in-frequency',
  '70044': 'sign-in-frequency',
  '76021': 'signed-request-required',
  '50196': 'throttled',
};

/** Entra page ids (`<meta name="PageID">`, `$Config.pgid`) → reason. */
const PAGES: Readonly<Record<string, NeedsUserReason>> = {
  ConvergedSignIn: 'no-session',
  ConvergedTFA: 'mfa',
  ConvergedProofUpRedirect: 'mfa',
  KmsiInterrupt: 'stay-signed-in',
  ConvergedChooser: 'account-picker',
  BssoInterrupt: 'device-sso',
  ConvergedChangePassword: 'password',
};

/** Host and path of a URL (host lower-case, one trailing slash dropped), or null. */
function hostPath(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:') return null;
    return `${u.hostname.toLowerCase()}${u.pathname.replace(/(.)\/$/, '$1')}`;
  } catch {
    return null;
  }
}

function needs(reason: NeedsUserReason, extra: { code?: string; check?: AssertionCheck } = {}): IdpAnswer {
  return { kind: 'needs-user', reason, ...extra };
}

function fromCode(code: string | undefined): IdpAnswer | null {
  if (!code) return null;
  const mapped = Object.hasOwn(CODES, code) ? CODES[code] : undefined;
  if (mapped === undefined) return null;
  return mapped === 'throttled' ? { kind: 'throttled' } : needs(mapped, { code });
}

/** The error code a page names: `$Config.sErrorCode`/`iErrorCode`, else the first `AADSTS<n>` in the page. */
function pageCode(page: ScannedPage, html: string): string | undefined {
  const fromConfig = [page.config?.sErrorCode, page.config?.iErrorCode].find((c) => c && /^\d{4,7}$/.test(c) && c !== '0');
  if (fromConfig) return fromConfig;
  return /AADSTS(\d{4,7})\b/.exec(html)?.[1];
}

function field(form: ScannedForm, name: string): string | undefined {
  return form.inputs.find((i) => i.name === name)?.value;
}

function assertionAnswer(form: ScannedForm, samlResponse: string, expect: IdpAnswerInput['expect']): IdpAnswer {
  const expected = hostPath(expect.acsUrl);
  if (form.method !== 'post') return needs('unknown-page', { check: 'method' });
  if (!parseAcsUrl(form.action) || expected === null || hostPath(form.action) !== expected) return needs('unknown-page', { check: 'action' });
  const parsed = parseSamlResponse(samlResponse);
  if (!parsed.ok) {
    if (parsed.error.code !== 'status-not-success') return needs('unknown-page', { check: 'unparsable' });
    // A refusal (NoPassive, or an AADSTS code in the StatusMessage): the session cannot answer silently.
    const code = /AADSTS(\d{4,7})\b/.exec(parsed.error.message)?.[1];
    const mapped = fromCode(code);
    if (mapped && mapped.kind === 'needs-user') return mapped;
    return needs('no-session', code ? { code } : {});
  }
  const s = parsed.summary;
  if (s.status?.code !== SUCCESS) return needs('unknown-page', { check: 'status' });
  if (s.inResponseTo === undefined || s.inResponseTo !== expect.requestId) return needs('unknown-page', { check: 'in-response-to' });
  if (s.recipient === undefined || hostPath(s.recipient) !== expected) return needs('unknown-page', { check: 'recipient' });
  if (s.destination !== undefined && hostPath(s.destination) !== expected) return needs('unknown-page', { check: 'destination' });
  if (expect.issuer !== undefined && s.issuer !== expect.issuer) return needs('unknown-page', { check: 'issuer' });
  if (expect.audience !== undefined && s.audience !== expect.audience) return needs('unknown-page', { check: 'audience' });
  const relayState = field(form, 'RelayState');
  return relayState ? { kind: 'assertion', samlResponse, relayState, action: form.action } : { kind: 'assertion', samlResponse, action: form.action };
}

/** An auto-posting "hiddenform" to an Entra sign-in host, carrying only hidden fields (not a SAMLResponse). */
function hopAnswer(page: ScannedPage, base: string): IdpAnswer | null {
  const form = page.forms.find((f) => f.name.toLowerCase() === 'hiddenform');
  if (!form || form.method !== 'post' || form.action === '') return null;
  let url: URL;
  try {
    url = new URL(form.action, base); // a relative action resolves against the page's own (Entra) URL
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || (url.port !== '' && url.port !== '443') || url.username || url.password || !isEntraSignInHost(url.hostname)) return null;
  const fields = form.inputs.filter((i) => i.type !== 'submit' && i.type !== 'button');
  if (fields.length === 0 || fields.some((i) => i.type !== 'hidden' || i.name === 'SAMLResponse' || i.name === '')) return null;
  return { kind: 'hop', action: url.href, fields: fields.map((i) => [i.name, i.value]) };
}

/**
 * Classifies a SAMLResponse the browser itself posted to `action` (a renewal's background tab): the same checks as an
 * auto-post form in an answer page.
 */
export function classifyPostedResponse(action: string, samlResponse: string, expect: IdpAnswerInput['expect']): IdpAnswer {
  return assertionAnswer({ action, method: 'post', name: '', inputs: [{ name: 'SAMLResponse', value: samlResponse, type: 'hidden' }] }, samlResponse, expect);
}

/** Classifies one answer of the IdP to a silent renewal request (after the engine followed redirects). */
export function classifyIdpAnswer(input: IdpAnswerInput): IdpAnswer {
  const { status, html, expect, finalUrl } = input;
  if (status === 429) return { kind: 'throttled' };
  if (status === 0) return { kind: 'transient', reason: 'network' };
  if (status >= 500 && status <= 599) return { kind: 'transient', reason: 'server-error' };
  const scanned = scanHtml(typeof html === 'string' ? html : '');
  if (!scanned.ok) return needs('unknown-page');
  const page = scanned.page;

  const carrying = page.forms.filter((f) => f.inputs.some((i) => i.name === 'SAMLResponse'));
  if (carrying.length > 1) return needs('unknown-page', { check: 'action' });
  const withResponse = carrying[0];
  if (withResponse) return assertionAnswer(withResponse, field(withResponse, 'SAMLResponse') ?? '', expect);

  const code = pageCode(page, html);
  const byCode = fromCode(code);
  if (byCode) return byCode;

  const pageId = page.metas.pageid ?? page.config?.pgid;
  if (pageId !== undefined) {
    if (pageId === 'ConvergedSignIn' && (page.config?.sessionCount ?? 0) > 0) return needs('account-picker');
    const mapped = Object.hasOwn(PAGES, pageId) ? PAGES[pageId] : undefined;
    return needs(mapped ?? 'unknown-page', code ? { code } : {});
  }
  const hop = status >= 200 && status < 300 ? hopAnswer(page, finalUrl) : null;
  if (hop) return hop;
  return needs('unknown-page', code ? { code } : {});
}
