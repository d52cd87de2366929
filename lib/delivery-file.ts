/**
 * The credentials file of delivered sessions as text (Download and Copy all), with the native host's own writer.
 * Apart from lib/delivery.ts so that the popup's first paint, which needs that module's words, does not carry the
 * credentials file format. Pure.
 */
import { renderCredentialsFile, type ProfileUpdate } from './credentials-file';
import { planDelivery, type DeliveryOptions, type OkOutcome } from './delivery';

/** The downloadable credentials file: the very writer the native host uses, on an empty file. */
export function credentialsFileText(profiles: readonly ProfileUpdate[]): string {
  return renderCredentialsFile(profiles);
}

export type CredentialsFileResult = { ok: true; text: string } | { ok: false; message: string };

/**
 * Every session as one credentials file, for Download and Copy all: the plan Save sends to the native host and
 * the host's own writer, so the three hold the same sections in the same order. The reason instead when two
 * sessions would share a profile name.
 */
export function allCredentialsFile(sessions: readonly OkOutcome[], options: DeliveryOptions = {}): CredentialsFileResult {
  const plan = planDelivery(sessions, options);
  return plan.ok ? { ok: true, text: credentialsFileText(plan.profiles) } : plan;
}
