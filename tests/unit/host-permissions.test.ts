import { describe, expect, it } from 'vitest';
import {
  checkHostAccess,
  hasAllHostAccess,
  missingAccessText,
  requestHostAccess,
  requiredHostOrigins,
  watchHostAccess,
  type PermissionsApiLike,
} from '@/lib/host-permissions';
import { acsHostPermissions, stsHostPermissions } from '@/lib/partitions';
import type { ConfigEnv, UserManifest } from 'wxt';
import config from '../../wxt.config';

/**
 * An in-memory `browser.permissions`: a set of granted origins, `contains` true only when every asked origin is
 * in it, `request` granting (or declining) and firing onAdded like the browser does.
 */
function fakePermissions(granted: Iterable<string>, opts: { answer?: boolean } = {}) {
  const origins = new Set(granted);
  const added = new Set<() => void>();
  const removed = new Set<() => void>();
  const requests: string[][] = [];
  const api: PermissionsApiLike & { requests: string[][]; revoke(o: string[]): void; listeners(): number } = {
    requests,
    contains: async ({ origins: asked }) => asked.every((o) => origins.has(o)),
    request: ({ origins: asked }) => {
      requests.push(asked);
      const answer = opts.answer ?? true;
      if (answer) {
        asked.forEach((o) => origins.add(o));
        added.forEach((l) => l());
      }
      return Promise.resolve(answer);
    },
    onAdded: { addListener: (l) => void added.add(l), removeListener: (l) => void added.delete(l) },
    onRemoved: { addListener: (l) => void removed.add(l), removeListener: (l) => void removed.delete(l) },
    revoke(o) {
      o.forEach((x) => origins.delete(x));
      removed.forEach((l) => l());
    },
    listeners: () => added.size + removed.size,
  };
  return api;
}

describe('host permissions', () => {
  it.each(['firefox', 'chrome'])('asks for exactly the host permissions the %s manifest declares', async (browser) => {
    const env: ConfigEnv = { browser, manifestVersion: 3, mode: 'production', command: 'build' };
    const manifest: UserManifest = await (typeof config.manifest === 'function' ? config.manifest(env) : config.manifest!);
    expect(requiredHostOrigins()).toEqual(manifest.host_permissions);
    expect(requiredHostOrigins()).toContain('https://signin.aws.amazon.com/*');
    expect(requiredHostOrigins()).toContain('https://sts.amazonaws.com/*');
  });

  it('reports each group separately', async () => {
    const all = fakePermissions(requiredHostOrigins());
    expect(await checkHostAccess(all)).toEqual({ signIn: true, sts: true });
    all.revoke(['https://sts.eu-west-1.amazonaws.com/*']);
    expect(await checkHostAccess(all)).toEqual({ signIn: true, sts: false });
    const none = fakePermissions([]);
    expect(await checkHostAccess(none)).toEqual({ signIn: false, sts: false });
    const signInOnly = fakePermissions(acsHostPermissions());
    expect(await checkHostAccess(signInOnly)).toEqual({ signIn: true, sts: false });
    const stsOnly = fakePermissions(stsHostPermissions());
    expect(await checkHostAccess(stsOnly)).toEqual({ signIn: false, sts: true });
  });

  it('takes a browser that cannot answer as granted, so it never nags for nothing', async () => {
    const broken: PermissionsApiLike = { contains: () => Promise.reject(new Error('unsupported')), request: async () => false };
    expect(await checkHostAccess(broken)).toEqual({ signIn: true, sts: true });
  });

  it('says in plain words what stops working', () => {
    expect(missingAccessText({ signIn: true, sts: true })).toBeUndefined();
    expect(hasAllHostAccess({ signIn: true, sts: true })).toBe(true);
    expect(missingAccessText({ signIn: false, sts: true })).toMatch(/cannot see your sign-ins/);
    expect(missingAccessText({ signIn: true, sts: false })).toMatch(/cannot get credentials/);
    expect(missingAccessText({ signIn: false, sts: false })).toMatch(/sign-in and AWS STS sites.*cannot see your sign-ins.*get credentials/);
    expect(hasAllHostAccess({ signIn: false, sts: true })).toBe(false);
  });

  it('calls permissions.request synchronously (Firefox only prompts during the user action)', async () => {
    const api = fakePermissions([]);
    const pending = requestHostAccess(api);
    // Before anything is awaited: the request must already have reached the browser.
    expect(api.requests).toEqual([requiredHostOrigins()]);
    expect(await pending).toBe(true);
    expect(await checkHostAccess(api)).toEqual({ signIn: true, sts: true });
  });

  it('passes on a declined request', async () => {
    const api = fakePermissions([], { answer: false });
    expect(await requestHostAccess(api)).toBe(false);
    expect(await checkHostAccess(api)).toEqual({ signIn: false, sts: false });
  });

  it('notices grants and revocations until told to stop', async () => {
    const api = fakePermissions(requiredHostOrigins());
    let changes = 0;
    const stop = watchHostAccess(api, () => changes++);
    expect(api.listeners()).toBe(2);
    api.revoke(['https://signin.aws.amazon.com/*']);
    expect(changes).toBe(1);
    await requestHostAccess(api);
    expect(changes).toBe(2);
    stop();
    expect(api.listeners()).toBe(0);
    api.revoke(['https://signin.aws.amazon.com/*']);
    expect(changes).toBe(2);
  });
});
