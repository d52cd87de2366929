/**
 * Browser: account aliases learnt from the AWS sign-in page, in storage.local under one key. Names only, never
 * secrets. Every read validates (lib/account-aliases.ts), so a damaged value costs the names, nothing else.
 */
import { browser } from 'wxt/browser';
import { mergeLearntAliases, normaliseLearntAliases, sameAliases, type LearntAliases, type SigninPageAliases } from '../account-aliases';

/** The storage.local key holding the learnt aliases. */
export const LEARNT_ALIASES_KEY = 'learntAccountAliases';

export async function readLearntAliases(): Promise<LearntAliases> {
  const items = await browser.storage.local.get(LEARNT_ALIASES_KEY);
  return normaliseLearntAliases(items[LEARNT_ALIASES_KEY]);
}

/**
 * Adds what one sign-in page showed. Writes only when an alias was added, changed or removed (every sign-in
 * shows the same page; a write each time would be noise). Returns whether anything changed.
 */
export async function learnAliases(page: SigninPageAliases, now: number = Date.now()): Promise<boolean> {
  if (page.accountIds.length === 0) return false;
  const previous = await readLearntAliases();
  const next = mergeLearntAliases(previous, page, now);
  if (sameAliases(previous, next)) return false;
  await browser.storage.local.set({ [LEARNT_ALIASES_KEY]: next });
  return true;
}

export async function forgetLearntAliases(): Promise<void> {
  await browser.storage.local.remove(LEARNT_ALIASES_KEY);
}

/** Calls `listener` with the learnt aliases now and after every change. Returns an unsubscribe function. */
export function watchLearntAliases(listener: (aliases: LearntAliases) => void, onError: (error: unknown) => void = () => undefined): () => void {
  let alive = true;
  // A change seen before the first read resolves is newer than what that read may return.
  let changed = false;
  const onChanged = (changes: Record<string, { newValue?: unknown }>, areaName: string) => {
    if (areaName !== 'local' || !(LEARNT_ALIASES_KEY in changes)) return;
    changed = true;
    listener(normaliseLearntAliases(changes[LEARNT_ALIASES_KEY]!.newValue));
  };
  browser.storage.onChanged.addListener(onChanged);
  readLearntAliases().then(
    (aliases) => {
      if (alive && !changed) listener(aliases);
    },
    (e: unknown) => {
      if (alive) onError(e);
    },
  );
  return () => {
    alive = false;
    browser.storage.onChanged.removeListener(onChanged);
  };
}
