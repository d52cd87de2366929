/**
 * A small strict HTML tokenizer for the IdP's answer page (a service worker has no DOMParser). It reads only what
 * silent renewal classifies on: forms with their inputs, `<meta name content>`, the title, and the few fields of
 * Entra's `$Config={…}` blob. Comments, `<script>`, `<style>`, `<textarea>` and `<template>` bodies are skipped
 * (a form inside a script string is not a form). One forward pass: linear in the input, which is bounded.
 */

/** Pages larger than this are refused (Entra's sign-in pages are a few hundred KB). */
export const MAX_HTML_LENGTH = 2 * 1024 * 1024;
/** The `$Config` object is read only up to this many characters. */
export const MAX_CONFIG_LENGTH = 512 * 1024;
const MAX_FORMS = 32;
const MAX_INPUTS = 256;
const MAX_METAS = 128;
const MAX_ATTRIBUTES = 64;

export interface ScannedInput {
  name: string;
  value: string;
  /** Lower-cased; `text` when absent, as browsers default it. */
  type: string;
}

export interface ScannedForm {
  /** As written (entities decoded); empty when absent. */
  action: string;
  /** Lower-cased; `get` when absent. */
  method: string;
  name: string;
  inputs: ScannedInput[];
}

/** The fields of Entra's `$Config` the classifier reads. */
export interface EntraConfig {
  pgid?: string;
  sErrorCode?: string;
  iErrorCode?: string;
  urlPost?: string;
  /** How many signed-in accounts the page offers (`arrSessions`), when it lists them. */
  sessionCount?: number;
}

export interface ScannedPage {
  title?: string;
  /** `<meta name>` (lower-cased) → content; the first of each name wins. */
  metas: Record<string, string>;
  forms: ScannedForm[];
  config?: EntraConfig;
}

export type ScanResult = { ok: true; page: ScannedPage } | { ok: false; error: 'too-large' };

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', sol: '/', equals: '=', colon: ':' };

/** Decodes the character references found in attribute values and titles; unknown ones stay as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]{2,8});?/g, (whole: string, ref: string, offset: number) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    const named = Object.hasOwn(NAMED, ref) ? NAMED[ref] : undefined;
    if (named === undefined) return whole;
    if (whole.endsWith(';')) return named;
    // Browsers decode a legacy reference without `;` in an attribute only when no letter, digit or `=` follows.
    const after = text[offset + whole.length];
    return ref.length <= 4 && (after === undefined || !/[A-Za-z0-9=]/.test(after)) ? named : whole;
  });
}

/** ASCII-only lower case, so indexes stay the same as in the original (`toLowerCase` may change lengths). */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

const NAME_CHAR = /[A-Za-z0-9:_-]/;
const SPACE = /[\s/]/;

interface Tag {
  name: string;
  attrs: Map<string, string>;
  /** Index just after the closing `>`. */
  end: number;
  /** False when the input ended inside the tag (browsers then drop it). */
  complete: boolean;
}

/** Reads a start tag at `at` (which points at `<` + a letter). */
function readTag(html: string, at: number): Tag {
  let i = at + 1;
  const n = html.length;
  let name = '';
  while (i < n && NAME_CHAR.test(html[i]!)) name += html[i++]!;
  const attrs = new Map<string, string>();
  while (i < n) {
    while (i < n && SPACE.test(html[i]!)) i++;
    if (i >= n) break;
    if (html[i] === '>') return { name: name.toLowerCase(), attrs, end: i + 1, complete: true };
    let attrName = '';
    while (i < n && !/[\s/>=]/.test(html[i]!)) attrName += html[i++]!;
    if (attrName === '') {
      i++; // a stray character (`=`) on its own
      continue;
    }
    while (i < n && /\s/.test(html[i]!)) i++;
    let value = '';
    if (html[i] === '=') {
      i++;
      while (i < n && /\s/.test(html[i]!)) i++;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        const stop = close < 0 ? n : close;
        value = html.slice(i + 1, stop);
        i = stop + 1;
      } else {
        const start = i;
        while (i < n && !/[\s>]/.test(html[i]!)) i++;
        value = html.slice(start, i);
      }
    }
    const key = attrName.toLowerCase();
    if (!attrs.has(key) && attrs.size < MAX_ATTRIBUTES) attrs.set(key, decodeEntities(value));
  }
  return { name: name.toLowerCase(), attrs, end: n, complete: false };
}

/** Elements whose body is not markup: skipped to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'template', 'title', 'xmp', 'noembed', 'noframes', 'iframe']);

/** The `{…}` starting at `from` (a `{`), strings and escapes respected; null when unbalanced or too long. */
function balancedObject(text: string, from: number): string | null {
  let depth = 0;
  let quote: string | null = null;
  const limit = Math.min(text.length, from + MAX_CONFIG_LENGTH);
  for (let i = from; i < limit; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(from, i + 1);
  }
  return null;
}

