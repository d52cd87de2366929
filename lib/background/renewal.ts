/**
 * Browser (background): keeps each sign-in source fresh — where renewal is scheduled and run. Per source, the pure
 * state machine (lib/renewal/source-state.ts) decides; this module stores its state in storage.session (so a flight
 * survives a worker restart), runs its effects (alarms, the passive request, the background tab, the one
 * notification) and feeds the answers back. Renewed assertions become captures like any other, and the roles that
 * were live are assumed again (chained roles follow) and re-saved where they were saved.
 */
import { browser } from 'wxt/browser';
import { assertionDigest, type Capture } from '../capture';
import { planCapture } from '../capture-plan';
import { identifyIdp } from '../idp';
import { parseAcsUrl } from '../partitions';
import { decodeRedirectRequest } from '../renewal/authn-request';
import { classifyPostedResponse } from '../renewal/classify';
import { newRequestId } from '../renewal/ids';
import { needsUserWords, type NeedsUserReason } from '../renewal/needs-user';
import { idpHostPermissions, isEntraSignInHost } from '../renewal/entra-hosts';
import { runTier1, signInRequestUrl, type FetchLike } from '../renewal/passive-fetch';
import { canRenewSilently, rememberRequest, requestAnswered, type RenewalRecord } from '../renewal/record';
import { parseUserAccessUrl, refreshSourceFor } from '../renewal/refresh-source';
import { DEFAULT_SCHEDULE, type ScheduleConfig } from '../renewal/schedule';
import { initialSourceState, step, type Effect, type SourceEvent } from '../renewal/source-state';
import { sourceKeyFor } from '../sign-in-source';
import { readState, saveCapture, getCapture } from '../browser/session-store';
import { readSettings } from '../browser/settings-store';
import { appIdentifiersItem, keepFreshOffItem, observedRequestsItem, renewals } from '../browser/storage';
import { assumeRoles } from './assume-roles';
import { refreshBadge } from './badge';
import { autoSaveDecision, saveToCredentialsFile } from './credentials-host';
import { scheduleExpiry } from './expiry';

/** Alarm and notification names: `<prefix><source key>`. */
export const RENEW_ALARM = 'renew|';
export const TAB_ALARM = 'renew-tab|';
export const NEEDS_YOU_NOTIFICATION = 'renew-needs-you|';
/** A background tab gives up after this long (it closes at once on a capture). */
export const TAB_TIMEOUT_MS = 25_000;

/** The origins of the Entra sign-in hosts: the optional host permissions "Keep fresh" asks for. */
export const IDP_ORIGINS = idpHostPermissions();

/** The clock, the fetch (the worker's own, with the person's cookies) and the schedule's fixed delays. */
const deps: { now: () => number; fetch: FetchLike; config: ScheduleConfig } = {
  now: () => Date.now(),
  fetch: (url, init) => fetch(url, init),
  config: DEFAULT_SCHEDULE,
};

/**
 * Keeps a flight's fresh assertion in the source's record (storage.session, where assertions live) until the state
 * machine's `assume` has used it: a worker stopped in between resumes the assume at its next start, with no second
 * request to the IdP.
 */
async function holdAssertion(key: string, flightId: string, got: { samlResponse: string; action: string }): Promise<void> {
  const record = await renewals.get(key);
  if (record) await renewals.set([{ ...record, pending: { flightId, ...got } }]);
}

// One queue per source: events of one source are handled one after another (the stored state is the lock).
const queues = new Map<string, Promise<void>>();
function serially(key: string, work: () => Promise<void>): Promise<void> {
  const run = (queues.get(key) ?? Promise.resolve()).then(work);
  queues.set(
    key,
    run.catch(() => undefined),
  );
  return run;
}

/** Whether the browser granted the Entra sign-in hosts. */
const idpHostsGranted = (): Promise<boolean> => browser.permissions.contains({ origins: IDP_ORIGINS }).catch(() => false);

/** Whether the user (or policy) lets this source be kept fresh, and whether the browser granted the IdP hosts. */
async function gates(key: string): Promise<{ on: boolean; granted: boolean }> {
  const [settings, off, granted] = await Promise.all([readSettings(), keepFreshOffItem.getValue(), idpHostsGranted()]);
  const offList = Array.isArray(off) ? off : [];
  return { on: settings.renewal.keepFresh && !offList.includes(key), granted };
}

