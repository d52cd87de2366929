import { describe, expect, it } from 'vitest';
import { hostMatches, judgeSignInOrigin, normaliseTrustedHost, tenantOf, type OriginVerdict, type RequestOriginDetails } from '@/lib/sign-in-origin';

/** The details Chromium passes for a top-level POST started by a page of `initiator` (an origin it has host access to). */
const chromium = (initiator: string | undefined, type = 'main_frame'): RequestOriginDetails => ({ type, ...(initiator === undefined ? {} : { initiator }) });
/** Chromium without host access to the sending page: no `initiator`, only the browser's `Origin` header. */
const chromiumHeader = (originHeader: string, type = 'main_frame'): RequestOriginDetails => ({ type, originHeader });
/** The details Firefox passes: the initiating document's full URL. */
const firefox = (originUrl: string | undefined, type = 'main_frame'): RequestOriginDetails => ({ type, ...(originUrl === undefined ? {} : { originUrl }) });

const USER_HOSTS = ['adfs.contoso.com', '*.sso.fabrikam.com'];

/** A compact rendering of a verdict for the tables. */
function judged(details: RequestOriginDetails, trusted: readonly string[] = USER_HOSTS): string {
  const v: OriginVerdict = judgeSignInOrigin(details, trusted);
  return v.ok ? `${v.role}:${v.trust}${v.idp ? `:${v.idp}` : ''} ${v.origin}` : `refused:${v.reason}${v.host ? ` ${v.host}` : ''}`;
}

