/**
 * Which pages may hand the extension a sign-in. Pure.
 *
 * Any web page can auto-POST a `SAMLResponse` to the AWS sign-in URL, in a hidden frame or in the top window. Only
 * a post a user could have meant is taken: a top-level navigation started by a page of an identity provider (the
 * built-in hosts below, or hosts the user or the organisation trust). AWS's own sign-in pages only pass on what
 * they were sent (the role picker posts the same SAMLResponse again), so they are relays: never a source of a new
 * sign-in on their own. The initiating origin comes from the browser, never from the page or the assertion: Chromium's
 * `initiator` (given only for origins the extension has host access to, so for AWS's pages but not the IdPs'),
 * Firefox's `originUrl`, else the `Origin` header the browser itself puts on every POST (a page cannot set it; its
 * referrer policy can only blank it to "null", which is refused).
 */
import type { IdpKind } from './idp';
import { parseAcsUrl } from './partitions';

/** The subset of `webRequest.onBeforeRequest` details the decision reads (both browsers' shapes). */
export interface RequestOriginDetails {
  type?: string;
  /** Chromium: the origin of the document that started the request ("null" when opaque). */
  initiator?: string;
  /** Firefox: the URL of the document that started the request. */
  originUrl?: string;
  /** The request's `Origin` header (Chromium shows it to listeners with `extraHeaders`). */
  originHeader?: string;
}

/** Where a sign-in post came from, when it may be used (or, for `aws`, recognised as a repeat). */
export interface TrustedOrigin {
  ok: true;
  /** `https://host` as the browser reported it. */
  origin: string;
  host: string;
  /** `idp`: a sign-in page; `aws`: an AWS sign-in page passing on what it was sent. */
  role: 'idp' | 'aws';
  /** `known`: built into the extension; `settings`: trusted by the user or the organisation. */
  trust: 'known' | 'settings';
  /** The IdP a built-in host belongs to. */
  idp?: Exclude<IdpKind, 'adfs' | 'other'>;
}

export type UntrustedReason = 'not-top-level' | 'no-initiator' | 'opaque' | 'not-https' | 'untrusted';

export interface UntrustedOrigin {
  ok: false;
  reason: UntrustedReason;
  /** The page's host, when the browser named one. */
  host?: string;
}

export type OriginVerdict = TrustedOrigin | UntrustedOrigin;

/** Defender for Cloud Apps session control serves a proxied host under `<host>.mcas.ms`. */
const MCAS_SUFFIX = '.mcas.ms';

/**
 * Identity providers' own sign-in and portal hosts (`*.` covers any subdomain, not the bare domain). Each also
 * counts in its `.mcas.ms` form.
 */
export const KNOWN_SIGN_IN_HOSTS: readonly { pattern: string; idp: NonNullable<TrustedOrigin['idp']> }[] = [
  // Entra ID: public, US Government, China (21Vianet: both names), and the My Apps portal and launcher.
  { pattern: 'login.microsoftonline.com', idp: 'entra' },
  { pattern: 'login.microsoftonline.us', idp: 'entra' },
  { pattern: 'login.partner.microsoftonline.cn', idp: 'entra' },
  { pattern: 'login.chinacloudapi.cn', idp: 'entra' },
  { pattern: 'myapps.microsoft.com', idp: 'entra' },
  { pattern: 'launcher.myapps.microsoft.com', idp: 'entra' },
  { pattern: 'myapplications.microsoft.com', idp: 'entra' },
  // Okta orgs (production, preview, EMEA cells).
  { pattern: '*.okta.com', idp: 'okta' },
  { pattern: '*.oktapreview.com', idp: 'okta' },
  { pattern: '*.okta-emea.com', idp: 'okta' },
  { pattern: 'accounts.google.com', idp: 'google' },
];

/** Most hosts a user or a policy may trust. */
export const MAX_TRUSTED_HOSTS = 100;

/** Whether `host` (lower-case ASCII) matches `pattern`: an exact host, or `*.domain` for any subdomain of it. */
export function hostMatches(host: string, pattern: string): boolean {
  if (pattern.startsWith('*.')) return host.length > pattern.length - 1 && host.endsWith(pattern.slice(1));
  return host === pattern;
}

function knownIdp(host: string): TrustedOrigin['idp'] | undefined {
  for (const { pattern, idp } of KNOWN_SIGN_IN_HOSTS) {
    if (hostMatches(host, pattern) || hostMatches(host, pattern + MCAS_SUFFIX)) return idp;
  }
  return undefined;
}

