/**
 * The agent as the native host runs it: started by the extension's `agent-start`, fed by `agent-sessions`, asking
 * the extension for renewals and sign-ins with events on the same port, and gone when the port closes.
 */
import type { AgentRenewResult, AgentSession, HostEvent } from '../../lib/host-protocol';
import { PROTOCOL_VERSION } from '../../lib/host-protocol';
import { AgentRefusal } from './endpoint';
import type { AgentPaths } from './run-dir';
import { AgentServer } from './server';
import { AgentState, RENEW_TIMEOUT_MS } from './state';

/** What the request handlers need of the agent. */
export interface AgentControl {
  start(): Promise<{ ok: true; endpoint: string } | { ok: false; message: string }>;
  setSessions(sessions: readonly AgentSession[]): number;
  renewResult(renewId: string, result: AgentRenewResult): void;
  stop(): void;
}

/** The agent of one host process; `sendEvent` writes a host→extension message on stdout. */
export function createAgentControl(paths: () => AgentPaths, sendEvent: (event: HostEvent) => void, log: (line: string) => void): AgentControl {
  const pending = new Map<string, (r: AgentRenewResult) => void>();
  let nextRenew = 1;
  const state = new AgentState({
    renew: (roleArns) =>
      new Promise((resolve, reject) => {
        const renewId = `renew-${nextRenew++}`;
        const timer = setTimeout(() => {
          pending.delete(renewId);
          reject(new Error('renewal timed out'));
        }, RENEW_TIMEOUT_MS);
        pending.set(renewId, (r) => {
          clearTimeout(timer);
          resolve(r);
        });
        sendEvent({ v: PROTOCOL_VERSION, event: 'agent-renew', renewId, roleArns });
      }),
    openSignIn: (profile, roleArn) => sendEvent({ v: PROTOCOL_VERSION, event: 'agent-sign-in', profile, roleArn }),
  });
  let server: AgentServer | undefined;
  let starting: Promise<{ ok: true; endpoint: string } | { ok: false; message: string }> | undefined;
  return {
    start() {
      starting ??= (async () => {
        const s = new AgentServer(paths(), state, { log });
        try {
          const endpoint = await s.start();
          server = s;
          return { ok: true as const, endpoint };
        } catch (e) {
          starting = undefined;
          if (e instanceof AgentRefusal) return { ok: false as const, message: e.message };
          return {
            ok: false as const,
            message: `the agent could not listen (${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.name : 'error')})`,
          };
        }
      })();
      return starting;
    },
    setSessions(sessions) {
      state.setSessions(sessions);
      return state.size;
    },
    renewResult(renewId, result) {
      const resolve = pending.get(renewId);
      pending.delete(renewId);
      resolve?.(result);
    },
    stop() {
      state.clear();
      server?.stop();
      server = undefined;
    },
  };
}
