/** Browser (background): the toolbar badge shows how many roles the latest sign-ins carry, or `!` for a problem. */
import { browser } from 'wxt/browser';
import { readState } from '../session-store';

export async function refreshBadge(): Promise<void> {
  const state = await readState();
  const newest = state.captures[0]?.capturedAt ?? 0;
  const action = browser.action;
  if (state.problem && state.problem.capturedAt > newest) {
    await action.setBadgeBackgroundColor({ color: '#b42318' });
    await action.setBadgeText({ text: '!' });
    await action.setTitle({ title: 'AWS SAML Bridge: the last sign-in could not be used — open for details' });
    return;
  }
  const roles = state.captures.reduce((n, c) => n + c.summary.roles.length, 0);
  await action.setBadgeBackgroundColor({ color: '#1d4ed8' });
  await action.setBadgeText({ text: roles > 0 ? String(roles) : '' });
  await action.setTitle({ title: roles > 0 ? `AWS SAML Bridge: ${roles} role${roles === 1 ? '' : 's'} from your sign-in` : 'AWS SAML Bridge' });
}
