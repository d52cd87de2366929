/** Temporary AWS credentials as STS issues them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601 instant, as STS returns it. */
  expiration: string;
}

/**
 * The expiry as the AWS CLI prints it (`datetime.isoformat()` of a UTC time): `2026-11-22T10:00:00+00:00`,
 * with microseconds only when there are any.
 */
export function formatExpiration(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error('Invalid expiration time');
  const base = d.toISOString().slice(0, 19);
  const ms = d.getUTCMilliseconds();
  return `${base}${ms ? '.' + String(ms * 1000).padStart(6, '0') : ''}+00:00`;
}
