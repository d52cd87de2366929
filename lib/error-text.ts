/** The message of anything thrown, for a sentence shown to the user (never a stack, never the value itself). */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
