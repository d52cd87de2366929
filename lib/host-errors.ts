/**
 * The credentials helper's failures in the extension's own plain words, written from the code and data of the
 * host's error (lib/host-protocol.ts `HostErrorData`), never by picking the host's sentence apart. A host older
 * than `data` sends a code alone: the words then say less (no names, no lines) and point at `doctor`. Pure.
 */
import { HOST_LOCK_WAIT_MS, PROTOCOL_VERSION, type HostErrorData } from './host-protocol';
import { EXTENSION_OLDER, HELPER_OLDER } from './helper-version';
import { INSTALL_HOST_COMMAND, type NativeHostFailure } from './native-port';
import { DOCTOR_COMMAND } from './helper-install';

const RUN_DOCTOR = `Run "${DOCTOR_COMMAND}" to check it.`;
const DOWNLOAD = 'the download below has the same profiles';
/** Most names or problems listed in one message; the rest are counted. */
const MAX_LISTED = 10;
const MAX_ISSUES_LISTED = 3;

/** "a, b, c, and 3 more": at most `max` items named, the rest (and `more` unnamed ones) counted. */
function listed(items: readonly string[], { max = MAX_LISTED, more = 0, separator = ', ' } = {}): string {
  const shown = items.slice(0, max);
  const rest = items.length - shown.length + more;
  return (rest > 0 ? [...shown, `and ${rest} more`] : shown).join(separator);
}

/** Why the file system refused, from Node's error code: "permission denied". */
function refusedBecause(errno: string | null): string {
  if (errno === 'EACCES' || errno === 'EPERM') return 'permission denied';
  if (errno === 'ENOSPC') return 'the disk is full';
  if (errno === 'EROFS') return 'the file system is read-only';
  return errno === null ? 'the file system refused' : `the file system refused: ${errno}`;
}

function fileErrorText({ path, operation, errno }: HostErrorData['FILE_ERROR']): string {
  const what =
    operation === 'create-folder' || operation === 'resolve'
      ? `the folder ${path}`
      : operation === 'write-backup'
        ? `the backup ${path}`
        : operation === 'lock'
          ? `${path} for writing`
          : path;
  const verb = {
    inspect: 'check',
    'follow-symlink': 'follow the link',
    'create-folder': 'create',
    resolve: 'find',
    read: 'read',
    write: 'write',
    'write-backup': 'write',
    lock: 'lock',
    chmod: 'change the permissions of',
  }[operation];
  const next =
    errno === 'EACCES' || errno === 'EPERM'
      ? 'Check that you own the file and its folder, then save again.'
      : errno === 'ENOSPC'
        ? 'Free some space, then save again.'
        : RUN_DOCTOR;
  return `Could not ${verb} ${what} (${refusedBecause(errno)}), so nothing was saved. ${next}`;
}

function unmanagedText(data: HostErrorData['UNMANAGED_PROFILE'] | undefined): string {
  const overwrite = 'Overwrite them (the old file is kept as a backup)';
  if (!data)
    return `Some of these profiles hold keys the extension did not write. Nothing was saved. ${overwrite}, or give these roles other profile names in the options.`;
  const one = data.profiles.length === 1;
  return `${one ? 'This profile holds' : 'These profiles hold'} keys the extension did not write: ${listed(data.profiles)}. Nothing was saved. ${overwrite}, or give ${one ? 'this role another profile name' : 'these roles other profile names'} in the options.`;
}

/** The host's own sentence, quoted, for a code this version has no words for (or a host too old to send data). */
const quoted = (f: NativeHostFailure) => `The credentials helper answered ${f.code}: “${f.message}”.`;

