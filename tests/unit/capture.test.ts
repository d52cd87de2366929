import { describe, expect, it } from 'vitest';
import { captureIdFor, formFieldsFromRequestBody } from '@/lib/capture';

const enc = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;

describe('formFieldsFromRequestBody', () => {
  it('reads formData as the browser parsed it', () => {
    const f = formFieldsFromRequestBody({ formData: { SAMLResponse: ['PHNhbWw+'], RelayState: ['x'] } });
    expect(f.get('SAMLResponse')).toBe('PHNhbWw+');
    expect(f.get('RelayState')).toBe('x');
  });

  it('falls back to raw bytes, split across chunks, url-decoded', () => {
    const body = 'SAMLResponse=PHNhbWw%2BPC9zYW1sPg%3D%3D&roleIndex=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FA';
    const f = formFieldsFromRequestBody({ raw: [{ bytes: enc(body.slice(0, 17)) }, { bytes: enc(body.slice(17)) }] });
    expect(f.get('SAMLResponse')).toBe('PHNhbWw+PC9zYW1sPg==');
    expect(f.get('roleIndex')).toBe('arn:aws:iam::1:role/A');
  });

  it.each([null, undefined, {}, { raw: [] }, { formData: {} }])('empty for %j', (body) => {
    expect(formFieldsFromRequestBody(body).size).toBe(0);
  });
});

describe('captureIdFor', () => {
  it('separates apps by audience, same app by issuer', () => {
    const a = captureIdFor({ issuer: 'https://sts.windows.net/t/', audience: 'https://signin.aws.amazon.com/saml' });
    const b = captureIdFor({ issuer: 'https://sts.windows.net/t/', audience: 'https://signin.aws.amazon.com/saml#2' });
    expect(a).not.toBe(b);
    expect(captureIdFor({ issuer: 'https://sts.windows.net/t/', audience: 'https://signin.aws.amazon.com/saml' })).toBe(a);
  });
});
