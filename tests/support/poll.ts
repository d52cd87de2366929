/** Waiting in a test for something the browser does in its own time, bounded (never an endless loop). */

/**
 * Calls `probe` every 250 ms until it returns a value other than `undefined`/`false`, and returns that value; fails
 * after `timeoutMs` naming `what`.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  // Bounded twice: by the deadline and by a number of rounds no timeout here comes near.
  for (let i = 0; i < 10_000; i++) {
    const got = await probe();
    if (got !== undefined && got !== false) return got;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
