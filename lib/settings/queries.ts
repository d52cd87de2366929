/** What consumers (the popup, the background, the options page) ask of settings. Pure. */
import type { ConsoleDestination } from '../console';
import type { DurationChoice } from '../duration';
import type { NamingRules } from '../profile-template';
import type { Settings } from './schema';

/** Account id → display name: the settings' names (the user's, or the organisation's) over aliases learnt from AWS. */
export function accountDisplayNames(settings: Readonly<Settings>, learnt: Readonly<Record<string, string>>): Record<string, string> {
  return { ...learnt, ...settings.accountNames };
}

/** What `resolveProfileNames` needs from settings. */
export function namingRules(settings: Readonly<Settings>, learnt: Readonly<Record<string, string>>): NamingRules {
  const overrides: Record<string, string> = {};
  for (const [arn, prefs] of Object.entries(settings.roles)) if (prefs.profileName) overrides[arn] = prefs.profileName;
  return { template: settings.profileTemplate, overrides, accountNames: accountDisplayNames(settings, learnt) };
}

/** The duration to ask for a role: its own, else `otherwise` (the default duration unless the popup chose one). */
export function durationFor(settings: Readonly<Settings>, roleArn: string, otherwise: DurationChoice = settings.defaultDuration): DurationChoice {
  return settings.roles[roleArn]?.duration ?? otherwise;
}

/** The region to write with a role's profile, if any: its own, else the default. */
export function regionFor(settings: Readonly<Settings>, roleArn: string): string | undefined {
  return settings.roles[roleArn]?.region || settings.defaultRegion || undefined;
}

/** Whether roles of this account may be offered (an empty allow-list allows every account). */
export function isAccountAllowed(settings: Readonly<Settings>, accountId: string): boolean {
  return settings.allowedAccounts.length === 0 || settings.allowedAccounts.includes(accountId);
}

/** Where Open console lands for a role (issue 13): its destination, or undefined for the console home. */
export function consoleDestinationFor(settings: Readonly<Settings>, roleArn: string): ConsoleDestination | undefined {
  return settings.roles[roleArn]?.consoleDestination;
}
