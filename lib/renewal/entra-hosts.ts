/** Entra's sign-in hosts and tenant names: the only places a renewal request may go. Pure, no dependencies. */

/** Entra's sign-in hosts (public, US Government and China clouds). */
export const ENTRA_SIGN_IN_HOSTS = ['login.microsoftonline.com', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn'] as const;
export type EntraSignInHost = (typeof ENTRA_SIGN_IN_HOSTS)[number];

/** A tenant ID. */
export const TENANT_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A verified domain (`contoso.com`, `contoso.onmicrosoft.com`): dot-separated DNS labels, a letter TLD. */
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Whether `host` is one of Entra's sign-in hosts. */
export function isEntraSignInHost(host: string): host is EntraSignInHost {
  return (ENTRA_SIGN_IN_HOSTS as readonly string[]).includes(host.toLowerCase());
}

/** Whether `tenant` is a tenant ID (GUID) or shaped like a verified domain name. */
export function isTenantName(tenant: string): boolean {
  return TENANT_GUID.test(tenant) || DOMAIN.test(tenant);
}

/** Whether `tenant` is shaped like a domain name (not a tenant ID). */
export function isTenantDomain(tenant: string): boolean {
  return !TENANT_GUID.test(tenant) && DOMAIN.test(tenant);
}

/** `https://<host>/*` for each Entra sign-in host: the optional host permissions "Keep fresh" asks for. */
export function idpHostPermissions(): string[] {
  return ENTRA_SIGN_IN_HOSTS.map((h) => `https://${h}/*`);
}
