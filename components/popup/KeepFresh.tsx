/**
 * One sign-in's "Keep fresh" line: the switch, what renewal is doing (fresh until…, renewing…, needs you…), the one
 * button that helps, and what the last renewal did. The state itself is the background's (lib/background/renewal.ts).
 */
import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { Capture, RoleOutcome } from '../../lib/capture';
import { clockTime } from '../../lib/delivery';
import { sendMessage } from '../../lib/browser/messages';
import { idpHostPermissions } from '../../lib/renewal/entra-hosts';
import type { RenewalRecord } from '../../lib/renewal/record';
import { renewalStatus } from '../../lib/renewal/status';
import { useNow } from '../use-now';

interface KeepFreshProps {
  capture: Capture;
  record: RenewalRecord | undefined;
  outcomes: Record<string, RoleOutcome>;
  idleLimitHours: number;
  /** The organisation switched Keep fresh off (or on) for everyone: the switch is shown but cannot change. */
  locked: boolean;
}

const clock = (t: number) => clockTime(new Date(t).toISOString());

/** Asks for the Entra sign-in hosts on this click (browsers grant optional permissions only from a gesture). */
function askForIdpHosts(): Promise<boolean> {
  return browser.permissions.request({ origins: idpHostPermissions() }).catch(() => false);
}

export function KeepFresh({ capture, record, outcomes, idleLimitHours, locked }: KeepFreshProps) {
  useNow();
  if (!record) return null;
  const state = record.state;
  if (state.kind === 'manual' && state.reason === 'not-entra') {
    return (
      <p class="keep-fresh muted small" data-testid="keep-fresh" data-state="manual">
        {renewalStatus(state, { idp: capture.source?.idp, idleLimitHours, clock }).text}
      </p>
    );
  }
  const live = Object.values(outcomes).filter((o): o is Extract<RoleOutcome, { status: 'ok' }> => o.status === 'ok' && o.captureId === capture.id);
  const freshUntil = live.length ? Math.min(...live.map((o) => Date.parse(o.credentials.expiration))) : undefined;
  const status = renewalStatus(state, { idp: capture.source?.idp, idleLimitHours, clock, ...(freshUntil !== undefined ? { freshUntil } : {}) });
  const on = state.kind !== 'off';
  const last = record.lastRun;
  return (
    <div class={`keep-fresh small state-${status.kind}`} data-testid="keep-fresh" data-state={status.kind}>
      <label class="check">
        <input
          type="checkbox"
          data-testid="keep-fresh-switch"
          checked={on}
          disabled={locked}
          onChange={(e) => {
            const next = e.currentTarget.checked;
            const asked = next ? askForIdpHosts() : Promise.resolve(true);
            void asked.then(() => sendMessage('setKeepFresh', { sourceKey: record.key, on: next })).catch(() => undefined);
          }}
        />
        Keep fresh
      </label>{' '}
      <span data-testid="keep-fresh-status" role={status.kind === 'needs-you' ? 'alert' : undefined}>
        {status.text}
      </span>
      {status.action === 'sign-in' && (
        <button
          type="button"
          class="btn btn-link"
          data-testid="keep-fresh-sign-in"
          onClick={() => void sendMessage('openSignIn', { sourceKey: record.key }).catch(() => undefined)}
        >
          Sign in
        </button>
      )}
      {status.action === 'allow' && (
        <button
          type="button"
          class="btn btn-link"
          data-testid="keep-fresh-allow"
          onClick={() => void askForIdpHosts().then((granted) => (granted ? sendMessage('setKeepFresh', { sourceKey: record.key, on: true }) : undefined))}
        >
          Allow
        </button>
      )}
      {state.kind === 'needs-you' && state.reason === 'app-unknown' && <AppIdentifierForm sourceKey={record.key} />}
      {last && (
        <span class="muted" data-testid="keep-fresh-last">
          {' '}
          · renewed {last.renewed} {last.renewed === 1 ? 'role' : 'roles'}
          {last.saved > 0 ? `, saved ${last.saved}` : ''} at {clock(last.at)}
          {last.failed > 0 ? ` (${last.failed} failed)` : ''}
        </span>
      )}
    </div>
  );
}

/** Where Entra did not recognise the app identifier: the person enters it (the AWS app's Identifier in Entra). */
function AppIdentifierForm({ sourceKey }: { sourceKey: string }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  return (
    <form
      class="app-identifier"
      data-testid="keep-fresh-identifier"
      onSubmit={(e) => {
        e.preventDefault();
        void sendMessage('setAppIdentifier', { sourceKey, identifier: text.trim() })
          .then((r) => setError(r.ok ? undefined : r.message))
          .catch((err: unknown) => setError(String(err)));
      }}
    >
      <label>
        App identifier{' '}
        <input
          type="text"
          class="text"
          placeholder="https://signin.aws.amazon.com/saml#2"
          value={text}
          maxLength={2048}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </label>{' '}
      <button type="submit" class="btn btn-link">
        Use it
      </button>
      {error && (
        <span class="error" role="alert">
          {' '}
          {error}
        </span>
      )}
    </form>
  );
}