describe('judgeSignInOrigin: who may hand over a sign-in', () => {
  it.each<[string, RequestOriginDetails, string]>([
    // Identity providers' own pages (Chromium gives the origin, Firefox the document URL).
    ['Entra (Chromium, Origin header)', chromiumHeader('https://login.microsoftonline.com'), 'idp:known:entra https://login.microsoftonline.com'],
    ['Entra (Chromium, initiator)', chromium('https://login.microsoftonline.com'), 'idp:known:entra https://login.microsoftonline.com'],
    [
      'Entra (Firefox)',
      firefox('https://login.microsoftonline.com/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/saml2?appid=3c5f'),
      'idp:known:entra https://login.microsoftonline.com',
    ],
    ['Entra US Government', chromium('https://login.microsoftonline.us'), 'idp:known:entra https://login.microsoftonline.us'],
    ['Entra China (partner)', chromium('https://login.partner.microsoftonline.cn'), 'idp:known:entra https://login.partner.microsoftonline.cn'],
    ['Entra China (chinacloudapi)', chromium('https://login.chinacloudapi.cn'), 'idp:known:entra https://login.chinacloudapi.cn'],
    ['My Apps', chromium('https://myapplications.microsoft.com'), 'idp:known:entra https://myapplications.microsoft.com'],
    ['My Apps (old host)', chromium('https://myapps.microsoft.com'), 'idp:known:entra https://myapps.microsoft.com'],
    [
      'My Apps launcher',
      firefox('https://launcher.myapps.microsoft.com/api/signin/3c5f?tenantId=8f2c'),
      'idp:known:entra https://launcher.myapps.microsoft.com',
    ],
    [
      'Entra behind Defender for Cloud Apps',
      chromium('https://login.microsoftonline.com.mcas.ms'),
      'idp:known:entra https://login.microsoftonline.com.mcas.ms',
    ],
    ['an Okta org', chromiumHeader('https://contoso.okta.com'), 'idp:known:okta https://contoso.okta.com'],
    ['an Okta preview org', firefox('https://contoso.oktapreview.com/app/amazon_aws/exk1/sso/saml'), 'idp:known:okta https://contoso.oktapreview.com'],
    ['an Okta EMEA org', chromium('https://contoso.okta-emea.com'), 'idp:known:okta https://contoso.okta-emea.com'],
    ['Google', chromium('https://accounts.google.com'), 'idp:known:google https://accounts.google.com'],
    // AWS's own sign-in pages: relays (the role picker posts again).
    ['AWS role picker', chromium('https://signin.aws.amazon.com'), 'aws:known https://signin.aws.amazon.com'],
    ['AWS regional role picker', firefox('https://eu-west-1.signin.aws.amazon.com/saml'), 'aws:known https://eu-west-1.signin.aws.amazon.com'],
    ['AWS GovCloud role picker', chromium('https://signin.amazonaws-us-gov.com'), 'aws:known https://signin.amazonaws-us-gov.com'],
    ['AWS China role picker', chromium('https://signin.amazonaws.cn'), 'aws:known https://signin.amazonaws.cn'],
    ['AWS role picker behind Defender for Cloud Apps', chromium('https://signin.aws.amazon.com.mcas.ms'), 'aws:known https://signin.aws.amazon.com.mcas.ms'],
    // Hosts the user or the organisation trusts.
    ['the user’s AD FS', firefox('https://adfs.contoso.com/adfs/ls/IdpInitiatedSignOn.aspx'), 'idp:settings https://adfs.contoso.com'],
    ['the user’s AD FS (Chromium, Origin header)', chromiumHeader('https://adfs.contoso.com'), 'idp:settings https://adfs.contoso.com'],
    ['a subdomain of a trusted *.domain', chromium('https://login.sso.fabrikam.com'), 'idp:settings https://login.sso.fabrikam.com'],
    ['two levels below a trusted *.domain', chromium('https://eu.login.sso.fabrikam.com'), 'idp:settings https://eu.login.sso.fabrikam.com'],
  ])('%s → used', (_, details, expected) => {
    expect(judged(details)).toBe(expected);
  });

  it.each<[string, RequestOriginDetails, string]>([
    ['a hidden frame, even on Entra', chromium('https://login.microsoftonline.com', 'sub_frame'), 'refused:not-top-level'],
    ['a hidden frame (Firefox)', firefox('https://login.microsoftonline.com/t/saml2', 'sub_frame'), 'refused:not-top-level'],
    ['no type', { initiator: 'https://login.microsoftonline.com' }, 'refused:not-top-level'],
    ['no initiator (Chromium: the browser started it)', chromium(undefined), 'refused:no-initiator'],
    ['no originUrl (Firefox)', firefox(undefined), 'refused:no-initiator'],
    ['an empty initiator', chromium(''), 'refused:no-initiator'],
    ['an opaque origin (sandboxed frame, data: URL)', chromium('null'), 'refused:opaque'],
    ['an Origin header blanked by a no-referrer policy', chromiumHeader('null'), 'refused:opaque'],
    ['another site (Chromium, Origin header)', chromiumHeader('https://evil.example'), 'refused:untrusted evil.example'],
    ['an Origin header with a port', chromiumHeader('https://login.microsoftonline.com:444'), 'refused:untrusted login.microsoftonline.com'],
    ['a data: document (Firefox)', firefox('data:text/html,<form>'), 'refused:opaque'],
    ['about:blank', firefox('about:blank'), 'refused:opaque'],
    ['http Entra', chromium('http://login.microsoftonline.com'), 'refused:not-https login.microsoftonline.com'],
    ['http trusted AD FS', firefox('http://adfs.contoso.com/adfs/ls/'), 'refused:not-https adfs.contoso.com'],
    ['any other site', chromium('https://evil.example'), 'refused:untrusted evil.example'],
    ['a look-alike suffix', chromium('https://login.microsoftonline.com.evil.example'), 'refused:untrusted login.microsoftonline.com.evil.example'],
    ['a look-alike prefix', chromium('https://evil-login.microsoftonline.com.example'), 'refused:untrusted evil-login.microsoftonline.com.example'],
    ['a look-alike AWS host', chromium('https://signin.aws.amazon.com.evil.example'), 'refused:untrusted signin.aws.amazon.com.evil.example'],
    ['a sibling of an AWS host', chromium('https://evil.aws.amazon.com'), 'refused:untrusted evil.aws.amazon.com'],
    ['okta.com itself is no org', chromium('https://okta.com'), 'refused:untrusted okta.com'],
    ['a domain ending in okta.com', chromium('https://evilokta.com'), 'refused:untrusted evilokta.com'],
    ['Entra on another port', chromium('https://login.microsoftonline.com:8443'), 'refused:untrusted login.microsoftonline.com'],
    ['AWS on another port', chromium('https://signin.aws.amazon.com:8443'), 'refused:untrusted signin.aws.amazon.com'],
    ['the trusted AD FS on another port', firefox('https://adfs.contoso.com:4443/adfs/ls/'), 'refused:untrusted adfs.contoso.com'],
    ['a trailing dot', chromium('https://login.microsoftonline.com.'), 'refused:untrusted login.microsoftonline.com.'],
    // A Cyrillic "о" in microsoftonline: the browser reports it in its xn-- form, which is not Microsoft's host.
    ['an IDN look-alike (Chromium gives xn--)', chromium('https://login.xn--micrsoftonline-yzl.com'), 'refused:untrusted login.xn--micrsoftonline-yzl.com'],
    ['an IDN look-alike as Unicode', firefox('https://login.micrоsoftonline.com/'), 'refused:untrusted login.xn--micrsoftonline-yzl.com'],
    ['a bare trusted *.domain', chromium('https://sso.fabrikam.com'), 'refused:untrusted sso.fabrikam.com'],
    ['a look-alike of a trusted *.domain', chromium('https://login.evilsso.fabrikam.com.example'), 'refused:untrusted login.evilsso.fabrikam.com.example'],
    ['user info in the URL', firefox('https://login.microsoftonline.com@evil.example/'), 'refused:untrusted evil.example'],
    ['a page of the extension itself', chromium('chrome-extension://ndcebehelkhblldpkdbhkppfmpokkena'), 'refused:opaque'],
  ])('%s → not used', (_, details, expected) => {
    expect(judged(details)).toBe(expected);
  });

  it('what the browser itself reports wins over the Origin header', () => {
    expect(judged({ type: 'main_frame', initiator: 'null', originHeader: 'https://login.microsoftonline.com' })).toBe('refused:opaque');
    expect(judged({ type: 'main_frame', originUrl: 'https://evil.example/', originHeader: 'https://login.microsoftonline.com' })).toBe(
      'refused:untrusted evil.example',
    );
  });

  it('the user’s hosts count only while they are in the settings', () => {
    expect(judged(chromium('https://adfs.contoso.com'), [])).toBe('refused:untrusted adfs.contoso.com');
    expect(judged(chromium('https://adfs.contoso.com'), ['adfs.contoso.com'])).toBe('idp:settings https://adfs.contoso.com');
  });

  it('built-in hosts win over the user’s patterns, and AWS hosts stay relays even when a user pattern covers them', () => {
    expect(judged(chromium('https://login.microsoftonline.com'), ['*.microsoftonline.com'])).toBe('idp:known:entra https://login.microsoftonline.com');
    expect(judged(chromium('https://signin.aws.amazon.com'), ['*.amazon.com'])).toBe('aws:known https://signin.aws.amazon.com');
  });
});

