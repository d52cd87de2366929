/** Random identifiers for silent renewal. Pure (Web Crypto only: Node 20 and an MV3 service worker both have it). */

/** A SAML request ID: `_` + 40 hex characters (160 random bits). Entra refuses an ID that starts with a digit. */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `_${hex}`;
}
