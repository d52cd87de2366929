/**
 * Browser: account aliases learnt from the AWS sign-in page, in storage.local under one key (./storage.ts). Names
 * only, never secrets. Every read validates (lib/account-aliases.ts), so a damaged value costs the names, nothing else.
 */
import { mergeLearntAliases, normaliseLearntAliases, sameAliases, type LearntAliases, type SigninPageAliases } from '../account-aliases';
import { LOCAL_KEYS } from '../storage-keys';
import { learntAliasesItem, watchStorage } from './storage';

export async function readLearntAliases(): Promise<LearntAliases> {
  return normaliseLearntAliases(await learntAliasesItem.getValue());
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
  await learntAliasesItem.setValue(next);
  return true;
}

export async function forgetLearntAliases(): Promise<void> {
  await learntAliasesItem.removeValue();
}

/** Calls `listener` with the learnt aliases now and after every change. Returns an unsubscribe function. */
export function watchLearntAliases(listener: (aliases: LearntAliases) => void, onError: (error: unknown) => void = () => undefined): () => void {
  let alive = true;
  // A change seen before the first read resolves is newer than what that read may return.
  let changed = false;
  const unwatch = watchStorage([learntAliasesItem], (changes) => {
    changed = true;
    listener(normaliseLearntAliases(changes[LOCAL_KEYS.learntAliases]?.newValue));
  });
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
    unwatch();
  };
}
