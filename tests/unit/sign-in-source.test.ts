import { describe, expect, it } from 'vitest';
import { sourceKeyFor } from '../../lib/sign-in-source';
import type { Capture } from '../../lib/capture';

function capture(issuer: string, audience: string | undefined, url: string): Pick<Capture, 'summary' | 'acs'> {
  return { summary: { issuer, audience } as Capture['summary'], acs: { url } as Capture['acs'] };
}

describe('sourceKeyFor', () => {
  const entra = 'https://sts.windows.net/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/';
  it.each([
    [
      'another tenant',
      capture('https://sts.windows.net/00000000-0000-0000-0000-000000000001/', 'https://signin.aws.amazon.com/saml', 'https://signin.aws.amazon.com/saml'),
    ],
    ['another app', capture(entra, 'urn:amazon:webservices', 'https://signin.aws.amazon.com/saml')],
    ['another sign-in endpoint', capture(entra, 'https://signin.aws.amazon.com/saml', 'https://eu-west-1.signin.aws.amazon.com/saml')],
  ])('tells %s apart', (_, other) => {
    expect(sourceKeyFor(other)).not.toBe(sourceKeyFor(capture(entra, 'https://signin.aws.amazon.com/saml', 'https://signin.aws.amazon.com/saml')));
  });
  it('is the same for a later sign-in to the same app', () => {
    const a = capture(entra, 'https://signin.aws.amazon.com/saml', 'https://signin.aws.amazon.com/saml');
    expect(sourceKeyFor({ ...a })).toBe(sourceKeyFor(a));
  });
});