/** Feeds one event to a source's state machine and runs what it asks for. */
export function dispatch(key: string, event: SourceEvent): Promise<void> {
  return serially(key, async () => {
    const record = await renewals.get(key);
    if (!record) return;
    const settings = await readSettings();
    const now = deps.now();
    const { state, effects } = step(record.state, event, now, {
      ...deps.config,
      idleLimitHours: settings.renewal.idleLimitHours,
      tier2: settings.renewal.backgroundTab,
    });
    const { pending, ...rest } = record;
    // An assertion held for a flight goes as soon as the flight is over, whatever its end.
    const next: RenewalRecord = state.kind === 'renewing' && pending?.flightId === state.flightId ? { ...rest, pending, state } : { ...rest, state };
    await renewals.set([next]);
    for (const effect of effects) await run(next, effect);
  });
}

async function run(record: RenewalRecord, effect: Effect): Promise<void> {
  switch (effect.type) {
    case 'alarm':
      await browser.alarms.create(RENEW_ALARM + record.key, { when: Math.max(effect.at, deps.now() + 1000) });
      return;
    case 'fetch-tier1':
      // Not awaited inside the source's queue: the answer comes back as an event of its own.
      void tier1(record, effect.flightId, effect.requestId);
      return;
    case 'open-tier2':
      await openTier2(record, effect.flightId, effect.requestId);
      return;
    case 'notify':
      await notifyNeedsYou(record, effect.reason);
      return;
    case 'clear-notification':
      await browser.notifications.clear(NEEDS_YOU_NOTIFICATION + record.key).catch(() => undefined);
      return;
    case 'assume':
      // Not awaited inside the queue either: assuming and saving take seconds; the result comes back as an event.
      void assumeAgain(record.key, effect.flightId);
      return;
  }
}

// ── tier 1: the passive request ──────────────────────────────────────────────────────────────────────────────────

/** What a renewed assertion must share with the sign-in it renews: the issuer (tenant) and the audience (app). */
async function sameSignIn(record: RenewalRecord): Promise<{ issuer?: string; audience?: string }> {
  const summary = (await getCapture(record.captureId))?.summary;
  return summary ? { issuer: summary.issuer, ...(summary.audience ? { audience: summary.audience } : {}) } : {};
}

async function tier1(record: RenewalRecord, flightId: string, requestId: string): Promise<void> {
  if (!canRenewSilently(record)) return;
  const result = await runTier1(record.source, requestId, deps, await sameSignIn(record));
  // An identifier guessed from the Audience (Entra drops `#N` from it) names another app of the tenant, or none:
  // Entra's "not assigned" or "app not found" then means the guess is wrong, so the person is asked for the identifier.
  const guessed = record.source.spIssuerFrom === 'audience';
  const answer =
    guessed && result.answer.kind === 'needs-user' && (result.answer.reason === 'not-assigned' || result.answer.reason === 'app-unknown')
      ? { ...result.answer, reason: 'app-unknown' as const }
      : result.answer;
  if (answer.kind === 'assertion') await holdAssertion(record.key, flightId, { samlResponse: answer.samlResponse, action: answer.action });
  await dispatch(record.key, { type: 'tier1-result', flightId, answer });
}

/** The state machine's `assume`: the flight's fresh assertion becomes the source's capture; its roles are assumed again. */
async function assumeAgain(key: string, flightId: string): Promise<void> {
  const record = await renewals.get(key);
  const got = record?.pending?.flightId === flightId ? record.pending : undefined;
  const result = record && got ? await acceptRenewedAssertion(record, got) : { ok: false, expirations: [], lifetimeMs: 0 };
  const after = await renewals.get(key);
  if (after?.pending) {
    const { pending: _used, ...rest } = after;
    await renewals.set([rest]);
  }
  await dispatch(key, { type: 'assumed', flightId, ...result });
}

/**
 * Turns a renewed SAML response into the source's capture (replacing the old one) and assumes again the roles
 * that were live from it, each with the duration it had; saves them again where they had been saved.
 */
