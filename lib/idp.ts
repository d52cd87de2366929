/**
 * Which identity provider issued a sign-in, and how to speak to its users. Pure.
 *
 * Users of Okta, AD FS or Google must not be told to "open the AWS tile in My Apps" or to ask their "Entra admin":
 * every user-facing sentence that names the IdP takes its words from `idpWords`. The IdP is recognised from the
 * assertion's Issuer only (a hint for wording, never a security decision: the Issuer is not verified here).
 */

export type IdpKind = 'entra' | 'okta' | 'adfs' | 'google' | 'other';

export interface IdpInfo {
  kind: IdpKind;
  /** The IdP's product name, for headings ("Microsoft Entra ID"). */
  name: string;
}

export interface IdpWords {
  /** An imperative sentence without a full stop: how to sign in to AWS again from this IdP. */
  signInAgain: string;
  /** Who administers the IdP side ("your Entra admin"). */
  admin: string;
  /** Where an admin changes what the AWS app sends, for advice about claims. */
  claimsPlace: string;
}

const ISSUERS: readonly { kind: Exclude<IdpKind, 'other'>; test: RegExp }[] = [
  // Entra ID in the public, US Government and China clouds (SAML issuers are the v1 "sts" hosts).
  {
    kind: 'entra',
    test: /^https:\/\/(sts\.windows\.net|login\.microsoftonline\.(com|us)|sts\.chinacloudapi\.cn|login\.partner\.microsoftonline\.cn)\/[0-9a-f-]{36}\/?$/i,
  },
  { kind: 'okta', test: /^https?:\/\/(www\.okta\.com\/|[a-z0-9-]+\.(okta|oktapreview|okta-emea)\.com\/)/i },
  { kind: 'google', test: /^https:\/\/accounts\.google\.com\/o\/saml2/i },
  // AD FS names itself http(s)://<farm>/adfs/services/trust by default.
  { kind: 'adfs', test: /^https?:\/\/[^/]+\/adfs\/services\/trust\/?$/i },
];

const NAMES: Record<IdpKind, string> = {
  entra: 'Microsoft Entra ID',
  okta: 'Okta',
  adfs: 'AD FS',
  google: 'Google',
  other: 'your identity provider',
};

const WORDS: Record<IdpKind, IdpWords> = {
  entra: { signInAgain: 'Open the AWS tile in My Apps again', admin: 'your Entra admin', claimsPlace: 'the AWS app’s Single sign-on → Attributes & Claims' },
  okta: { signInAgain: 'Open the AWS app from your Okta dashboard again', admin: 'your Okta admin', claimsPlace: 'the AWS app’s SAML settings in Okta' },
  adfs: {
    signInAgain: 'Sign in to AWS through your AD FS sign-in page again',
    admin: 'your AD FS admin',
    claimsPlace: 'the AWS relying party’s claim rules in AD FS',
  },
  google: {
    signInAgain: 'Open AWS from your Google apps menu again',
    admin: 'your Google Workspace admin',
    claimsPlace: 'the AWS app’s attribute mapping in the Google Admin console',
  },
  other: {
    signInAgain: 'Sign in to AWS through your identity provider again',
    admin: 'your identity provider’s admin',
    claimsPlace: 'the AWS app’s SAML attribute settings at your identity provider',
  },
};

/** Recognises the IdP from a SAML Issuer; anything unknown (or missing) is `other`. */
export function identifyIdp(issuer: string | undefined): IdpInfo {
  const value = (issuer ?? '').trim();
  const kind = ISSUERS.find((i) => i.test.test(value))?.kind ?? 'other';
  return { kind, name: NAMES[kind] };
}

/** The words to use with the users of one IdP. Unknown kinds get the neutral words. */
export function idpWords(kind: IdpKind | undefined): IdpWords {
  return WORDS[kind ?? 'other'] ?? WORDS.other;
}
