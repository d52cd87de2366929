/**
 * Browser (background): opens the AWS console as a role with a live session. Asks the partition's federation
 * endpoint for a sign-in token and opens the login URL in a new tab. The token lives only in that one URL; it and
 * the credentials never reach storage, logs or error texts (docs/console.md, SECURITY.md).
 */
import { browser } from 'wxt/browser';
import type { BackgroundRequests } from '../browser/messages';
import { readState } from '../browser/session-store';
import { readSettings } from '../browser/settings-store';
import {
  consoleDestinationUrl,
  consoleFailureText,
  consoleSessionDuration,
  FEDERATION_TIMEOUT_MS,
  getSigninTokenUrl,
  loginUrl,
  MAX_ANSWER_BYTES,
  parseSigninTokenAnswer,
  type ConsoleFailure,
} from '../console';
import { PARTITION_INFO } from '../partitions';
import { readText } from '../streams';
import { consoleDestinationFor, regionFor } from '../settings';

type OpenConsole = BackgroundRequests['openConsole'];

/** Seams for tests: the network, the clock, the time limit and the new tab. */
export interface ConsoleOptions {
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
  openTab?: (url: string) => Promise<unknown>;
}

/** Opens the console for one role's live session; a failure comes back in plain words for the popup. */
export async function openConsole({ roleArn }: OpenConsole['request'], opts: ConsoleOptions = {}): Promise<OpenConsole['response']> {
  const now = opts.now ?? Date.now;
  const state = await readState();
  const outcome = typeof roleArn === 'string' ? state.outcomes[roleArn] : undefined;
  const host = outcome ? PARTITION_INFO[outcome.partition].signinHost : PARTITION_INFO.aws.signinHost;
  const fail = (reason: ConsoleFailure): OpenConsole['response'] => ({ ok: false, ...consoleFailureText(reason, host) });
  if (outcome?.status !== 'ok') return fail('no-session');

  // AWS refuses SessionDuration for a session reached by role chaining.
  const duration = consoleSessionDuration(outcome.credentials, now(), outcome.chainedFrom !== undefined);
  if (!duration.ok) return fail(duration.reason);
  const settings = await readSettings();
  const destination = consoleDestinationUrl(outcome.partition, consoleDestinationFor(settings, roleArn), regionFor(settings, roleArn));

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? FEDERATION_TIMEOUT_MS);
  let answer: ReturnType<typeof parseSigninTokenAnswer>;
  try {
    // No cookies, no referrer, no cache, and a redirect is not followed: it would not be the federation endpoint.
    const response = await (opts.fetch ?? fetch)(getSigninTokenUrl(outcome.partition, outcome.credentials, duration.seconds), {
      method: 'GET',
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'manual',
      referrerPolicy: 'no-referrer',
      signal: controller.signal,
    });
    // A real federation answer is a few KB.
    const body = await readText(response.body, MAX_ANSWER_BYTES);
    answer = body === undefined ? { ok: false, reason: 'not-aws' } : parseSigninTokenAnswer(response.status, body);
  } catch {
    // The error itself is never shown: a fetch error may quote the URL, which holds the credentials.
    return fail(controller.signal.aborted ? 'timeout' : 'network');
  } finally {
    clearTimeout(timer);
  }
  if (!answer.ok) return fail(answer.reason);

  const url = loginUrl(outcome.partition, { issuer: browser.runtime.getURL('/popup.html'), destination, token: answer.token });
  try {
    await (opts.openTab ?? ((u: string) => browser.tabs.create({ url: u, active: true })))(url);
  } catch {
    return fail('no-tab');
  }
  return { ok: true };
}
