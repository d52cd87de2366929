/**
 * Key material made at run time, in memory only (never written to the repo):
 * - the TLS certificate of the emulators' HTTPS server, with a SAN for every emulated host (wildcards included);
 * - the IdP's SAML signing key pair and certificate (what Entra shows as "Certificate (Base64)").
 */
import { generate } from 'selfsigned';

export interface TlsMaterial {
  keyPem: string;
  certPem: string;
}

export interface SigningKeyPair {
  privateKeyPem: string;
  certPem: string;
}

function validity(days: number): { notBeforeDate: Date; notAfterDate: Date } {
  // Backdate a little so a clock-skewed client (or IdP, see idp.clockSkewMs) still sees a valid cert.
  const notBeforeDate = new Date(Date.now() - 24 * 3600 * 1000);
  return { notBeforeDate, notAfterDate: new Date(notBeforeDate.getTime() + days * 24 * 3600 * 1000) };
}

/**
 * A self-signed TLS server certificate whose SANs are `hostnames` (wildcards like `*.signin.aws.amazon.com` allowed)
 * plus `localhost` and 127.0.0.1 (the AWS CLI reaches the STS emulator as `https://localhost:<port>`, checking the
 * certificate against a CA bundle holding this very certificate).
 */
export async function generateTlsCertificate(hostnames: readonly string[]): Promise<TlsMaterial> {
  const dnsNames = [...new Set([...hostnames, 'localhost'].map((h) => h.toLowerCase()))];
  const pems = await generate([{ name: 'commonName', value: dnsNames[0] ?? 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    ...validity(30),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...dnsNames.map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: '127.0.0.1' }],
      },
    ],
  });
  return { keyPem: pems.private, certPem: pems.cert };
}

/** An RSA-2048 signing key and a self-signed certificate for it, like Entra's SAML signing certificate. */
export async function generateIdpSigningKey(commonName = 'Microsoft Azure Federated SSO Certificate'): Promise<SigningKeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    ...validity(3 * 365),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
    ],
  });
  return { privateKeyPem: pems.private, certPem: pems.cert };
}
