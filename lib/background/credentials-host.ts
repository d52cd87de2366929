/**
 * Browser (background): the credentials file, written through the native host. Status for the popup, and saving
 * live sessions; every result (or the reason nothing was written) is recorded in storage.session so the popup
 * shows it whenever it opens, including after an auto-save it never saw.
 */
import { browser } from 'wxt/browser';
import {
  hostStatusOf,
  liveOkOutcomes,
  makePrivateFailure,
  deliveryModeFor,
  deliveryOptions,
  planCliChains,
  planDelivery,
  planSave,
  savedRecords,
  type HostStatus,
  type MakePrivateResult,
  type SaveProblem,
  type SaveResult,
} from '../delivery';
import { hostFailureText, saveFailureText } from '../host-errors';
import { NativeHostClient, NativeHostError, type PortLike } from '../native-port';
import { NATIVE_HOST_NAME } from '../native-host-name';
import { readState, recordSaved, saveSaveProblem } from '../browser/session-store';
import { readSettings, updateLocalSettings } from '../browser/settings-store';
import { errorText } from '../error-text';
import { aliasNames } from '../account-aliases';
import { readLearntAliases } from '../browser/account-names-store';
import { namingRules, withRolePreference } from '../settings';
import { MAX_PROFILES_PER_REQUEST } from '../host-protocol';

let client: NativeHostClient | undefined;

/**
 * The browser's native port as a PortLike. Firefox reports why a port closed in `port.error`; Chromium only in
 * `runtime.lastError` while the onDisconnect listener runs ("Specified native messaging host not found."), so the
 * reason is read there and then.
 */
export function connectPort(): PortLike {
  const port = browser.runtime.connectNative(NATIVE_HOST_NAME);
  const wrapped: PortLike = {
    postMessage: (message) => port.postMessage(message),
    disconnect: () => port.disconnect(),
    onMessage: { addListener: (listener) => port.onMessage.addListener((message: unknown) => listener(message)) },
    onDisconnect: {
      addListener: (listener) =>
        port.onDisconnect.addListener((p) => {
          const reason = (p as { error?: { message?: string } }).error?.message ?? browser.runtime.lastError?.message;
          wrapped.error = reason ? { message: reason } : null;
          listener(wrapped);
        }),
    },
    error: null,
  };
  return wrapped;
}

/** One client per worker lifetime; it opens the port on demand and closes it when idle. */
function hostClient(): NativeHostClient {
  client ??= new NativeHostClient(connectPort);
  return client;
}

/** Whether the host answers, where it writes, and whether that file is open to other users. */
export async function hostStatus(): Promise<HostStatus> {
  try {
    return hostStatusOf(await hostClient().request('ping', {}), browser.runtime.getManifest().version);
  } catch (e) {
    if (e instanceof NativeHostError && e.code === 'HOST_NOT_FOUND') return { state: 'missing', message: e.message };
    return { state: 'error', message: e instanceof NativeHostError ? hostFailureText(e.failure) : errorText(e) };
  }
}

/**
 * Whether to save right after an Assume: the user's (or organisation's) explicit choice, else — the default —
 * whether the helper answers a ping. `why` says why not, in plain words.
 */
export async function autoSaveDecision(setting: boolean | null): Promise<{ save: true } | { save: false; why: string }> {
  if (setting === false) return { save: false, why: 'automatic saving is off (Options → Delivery)' };
  if (setting === true) return { save: true };
  const status = await hostStatus();
  return status.state === 'ready' ? { save: true } : { save: false, why: 'the credentials helper is not installed (the popup shows how)' };
}

/** Sets the credentials file to 0600 through the host; sent only when the user clicks "Make it private". */
export async function makeCredentialsFilePrivate(): Promise<MakePrivateResult> {
  try {
    await hostClient().request('make-file-private', {});
  } catch (e) {
    const before = await hostStatus();
    const file = before.state === 'ready' ? before.credentialsFile : '~/.aws/credentials';
    return { ok: false, message: makePrivateFailure(e instanceof NativeHostError ? e.failure : { code: 'INTERNAL', message: errorText(e) }, file) };
  }
  return { ok: true, status: await hostStatus() };
}

/** The code and plain words for a failed save (worded from the host's code and data, lib/host-errors.ts). */
function describeSaveError(e: unknown): { code: string; message: string } {
  if (!(e instanceof NativeHostError)) return { code: 'INTERNAL', message: `Could not save: ${errorText(e)}` };
  return { code: e.code, message: saveFailureText(e.failure) };
}

