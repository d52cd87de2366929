/**
 * Migrations of stored or imported settings, one file per step. Each step takes the raw object one version up
 * without validating it; the result is then read like any other input (lib/settings/parse.ts). A new version adds
 * a file here, a line in `MIGRATIONS`, and a fixture of the old shape in tests/fixtures/.
 */
import { SETTINGS_VERSION } from '../schema';
import { v1ToV2 } from './v1-to-v2';

export type { SettingsV1 } from './v1-to-v2';

type Migration = (raw: Record<string, unknown>) => Record<string, unknown>;

/** `MIGRATIONS[n]` takes a raw version-n object to version n+1. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  1: v1ToV2,
};

/** Takes a raw object of version `from` (1 ≤ from ≤ SETTINGS_VERSION) to the current version. */
export function migrate(raw: Record<string, unknown>, from: number): Record<string, unknown> {
  let current = raw;
  for (let v = from; v < SETTINGS_VERSION; v++) current = MIGRATIONS[v]!(current);
  return current;
}
