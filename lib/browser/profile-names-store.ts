/**
 * Browser: the profile name each role was given, in storage.local under one key (./storage.ts). Names only, never
 * secrets; every read validates (lib/profile-template.ts `normaliseGivenNames`), so a damaged value costs the
 * memory of names, nothing else. With it a learnt account alias never renames an existing profile on its own.
 */
import { MAX_GIVEN_NAMES, normaliseGivenNames, type GivenName } from '../profile-template';
import { givenNamesItem } from './storage';

export async function readGivenNames(): Promise<Record<string, GivenName>> {
  return normaliseGivenNames(await givenNamesItem.getValue());
}

/** Remembers the names given now (role ARN → name); writes only when something changed. */
export async function rememberGivenNames(given: Readonly<Record<string, GivenName>>): Promise<void> {
  const previous = await readGivenNames();
  const changed = Object.entries(given).filter(([arn, g]) => previous[arn]?.name !== g.name || previous[arn]?.plain !== g.plain);
  if (changed.length === 0) return;
  const next = { ...previous, ...Object.fromEntries(changed) };
  const arns = Object.keys(next);
  // Bounded: the oldest entries (first inserted) go first.
  for (const arn of arns.slice(0, Math.max(0, arns.length - MAX_GIVEN_NAMES))) delete next[arn];
  await givenNamesItem.setValue(next);
}

export async function forgetGivenNames(): Promise<void> {
  await givenNamesItem.removeValue();
}