/** Writes live sessions (all, or `roleArns`) to the credentials file; all or nothing, like the host itself. */
export async function saveToCredentialsFile({ roleArns, overwriteUnmanaged }: { roleArns?: string[]; overwriteUnmanaged?: boolean }): Promise<SaveResult> {
  const [state, settings, learnt] = await Promise.all([readState(), readSettings(), readLearntAliases()]);
  const now = Date.now();
  const plan = planDelivery(liveOkOutcomes(state.outcomes, now, roleArns), deliveryOptions(settings));
  const wanted = roleArns ?? [];
  const chains = plan.ok ? planCliChains(settings, namingRules(settings, aliasNames(learnt)), plan.profiles) : plan;
  if (!plan.ok || !chains.ok) {
    const message = !plan.ok ? plan.message : !chains.ok ? chains.message : '';
    const problem: SaveProblem = { at: now, code: 'NOTHING_TO_SAVE', message, roleArns: wanted };
    await saveSaveProblem(problem);
    return { ok: false, problem };
  }
  // Each role by its delivery: keys, credential_process (config file), or both; chains the AWS CLI assumes itself.
  const save = planSave(plan.profiles, (arn) => deliveryModeFor(settings, arn), chains.profiles);
  try {
    let file: string | undefined;
    let skipped: string[] = [];
    let configFile = '~/.aws/config';
    if (save.fileProfiles.length) {
      const reply = await hostClient().request('write-profiles', {
        profiles: save.fileProfiles.map(({ name, credentials, region }) => ({ name, credentials, ...(region ? { region } : {}) })),
        ...(overwriteUnmanaged ? { overwriteUnmanaged: true } : {}),
        // Only sections the helper wrote, and only when the user chose it (default: keep).
        ...(settings.delivery.removeExpiredAfterDays !== null ? { removeExpiredAfterDays: settings.delivery.removeExpiredAfterDays } : {}),
      });
      file = reply.credentialsFile;
    }
    if (save.configProfiles.length) {
      const reply = await hostClient().request('write-config', { profiles: save.configProfiles });
      ({ skipped, configFile } = reply);
      file ??= reply.configFile;
    }
    if (save.removeFromFile.length) await hostClient().request('remove-profiles', { names: save.removeFromFile });
    const records = savedRecords(plan.profiles, file ?? '', Date.now());
    await recordSaved(records);
    if (skipped.length) {
      const problem: SaveProblem = {
        at: Date.now(),
        code: 'CONFIG_PROFILE_SKIPPED',
        message: `${configFile} already defines ${skipped.map((n) => `[profile ${n}]`).join(', ')}, which AWS SAML Bridge did not write, so no credential_process was set up there. Remove or rename that section, then save again.`,
        roleArns: plan.profiles.filter((p) => skipped.includes(p.name)).map((p) => p.roleArn),
      };
      await saveSaveProblem(problem);
      return { ok: false, problem };
    }
    return { ok: true, saved: plan.profiles.length, file: file ?? '' };
  } catch (e) {
    const { code, message } = describeSaveError(e);
    const problem: SaveProblem = {
      at: Date.now(),
      code,
      message,
      roleArns: plan.profiles.map((p) => p.roleArn),
      ...(code === 'UNMANAGED_PROFILE' ? { unmanaged: true } : {}),
    };
    await saveSaveProblem(problem);
    return { ok: false, problem };
  }
}

/** Config-file delivery: the chosen live sessions' roles (all, or `roleArns`) become `credential_process`, then saved. */
export async function setUpCredentialProcess({ roleArns }: { roleArns?: string[] }): Promise<SaveResult> {
  const state = await readState();
  const arns = liveOkOutcomes(state.outcomes, Date.now(), roleArns).map((o) => o.roleArn);
  await updateLocalSettings((local) => arns.reduce((s, arn) => withRolePreference(s, arn, 'delivery', 'process'), local));
  return saveToCredentialsFile({ roleArns: arns });
}

/** What became of a request to remove saved profiles from the credentials file. */
export type ProfileRemoval = { ok: true; removed: string[] } | { ok: false; message: string };

/**
 * Removes `names` from the credentials file through the helper, which removes only sections it wrote itself and
 * leaves every other byte of the file as it was (Forget with "also remove from ~/.aws/credentials").
 */
export async function removeSavedProfiles(names: readonly string[]): Promise<ProfileRemoval> {
  const removed: string[] = [];
  try {
    for (let i = 0; i < names.length; i += MAX_PROFILES_PER_REQUEST) {
      const batch = names.slice(i, i + MAX_PROFILES_PER_REQUEST);
      const reply = await hostClient().request('remove-profiles', { names: batch });
      removed.push(...reply.removed);
      // Their credential_process / CLI-chaining sections in ~/.aws/config go too (only those the helper wrote).
      // A helper too old to know the config file has written none there: nothing to remove.
      const config = await hostClient()
        .request('remove-config', { names: batch })
        .catch(() => ({ removed: [] as string[] }));
      for (const name of config.removed) if (!removed.includes(name)) removed.push(name);
    }
  } catch (e) {
    const why = e instanceof NativeHostError ? hostFailureText(e.failure) : errorText(e);
    return { ok: false, message: `Forgotten here, but the saved profiles could not be removed from the credentials file: ${why}` };
  }
  return { ok: true, removed };
}
