/**
 * The mutual proof on every agent connection. Both sides know the per-start secret (a 0600 file only the user can
 * read); neither ever sends it. The client sends a nonce; the server answers HMAC(secret, "server|" + clientNonce +
 * "|" + serverNonce) and its own nonce; the client checks that (a squatter without the secret cannot make it) and
 * answers HMAC(secret, "client|" + serverNonce) (a client without the secret cannot). Only then a request.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, hex. */
export const NONCE = /^[0-9a-f]{64}$/;
/** An HMAC-SHA256, hex. */
export const MAC = /^[0-9a-f]{64}$/;
/** The secret's bytes: 32, hex in the file. */
export const SECRET_BYTES = 32;

export function newNonce(): string {
  return randomBytes(32).toString('hex');
}

function hmac(secret: Buffer, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/** What the server sends to prove it holds the secret, bound to the client's fresh nonce. */
export function serverProof(secret: Buffer, clientNonce: string, serverNonce: string): string {
  return hmac(secret, `server|${clientNonce}|${serverNonce}`);
}

/** What the client sends to prove it holds the secret, bound to the server's fresh nonce. */
export function clientProof(secret: Buffer, serverNonce: string): string {
  return hmac(secret, `client|${serverNonce}`);
}

/** Constant-time comparison of two hex MACs (false for anything that is not one). */
export function sameMac(expected: string, got: unknown): boolean {
  if (typeof got !== 'string' || !MAC.test(got)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(got, 'hex'));
}
