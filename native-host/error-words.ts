/**
 * The host's own words for its refusals, written from a code and its data (lib/host-protocol.ts `HostErrorData`):
 * the `message` of an error reply (read in the browser's log and by `doctor`) and what the CLI prints. The
 * extension words the same codes itself; nothing here is parsed by anyone.
 */
import { basename } from 'node:path';
import type { CredentialsFileIssue, CredentialsFileErrorDetail } from '../lib/credentials-file';
import {
  HOST_LOCK_WAIT_MS,
  MAX_ERROR_ISSUES,
  MAX_ISSUE_MESSAGE_LENGTH,
  MAX_NAME_IN_ERROR,
  type FileOperation,
  type HostError,
  type HostErrorDetail,
} from '../lib/host-protocol';

const VERBS: Record<FileOperation, string> = {
  inspect: 'inspect',
  'follow-symlink': 'follow the symlink',
  'create-folder': 'create the folder',
  resolve: 'resolve',
  read: 'read',
  write: 'write',
  'write-backup': 'write the backup',
  lock: 'lock',
  chmod: 'change the permissions of',
};

/** Why the file system refused, for people: "EACCES (permission denied)". */
function errnoWords(errno: string | null): string {
  if (errno === null) return 'unknown error';
  const hint =
    errno === 'EACCES' || errno === 'EPERM'
      ? ' (permission denied)'
      : errno === 'ENOSPC'
        ? ' (disk full)'
        : errno === 'EROFS'
          ? ' (read-only file system)'
          : '';
  return `${errno}${hint}`;
}

/** "line 6: second [dev] section …; line 9: …; and 3 more": a damaged file's problems, at most `shown` of them. */
export function issueWords(issues: readonly CredentialsFileIssue[], more = 0, shown = 5): string {
  const parts = issues.slice(0, shown).map((i) => `line ${i.line}: ${i.message}`);
  const rest = issues.length - Math.min(issues.length, shown) + more;
  if (rest > 0) parts.push(`and ${rest} more`);
  return parts.join('; ');
}

/** The host's sentence for a refusal with data. */
export function hostErrorMessage(detail: HostErrorDetail): string {
  switch (detail.code) {
    case 'INVALID_PROFILE_NAME':
      return `${JSON.stringify(detail.data.name)} is not a valid profile name (1–64 letters, digits, _ and -; not DEFAULT)`;
    case 'DAMAGED_FILE':
      return `${detail.data.path} cannot be read by the AWS CLI, so it was left as it is: ${issueWords(detail.data.issues, detail.data.more)}`;
    case 'UNSAFE_EDIT': {
      const what = detail.data.section === null ? `other parts of ${detail.data.path} read` : `[${detail.data.section}] in ${detail.data.path} reads`;
      return `this change would alter how ${what}, so nothing was written; check the indentation of the lines around it`;
    }
    case 'UNMANAGED_PROFILE': {
      const { path, profiles, backupFile } = detail.data;
      return `${path} already has credentials in ${profiles.map((n) => `[${n}]`).join(', ')} that AWS SAML Bridge did not write, so nothing was written; a write with overwriteUnmanaged replaces them (the old file is kept as ${basename(backupFile)})`;
    }
    case 'LOCKED':
      return detail.data.reason === 'held'
        ? `${detail.data.path} is busy: another writer held ${detail.data.lock} for over ${HOST_LOCK_WAIT_MS / 1000} s; try again in a moment (if no other writer is running, delete that folder)`
        : `${detail.data.path} kept changing while this host was writing it, so nothing was written; try again in a moment`;
    case 'DANGLING_SYMLINK':
      return `${detail.data.path} is a symlink to a file that does not exist; create the target or remove the link`;
    case 'FILE_ERROR':
      return `could not ${VERBS[detail.data.operation]} ${detail.data.path}: ${errnoWords(detail.data.errno)}`;
    case 'UNSUPPORTED_VERSION':
      return `this request's protocol version is not supported; this host speaks version ${detail.data.hostProtocol}`;
  }
}

/** A refusal as a reply's `error`: the code, the data, and the host's words for them. */
export function hostError(detail: HostErrorDetail): HostError {
  return { ...detail, message: hostErrorMessage(detail) } as HostError;
}

/** `issues` bounded for a reply: at most MAX_ERROR_ISSUES, each message at most MAX_ISSUE_MESSAGE_LENGTH characters. */
export function boundedIssues(issues: readonly CredentialsFileIssue[]): { issues: CredentialsFileIssue[]; more: number } {
  const kept = issues.slice(0, MAX_ERROR_ISSUES).map((i) => ({ line: i.line, message: shorten(i.message, MAX_ISSUE_MESSAGE_LENGTH) }));
  return { issues: kept, more: issues.length - kept.length };
}

const shorten = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** lib's refusal to merge as the host's error for `path`: the same facts, in the protocol's codes. */
export function mergeRefusal(e: CredentialsFileErrorDetail, path: string): HostError {
  switch (e.code) {
    case 'DAMAGED_FILE':
      return hostError({ code: 'DAMAGED_FILE', data: { path, ...boundedIssues(e.issues) } });
    case 'UNSAFE_EDIT':
      return hostError({ code: 'UNSAFE_EDIT', data: { path, section: e.section === null ? null : shorten(e.section, MAX_NAME_IN_ERROR) } });
    case 'INVALID_PROFILE_NAME':
    case 'RESERVED_PROFILE_NAME':
      return hostError({ code: 'INVALID_PROFILE_NAME', data: { name: e.name } });
    case 'INVALID_VALUE':
      return { code: 'INVALID_REQUEST', message: `profile ${e.profile}: the ${e.field} cannot be written to a credentials file` };
    case 'DUPLICATE_PROFILE':
      return { code: 'INVALID_REQUEST', message: `profile ${e.profile} appears twice in one request` };
  }
}