/** Whether `origin` is an AWS sign-in (ACS) host of any partition, from the one partition table. */
function isAwsSignInOrigin(origin: string): boolean {
  return parseAcsUrl(`${origin}/saml`) !== null;
}

/**
 * Decides whether a POST to the AWS sign-in URL came from a page that may hand over a sign-in. `trustedHosts` are
 * the hosts and `*.domain` patterns from the settings (already validated by `normaliseTrustedHost`).
 */
export function judgeSignInOrigin(details: RequestOriginDetails, trustedHosts: readonly string[]): OriginVerdict {
  if (details.type !== 'main_frame') return { ok: false, reason: 'not-top-level' };
  // Chromium names the origin, Firefox the document's URL. Firefox's `documentUrl` is undefined for top-level loads.
  const raw = details.initiator ?? details.originUrl ?? details.originHeader;
  if (raw === undefined || raw === '') return { ok: false, reason: 'no-initiator' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'opaque' };
  }
  // data:, blob: inside a sandbox, about:blank, moz-nullprincipal: — no host to trust.
  if (url.origin === 'null' || url.hostname === '') return { ok: false, reason: 'opaque' };
  const host = url.hostname.toLowerCase();
  if (url.protocol !== 'https:') return { ok: false, reason: 'not-https', host };
  // A port means another server than the IdP's; credentials in the URL never belong to a real initiator.
  if (url.port !== '' || url.username !== '' || url.password !== '') return { ok: false, reason: 'untrusted', host };
  const origin = `https://${host}`;
  if (isAwsSignInOrigin(origin)) return { ok: true, origin, host, role: 'aws', trust: 'known' };
  const idp = knownIdp(host);
  if (idp) return { ok: true, origin, host, role: 'idp', trust: 'known', idp };
  if (trustedHosts.some((p) => hostMatches(host, p))) return { ok: true, origin, host, role: 'idp', trust: 'settings' };
  return { ok: false, reason: 'untrusted', host };
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Reads one trusted host as typed, imported or set by policy: `adfs.contoso.com`, `*.contoso.com`, or an
 * `https://` URL whose host is taken. Lower-cased, IDN in its `xn--` form. No ports, IP addresses, `http`, bare
 * `*` or a wildcard over a single label (`*.com`).
 */
export function normaliseTrustedHost(value: unknown): { ok: true; host: string } | { ok: false; message: string } {
  if (typeof value !== 'string') return { ok: false, message: 'must be text' };
  let text = value.trim().toLowerCase();
  if (text === '') return { ok: false, message: 'is empty' };
  if (text.length > 260) return { ok: false, message: 'is longer than a host name can be' };
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(text)) {
    if (!text.startsWith('https://')) return { ok: false, message: 'must be an https:// page: sign-ins from other pages are never taken' };
    text = text.slice('https://'.length).replace(/[/?#].*$/s, '');
  }
  const wildcard = text.startsWith('*.');
  const name = wildcard ? text.slice(2) : text;
  if (/[^\p{L}\p{N}.-]/u.test(name)) {
    return { ok: false, message: 'is not a host name: use letters, digits, dots and hyphens, optionally starting with *. (no port or path)' };
  }
  let ascii: string;
  try {
    ascii = new URL(`https://${name}/`).hostname;
  } catch {
    return { ok: false, message: 'is not a host name' };
  }
  const labels = ascii.split('.');
  if (ascii.length > 253 || !labels.every((l) => LABEL.test(l))) return { ok: false, message: 'is not a host name' };
  if (/^\d+$/.test(labels[labels.length - 1]!)) return { ok: false, message: 'is an IP address: trust the sign-in page by its host name' };
  if (wildcard && labels.length < 2)
    return { ok: false, message: 'would trust a whole top-level domain: name at least the organisation’s domain, like *.contoso.com' };
  return { ok: true, host: wildcard ? `*.${ascii}` : ascii };
}

// ── what the popup shows about where a sign-in came from ─────────────────────────────────────────────────────────

/** The Entra tenant, Google IdP id or AD FS farm named by an issuer, for "which tenant" in the popup. */
export function tenantOf(issuer: string | undefined, tenantId: string | undefined, idp: IdpKind): string | undefined {
  if (idp === 'entra') return tenantId;
  if (!issuer) return undefined;
  if (idp === 'google') return /[?&]idpid=([\w-]{1,64})/.exec(issuer)?.[1];
  if (idp === 'adfs') {
    try {
      return new URL(issuer).hostname;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
