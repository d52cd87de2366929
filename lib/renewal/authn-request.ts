/**
 * The SAML 2.0 AuthnRequest silent renewal sends to Entra ID over the HTTP-Redirect binding, and the decoder that
 * reads the request My Apps itself sends (to learn the app's exact Issuer, `#N` included). Pure: runs under Node 20
 * and in an MV3 service worker (CompressionStream 'deflate-raw', atob/btoa, TextEncoder/TextDecoder).
 * Facts: docs/always-fresh.md.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseAcsUrl } from '../partitions';
import { readAll } from '../streams';
import { isEntraSignInHost, isTenantName } from './entra-hosts';

/** The longest `SAMLRequest` parameter decoded (a real AuthnRequest deflates to well under 1 KB). */
export const MAX_SAML_REQUEST_PARAM_LENGTH = 16 * 1024;
/** Inflating stops beyond this many bytes (a deflate bomb turns 16 KB into 16 MB). */
export const MAX_INFLATED_REQUEST_BYTES = 64 * 1024;
/** SAML bindings §3.4.3: RelayState must not exceed 80 bytes. */
export const MAX_RELAY_STATE_BYTES = 80;
const MAX_ISSUER_LENGTH = 1024;
const MAX_URL_LENGTH = 2048;
const MAX_LOGIN_HINT_LENGTH = 256;

const PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
/** xs:ID is an NCName; Entra also refuses a leading digit. */
const REQUEST_ID = /^[A-Za-z_][A-Za-z0-9_.-]{0,255}$/;
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export type RenewalInputErrorCode = 'bad-id' | 'bad-issuer' | 'bad-acs' | 'bad-host' | 'bad-tenant' | 'bad-request' | 'bad-login-hint' | 'bad-relay-state';

/** A value that cannot go into a renewal request. The message never quotes the value. */
export class RenewalInputError extends Error {
  constructor(
    readonly code: RenewalInputErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RenewalInputError';
  }
}

export interface AuthnRequestInput {
  id: string;
  /** The app's identifier exactly as configured in Entra (`https://signin.aws.amazon.com/saml#2`). */
  issuer: string;
  /** The AWS sign-in (ACS) URL the response must be posted to: one of the app's reply URLs. */
  acsUrl: string;
  issueInstant: Date;
  /** `IsPassive="true"`: answer from the session cookie or refuse, never ask the user. */
  passive: boolean;
}

/** What a decoded AuthnRequest says. */
export interface DecodedAuthnRequest {
  id: string;
  issuer: string;
  acsUrl?: string;
  isPassive: boolean;
  destination?: string;
}