function stringField(value: unknown): string | undefined {
  if (typeof value === 'string') return value.slice(0, 2048);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** One field from a `$Config` that is not strict JSON: `"key":"value"` or `"key":123`. */
function looseField(blob: string, key: string): string | undefined {
  const m = new RegExp(`["']?${key}["']?\\s*:\\s*(?:"((?:[^"\\\\]|\\\\.){0,2048})"|(-?\\d{1,12}))`).exec(blob);
  if (!m) return undefined;
  if (m[2] !== undefined) return m[2];
  try {
    return JSON.parse(`"${m[1] ?? ''}"`) as string;
  } catch {
    return undefined;
  }
}

/** Reads Entra's `$Config={…}` from a script body; undefined when there is none. */
function readConfig(script: string): EntraConfig | undefined {
  const at = script.search(/\$Config\s*=\s*\{/);
  if (at < 0) return undefined;
  const open = script.indexOf('{', at);
  const blob = balancedObject(script, open);
  if (blob === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(blob);
  } catch {
    parsed = undefined;
  }
  const config: EntraConfig = {};
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const o = parsed as Record<string, unknown>;
    const fields = { pgid: stringField(o.pgid), sErrorCode: stringField(o.sErrorCode), iErrorCode: stringField(o.iErrorCode), urlPost: stringField(o.urlPost) };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') config[k as keyof typeof fields] = v;
    if (Array.isArray(o.arrSessions)) config.sessionCount = o.arrSessions.length;
  } else {
    for (const key of ['pgid', 'sErrorCode', 'iErrorCode', 'urlPost'] as const) {
      const v = looseField(blob, key);
      if (v !== undefined && v !== '') config[key] = v;
    }
  }
  return config;
}

/** Scans an HTML page; refuses one over MAX_HTML_LENGTH. Never throws. */
export function scanHtml(html: string): ScanResult {
  if (html.length > MAX_HTML_LENGTH) return { ok: false, error: 'too-large' };
  const lower = asciiLower(html);
  const page: ScannedPage = { metas: Object.create(null) as Record<string, string>, forms: [] };
  let metaCount = 0;
  let form: ScannedForm | null = null;
  let i = 0;
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    const next = html[lt + 1];
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close < 0 ? n : close + 3;
      continue;
    }
    if (next === '!' || next === '?') {
      const close = html.indexOf('>', lt + 2);
      i = close < 0 ? n : close + 1;
      continue;
    }
    if (next === '/') {
      let j = lt + 2;
      let name = '';
      while (j < n && NAME_CHAR.test(html[j]!)) name += html[j++]!;
      const close = html.indexOf('>', j);
      if (name.toLowerCase() === 'form') form = null;
      i = close < 0 ? n : close + 1;
      continue;
    }
    if (next === undefined || !/[A-Za-z]/.test(next)) {
      i = lt + 1;
      continue;
    }
    const tag = readTag(html, lt);
    if (!tag.complete) break;
    i = tag.end;
    const { name, attrs } = tag;
    if (RAW_TEXT.has(name)) {
      const close = lower.indexOf(`</${name}`, i);
      const body = html.slice(i, close < 0 ? n : close);
      if (name === 'title' && page.title === undefined) page.title = decodeEntities(body).replace(/\s+/g, ' ').trim().slice(0, 200);
      if (name === 'script' && page.config === undefined && body.includes('$Config')) page.config = readConfig(body);
      if (close < 0) break;
      const gt = html.indexOf('>', close);
      i = gt < 0 ? n : gt + 1;
      continue;
    }
    if (name === 'form') {
      // As browsers do: a form start tag inside an open form is ignored.
      if (form === null && page.forms.length < MAX_FORMS) {
        form = { action: attrs.get('action') ?? '', method: (attrs.get('method') ?? 'get').toLowerCase(), name: attrs.get('name') ?? '', inputs: [] };
        page.forms.push(form);
      }
    } else if (name === 'input') {
      const inputName = attrs.get('name');
      if (form && inputName !== undefined && form.inputs.length < MAX_INPUTS) {
        form.inputs.push({ name: inputName, value: attrs.get('value') ?? '', type: (attrs.get('type') ?? 'text').toLowerCase() });
      }
    } else if (name === 'meta') {
      const metaName = attrs.get('name')?.toLowerCase();
      if (metaName && !Object.hasOwn(page.metas, metaName) && metaCount < MAX_METAS) {
        page.metas[metaName] = attrs.get('content') ?? '';
        metaCount++;
      }
    }
  }
  return { ok: true, page };
}
