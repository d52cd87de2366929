/**
 * Why silent renewal needs the person, and how to say so. Kept apart from the classifier so the popup can show the
 * words without bundling the SAML parser. Pure.
 */
import { idpWords, type IdpKind } from '../idp';

export const NEEDS_USER_REASONS = [
  'no-session',
  'mfa',
  'stay-signed-in',
  'account-picker',
  'device-sso',
  'blocked',
  'sign-in-frequency',
  'not-assigned',
  'password',
  'app-unknown',
  'signed-request-required',
  'unknown-page',
] as const;

export type NeedsUserReason = (typeof NEEDS_USER_REASONS)[number];

export function isNeedsUserReason(value: unknown): value is NeedsUserReason {
  return typeof value === 'string' && (NEEDS_USER_REASONS as readonly string[]).includes(value);
}

/**
 * One short plain sentence (with the next step) per reason, for the popup and the notification. Names the IdP's
 * own places only for Entra; other IdPs get their own words from `idpWords`. No page text, nothing secret.
 */
export function needsUserWords(reason: NeedsUserReason, idpKind: IdpKind | undefined): string {
  const words = idpWords(idpKind);
  const again = words.signInAgain;
  const entra = idpKind === 'entra';
  switch (reason) {
    case 'no-session':
      return `Your sign-in session has ended. ${again} to keep your credentials fresh.`;
    case 'mfa':
      return `Your sign-in asks for a second factor (MFA), which only you can answer. ${again}.`;
    case 'stay-signed-in':
      return `Your sign-in asks whether to stay signed in. ${again} and answer it.`;
    case 'account-picker':
      return `You are signed in with more than one account, so the sign-in asks which one to use. ${again} and pick the account.`;
    case 'device-sso':
      return `Your organisation requires this sign-in to come from a managed device, which cannot be done in the background. ${again}.`;
    case 'blocked':
      return `An access policy of your organisation blocked the background sign-in. ${again}; if it keeps failing, ask ${words.admin}.`;
    case 'sign-in-frequency':
      return `Your organisation requires you to sign in again at set intervals. ${again}.`;
    case 'not-assigned':
      return `You are not assigned to this AWS app (any more). Ask ${words.admin} for access.`;
    case 'password':
      return `Your password has expired or was changed. ${again} and follow the steps.`;
    case 'app-unknown':
      return entra
        ? `Microsoft Entra ID did not recognise this AWS app's identifier. Enter it below (Entra: the AWS app → Single sign-on → Identifier), or ${lowerFirst(again)}.`
        : `Your identity provider did not recognise this AWS app's identifier. ${again}.`;
    case 'signed-request-required':
      return `This AWS app accepts only signed sign-in requests, so it cannot be kept fresh in the background. ${again} when your credentials run low.`;
    case 'unknown-page':
      return `The sign-in answered with a page the extension does not recognise. ${again}.`;
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
