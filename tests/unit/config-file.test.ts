/**
 * The config-file writer (lib/config-file.ts): the credentials writer's rules on `~/.aws/config` — random files with
 * foreign sections and comments keep every untouched byte, the result reads (reference reader, and botocore itself
 * when python3 has it), a profile the user defines in any spelling is never written — plus its own values
 * (`credential_process` quoting as botocore splits it, chains).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  configSectionName,
  ConfigValueError,
  credentialProcessCommand,
  mergeConfigFile,
  profileOfSection,
  shlexSplit,
  writableConfigProfiles,
  type ConfigProfileUpdate,
} from '@/lib/config-file';
import { CredentialsFileError } from '@/lib/credentials-file';
import { blocks, credentialsFile, neutral, referenceRead } from '../support/credentials-file-model';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const NODE = '/usr/bin/node';
const HELPER = '/home/ana/.local/share/aws-saml-bridge/aws-saml-bridge.mjs';
const command = (name: string) => credentialProcessCommand(name, [NODE, HELPER, 'credential-process', '--profile', name], 'linux');
const processProfile = (name: string, region?: string): ConfigProfileUpdate => ({ name, credentialProcess: command(name), ...(region ? { region } : {}) });

const failure = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigValueError) return `${e.field}`;
    if (e instanceof CredentialsFileError) return e.code;
    throw e;
  }
  return 'ok';
};

describe('mergeConfigFile — examples', () => {
  it('writes [profile x] and [default] sections to a new file, one key per line', () => {
    expect(mergeConfigFile('', [processProfile('111111111111-Admin', 'eu-west-1'), processProfile('default')])).toBe(
      '[profile 111111111111-Admin]\n' +
        `credential_process = ${NODE} ${HELPER} credential-process --profile 111111111111-Admin\n` +
        'region = eu-west-1\n' +
        '\n' +
        '[default]\n' +
        `credential_process = ${NODE} ${HELPER} credential-process --profile default\n`,
    );
  });

  it('writes a chain the AWS CLI assumes itself', () => {
    const text = mergeConfigFile('[profile dev]\nregion = us-east-1\n', [
      {
        name: 'audit',
        chain: {
          roleArn: 'arn:aws:iam::777777777777:role/OrgAuditor',
          sourceProfile: '111111111111-Admin',
          externalId: 'ext-42',
          durationSeconds: 3600,
          sessionName: 'ana@example.com',
        },
      },
    ]);
    expect(text).toBe(
      '[profile dev]\nregion = us-east-1\n\n[profile audit]\nrole_arn = arn:aws:iam::777777777777:role/OrgAuditor\nsource_profile = 111111111111-Admin\n' +
        'external_id = ext-42\nduration_seconds = 3600\nrole_session_name = ana@example.com\n',
    );
  });

  it.each([
    ['CRLF', '# mine\r\n[profile dev]\r\noutput = json\r\n', '# mine\r\n[profile dev]\r\noutput = json\r\n\r\n[profile new]\r\ncredential_process = '],
    ['no final newline', '[sso-session corp]\nsso_region = eu-west-1', '[sso-session corp]\nsso_region = eu-west-1\n\n[profile new]\ncredential_process = '],
    ['lone CR', '[x]\ra = 1\r', '[x]\ra = 1\r\r[profile new]\rcredential_process = '],
  ])('keeps the file’s line endings (%s)', (_, before, start) => {
    expect(mergeConfigFile(before, [processProfile('new')]).startsWith(start)).toBe(true);
  });

  it('takes a Windows command line as the host builds it', () => {
    const line = credentialProcessCommand('dev', ['C:\\nodejs\\node.exe', 'C:\\Users\\ana\\AppData\\Local\\aws-saml-bridge\\aws-saml-bridge.mjs'], 'win32');
    expect(mergeConfigFile('', [{ name: 'dev', credentialProcess: line }])).toBe(`[profile dev]\ncredential_process = ${line}\n`);
  });

  it('refuses a file that starts with a byte-order mark (the AWS CLI cannot read it) instead of changing it', () => {
    expect(failure(() => mergeConfigFile('\ufeff[profile dev]\nregion = us-east-1\n', [processProfile('new')]))).toBe('DAMAGED_FILE');
  });

  it('switching a profile from credential_process to a chain drops credential_process and keeps the user’s keys and comments', () => {
    const before = `[profile x]\n# my note\ncredential_process = ${command('x')}\noutput = json\nregion = eu-west-1\n`;
    const after = mergeConfigFile(before, [{ name: 'x', chain: { roleArn: 'arn:aws-us-gov:iam::222222222222:role/Ops', sourceProfile: 'gov' } }]);
    expect(after).toBe(
      '[profile x]\n# my note\noutput = json\nregion = eu-west-1\nrole_arn = arn:aws-us-gov:iam::222222222222:role/Ops\nsource_profile = gov\n',
    );
    // And back: the chain's keys go, the region stays.
    expect(mergeConfigFile(after, [processProfile('x')])).toBe(
      `[profile x]\n# my note\noutput = json\nregion = eu-west-1\ncredential_process = ${command('x')}\n`,
    );
  });

  it('removes a section and the blank lines after it, nothing else', () => {
    const before = '[profile a]\nregion = us-east-1\n\n[profile gone]\ncredential_process = /x\n\n# keep me\n[profile b]\noutput = text\n';
    expect(mergeConfigFile(before, [], { removals: ['gone', 'never-there'] })).toBe(
      '[profile a]\nregion = us-east-1\n\n# keep me\n[profile b]\noutput = text\n',
    );
  });

  it.each<[string, ConfigProfileUpdate, string]>([
    ['a relative command', { name: 'a', credentialProcess: 'node helper.mjs' }, 'credentialProcess'],
    ['a command under ~', { name: 'a', credentialProcess: '~/bin/helper' }, 'credentialProcess'],
    ['a command with a line break', { name: 'a', credentialProcess: '/bin/x\n[profile evil]' }, 'credentialProcess'],
    ['neither kind', { name: 'a' }, 'kind'],
    ['both kinds', { name: 'a', credentialProcess: '/bin/x', chain: { roleArn: 'arn:aws:iam::111111111111:role/R', sourceProfile: 'b' } }, 'kind'],
    ['not a role ARN', { name: 'a', chain: { roleArn: 'arn:aws:iam::111111111111:user/R', sourceProfile: 'b' } }, 'roleArn'],
    ['itself as source', { name: 'a', chain: { roleArn: 'arn:aws:iam::111111111111:role/R', sourceProfile: 'a' } }, 'sourceProfile'],
    ['a source with a space', { name: 'a', chain: { roleArn: 'arn:aws:iam::111111111111:role/R', sourceProfile: 'b c' } }, 'sourceProfile'],
    [
      'an external id with a newline',
      { name: 'a', chain: { roleArn: 'arn:aws:iam::111111111111:role/R', sourceProfile: 'b', externalId: 'x\ny' } },
      'externalId',
    ],
    ['a duration of 60 s', { name: 'a', chain: { roleArn: 'arn:aws:iam::111111111111:role/R', sourceProfile: 'b', durationSeconds: 60 } }, 'durationSeconds'],
    [
      'a session name with a space',
      { name: 'a', chain: { roleArn: 'arn:aws:iam::111111111111:role/R', sourceProfile: 'b', sessionName: 'a b' } },
      'sessionName',
    ],
    ['an upper-case region', { ...processProfile('a'), region: 'EU-WEST-1' }, 'region'],
    ['DEFAULT', processProfile('DEFAULT'), 'INVALID_PROFILE_NAME'],
    ['a name with ]', { ...processProfile('a'), name: 'a]b' }, 'INVALID_PROFILE_NAME'],
  ])('refuses %s', (_, update, field) => {
    expect(failure(() => mergeConfigFile('[profile keep]\nregion = us-east-1\n', [update]))).toBe(field);
  });
});

describe('which sections botocore reads a profile from', () => {
  it.each([
    ['default', 'default'],
    ['profile dev', 'dev'],
    ['profile   dev', 'dev'],
    ['profile "dev"', 'dev'],
    ["profile 'my dev'", 'my dev'],
    ['profile\tdev', 'dev'],
    ['profiledev', null],
    ['profile', null],
    ['profile a b', null],
    ["profile 'unclosed", null],
    ['dev', null],
    ['sso-session dev', null],
    ['DEFAULT', null],
  ])('[%s] → %s', (section, profile) => {
    expect(profileOfSection(section)).toBe(profile);
  });

  it('skips a profile the user defines, in any spelling, and writes new and own ones', () => {
    const file =
      '[profile "dev"]\nregion = us-east-1\n[profile mine]\ncredential_process = /x\n[profile default]\nregion = eu-west-1\n[profile both]\n[profile  both]\n';
    expect(writableConfigProfiles(file, ['dev', 'mine', 'new', 'default', 'both'], new Set(['mine', 'both']))).toEqual({
      writable: ['mine', 'new'],
      skipped: ['dev', 'default', 'both'],
    });
  });
});

describe('credential_process quoting', () => {
  it.each<[string, string[], string]>([
    [
      'linux',
      ['/usr/bin/node', '/home/ana/.local/share/aws-saml-bridge/aws-saml-bridge.mjs', 'credential-process', '--profile', 'dev'],
      '/usr/bin/node /home/ana/.local/share/aws-saml-bridge/aws-saml-bridge.mjs credential-process --profile dev',
    ],
    [
      'darwin',
      ['/opt/homebrew/bin/node', '/Users/ana/Library/Application Support/aws-saml-bridge/aws-saml-bridge.mjs', 'credential-process', '--profile', 'dev'],
      "/opt/homebrew/bin/node '/Users/ana/Library/Application Support/aws-saml-bridge/aws-saml-bridge.mjs' credential-process --profile dev",
    ],
    ['linux', ["/home/o'brien/node", '/h/x.mjs'], `'/home/o'"'"'brien/node' /h/x.mjs`],
    [
      'win32',
      ['C:\\Program Files\\nodejs\\node.exe', 'C:\\Users\\ana\\AppData\\Local\\aws-saml-bridge\\aws-saml-bridge.mjs', 'credential-process'],
      '"C:\\Program Files\\nodejs\\node.exe" C:\\Users\\ana\\AppData\\Local\\aws-saml-bridge\\aws-saml-bridge.mjs credential-process',
    ],
  ])('%s: %j', (platform, argv, line) => {
    expect(credentialProcessCommand('dev', argv, platform)).toBe(line);
    if (platform !== 'win32') expect(shlexSplit(line)).toEqual(argv);
  });

  it.each([
    ['linux', ['~/node', '/h/x.mjs']],
    ['linux', ['/usr/bin/node', '$HOME/x.mjs']],
    ['linux', ['node', '/h/x.mjs']],
    ['win32', ['%LOCALAPPDATA%\\node.exe', 'C:\\x.mjs']],
    ['win32', ['C:\\node.exe', 'x.mjs']],
    ['linux', ['/usr/bin/node', '/h/x\n.mjs']],
  ])('%s: refuses %j', (platform, argv) => {
    expect(failure(() => credentialProcessCommand('dev', argv, platform))).toBe('credentialProcess');
  });
});

// ── properties over random files ─────────────────────────────────────────────────────────────────────────────

const names = ['dev', 'prod-admin', 'x_1', 'default', 'a', 'b'];
const region = fc.option(fc.constantFrom('us-east-1', 'eu-west-1', 'cn-north-1'), { nil: undefined });
const update = (name: string): fc.Arbitrary<ConfigProfileUpdate> =>
  fc.oneof(
    region.map((r) => processProfile(name, r)),
    fc
      .record({
        source: fc.constantFrom(...names.filter((n) => n !== name)),
        externalId: fc.option(fc.constantFrom('ext-1', 'a:b/c=d'), { nil: undefined }),
        duration: fc.option(fc.integer({ min: 900, max: 3600 }), { nil: undefined }),
        region,
      })
      .map(({ source, externalId, duration, region: r }) => ({
        name,
        chain: {
          roleArn: 'arn:aws:iam::777777777777:role/Target',
          sourceProfile: source,
          ...(externalId ? { externalId } : {}),
          ...(duration ? { durationSeconds: duration } : {}),
        },
        ...(r ? { region: r } : {}),
      })),
  );
/** A random config file, which profiles of it this helper manages, and a change. */
const scenario = credentialsFile.chain((file) =>
  fc.record({
    file: fc.constant(file),
    managed: fc.subarray(names),
    targets: fc.shuffledSubarray(names, { maxLength: 4 }).chain((ts) => fc.tuple(...ts.map(update))),
  }),
);