async function acceptRenewedAssertion(
  record: RenewalRecord,
  got: { samlResponse: string; action: string },
): Promise<{ ok: boolean; expirations: number[]; lifetimeMs: number }> {
  const failed = { ok: false, expirations: [], lifetimeMs: 0 };
  const before = await readState();
  const live = record.roles ?? [];
  const now = deps.now();
  const acs = parseAcsUrl(got.action);
  const idpHost = canRenewSilently(record) ? record.source.idpHost : undefined;
  if (!acs || !idpHost) return failed;
  const plan = planCapture(
    {
      acs: { ...acs, url: got.action },
      samlResponse: got.samlResponse,
      digest: await assertionDigest(got.samlResponse),
      // The extension asked the IdP itself: the answer comes from the IdP's own host, like a sign-in posted from there.
      verdict: { ok: true, origin: `https://${idpHost}`, host: idpHost, role: 'idp', trust: 'known' },
      now,
    },
    before,
  );
  // A repeat: this assertion is already the source's capture (an assume a stopped worker left halfway resumes).
  const repeat =
    plan.action === 'ignore' && plan.why === 'repeat' && before.captures.some((c) => c.id === record.captureId && c.samlResponse === got.samlResponse);
  if (plan.action !== 'capture' && !repeat) return failed;
  if (plan.action === 'capture') await saveCapture(plan.capture);
  const captureId = plan.action === 'capture' ? plan.capture.id : record.captureId;
  const saved = new Set([...Object.keys(before.saved), ...live.filter((r) => r.saved).map((r) => r.roleArn)]);
  const byDuration = new Map<number, string[]>();
  for (const r of live) byDuration.set(r.durationSeconds, [...(byDuration.get(r.durationSeconds) ?? []), r.roleArn]);
  let renewed = 0;
  let failures = 0;
  for (const [duration, roleArns] of byDuration) {
    // `automatic`: a renewal is not the person's choice (nothing remembered) and saves below, where it was saved.
    const reply = await assumeRoles({ captureId, roleArns, duration }, {}, { automatic: true });
    if (reply.ok) {
      renewed += reply.succeeded;
      failures += reply.failed;
    } else failures += roleArns.length;
  }
  const after = await readState();
  const fresh = Object.values(after.outcomes).filter(
    (o): o is Extract<typeof o, { status: 'ok' }> => o.status === 'ok' && o.captureId === captureId && o.assumedAt >= now,
  );
  // Saved again where it was saved before, or everywhere when auto-save is on (as for the person's own Assume).
  const autoSave = (await autoSaveDecision((await readSettings()).delivery.autoSaveToHost)).save;
  const resave = fresh.filter((o) => autoSave || saved.has(o.roleArn) || (o.chainedFrom !== undefined && saved.has(o.chainedFrom))).map((o) => o.roleArn);
  let savedCount = 0;
  if (resave.length > 0) {
    const result = await saveToCredentialsFile({ roleArns: resave });
    if (result.ok) savedCount = result.saved;
  }
  const current = await renewals.get(record.key);
  if (current) await renewals.set([{ ...current, captureId, lastRun: { at: deps.now(), renewed, failed: failures, saved: savedCount } }]);
  await scheduleExpiry();
  const expirations = fresh.map((o) => Date.parse(o.credentials.expiration));
  const lifetimeMs = fresh.length ? Math.min(...fresh.map((o) => Date.parse(o.credentials.expiration) - o.assumedAt)) : 0;
  return { ok: renewed > 0 && failures === 0, expirations, lifetimeMs };
}

// ── tier 2: a background tab, for tenants that need the browser's device sign-in ─────────────────────────────────

async function openTier2(record: RenewalRecord, flightId: string, requestId: string): Promise<void> {
  const url = canRenewSilently(record) ? await signInRequestUrl(record.source, requestId, true, deps.now()) : undefined;
  if (url === undefined) return;
  const win = await browser.windows.getLastFocused({ windowTypes: ['normal'] }).catch(() => undefined);
  const tab = await browser.tabs.create({ url, active: false, ...(win?.id !== undefined ? { windowId: win.id } : {}) });
  if (tab.id === undefined) return;
  const current = (await renewals.get(record.key)) ?? record;
  await renewals.set([{ ...current, tab: { tabId: tab.id, flightId, requestId, openedAt: deps.now() } }]);
  await browser.alarms.create(TAB_ALARM + record.key, { when: deps.now() + TAB_TIMEOUT_MS });
}

/** The renewal whose background tab this is, if any. */
export async function tier2TabOwner(tabId: number | undefined): Promise<RenewalRecord | undefined> {
  if (tabId === undefined || tabId < 0) return undefined;
  const { renewals: all } = await readState();
  return Object.values(all).find((r) => r.tab?.tabId === tabId);
}

