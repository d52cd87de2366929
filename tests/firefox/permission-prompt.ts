/** Firefox's own add-on permission prompt, read and answered in Firefox's window as a user would. */
import type { FirefoxWithExtension } from './harness';

/** The text of Firefox's add-on permission prompt, or null while none is open (read in Firefox's window). */
export function permissionPrompt(firefox: FirefoxWithExtension): Promise<string | null> {
  return firefox.evaluateInBrowserWindow<string | null>(
    `[...PopupNotifications.panel.children].find((n) => n.notification?.id === 'addon-webext-permissions')?.textContent ?? null`,
  );
}

export async function waitForPermissionPrompt(firefox: FirefoxWithExtension): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await permissionPrompt(firefox);
    if (text !== null) return text;
    if (Date.now() > deadline) throw new Error('Firefox showed no permission prompt');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Presses the prompt's main ("Allow") or secondary ("Don't allow") button. */
export async function answerPermissionPrompt(firefox: FirefoxWithExtension, allow: boolean): Promise<void> {
  await firefox.evaluateInBrowserWindow(
    `(() => { const n = [...PopupNotifications.panel.children].find((n) => n.notification?.id === 'addon-webext-permissions'); n.${allow ? 'button' : 'secondaryButton'}.click(); return true; })()`,
  );
}
