/** Browser: account aliases learnt from the AWS sign-in page, kept current from storage (popup and options). */
import { useState } from 'preact/hooks';
import type { LearntAliases } from '../lib/account-aliases';
import { watchLearntAliases } from '../lib/browser/account-names-store';
import { follow, useFollowed, type Followed } from './follow';

/** Follows the account aliases learnt from the AWS sign-in page from now on (empty when they cannot be read). */
export function followLearntAliases(): Followed<LearntAliases> {
  return follow<LearntAliases>((emit) => watchLearntAliases(emit, () => emit({})));
}

/** Account aliases learnt from the AWS sign-in page (empty until read, and when there are none). */
export function useLearntAliases(source?: Followed<LearntAliases>): LearntAliases {
  const [followed] = useState(() => source ?? followLearntAliases());
  return useFollowed(followed) ?? EMPTY;
}
const EMPTY: LearntAliases = {};