/**
 * A SAMLResponse posted by a renewal's background tab: checked like tier 1's answer (our request, Success, the
 * source's ACS), the tab closed, and the answer fed back. Never shown as a sign-in problem.
 */
export async function onTier2Post(record: RenewalRecord, samlResponse: string, acsUrl: string): Promise<void> {
  const tab = record.tab;
  if (!tab) return;
  await closeTab(record);
  const answer = classifyPostedResponse(acsUrl, samlResponse, {
    requestId: tab.requestId,
    acsUrl: canRenewSilently(record) ? record.source.acsUrl : '',
    ...(await sameSignIn(record)),
  });
  if (answer.kind !== 'assertion') {
    await dispatch(record.key, {
      type: 'tier2-result',
      flightId: tab.flightId,
      outcome: 'needs-user',
      ...(answer.kind === 'needs-user' ? { reason: answer.reason } : {}),
    });
    return;
  }
  await holdAssertion(record.key, tab.flightId, { samlResponse: answer.samlResponse, action: answer.action });
  await dispatch(record.key, { type: 'tier2-result', flightId: tab.flightId, outcome: 'captured' });
}

async function closeTab(record: RenewalRecord): Promise<void> {
  if (!record.tab) return;
  await browser.tabs.remove(record.tab.tabId).catch(() => undefined);
  await browser.alarms.clear(TAB_ALARM + record.key);
  const current = await renewals.get(record.key);
  if (current) {
    const { tab: _tab, ...rest } = current;
    await renewals.set([rest]);
  }
}

async function tabTimedOut(key: string): Promise<void> {
  const record = await renewals.get(key);
  if (!record?.tab) return;
  const flightId = record.tab.flightId;
  await closeTab(record);
  await dispatch(key, { type: 'tier2-result', flightId, outcome: 'timeout' });
}

// ── the person: one notification, one button ─────────────────────────────────────────────────────────────────────

async function notifyNeedsYou(record: RenewalRecord, reason: NeedsUserReason): Promise<void> {
  const capture = await getCapture(record.captureId);
  const idp = identifyIdp(capture?.summary.issuer).kind;
  await browser.notifications
    .create(NEEDS_YOU_NOTIFICATION + record.key, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: 'Sign in to keep your AWS credentials fresh',
      message: `${needsUserWords(reason, idp)} Click to sign in.`,
    })
    .catch(() => undefined);
  await refreshBadge();
}

/** A click on the needs-you notification: the sign-in, in a normal tab the person sees. Returns whether it was ours. */
export async function onNeedsYouClicked(notificationId: string): Promise<boolean> {
  if (!notificationId.startsWith(NEEDS_YOU_NOTIFICATION)) return false;
  await browser.notifications.clear(notificationId).catch(() => undefined);
  await openSignIn({ sourceKey: notificationId.slice(NEEDS_YOU_NOTIFICATION.length) });
  return true;
}

/** The popup's "Sign in" (and the notification's click): the source's interactive sign-in, in a normal tab. */
export async function openSignIn({ sourceKey }: { sourceKey: string }): Promise<{ ok: boolean }> {
  const record = await renewals.get(sourceKey);
  const url = record && canRenewSilently(record) ? await signInRequestUrl(record.source, newRequestId(), false, deps.now()) : undefined;
  if (url === undefined) return { ok: false };
  await browser.tabs.create({ url, active: true });
  return { ok: true };
}

// ── what the rest of the background tells this module ───────────────────────────────────────────────────────────

/**
 * The browser sent an SP-initiated request to Entra (My Apps does, for the AWS app): remember its ID and the exact
 * app identifier (with any `#N`), so the sign-in that answers it tells which identifier to renew with.
 */
export async function observeSignInRequest(details: { url: string; type?: string }): Promise<void> {
  let url: URL;
  try {
    url = new URL(details.url);
  } catch {
    return;
  }
  if (!isEntraSignInHost(url.hostname)) return;
  const tenant = /^\/([^/]+)\/saml2\/?$/i.exec(url.pathname)?.[1];
  const param = url.searchParams.get('SAMLRequest');
  if (!tenant || !param) return;
  const decoded = await decodeRedirectRequest(param);
  if ('error' in decoded) return;
  const now = deps.now();
  const list = (await observedRequestsItem.getValue()) ?? [];
  await observedRequestsItem.setValue(rememberRequest(list, { ...decoded, host: url.hostname, tenant, at: now }, now));
}