/** Whether `issuer` could be an Entra app identifier: an absolute URI (URL or URN), one line, bounded. */
export function isPlausibleIssuer(issuer: string): boolean {
  if (issuer.length === 0 || issuer.length > MAX_ISSUER_LENGTH || CONTROL.test(issuer) || /\s/.test(issuer)) return false;
  if (/^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$/i.test(issuer)) return true;
  try {
    const url = new URL(issuer);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

function xmlEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** The AuthnRequest XML; throws RenewalInputError for an implausible ID, issuer or ACS URL. */
export function buildAuthnRequest(input: AuthnRequestInput): string {
  const { id, issuer, acsUrl, issueInstant, passive } = input;
  if (!REQUEST_ID.test(id))
    throw new RenewalInputError('bad-id', 'The request ID must start with a letter or underscore and hold only letters, digits, _ . -.');
  if (!isPlausibleIssuer(issuer)) throw new RenewalInputError('bad-issuer', 'The app identifier is not an absolute URL or URN.');
  if (acsUrl.length > MAX_URL_LENGTH || !parseAcsUrl(acsUrl)) throw new RenewalInputError('bad-acs', 'The reply URL is not an https AWS sign-in (SAML) URL.');
  if (!Number.isFinite(issueInstant.getTime())) throw new RenewalInputError('bad-request', 'The request time is not a valid date.');
  return (
    `<samlp:AuthnRequest xmlns:samlp="${PROTOCOL_NS}" xmlns:saml="${ASSERTION_NS}"` +
    ` ID="${xmlEscape(id)}" Version="2.0" IssueInstant="${issueInstant.toISOString()}"` +
    (passive ? ' IsPassive="true"' : '') +
    ` AssertionConsumerServiceURL="${xmlEscape(acsUrl)}">` +
    `<saml:Issuer>${xmlEscape(issuer)}</saml:Issuer>` +
    `</samlp:AuthnRequest>`
  );
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) binary += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(binary);
}

/** Feeds `bytes` to a (de)compression stream in slices, so output is produced (and can be refused) as it goes. */
function pump(bytes: Uint8Array<ArrayBuffer>, writable: WritableStream<BufferSource>): void {
  const writer = writable.getWriter();
  void (async () => {
    for (let i = 0; i < bytes.length; i += 1024) {
      await writer.ready;
      await writer.write(bytes.subarray(i, i + 1024));
    }
    await writer.close();
  })().catch(() => undefined); // a refused or corrupt stream is reported by the reader
}

/** `base64(deflate-raw(xml))`: the SAMLRequest value of the HTTP-Redirect binding, before URL encoding. */
export async function encodeRedirectRequest(xml: string): Promise<string> {
  const stream = new CompressionStream('deflate-raw');
  pump(new TextEncoder().encode(xml), stream.writable);
  const deflated = await readAll(stream.readable, Number.MAX_SAFE_INTEGER);
  if (deflated === 'too-large') throw new RenewalInputError('bad-request', 'The request could not be compressed.');
  return bytesToBase64(deflated);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Node = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}

function fail(error: string): { error: string } {
  return { error };
}

/**
 * Decodes a redirect-binding `SAMLRequest` value (already URL-decoded) into the few things silent renewal needs.
 * Hostile input: bounded length and inflated size, no DOCTYPE, one AuthnRequest root with an ID and an Issuer.
 * Never throws; an `error` is a fixed phrase that quotes nothing of the input.
 */
export async function decodeRedirectRequest(param: string): Promise<DecodedAuthnRequest | { error: string }> {
  if (typeof param !== 'string' || param.length === 0) return fail('empty');
  if (param.length > MAX_SAML_REQUEST_PARAM_LENGTH) return fail('too long');
  if (param.length % 4 !== 0 || !BASE64.test(param)) return fail('not base64');
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    const binary = atob(param);
    bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  } catch {
    return fail('not base64');
  }
  let inflated: Uint8Array | 'too-large';
  try {
    const stream = new DecompressionStream('deflate-raw');
    pump(bytes, stream.writable);
    inflated = await readAll(stream.readable, MAX_INFLATED_REQUEST_BYTES);
  } catch {
    return fail('not deflate data');
  }
  if (inflated === 'too-large') return fail('inflates too large');
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    return fail('not UTF-8');
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return fail('has a DOCTYPE');
  if (XMLValidator.validate(xml) !== true) return fail('not well-formed XML');
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch {
    return fail('not well-formed XML');
  }
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?') && !k.startsWith('#'));
  const root = doc.AuthnRequest;
  if (roots.length !== 1 || roots[0] !== 'AuthnRequest' || !root || typeof root !== 'object' || Array.isArray(root)) return fail('not an AuthnRequest');
  const request = root as Node;
  const id = str(request['@ID']);
  if (!id || !REQUEST_ID.test(id)) return fail('no valid ID');
  const issuerNode = request.Issuer;
  const issuer =
    str(issuerNode) ?? (issuerNode && typeof issuerNode === 'object' && !Array.isArray(issuerNode) ? str((issuerNode as Node)['#text']) : undefined);
  if (!issuer || !isPlausibleIssuer(issuer)) return fail('no valid Issuer');
  const acsUrl = str(request['@AssertionConsumerServiceURL']);
  const destination = str(request['@Destination']);
  const passive = str(request['@IsPassive']);
  const decoded: DecodedAuthnRequest = { id, issuer, isPassive: passive === 'true' || passive === '1' };
  if (acsUrl && acsUrl.length <= MAX_URL_LENGTH && !CONTROL.test(acsUrl)) decoded.acsUrl = acsUrl;
  if (destination && destination.length <= MAX_URL_LENGTH && !CONTROL.test(destination)) decoded.destination = destination;
  return decoded;
}

export interface RenewalUrlInput {
  idpHost: string;
  tenant: string;
  /** The encoded request (`encodeRedirectRequest`). */
  samlRequest: string;
  loginHint?: string;
  relayState?: string;
}

/** `https://<idpHost>/<tenant>/saml2?SAMLRequest=…[&RelayState=…][&login_hint=…]`; throws RenewalInputError. */
export function renewalUrl(input: RenewalUrlInput): string {
  const { idpHost, tenant, samlRequest, loginHint, relayState } = input;
  if (!isEntraSignInHost(idpHost)) throw new RenewalInputError('bad-host', 'Silent renewal only talks to Microsoft Entra sign-in hosts.');
  if (!isTenantName(tenant)) throw new RenewalInputError('bad-tenant', 'The tenant is neither a tenant ID nor a domain name.');
  if (samlRequest.length === 0 || samlRequest.length > MAX_SAML_REQUEST_PARAM_LENGTH || samlRequest.length % 4 !== 0 || !BASE64.test(samlRequest)) {
    throw new RenewalInputError('bad-request', 'The encoded request is not base64 of a bounded size.');
  }
  const params = new URLSearchParams({ SAMLRequest: samlRequest });
  if (relayState !== undefined) {
    if (new TextEncoder().encode(relayState).length > MAX_RELAY_STATE_BYTES || CONTROL.test(relayState)) {
      throw new RenewalInputError('bad-relay-state', 'RelayState must be one line of at most 80 bytes.');
    }
    params.set('RelayState', relayState);
  }
  if (loginHint !== undefined) {
    if (loginHint.length === 0 || loginHint.length > MAX_LOGIN_HINT_LENGTH || CONTROL.test(loginHint) || /\s/.test(loginHint)) {
      throw new RenewalInputError('bad-login-hint', 'The sign-in name is not one word of at most 256 characters.');
    }
    params.set('login_hint', loginHint);
  }
  return `https://${idpHost.toLowerCase()}/${encodeURIComponent(tenant.toLowerCase())}/saml2?${params.toString()}`;
}
