import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID, CHROME_PUBLIC_KEY } from '@/lib/extension-ids';
import { acsHostPermissions, acsMatchPatterns, parseAcsUrl, stsEndpointFor, stsHostPermissions, type Partition } from '@/lib/partitions';

describe('parseAcsUrl', () => {
  it.each([
    ['https://signin.aws.amazon.com/saml', { partition: 'aws', host: 'signin.aws.amazon.com' }],
    ['https://signin.aws.amazon.com/saml/', { partition: 'aws', host: 'signin.aws.amazon.com' }],
    ['https://signin.aws.amazon.com/saml?SAMLRequest=x', { partition: 'aws', host: 'signin.aws.amazon.com' }],
    ['https://eu-west-1.signin.aws.amazon.com/saml', { partition: 'aws', host: 'eu-west-1.signin.aws.amazon.com', region: 'eu-west-1' }],
    ['https://signin.amazonaws-us-gov.com/saml', { partition: 'aws-us-gov', host: 'signin.amazonaws-us-gov.com' }],
    ['https://us-gov-east-1.signin.amazonaws-us-gov.com/saml', { partition: 'aws-us-gov', host: 'us-gov-east-1.signin.amazonaws-us-gov.com', region: 'us-gov-east-1' }],
    ['https://signin.amazonaws.cn/saml', { partition: 'aws-cn', host: 'signin.amazonaws.cn' }],
    ['https://cn-northwest-1.signin.amazonaws.cn/saml', { partition: 'aws-cn', host: 'cn-northwest-1.signin.amazonaws.cn', region: 'cn-northwest-1' }],
    ['https://signin.aws.amazon.com.mcas.ms/saml', { partition: 'aws', host: 'signin.aws.amazon.com.mcas.ms' }],
    ['https://ap-southeast-2.signin.aws.amazon.com.mcas.ms/saml', { partition: 'aws', host: 'ap-southeast-2.signin.aws.amazon.com.mcas.ms', region: 'ap-southeast-2' }],
  ])('%s', (url, expected) => {
    expect(parseAcsUrl(url)).toEqual(expected);
  });

  it.each([
    'http://signin.aws.amazon.com/saml',
    'https://signin.aws.amazon.com/federation',
    'https://signin.aws.amazon.com/samlx',
    'https://signin.aws.amazon.com:8443/saml',
    'https://evil.com/saml',
    'https://signin.aws.amazon.com.evil.com/saml',
    'https://evilsignin.aws.amazon.com/saml',
    'https://a.b.signin.aws.amazon.com/saml',
    'not a url',
  ])('rejects %s', (url) => {
    expect(parseAcsUrl(url)).toBeNull();
  });
});

describe('stsEndpointFor', () => {
  const acs = (url: string) => parseAcsUrl(url) ?? undefined;
  it.each<[Partition, string | undefined, string, string]>([
    ['aws', undefined, 'https://sts.amazonaws.com', 'us-east-1'],
    ['aws', 'https://signin.aws.amazon.com/saml', 'https://sts.amazonaws.com', 'us-east-1'],
    ['aws', 'https://eu-west-1.signin.aws.amazon.com/saml', 'https://sts.eu-west-1.amazonaws.com', 'eu-west-1'],
    ['aws-us-gov', undefined, 'https://sts.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
    ['aws-us-gov', 'https://us-gov-east-1.signin.amazonaws-us-gov.com/saml', 'https://sts.us-gov-east-1.amazonaws.com', 'us-gov-east-1'],
    ['aws-cn', 'https://signin.amazonaws.cn/saml', 'https://sts.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
    ['aws-cn', 'https://cn-northwest-1.signin.amazonaws.cn/saml', 'https://sts.cn-northwest-1.amazonaws.com.cn', 'cn-northwest-1'],
    // A GovCloud role in a sign-in posted to a commercial regional host still goes to GovCloud STS.
    ['aws-us-gov', 'https://eu-west-1.signin.aws.amazon.com/saml', 'https://sts.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
  ])('%s role, ACS %s → %s', (partition, acsUrl, url, region) => {
    expect(stsEndpointFor(partition, acsUrl ? acs(acsUrl) : undefined)).toEqual({ url, region });
  });

  it('every endpoint it can return is covered by a host permission', () => {
    const perms = new Set(stsHostPermissions());
    for (const url of ['https://signin.aws.amazon.com/saml', 'https://us-west-2.signin.aws.amazon.com/saml', 'https://us-gov-east-1.signin.amazonaws-us-gov.com/saml', 'https://cn-northwest-1.signin.amazonaws.cn/saml']) {
      const a = acs(url);
      const { url: endpoint } = stsEndpointFor(a!.partition, a);
      expect(perms.has(`${endpoint}/*`)).toBe(true);
    }
  });
});

describe('manifest patterns', () => {
  it('ACS patterns cover every host and only /saml paths', () => {
    const patterns = acsMatchPatterns();
    expect(patterns).toContain('https://signin.aws.amazon.com/saml*');
    expect(patterns).toContain('https://*.signin.amazonaws-us-gov.com/saml*');
    expect(patterns).toContain('https://*.signin.amazonaws.cn.mcas.ms/saml*');
    expect(patterns.every((p) => p.endsWith('/saml*'))).toBe(true);
  });

  it('host permissions never ask for all URLs or a whole TLD', () => {
    for (const p of [...acsHostPermissions(), ...stsHostPermissions()]) {
      expect(p).toMatch(/^https:\/\/(\*\.)?(signin|sts)\.[a-z0-9.-]+\/\*$/);
    }
  });
});

describe('extension id', () => {
  it('follows from the public key in the manifest', () => {
    const hex = createHash('sha256').update(Buffer.from(CHROME_PUBLIC_KEY, 'base64')).digest('hex').slice(0, 32);
    const id = [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
    expect(id).toBe(CHROME_EXTENSION_ID);
  });
});
