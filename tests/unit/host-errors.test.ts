/**
 * The extension's words for the helper's failures (lib/host-errors.ts), per code, with the host's data and without
 * it (a host older than `data`); then the whole chain for the refusals lib makes: lib's error → the host's reply →
 * the port's check → the popup's words.
 */
import { describe, expect, it } from 'vitest';
import { CredentialsFileError, mergeCredentialsFile, type ProfileUpdate } from '@/lib/credentials-file';
import { failureReason, hostFailureText, saveFailureText } from '@/lib/host-errors';
import { hostErrorReply, type HostError } from '@/lib/host-protocol';
import { NativeHostClient, NativeHostError, type NativeHostFailure, type PortLike } from '@/lib/native-port';
import { mergeRefusal } from '@/native-host/error-words';
import { creds } from '../support/host-process';

const PATH = '/home/alice/.aws/credentials';
/** What a host sent as `message`: the extension never shows it when it has words of its own for the code. */
const HOST_WORDS = 'HOST WORDS';
const DOWNLOAD = 'the download below has the same profiles.';

describe('saveFailureText: the popup’s words for a save that wrote nothing', () => {
  it.each<[string, NativeHostFailure, string]>([
    [
      'UNMANAGED_PROFILE, two profiles',
      { code: 'UNMANAGED_PROFILE', message: HOST_WORDS, data: { path: PATH, profiles: ['default', 'personal'], backupFile: `${PATH}.bak` } },
      'These profiles hold keys the extension did not write: default, personal. Nothing was saved. Overwrite them (the old file is kept as a backup), or give these roles other profile names in the options.',
    ],
    [
      'UNMANAGED_PROFILE, one profile',
      { code: 'UNMANAGED_PROFILE', message: HOST_WORDS, data: { path: PATH, profiles: ['dev-admin'], backupFile: `${PATH}.bak` } },
      'This profile holds keys the extension did not write: dev-admin. Nothing was saved. Overwrite them (the old file is kept as a backup), or give this role another profile name in the options.',
    ],
    [
      'UNMANAGED_PROFILE, 12 profiles: ten named',
      {
        code: 'UNMANAGED_PROFILE',
        message: HOST_WORDS,
        data: { path: PATH, profiles: Array.from({ length: 12 }, (_, i) => `p${i}`), backupFile: `${PATH}.bak` },
      },
      'These profiles hold keys the extension did not write: p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, and 2 more. Nothing was saved. Overwrite them (the old file is kept as a backup), or give these roles other profile names in the options.',
    ],
    [
      'UNMANAGED_PROFILE from a host without data',
      { code: 'UNMANAGED_PROFILE', message: HOST_WORDS },
      'Some of these profiles hold keys the extension did not write. Nothing was saved. Overwrite them (the old file is kept as a backup), or give these roles other profile names in the options.',
    ],
    [
      'DAMAGED_FILE: three problems named, the rest counted',
      {
        code: 'DAMAGED_FILE',
        message: HOST_WORDS,
        data: {
          path: PATH,
          issues: [
            { line: 1, message: 'text before the first [section] header' },
            { line: 4, message: 'second "region" key in [dev] (the first is on line 3)' },
            { line: 7, message: 'in [prod]: neither a [section] header, a "key = value" line nor a comment' },
            { line: 9, message: 'text' },
          ],
          more: 5,
        },
      },
      `${PATH} cannot be read by the AWS CLI, so nothing was saved: line 1: text before the first [section] header; line 4: second "region" key in [dev] (the first is on line 3); line 7: in [prod]: neither a [section] header, a "key = value" line nor a comment; and 6 more. Fix the file (or move it aside) and save again; ${DOWNLOAD}`,
    ],
    [
      'DAMAGED_FILE from a host without data',
      { code: 'DAMAGED_FILE', message: HOST_WORDS },
      `The credentials file cannot be read by the AWS CLI, so nothing was saved. Run "node aws-saml-bridge.mjs doctor" to see where. Fix the file (or move it aside) and save again; ${DOWNLOAD}`,
    ],
    [
      'UNSAFE_EDIT naming a section',
      { code: 'UNSAFE_EDIT', message: HOST_WORDS, data: { path: PATH, section: 'prod' } },
      `Saving would change how [prod] in ${PATH} reads, so nothing was saved. Check the indentation of the lines around [prod] and save again; ${DOWNLOAD}`,
    ],
    [
      'UNSAFE_EDIT without a section',
      { code: 'UNSAFE_EDIT', message: HOST_WORDS, data: { path: PATH, section: null } },
      `Saving would change how other parts of ${PATH} read, so nothing was saved. Check the indentation of the lines in the file and save again; ${DOWNLOAD}`,
    ],
    [
      'UNSAFE_EDIT from a host without data',
      { code: 'UNSAFE_EDIT', message: HOST_WORDS },
      `Saving would change how other parts of the credentials file read, so nothing was saved. Check the indentation of the lines in the file and save again; ${DOWNLOAD}`,
    ],
    [
      'LOCKED by another writer',
      { code: 'LOCKED', message: HOST_WORDS, data: { path: PATH, lock: `${PATH}.lock`, reason: 'held' } },
      `Another program kept ${PATH} busy for over 6 s, so nothing was saved. Save again in a moment; if no other program is writing it, delete the folder ${PATH}.lock.`,
    ],
    [
      'LOCKED: the file kept changing',
      { code: 'LOCKED', message: HOST_WORDS, data: { path: PATH, lock: `${PATH}.lock`, reason: 'changing' } },
      `${PATH} kept changing while the helper was writing it, so nothing was saved. Save again in a moment.`,
    ],
    [
      'LOCKED from a host without data',
      { code: 'LOCKED', message: HOST_WORDS },
      'Another program is writing the credentials file, so nothing was saved. Save again in a moment.',
    ],
    [
      'DANGLING_SYMLINK',
      { code: 'DANGLING_SYMLINK', message: HOST_WORDS, data: { path: PATH } },
      `${PATH} is a link to a file that does not exist, so nothing was saved. Create that file or remove the link, then save again.`,
    ],
    [
      'FILE_ERROR: permission denied writing',
      { code: 'FILE_ERROR', message: HOST_WORDS, data: { path: PATH, operation: 'write', errno: 'EACCES' } },
      `Could not write ${PATH} (permission denied), so nothing was saved. Check that you own the file and its folder, then save again.`,
    ],
    [
      'FILE_ERROR: disk full creating the folder',
      { code: 'FILE_ERROR', message: HOST_WORDS, data: { path: '/home/alice/.aws', operation: 'create-folder', errno: 'ENOSPC' } },
      'Could not create the folder /home/alice/.aws (the disk is full), so nothing was saved. Free some space, then save again.',
    ],
    [
      'FILE_ERROR: reading a folder',
      { code: 'FILE_ERROR', message: HOST_WORDS, data: { path: PATH, operation: 'read', errno: 'EISDIR' } },
      `Could not read ${PATH} (the file system refused: EISDIR), so nothing was saved. Run "node aws-saml-bridge.mjs doctor" to check it.`,
    ],
    [
      'FILE_ERROR from a host without data: its words, quoted',
      { code: 'FILE_ERROR', message: `could not write ${PATH}: EIO` },
      `The credentials helper answered FILE_ERROR: “could not write ${PATH}: EIO”. Nothing was saved. Run "node aws-saml-bridge.mjs doctor" to check it.`,
    ],
    [
      'INVALID_PROFILE_NAME',
      { code: 'INVALID_PROFILE_NAME', message: HOST_WORDS, data: { name: 'dev.admin' } },
      'The credentials helper refused the profile name "dev.admin" (1–64 letters, digits, _ and -, not DEFAULT), so nothing was saved. Change it in the options.',
    ],
    [
      'UNSUPPORTED_VERSION from a host before data: the helper is older',
      { code: 'UNSUPPORTED_VERSION', message: 'protocol version 2 is not supported; this host speaks version 1' },
      'The helper is older than the extension: download the helper again from the popup (Download the helper) and run install-host.',
    ],
    [
      'UNSUPPORTED_VERSION from a newer host: the extension is older',
      { code: 'UNSUPPORTED_VERSION', message: HOST_WORDS, data: { hostProtocol: 99 } },
      'The extension is older than the helper: update the extension.',
    ],
    [
      'INTERNAL',
      { code: 'INTERNAL', message: HOST_WORDS },
      'The credentials helper failed unexpectedly; the browser\'s log of the helper\'s output says why. Run "node aws-saml-bridge.mjs doctor" to check it.',
    ],
    [
      'TIMEOUT: the port’s own words',
      { code: 'TIMEOUT', message: 'The credentials helper did not answer within 10 s. Run "node aws-saml-bridge.mjs doctor" to check it.' },
      'The credentials helper did not answer within 10 s. Run "node aws-saml-bridge.mjs doctor" to check it.',
    ],
  ])('%s', (_title, failure, text) => {
    expect(saveFailureText(failure)).toBe(text);
  });

  it('a code this version does not know: the host’s words, quoted, and doctor', () => {
    const failure = { code: 'QUOTA_EXCEEDED', message: 'the disk quota is used up' } as unknown as NativeHostFailure;
    expect(saveFailureText(failure)).toBe(
      'The credentials helper answered QUOTA_EXCEEDED: “the disk quota is used up”. Run "node aws-saml-bridge.mjs doctor" to check it.',
    );
    expect(hostFailureText(failure)).toBe(saveFailureText(failure));
    expect(failureReason(failure)).toBe('the credentials helper answered QUOTA_EXCEEDED: “the disk quota is used up”');
  });
});

