/**
 * The extension's side of the credential_process agent (docs/credential-process.md), without browser APIs: one
 * long-lived native port to the helper, `agent-start` on it, every change of the live sessions pushed whole, the
 * helper's `agent-renew` and `agent-sign-in` answered through hooks, and reconnects with back-off when the port
 * drops (an open port also keeps the MV3 worker alive). lib/background/agent.ts wires it to the browser.
 */
import type { AgentRenewResult, AgentSession } from './host-protocol';
import { MAX_AGENT_MESSAGE_LENGTH, parseHostEvent } from './host-protocol';
import { NativeHostClient, NativeHostError, type PortLike } from './native-port';
import { errorText } from './error-text';
import { DOCTOR_COMMAND } from './helper-install';

/** What the popup's helper line says about the agent (kept in storage.session; no secrets). */
export type AgentStatus = { state: 'connecting' } | { state: 'serving'; endpoint: string; sessions: number } | { state: 'failed'; message: string };

export interface AgentHooks {
  /** The live sessions to lend the agent now. */
  sessions(): Promise<AgentSession[]>;
  /** Renews these roles (the extension pushes the new sessions itself before the answer goes back). */
  renew(roleArns: string[]): Promise<AgentRenewResult>;
  /** Opens the sign-in for a profile (`credential-process --wait`). */
  openSignIn(profile: string, roleArn: string | null): void;
  status(status: AgentStatus): void;
}

export interface AgentLinkOptions {
  /** Waits before each reconnect; after the last one the link gives up (and says why). */
  backoffMs?: readonly number[];
  /** A connection that lived this long resets the back-off. */
  stableMs?: number;
  now?: () => number;
}

const DEFAULT_BACKOFF = [1_000, 2_000, 4_000, 8_000];

/** One line, bounded: what the helper accepts as a renewal's message. */
function oneLine(text: string): string {
  return (
    text
      .replace(/[\x00-\x1f\x7f]+/g, ' ')
      .trim()
      .slice(0, MAX_AGENT_MESSAGE_LENGTH) || 'The renewal failed.'
  );
}

export class AgentLink {
  private client: NativeHostClient | undefined;
  private serving = false;
  private tries = 0;
  private connectedAt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pushing: Promise<void> | undefined;
  private pushAgain = false;
  private endpoint = '';

  constructor(
    private readonly connect: () => PortLike,
    private readonly hooks: AgentHooks,
    private readonly options: AgentLinkOptions = {},
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Whether a port is open or being opened. */
  get active(): boolean {
    return this.client !== undefined || this.retryTimer !== undefined;
  }

  /** Opens the port and starts the agent (nothing when already on). */
  start(): void {
    if (this.active) return;
    this.tries = 0;
    this.open();
  }

  /** Closes the port: the helper removes its socket and secret and forgets every session. */
  stop(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const client = this.client;
    this.client = undefined;
    this.serving = false;
    client?.close();
  }

  /** Sends the current sessions (coalesced: pushes asked for during one go out once after it). */
  push(): Promise<void> {
    if (!this.serving) return Promise.resolve();
    if (this.pushing) {
      this.pushAgain = true;
      return this.pushing;
    }
    this.pushing = (async () => {
      do {
        this.pushAgain = false;
        const client = this.client;
        if (!client || !this.serving) break;
        const sessions = await this.hooks.sessions();
        try {
          const reply = await client.request('agent-sessions', { sessions });
          if (client === this.client) this.hooks.status({ state: 'serving', endpoint: this.endpoint, sessions: reply.count });
        } catch {
          // The port dropped or the helper refused: the reconnect (or the status) says so.
        }
      } while (this.pushAgain);
    })().finally(() => (this.pushing = undefined));
    return this.pushing;
  }

  private open(): void {
    this.retryTimer = undefined;
    const client: NativeHostClient = new NativeHostClient(this.connect, undefined, 0, {
      onEvent: (m) => void this.onEvent(client, m),
      onClose: (e) => this.dropped(client, e),
    });
    this.client = client;
    this.connectedAt = this.now();
    this.hooks.status({ state: 'connecting' });
    client.request('agent-start', {}).then(
      (reply) => {
        if (client !== this.client) return;
        this.serving = true;
        this.endpoint = reply.endpoint;
        this.hooks.status({ state: 'serving', endpoint: reply.endpoint, sessions: 0 });
        void this.push();
      },
      (e: unknown) => {
        if (client !== this.client) return;
        const error = e instanceof NativeHostError ? e : new NativeHostError({ code: 'DISCONNECTED', message: errorText(e) });
        // Not installed, or the helper refused (unsafe folder, another browser serves): trying again changes nothing.
        if (error.code === 'AGENT_UNAVAILABLE') return this.giveUp(`credential_process is off: ${error.message}`);
        if (error.code === 'UNKNOWN_TYPE')
          return this.giveUp('The credentials helper is too old to serve credential_process; install it again from the popup.');
        this.dropped(client, error);
      },
    );
  }

  private dropped(client: NativeHostClient, error: NativeHostError): void {
    if (client !== this.client) return;
    this.client = undefined;
    this.serving = false;
    client.close();
    if (error.code === 'HOST_NOT_FOUND') return this.giveUp(`credential_process is off: ${error.message}`);
    if (this.now() - this.connectedAt >= (this.options.stableMs ?? 60_000)) this.tries = 0;
    const backoff = this.options.backoffMs ?? DEFAULT_BACKOFF;
    if (this.tries >= backoff.length) {
      this.giveUp(
        `credential_process stopped: the helper went away ${backoff.length + 1} times (${error.message}). Turn the setting off and on to try again, or run "${DOCTOR_COMMAND}".`,
      );
      return;
    }
    const wait = backoff[this.tries++]!;
    this.hooks.status({ state: 'connecting' });
    this.retryTimer = setTimeout(() => this.open(), wait);
  }

  private giveUp(message: string): void {
    const client = this.client;
    this.client = undefined;
    this.serving = false;
    client?.close();
    this.hooks.status({ state: 'failed', message });
  }

  private async onEvent(client: NativeHostClient, message: unknown): Promise<void> {
    const event = parseHostEvent(message);
    if (!event || client !== this.client) return;
    if (event.event === 'agent-sign-in') {
      this.hooks.openSignIn(event.profile, event.roleArn);
      return;
    }
    let result: AgentRenewResult;
    try {
      result = await this.hooks.renew(event.roleArns);
    } catch (e) {
      result = { ok: false, reason: 'needs-sign-in', message: errorText(e) };
    }
    if (!result.ok) result = { ...result, message: oneLine(result.message) };
    // The new sessions first, then the answer: the helper re-reads them as soon as it has the answer.
    await this.push();
    if (client !== this.client) return;
    await client.request('agent-renew-result', { renewId: event.renewId, result }).catch(() => undefined);
  }
}
