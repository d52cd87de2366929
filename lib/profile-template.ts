/**
 * Profile names for assumed roles: a template such as `{account_name}-{role}`, per-role overrides, and what happens
 * when two roles would get the same name. Pure. The one place profile names are made.
 *
 * Stability: a role's name depends only on the role itself (its ARN's parts, its account's name, the sign-in's
 * session name) and the settings — never on its position in the assertion or on which other roles came with it
 * (`profileNameFor`). Two roles of one set that still share a name are reported and not written; neither is renamed
 * (see `resolveProfileNames`).
 */
import type { SamlRole } from './arn';
import { isValidProfileName, MAX_PROFILE_NAME_LENGTH, PROFILE_NAME_CHARACTERS } from './profile-name';

/** The placeholders a template may use, in the order the options page lists them. */
export const PLACEHOLDERS = [
  { name: 'account_id', description: 'the 12-digit AWS account id' },
  { name: 'account_name', description: 'the account’s name (yours, your organisation’s or its AWS alias); its id when it has none' },
  { name: 'role', description: 'the role’s name' },
  { name: 'role_path', description: 'the role’s IAM path (/team/platform/ → team_platform); empty for /' },
  { name: 'partition', description: 'aws, aws-us-gov or aws-cn' },
  { name: 'session_name', description: 'the session name your sign-in sends (often your e-mail address)' },
] as const;

export type Placeholder = (typeof PLACEHOLDERS)[number]['name'];

export const DEFAULT_PROFILE_TEMPLATE = '{account_name}-{role}';
/** Longer templates are refused: a profile name is at most 64 characters anyway. */
export const MAX_TEMPLATE_LENGTH = 200;

const PLACEHOLDER_NAMES: ReadonlySet<string> = new Set(PLACEHOLDERS.map((p) => p.name));
/** Placeholders that are never empty: a template needs one, or every role of an account could get the same name. */
const ALWAYS_SET: readonly Placeholder[] = ['account_id', 'account_name', 'role'];
/** Characters a profile name may not contain; built from the credentials file's own rule so the two never differ. */
const NOT_IN_PROFILE_NAME = new RegExp(`[^${PROFILE_NAME_CHARACTERS}]+`, 'g');
const SEPARATORS_AT_ENDS = /^[-_]+|[-_]+$/g;

/** What a profile name is made from: the role's ARN parts. */
export type NamingRole = Pick<SamlRole, 'roleArn' | 'accountId' | 'roleName' | 'rolePath' | 'partition'>;

/** What a name needs besides the role. */
export interface NamingContext {
  /** The account's display name (already chosen: user's, organisation's or learnt alias); the id when absent. */
  accountName?: string;
  /** RoleSessionName from the sign-in. */
  sessionName?: string;
}

export type TemplatePart = { text: string } | { placeholder: Placeholder };

export type TemplateParse = { ok: true; parts: TemplatePart[] } | { ok: false; error: string };

/** Whether `name` is the reserved `default` (in any case): only the "also write as [default]" option produces it. */
export function isReservedProfileName(name: string): boolean {
  return name.toLowerCase() === 'default';
}