/**
 * A new capture was saved (the person's sign-in, or a background tab's). Records the source's facts (the exact app
 * identifier from the request it answered, when seen) and tells its state machine.
 */
export async function trackCapture(capture: Capture, interactive: boolean, cookieStoreId?: string): Promise<void> {
  const key = sourceKeyFor(capture);
  const now = deps.now();
  const observed = requestAnswered((await observedRequestsItem.getValue()) ?? [], capture.summary.inResponseTo, now);
  const facts = refreshSourceFor(capture, observed);
  const existing = await renewals.get(key);
  // A source learnt from the request keeps its identifier when a later sign-in (IdP-initiated) does not show it.
  const keepLearnt =
    existing && canRenewSilently(existing) && !('manual' in facts) && facts.spIssuerFrom === 'audience' && existing.source.spIssuerFrom !== 'audience';
  const entered = (await enteredIdentifiers())[key];
  const source: RenewalRecord['source'] =
    'manual' in facts || facts.spIssuerFrom !== 'audience'
      ? facts
      : keepLearnt
        ? { ...facts, spIssuer: existing.source.spIssuer, spIssuerFrom: existing.source.spIssuerFrom }
        : entered
          ? { ...facts, spIssuer: entered, spIssuerFrom: 'user' }
          : facts;
  const { on, granted } = await gates(key);
  // A Firefox container's session is not the one background requests carry (they use the default store).
  const inContainer = cookieStoreId !== undefined && cookieStoreId !== 'firefox-default';
  const manual = 'manual' in source ? source.code : inContainer ? ('container' as const) : undefined;
  const state = existing?.state ?? initialSourceState({ on, permission: granted, ...(manual ? { manual } : {}) });
  await renewals.set([{ ...(existing ?? {}), key, captureId: capture.id, source, state }]);
  await dispatch(key, { type: 'switched', on });
  await dispatch(key, { type: 'permission', granted });
  await dispatch(key, { type: 'captured', interactive, expirations: [], lifetimeMs: 0, ...(manual ? { manual } : {}) });
}

/** Roles of a capture were assumed (by the person, zero-click, or a renewal): the schedule follows the new expiry. */
export async function onAssumed(captureId: string): Promise<void> {
  const state = await readState();
  const record = Object.values(state.renewals).find((r) => r.captureId === captureId);
  if (!record) return;
  const now = deps.now();
  const live = Object.values(state.outcomes).filter(
    (o): o is Extract<typeof o, { status: 'ok' }> => o.status === 'ok' && o.captureId === captureId && Date.parse(o.credentials.expiration) > now,
  );
  if (live.length === 0) return;
  // What is kept fresh from now on: the roles live from this sign-in (chained ones follow their source).
  const roles = live
    .filter((o) => o.chainedFrom === undefined)
    .map((o) => ({ roleArn: o.roleArn, durationSeconds: o.durationSeconds, saved: state.saved[o.roleArn] !== undefined }));
  await renewals.set([{ ...record, roles }]);
  await dispatch(record.key, {
    type: 'assumed',
    ok: true,
    expirations: live.map((o) => Date.parse(o.credentials.expiration)),
    lifetimeMs: Math.min(...live.map((o) => Date.parse(o.credentials.expiration) - o.assumedAt)),
  });
}

/** The identifiers the person entered, by source key (validated on read: storage.local is not trusted blindly). */
async function enteredIdentifiers(): Promise<Record<string, string>> {
  const stored = await appIdentifiersItem.getValue();
  if (!stored || typeof stored !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(stored)) {
    if (typeof value === 'string') {
      const parsed = parseUserAccessUrl(value);
      if ('kind' in parsed && parsed.kind === 'identifier') out[key] = parsed.identifier;
    }
  }
  return out;
}

/**
 * The app identifier the person entered for a source whose requests Entra did not recognise (the `#N` of a tenant
 * with several AWS apps that no My Apps request showed): kept for the source and tried at once.
 */
