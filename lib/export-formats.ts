/**
 * Shell and tool formats for temporary credentials, byte for byte as `aws configure export-credentials --format F`
 * prints them (docs/cli-formats.md#export-credentials-formats), plus a credentials-file section.
 */
import { formatExpiration, type AwsCredentials } from './credentials';
import { renderProfileSection } from './credentials-file';
import type { ExportFormat } from './export-format-ids';

const LINE: Record<Exclude<ExportFormat, 'process' | 'credentials-file'>, (name: string, value: string) => string> = {
  env: (n, v) => `export ${n}=${v}`,
  'env-no-export': (n, v) => `${n}=${v}`,
  fish: (n, v) => `set -gx ${n} "${v}"`,
  powershell: (n, v) => `$Env:${n}="${v}"`,
  'windows-cmd': (n, v) => `set ${n}=${v}`,
};

/** Renders `credentials` in `format`. `profileName` is used by the credentials-file format only. */
export function formatExport(format: ExportFormat, credentials: AwsCredentials, profileName = 'default'): string {
  const expiration = formatExpiration(credentials.expiration);
  if (format === 'process') {
    const json = {
      Version: 1,
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: expiration,
    };
    return JSON.stringify(json, null, 2) + '\n';
  }
  if (format === 'credentials-file') return renderProfileSection(profileName, credentials);
  const line = LINE[format];
  return [
    line('AWS_ACCESS_KEY_ID', credentials.accessKeyId),
    line('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey),
    line('AWS_SESSION_TOKEN', credentials.sessionToken),
    line('AWS_CREDENTIAL_EXPIRATION', expiration),
  ]
    .map((l) => l + '\n')
    .join('');
}
