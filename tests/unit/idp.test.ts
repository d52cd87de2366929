import { describe, expect, it } from 'vitest';
import { identifyIdp, idpWords, type IdpKind } from '@/lib/idp';

describe('identifyIdp', () => {
  it.each<[string | undefined, IdpKind]>([
    ['https://sts.windows.net/8f2a3c51-5a4c-4d36-9d5e-0b1c2d3e4f50/', 'entra'],
    ['https://sts.windows.net/8f2a3c51-5a4c-4d36-9d5e-0b1c2d3e4f50', 'entra'],
    ['https://login.microsoftonline.us/8f2a3c51-5a4c-4d36-9d5e-0b1c2d3e4f50/', 'entra'],
    ['https://sts.chinacloudapi.cn/8f2a3c51-5a4c-4d36-9d5e-0b1c2d3e4f50/', 'entra'],
    ['http://www.okta.com/exk1a2b3c4d5e6f7g8h9', 'okta'],
    ['https://contoso.okta.com/app/exk1', 'okta'],
    ['https://accounts.google.com/o/saml2?idpid=C01abc', 'google'],
    ['http://adfs.contoso.com/adfs/services/trust', 'adfs'],
    ['https://fs.contoso.com/adfs/services/trust/', 'adfs'],
    ['https://sts.windows.net.evil.example/8f2a3c51-5a4c-4d36-9d5e-0b1c2d3e4f50/', 'other'],
    ['https://idp.example.org/shibboleth', 'other'],
    ['', 'other'],
    [undefined, 'other'],
  ])('%s → %s', (issuer, kind) => {
    expect(identifyIdp(issuer).kind).toBe(kind);
  });
});

describe('idpWords', () => {
  it('speaks of My Apps and Entra only to Entra users', () => {
    for (const kind of ['okta', 'adfs', 'google', 'other'] as const) {
      const words = Object.values(idpWords(kind)).join(' ');
      expect(words).not.toMatch(/My Apps|Entra/);
    }
    expect(idpWords('entra').signInAgain).toMatch(/My Apps/);
    expect(idpWords(undefined)).toEqual(idpWords('other'));
  });
});
