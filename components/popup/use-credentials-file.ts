/** The credentials file of all live sessions (Download, Copy all), built again only when the set of sessions changes. */
import { useState } from 'preact/hooks';
import type { CredentialsFileResult, DeliveryOptions, OkOutcome } from '../../lib/delivery';
import { credentialsFileCache } from '../view-model';

export function useCredentialsFile(sessions: readonly OkOutcome[], delivery: DeliveryOptions): CredentialsFileResult | undefined {
  const [file] = useState(() => credentialsFileCache());
  return file(sessions, delivery);
}
