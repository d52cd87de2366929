/** The credentials file of all live sessions (Download, Copy all), built again only when the set of sessions changes. */
import { useState } from 'preact/hooks';
import type { DeliveryOptions, OkOutcome } from '../../lib/delivery';
import { allCredentialsFile, type CredentialsFileResult } from '../../lib/delivery-file';

/** Identifies a set of sessions by what a credentials file holds of them (a new key id or expiry is a new file). */
export function sessionSetKey(sessions: readonly OkOutcome[]): string {
  return sessions
    .map((s) => JSON.stringify([s.roleArn, s.profileName, s.credentials.accessKeyId, s.credentials.expiration]))
    .sort()
    .join('\n');
}

/**
 * `allCredentialsFile` remembering its last answer: the file is built again only when the set of sessions or the
 * delivery options changed, not on every storage change, selection or keystroke while roles are assumed.
 * Undefined while there is no session.
 */
export function credentialsFileCache(): (sessions: readonly OkOutcome[], options: DeliveryOptions) => CredentialsFileResult | undefined {
  let last: { key: string; options: DeliveryOptions; file: CredentialsFileResult | undefined } | undefined;
  return (sessions, options) => {
    const key = sessionSetKey(sessions);
    if (last?.key !== key || last.options !== options) {
      last = { key, options, file: sessions.length > 0 ? allCredentialsFile(sessions, options) : undefined };
    }
    return last.file;
  };
}

export function useCredentialsFile(sessions: readonly OkOutcome[], delivery: DeliveryOptions): CredentialsFileResult | undefined {
  const [file] = useState(() => credentialsFileCache());
  return file(sessions, delivery);
}
