/**
 * Expiry reminders and the toolbar badge, as pure functions of the session state and the settings: which sessions
 * are due for a "credentials expire soon" notification, when the next one falls due, and the notification's text
 * (profile names and times only — never a key).
 */
import type { RoleOutcome } from './capture';
import type { OkOutcome } from './delivery';
import { idpWords, type IdpKind } from './idp';
import type { ReminderSettings } from './settings';

/** Role ARN → `assumedAt` of the session already reminded about (a new session of the role is reminded again). */
export type Reminded = Record<string, number>;

export interface ReminderPlan {
  /** Sessions to notify about now. */
  due: OkOutcome[];
  /** When the next reminder falls due, if any. */
  nextAt?: number;
}

export function planReminders(outcomes: Record<string, RoleOutcome>, reminded: Reminded, settings: ReminderSettings, now: number): ReminderPlan {
  if (!settings.enabled) return { due: [] };
  const lead = settings.minutesBefore * 60_000;
  const due: OkOutcome[] = [];
  let nextAt: number | undefined;
  for (const o of Object.values(outcomes)) {
    if (o.status !== 'ok' || reminded[o.roleArn] === o.assumedAt) continue;
    const expiresAt = Date.parse(o.credentials.expiration);
    if (!Number.isFinite(expiresAt) || expiresAt <= now) continue;
    const remindAt = expiresAt - lead;
    // A session shorter than the lead time is not reminded at once: its user has just seen it.
    if (remindAt <= o.assumedAt) continue;
    if (remindAt <= now) due.push(o);
    else nextAt = Math.min(nextAt ?? Infinity, remindAt);
  }
  due.sort((a, b) => Date.parse(a.credentials.expiration) - Date.parse(b.credentials.expiration) || a.profileName.localeCompare(b.profileName));
  return nextAt === undefined ? { due } : { due, nextAt };
}

/** The notification for `due` (non-empty): how soon, which profiles, what to do (in the words of the sessions' IdP). */
export function reminderMessage(due: readonly OkOutcome[], now: number, idp?: IdpKind): { title: string; message: string } {
  const soonest = Math.min(...due.map((o) => Date.parse(o.credentials.expiration)));
  const minutes = Math.max(1, Math.round((soonest - now) / 60_000));
  const names = due.slice(0, 3).map((o) => o.profileName);
  const more = due.length > 3 ? ` and ${due.length - 3} more` : '';
  return {
    title: due.length === 1 ? `AWS credentials expire in ${minutes} min` : `${due.length} AWS sessions expire soon`,
    message: `${names.join(', ')}${more}${due.length === 1 ? '' : ` (the first in ${minutes} min)`}. ${idpWords(idp).signInAgain} to get new credentials.`,
  };
}

export interface BadgeModel {
  text: string;
  color: string;
  title: string;
}

/**
 * The toolbar badge: `!` for an unusable newest sign-in; else live sessions (green) when there are any, else the
 * roles the sign-ins carry (blue). The title says both.
 */
export function badgeModel(state: { roles: number; live: number; problem: boolean; nextExpiry?: string; needsSignIn?: boolean }): BadgeModel {
  if (state.problem) return { text: '!', color: '#b42318', title: 'AWS SAML Bridge: the last sign-in could not be used — open for details' };
  if (state.needsSignIn) return { text: '!', color: '#b54708', title: 'AWS SAML Bridge: sign in again to keep your credentials fresh — open for details' };
  const parts: string[] = [];
  if (state.roles > 0) parts.push(`${state.roles} role${state.roles === 1 ? '' : 's'} from your sign-in`);
  if (state.live > 0) parts.push(`${state.live} live session${state.live === 1 ? '' : 's'}${state.nextExpiry ? ` (next expires ${state.nextExpiry})` : ''}`);
  const title = parts.length ? `AWS SAML Bridge: ${parts.join(', ')}` : 'AWS SAML Bridge';
  if (state.live > 0) return { text: String(state.live), color: '#166534', title };
  return { text: state.roles > 0 ? String(state.roles) : '', color: '#1d4ed8', title };
}
