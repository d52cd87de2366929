/**
 * Account aliases read from the AWS sign-in page (the role picker the browser loads after the SAML POST), and the
 * list of aliases learnt so far. Pure: the content script hands in strings taken from the page.
 *
 * The page is AWS's, changes without notice, and also carries the SAMLResponse in a hidden input: this module only
 * ever sees the `<meta name="data">` content and the account headings, never throws, and drops anything that is not
 * exactly an account id and an IAM account alias, so a redesign degrades to bare account ids. Facts: docs/saml-and-entra.md#account-aliases.
 */

/** 12 digits: an AWS account id. */
export const ACCOUNT_ID = /^\d{12}$/;

/**
 * An IAM account alias: 3–63 lowercase letters, digits and single hyphens, starting and ending with a letter or
 * digit (the `AccountAlias` pattern of IAM CreateAccountAlias). Anything else on the page is not an alias.
 */
const ACCOUNT_ALIAS = /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;

/** The meta content is base64 JSON of a few KB per hundred roles; far beyond this is not the page we know. */
export const MAX_META_CHARS = 4_000_000;
/** More accounts than any one sign-in lists; the rest of an oversized page is ignored. */
export const MAX_ACCOUNTS_PER_PAGE = 5000;
/** An account heading is "Account: <alias> (<id>)", well under this. */
const MAX_HEADING_CHARS = 300;

/** Account id → alias, as read from one sign-in page. */
export interface SigninPageAliases {
  aliases: Record<string, string>;
  /** Distinct account ids the page listed, with or without an alias (what was recognised at all). */
  accountIds: string[];
  /** Which part of the page the aliases came from. */
  source: 'meta' | 'markup' | 'both' | 'none';
}

/** What the content script reads from the page. */
export interface SigninPageInputs {
  /** `content` of `<meta name="data">`: base64 of JSON with `roles_accounts`. */
  metaData?: string | null;
  /** Text of each older `div.saml-account-name`: "Account: alias (123456789012)" or "Account: 123456789012". */
  accountHeadings?: readonly (string | null | undefined)[];
}

/** Whether `value` is an IAM account alias. */
export function isAccountAlias(value: unknown): value is string {
  return typeof value === 'string' && ACCOUNT_ALIAS.test(value);
}

/**
 * One account label as AWS writes it: `alias (123456789012)` or `123456789012`, optionally after a
 * `Label:` prefix ("Account: …"). Returns the id and the alias when it is a valid one; null when it is not a label.
 */
export function parseAccountLabel(text: string): { accountId: string; alias?: string } | null {
  if (text.length > MAX_HEADING_CHARS) return null;
  // Any prefix up to a colon ("Account:", or a translation); aliases and ids contain no colon.
  const label = text.replace(/^[^:()]*:/, '').trim();
  const bare = /^(\d{12})$/.exec(label);
  if (bare) return { accountId: bare[1]! };
  const withAlias = /^([^()]+?)\s*\((\d{12})\)$/.exec(label);
  if (!withAlias) return null;
  const [, alias, accountId] = withAlias as unknown as [string, string, string];
  return isAccountAlias(alias) ? { accountId, alias } : { accountId };
}

/** base64 (standard or URL-safe, padding optional) → UTF-8 text, or null. */
function decodeBase64Utf8(value: string): string | null {
  const compact = value.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return null;
  const unpadded = compact.replace(/=+$/, '');
  if (unpadded.length === 0 || unpadded.length % 4 === 1) return null;
  try {
    const binary = atob(unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, '='));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The account id of a role ARN in a `roles_accounts` list, or null. */
function accountOfRoleArn(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^arn:aws[\w-]*:iam::(\d{12}):role\//.exec(value);
  return m ? m[1]! : null;
}

/** Labels from the meta JSON's `roles_accounts` keys; a key whose role ARNs name another account is ignored. */
function labelsFromMeta(metaData: string): { accountId: string; alias?: string }[] {
  if (metaData.length > MAX_META_CHARS) return [];
  const trimmed = metaData.trim();
  // Base64 today; plain JSON costs nothing to accept should AWS stop encoding it.
  const json = trimmed.startsWith('{') ? trimmed : decodeBase64Utf8(trimmed);
  if (json === null) return [];
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return [];
  }
  if (typeof data !== 'object' || data === null) return [];
  const rolesAccounts = (data as { roles_accounts?: unknown }).roles_accounts;
  if (typeof rolesAccounts !== 'object' || rolesAccounts === null || Array.isArray(rolesAccounts)) return [];
  const labels: { accountId: string; alias?: string }[] = [];
  for (const [key, roles] of Object.entries(rolesAccounts as Record<string, unknown>)) {
    if (labels.length >= MAX_ACCOUNTS_PER_PAGE) break;
    const label = parseAccountLabel(key);
    if (!label) continue;
    if (Array.isArray(roles) && roles.some((r) => accountOfRoleArn(r) !== null && accountOfRoleArn(r) !== label.accountId)) continue;
    labels.push(label);
  }
  return labels;
}