// ── the chain ────────────────────────────────────────────────────────────────────────────────────────────────

/** A port that answers every request with `error` as the host would send it (JSON in between). */
async function throughThePort(error: HostError): Promise<NativeHostFailure> {
  let listener: (m: unknown) => void = () => undefined;
  const port: PortLike = {
    postMessage: (m) => listener(JSON.parse(JSON.stringify(hostErrorReply((m as { id: string }).id, error)))),
    disconnect: () => undefined,
    onMessage: { addListener: (l) => void (listener = l) },
    onDisconnect: { addListener: () => undefined },
  };
  const e = await new NativeHostClient(() => port).request('write-profiles', { profiles: [] }).catch((x: unknown) => x);
  if (!(e instanceof NativeHostError)) throw new Error('the request did not fail');
  return e.failure;
}

function libRefusal(existing: string, updates: ProfileUpdate[], removals: string[] = []) {
  try {
    mergeCredentialsFile(existing, updates, { removals });
  } catch (e) {
    if (e instanceof CredentialsFileError) return e.detail;
    throw e;
  }
  throw new Error('the merge was not refused');
}

describe('lib error → host reply → extension words', () => {
  const dev: ProfileUpdate = { name: 'dev', credentials: creds() };
  it.each<[string, () => ReturnType<typeof libRefusal>, string]>([
    [
      'a duplicate section',
      () => libRefusal('[dev]\nx = 1\n\n[dev]\ny = 2\n', [dev]),
      `${PATH} cannot be read by the AWS CLI, so nothing was saved: line 4: second [dev] section (the first is on line 1); the AWS CLI refuses a file with a section twice — merge the two or delete one. Fix the file (or move it aside) and save again; ${DOWNLOAD}`,
    ],
    [
      'a removal that would swallow the next header',
      () => libRefusal('[a]\nx = 1\n[old]\n  [prod]\n  z = 1\n', [], ['old']),
      `Saving would change how [a] in ${PATH} reads, so nothing was saved. Check the indentation of the lines around [a] and save again; ${DOWNLOAD}`,
    ],
    [
      'DEFAULT as a profile name',
      () => libRefusal('', [{ ...dev, name: 'DEFAULT' }]),
      'The credentials helper refused the profile name "DEFAULT" (1–64 letters, digits, _ and -, not DEFAULT), so nothing was saved. Change it in the options.',
    ],
    [
      'a region the file cannot hold (an invalid request: the host’s words, quoted)',
      () => libRefusal('', [{ ...dev, region: 'Mars 1' }]),
      'The credentials helper answered INVALID_REQUEST: “profile dev: the region cannot be written to a credentials file”. Update it with: node aws-saml-bridge.mjs install-host',
    ],
  ])('%s', async (_title, refusal, text) => {
    const failure = await throughThePort(mergeRefusal(refusal(), PATH));
    expect(saveFailureText(failure)).toBe(text);
  });
});
