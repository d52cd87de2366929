/** Browser: starts a download of text, or of a file inside the extension package, from an extension page. */
import { browser, type PublicPath } from 'wxt/browser';

/**
 * A blob URL made in the page (Chrome's service worker has no createObjectURL, Firefox refuses `data:` downloads;
 * a page's blob URL works in both — docs/browser-platform.md#downloads). Revoked later, not at once: the browser reads it after this returns.
 */
function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function downloadText(text: string, fileName: string, type = 'application/octet-stream'): void {
  downloadBlob(new Blob([text], { type }), fileName);
}

/** Saves `path`, a file shipped in the extension package, as `fileName` (through a blob: see downloadBlob). */
export async function downloadPackagedFile(path: string, fileName: string): Promise<void> {
  // Added by a build hook (wxt.config.ts), which WXT's generated list of public paths does not know about.
  const response = await fetch(browser.runtime.getURL(`/${path}` as PublicPath));
  if (!response.ok) throw new Error(`the extension package has no ${path} (HTTP ${response.status})`);
  downloadBlob(new Blob([await response.blob()], { type: 'application/octet-stream' }), fileName);
}
