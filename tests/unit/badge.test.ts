/**
 * The toolbar badge service (lib/background/badge.ts) with the browser faked: text, colour and title for each
 * state of storage.session, and refreshes applied one after another, so a refresh that read the state before a
 * change never overwrites the badge of one that read it after.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Capture, CaptureProblem, RoleOutcome } from '@/lib/capture';
import { clockTime } from '@/lib/delivery';
import { storedCapture } from '../support/stored-capture';

vi.mock('wxt/browser', () => ({ browser: fakeBrowser }));

const { refreshBadge } = await import('@/lib/background/badge');
const { saveCapture, saveOutcome, saveProblem } = await import('@/lib/browser/session-store');

const BLUE = '#1d4ed8';
const GREEN = '#166534';
const RED = '#b42318';
const NOW = Date.now();
const MINUTE = 60_000;

const roles = ['Admin', 'ReadOnly', 'Deployer'].map((name) => ({
  roleArn: `arn:aws:iam::111111111111:role/${name}`,
  providerArn: 'arn:aws:iam::111111111111:saml-provider/EntraID',
}));

/** A role's outcome: credentials expiring `expiresIn` ms from now, an error, or still pending. */
function outcome(capture: Capture, index: number, kind: { expiresIn: number } | 'error' | 'pending'): RoleOutcome {
  const { roleArn } = roles[index]!;
  const ref = { roleArn, captureId: capture.id, accountId: '111111111111', roleName: roleArn.split('/').pop()!, partition: 'aws' as const };
  if (kind === 'pending') return { ...ref, status: 'pending', startedAt: NOW };
  if (kind === 'error') {
    return {
      ...ref,
      status: 'error',
      error: { code: 'AccessDenied', message: 'Not authorized', action: 'Ask your admin.' },
      finishedAt: NOW,
      stsHost: 'sts.amazonaws.com',
    };
  }
  return {
    ...ref,
    status: 'ok',
    profileName: `111111111111-${ref.roleName}`,
    credentials: {
      accessKeyId: `ASIAQ3EXAMPLEKEY${index}XYZ`,
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      sessionToken: 'IQoJb3JpZ2luX2VjEJr',
      expiration: new Date(NOW + kind.expiresIn).toISOString(),
    },
    durationSeconds: 3600,
    assumedAt: NOW - 10 * MINUTE,
    stsHost: 'sts.amazonaws.com',
  };
}

/** The badge as the browser shows it: text, colour (#rrggbb) and tooltip. */
async function badge(): Promise<{ text: string; color: string; title: string }> {
  const [text, rgba, title] = await Promise.all([
    fakeBrowser.action.getBadgeText({}),
    fakeBrowser.action.getBadgeBackgroundColor({}),
    fakeBrowser.action.getTitle({}),
  ]);
  const color = `#${(rgba as number[])
    .slice(0, 3)
    .map((n) => n.toString(16).padStart(2, '0'))
    .join('')}`;
  return { text, color, title };
}

/** A sign-in that could not be used (an encrypted assertion), seen at `capturedAt`. */
const problem = (capturedAt: number): CaptureProblem => ({
  capturedAt,
  acsHost: 'signin.aws.amazon.com',
  error: { code: 'encrypted-assertion', message: 'The SAML assertion is encrypted.' },
});

beforeEach(() => {
  fakeBrowser.reset();
  vi.restoreAllMocks();
});

describe('the badge for each state', () => {
  const inTen = new Date(NOW + 10 * MINUTE).toISOString();
  it.each<[string, (capture: Capture) => Promise<unknown>, { text: string; color: string; title: string }]>([
    ['nothing captured', async () => undefined, { text: '', color: BLUE, title: 'AWS SAML Bridge' }],
    ['a sign-in with 3 roles', (c) => saveCapture(c), { text: '3', color: BLUE, title: 'AWS SAML Bridge: 3 roles from your sign-in' }],
    [
      'two live sessions (the sooner expiry named) and one expired',
      async (c) => {
        await saveCapture(c);
        await saveOutcome(outcome(c, 0, { expiresIn: 40 * MINUTE }));
        await saveOutcome(outcome(c, 1, { expiresIn: 10 * MINUTE }));
        await saveOutcome(outcome(c, 2, { expiresIn: -MINUTE }));
      },
      { text: '2', color: GREEN, title: `AWS SAML Bridge: 3 roles from your sign-in, 2 live sessions (next expires ${clockTime(inTen)})` },
    ],
    [
      'only failed and pending roles',
      async (c) => {
        await saveCapture(c);
        await saveOutcome(outcome(c, 0, 'error'));
        await saveOutcome(outcome(c, 1, 'pending'));
      },
      { text: '3', color: BLUE, title: 'AWS SAML Bridge: 3 roles from your sign-in' },
    ],
    [
      'a sign-in that could not be used, after the last good one',
      async (c) => {
        await saveCapture(c);
        await saveOutcome(outcome(c, 0, { expiresIn: 40 * MINUTE }));
        await saveProblem(problem(c.capturedAt + 1000));
      },
      { text: '!', color: RED, title: 'AWS SAML Bridge: the last sign-in could not be used — open for details' },
    ],
    [
      'a problem older than the last good sign-in',
      async (c) => {
        await saveProblem(problem(c.capturedAt - 1000));
        await saveCapture(c);
      },
      { text: '3', color: BLUE, title: 'AWS SAML Bridge: 3 roles from your sign-in' },
    ],
  ])('%s', async (_title, arrange, expected) => {
    await arrange(storedCapture('entra', roles, new Date(NOW - MINUTE)));
    await refreshBadge(NOW);
    expect(await badge()).toEqual(expected);
  });
});

describe('refreshes one after another', () => {
  it('a refresh that read the state before a sign-in cannot overwrite the badge of the one after it', async () => {
    // The first refresh stalls after reading the (empty) state, as a busy worker may.
    let release: () => void = () => undefined;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    const setColor = fakeBrowser.action.setBadgeBackgroundColor.bind(fakeBrowser.action);
    const colorSet = vi.spyOn(fakeBrowser.action, 'setBadgeBackgroundColor').mockImplementationOnce(async (details) => {
      await stalled;
      await setColor(details);
    });
    const first = refreshBadge(NOW);
    await vi.waitFor(() => expect(colorSet).toHaveBeenCalledTimes(1));

    await saveCapture(storedCapture('entra', roles, new Date(NOW - MINUTE)));
    const second = refreshBadge(NOW);
    // Were the second to run now, it would set "3" and the first would then put back "".
    await new Promise((r) => setTimeout(r, 50));
    expect(colorSet).toHaveBeenCalledTimes(1);
    release();
    await Promise.all([first, second]);
    expect(await badge()).toMatchObject({ text: '3', color: BLUE });
  });

  it('a refresh that fails does not stop the ones after it', async () => {
    vi.spyOn(fakeBrowser.action, 'setBadgeText').mockRejectedValueOnce(new Error('No tab with id: 7'));
    await saveCapture(storedCapture('entra', roles, new Date(NOW - MINUTE)));
    await expect(refreshBadge(NOW)).rejects.toThrow('No tab with id: 7');
    await refreshBadge(NOW);
    expect(await badge()).toMatchObject({ text: '3' });
  });
});
