/**
 * The background's console sign-in with the browser faked: the right federation request per partition, the login
 * URL in one new tab, and plain words (never the credentials or the token) for every way it can fail.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { RoleOutcome } from '@/lib/capture';
import type { Partition } from '@/lib/partitions';
import { DEFAULT_SETTINGS } from '@/lib/settings';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));

const { openConsole } = await import('@/lib/background/console');
const { saveOutcome } = await import('@/lib/browser/session-store');
const { saveLocalSettings } = await import('@/lib/browser/settings-store');

const NOW = Date.parse('2026-11-22T10:00:00Z');
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEDEaCXVzLWVhc3QtMSJHMEUCIQD+example/token==';
const SIGNIN_TOKEN = 'VCQgs5qZZt3Q6fn8Tr5EXAMPLEmLnwB7JjUc-SHwnUUWabcRdnWsi4DBn-dvC_CZ85wrD0nmldUcZEXAMPLE';

const ROLES: Record<Partition, string> = {
  aws: 'arn:aws:iam::111111111111:role/Admin',
  'aws-us-gov': 'arn:aws-us-gov:iam::333333333333:role/GovOps',
  'aws-cn': 'arn:aws-cn:iam::444444444444:role/ChinaOps',
};

async function liveSession(partition: Partition, secondsLeft = 3600, chainedFrom?: string): Promise<string> {
  const roleArn = ROLES[partition];
  const outcome: RoleOutcome = {
    ...(chainedFrom === undefined ? {} : { chainedFrom }),
    roleArn,
    captureId: 'c1',
    accountId: roleArn.split(':')[4]!,
    roleName: roleArn.split('/').pop()!,
    partition,
    status: 'ok',
    profileName: 'p',
    credentials: {
      accessKeyId: 'ASIAQ3EGVP4EXAMPLE01',
      secretAccessKey: SECRET,
      sessionToken: SESSION_TOKEN,
      expiration: new Date(NOW + secondsLeft * 1000).toISOString(),
    },
    durationSeconds: 3600,
    assumedAt: NOW,
    stsHost: 'sts.amazonaws.com',
  };
  await saveOutcome(outcome);
  return roleArn;
}

function answering(status: number, body: string) {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fetch = vi.fn((url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    return Promise.resolve(new Response(body, { status }));
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const tabs: string[] = [];
const openTab = (url: string) => {
  tabs.push(url);
  return Promise.resolve();
};
const now = () => NOW;

beforeEach(() => {
  fakeBrowser.reset();
  tabs.length = 0;
});

/** Everything the extension stored anywhere, as one string. */
async function everythingStored(): Promise<string> {
  const areas = [fakeBrowser.storage.local, fakeBrowser.storage.sync, fakeBrowser.storage.session];
  return JSON.stringify(await Promise.all(areas.map((a) => a.get(null))));
}

