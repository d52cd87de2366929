/**
 * Whether the browser lets the extension use its host permissions, and asking for them again.
 *
 * Firefox treats Manifest V3 host permissions as revocable: the user can withhold them at install or switch them
 * off later in Add-ons → AWS SAML Bridge → Permissions (Chrome has "site access" for the same). Without the AWS
 * sign-in hosts the SAML POST is never seen; without the STS hosts AssumeRoleWithSAML cannot be called. The
 * origins are the manifest's own (`lib/partitions.ts`), so what is checked is exactly what is declared.
 *
 * The API comes in as a parameter (the popup passes `browser.permissions`), so this logic runs under vitest.
 */
import { acsHostPermissions, stsHostPermissions } from './partitions';

/** A `permissions.onAdded` / `onRemoved` event, as far as it is used here. */
export interface PermissionsEventLike {
  addListener(listener: () => void): void;
  removeListener(listener: () => void): void;
}

/** The slice of `browser.permissions` used here. */
export interface PermissionsApiLike {
  contains(permissions: { origins: string[] }): Promise<boolean>;
  request(permissions: { origins: string[] }): Promise<boolean>;
  onAdded?: PermissionsEventLike;
  onRemoved?: PermissionsEventLike;
}

/** Which of the two groups of host permissions the extension holds right now. */
export interface HostAccess {
  /** The AWS sign-in (ACS) hosts: needed to see the browser's SAML POST. */
  signIn: boolean;
  /** The STS endpoints: needed to call AssumeRoleWithSAML. */
  sts: boolean;
}

/** Every host permission the manifest declares, sign-in hosts first. */
export function requiredHostOrigins(): string[] {
  return [...acsHostPermissions(), ...stsHostPermissions()];
}

/** Asks the browser about both groups. A browser that cannot answer is taken as "granted": nothing to fix then. */
export async function checkHostAccess(api: PermissionsApiLike): Promise<HostAccess> {
  const holds = (origins: string[]) => api.contains({ origins }).catch(() => true);
  const [signIn, sts] = await Promise.all([holds(acsHostPermissions()), holds(stsHostPermissions())]);
  return { signIn, sts };
}

export function hasAllHostAccess(access: HostAccess): boolean {
  return access.signIn && access.sts;
}

/** One sentence on what does not work without the missing access, or undefined when nothing is missing. */
export function missingAccessText(access: HostAccess): string | undefined {
  if (!access.signIn && !access.sts) {
    return 'The browser has not given this extension access to the AWS sign-in and AWS STS sites, so it cannot see your sign-ins to AWS or get credentials for them.';
  }
  if (!access.signIn) {
    return 'The browser has not given this extension access to the AWS sign-in site, so it cannot see your sign-ins to AWS.';
  }
  if (!access.sts) {
    return 'The browser has not given this extension access to the AWS STS sites, so it cannot get credentials for the roles it lists.';
  }
  return undefined;
}

/**
 * Asks the browser for every declared host permission. Call it straight from a click handler, before any
 * `await`: Firefox refuses `permissions.request` outside the handling of a user action.
 */
export function requestHostAccess(api: PermissionsApiLike): Promise<boolean> {
  return api.request({ origins: requiredHostOrigins() });
}

/**
 * Calls `onChange` whenever permissions are granted or revoked (the popup, the add-on manager or another
 * window); returns the function that stops listening.
 */
export function watchHostAccess(api: PermissionsApiLike, onChange: () => void): () => void {
  const listener = () => onChange();
  api.onAdded?.addListener(listener);
  api.onRemoved?.addListener(listener);
  return () => {
    api.onAdded?.removeListener(listener);
    api.onRemoved?.removeListener(listener);
  };
}
