/**
 * Browser: the registry of everything the extension keeps in browser storage — each item bound to its area and
 * type once, and the one way to follow changes (`watchStorage`). Key names: lib/storage-keys.ts (pure).
 * - storage.session (memory only, extension pages only): captures hold the SAML assertion, outcomes hold keys.
 *   Nothing secret is ever written anywhere else.
 * - storage.local: the user's settings and learnt account names, never secrets.
 * - storage.managed: the organisation's policy, read whole. storage.sync is not used.
 */
import { browser } from 'wxt/browser';
import type { Capture, CaptureProblem, RoleOutcome } from '../capture';
import type { SavedProfile, SaveProblem } from '../delivery';
import type { Reminded } from '../reminders';
import type { ZeroClickRun } from '../remembered';
import type { ObservedRequest, RenewalRecord } from '../renewal/record';
import type { AgentStatus } from '../agent-link';
import type { Settings } from '../settings/schema';
import { LOCAL_KEYS, SESSION_KEYS, type KeyFamily } from '../storage-keys';

/** A storage area the extension uses. */
export type StorageArea = 'local' | 'session' | 'sync' | 'managed';
/** An item's key with its area: `local:settings`. */
export type StorageItemKey = `${StorageArea}:${string}`;

/** One value in one storage area (a few lines over `browser.storage`: the popup opens faster without a library). */
export interface StorageItem<T> {
  readonly key: StorageItemKey;
  /** The stored value, or null when there is none. */
  getValue(): Promise<T | null>;
  setValue(value: T): Promise<void>;
  removeValue(): Promise<void>;
}

function defineItem<T>(key: StorageItemKey): StorageItem<T> {
  const colon = key.indexOf(':');
  const area = () => browser.storage[key.slice(0, colon) as Exclude<StorageArea, 'managed'>];
  const name = key.slice(colon + 1);
  return {
    key,
    getValue: async () => ((await area().get(name))[name] as T | undefined) ?? null,
    setValue: (value) => area().set({ [name]: value }),
    removeValue: () => area().remove(name),
  };
}

// `@__PURE__` lets a bundle that never uses an item leave it out (the sign-in page's content script uses only the
// learnt aliases and cannot reach storage.session). The families get the same mark so that script carries no
// session code at all.

/** storage.local: the user's own settings as stored (validated on every read, lib/settings/). */
export const settingsItem = /* @__PURE__ */ defineItem<unknown>(`local:${LOCAL_KEYS.settings}`);
/** storage.local: account aliases learnt from the AWS sign-in page as stored (validated on read, lib/account-aliases.ts). */
export const learntAliasesItem = /* @__PURE__ */ defineItem<unknown>(`local:${LOCAL_KEYS.learntAliases}`);
/** storage.local: per sign-in source, the roles and duration last chosen (validated on read, lib/remembered.ts). */
export const rememberedItem = /* @__PURE__ */ defineItem<unknown>(`local:${LOCAL_KEYS.remembered}`);
/** Role ARN → the profile name it was given (lib/browser/profile-names-store.ts); names only. */
export const givenNamesItem = /* @__PURE__ */ defineItem<unknown>(`local:${LOCAL_KEYS.givenProfileNames}`);
/** storage.session: why the last sign-in could not be captured. */
export const problemItem = /* @__PURE__ */ defineItem<CaptureProblem>(`session:${SESSION_KEYS.problem}`);
/** storage.session: why the last save to the credentials file failed. */
export const saveProblemItem = /* @__PURE__ */ defineItem<SaveProblem>(`session:${SESSION_KEYS.saveProblem}`);
/** storage.session: whether the credential_process agent serves, or why not (lib/agent-link.ts). */
export const agentStatusItem = /* @__PURE__ */ defineItem<AgentStatus>(`session:${SESSION_KEYS.agentStatus}`);
/** The effective settings as the background last validated them (lib/background/settings-mirror.ts): settings only. */
export interface SettingsMirror {
  /** The extension version that wrote it: a mirror of another version's shape is not read. */
  extensionVersion: string;
  settings: Settings;
  /** Setting paths fixed by the organisation's policy. */
  locked: string[];
}
/** storage.session: the popup reads the settings from here without the validator (read unchecked as `unknown`). */
export const settingsMirrorItem = /* @__PURE__ */ defineItem<unknown>(`session:${SESSION_KEYS.settingsMirror}`);
/** storage.session: the sessions already reminded about (background only, lib/reminders.ts). */
export const remindedItem = /* @__PURE__ */ defineItem<Reminded>(`session:${SESSION_KEYS.reminded}`);

/** A family of storage.session items, one per id, whose values carry their own id. */
export interface SessionFamily<T> extends KeyFamily {
  /** The value stored for one id. */
  get(id: string): Promise<T | undefined>;
  /** Stores each value under its id, in one write (watchers see one batch). */
  set(values: readonly T[]): Promise<void>;
  /** Removes the ids' items, in one write. */
  remove(ids: readonly string[]): Promise<void>;
}

