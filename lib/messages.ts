/**
 * Browser: the one typed message protocol between the popup and the background. State itself is read from
 * storage.session; messages only ask the background to act.
 */
import { browser } from 'wxt/browser';
import type { HostStatus, MakePrivateResult, SaveResult } from './delivery';
import type { DurationChoice } from './duration';

export interface Protocol {
  /** Assume the chosen roles of one capture; progress appears in storage.session as it happens. */
  assume: {
    request: { captureId: string; roleArns: string[]; duration: DurationChoice };
    response: { ok: true; succeeded: number; failed: number } | { ok: false; message: string };
  };
  /** Forget captures and credentials: one capture (with its roles' credentials), or everything. */
  forget: { request: { captureId?: string }; response: { ok: true } };
  /** Ask the native host whether it is installed and where it writes. */
  hostStatus: { request: Record<string, never>; response: HostStatus };
  /**
   * Write live sessions (all, or `roleArns`) to the credentials file through the native host. The result is also
   * recorded in storage.session, so an auto-save with the popup closed shows up when it opens.
   */
  save: { request: { roleArns?: string[]; overwriteUnmanaged?: boolean }; response: SaveResult };
  /** Set the credentials file to 0600 through the native host (only on the user's click). */
  makeFilePrivate: { request: Record<string, never>; response: MakePrivateResult };
}

export type MessageType = keyof Protocol;
export type Message = { [K in MessageType]: { type: K; data: Protocol[K]['request'] } }[MessageType];
export type Handlers = { [K in MessageType]: (data: Protocol[K]['request']) => Promise<Protocol[K]['response']> };

export function sendMessage<K extends MessageType>(type: K, data: Protocol[K]['request']): Promise<Protocol[K]['response']> {
  return browser.runtime.sendMessage({ type, data }) as Promise<Protocol[K]['response']>;
}

export function isMessage(value: unknown, handlers: Handlers): value is Message {
  // Own keys only: `in` would take "toString" or "__proto__" for a message type.
  return !!value && typeof value === 'object' && typeof (value as Message).type === 'string' && Object.hasOwn(handlers, (value as Message).type);
}
