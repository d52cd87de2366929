/**
 * The agent's socket protocol: length-prefixed JSON frames (the same framing as native messaging), at most
 * `MAX_AGENT_FRAME_BYTES` each, every read with a timeout, and the messages checked field by field on both sides.
 */
import type { Socket } from 'node:net';
import type { AwsCredentials } from '../../lib/credentials';
import { CREDENTIAL_VALUE } from '../../lib/credentials-file';
import { isValidProfileName } from '../../lib/profile-name';
import { isRfc3339DateTime } from '../../lib/host-protocol';
import { decodeBody, encodeFrame, FrameDecoder } from '../framing';
import { MAC, NONCE } from './proof';

/** A session token is at most 16 KiB; nothing on this socket comes near 64 KiB. */
export const MAX_AGENT_FRAME_BYTES = 64 * 1024;
/** `--wait` is capped so the answer comes before the Go SDK's 60 s limit on credential_process. */
export const MAX_WAIT_SECONDS = 50;
export const AGENT_WIRE_VERSION = 1;

export type WireErrorCode = 'needs-sign-in' | 'unknown-profile' | 'blocked' | 'timeout' | 'bad-request';
export type ClientMessage =
  { t: 'hello'; v: typeof AGENT_WIRE_VERSION; nonce: string } | { t: 'auth'; mac: string } | { t: 'get'; profile: string; wait: number };
export type ServerMessage =
  | { t: 'proof'; v: typeof AGENT_WIRE_VERSION; nonce: string; mac: string }
  | { t: 'credentials'; credentials: AwsCredentials }
  | { t: 'error'; code: WireErrorCode; message: string };

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const keysAre = (x: Record<string, unknown>, keys: readonly string[]) => {
  const own = Object.keys(x);
  return own.length === keys.length && own.every((k) => keys.includes(k));
};
const WIRE_CODES: readonly string[] = ['needs-sign-in', 'unknown-profile', 'blocked', 'timeout', 'bad-request'];
/** The longest error message a client passes on to stderr. */
export const MAX_WIRE_MESSAGE = 600;

/** A client's message as the server reads it, or null. `expect` is the only type valid at this point. */
export function parseClientMessage(value: unknown, expect: ClientMessage['t']): ClientMessage | null {
  if (!isRecord(value) || value.t !== expect) return null;
  switch (expect) {
    case 'hello':
      return keysAre(value, ['t', 'v', 'nonce']) && value.v === AGENT_WIRE_VERSION && typeof value.nonce === 'string' && NONCE.test(value.nonce)
        ? { t: 'hello', v: AGENT_WIRE_VERSION, nonce: value.nonce }
        : null;
    case 'auth':
      return keysAre(value, ['t', 'mac']) && typeof value.mac === 'string' && MAC.test(value.mac) ? { t: 'auth', mac: value.mac } : null;
    case 'get':
      return keysAre(value, ['t', 'profile', 'wait']) &&
        typeof value.profile === 'string' &&
        isValidProfileName(value.profile) &&
        Number.isInteger(value.wait) &&
        (value.wait as number) >= 0 &&
        (value.wait as number) <= MAX_WAIT_SECONDS
        ? { t: 'get', profile: value.profile, wait: value.wait as number }
        : null;
  }
}

function credentialsOf(x: unknown): AwsCredentials | null {
  if (!isRecord(x) || !keysAre(x, ['accessKeyId', 'secretAccessKey', 'sessionToken', 'expiration'])) return null;
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = x;
  const value = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max && CREDENTIAL_VALUE.test(v);
  if (!value(accessKeyId, 128) || !value(secretAccessKey, 256) || !value(sessionToken, 16_384)) return null;
  if (typeof expiration !== 'string' || !isRfc3339DateTime(expiration)) return null;
  return { accessKeyId, secretAccessKey, sessionToken, expiration };
}

/** A server's message as the client reads it, or null. */
export function parseServerMessage(value: unknown, expect: 'proof' | 'answer'): ServerMessage | null {
  if (!isRecord(value)) return null;
  if (expect === 'proof') {
    return value.t === 'proof' &&
      keysAre(value, ['t', 'v', 'nonce', 'mac']) &&
      value.v === AGENT_WIRE_VERSION &&
      typeof value.nonce === 'string' &&
      NONCE.test(value.nonce) &&
      typeof value.mac === 'string' &&
      MAC.test(value.mac)
      ? { t: 'proof', v: AGENT_WIRE_VERSION, nonce: value.nonce, mac: value.mac }
      : null;
  }
  if (value.t === 'credentials' && keysAre(value, ['t', 'credentials'])) {
    const credentials = credentialsOf(value.credentials);
    return credentials ? { t: 'credentials', credentials } : null;
  }
  if (value.t === 'error' && keysAre(value, ['t', 'code', 'message']) && typeof value.code === 'string' && WIRE_CODES.includes(value.code)) {
    if (typeof value.message !== 'string' || value.message.length === 0) return null;
    // Shown on the user's terminal: one line, bounded, no control characters.
    const message = value.message.replace(/[\x00-\x1f\x7f]+/g, ' ').slice(0, MAX_WIRE_MESSAGE);
    return { t: 'error', code: value.code as WireErrorCode, message };
  }
  return null;
}

export type ReadFailure = 'timeout' | 'closed' | 'oversized' | 'bad-frame';
export class WireError extends Error {
  constructor(readonly reason: ReadFailure) {
    super(`agent connection: ${reason}`);
    this.name = 'WireError';
  }
}

/** One socket as a sequence of JSON frames: `read(timeoutMs)` the next one, `write` one. */
export class FrameChannel {
  private readonly decoder: FrameDecoder;
  private readonly frames: unknown[] = [];
  private failure: ReadFailure | undefined;
  private waiter: { resolve: (v: unknown) => void; reject: (e: WireError) => void; timer: ReturnType<typeof setTimeout> } | undefined;

  constructor(
    private readonly socket: Socket,
    maxBytes = MAX_AGENT_FRAME_BYTES,
  ) {
    this.decoder = new FrameDecoder(maxBytes);
    socket.on('data', (chunk: Buffer) => {
      for (const event of this.decoder.push(chunk)) {
        if (event.kind === 'oversized') return this.fail('oversized');
        const body = decodeBody(event.body);
        if (!body.ok) return this.fail('bad-frame');
        this.frames.push(body.value);
      }
      this.deliver();
    });
    socket.on('close', () => this.fail('closed'));
    socket.on('error', () => this.fail('closed'));
  }

  /** The next frame's JSON value; rejects with a WireError on timeout, close, an oversized or unreadable frame. */
  read(timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new WireError('timeout'));
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
      this.deliver();
    });
  }

  write(message: ServerMessage | ClientMessage): void {
    if (!this.socket.destroyed) this.socket.write(encodeFrame(JSON.stringify(message)));
  }

  /** Writes a last message, then closes the connection. */
  end(message?: ServerMessage | ClientMessage): void {
    if (this.socket.destroyed) return;
    if (message) this.socket.end(encodeFrame(JSON.stringify(message)));
    else this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private deliver(): void {
    const w = this.waiter;
    if (!w) return;
    if (this.frames.length) {
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.resolve(this.frames.shift());
    } else if (this.failure) {
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.reject(new WireError(this.failure));
    }
  }

  private fail(reason: ReadFailure): void {
    if (this.failure) return;
    this.failure = reason;
    if (reason === 'oversized' || reason === 'bad-frame') this.socket.destroy();
    this.deliver();
  }
}
