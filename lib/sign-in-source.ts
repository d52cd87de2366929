/**
 * A sign-in source: one AWS app of one IdP tenant, reached through one AWS sign-in endpoint. What the extension
 * remembers for "my usual roles" and what it keeps fresh is kept per source. Pure.
 */
import type { Capture } from './capture';

/** The key of a capture's source: the assertion's issuer (the tenant), its audience (the app) and the ACS URL. */
export function sourceKeyFor(capture: Pick<Capture, 'summary' | 'acs'>): string {
  return `${capture.summary.issuer}|${capture.summary.audience ?? ''}|${capture.acs.url}`;
}
