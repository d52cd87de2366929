/**
 * Which hosts are STS endpoints (partition and region), what an IAM SAML provider of a partition accepts as
 * audience and recipient, and the ARN and session-name shapes STS validates.
 */
import type { Partition } from '../world';

export interface StsEndpoint {
  partition: Partition;
  region: string;
}

const REGION_RE = /^[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}$/;

/** The partition and region an STS hostname serves, or null when it is not an STS endpoint. */
export function stsEndpointForHost(host: string): StsEndpoint | null {
  const h = host.toLowerCase();
  // `localhost` is the global endpoint too: the AWS CLI 2.9 reaches the emulator only through `--endpoint-url`.
  if (h === 'sts.amazonaws.com' || h === 'localhost') return { partition: 'aws', region: 'us-east-1' };
  let m = /^sts\.([a-z0-9-]+)\.amazonaws\.com$/.exec(h);
  if (m && REGION_RE.test(m[1]!) && !m[1]!.startsWith('cn-')) {
    return { partition: m[1]!.startsWith('us-gov-') ? 'aws-us-gov' : 'aws', region: m[1]! };
  }
  m = /^sts\.(cn-north-1|cn-northwest-1)\.(?:api\.amazonwebservices|amazonaws)\.com\.cn$/.exec(h);
  if (m) return { partition: 'aws-cn', region: m[1]! };
  // Dual-stack regional endpoints (the same region's STS): sts.<region>.api.aws in commercial and GovCloud.
  m = /^sts\.([a-z0-9-]+)\.api\.aws$/.exec(h);
  if (m && REGION_RE.test(m[1]!) && !m[1]!.startsWith('cn-')) return { partition: m[1]!.startsWith('us-gov-') ? 'aws-us-gov' : 'aws', region: m[1]! };
  return null;
}

/** Audiences an IAM SAML provider in the partition accepts. */
export function audienceAcceptable(partition: Partition, audience: string): boolean {
  switch (partition) {
    case 'aws':
      return /^https:\/\/([a-z0-9-]+\.)?signin\.aws\.amazon\.com\/saml(#\d+)?$/.test(audience) || audience === 'urn:amazon:webservices';
    case 'aws-us-gov':
      return audience === 'urn:amazon:webservices:govcloud' || /^https:\/\/([a-z0-9-]+\.)?signin\.amazonaws-us-gov\.com\/saml(#\d+)?$/.test(audience);
    case 'aws-cn':
      return audience === 'urn:amazon:webservices:cn' || /^https:\/\/([a-z0-9-]+\.)?signin\.amazonaws\.cn\/saml(#\d+)?$/.test(audience);
  }
}

/** Whether `url` is an AWS sign-in ACS URL of the partition (global or regional, optional trailing slash). */
export function recipientAcceptable(partition: Partition, url: string): boolean {
  const host = { aws: 'signin\\.aws\\.amazon\\.com', 'aws-us-gov': 'signin\\.amazonaws-us-gov\\.com', 'aws-cn': 'signin\\.amazonaws\\.cn' }[partition];
  return new RegExp(`^https://([a-z0-9-]+\\.)?${host}/saml/?$`).test(url);
}

/** The partition an ARN names, or null when it names none. */
export function partitionOfArn(arn: string): Partition | null {
  const m = /^arn:(aws|aws-us-gov|aws-cn):/.exec(arn);
  return m ? (m[1] as Partition) : null;
}

export const ROLE_ARN_RE = /^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
export const PROVIDER_ARN_RE = /^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}):saml-provider\/([\w.-]{1,128})$/;
export const SESSION_NAME_RE = /^[\w+=,.@-]{2,64}$/;
