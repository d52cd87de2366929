/**
 * The one owner of the native-messaging port to the credentials host (`aws-saml-bridge install-host`).
 * Requests carry ids mapped to pending promises with a timeout; a disconnect fails every pending request with
 * a clear error (the classic "Specified native messaging host not found" becomes the exact install command).
 * The port itself comes from `connect`, so this logic runs under vitest with a fake.
 *
 * The host answers one request at a time, in order, so only the oldest pending request's clock runs: a request
 * queued behind a slow one (a write waiting for the file's lock) gets its whole timeout once the host can start
 * on it, and the host's own lock wait is shorter than that timeout (the budget is in lib/host-protocol.ts).
 */
import type { HostError, HostRequest, HostRequestType, OkReply } from './host-protocol';
import { CLIENT_REQUEST_TIMEOUT_MS, parseHostError, PROTOCOL_VERSION } from './host-protocol';
import { errorText } from './error-text';
import { DOCTOR_COMMAND, INSTALL_FROM_DOWNLOAD_COMMAND } from './helper-install';

/** The slice of `runtime.Port` used here. */
export interface PortLike {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: (port: PortLike) => void): void };
  error?: { message?: string } | null;
}

/** The install command named in error texts (the popup shows the full per-OS one next to "Download the helper"). */
export const INSTALL_HOST_COMMAND = INSTALL_FROM_DOWNLOAD_COMMAND;

/** Why a request failed on this side: not installed, gone, no answer in time, or an answer that is not a protocol reply. */
export type PortErrorCode = 'HOST_NOT_FOUND' | 'DISCONNECTED' | 'TIMEOUT' | 'BAD_REPLY';
/** The host's error (code, its words, its data), or one of this side's, already in plain words for the popup. */
export type NativeHostFailure = HostError | { code: PortErrorCode; message: string };

export class NativeHostError extends Error {
  readonly code: NativeHostFailure['code'];
  constructor(readonly failure: NativeHostFailure) {
    super(failure.message);
    this.name = 'NativeHostError';
    this.code = failure.code;
  }
}

/** For a port kept open (the credential_process agent): messages that are not replies, and the port closing on its own. */
export interface LongLivedPort {
  onEvent(message: unknown): void;
  onClose(error: NativeHostError): void;
}

type RequestBody<K extends HostRequestType> = Omit<Extract<HostRequest, { type: K }>, 'v' | 'id' | 'type'>;

interface Pending {
  type: HostRequestType;
  resolve: (reply: OkReply) => void;
  reject: (error: NativeHostError) => void;
}

/** Longest host error message passed on (host messages name paths and profiles; this bounds what the popup shows). */
const MAX_MESSAGE_LENGTH = 600;
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Turns the browser's disconnect reason into plain words with the next step. */
export function describeDisconnect(reason: string | undefined): NativeHostError {
  // Chromium: "Specified native messaging host not found." / "Access to the specified native messaging host is
  // forbidden."; Firefox: "No such native application …"; both without the nativeMessaging permission.
  if (reason && /not found|not installed|forbidden|access.*denied|no such native application|connectNative/i.test(reason)) {
    return new NativeHostError({
      code: 'HOST_NOT_FOUND',
      message: `The credentials helper is not installed for this browser (${reason}). Install it once with: ${INSTALL_HOST_COMMAND}`,
    });
  }
  return new NativeHostError({
    code: 'DISCONNECTED',
    message: `The credentials helper stopped${reason ? ` (${reason})` : ''}. Run "${DOCTOR_COMMAND}" to check it.`,
  });
}

export class NativeHostClient {
  private port: PortLike | undefined;
  /** Keyed by request id, in the order sent (a Map: a reply's id such as "__proto__" finds nothing). */
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** The clock of the oldest pending request (the one the host is working on). */
  private timer: { id: string; handle: ReturnType<typeof setTimeout> } | undefined;

  /**
   * @param timeoutMs how long the host may take over one request, from when it can start on it.
   * @param idleMs the port is closed this long after the last reply: an open native port keeps Chrome's service
   *   worker and the host process alive, and neither should outlive the work.
   * @param longLived keeps the port open (no idle close) and hears what is not a reply, and the port dropping.
   */
  constructor(
    private readonly connect: () => PortLike,
    private readonly timeoutMs = CLIENT_REQUEST_TIMEOUT_MS,
    private readonly idleMs = 5_000,
    private readonly longLived?: LongLivedPort,
  ) {}

  /** Sends one request and resolves with its successful reply; rejects with a NativeHostError otherwise. */
  request<K extends HostRequestType>(type: K, body: RequestBody<K>): Promise<OkReply<K>> {
    const id = `r${this.nextId++}`;
    const message = { ...body, v: PROTOCOL_VERSION, id, type };
    clearTimeout(this.idleTimer);
    return new Promise<OkReply<K>>((resolve, reject) => {
      this.pending.set(id, { type, resolve: resolve as unknown as (reply: OkReply) => void, reject });
      this.armTimer();
      try {
        this.ensurePort().postMessage(message);
      } catch (e) {
        this.settle(id, undefined, describeDisconnect(errorText(e)));
      }
    });
  }

  /** Closes the port; pending requests fail (with `error`, by default "the helper stopped"). */
  close(error: NativeHostError = describeDisconnect(undefined)): void {
    clearTimeout(this.idleTimer);
    const port = this.port;
    this.port = undefined;
    port?.disconnect();
    this.failPending(error);
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
    if (!isRecord(message) || typeof message.id !== 'string') {
      this.longLived?.onEvent(message);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    const error = message.ok === false ? parseHostError(message.error) : null;
    if (message.ok === true && message.type === pending.type) this.settle(message.id, message as unknown as OkReply);
    else if (error) this.settle(message.id, undefined, new NativeHostError({ ...error, message: error.message.slice(0, MAX_MESSAGE_LENGTH) }));
    else {
      this.settle(
        message.id,
        undefined,
        new NativeHostError({
          code: 'BAD_REPLY',
          message: `The credentials helper sent an answer this extension cannot read. Update it with: ${INSTALL_HOST_COMMAND}`,
        }),
      );
    }
  }

  /** Starts the clock of the oldest pending request, if it is not running yet. */
  private armTimer(): void {
    const head = this.pending.keys().next();
    if (head.done || this.timer?.id === head.value) return;
    clearTimeout(this.timer?.handle);
    const id = head.value;
    this.timer = {
      id,
      handle: setTimeout(() => {
        // The host is stuck on this request, and answers in order: nothing behind it will come either.
        this.timer = undefined;
        this.close(
          new NativeHostError({
            code: 'TIMEOUT',
            message: `The credentials helper did not answer within ${Math.round(this.timeoutMs / 1000)} s. Run "${DOCTOR_COMMAND}" to check it.`,
          }),
        );
      }, this.timeoutMs),
    };
  }

  private onDisconnect(reason: string | undefined): void {
    clearTimeout(this.idleTimer);
    this.port = undefined;
    const error = describeDisconnect(reason);
    this.failPending(error);
    this.longLived?.onClose(error);
  }

  private failPending(error: NativeHostError): void {
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, error);
  }

  private settle(id: string, reply?: OkReply, error?: NativeHostError): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (this.timer?.id === id) {
      clearTimeout(this.timer.handle);
      this.timer = undefined;
    }
    this.armTimer();
    if (error) p.reject(error);
    else p.resolve(reply!);
    if (this.pending.size === 0 && this.port && !this.longLived) {
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => {
        if (this.pending.size === 0) this.close();
      }, this.idleMs);
    }
  }
}