function sessionFamily<T>(keys: KeyFamily, idOfValue: (value: T) => string): SessionFamily<T> {
  return {
    ...keys,
    get: async (id) => (await browser.storage.session.get(keys.key(id)))[keys.key(id)] as T | undefined,
    set: (values) => browser.storage.session.set(Object.fromEntries(values.map((v) => [keys.key(idOfValue(v)), v]))),
    remove: (ids) => removeSessionKeys(ids.map(keys.key)),
  };
}

/** storage.session, one per sign-in: its summary and the SAML assertion. */
export const captures = /* @__PURE__ */ sessionFamily<Capture>(SESSION_KEYS.capture, (c) => c.id);
/** storage.session, one per role ARN: the last attempt to assume it, with its credentials when it worked. */
export const outcomes = /* @__PURE__ */ sessionFamily<RoleOutcome>(SESSION_KEYS.outcome, (o) => o.roleArn);
/** storage.session, one per role ARN: what the last save to the credentials file wrote. */
export const savedProfiles = /* @__PURE__ */ sessionFamily<SavedProfile>(SESSION_KEYS.saved, (s) => s.roleArn);
/** storage.session, one per sign-in source: what the last automatic Assume did (lib/remembered.ts). */
export const zeroClickRuns = /* @__PURE__ */ sessionFamily<ZeroClickRun>(SESSION_KEYS.zeroClickRun, (r) => r.sourceKey);
/** storage.session, one per sign-in source: keeping it fresh (lib/renewal/record.ts; no secrets). */
export const renewals = /* @__PURE__ */ sessionFamily<RenewalRecord>(SESSION_KEYS.renewal, (r) => r.key);
/** storage.session: the SP-initiated sign-in requests seen lately (background only). */
export const observedRequestsItem = /* @__PURE__ */ defineItem<ObservedRequest[]>(`session:${SESSION_KEYS.observedRequests}`);
/** storage.local: sign-in sources the user switched "Keep fresh" off for (source keys only). */
export const keepFreshOffItem = /* @__PURE__ */ defineItem<unknown>(`local:${LOCAL_KEYS.keepFreshOff}`);
/** storage.local: sign-in source → the app identifier the person entered (identifiers only). */
export const appIdentifiersItem = /* @__PURE__ */ defineItem<unknown>(`local:${LOCAL_KEYS.appIdentifiers}`);

/** Every item in storage.session, by key. */
export const readSessionItems = (): Promise<Record<string, unknown>> => browser.storage.session.get(null);

/** Removes storage.session keys (of any family or item) in one write, so watchers see one batch. */
export async function removeSessionKeys(keys: readonly string[]): Promise<void> {
  await browser.storage.session.remove([...keys]);
}

/** Empties storage.session: every capture, outcome, save record, problem and reminder. */
export async function clearSession(): Promise<void> {
  await browser.storage.session.clear();
}

/** Restricts storage.session to extension pages (Chrome's default, made explicit; Firefox has no such call). */
export async function restrictSessionStorage(): Promise<void> {
  const session = browser.storage.session as unknown as { setAccessLevel?: (o: { accessLevel: string }) => Promise<void> };
  await session.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' }).catch(() => undefined);
}

/**
 * The organisation's policy (storage.managed, read whole), or nothing. Firefox rejects `storage.managed.get` when
 * no policies.json names the add-on ("Managed storage manifest not found"); some Chromium builds have no managed
 * area at all.
 */
export async function readManagedPolicy(): Promise<unknown> {
  try {
    return await browser.storage.managed.get(null);
  } catch {
    return undefined;
  }
}

/** What a watcher can follow: a defined item, a family of session items, or the whole policy area. */
export type Watched = { readonly key: StorageItemKey } | SessionFamily<unknown> | 'managed';

/** Changes of one batch, by key (the key in its area, without the area). */
export type StorageChanges = Record<string, { newValue?: unknown; oldValue?: unknown }>;

function routeOf(watched: Watched): { area: StorageArea; has: (key: string) => boolean } {
  if (watched === 'managed') return { area: 'managed', has: () => true };
  if ('prefix' in watched) return { area: 'session', has: (key) => watched.idOf(key) !== undefined };
  const colon = watched.key.indexOf(':');
  const area = watched.key.slice(0, colon) as StorageArea;
  const name = watched.key.slice(colon + 1);
  return { area, has: (key) => key === name };
}

/**
 * Calls `listener` once per storage change batch that touches anything in `watched`, with only those keys'
 * changes. One storage.onChanged listener routed by the registry's keys (a batch of many roles stays one call,
 * which per-item watchers would split). Returns an unsubscribe function.
 */
export function watchStorage(watched: readonly Watched[], listener: (changes: StorageChanges, area: StorageArea) => void): () => void {
  const routes = watched.map(routeOf);
  const onChanged = (changes: StorageChanges, areaName: string) => {
    const mine = Object.entries(changes).filter(([key]) => routes.some((r) => r.area === areaName && r.has(key)));
    if (mine.length > 0) listener(Object.fromEntries(mine), areaName as StorageArea);
  };
  browser.storage.onChanged.addListener(onChanged);
  return () => browser.storage.onChanged.removeListener(onChanged);
}