describe('openConsole', () => {
  it.each<[Partition, string, string]>([
    ['aws', 'https://signin.aws.amazon.com/federation', 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1'],
    ['aws-us-gov', 'https://signin.amazonaws-us-gov.com/federation', 'https://console.amazonaws-us-gov.com/console/home?region=us-gov-east-1'],
    ['aws-cn', 'https://signin.amazonaws.cn/federation', 'https://console.amazonaws.cn/console/home?region=cn-northwest-1'],
  ])('%s: asks its federation endpoint, opens the login URL in one tab, stores nothing', async (partition, endpoint, destination) => {
    const roleArn = await liveSession(partition, 7200);
    const region = new URL(destination).searchParams.get('region')!;
    // The role's own region wins over the default one (which is of another partition for GovCloud and China).
    await saveLocalSettings({ ...DEFAULT_SETTINGS, defaultRegion: 'eu-west-1', roles: { [roleArn]: { region } } });
    const { fetch, calls } = answering(200, JSON.stringify({ SigninToken: SIGNIN_TOKEN }));

    await expect(openConsole({ roleArn }, { fetch, now, openTab })).resolves.toEqual({ ok: true });

    expect(calls).toHaveLength(1);
    const asked = new URL(calls[0]!.url);
    expect(asked.origin + asked.pathname).toBe(endpoint);
    expect(asked.searchParams.get('Action')).toBe('getSigninToken');
    expect(asked.searchParams.get('SessionDuration')).toBe('7200');
    expect(calls[0]!.init).toMatchObject({ method: 'GET', credentials: 'omit', redirect: 'manual' });
    expect(tabs).toHaveLength(1);
    const login = new URL(tabs[0]!);
    expect(login.origin + login.pathname).toBe(endpoint);
    expect(Object.fromEntries(login.searchParams)).toEqual({
      Action: 'login',
      Issuer: fakeBrowser.runtime.getURL('/popup.html'),
      Destination: destination,
      SigninToken: SIGNIN_TOKEN,
    });
    expect(await everythingStored()).not.toContain(SIGNIN_TOKEN);
  });

  it('a session reached by role chaining asks for no SessionDuration (AWS refuses one for it)', async () => {
    const roleArn = await liveSession('aws', 3000, 'arn:aws:iam::111111111111:role/Admin');
    const { fetch, calls } = answering(200, JSON.stringify({ SigninToken: SIGNIN_TOKEN }));
    await expect(openConsole({ roleArn }, { fetch, now, openTab })).resolves.toEqual({ ok: true });
    expect(new URL(calls[0]!.url).searchParams.has('SessionDuration')).toBe(false);
  });

  it('the default region applies when the role has none; without either the console picks', async () => {
    const roleArn = await liveSession('aws');
    await saveLocalSettings({ ...DEFAULT_SETTINGS, defaultRegion: 'ap-southeast-2' });
    await openConsole({ roleArn }, { fetch: answering(200, JSON.stringify({ SigninToken: SIGNIN_TOKEN })).fetch, now, openTab });
    expect(new URL(tabs[0]!).searchParams.get('Destination')).toBe('https://ap-southeast-2.console.aws.amazon.com/console/home?region=ap-southeast-2');
    await saveLocalSettings(DEFAULT_SETTINGS);
    await openConsole({ roleArn }, { fetch: answering(200, JSON.stringify({ SigninToken: SIGNIN_TOKEN })).fetch, now, openTab });
    expect(new URL(tabs[1]!).searchParams.get('Destination')).toBe('https://console.aws.amazon.com/console/home');
  });

  it.each<[Partition, { service: 'cloudwatch' | 'iam'; region?: string }, string | undefined, string]>([
    ['aws', { service: 'cloudwatch', region: 'eu-west-1' }, 'us-east-2', 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1'],
    ['aws', { service: 'cloudwatch' }, 'us-east-2', 'https://us-east-2.console.aws.amazon.com/cloudwatch/home?region=us-east-2'],
    ['aws-us-gov', { service: 'cloudwatch', region: 'us-gov-west-1' }, undefined, 'https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1'],
    ['aws-cn', { service: 'iam' }, 'cn-north-1', 'https://console.amazonaws.cn/iam/home'],
  ])('%s: the role’s console destination %j (role region %s) is where the login lands', async (partition, consoleDestination, region, destination) => {
    const roleArn = await liveSession(partition);
    await saveLocalSettings({ ...DEFAULT_SETTINGS, roles: { [roleArn]: { consoleDestination, ...(region ? { region } : {}) } } });
    await openConsole({ roleArn }, { fetch: answering(200, JSON.stringify({ SigninToken: SIGNIN_TOKEN })).fetch, now, openTab });
    expect(new URL(tabs[0]!).searchParams.get('Destination')).toBe(destination);
  });

  const never = (() => new Promise<Response>(() => undefined)) as unknown as typeof fetch;
  const hanging = ((_url: unknown, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) =>
      init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
    )) as unknown as typeof fetch;
  const offline = (() =>
    Promise.reject(new TypeError(`Failed to fetch https://signin.aws.amazon.com/federation?Session=${SECRET}`))) as unknown as typeof fetch;

  it.each<[string, () => Promise<string>, typeof fetch, RegExp]>([
    ['no live session', () => Promise.resolve('arn:aws:iam::111111111111:role/Nobody'), never, /no live session/],
    ['expired credentials', () => liveSession('aws', -5), never, /expired/],
    ['under 15 minutes left', () => liveSession('aws', 600), never, /less than 15 minutes/],
    ['AWS refuses the credentials', () => liveSession('aws'), answering(400, '<html>Invalid</html>').fetch, /did not accept these credentials/],
    ['AWS has trouble', () => liveSession('aws'), answering(500, '').fetch, /had a problem/],
    ['a captive portal answers', () => liveSession('aws'), answering(200, '<!DOCTYPE html><title>Wi-Fi</title>').fetch, /did not come from AWS sign-in/],
    ['offline', () => liveSession('aws-cn'), offline, /Could not reach AWS sign-in \(signin\.amazonaws\.cn\)/],
    ['no answer in time', () => liveSession('aws'), hanging, /did not answer within 15 seconds/],
  ])('%s: plain words, no tab, no secret in the text', async (_name, setUp, fetch, words) => {
    const roleArn = await setUp();
    const result = await openConsole({ roleArn }, { fetch, now, openTab, timeoutMs: 50 });
    expect(result.ok).toBe(false);
    const text = JSON.stringify(result);
    expect(text).toMatch(words);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SESSION_TOKEN);
    expect(tabs).toEqual([]);
  });

  it('a browser that will not open the tab is said so, without the token', async () => {
    const roleArn = await liveSession('aws');
    const result = await openConsole(
      { roleArn },
      {
        fetch: answering(200, JSON.stringify({ SigninToken: SIGNIN_TOKEN })).fetch,
        now,
        openTab: () => Promise.reject(new Error(`cannot open ${SIGNIN_TOKEN}`)),
      },
    );
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/did not open a new tab/) as unknown });
    expect(JSON.stringify(result)).not.toContain(SIGNIN_TOKEN);
  });

  it('an oversized answer is not read to the end', async () => {
    const roleArn = await liveSession('aws');
    const result = await openConsole({ roleArn }, { fetch: answering(200, `{"SigninToken":"${'A'.repeat(100_000)}"}`).fetch, now, openTab });
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/did not come from AWS sign-in/) as unknown });
  });

  it('is one of the messages the extension’s pages may send', async () => {
    const { handlers } = await import('@/lib/background/listeners');
    expect(handlers.openConsole).toBe(openConsole);
  });
});
