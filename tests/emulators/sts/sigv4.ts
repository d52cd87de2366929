/**
 * AWS Signature Version 4 verification as STS does it for a signed POST with a form body: the canonical request,
 * the credential scope (date, the endpoint's region, `sts`), the signing key derived from the secret this emulator
 * issued for the access key id, `X-Amz-Date` within 5 minutes, and `host` and `x-amz-date` among the signed headers.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** How far `X-Amz-Date` may be from the server's clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]{16,128})\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/;

export interface SignedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type SigV4Result = { ok: true; accessKeyId: string } | { ok: false; status: number; code: string; message: string };

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** The SigV4 signing key for one day, region and service. */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** The canonical request of a POST to `path` with no query string. */
export function canonicalRequest(req: SignedRequest, signedHeaders: string[]): string {
  const headers = signedHeaders.map((h) => {
    const raw = req.headers[h];
    const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
    return `${h}:${value.trim().replace(/\s+/g, ' ')}\n`;
  });
  return [req.method, req.path, '', headers.join(''), signedHeaders.join(';'), sha256(req.body)].join('\n');
}

/** The signature a request with this scope should carry. */
export function expectedSignature(
  req: SignedRequest,
  secret: string,
  scope: { date: string; region: string; service: string },
  signedHeaders: string[],
): string {
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    `${scope.date}/${scope.region}/${scope.service}/aws4_request`,
    sha256(canonicalRequest(req, signedHeaders)),
  ].join('\n');
  return hmac(signingKey(secret, scope.date, scope.region, scope.service), stringToSign).toString('hex');
}

const mismatch = (message: string): SigV4Result => ({ ok: false, status: 403, code: 'SignatureDoesNotMatch', message });

/**
 * Verifies the request's signature. `secretFor` gives the secret issued for an access key id (undefined: unknown
 * key); the caller checks the session token and expiry of that key itself.
 */
export function verifySigV4(
  req: SignedRequest,
  expected: { region: string; service: string; now: number; secretFor: (accessKeyId: string) => string | undefined },
): SigV4Result {
  const auth = req.headers.authorization;
  if (!auth) return { ok: false, status: 403, code: 'MissingAuthenticationToken', message: 'Request is missing Authentication Token' };
  const m = AUTHORIZATION.exec(auth);
  if (!m) return { ok: false, status: 400, code: 'IncompleteSignature', message: 'Authorization header requires Credential, SignedHeaders and Signature.' };
  const [, accessKeyId, date, region, service, signed, signature] = m as unknown as [string, string, string, string, string, string, string];
  const secret = expected.secretFor(accessKeyId);
  if (secret === undefined) return { ok: false, status: 403, code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' };
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const d = AMZ_DATE.exec(amzDate);
  if (!d)
    return { ok: false, status: 400, code: 'IncompleteSignature', message: 'Authorization header requires existence of either a X-Amz-Date or a Date header.' };
  const at = Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +d[4]!, +d[5]!, +d[6]!);
  if (Math.abs(at - expected.now) > MAX_CLOCK_SKEW_MS) {
    return mismatch(`Signature expired: ${amzDate} is now earlier or later than the server time by more than 5 minutes.`);
  }
  if (date !== amzDate.slice(0, 8))
    return mismatch(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}'`);
  if (region !== expected.region) return mismatch(`Credential should be scoped to a valid region. Expected '${expected.region}'`);
  if (service !== expected.service) return mismatch(`Credential should be scoped to correct service: '${expected.service}'.`);
  const signedHeaders = signed.split(';');
  const sorted = [...signedHeaders].sort();
  if (signedHeaders.some((h, i) => h !== sorted[i]) || !signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
    return mismatch("'Host' and 'X-Amz-Date' must be among the signed headers, in order.");
  }
  const want = Buffer.from(expectedSignature(req, secret, { date, region, service }, signedHeaders), 'hex');
  if (!timingSafeEqual(want, Buffer.from(signature, 'hex'))) {
    return mismatch('The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
  return { ok: true, accessKeyId };
}
