/**
 * What the background keeps per sign-in source to keep it fresh (storage.session, no secrets), the sign-in
 * requests it saw the browser send to Entra, and how a source's state reads in the popup. Pure.
 */
import type { ManualSource, ObservedRequest as Decoded, RefreshSource } from './refresh-source';
import type { SourceState } from './source-state';

/** One SP-initiated request the browser sent to Entra (as My Apps does), kept to learn the app's exact identifier. */
export type ObservedRequest = Decoded & { at: number };

/** How many observed requests are kept, and for how long: a sign-in answers its request within minutes. */
export const MAX_OBSERVED_REQUESTS = 20;
export const OBSERVED_REQUEST_TTL_MS = 15 * 60 * 1000;

/** Adds a request to the list, dropping old and surplus ones (newest first). */
export function rememberRequest(list: readonly ObservedRequest[], request: ObservedRequest, now: number): ObservedRequest[] {
  return [request, ...list.filter((r) => r.id !== request.id && now - r.at < OBSERVED_REQUEST_TTL_MS)].slice(0, MAX_OBSERVED_REQUESTS);
}

/** The request a sign-in answered (`InResponseTo`), if the browser was seen sending it. */
export function requestAnswered(list: readonly ObservedRequest[], inResponseTo: string | undefined, now: number): ObservedRequest | undefined {
  if (!inResponseTo) return undefined;
  return list.find((r) => r.id === inResponseTo && now - r.at < OBSERVED_REQUEST_TTL_MS);
}

/** The background tab of a tier-2 renewal, while it is open. */
export interface RenewalTab {
  tabId: number;
  flightId: string;
  requestId: string;
  openedAt: number;
}

/** The last renewal that reached STS, for the popup's quiet line. */
export interface RenewalRun {
  at: number;
  renewed: number;
  failed: number;
  /** Profiles written to the credentials file by this run. */
  saved: number;
}

/** Everything kept per source (storage.session `renewal:<key>`). */
export interface RenewalRecord {
  /** `sourceKeyFor(capture)`. */
  key: string;
  /** The capture this source's sessions came from (its id stays the same across renewals). */
  captureId: string;
  /** The facts a silent request needs, or why there is no silent renewal for this source. */
  source: RefreshSource | ManualSource;
  state: SourceState;
  /** The roles kept fresh: those live from this source's last assume (chained roles follow their source). */
  roles?: { roleArn: string; durationSeconds: number; saved: boolean }[];
  tab?: RenewalTab;
  /** A renewed assertion waiting for its flight's assume (storage.session only, like every assertion). */
  pending?: { flightId: string; samlResponse: string; action: string };
  lastRun?: RenewalRun;
}

/** Whether a record can renew silently at all (an Entra source with what a request needs). */
export function canRenewSilently(record: Pick<RenewalRecord, 'source'>): record is Pick<RenewalRecord, 'source'> & { source: RefreshSource } {
  return !('manual' in record.source);
}
