/**
 * The agent's listener: a Unix socket (or Windows pipe) where each connection must pass the mutual proof before
 * it may ask for one profile's credentials. Runs inside the native host while the extension keeps its port open.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { chmod } from 'node:fs/promises';
import { clearStaleSocket, prepareRunDir, removeEndpoint, writeSecret } from './endpoint';
import { clientProof, newNonce, sameMac, serverProof } from './proof';
import type { AgentPaths } from './run-dir';
import type { AgentState } from './state';
import { FrameChannel, parseClientMessage, WireError, AGENT_WIRE_VERSION } from './wire';

/** Each handshake read must come this fast (a local client answers in microseconds). */
export const HANDSHAKE_TIMEOUT_MS = 2_000;
/** Connections served at once; more are closed straight away (a local flood cannot exhaust the host). */
export const MAX_CONNECTIONS = 64;

export interface AgentServerOptions {
  handshakeTimeoutMs?: number;
  /** How long a live agent on the socket may take to go away before this one refuses to start. */
  takeoverWaitMs?: number;
  log?: (line: string) => void;
}

export class AgentServer {
  private server: Server | undefined;
  private secret: Buffer | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly paths: AgentPaths,
    private readonly state: AgentState,
    private readonly options: AgentServerOptions = {},
  ) {}

  /** Makes the folder and a new secret, replaces a stale socket, and listens. Resolves with the endpoint. */
  async start(): Promise<string> {
    const log = this.options.log ?? (() => undefined);
    await prepareRunDir(this.paths, log);
    await clearStaleSocket(this.paths, this.options.takeoverWaitMs);
    this.secret = await writeSecret(this.paths);
    const server = createServer((socket) => this.onConnection(socket));
    server.maxConnections = MAX_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.paths.endpoint, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => log(`aws-saml-bridge: agent socket error: ${e.name}`));
    this.server = server;
    if (process.platform !== 'win32') await chmod(this.paths.endpoint, 0o600);
    return this.paths.endpoint;
  }

  /** Stops listening, ends every connection, removes the socket and the secret. */
  stop(): void {
    this.server?.close();
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.secret = undefined;
    removeEndpoint(this.paths);
  }

  private onConnection(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    void this.serve(socket).catch(() => socket.destroy());
  }

  private async serve(socket: Socket): Promise<void> {
    const channel = new FrameChannel(socket);
    const timeout = this.options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
    const secret = this.secret;
    if (!secret) return channel.destroy();
    try {
      const hello = parseClientMessage(await channel.read(timeout), 'hello');
      if (!hello || hello.t !== 'hello') return channel.end({ t: 'error', code: 'bad-request', message: 'this is not an aws-saml-bridge client' });
      const nonce = newNonce();
      channel.write({ t: 'proof', v: AGENT_WIRE_VERSION, nonce, mac: serverProof(secret, hello.nonce, nonce) });
      const auth = parseClientMessage(await channel.read(timeout), 'auth');
      // A wrong proof learns nothing: no credentials, no profile names, one fixed line.
      if (!auth || auth.t !== 'auth' || !sameMac(clientProof(secret, nonce), auth.mac)) {
        return channel.end({ t: 'error', code: 'blocked', message: 'the client could not prove it holds the agent secret' });
      }
      const get = parseClientMessage(await channel.read(timeout), 'get');
      if (!get || get.t !== 'get') return channel.end({ t: 'error', code: 'bad-request', message: 'the request is not one this agent knows' });
      const answer = await this.state.answer(get.profile, get.wait * 1000);
      channel.end(answer.ok ? { t: 'credentials', credentials: answer.credentials } : { t: 'error', code: answer.code, message: answer.message });
    } catch (e) {
      if (e instanceof WireError) return channel.destroy();
      throw e;
    }
  }
}
