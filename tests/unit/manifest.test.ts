import { describe, expect, it } from 'vitest';
import type { ConfigEnv, UserManifest } from 'wxt';
import config from '../../wxt.config';

async function manifestFor(browser: string): Promise<UserManifest> {
  const env: ConfigEnv = { browser, manifestVersion: 3, mode: 'production', command: 'build' };
  return typeof config.manifest === 'function' ? config.manifest(env) : config.manifest!;
}

describe('manifest', () => {
  it.each(['chrome', 'firefox'])('%s: the extension never runs in private windows', async (browser) => {
    expect((await manifestFor(browser)).incognito).toBe('not_allowed');
  });
});