/** Merges what `writableConfigProfiles` allows; null when the file is one botocore cannot read (and was refused). */
function apply(file: string, managed: string[], targets: ConfigProfileUpdate[]): { out: string; written: ConfigProfileUpdate[] } | null {
  const { writable } = writableConfigProfiles(
    file,
    targets.map((t) => t.name),
    new Set(managed),
  );
  const written = targets.filter((t) => writable.includes(t.name));
  try {
    return { out: mergeConfigFile(file, written), written };
  } catch (e) {
    if (!(e instanceof CredentialsFileError)) throw e;
    // Only files botocore cannot read, and adding under a [DEFAULT] whose nested value breaks every new section.
    expect(!referenceRead(file).ok || !referenceRead(`${file}\n[probe]\n`).ok).toBe(true);
    return null;
  }
}

describe('mergeConfigFile — properties (random files with foreign sections and comments)', () => {
  it('keeps every byte of sections it does not write, writes the values once, and never writes a profile it does not own', () => {
    let merged = 0;
    fc.assert(
      fc.property(scenario, ({ file, managed, targets }) => {
        const r = apply(file, managed, targets);
        if (!r) return;
        merged++;
        // Only profiles that are new, or this helper's own in their own header, are written.
        const old = referenceRead(file);
        const existing = old.ok ? Object.keys(old.sections) : [];
        for (const t of r.written) {
          const found = existing.filter((s) => profileOfSection(s) === t.name);
          expect(found.length === 0 || (managed.includes(t.name) && found.every((s) => s === configSectionName(t.name)))).toBe(true);
        }
        const sections = new Set(r.written.map((t) => configSectionName(t.name)));
        const before = blocks(file).filter((b) => b.name === null || !sections.has(b.name));
        const after = blocks(r.out).filter((b) => b.name === null || !sections.has(b.name));
        expect(after.map((b) => b.name)).toEqual(before.map((b) => b.name));
        before.forEach((old, i) => {
          expect(after[i]!.text.startsWith(old.text)).toBe(true);
          expect(after[i]!.lines.slice(old.lines.length).every(neutral)).toBe(true);
        });
        const read = referenceRead(r.out);
        expect(read.ok).toBe(true);
        if (!read.ok) return;
        for (const t of r.written) {
          const keys = read.sections[configSectionName(t.name)]!;
          if (t.credentialProcess) expect([keys.credential_process, keys.role_arn]).toEqual([t.credentialProcess, undefined]);
          else expect([keys.role_arn, keys.source_profile, keys.credential_process]).toEqual([t.chain!.roleArn, t.chain!.sourceProfile, undefined]);
          if (t.region) expect(keys.region).toBe(t.region);
        }
        const headers = read.lines.filter((l) => l.kind === 'header' && l.section !== 'DEFAULT').map((l) => l.section);
        expect(new Set(headers).size).toBe(headers.length);
      }),
      { numRuns: RUNS },
    );
    expect(merged).toBeGreaterThan(RUNS * 0.7);
  }, 60_000);

  it('is idempotent', () => {
    fc.assert(
      fc.property(scenario, ({ file, managed, targets }) => {
        const r = apply(file, managed, targets);
        if (r) expect(mergeConfigFile(r.out, r.written)).toBe(r.out);
      }),
      { numRuns: RUNS / 4 },
    );
  });
});

