/**
 * Who may ask the background to act (assume, save, forget). Pure.
 *
 * `runtime.onMessage` also hears the extension's content scripts, which run inside web pages (the AWS sign-in page):
 * a page that subverts one must find no way to the keys. Only the extension's own pages (the popup, the options
 * page, in a tab or not) are answered; a content script's `sender.url` is the web page's.
 */

/** The subset of `runtime.MessageSender` the decision reads (Chromium and Firefox). */
export interface MessageSenderLike {
  id?: string;
  url?: string;
  /** Chromium: the sending document's origin. */
  origin?: string;
  tab?: { url?: string };
  /** Set with `tab`: 0 for a top-level document. */
  frameId?: number;
}

/**
 * Whether a message comes from a page of this extension: its id, a URL under `baseUrl` (`runtime.getURL('/')`), and —
 * when it is in a tab — the tab's top-level document, never a frame inside another page.
 */
export function isOwnExtensionPage(sender: MessageSenderLike, own: { id: string; baseUrl: string }): boolean {
  if (!own.baseUrl.endsWith('/') || sender.id !== own.id) return false;
  if (typeof sender.url !== 'string' || !sender.url.startsWith(own.baseUrl)) return false;
  if (sender.origin !== undefined && sender.origin !== own.baseUrl.slice(0, -1)) return false;
  if (sender.tab) {
    if (sender.frameId !== undefined && sender.frameId !== 0) return false;
    if (sender.tab.url !== undefined && !sender.tab.url.startsWith(own.baseUrl)) return false;
  }
  return true;
}