describe('hostMatches', () => {
  it.each<[string, string, boolean]>([
    ['adfs.contoso.com', 'adfs.contoso.com', true],
    ['adfs.contoso.com', 'ADFS.contoso.com', false],
    ['a.contoso.com', '*.contoso.com', true],
    ['contoso.com', '*.contoso.com', false],
    ['evilcontoso.com', '*.contoso.com', false],
    ['.contoso.com', '*.contoso.com', false],
  ])('%s ~ %s → %s', (host, pattern, expected) => {
    expect(hostMatches(host, pattern)).toBe(expected);
  });
});

describe('normaliseTrustedHost', () => {
  it.each<[unknown, string]>([
    ['adfs.contoso.com', 'adfs.contoso.com'],
    ['  FS.Contoso.COM ', 'fs.contoso.com'],
    ['*.contoso.com', '*.contoso.com'],
    ['https://adfs.contoso.com/adfs/ls/?wa=wsignin1.0', 'adfs.contoso.com'],
    ['https://*.contoso.com', '*.contoso.com'],
    ['anmeldung.müller.example', 'anmeldung.xn--mller-kva.example'],
    ['sso', 'sso'],
  ])('%j → %s', (input, host) => {
    expect(normaliseTrustedHost(input)).toEqual({ ok: true, host });
  });

  it.each<[unknown, RegExp]>([
    [42, /must be text/],
    ['', /is empty/],
    ['   ', /is empty/],
    ['http://adfs.contoso.com', /https:\/\//],
    ['ftp://adfs.contoso.com', /https:\/\//],
    ['adfs.contoso.com:443', /no port/],
    ['https://adfs.contoso.com:8443/', /not a host name/],
    ['adfs.contoso.com/adfs', /no port or path/],
    ['*', /not a host name/],
    ['*.com', /whole top-level domain/],
    ['a.*.contoso.com', /not a host name/],
    ['**.contoso.com', /not a host name/],
    ['user@adfs.contoso.com', /not a host name/],
    ['10.1.2.3', /IP address/],
    ['[::1]', /not a host name/],
    ['-adfs.contoso.com', /not a host name/],
    ['adfs..contoso.com', /not a host name/],
    ['adfs。contoso。com', /not a host name/],
    ['adfs.contoso.com\u202e', /not a host name/],
    ['x'.repeat(300), /longer than a host name/],
    [`${'a'.repeat(64)}.contoso.com`, /not a host name/],
  ])('%j is refused', (input, message) => {
    const r = normaliseTrustedHost(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('a normalised host is read as itself', () => {
    for (const input of ['adfs.contoso.com', '*.contoso.com', 'anmeldung.müller.example']) {
      const once = normaliseTrustedHost(input);
      expect(once.ok && normaliseTrustedHost(once.host)).toEqual(once);
    }
  });
});

describe('tenantOf', () => {
  it.each<[string, string | undefined, Parameters<typeof tenantOf>[2], string | undefined]>([
    ['https://sts.windows.net/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/', '8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f', 'entra', '8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f'],
    ['https://accounts.google.com/o/saml2?idpid=C01abcdef', undefined, 'google', 'C01abcdef'],
    ['http://adfs.contoso.com/adfs/services/trust', undefined, 'adfs', 'adfs.contoso.com'],
    ['http://www.okta.com/exk1a2b3c4d5e6f7g8h9', undefined, 'okta', undefined],
    ['urn:idp:other', undefined, 'other', undefined],
  ])('%s → %s', (issuer, tenantId, kind, expected) => {
    expect(tenantOf(issuer, tenantId, kind)).toBe(expected);
  });
});
