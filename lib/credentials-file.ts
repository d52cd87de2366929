/**
 * The shared credentials file format (`~/.aws/credentials`). One writer for the popup's snippet, the download
 * and (later) the native host, so they can never disagree. Facts: DOMAIN.md §5.
 */
import { formatExpiration, type AwsCredentials } from './credentials';

/** Profile names every SDK accepts; anything else could corrupt the file (`]`, `=`, newlines). */
export const PROFILE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidProfileName(name: string): boolean {
  return PROFILE_NAME.test(name);
}

/** The key/value lines of one profile, in the order written. `aws_security_token` repeats the token for boto2/Ansible. */
export function profileEntries(credentials: AwsCredentials, region?: string): [string, string][] {
  const entries: [string, string][] = [
    ['aws_access_key_id', credentials.accessKeyId],
    ['aws_secret_access_key', credentials.secretAccessKey],
    ['aws_session_token', credentials.sessionToken],
    ['aws_security_token', credentials.sessionToken],
    ['x_security_token_expires', formatExpiration(credentials.expiration)],
  ];
  if (region) entries.push(['region', region]);
  return entries;
}

/** One `[name]` section with its keys, each line ending in `newline`. */
export function renderProfileSection(name: string, credentials: AwsCredentials, options: { region?: string; newline?: string } = {}): string {
  if (!isValidProfileName(name)) throw new Error(`"${name}" is not a valid profile name (letters, digits, _ and - only)`);
  const nl = options.newline ?? '\n';
  return [`[${name}]`, ...profileEntries(credentials, options.region).map(([k, v]) => `${k} = ${v}`)].join(nl) + nl;
}