/** Plain words for a request the helper did not carry out (the status check, …), with the next step. */
export function hostFailureText(f: NativeHostFailure): string {
  switch (f.code) {
    case 'HOST_NOT_FOUND':
    case 'DISCONNECTED':
    case 'TIMEOUT':
    case 'BAD_REPLY':
      // This side's own words already (lib/native-port.ts).
      return f.message;
    case 'INTERNAL':
      return `The credentials helper failed unexpectedly; the browser's log of the helper's output says why. ${RUN_DOCTOR}`;
    case 'UNSUPPORTED_VERSION':
      // A host from before `data` had it speaks an older protocol than any extension that can send a newer one.
      return f.data && f.data.hostProtocol > PROTOCOL_VERSION ? EXTENSION_OLDER : HELPER_OLDER;
    case 'UNKNOWN_TYPE':
    case 'INVALID_REQUEST':
    case 'INVALID_JSON':
    case 'INVALID_UTF8':
    case 'REQUEST_TOO_LARGE':
    case 'REPLY_TOO_LARGE':
      return `${quoted(f)} Update it with: ${INSTALL_HOST_COMMAND}`;
    default:
      return `${quoted(f)} ${RUN_DOCTOR}`;
  }
}

/** Plain words for why a save wrote nothing (the helper never writes part of a request), with the next step. */
export function saveFailureText(f: NativeHostFailure): string {
  switch (f.code) {
    case 'UNMANAGED_PROFILE':
      return unmanagedText(f.data);
    case 'DAMAGED_FILE': {
      const fix = `Fix the file (or move it aside) and save again; ${DOWNLOAD}.`;
      if (!f.data) return `The credentials file cannot be read by the AWS CLI, so nothing was saved. Run "${DOCTOR_COMMAND}" to see where. ${fix}`;
      const issues = f.data.issues.map((i) => `line ${i.line}: ${i.message}`);
      return `${f.data.path} cannot be read by the AWS CLI, so nothing was saved: ${listed(issues, { max: MAX_ISSUES_LISTED, more: f.data.more, separator: '; ' })}. ${fix}`;
    }
    case 'UNSAFE_EDIT': {
      const what =
        f.data?.section != null ? `how [${f.data.section}] in ${f.data.path} reads` : `how other parts of ${f.data?.path ?? 'the credentials file'} read`;
      const where = f.data?.section != null ? `around [${f.data.section}]` : 'in the file';
      return `Saving would change ${what}, so nothing was saved. Check the indentation of the lines ${where} and save again; ${DOWNLOAD}.`;
    }
    case 'LOCKED':
      if (f.data?.reason === 'changing') return `${f.data.path} kept changing while the helper was writing it, so nothing was saved. Save again in a moment.`;
      return f.data
        ? `Another program kept ${f.data.path} busy for over ${HOST_LOCK_WAIT_MS / 1000} s, so nothing was saved. Save again in a moment; if no other program is writing it, delete the folder ${f.data.lock}.`
        : 'Another program is writing the credentials file, so nothing was saved. Save again in a moment.';
    case 'DANGLING_SYMLINK':
      return `${f.data?.path ?? 'The credentials file'} is a link to a file that does not exist, so nothing was saved. Create that file or remove the link, then save again.`;
    case 'FILE_ERROR':
      return f.data ? fileErrorText(f.data) : `${quoted(f)} Nothing was saved. ${RUN_DOCTOR}`;
    case 'INVALID_PROFILE_NAME':
      return f.data
        ? `The credentials helper refused the profile name ${JSON.stringify(f.data.name)} (1–64 letters, digits, _ and -, not DEFAULT), so nothing was saved. Change it in the options.`
        : `${quoted(f)} Nothing was saved. Change the profile name in the options.`;
    default:
      return hostFailureText(f);
  }
}

/** A short reason (no next step) why the helper did not do something, for a sentence that gives its own next step. */
export function failureReason(f: NativeHostFailure): string {
  switch (f.code) {
    case 'HOST_NOT_FOUND':
      return 'the credentials helper is not installed for this browser';
    case 'DISCONNECTED':
      return 'the credentials helper stopped';
    case 'TIMEOUT':
      return 'the credentials helper did not answer in time';
    case 'BAD_REPLY':
      return 'the credentials helper sent an answer this extension cannot read';
    case 'LOCKED':
      return 'another program is writing it';
    case 'DANGLING_SYMLINK':
      return 'it is a link to a file that does not exist';
    case 'FILE_ERROR':
      if (f.data) return refusedBecause(f.data.errno);
      break;
  }
  return `the credentials helper answered ${f.code}: “${f.message}”`;
}
