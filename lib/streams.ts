/**
 * Reading a byte stream whole, with a bound: the IdP's pages, the inflated SAMLRequest and the console federation
 * endpoint's answer are hostile input. Pure.
 */

/** Reads `stream` to its end, or stops (cancelling it) once more than `max` bytes arrived. */
export async function readAll(stream: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array | 'too-large'> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return 'too-large';
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Reads a body as UTF-8 text, refusing more than `max` bytes (reads stop there); '' for no body. */
export async function readText(body: ReadableStream<Uint8Array> | null, max: number): Promise<string | undefined> {
  if (!body) return '';
  const bytes = await readAll(body, max);
  return bytes === 'too-large' ? undefined : new TextDecoder('utf-8').decode(bytes);
}
