// `npm run lint:firefox` (through tsx): AMO's own linter (`web-ext lint`, offline) on the Firefox build.
// Fails on any error and on any warning except the ones listed in KNOWN_WARNINGS, each of which is tied to the
// exact code that causes it (checked in the built file, so a new occurrence elsewhere still fails) and explained
// in the README's Firefox section.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE_DIR = process.argv[2] ?? '.output/firefox-mv3';

interface LintMessage {
  code: string;
  message: string;
  description?: string;
  file?: string;
  line?: number;
  column?: number;
}
interface LintReport {
  summary: { errors: number; notices: number; warnings: number };
  errors: LintMessage[];
  warnings: LintMessage[];
  notices: LintMessage[];
}

interface KnownWarning {
  code: string;
  /** Matches the built code from the reported position on. */
  at: RegExp;
  why: string;
  /** Holds while the exception is justified; checked on every run. */
  stillJustified(): string | undefined;
}

/** Source files of the extension (not tests): where a `dangerouslySetInnerHTML` would be written. */
function extensionSources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx|js|jsx)$/.test(f))
    .map((f) => join(dir, f));
}

const KNOWN_WARNINGS: KnownWarning[] = [
  {
    code: 'UNSAFE_VAR_ASSIGNMENT',
    // Preact's renderer: `dom.innerHTML = newProps.dangerouslySetInnerHTML.__html` (minified `e.innerHTML=g.__html`).
    at: /^[\w$]+\.innerHTML=[\w$]+\.__html\b/,
    why: "Preact's support for the dangerouslySetInnerHTML prop; no component uses that prop, so the branch never runs",
    stillJustified() {
      const users = ['components', 'entrypoints', 'lib'].flatMap(extensionSources).filter((f) => readFileSync(f, 'utf8').includes('dangerouslySetInnerHTML'));
      return users.length ? `dangerouslySetInnerHTML is now used in ${users.join(', ')}: the Preact warning is no longer dead code` : undefined;
    },
  },
];

/** The built code at a reported position (addons-linter reports ESLint's 1-based line and column). */
function codeAt(file: string, line: number, column: number): string {
  const lines = readFileSync(join(SOURCE_DIR, file), 'utf8').split('\n');
  return (lines[line - 1] ?? '').slice(column - 1, column - 1 + 200);
}

function describe(m: LintMessage): string {
  const where = m.file ? ` ${m.file}${m.line ? `:${m.line}${m.column !== undefined ? `:${m.column}` : ''}` : ''}` : '';
  return `${m.code}${where} — ${m.message}${m.description ? `: ${m.description}` : ''}`;
}

function main(): number {
  if (!existsSync(join(SOURCE_DIR, 'manifest.json'))) {
    console.error(`${SOURCE_DIR}/manifest.json not found: build first (npm run build:firefox).`);
    return 1;
  }
  const webExt = join('node_modules', '.bin', 'web-ext');
  const r = spawnSync(webExt, ['lint', '--source-dir', SOURCE_DIR, '--output', 'json', '--no-config-discovery'], { encoding: 'utf8', timeout: 120_000 });
  let report: LintReport;
  try {
    report = JSON.parse(r.stdout) as LintReport;
  } catch {
    console.error(`web-ext lint did not produce a JSON report (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    return 1;
  }
  const problems: string[] = report.errors.map((m) => `error: ${describe(m)}`);
  const accepted: string[] = [];
  for (const w of report.warnings) {
    const known = KNOWN_WARNINGS.find((k) => k.code === w.code && w.file && w.line && w.column !== undefined && k.at.test(codeAt(w.file, w.line, w.column)));
    const unjustified = known?.stillJustified();
    if (known && !unjustified) accepted.push(`${describe(w)}\n    accepted: ${known.why}`);
    else problems.push(`warning: ${describe(w)}${unjustified ? `\n    ${unjustified}` : ''}`);
  }
  for (const n of report.notices) console.log(`notice: ${describe(n)}`);
  for (const a of accepted) console.log(`known warning: ${a}`);
  console.log(
    `web-ext lint ${SOURCE_DIR}: ${report.summary.errors} errors, ${report.summary.warnings} warnings (${accepted.length} known and explained), ${report.summary.notices} notices`,
  );
  if (problems.length) {
    console.error(problems.join('\n'));
    return 1;
  }
  return 0;
}

process.exit(main());
