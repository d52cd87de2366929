/** Which access key each profile of a credentials file holds: how the tests and the bench see a save or a renewal land. */
import { existsSync, readFileSync } from 'node:fs';
import { parseCredentialsFile } from '../../lib/credentials-file';

function sections(file: string) {
  if (!existsSync(file)) return undefined;
  const parsed = parseCredentialsFile(readFileSync(file, 'utf8'));
  return parsed.ok ? parsed.sections : undefined;
}

/** The access key id of one profile, or undefined while the file, or the profile in it, is not there. */
export function savedKeyId(file: string, profile: string): string | undefined {
  return sections(file)?.get(profile)?.get('aws_access_key_id');
}

/** Every profile's access key id; throws when the file is missing or does not parse. */
export function savedKeyIds(file: string): Record<string, string | undefined> {
  const all = sections(file);
  if (!all) throw new Error(`${file} is missing or does not parse`);
  return Object.fromEntries([...all].map(([name, section]) => [name, section.get('aws_access_key_id')]));
}