export async function setAppIdentifier({
  sourceKey,
  identifier,
}: {
  sourceKey: string;
  identifier: string;
}): Promise<{ ok: true } | { ok: false; message: string }> {
  const parsed = parseUserAccessUrl(identifier);
  if (!('kind' in parsed) || parsed.kind !== 'identifier') {
    return {
      ok: false,
      message: 'Enter the AWS app’s Identifier (Entity ID), such as https://signin.aws.amazon.com/saml#2, from its Single sign-on page in Entra.',
    };
  }
  const record = await renewals.get(sourceKey);
  if (!record || !canRenewSilently(record)) return { ok: false, message: 'That sign-in is no longer known; sign in again first.' };
  const all = await enteredIdentifiers();
  // Bounded: the most recent 50 sources.
  const next = Object.fromEntries([...Object.entries(all).filter(([k]) => k !== sourceKey), [sourceKey, parsed.identifier]].slice(-50));
  await appIdentifiersItem.setValue(next);
  await renewals.set([{ ...record, source: { ...record.source, spIssuer: parsed.identifier, spIssuerFrom: 'user' } }]);
  // The person acted: renew now with the identifier they gave.
  await dispatch(sourceKey, { type: 'captured', interactive: true, expirations: [], lifetimeMs: 0 });
  return { ok: true };
}

/** The popup's "Keep fresh" switch for one source (the popup asked for the IdP hosts first, on the person's click). */
export async function setKeepFresh({ sourceKey, on }: { sourceKey: string; on: boolean }): Promise<{ ok: boolean }> {
  const stored = await keepFreshOffItem.getValue();
  const off = new Set(Array.isArray(stored) ? stored.filter((k): k is string => typeof k === 'string') : []);
  if (on) off.delete(sourceKey);
  else off.add(sourceKey);
  // Bounded: a list of source keys the person switched off, never more than a few hundred.
  await keepFreshOffItem.setValue([...off].slice(-200));
  await dispatch(sourceKey, { type: 'permission', granted: await idpHostsGranted() });
  await dispatch(sourceKey, { type: 'switched', on: on && (await readSettings()).renewal.keepFresh });
  return { ok: true };
}

/** An alarm of this module fired. Returns whether it was one. */
export async function onRenewalAlarm(name: string): Promise<boolean> {
  if (name.startsWith(RENEW_ALARM)) {
    await dispatch(name.slice(RENEW_ALARM.length), { type: 'tick' });
    return true;
  }
  if (name.startsWith(TAB_ALARM)) {
    await tabTimedOut(name.slice(TAB_ALARM.length));
    return true;
  }
  return false;
}

/** At each worker start: flights cut off by a stopped worker are settled, alarms re-armed. */
export async function onRenewalWorkerStart(): Promise<void> {
  const { renewals: all } = await readState();
  await Promise.all(
    Object.keys(all).map(async (key) => {
      await dispatch(key, { type: 'worker-started' });
      // An assume the stopped worker left halfway, with the assertion it already had: finish it (no new IdP request).
      const record = await renewals.get(key);
      const state = record?.state;
      if (state?.kind === 'renewing' && state.stage === 'assume' && record?.pending?.flightId === state.flightId) void assumeAgain(key, state.flightId);
    }),
  );
}

/** The IdP host permission was granted or withdrawn (the person, in the browser's own settings too). */
export async function onPermissionsChanged(): Promise<void> {
  const granted = await idpHostsGranted();
  const { renewals: all } = await readState();
  await Promise.all(Object.keys(all).map((key) => dispatch(key, { type: 'permission', granted })));
}

/**
 * For the credential_process agent (lib/background/agent.ts): roles kept fresh by a source are renewed on its own
 * schedule, so the agent waits for a renewal in flight and answers from the source's state. Undefined: no source
 * keeps these roles fresh (the agent's own renewer applies).
 */
export async function awaitKeptFresh(roleArns: readonly string[], waitMs = 40_000): Promise<{ ok: true } | { ok: false; message: string } | undefined> {
  const find = async () => Object.values((await readState()).renewals).find((r) => r.roles?.some((x) => roleArns.includes(x.roleArn)));
  let record = await find();
  if (!record || !canRenewSilently(record)) return undefined;
  const deadline = deps.now() + waitMs;
  for (let i = 0; record?.state.kind === 'renewing' && deps.now() < deadline && i < 400; i++) {
    await new Promise((r) => setTimeout(r, 100));
    record = await find();
  }
  if (!record) return undefined;
  if (record.state.kind === 'needs-you') {
    const capture = await getCapture(record.captureId);
    return { ok: false, message: needsUserWords(record.state.reason, identifyIdp(capture?.summary.issuer).kind) };
  }
  return record.state.kind === 'fresh' ? { ok: true } : undefined;
}
