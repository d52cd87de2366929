/** The IAM SAML providers of the emulated accounts, shared by the STS and the AWS sign-in emulators. */
import type { World } from '../world';

/** The IAM SAML providers "uploaded" with their metadata: provider ARN → signing certificate (PEM). */
export class ProviderRegistry {
  private readonly certs = new Map<string, string>();

  constructor(world: World, idpCertPem: string) {
    for (const p of world.providers) this.certs.set(p.arn, idpCertPem);
  }

  /** The provider's certificate, or undefined when the provider does not exist. */
  certFor(providerArn: string): string | undefined {
    return this.certs.get(providerArn);
  }

  /** Replace a provider's metadata certificate (rotation tests), or delete the provider with null. */
  set(providerArn: string, certPem: string | null): void {
    if (certPem === null) this.certs.delete(providerArn);
    else this.certs.set(providerArn, certPem);
  }

  /** Every distinct certificate registered. */
  allCerts(): string[] {
    return [...new Set(this.certs.values())];
  }
}
