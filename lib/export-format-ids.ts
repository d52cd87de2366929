/**
 * The copy formats the extension offers, by id and label: what settings and the popup's first paint need, apart
 * from the renderers (lib/export-formats.ts). Pure.
 */

export type ExportFormat = 'env' | 'env-no-export' | 'fish' | 'powershell' | 'windows-cmd' | 'process' | 'credentials-file';

export const EXPORT_FORMATS: readonly { id: ExportFormat; label: string; description: string }[] = [
  { id: 'env', label: 'bash / zsh', description: 'export AWS_ACCESS_KEY_ID=…' },
  { id: 'env-no-export', label: 'sh (no export)', description: 'AWS_ACCESS_KEY_ID=…' },
  { id: 'fish', label: 'fish', description: 'set -gx AWS_ACCESS_KEY_ID "…"' },
  { id: 'powershell', label: 'PowerShell', description: '$Env:AWS_ACCESS_KEY_ID="…"' },
  { id: 'windows-cmd', label: 'cmd', description: 'set AWS_ACCESS_KEY_ID=…' },
  { id: 'process', label: 'credential_process JSON', description: '{"Version": 1, …}' },
  { id: 'credentials-file', label: 'credentials file', description: '[profile] section for ~/.aws/credentials' },
];
