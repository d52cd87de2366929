import type { PortLike } from '../../lib/native-port';

/** A fake native port: records what was posted and lets the test answer or disconnect. */
export function fakePort() {
  const messageListeners: ((m: unknown) => void)[] = [];
  const disconnectListeners: ((p: PortLike) => void)[] = [];
  const posted: { id: string; type: string; v: number }[] = [];
  const port: PortLike & { posted: typeof posted; reply(m: unknown): void; drop(reason?: string): void } = {
    posted,
    error: null,
    postMessage: (m) => void posted.push(m as (typeof posted)[number]),
    disconnect: () => undefined,
    onMessage: { addListener: (l) => void messageListeners.push(l) },
    onDisconnect: { addListener: (l) => void disconnectListeners.push(l) },
    reply: (m) => messageListeners.forEach((l) => l(m)),
    drop(reason) {
      port.error = reason ? { message: reason } : null;
      disconnectListeners.forEach((l) => l(port));
    },
  };
  return port;
}
