/**
 * Native-messaging framing: each message is a 32-bit length in native byte order (little-endian on every platform
 * browsers ship on) followed by that many bytes of UTF-8 JSON. docs/native-messaging.md#framing-and-size-limits.
 */

/** Browsers send up to 64 MiB; this host's requests are small, so anything over 8 MiB is refused. */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;
/** Chrome drops a host→browser message over 1 MB (`kMaximumNativeMessageSize`, body bytes). */
export const MAX_REPLY_BYTES = 1024 * 1024;

/** What the decoder found: a whole frame's body, or a length over the limit (the stream cannot be trusted after). */
export type FrameEvent = { kind: 'frame'; body: Buffer } | { kind: 'oversized'; length: number };

/** Splits a byte stream into frames, whatever the chunking: split headers, several frames per chunk, empty frames. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected: number | null = null;
  private stopped = false;

  constructor(private readonly maxLength: number = MAX_REQUEST_BYTES) {}

  /** Bytes received that do not make a whole frame yet, length included (non-zero at EOF = the stream ended mid-frame). */
  get pendingBytes(): number {
    return this.buffered + (this.expected === null ? 0 : 4);
  }

  /** Feeds one chunk; returns the frames it completes. After an `oversized` event it returns nothing more. */
  push(chunk: Buffer): FrameEvent[] {
    if (this.stopped) return [];
    if (chunk.length) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const events: FrameEvent[] = [];
    for (;;) {
      if (this.expected === null) {
        if (this.buffered < 4) break;
        const length = this.take(4).readUInt32LE(0);
        if (length > this.maxLength) {
          this.stopped = true;
          this.chunks = [];
          this.buffered = 0;
          events.push({ kind: 'oversized', length });
          break;
        }
        this.expected = length;
      }
      if (this.buffered < this.expected) break;
      events.push({ kind: 'frame', body: this.take(this.expected) });
      this.expected = null;
    }
    return events;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}

/** A frame's body as JSON, or why it is not: bytes that are not UTF-8, or text that is not JSON. */
export type DecodedBody = { ok: true; value: unknown } | { ok: false; reason: 'invalid-utf8' | 'invalid-json' };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes one frame body strictly (no replacement characters, no BOM skipping). */
export function decodeBody(body: Uint8Array): DecodedBody {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, reason: 'invalid-utf8' };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'invalid-json' };
  }
}

/** One frame: 4-byte little-endian length, then the UTF-8 bytes of `json`. */
export function encodeFrame(json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(body.length, 0);
  return Buffer.concat([header, body]);
}
