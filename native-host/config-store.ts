/**
 * The host's side of `~/.aws/config`: the helper's own `[profile <name>]` sections (`credential_process`, or a role
 * the AWS CLI chains itself), with the credentials store's care — the lock, temp file + fsync + rename, one backup,
 * a list of the profiles it wrote next to the file (its own list: the credentials file's may sit in the same
 * folder). The `credential_process` command is built here from the helper's own absolute paths, never from a message.
 */
import { dirname, join } from 'node:path';
import { ConfigValueError, credentialProcessCommand, mergeConfigFile, writableConfigProfiles, type ConfigProfileUpdate } from '../lib/config-file';
import { CredentialsFileError } from '../lib/credentials-file';
import type { ConfigProfileToWrite, ReplyBodies } from '../lib/host-protocol';
import { removeStaleTemporaryFiles } from './atomic-write';
import {
  expandPath,
  locate,
  lockDeadline,
  readCurrent,
  readManaged,
  replaceFile,
  StoreError,
  withLock,
  writeManaged,
  type StoreLocation,
} from './credentials-store';
import { mergeRefusal } from './error-words';

/** The list of config profiles this helper wrote, next to the config file. */
export const CONFIG_STATE_FILE_NAME = '.aws-saml-bridge-config-managed.json';

/** `AWS_CONFIG_FILE`, else `~/.aws/config` (botocore's rule, `$VAR` and `~` expanded like the credentials path). */
export function configFilePath(env: NodeJS.ProcessEnv, home: string): string {
  const configured = env.AWS_CONFIG_FILE;
  return expandPath(configured ? configured : join('~', '.aws', 'config'), env, home);
}

/** What `credential_process` runs: absolute Node and helper paths, and the platform whose shell rules quote them. */
export interface HelperCommand {
  nodePath: string;
  helperPath: string;
  platform: string;
}

/** `<node> <helper> credential-process --profile <name>`, quoted for botocore on `platform`. */
export function credentialProcessLine(name: string, command: HelperCommand): string {
  return credentialProcessCommand(name, [command.nodePath, command.helperPath, 'credential-process', '--profile', name], command.platform);
}

/** lib's refusals as protocol errors for `path`. */
function merge(text: string, path: string, updates: readonly ConfigProfileUpdate[], removals: readonly string[] = []): string {
  try {
    return mergeConfigFile(text, updates, { removals });
  } catch (e) {
    if (e instanceof CredentialsFileError) throw new StoreError(mergeRefusal(e.detail, path));
    if (e instanceof ConfigValueError) throw new StoreError({ code: 'INVALID_REQUEST', message: e.message });
    throw e;
  }
}

const locateConfig = (configured: string, create: boolean): Promise<StoreLocation> => locate(configured, create, CONFIG_STATE_FILE_NAME);
const stale = (location: StoreLocation) => removeStaleTemporaryFiles(dirname(location.file), [location.file, location.backupFile, location.stateFile]);

/**
 * Creates or updates `profiles` in the config file. A profile the file already defines in a section this helper did
 * not write (any spelling botocore reads: `[profile x]`, `[profile "x"]`, `[default]`) is left alone and `skipped`.
 */
export async function writeConfigProfiles(
  configured: string,
  profiles: readonly ConfigProfileToWrite[],
  command: HelperCommand,
  options: { deadline?: number } = {},
): Promise<ReplyBodies['write-config']> {
  // The command lines first: a helper that cannot name itself absolutely writes nothing.
  const updates = profiles.map<ConfigProfileUpdate>((p) => {
    try {
      return {
        name: p.name,
        ...(p.credentialProcess ? { credentialProcess: credentialProcessLine(p.name, command) } : {}),
        ...(p.chain ? { chain: p.chain } : {}),
        ...(p.region !== undefined ? { region: p.region } : {}),
      };
    } catch (e) {
      if (e instanceof ConfigValueError) throw new StoreError({ code: 'INVALID_REQUEST', message: e.message });
      throw e;
    }
  });
  const location = await locateConfig(configured, true);
  return withLock(location, options.deadline ?? lockDeadline(), async (snapshotOf) => {
    await stale(location);
    const current = await readCurrent(location.file);
    const managed = await readManaged(location.stateFile);
    const snapshot = snapshotOf(current, managed);
    const { writable, skipped } = writableConfigProfiles(
      current.text,
      updates.map((u) => u.name),
      managed.names,
    );
    const next = merge(
      current.text,
      configured,
      updates.filter((u) => writable.includes(u.name)),
    );
    // State first, as in the credentials store: a listed-but-absent profile is harmless, the reverse is not.
    const nextManaged = new Set([...managed.names, ...writable]);
    if (nextManaged.size !== managed.names.size) snapshot.wrote('state', await writeManaged(location.stateFile, nextManaged, snapshot.check));
    const changed = next !== current.text || (!current.exists && writable.length > 0);
    const backupFile = changed ? await replaceFile(location, current, next, snapshot) : null;
    return { configFile: configured, written: writable, skipped, changed, backupFile };
  });
}

/** Removes the config sections of `names` this helper wrote; the others are left alone and reported as `skipped`. */
export async function removeConfigProfiles(
  configured: string,
  names: readonly string[],
  options: { deadline?: number } = {},
): Promise<ReplyBodies['remove-config']> {
  const location = await locateConfig(configured, false);
  const listed = await readManaged(location.stateFile);
  if (!names.some((n) => listed.names.has(n))) return { configFile: configured, removed: [], skipped: [...names] };
  return withLock(location, options.deadline ?? lockDeadline(), async (snapshotOf) => {
    await stale(location);
    const current = await readCurrent(location.file);
    const managed = await readManaged(location.stateFile);
    const snapshot = snapshotOf(current, managed);
    const removed = names.filter((n) => managed.names.has(n));
    const skipped = names.filter((n) => !managed.names.has(n));
    if (removed.length === 0) return { configFile: configured, removed, skipped };
    const next = merge(current.text, configured, [], removed);
    if (current.exists && next !== current.text) await replaceFile(location, current, next, snapshot);
    await writeManaged(location.stateFile, new Set([...managed.names].filter((n) => !removed.includes(n))), snapshot.check);
    return { configFile: configured, removed, skipped };
  });
}

/** The config profiles this helper wrote (from its list; an absent list is none). */
export async function managedConfigProfiles(configured: string): Promise<string[]> {
  const location = await locateConfig(configured, false);
  return [...(await readManaged(location.stateFile)).names].sort();
}
