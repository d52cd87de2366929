/**
 * The one owner of the native-messaging port to the credentials host (`aws-saml-bridge install-host`).
 * Requests carry ids mapped to pending promises with a timeout; a disconnect fails every pending request with
 * a clear error (the classic "Specified native messaging host not found" becomes the exact install command).
 * The port itself comes from `connect`, so this logic runs under vitest with a fake.
 */
import type { HostErrorCode, HostReply, HostRequest, HostRequestType, OkReply } from '../native-host/protocol';
import { PROTOCOL_VERSION } from '../native-host/protocol';
import { errorText } from './error-text';

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
  // Chromium: "Specified native messaging host not found." / "Access to the specified native messaging host is
  // forbidden."; Firefox: "No such native application …"; both without the nativeMessaging permission.
  if (reason && /not found|not installed|forbidden|access.*denied|no such native application|connectNative/i.test(reason)) {
    return new NativeHostError('HOST_NOT_FOUND', `The credentials helper is not installed for this browser (${reason}). Install it once with: ${INSTALL_HOST_COMMAND}`);
  }
  return new NativeHostError('DISCONNECTED', `The credentials helper stopped${reason ? ` (${reason})` : ''}. Run "npx aws-saml-bridge doctor" to check it.`);
}

export class NativeHostClient {
  private port: PortLike | undefined;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param timeoutMs how long one request may take.
   * @param idleMs the port is closed this long after the last reply: an open native port keeps Chrome's service
   *   worker and the host process alive, and neither should outlive the work.
   */
  constructor(
    private readonly connect: () => PortLike,
    private readonly timeoutMs = 10_000,
    private readonly idleMs = 5_000,
  ) {}

  /** Sends one request and resolves with its successful reply; rejects with a NativeHostError otherwise. */
  request<K extends HostRequestType>(type: K, body: RequestBody<K>): Promise<OkReply<K>> {
    const id = `r${this.nextId++}`;
    const message = { ...body, v: PROTOCOL_VERSION, id, type };
    clearTimeout(this.idleTimer);
    return new Promise<OkReply<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(id, undefined, new NativeHostError('TIMEOUT', `The credentials helper did not answer within ${Math.round(this.timeoutMs / 1000)} s. Run "npx aws-saml-bridge doctor" to check it.`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolve as unknown as (reply: OkReply) => void, reject, timer });
      try {
        this.ensurePort().postMessage(message);
      } catch (e) {
        this.settle(id, undefined, describeDisconnect(errorText(e)));
      }
    });
  }

  /** Closes the port; pending requests fail. */
  close(): void {
    clearTimeout(this.idleTimer);
    const port = this.port;
    this.port = undefined;
    port?.disconnect();
    this.failPending(describeDisconnect(undefined));
  }

  /** Whether a port is open (for tests and diagnostics). */
  get connected(): boolean {
    return this.port !== undefined;
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
    clearTimeout(this.idleTimer);
    this.port = undefined;
    this.failPending(describeDisconnect(reason));
  }

  private failPending(error: NativeHostError): void {
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, error);
  }

  private settle(id: string, reply?: OkReply, error?: NativeHostError): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(error);
    else p.resolve(reply!);
    if (this.pending.size === 0 && this.port) {
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => {
        if (this.pending.size === 0) this.close();
      }, this.idleMs);
    }
  }
}
