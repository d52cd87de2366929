/**
 * The Microsoft Entra sign-in hosts silent renewal talks to (global, US Government, China/21Vianet), and the
 * optional host permissions "Keep fresh" asks for. Pure and tiny: the popup (which asks) and the manifest import it.
 */
export const ENTRA_SIGN_IN_HOSTS: readonly string[] = ['login.microsoftonline.com', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn'];

/** `https://<host>/*` for each Entra sign-in host. */
export function idpHostPermissions(): string[] {
  return ENTRA_SIGN_IN_HOSTS.map((h) => `https://${h}/*`);
}
