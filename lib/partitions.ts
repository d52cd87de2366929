/**
 * One table for every AWS partition fact the extension needs: which sign-in (ACS) hosts to watch,
 * which STS endpoint to call, and which audiences belong where. The manifest's host permissions,
 * the webRequest filter and the STS endpoint choice are all derived from it.
 * Facts: docs/saml-and-entra.md#sign-in-acs-endpoints and docs/sts.md#endpoints-per-partition.
 */

export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn';

export const PARTITIONS: readonly Partition[] = ['aws', 'aws-us-gov', 'aws-cn'];

interface PartitionInfo {
  /** Human name shown in the UI. */
  label: string;
  /** The SAML sign-in (ACS) host; regional hosts prefix it with `<region>.`. */
  signinHost: string;
  /** Region whose STS endpoint is used when the ACS host names no region of this partition. */
  defaultStsRegion: string;
  /** A global STS host, where the partition has one (only `aws`). */
  globalStsHost?: string;
  /** DNS suffix of regional endpoints: `sts.<region>.<suffix>`. */
  dnsSuffix: string;
  /** DNS suffix of the dual-stack (IPv4 and IPv6) regional endpoints: `sts.<region>.<suffix>` (docs/sts.md). */
  dualStackDnsSuffix: string;
  /** Regions, for regional STS endpoints and the host permissions that cover them. */
  regions: readonly string[];
}

export const PARTITION_INFO: Readonly<Record<Partition, PartitionInfo>> = {
  aws: {
    label: 'AWS',
    signinHost: 'signin.aws.amazon.com',
    defaultStsRegion: 'us-east-1',
    globalStsHost: 'sts.amazonaws.com',
    dnsSuffix: 'amazonaws.com',
    dualStackDnsSuffix: 'api.aws',
    // Every commercial region in the AWS SDK's endpoint data (tests/unit/partitions.test.ts compares), announced
    // ones included: a sign-in posted to a new region's host then reaches that region's STS.
    regions: [
      'us-east-1',
      'us-east-2',
      'us-west-1',
      'us-west-2',
      'af-south-1',
      'ap-east-1',
      'ap-east-2',
      'ap-south-1',
      'ap-south-2',
      'ap-southeast-1',
      'ap-southeast-2',
      'ap-southeast-3',
      'ap-southeast-4',
      'ap-southeast-5',
      'ap-southeast-6',
      'ap-southeast-7',
      'ap-northeast-1',
      'ap-northeast-2',
      'ap-northeast-3',
      'ca-central-1',
      'ca-west-1',
      'eu-central-1',
      'eu-central-2',
      'eu-west-1',
      'eu-west-2',
      'eu-west-3',
      'eu-south-1',
      'eu-south-2',
      'eu-north-1',
      'il-central-1',
      'me-south-1',
      'me-central-1',
      'me-west-1',
      'mx-central-1',
      'sa-east-1',
      'sa-west-1',
    ],
  },
  'aws-us-gov': {
    label: 'AWS GovCloud (US)',
    signinHost: 'signin.amazonaws-us-gov.com',
    defaultStsRegion: 'us-gov-west-1',
    dnsSuffix: 'amazonaws.com',
    dualStackDnsSuffix: 'api.aws',
    regions: ['us-gov-west-1', 'us-gov-east-1'],
  },
  'aws-cn': {
    label: 'AWS China',
    signinHost: 'signin.amazonaws.cn',
    defaultStsRegion: 'cn-north-1',
    dnsSuffix: 'amazonaws.com.cn',
    dualStackDnsSuffix: 'api.amazonwebservices.com.cn',
    regions: ['cn-north-1', 'cn-northwest-1'],
  },
};

/** Defender for Cloud Apps session control rewrites the ACS host by appending this suffix. */
const MCAS_SUFFIX = '.mcas.ms';

/** Where a SAML sign-in POST went: the partition and, for regional endpoints, the region. */
export interface AcsEndpoint {
  partition: Partition;
  host: string;
  region?: string;
}

const REGION_LABEL = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Whether `value` is shaped like an AWS region name (`eu-west-1`, `us-gov-east-1`), known to this table or not. */
export function isRegionName(value: string): boolean {
  return REGION_LABEL.test(value);
}