/**
 * Account id → alias from what the sign-in page shows: the `<meta name="data">` JSON (current page) and the
 * account headings (older page). The meta wins where both name an account; the first alias seen for an id wins
 * within one source. Never throws; garbage yields nothing.
 */
export function parseSigninPageAliases(inputs: SigninPageInputs): SigninPageAliases {
  const fromMeta = typeof inputs.metaData === 'string' ? labelsFromMeta(inputs.metaData) : [];
  const headings = Array.isArray(inputs.accountHeadings) ? inputs.accountHeadings.slice(0, MAX_ACCOUNTS_PER_PAGE) : [];
  const fromMarkup = headings.flatMap((t) => (typeof t === 'string' ? [parseAccountLabel(t)] : [])).filter((l) => l !== null);

  const aliases: Record<string, string> = {};
  const ids = new Set<string>();
  let metaAliases = 0;
  let markupAliases = 0;
  for (const l of fromMeta) {
    ids.add(l.accountId);
    if (l.alias && !(l.accountId in aliases)) {
      aliases[l.accountId] = l.alias;
      metaAliases++;
    }
  }
  for (const l of fromMarkup) {
    ids.add(l.accountId);
    if (l.alias && !(l.accountId in aliases)) {
      aliases[l.accountId] = l.alias;
      markupAliases++;
    }
  }
  const source = metaAliases && markupAliases ? 'both' : metaAliases ? 'meta' : markupAliases ? 'markup' : 'none';
  return { aliases, accountIds: [...ids], source };
}

// ── learnt aliases (kept in storage.local) ─────────────────────────────────────────────────────────────────────

/** Aliases kept at most; the least recently seen go first. Far more accounts than anyone signs in to. */
export const MAX_LEARNT_ALIASES = 2000;

/** An alias learnt from the sign-in page, and when it was last seen there. */
export interface LearntAlias {
  alias: string;
  seenAt: number;
}

/** Account id → learnt alias. */
export type LearntAliases = Record<string, LearntAlias>;

/**
 * Reads whatever is stored as learnt aliases, keeping only well-formed entries (storage may hold an older or
 * damaged value; it is never trusted). At most `MAX_LEARNT_ALIASES`, the most recently seen.
 */
export function normaliseLearntAliases(raw: unknown): LearntAliases {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const entries: [string, LearntAlias][] = [];
  for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!ACCOUNT_ID.test(id) || typeof value !== 'object' || value === null) continue;
    const { alias, seenAt } = value as { alias?: unknown; seenAt?: unknown };
    if (!isAccountAlias(alias) || typeof seenAt !== 'number' || !Number.isFinite(seenAt) || seenAt < 0) continue;
    entries.push([id, { alias, seenAt }]);
  }
  return capLearnt(entries);
}

/**
 * Adds what one sign-in page showed to the learnt aliases: new and changed aliases are recorded with `seenAt`.
 * An account the page listed without an alias loses its old one (the alias was deleted in IAM).
 */
export function mergeLearntAliases(previous: LearntAliases, page: SigninPageAliases, seenAt: number): LearntAliases {
  const next: Record<string, LearntAlias> = { ...previous };
  for (const id of page.accountIds) {
    const alias = page.aliases[id];
    if (alias) next[id] = { alias, seenAt };
    // Only a page that showed aliases at all is trusted to say an account has none: a redesign that loses the
    // aliases everywhere must not wipe what was learnt.
    else if (page.source !== 'none') delete next[id];
  }
  return capLearnt(Object.entries(next));
}

/** Whether two learnt-alias maps hold the same aliases (so an unchanged page causes no storage write). */
export function sameAliases(a: LearntAliases, b: LearntAliases): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((id) => b[id]?.alias === a[id]!.alias);
}

/** Account id → alias text, for display and profile names. */
export function aliasNames(learnt: LearntAliases): Record<string, string> {
  return Object.fromEntries(Object.entries(learnt).map(([id, l]) => [id, l.alias]));
}

function capLearnt(entries: [string, LearntAlias][]): LearntAliases {
  if (entries.length > MAX_LEARNT_ALIASES) {
    entries.sort((a, b) => b[1].seenAt - a[1].seenAt || (a[0] < b[0] ? -1 : 1));
    entries.length = MAX_LEARNT_ALIASES;
  }
  return Object.fromEntries(entries);
}
