/** The popup's helper line for credential_process: serving (where, how many profiles), reconnecting, or why it stopped. */
import { useEffect, useState } from 'preact/hooks';
import type { AgentStatus } from '../../lib/agent-link';
import { agentStatusItem, watchStorage } from '../../lib/browser/storage';

export function AgentStatusLine() {
  const [status, setStatus] = useState<AgentStatus | null>(null);
  useEffect(() => {
    void agentStatusItem.getValue().then(setStatus, () => undefined);
    return watchStorage([agentStatusItem], (changes) => {
      const change = Object.values(changes)[0];
      setStatus((change?.newValue as AgentStatus | undefined) ?? null);
    });
  }, []);
  if (!status) return null;
  return (
    <p class={`host-status small${status.state === 'failed' ? ' error' : ' muted'}`} data-testid="agent-status" data-state={status.state}>
      {status.state === 'serving' && (
        <>
          <span class="ok-mark">●</span> Serving {status.sessions} {status.sessions === 1 ? 'profile' : 'profiles'} to credential_process
        </>
      )}
      {status.state === 'connecting' && 'Connecting credential_process to the helper…'}
      {status.state === 'failed' && status.message}
    </p>
  );
}