/**
 * The ACS paths: `/saml`, and `/saml/acs/<IdP-ID>` that AWS gives a SAML provider which requires encrypted
 * assertions (docs/saml-and-entra.md#sign-in-acs-endpoints). Such sign-ins are still taken, so the user is told
 * plainly that the roles of an encrypted assertion cannot be read, instead of seeing nothing.
 */
const ACS_PATH = /^\/saml(\/|\/acs\/[A-Za-z0-9_-]{1,128}\/?)?$/;

/**
 * Recognises an AWS SAML sign-in (ACS) URL: `https://[<region>.]signin.<partition host>/saml` (or
 * `/saml/acs/<IdP-ID>`), optionally behind `.mcas.ms`, with an optional trailing slash or query. Returns null for
 * anything else.
 */
export function parseAcsUrl(url: string): AcsEndpoint | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || (parsed.port !== '' && parsed.port !== '443')) return null;
  if (!ACS_PATH.test(parsed.pathname)) return null;
  let host = parsed.hostname.toLowerCase();
  if (host.endsWith(MCAS_SUFFIX)) host = host.slice(0, -MCAS_SUFFIX.length);
  for (const partition of PARTITIONS) {
    const { signinHost } = PARTITION_INFO[partition];
    if (host === signinHost) return { partition, host: parsed.hostname };
    if (host.endsWith('.' + signinHost)) {
      const region = host.slice(0, -signinHost.length - 1);
      if (!REGION_LABEL.test(region)) return null;
      return { partition, host: parsed.hostname, region };
    }
  }
  return null;
}

/**
 * The STS endpoint for a role in `partition`; regional when the sign-in went to a regional ACS host of that
 * partition in a region this table knows. A region it does not know (newer than this build) falls back to the
 * partition's global or default endpoint, which the extension has host permission for.
 */
export function stsEndpointFor(partition: Partition, acs?: AcsEndpoint): { url: string; region: string } {
  const info = PARTITION_INFO[partition];
  const region = acs?.partition === partition && acs.region && info.regions.includes(acs.region) ? acs.region : undefined;
  if (!region && info.globalStsHost) return { url: `https://${info.globalStsHost}`, region: info.defaultStsRegion };
  const r = region ?? info.defaultStsRegion;
  return { url: `https://sts.${r}.${info.dnsSuffix}`, region: r };
}

/**
 * Every STS endpoint AWS documents as the same region's, in the same partition, as `stsEndpointFor`'s (first): a
 * regional endpoint and its dual-stack name `sts.<region>.<dualStackDnsSuffix>`. Calls of one wave are spread over
 * them (the browser opens at most 6 connections per host). The global endpoint has no equal: AWS serves it in the
 * caller's own Region in some cases and in us-east-1 in others, so no regional name is documented as the same.
 */
export function stsEndpointsFor(partition: Partition, acs?: AcsEndpoint): { url: string; region: string }[] {
  const primary = stsEndpointFor(partition, acs);
  const info = PARTITION_INFO[partition];
  if (primary.url === `https://${info.globalStsHost}`) return [primary];
  return [primary, { url: `https://sts.${primary.region}.${info.dualStackDnsSuffix}`, region: primary.region }];
}

/** Match patterns for every ACS host (manifest host permissions and the webRequest filter). */
export function acsMatchPatterns(): string[] {
  return PARTITIONS.flatMap((p) => {
    const h = PARTITION_INFO[p].signinHost;
    return [h, `*.${h}`, `${h}${MCAS_SUFFIX}`, `*.${h}${MCAS_SUFFIX}`].map((host) => `https://${host}/saml*`);
  });
}

/** Host permissions for every STS endpoint `stsEndpointsFor` can return (regional names, then dual-stack ones). */
export function stsHostPermissions(): string[] {
  return PARTITIONS.flatMap((p) => {
    const info = PARTITION_INFO[p];
    const hosts = [...info.regions.map((r) => `sts.${r}.${info.dnsSuffix}`), ...info.regions.map((r) => `sts.${r}.${info.dualStackDnsSuffix}`)];
    if (info.globalStsHost) hosts.unshift(info.globalStsHost);
    return hosts.map((h) => `https://${h}/*`);
  });
}

/** Host permissions for the ACS hosts (origin-wide; a host permission's path is ignored by browsers). */
export function acsHostPermissions(): string[] {
  return acsMatchPatterns().map((p) => p.replace(/\/saml\*$/, '/*'));
}
