/**
 * `aws-saml-bridge credential-process --profile <name> [--wait N]`: asks the running browser's agent for one
 * profile's credentials and prints exactly the credential_process JSON, or one line on stderr and an exit code
 * from `EXIT`. The agent must prove the per-start secret before anything it says is believed.
 */
import { connect, type Socket } from 'node:net';
import { formatExport } from '../../lib/export-formats';
import { AgentRefusal, notRunningText, readSecret, verifyRunDir, verifySocket } from './endpoint';
import { EXIT, type ExitCode } from './exit-codes';
import { clientProof, newNonce, sameMac, serverProof } from './proof';
import type { AgentPaths } from './run-dir';
import { RENEW_TIMEOUT_MS } from './state';
import { AGENT_WIRE_VERSION, FrameChannel, parseServerMessage, WireError, type WireErrorCode } from './wire';

export interface CredentialProcessResult {
  code: ExitCode;
  stdout: string;
  stderr: string;
}

export interface ClientOptions {
  profile: string;
  /** Seconds to wait for a sign-in (0: fail fast). */
  wait: number;
  paths: AgentPaths;
  /** Each handshake read (default 2 s). */
  handshakeTimeoutMs?: number;
}

const CODE_OF: Record<WireErrorCode, ExitCode> = {
  'needs-sign-in': EXIT.needsSignIn,
  'unknown-profile': EXIT.unknownProfile,
  blocked: EXIT.blocked,
  timeout: EXIT.timeout,
  'bad-request': EXIT.internal,
};

const fail = (code: ExitCode, line: string): CredentialProcessResult => ({ code, stdout: '', stderr: `aws-saml-bridge: ${line}\n` });

function open(endpoint: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(endpoint);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new WireError('timeout'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Runs the whole exchange; never throws. */
export async function credentialProcess(options: ClientOptions): Promise<CredentialProcessResult> {
  const { paths, profile, wait } = options;
  const handshake = options.handshakeTimeoutMs ?? 2_000;
  let secret: Buffer;
  try {
    verifyRunDir(paths);
    secret = await readSecret(paths);
    verifySocket(paths);
  } catch (e) {
    if (e instanceof AgentRefusal) return fail(e.kind === 'unsafe' ? EXIT.blocked : EXIT.notRunning, e.message);
    return fail(EXIT.internal, `cannot reach the agent (${e instanceof Error ? e.name : 'error'})`);
  }
  let socket;
  try {
    socket = await open(paths.endpoint, handshake);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // A socket nobody listens on: the browser (or its helper) stopped without cleaning up.
    if (code === 'ECONNREFUSED' || code === 'ENOENT') return fail(EXIT.notRunning, notRunningText());
    if (e instanceof WireError) return fail(EXIT.timeout, 'the agent did not accept the connection in time; restart the browser');
    return fail(EXIT.internal, `cannot connect to the agent (${code ?? 'error'})`);
  }
  const channel = new FrameChannel(socket);
  try {
    const nonce = newNonce();
    channel.write({ t: 'hello', v: AGENT_WIRE_VERSION, nonce });
    const proof = parseServerMessage(await channel.read(handshake), 'proof');
    // Whatever answers without the secret is not the helper: believe nothing it says.
    if (!proof || proof.t !== 'proof' || !sameMac(serverProof(secret, nonce, proof.nonce), proof.mac)) {
      channel.destroy();
      return fail(EXIT.blocked, `refused: the program listening on ${paths.endpoint} could not prove it is the helper; close it and restart the browser`);
    }
    channel.write({ t: 'auth', mac: clientProof(secret, proof.nonce) });
    channel.write({ t: 'get', profile, wait });
    // The agent answers within the longer of --wait and a renewal's time limit.
    const answer = parseServerMessage(await channel.read(Math.max(wait * 1000, RENEW_TIMEOUT_MS) + 3_000), 'answer');
    channel.destroy();
    if (!answer) return fail(EXIT.internal, 'the agent sent an answer this command cannot read; reinstall the helper from the extension');
    if (answer.t === 'error') return fail(CODE_OF[answer.code], answer.message);
    if (answer.t !== 'credentials') return fail(EXIT.internal, 'the agent sent an unexpected answer');
    return { code: EXIT.ok, stdout: formatExport('process', answer.credentials), stderr: '' };
  } catch (e) {
    channel.destroy();
    if (e instanceof WireError) {
      if (e.reason === 'timeout') return fail(EXIT.timeout, 'the agent did not answer in time; try again, or restart the browser');
      return fail(EXIT.notRunning, 'the agent closed the connection; the browser may have stopped. Start it and try again');
    }
    return fail(EXIT.internal, `the exchange with the agent failed (${e instanceof Error ? e.name : 'error'})`);
  }
}