/** Levenshtein distance, for "did you mean" (placeholder names are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

function suggestion(unknown: string): string {
  const lower = unknown.toLowerCase().replace(/[\s-]+/g, '_');
  // Earlier settings (v1) and other tools call the account name {account}; {role_name} is a natural guess too.
  const aliases: Record<string, Placeholder> = {
    account: 'account_name',
    alias: 'account_name',
    account_alias: 'account_name',
    role_name: 'role',
    session: 'session_name',
  };
  const best = aliases[lower] ?? PLACEHOLDERS.map((p) => p.name).find((p) => p === lower || distance(p, lower) <= 2);
  return best ? ` Did you mean {${best}}?` : '';
}

const ALL_PLACEHOLDERS = PLACEHOLDERS.map((p) => `{${p.name}}`).join(', ');

/** Splits a template into text and placeholders, or says exactly what is wrong with it (1-based positions). */
export function parseTemplate(template: string): TemplateParse {
  if (template.length === 0) return { ok: false, error: `The template is empty. Try ${DEFAULT_PROFILE_TEMPLATE}.` };
  if (template.length > MAX_TEMPLATE_LENGTH)
    return { ok: false, error: `The template is ${template.length} characters long; at most ${MAX_TEMPLATE_LENGTH} are allowed.` };
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '}') return { ok: false, error: `"}" at character ${i + 1} has no matching "{".` };
    if (c !== '{') {
      if (!isValidProfileName(c)) {
        const shown = /^[\x20-\x7e]$/.test(c) ? `"${c}"` : `The character U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
        return { ok: false, error: `${shown} at character ${i + 1} cannot be in a profile name: use letters, digits, "-" and "_" between placeholders.` };
      }
      text += c;
      continue;
    }
    const close = template.indexOf('}', i + 1);
    const nextOpen = template.indexOf('{', i + 1);
    if (close < 0) return { ok: false, error: `"{" at character ${i + 1} is never closed with "}".` };
    if (nextOpen >= 0 && nextOpen < close)
      return { ok: false, error: `"{" at character ${i + 1} is not closed before the next "{" (at character ${nextOpen + 1}).` };
    const name = template.slice(i + 1, close);
    if (name.length === 0) return { ok: false, error: `Empty placeholder "{}" at character ${i + 1}. Use one of ${ALL_PLACEHOLDERS}.` };
    if (!PLACEHOLDER_NAMES.has(name)) {
      return { ok: false, error: `Unknown placeholder {${name.slice(0, 40)}} at character ${i + 1}.${suggestion(name)} Placeholders: ${ALL_PLACEHOLDERS}.` };
    }
    if (text) parts.push({ text });
    text = '';
    parts.push({ placeholder: name as Placeholder });
    i = close;
  }
  if (text) parts.push({ text });
  if (!parts.some((p) => 'placeholder' in p && ALWAYS_SET.includes(p.placeholder))) {
    return { ok: false, error: 'The template needs {role}, {account_name} or {account_id}, or every role would get the same name.' };
  }
  return { ok: true, parts };
}

/** A value made safe for a profile name: accents dropped (é → e), every run of other characters → `_`. */
export function sanitizeProfileNamePart(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(NOT_IN_PROFILE_NAME, '_');
}

function placeholderValue(p: Placeholder, role: NamingRole, ctx: NamingContext): string {
  switch (p) {
    case 'account_id':
      return role.accountId;
    case 'account_name': {
      // A name with nothing usable left (e.g. only CJK characters) falls back to the id rather than to nothing.
      const name = sanitizeProfileNamePart(ctx.accountName?.trim() ?? '').replace(SEPARATORS_AT_ENDS, '');
      return name || role.accountId;
    }
    case 'role':
      return sanitizeProfileNamePart(role.roleName);
    case 'role_path':
      return sanitizeProfileNamePart(role.rolePath.replace(/^\/+|\/+$/g, ''));
    case 'partition':
      return role.partition;
    case 'session_name':
      return sanitizeProfileNamePart(ctx.sessionName ?? '');
  }
}

/** A rendered name and whether it had to be cut to 64 characters. */
export interface RenderedName {
  name: string;
  truncated: boolean;
}

/**
 * Renders parsed template parts for one role. A separator left dangling by an empty placeholder (`{role_path}-{role}`
 * for a role at `/`) is dropped; the result is cut to 64 characters. May be empty only for
 * a role whose name has no usable character at all (callers fall back, see `resolveProfileNames`).
 */
export function renderTemplate(parts: readonly TemplatePart[], role: NamingRole, ctx: NamingContext = {}): RenderedName {
  let raw = '';
  let afterEmpty = false;
  for (const p of parts) {
    if ('text' in p) {
      // `{account_name}-{role_path}-{role}` for a role at `/` gives `a-Admin`, not `a--Admin`.
      raw += afterEmpty && /[-_]$/.test(raw) ? p.text.replace(/^[-_]/, '') : p.text;
      afterEmpty = false;
    } else {
      const value = placeholderValue(p.placeholder, role, ctx);
      raw += value;
      afterEmpty = value === '';
    }
  }
  const cleaned = raw.replace(SEPARATORS_AT_ENDS, '');
  if (cleaned.length <= MAX_PROFILE_NAME_LENGTH) return { name: cleaned, truncated: false };
  return { name: cleaned.slice(0, MAX_PROFILE_NAME_LENGTH).replace(SEPARATORS_AT_ENDS, ''), truncated: true };
}

const DEFAULT_PARTS = (parseTemplate(DEFAULT_PROFILE_TEMPLATE) as { ok: true; parts: TemplatePart[] }).parts;

/**
 * The parts actually rendered for `role`: a role with an IAM path gets `{role_path}-` before `{role}` when the
 * template does not place the path itself. Why: the path is part of the role's ARN, and a sign-in may list the same
 * role name under several paths (`role/x/Admin`, `role/y/Admin`); putting the path in the name keeps those apart
 * by the role's own ARN, so no role's name ever has to change because another role appeared beside it. Roles at `/`
 * (most roles) keep the template's name as it is.
 */
function partsFor(parts: readonly TemplatePart[], role: Pick<NamingRole, 'rolePath'>): readonly TemplatePart[] {
  if (role.rolePath === '/' || role.rolePath === '' || parts.some((p) => 'placeholder' in p && p.placeholder === 'role_path')) return parts;
  return parts.flatMap((p): TemplatePart[] => ('placeholder' in p && p.placeholder === 'role' ? [{ placeholder: 'role_path' }, { text: '-' }, p] : [p]));
}

/** The name the default template `{account_name}-{role}` gives a role (with its path, see `partsFor`). */
export function defaultProfileName(role: Pick<NamingRole, 'accountId' | 'roleName'> & Partial<Pick<NamingRole, 'rolePath'>>, accountName?: string): string {
  const full = { roleArn: '', rolePath: '/', partition: 'aws' as const, ...role };
  return renderTemplate(partsFor(DEFAULT_PARTS, full), full, { accountName }).name;
}

/** What a template gives a set of sample roles: the first problem, or warnings worth showing. */
export type TemplateCheck = { ok: true; warnings: string[] } | { ok: false; error: string };

/**
 * Checks a template: its syntax, then what it renders for `samples` (empty, reserved or cut names, and names two
 * roles would share). Used by the options page while typing and by settings validation (with no samples).
 */
export function checkTemplate(template: string, samples: readonly (NamingRole & NamingContext)[] = []): TemplateCheck {
  const parsed = parseTemplate(template);
  if (!parsed.ok) return parsed;
  const warnings: string[] = [];
  for (const s of samples) {
    const { name, truncated } = renderTemplate(parsed.parts, s, s);
    if (name === '') return { ok: false, error: `The template renders an empty name for ${s.roleName} in ${s.accountId}.` };
    if (isReservedProfileName(name)) {
      return {
        ok: false,
        error: `The template renders "${name}" for ${s.roleName} in ${s.accountId}: that name is kept for the “also save as [default]” option.`,
      };
    }
    if (truncated) warnings.push(`${s.roleName} in ${s.accountId}: the name is cut to ${MAX_PROFILE_NAME_LENGTH} characters.`);
  }
  const resolved = resolveProfileNames(samples, { template, overrides: {}, accountNames: {} }, (s) => s);
  const shared = new Set([...resolved.values()].flatMap((r) => (r.conflict && !r.conflict.resolved ? [r.conflict.wanted] : [])));
  for (const name of shared) warnings.push(`Several roles would be named "${name}"; they are not saved until you give them names of their own.`);
  return { ok: true, warnings };
}

// ── names for a set of roles ─────────────────────────────────────────────────────────────────────────────────────

/** What names are made from, besides the roles: all from settings (see `namingRules` in lib/settings/queries.ts). */
export interface NamingRules {
  template: string;
  /** Role ARN → the user's (or organisation's) own profile name for it. Overrides win over the template. */
  overrides: Readonly<Record<string, string | undefined>>;
  /** Account id → display name (settings names over learnt aliases). */
  accountNames: Readonly<Record<string, string | undefined>>;
}

/** A role's profile name, and how it was reached. */
export interface ResolvedProfileName {
  name: string;
  source: 'override' | 'template';
  truncated: boolean;
  /**
   * Present when the wanted name could not be used as is. The reserved `default` (`withRoles` empty,
   * `resolved` true) is always suffixed. Several roles of the same set wanting one name (`withRoles`, `resolved`
   * false): none of them may be written — the name stays what it is, so nothing shifts; the user names one of them.
   */
  conflict?: { wanted: string; withRoles: string[]; resolved: boolean };
  /** Why the template was not used (an invalid stored template falls back to the default one). */
  templateError?: string;
}

/** FNV-1a, 32 bits, as 8 hex digits: a short deterministic tag of a role ARN (no crypto needed: not a secret). */
export function roleTag(roleArn: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < roleArn.length; i++) {
    h ^= roleArn.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** `name-<tag>`, cut so the whole stays within 64 characters. */
function withTag(name: string, roleArn: string): string {
  const base = name.slice(0, MAX_PROFILE_NAME_LENGTH - 9).replace(/[-_]+$/, '');
  return `${base || 'role'}-${roleTag(roleArn)}`;
}

/**
 * A role's profile name from the role and the rules alone: its valid override, else the template (with its path,
 * see `partsFor`; the default template if the stored one is invalid; the account id if both render nothing).
 *
 * Names never depend on other roles. Where the rendered name loses what tells roles apart — characters of the role
 * name replaced (`a.b` and `a_b` both render `a_b`) or the name cut to 64 characters — or is the reserved
 * `default`, the role's own tag (`-<8 hex digits of its ARN's hash>`) is always added, whether or not another role
 * is there to collide with.
 */
export function profileNameFor(role: NamingRole & NamingContext, rules: NamingRules): ResolvedProfileName {
  const override = rules.overrides[role.roleArn];
  if (override !== undefined && isValidProfileName(override)) return { name: override, source: 'override', truncated: false };
  const parsed = parseTemplate(rules.template);
  const parts = parsed.ok ? parsed.parts : DEFAULT_PARTS;
  const extra = parsed.ok ? {} : { templateError: parsed.error };
  const ctx = { accountName: role.accountName ?? rules.accountNames[role.accountId], sessionName: role.sessionName };
  let rendered = renderTemplate(partsFor(parts, role), role, ctx);
  if (rendered.name === '') rendered = renderTemplate(partsFor(DEFAULT_PARTS, role), role, ctx);
  if (rendered.name === '') rendered = { name: role.accountId, truncated: false };
  if (isReservedProfileName(rendered.name)) {
    return {
      ...rendered,
      name: withTag(rendered.name, role.roleArn),
      source: 'template',
      conflict: { wanted: rendered.name, withRoles: [], resolved: true },
      ...extra,
    };
  }
  const lossy = sanitizeProfileNamePart(role.roleName) !== role.roleName;
  const name = lossy || rendered.truncated ? withTag(rendered.name, role.roleArn) : rendered.name;
  return { ...rendered, name, source: 'template', ...extra };
}

/**
 * Profile names for `roles` (any order, any subset: each role's name is `profileNameFor` it, whatever else is in the
 * set). Two roles that still end up with one name (the user gave both the same override, two accounts share a
 * display name, a template without the account) are both reported with an unresolved `conflict` and must not be
 * written — except that when exactly one of them has an override, that role keeps the name the user chose.
 */
export function resolveProfileNames<T>(
  items: readonly T[],
  rules: NamingRules,
  roleOf: (item: T) => NamingRole & NamingContext,
): Map<string, ResolvedProfileName> {
  const byArn = new Map<string, ResolvedProfileName>();
  for (const item of items) {
    const role = roleOf(item);
    if (!byArn.has(role.roleArn)) byArn.set(role.roleArn, profileNameFor(role, rules));
  }
  const wanting = new Map<string, string[]>();
  for (const [arn, r] of byArn) wanting.set(r.name, [...(wanting.get(r.name) ?? []), arn]);
  for (const [name, arns] of wanting) {
    if (arns.length === 1) continue;
    const overridden = arns.filter((a) => byArn.get(a)!.source === 'override');
    const keeper = overridden.length === 1 ? overridden[0] : undefined;
    for (const arn of arns) {
      if (arn === keeper) continue;
      const r = byArn.get(arn)!;
      byArn.set(arn, { ...r, conflict: { wanted: name, withRoles: arns.filter((a) => a !== arn).sort(), resolved: false } });
    }
  }
  return byArn;
}

// ── names already given: a learnt alias never renames a profile on its own ─────────────────────────────────────

/** What is remembered per role: the name it was given, and what it would have been called without learnt aliases. */
export interface GivenName {
  name: string;
  /** The name from the settings alone (no learnt alias) when `name` was given. */
  plain: string;
}

/** The most names remembered (oldest dropped first is not needed: roles are few; this bounds a hostile value). */
export const MAX_GIVEN_NAMES = 2000;

/** Given names read from storage, keeping only well-formed entries (anything else is dropped, never trusted). */
export function normaliseGivenNames(value: unknown): Record<string, GivenName> {
  const out: Record<string, GivenName> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [arn, v] of Object.entries(value).slice(0, MAX_GIVEN_NAMES)) {
    if (typeof v !== 'object' || v === null) continue;
    const { name, plain } = v as Record<string, unknown>;
    if (
      arn.startsWith('arn:') &&
      arn.length <= 2048 &&
      typeof name === 'string' &&
      isValidProfileName(name) &&
      typeof plain === 'string' &&
      isValidProfileName(plain)
    )
      out[arn] = { name, plain };
  }
  return out;
}

/**
 * The name a role is written under, given the name with learnt aliases (`withAliases`), without them (`plain`)
 * and what it was given before. When only a learnt alias would change the name (the settings give the same plain
 * name as when it was given), the role keeps its given name and `renameTo` offers the new one; the user accepts a
 * rename in the popup or options. A role never named before gets `withAliases`; a change of settings renames (the
 * user made it).
 */
export function keepGivenName(
  withAliases: ResolvedProfileName,
  plain: ResolvedProfileName,
  given: GivenName | undefined,
): { resolved: ResolvedProfileName; remember: GivenName; renameTo?: string } {
  if (given && given.plain === plain.name && given.name !== withAliases.name && withAliases.source === 'template' && !withAliases.conflict) {
    return { resolved: { ...withAliases, name: given.name }, remember: given, renameTo: withAliases.name };
  }
  return { resolved: withAliases, remember: { name: withAliases.name, plain: plain.name } };
}
