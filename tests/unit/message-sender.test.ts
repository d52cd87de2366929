import { describe, expect, it } from 'vitest';
import { isOwnExtensionPage, type MessageSenderLike } from '@/lib/message-sender';

const CHROME = { id: 'ndcebehelkhblldpkdbhkppfmpokkena', baseUrl: 'chrome-extension://ndcebehelkhblldpkdbhkppfmpokkena/' };
const FIREFOX = { id: 'aws-saml-bridge@aws-saml-bridge.dev', baseUrl: 'moz-extension://6c1a4f3e-2b7d-4e59-9a80-3f1d2c4b5a69/' };
const C = CHROME.baseUrl;
const F = FIREFOX.baseUrl;
const PICKER = 'https://signin.aws.amazon.com/saml';

describe('isOwnExtensionPage', () => {
  it.each<[string, typeof CHROME, MessageSenderLike]>([
    ['the popup (Chromium)', CHROME, { id: CHROME.id, url: `${C}popup.html`, origin: C.slice(0, -1) }],
    [
      'the popup opened in a tab (Chromium)',
      CHROME,
      { id: CHROME.id, url: `${C}popup.html`, origin: C.slice(0, -1), tab: { url: `${C}popup.html` }, frameId: 0 },
    ],
    ['the options page in a tab, tab URL hidden (Chromium)', CHROME, { id: CHROME.id, url: `${C}options.html`, origin: C.slice(0, -1), tab: {}, frameId: 0 }],
    ['the popup (Firefox)', FIREFOX, { id: FIREFOX.id, url: `${F}popup.html` }],
    ['the popup opened in a tab (Firefox)', FIREFOX, { id: FIREFOX.id, url: `${F}popup.html`, tab: { url: `${F}popup.html` }, frameId: 0 }],
  ])('%s is answered', (_, own, sender) => {
    expect(isOwnExtensionPage(sender, own)).toBe(true);
  });

  it.each<[string, typeof CHROME, MessageSenderLike]>([
    [
      'the sign-in page’s content script (Chromium)',
      CHROME,
      { id: CHROME.id, url: PICKER, origin: 'https://signin.aws.amazon.com', tab: { url: PICKER }, frameId: 0 },
    ],
    ['the sign-in page’s content script (Firefox)', FIREFOX, { id: FIREFOX.id, url: PICKER, tab: { url: PICKER }, frameId: 0 }],
    [
      'a content script in a frame (Chromium)',
      CHROME,
      { id: CHROME.id, url: PICKER, origin: 'https://signin.aws.amazon.com', tab: { url: 'https://evil.example/' }, frameId: 3 },
    ],
    ['another extension', CHROME, { id: 'aaaabbbbccccddddeeeeffffgggghhhh', url: 'chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh/popup.html' }],
    ['no id', CHROME, { url: `${C}popup.html` }],
    ['no URL', CHROME, { id: CHROME.id }],
    ['a URL that only contains the extension’s', CHROME, { id: CHROME.id, url: `https://evil.example/${C}popup.html` }],
    ['an extension id that only starts like ours', CHROME, { id: CHROME.id, url: `chrome-extension://${CHROME.id}x/popup.html` }],
    ['an origin that is not the extension’s (Chromium)', CHROME, { id: CHROME.id, url: `${C}popup.html`, origin: 'https://signin.aws.amazon.com' }],
    [
      'an extension page framed inside a web page',
      CHROME,
      { id: CHROME.id, url: `${C}popup.html`, origin: C.slice(0, -1), tab: { url: 'https://evil.example/' }, frameId: 1 },
    ],
    ['an extension page in a web page’s tab', FIREFOX, { id: FIREFOX.id, url: `${F}popup.html`, tab: { url: 'https://evil.example/' }, frameId: 0 }],
  ])('%s is refused', (_, own, sender) => {
    expect(isOwnExtensionPage(sender, own)).toBe(false);
  });

  it('needs the base URL with its trailing slash, so a prefix cannot match another extension', () => {
    expect(isOwnExtensionPage({ id: CHROME.id, url: `${C}popup.html` }, { id: CHROME.id, baseUrl: C.slice(0, -1) })).toBe(false);
  });
});
