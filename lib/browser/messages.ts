/**
 * Browser: the one typed message protocol between the popup and the background. State itself is read from
 * storage.session; messages only ask the background to act.
 */
import { browser } from 'wxt/browser';
import type { HostStatus, MakePrivateResult, SaveResult } from '../delivery';
import type { DurationChoice } from '../duration';

export interface BackgroundRequests {
  /** Assume the chosen roles of one capture; progress appears in storage.session as it happens. */
  assume: {
    request: { captureId: string; roleArns: string[]; duration: DurationChoice };
    response: { ok: true; succeeded: number; failed: number } | { ok: false; message: string };
  };
  /** Forget captures and credentials: one capture (with its roles' credentials), or everything. */
  /** `removeFromFile`: also remove the profiles this extension saved for what is forgotten (only its own sections). */
  forget: {
    request: { captureId?: string; removeFromFile?: boolean };
    response: { ok: true; removedFromFile?: string[]; removalError?: string };
  };
  /** Ask the native host whether it is installed and where it writes. */
  hostStatus: { request: Record<string, never>; response: HostStatus };
  /**
   * Write live sessions (all, or `roleArns`) to the credentials file through the native host. The result is also
   * recorded in storage.session, so an auto-save with the popup closed shows up when it opens.
   */
  save: { request: { roleArns?: string[]; overwriteUnmanaged?: boolean }; response: SaveResult };
  /**
   * Config-file delivery: set the chosen live sessions' roles (all, or `roleArns`) to `credential_process`, then save,
   * which writes their config sections (`write-config`) and takes their keys out of the credentials file.
   */
  setUpCredentialProcess: { request: { roleArns?: string[] }; response: SaveResult };
  /** Set the credentials file to 0600 through the native host (only on the user's click). */
  makeFilePrivate: { request: Record<string, never>; response: MakePrivateResult };
  /**
   * Accept "Rename to <name>" for a role whose learnt alias would name it differently: the role is named so from
   * now on and, if it was saved, written under the new name with the old section removed (lib/background/rename-profile.ts).
   */
  renameProfile: { request: { roleArn: string }; response: { ok: true; name: string } | { ok: false; message: string } };
  /** Open the AWS console as a role with a live session, in a new tab (lib/background/console.ts). */
  openConsole: { request: { roleArn: string }; response: { ok: true } | { ok: false; message: string; action: string } };
  /** Switch "Keep fresh" for one sign-in source (the popup asks for the IdP hosts first, on the person's click). */
  setKeepFresh: { request: { sourceKey: string; on: boolean }; response: { ok: boolean } };
  /** The AWS app identifier (Issuer, with any `#N`) the person entered for a source Entra did not recognise. */
  setAppIdentifier: { request: { sourceKey: string; identifier: string }; response: { ok: true } | { ok: false; message: string } };
  /** Remove one saved profile from the credentials file (and its config section), keeping the session here. */
  removeSaved: { request: { roleArn: string }; response: { ok: true; removed: string[] } | { ok: false; message: string } };
  /** Open the sign-in of a source that needs the person, in a normal tab. */
  openSignIn: { request: { sourceKey: string }; response: { ok: boolean } };
}

export type MessageType = keyof BackgroundRequests;
export type Message = { [K in MessageType]: { type: K; data: BackgroundRequests[K]['request'] } }[MessageType];
export type Handlers = { [K in MessageType]: (data: BackgroundRequests[K]['request']) => Promise<BackgroundRequests[K]['response']> };

/**
 * What the browser reports when the background went away before answering: Chrome's "message channel closed" /
 * "message port closed" / "Receiving end does not exist", Firefox's "Message manager disconnected" and kin.
 */
const BACKGROUND_GONE =
  /message (channel|port) closed|receiving end does not exist|message manager disconnected|went out of scope|extension context invalidated|could not establish connection/i;

/** A failed `sendMessage` in plain words, bounded; the browser's own text only when it is none of the known ones. */
export function messagingFailureText(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  if (BACKGROUND_GONE.test(raw)) return 'the browser stopped the extension’s background before it answered';
  const text = raw.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text || 'no reason given';
}

/** Sends one message to the background; a rejection carries plain words (see `messagingFailureText`). */
export async function sendMessage<K extends MessageType>(type: K, data: BackgroundRequests[K]['request']): Promise<BackgroundRequests[K]['response']> {
  try {
    return (await browser.runtime.sendMessage({ type, data })) as BackgroundRequests[K]['response'];
  } catch (error) {
    throw new Error(messagingFailureText(error), { cause: error });
  }
}

export function isMessage(value: unknown, handlers: Handlers): value is Message {
  // Own keys only: `in` would take "toString" or "__proto__" for a message type.
  return !!value && typeof value === 'object' && typeof (value as Message).type === 'string' && Object.hasOwn(handlers, (value as Message).type);
}
