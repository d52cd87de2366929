/**
 * `aws-saml-bridge credential-process` exit codes: one table, used by the command, its usage text and the docs
 * (docs/credential-process.md#exit-codes). botocore and the AWS SDKs treat any non-zero code as a failure and show
 * the process's stderr, so each failure also prints one plain line there.
 */
export const EXIT = {
  /** The credential_process JSON is on stdout. */
  ok: 0,
  /** Something unexpected in the helper itself. */
  internal: 1,
  /** Wrong command line. */
  usage: 2,
  /** No live session that could be renewed without the user: sign in again in the browser. */
  needsSignIn: 3,
  /** No agent answers: the browser (or the extension, or its credential_process setting) is not running. */
  notRunning: 4,
  /** The browser has live sessions, none under this profile name. */
  unknownProfile: 5,
  /** Refused for safety: the socket folder or secret is unsafe, the proof failed, or a policy blocks renewal. */
  blocked: 6,
  /** No answer in time (`--wait` ran out, or the agent stopped answering). */
  timeout: 7,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table for `--help` and the docs. */
export const EXIT_CODE_TABLE: readonly (readonly [ExitCode, string])[] = [
  [EXIT.ok, 'credentials printed'],
  [EXIT.internal, 'internal error'],
  [EXIT.usage, 'wrong usage'],
  [EXIT.needsSignIn, 'needs sign-in in the browser'],
  [EXIT.notRunning, 'browser, extension or its credential_process setting not running'],
  [EXIT.unknownProfile, 'profile unknown to the browser'],
  [EXIT.blocked, 'refused: unsafe socket folder or secret, failed proof, or blocked'],
  [EXIT.timeout, 'timed out'],
];
