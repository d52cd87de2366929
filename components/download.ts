/** Browser: starts a download of text from an extension page. */

/**
 * A blob URL made in the page (Chrome's service worker has no createObjectURL, Firefox refuses `data:` downloads;
 * a page's blob URL works in both — docs/browser-platform.md#downloads). Revoked later, not at once: the browser reads it after this returns.
 */
export function downloadText(text: string, fileName: string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
