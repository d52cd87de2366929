/**
 * What silent renewal needs to know about a sign-in source, learnt at capture (no secrets): the Entra tenant and
 * sign-in host, the app's exact identifier (`#N` included) and the ACS URL. Pure, and free of the SAML parser so the
 * options page can use `parseUserAccessUrl`. Facts: docs/always-fresh.md.
 */
import type { Capture } from '../capture';
import { identifyIdp, idpWords, type IdpKind } from '../idp';
import { parseAcsUrl } from '../partitions';
import { sourceKeyFor } from '../sign-in-source';
import type { DecodedAuthnRequest } from './authn-request';
import { isEntraSignInHost, isTenantDomain, TENANT_GUID } from './entra-hosts';
import type { ManualReason } from './source-state';

/** Entra's SAML issuers per cloud → the sign-in host of that cloud. */
const ENTRA_ISSUER =
  /^https:\/\/(sts\.windows\.net|login\.microsoftonline\.com|login\.microsoftonline\.us|sts\.chinacloudapi\.cn|login\.partner\.microsoftonline\.cn)\/([0-9a-f-]{36})\/?$/i;
const CLOUD_HOST: Record<string, string> = {
  'sts.windows.net': 'login.microsoftonline.com',
  'login.microsoftonline.com': 'login.microsoftonline.com',
  'login.microsoftonline.us': 'login.microsoftonline.us',
  'sts.chinacloudapi.cn': 'login.partner.microsoftonline.cn',
  'login.partner.microsoftonline.cn': 'login.partner.microsoftonline.cn',
};
const LOGIN_HINT = /^[^\s@]{1,128}@[^\s@]{1,127}$/;

/** Where the app identifier of a source came from. */
export type SpIssuerOrigin = 'sign-in-request' | 'audience' | 'user';

/** One source's renewal facts. No assertion, no keys. */
export interface RefreshSource {
  /** `sourceKeyFor(capture)`. */
  key: string;
  idp: IdpKind;
  /** The Entra tenant ID. */
  tenant?: string;
  /** One of Entra's sign-in hosts. */
  idpHost?: string;
  /** The app identifier to send as the request's Issuer; undefined when nothing named it. */
  spIssuer?: string;
  /** `audience`: a guess (Entra drops `#N` from the Audience), so the UI may offer to paste the real one. */
  spIssuerFrom: SpIssuerOrigin;
  /** The ACS URL the response must be posted to (the assertion's Recipient). */
  acsUrl: string;
  /** The signed-in user's name, for `login_hint`. */
  loginHint?: string;
  capturedAt: number;
}

/** A source that cannot be renewed silently, and why in plain words. */
export interface ManualSource {
  manual: string;
  code: ManualReason;
}

/** The request My Apps sent to Entra before this sign-in, as the engine observed and decoded it. */
export type ObservedRequest = DecodedAuthnRequest & { host: string; tenant: string };

function entraIssuer(issuer: string): { tenant: string; host: string } | null {
  const m = ENTRA_ISSUER.exec(issuer.trim());
  if (!m) return null;
  return { tenant: m[2]!.toLowerCase(), host: CLOUD_HOST[m[1]!.toLowerCase()]! };
}

