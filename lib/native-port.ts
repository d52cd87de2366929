/**
 * The one owner of the native-messaging port to the credentials host (`aws-saml-bridge install-host`).
 * Requests carry ids mapped to pending promises with a timeout; a disconnect fails every pending request with
 * a clear error (the classic "Specified native messaging host not found" becomes the exact install command).
 * The port itself comes from `connect`, so this logic runs under vitest with a fake.
 */
import type { HostErrorCode, HostReply, HostRequest, HostRequestType, OkReply } from '../native-host/protocol';
import { PROTOCOL_VERSION } from '../native-host/protocol';

/** The slice of `runtime.Port` used here. */
export interface PortLike {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: (port: PortLike) => void): void };
  error?: { message?: string } | null;
}

export const INSTALL_HOST_COMMAND = 'npx aws-saml-bridge install-host';

export class NativeHostError extends Error {
  constructor(
    readonly code: HostErrorCode | 'HOST_NOT_FOUND' | 'DISCONNECTED' | 'TIMEOUT',
    message: string,
  ) {
    super(message);
    this.name = 'NativeHostError';
  }
}

type RequestBody<K extends HostRequestType> = Omit<Extract<HostRequest, { type: K }>, 'v' | 'id' | 'type'>;

interface Pending {
  resolve: (reply: OkReply) => void;
  reject: (error: NativeHostError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Turns the browser's disconnect reason into plain words with the next step. */
export function describeDisconnect(reason: string | undefined): NativeHostError {
  if (reason && /not found|not installed|forbidden|access.*denied/i.test(reason)) {
    return new NativeHostError('HOST_NOT_FOUND', `The credentials helper is not installed for this browser (${reason}). Install it once with: ${INSTALL_HOST_COMMAND}`);
  }
  return new NativeHostError('DISCONNECTED', `The credentials helper stopped${reason ? ` (${reason})` : ''}. Run "npx aws-saml-bridge doctor" to check it.`);
}

export class NativeHostClient {
  private port: PortLike | undefined;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;

  constructor(
    private readonly connect: () => PortLike,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Sends one request and resolves with its successful reply; rejects with a NativeHostError otherwise. */
  request<K extends HostRequestType>(type: K, body: RequestBody<K>): Promise<OkReply<K>> {
    const id = `r${this.nextId++}`;
    const message = { ...body, v: PROTOCOL_VERSION, id, type };
    return new Promise<OkReply<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new NativeHostError('TIMEOUT', `The credentials helper did not answer within ${Math.round(this.timeoutMs / 1000)} s.`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolve as unknown as (reply: OkReply) => void, reject, timer });
      try {
        this.ensurePort().postMessage(message);
      } catch (e) {
        this.settle(id, undefined, describeDisconnect(e instanceof Error ? e.message : String(e)));
      }
    });
  }

  /** Closes the port; pending requests fail. */
  close(): void {
    this.port?.disconnect();
    this.onDisconnect(undefined);
  }

  private ensurePort(): PortLike {
    if (this.port) return this.port;
    const port = this.connect();
    port.onMessage.addListener((message) => this.onMessage(message));
    port.onDisconnect.addListener((p) => {
      if (this.port === port) this.onDisconnect(p.error?.message ?? port.error?.message ?? undefined);
    });
    this.port = port;
    return port;
  }

  private onMessage(message: unknown): void {
    const reply = message as HostReply;
    if (!reply || typeof reply !== 'object' || typeof reply.id !== 'string') return;
    if (reply.ok) this.settle(reply.id, reply);
    else this.settle(reply.id, undefined, new NativeHostError(reply.error.code, reply.error.message));
  }

  private onDisconnect(reason: string | undefined): void {
    this.port = undefined;
    const error = describeDisconnect(reason);
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, error);
  }

  private settle(id: string, reply?: OkReply, error?: NativeHostError): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(error);
    else p.resolve(reply!);
  }
}
