import { describe, expect, it } from 'vitest';
import { formatExpiration } from '@/lib/credentials';
import { renderProfileSection } from '@/lib/credentials-file';
import { isValidProfileName } from '@/lib/profile-name';
import { EXPORT_FORMATS, type ExportFormat } from '@/lib/export-format-ids';
import { formatExport } from '@/lib/export-formats';

const creds = {
  accessKeyId: 'ASIAEXAMPLEKEYID1234',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'FwoGZXIvYXdzEXAMPLE//TOKEN+with/slashes==',
  expiration: '2026-11-22T11:00:00Z',
};

// Expected output is what `aws configure export-credentials --format F` prints (awscli exportcreds.py).
const EXPECTED: Record<ExportFormat, string> = {
  env:
    'export AWS_ACCESS_KEY_ID=ASIAEXAMPLEKEYID1234\n' +
    'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' +
    'export AWS_SESSION_TOKEN=FwoGZXIvYXdzEXAMPLE//TOKEN+with/slashes==\n' +
    'export AWS_CREDENTIAL_EXPIRATION=2026-11-22T11:00:00+00:00\n',
  'env-no-export':
    'AWS_ACCESS_KEY_ID=ASIAEXAMPLEKEYID1234\n' +
    'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' +
    'AWS_SESSION_TOKEN=FwoGZXIvYXdzEXAMPLE//TOKEN+with/slashes==\n' +
    'AWS_CREDENTIAL_EXPIRATION=2026-11-22T11:00:00+00:00\n',
  fish:
    'set -gx AWS_ACCESS_KEY_ID "ASIAEXAMPLEKEYID1234"\n' +
    'set -gx AWS_SECRET_ACCESS_KEY "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n' +
    'set -gx AWS_SESSION_TOKEN "FwoGZXIvYXdzEXAMPLE//TOKEN+with/slashes=="\n' +
    'set -gx AWS_CREDENTIAL_EXPIRATION "2026-11-22T11:00:00+00:00"\n',
  powershell:
    '$Env:AWS_ACCESS_KEY_ID="ASIAEXAMPLEKEYID1234"\n' +
    '$Env:AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n' +
    '$Env:AWS_SESSION_TOKEN="FwoGZXIvYXdzEXAMPLE//TOKEN+with/slashes=="\n' +
    '$Env:AWS_CREDENTIAL_EXPIRATION="2026-11-22T11:00:00+00:00"\n',
  'windows-cmd':
    'set AWS_ACCESS_KEY_ID=ASIAEXAMPLEKEYID1234\n' +
    'set AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' +
    'set AWS_SESSION_TOKEN=FwoGZXIvYXdzEXAMPLE//TOKEN+with/slashes==\n' +
    'set AWS_CREDENTIAL_EXPIRATION=2026-11-22T11:00:00+00:00\n',
  process:
    '{\n' +
    '  "Version": 1,\n' +
    '  "AccessKeyId": "ASIAEXAMPLEKEYID1234",\n' +
    '  "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",\n' +
    '  "SessionToken": "FwoGZXIvYXdzEXAMPLE//TOKEN+with/slashes==",\n' +
    '  "Expiration": "2026-11-22T11:00:00+00:00"\n' +
    '}\n',
  'credentials-file':
    '[dev-admin]\n' +
    'aws_access_key_id = ASIAEXAMPLEKEYID1234\n' +
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' +
    'aws_session_token = FwoGZXIvYXdzEXAMPLE//TOKEN+with/slashes==\n' +
    'aws_security_token = FwoGZXIvYXdzEXAMPLE//TOKEN+with/slashes==\n' +
    'x_security_token_expires = 2026-11-22T11:00:00+00:00\n',
};

describe('formatExport', () => {
  it.each(EXPORT_FORMATS.map((f) => f.id))('%s, byte for byte', (format) => {
    expect(formatExport(format, creds, 'dev-admin')).toBe(EXPECTED[format]);
  });

  it('process JSON parses and has exactly the credential_process keys in order', () => {
    expect(Object.keys(JSON.parse(formatExport('process', creds)))).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
  });
});

describe('formatExpiration (Python isoformat of a UTC time)', () => {
  it.each([
    ['2026-11-22T11:00:00Z', '2026-11-22T11:00:00+00:00'],
    ['2026-11-22T11:00:00.000Z', '2026-11-22T11:00:00+00:00'],
    ['2026-11-22T11:00:00.250Z', '2026-11-22T11:00:00.250000+00:00'],
    ['2026-11-22T12:00:00+01:00', '2026-11-22T11:00:00+00:00'],
  ])('%s → %s', (input, expected) => {
    expect(formatExpiration(input)).toBe(expected);
  });
  it('refuses garbage', () => {
    expect(() => formatExpiration('soon')).toThrow(/Invalid/);
  });
});

describe('profile names', () => {
  it.each([
    ['dev-admin', true],
    ['Dev_Admin-2', true],
    ['', false],
    ['a]b', false],
    ['a=b', false],
    ['a\nb', false],
    ['a b', false],
    ['profile x', false],
    ['x'.repeat(65), false],
  ])('%j valid: %s', (name, valid) => {
    expect(isValidProfileName(name)).toBe(valid);
  });

  it('a section refuses an unsafe name instead of corrupting the file', () => {
    expect(() => renderProfileSection('evil]\n[default', creds)).toThrow(/not a valid profile name/);
  });

  it('writes CRLF and region when asked', () => {
    expect(renderProfileSection('p', creds, { region: 'eu-west-1', newline: '\r\n' })).toMatch(/^\[p\]\r\n(.+\r\n){5}region = eu-west-1\r\n$/);
  });
});
