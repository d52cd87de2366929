/**
 * Browser (background): turns the browser's own POST to the AWS sign-in page into a Capture in storage.session,
 * when a page that may hand over a sign-in sent it (lib/sign-in-origin.ts, lib/capture-plan.ts `planCapture`).
 */
import { assertionDigest, formFieldsFromRequestBody, type RequestBodyLike } from '../capture';
import { planCapture } from '../capture-plan';
import { parseAcsUrl } from '../partitions';
import { readState, saveCapture, saveProblem, clearProblem } from '../browser/session-store';
import { readSettings } from '../browser/settings-store';
import { judgeSignInOrigin, type RequestOriginDetails } from '../sign-in-origin';
import { refreshBadge } from './badge';
import { scheduleExpiry } from './expiry';
import { onAssumed, onTier2Post, tier2TabOwner, trackCapture } from './renewal';
import { onCaptured } from './zero-click';

/** What the handler reads of `webRequest.onBeforeRequest` details (Chromium and Firefox). */
export interface SignInRequestDetails extends RequestOriginDetails {
  method: string;
  url: string;
  requestBody?: RequestBodyLike | null;
  /** The tab that sent it (-1 when none): a renewal's background tab is recognised by it. */
  tabId?: number;
  /** Firefox: the cookie store (container) of that tab; `firefox-default` outside containers. */
  cookieStoreId?: string;
}

let queue: Promise<void> = Promise.resolve();

/**
 * Handles one ACS request. Requests are handled one after another, so the role picker's second POST always finds
 * the capture of the first (and is recognised as a repeat) however quickly it follows.
 */
export function captureSignIn(details: SignInRequestDetails): Promise<void> {
  const run = queue.then(() => handle(details));
  queue = run.catch(() => undefined);
  return run;
}

async function handle(details: SignInRequestDetails): Promise<void> {
  if (details.method !== 'POST') return;
  const acs = parseAcsUrl(details.url);
  if (!acs) return;
  const samlResponse = formFieldsFromRequestBody(details.requestBody).get('SAMLResponse');
  if (!samlResponse) return;

  // A renewal's own background tab: its answer goes back to the renewal, never shown as a sign-in or a problem.
  const renewal = await tier2TabOwner(details.tabId);
  if (renewal) {
    await onTier2Post(renewal, samlResponse, details.url);
    return;
  }

  const now = Date.now();
  let verdict = judgeSignInOrigin(details, []);
  // The settings are read only for a page the extension does not know (the policy can take seconds at start-up).
  if (!verdict.ok && verdict.reason === 'untrusted') verdict = judgeSignInOrigin(details, (await readSettings()).trustedSignInHosts);
  const [digest, state] = await Promise.all([assertionDigest(samlResponse), readState()]);
  const plan = planCapture({ acs: { ...acs, url: details.url }, samlResponse, digest, verdict, now }, state);
  if (plan.action === 'ignore') return;
  if (plan.action === 'problem') {
    await saveProblem(plan.problem);
    await refreshBadge();
    return;
  }
  await saveCapture(plan.capture);
  await clearProblem();
  // scheduleExpiry refreshes the badge too.
  await scheduleExpiry();
  // Keep fresh learns the source first, so the usual roles assumed next are the ones it keeps fresh.
  await trackCapture(plan.capture, true, details.cookieStoreId);
  await onCaptured(plan.capture);
  await onAssumed(plan.capture.id);
}
