import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID, CHROME_PUBLIC_KEY } from '@/lib/extension-ids';
import {
  acsHostPermissions,
  acsMatchPatterns,
  parseAcsUrl,
  PARTITION_INFO,
  PARTITIONS,
  stsEndpointFor,
  stsEndpointsFor,
  stsHostPermissions,
  type Partition,
} from '@/lib/partitions';

interface SdkPartition {
  id: string;
  outputs: { dnsSuffix: string; dualStackDnsSuffix: string };
  regions: Record<string, { description?: string }>;
}

/**
 * The endpoint data the AWS SDK ships (@aws-sdk/core's copy of the partitions file). Read from its file because the
 * package exports only a lookup function, not the table.
 */
async function sdkPartitions(): Promise<SdkPartition[]> {
  const core = dirname(createRequire(import.meta.url).resolve('@aws-sdk/core/package.json'));
  const file = join(core, 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js');
  const mod = (await import(pathToFileURL(file).href)) as { partitionsInfo: { partitions: SdkPartition[] } };
  return mod.partitionsInfo.partitions;
}

describe('parseAcsUrl', () => {
  it.each([
    ['https://signin.aws.amazon.com/saml', { partition: 'aws', host: 'signin.aws.amazon.com' }],
    ['https://signin.aws.amazon.com/saml/', { partition: 'aws', host: 'signin.aws.amazon.com' }],
    ['https://signin.aws.amazon.com/saml?SAMLRequest=x', { partition: 'aws', host: 'signin.aws.amazon.com' }],
    ['https://signin.aws.amazon.com/saml/acs/SAMLSP4a1b2c3d4e5f6a7b8c9d0e', { partition: 'aws', host: 'signin.aws.amazon.com' }],
    [
      'https://eu-west-1.signin.aws.amazon.com/saml/acs/SAMLSP4a1b2c3d4e5f6a7b8c9d0e/',
      { partition: 'aws', host: 'eu-west-1.signin.aws.amazon.com', region: 'eu-west-1' },
    ],
    ['https://eu-west-1.signin.aws.amazon.com/saml', { partition: 'aws', host: 'eu-west-1.signin.aws.amazon.com', region: 'eu-west-1' }],
    ['https://signin.amazonaws-us-gov.com/saml', { partition: 'aws-us-gov', host: 'signin.amazonaws-us-gov.com' }],
    [
      'https://us-gov-east-1.signin.amazonaws-us-gov.com/saml',
      { partition: 'aws-us-gov', host: 'us-gov-east-1.signin.amazonaws-us-gov.com', region: 'us-gov-east-1' },
    ],
    ['https://signin.amazonaws.cn/saml', { partition: 'aws-cn', host: 'signin.amazonaws.cn' }],
    ['https://cn-northwest-1.signin.amazonaws.cn/saml', { partition: 'aws-cn', host: 'cn-northwest-1.signin.amazonaws.cn', region: 'cn-northwest-1' }],
    ['https://signin.aws.amazon.com.mcas.ms/saml', { partition: 'aws', host: 'signin.aws.amazon.com.mcas.ms' }],
    [
      'https://ap-southeast-2.signin.aws.amazon.com.mcas.ms/saml',
      { partition: 'aws', host: 'ap-southeast-2.signin.aws.amazon.com.mcas.ms', region: 'ap-southeast-2' },
    ],
  ])('%s', (url, expected) => {
    expect(parseAcsUrl(url)).toEqual(expected);
  });

  it.each([
    'http://signin.aws.amazon.com/saml',
    'https://signin.aws.amazon.com/federation',
    'https://signin.aws.amazon.com/samlx',
    'https://signin.aws.amazon.com/saml/acs/',
    'https://signin.aws.amazon.com/saml/acs/a/b',
    'https://signin.aws.amazon.com/saml/other',
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

  it.each<[string, string, string]>([
    // Regions newer than this build: the partition's global (aws) or default (GovCloud, China) endpoint.
    ['https://xx-newplace-1.signin.aws.amazon.com/saml', 'https://sts.amazonaws.com', 'us-east-1'],
    ['https://us-gov-north-9.signin.amazonaws-us-gov.com/saml', 'https://sts.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
    ['https://cn-south-1.signin.amazonaws.cn/saml', 'https://sts.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
  ])('a region the table does not know (%s) falls back to %s', (acsUrl, url, region) => {
    const a = acs(acsUrl)!;
    expect(a.region).toBeDefined();
    expect(stsEndpointFor(a.partition, a)).toEqual({ url, region });
  });

  it('every endpoint it can return is covered by a host permission', () => {
    const perms = new Set(stsHostPermissions());
    const known = PARTITIONS.flatMap((p) => PARTITION_INFO[p].regions.map((r) => `https://${r}.${PARTITION_INFO[p].signinHost}/saml`));
    for (const url of [
      ...known,
      'https://signin.aws.amazon.com/saml',
      'https://signin.amazonaws-us-gov.com/saml',
      'https://signin.amazonaws.cn/saml',
      'https://xx-newplace-1.signin.aws.amazon.com/saml',
      'https://us-gov-north-9.signin.amazonaws-us-gov.com/saml',
      'https://cn-south-1.signin.amazonaws.cn/saml',
    ]) {
      const a = acs(url);
      const { url: endpoint } = stsEndpointFor(a!.partition, a);
      expect(perms.has(`${endpoint}/*`)).toBe(true);
    }
  });
});

describe('stsEndpointsFor: the equivalent hosts AWS documents for the same region and partition', () => {
  const acs = (url: string) => parseAcsUrl(url) ?? undefined;
  it.each<[Partition, string | undefined, string[], string]>([
    // The global endpoint has no documented equal (AWS may serve it in the caller's own Region).
    ['aws', undefined, ['https://sts.amazonaws.com'], 'us-east-1'],
    ['aws', 'https://signin.aws.amazon.com/saml', ['https://sts.amazonaws.com'], 'us-east-1'],
    ['aws', 'https://xx-newplace-1.signin.aws.amazon.com/saml', ['https://sts.amazonaws.com'], 'us-east-1'],
    ['aws', 'https://eu-west-1.signin.aws.amazon.com/saml', ['https://sts.eu-west-1.amazonaws.com', 'https://sts.eu-west-1.api.aws'], 'eu-west-1'],
    ['aws', 'https://us-east-1.signin.aws.amazon.com/saml', ['https://sts.us-east-1.amazonaws.com', 'https://sts.us-east-1.api.aws'], 'us-east-1'],
    ['aws-us-gov', undefined, ['https://sts.us-gov-west-1.amazonaws.com', 'https://sts.us-gov-west-1.api.aws'], 'us-gov-west-1'],
    [
      'aws-us-gov',
      'https://us-gov-east-1.signin.amazonaws-us-gov.com/saml',
      ['https://sts.us-gov-east-1.amazonaws.com', 'https://sts.us-gov-east-1.api.aws'],
      'us-gov-east-1',
    ],
    [
      'aws-cn',
      'https://signin.amazonaws.cn/saml',
      ['https://sts.cn-north-1.amazonaws.com.cn', 'https://sts.cn-north-1.api.amazonwebservices.com.cn'],
      'cn-north-1',
    ],
    [
      'aws-cn',
      'https://cn-northwest-1.signin.amazonaws.cn/saml',
      ['https://sts.cn-northwest-1.amazonaws.com.cn', 'https://sts.cn-northwest-1.api.amazonwebservices.com.cn'],
      'cn-northwest-1',
    ],
    // Never another region: a GovCloud role from a commercial regional sign-in stays in GovCloud's default region.
    [
      'aws-us-gov',
      'https://eu-west-1.signin.aws.amazon.com/saml',
      ['https://sts.us-gov-west-1.amazonaws.com', 'https://sts.us-gov-west-1.api.aws'],
      'us-gov-west-1',
    ],
  ])('%s role, ACS %s → %j', (partition, acsUrl, urls, region) => {
    const endpoints = stsEndpointsFor(partition, acsUrl ? acs(acsUrl) : undefined);
    expect(endpoints.map((e) => e.url)).toEqual(urls);
    expect(endpoints[0]).toEqual(stsEndpointFor(partition, acsUrl ? acs(acsUrl) : undefined));
    expect(new Set(endpoints.map((e) => e.region))).toEqual(new Set([region]));
    for (const { url } of endpoints) expect(stsHostPermissions()).toContain(`${url}/*`);
  });

  it.each(PARTITIONS)('%s: the dual-stack suffix is the AWS SDK’s own for the partition', async (partition) => {
    const sdk = (await sdkPartitions()).find((p) => p.id === partition)!;
    expect(PARTITION_INFO[partition].dualStackDnsSuffix).toBe(sdk.outputs.dualStackDnsSuffix);
  });
});

describe('the region table against the AWS SDK’s endpoint data', () => {
  it.each(PARTITIONS)('%s lists exactly the regions the SDK knows, with the same DNS suffix', async (partition) => {
    const sdk = (await sdkPartitions()).find((p) => p.id === partition);
    expect(sdk, `the SDK has no ${partition} partition`).toBeDefined();
    // `aws-global` and the like are pseudo-regions for global endpoints, not places.
    const sdkRegions = Object.keys(sdk!.regions).filter((r) => !r.endsWith('-global'));
    expect([...PARTITION_INFO[partition].regions].sort()).toEqual(sdkRegions.sort());
    expect(PARTITION_INFO[partition].dnsSuffix).toBe(sdk!.outputs.dnsSuffix);
  });

  it('includes the regions added since the table was first written', () => {
    for (const region of ['ap-southeast-6', 'ap-east-2', 'mx-central-1', 'ap-southeast-7']) {
      expect(PARTITION_INFO.aws.regions).toContain(region);
      expect(stsHostPermissions()).toContain(`https://sts.${region}.amazonaws.com/*`);
    }
    // An isolated (ISO) partition's region is not one the extension serves.
    expect(PARTITIONS.flatMap((p) => PARTITION_INFO[p].regions)).not.toContain('eu-isoe-west-1');
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
