/**
 * Which callers the host answers: the caller named by the browser's arguments (Chrome origin, Firefox add-on id),
 * the built-in and install-time allow-lists, and the host name itself.
 */
import { describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID, GECKO_ID } from '@/lib/extension-ids';
import { NATIVE_HOST_NAME, NATIVE_HOST_NAME_PATTERN } from '@/lib/native-host-name';
import { defaultHostConfig, hostConfigWith, identifyCaller, isAllowedCaller } from '@/native-host/host-config';
import { ORIGIN } from '../support/host-process';

describe('callers', () => {
  it.each<[string[], ReturnType<typeof identifyCaller>]>([
    [[ORIGIN], { browser: 'chromium', extensionId: CHROME_EXTENSION_ID }],
    [[ORIGIN, '--parent-window=1234'], { browser: 'chromium', extensionId: CHROME_EXTENSION_ID }],
    [['/home/u/.mozilla/native-messaging-hosts/x.json', GECKO_ID], { browser: 'firefox', extensionId: GECKO_ID }],
    [[`chrome-extension://${CHROME_EXTENSION_ID}`], { browser: 'unknown' }],
    [['chrome-extension://ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP/'], { browser: 'unknown' }],
    [[], { browser: 'unknown' }],
  ])('%j', (args, caller) => {
    expect(identifyCaller(args)).toEqual(caller);
  });

  it('allows the built-in ids and ids baked in at install time, nothing else', () => {
    const extra = 'abcdefghijklmnopabcdefghijklmnop';
    expect(isAllowedCaller({ browser: 'chromium', extensionId: CHROME_EXTENSION_ID }, defaultHostConfig())).toBe(true);
    expect(isAllowedCaller({ browser: 'firefox', extensionId: GECKO_ID }, defaultHostConfig())).toBe(true);
    expect(isAllowedCaller({ browser: 'chromium', extensionId: extra }, defaultHostConfig())).toBe(false);
    expect(isAllowedCaller({ browser: 'chromium', extensionId: extra }, hostConfigWith({ chromeExtensionIds: [extra] }))).toBe(true);
    expect(isAllowedCaller({ browser: 'firefox', extensionId: CHROME_EXTENSION_ID }, defaultHostConfig())).toBe(false);
    expect(isAllowedCaller({ browser: 'unknown' }, defaultHostConfig())).toBe(false);
  });

  it('uses a valid host name', () => {
    expect(NATIVE_HOST_NAME).toMatch(NATIVE_HOST_NAME_PATTERN);
    expect(NATIVE_HOST_NAME).toMatch(/^[a-z0-9_.]+$/);
  });
});