/** The renewal facts of a captured sign-in, or why it stays manual. */
export function refreshSourceFor(capture: Pick<Capture, 'summary' | 'acs' | 'capturedAt'>, observed?: ObservedRequest): RefreshSource | ManualSource {
  const { summary } = capture;
  const idp = identifyIdp(summary.issuer).kind;
  const words = idpWords(idp);
  if (idp !== 'entra') {
    return {
      code: 'not-entra',
      manual: `Credentials from this identity provider cannot be renewed in the background. ${words.signInAgain} when they run low; a reminder tells you when.`,
    };
  }
  const fromIssuer = entraIssuer(summary.issuer);
  const tenant = fromIssuer?.tenant ?? (summary.tenantId && TENANT_GUID.test(summary.tenantId) ? summary.tenantId.toLowerCase() : undefined);
  const recipient =
    summary.recipient && parseAcsUrl(summary.recipient) && !/\.mcas\.ms$/i.test(new URL(summary.recipient).hostname) ? summary.recipient : undefined;
  const acsUrl = recipient ?? (parseAcsUrl(capture.acs.url) && !/\.mcas\.ms$/i.test(capture.acs.host) ? capture.acs.url : undefined);
  if (!tenant || !acsUrl) {
    return {
      code: 'no-source',
      manual: `This sign-in does not say which tenant or AWS sign-in page to renew it with. ${words.signInAgain} when your credentials run low.`,
    };
  }
  // The observed request counts only when Entra's signed answer names it (InResponseTo) and it went to this tenant.
  const matches =
    observed !== undefined &&
    summary.inResponseTo !== undefined &&
    observed.id === summary.inResponseTo &&
    isEntraSignInHost(observed.host) &&
    (observed.tenant.toLowerCase() === tenant || isTenantDomain(observed.tenant));
  const idpHost = matches ? observed.host.toLowerCase() : (fromIssuer?.host ?? 'login.microsoftonline.com');
  const source: RefreshSource = {
    key: sourceKeyFor(capture),
    idp,
    tenant,
    idpHost,
    spIssuerFrom: matches ? 'sign-in-request' : 'audience',
    acsUrl,
    capturedAt: capture.capturedAt,
  };
  const spIssuer = matches ? observed.issuer : summary.audience;
  if (spIssuer) source.spIssuer = spIssuer;
  const hint = summary.subject?.trim();
  if (hint && LOGIN_HINT.test(hint)) source.loginHint = hint;
  return source;
}

/** What a person pasted as the app's "User access URL" or identifier. */
export type UserAccessInput =
  { kind: 'user-access-url'; appId: string; tenantId?: string; url: string } | { kind: 'identifier'; identifier: string } | { error: string };

const AWS_IDENTIFIER =
  /^(?:https:\/\/signin\.(?:aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)\/saml|urn:amazon:webservices(?::govcloud|:cn)?)(?:#\d{1,4})?$/i;

/**
 * Reads an Entra "User access URL" (`https://launcher.myapps.microsoft.com/api/signin/<appId>?tenantId=<tid>`,
 * `https://myapps.microsoft.com/signin/<name>/<appId>?tenantId=<tid>`) or an AWS app identifier
 * (`https://signin.aws.amazon.com/saml#2`, `urn:amazon:webservices`). Anything else is refused with plain words.
 */
export function parseUserAccessUrl(text: string): UserAccessInput {
  const value = typeof text === 'string' ? text.trim() : '';
  if (value.length === 0) return { error: 'Paste the app’s User access URL or its identifier.' };
  if (value.length > 2048 || /\s/.test(value)) return { error: 'That is not one URL or identifier.' };
  if (AWS_IDENTIFIER.test(value)) return { kind: 'identifier', identifier: value };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { error: 'That is neither a User access URL nor an AWS app identifier (such as https://signin.aws.amazon.com/saml#2).' };
  }
  const host = url.hostname.toLowerCase();
  const tenantId = url.searchParams.get('tenantId') ?? undefined;
  if (tenantId !== undefined && !TENANT_GUID.test(tenantId)) return { error: 'The tenantId in that URL is not a tenant ID.' };
  const parts = url.pathname.split('/').filter(Boolean);
  let appId: string | undefined;
  if (url.protocol === 'https:' && host === 'launcher.myapps.microsoft.com' && parts.length === 3 && parts[0] === 'api' && parts[1] === 'signin')
    appId = parts[2];
  if (
    url.protocol === 'https:' &&
    (host === 'myapps.microsoft.com' || host === 'myapplications.microsoft.com') &&
    parts.length === 3 &&
    parts[0]?.toLowerCase() === 'signin'
  ) {
    appId = parts[2];
  }
  if (appId !== undefined) {
    if (!TENANT_GUID.test(appId)) return { error: 'The app ID in that URL is not a GUID.' };
    const parsed: UserAccessInput = { kind: 'user-access-url', appId: appId.toLowerCase(), url: url.href };
    if (tenantId) parsed.tenantId = tenantId.toLowerCase();
    return parsed;
  }
  if (/(^|\.)microsoft(online)?\.(com|us|cn)$/.test(host) || host.endsWith('.microsoftonline.cn')) {
    return { error: 'That Microsoft address is not an app’s User access URL (find it in the app’s Properties in Entra).' };
  }
  if (url.protocol === 'https:' && value.length <= 1024) return { kind: 'identifier', identifier: value };
  return { error: 'An app identifier is an https URL or urn:amazon:webservices.' };
}