// ── botocore itself ──────────────────────────────────────────────────────────────────────────────────────────

const hasBotocore = spawnSync('python3', ['-c', 'import botocore'], { stdio: 'ignore' }).status === 0;
const PYTHON_CHECK = `
import json, shlex, sys, botocore.configloader as cl, botocore.exceptions as ex
req = json.load(sys.stdin)
out = {"files": [], "split": []}
for path in req["files"]:
    try:
        out["files"].append({"ok": True, "profiles": cl.load_config(path)["profiles"]})
    except ex.ConfigParseError:
        out["files"].append({"ok": False})
for s in req["split"]:
    try:
        out["split"].append(shlex.split(s))
    except ValueError:
        out["split"].append(None)
print(json.dumps(out))
`;

describe.skipIf(!hasBotocore)('botocore reads what the writer wrote (python3 found)', () => {
  it('load_config finds each written profile with its values; shlex.split agrees with shlexSplit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-oracle-'));
    try {
      const cases = fc
        .sample(scenario, { numRuns: 300, seed: 20_261_130 })
        .flatMap(({ file, managed, targets }) => {
          const r = apply(file, managed, targets);
          return r ? [r] : [];
        })
        .filter((r) => r.written.length > 0);
      const paths = cases.map((c, i) => {
        const p = join(dir, `c${i}`);
        writeFileSync(p, c.out, 'utf8');
        return p;
      });
      const split = fc.sample(fc.string({ unit: fc.constantFrom(...'ab "\'\\\t/'), maxLength: 12 }), { numRuns: 500, seed: 7 });
      split.push('profile dev', 'profile "a b"', "profile 'x", 'a\\', '"a\\"b"', '"a\\xb"');
      const py = spawnSync('python3', ['-c', PYTHON_CHECK], { input: JSON.stringify({ files: paths, split }), env: { ...process.env, PYTHONUTF8: '1' } });
      expect(py.status, String(py.stderr)).toBe(0);
      const real = JSON.parse(String(py.stdout)) as {
        files: ({ ok: true; profiles: Record<string, Record<string, string>> } | { ok: false })[];
        split: (string[] | null)[];
      };
      expect(cases.length).toBeGreaterThan(100);
      cases.forEach((c, i) => {
        const r = real.files[i]!;
        expect(r.ok, c.out).toBe(true);
        if (!r.ok) return;
        for (const t of c.written) {
          const p = r.profiles[t.name]!;
          expect(p, c.out).toBeDefined();
          if (t.credentialProcess) expect(p.credential_process).toBe(t.credentialProcess);
          else expect([p.role_arn, p.source_profile]).toEqual([t.chain!.roleArn, t.chain!.sourceProfile]);
        }
      });
      split.forEach((s, i) => expect(shlexSplit(s), JSON.stringify(s)).toEqual(real.split[i]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
