/** How credentials are handed over: saved by the helper automatically, and which copy formats come first. */
import { useEffect, useState } from 'preact/hooks';
import { sendMessage } from '../../lib/browser/messages';
import { EXPORT_FORMATS } from '../../lib/export-format-ids';
import { MAX_EXPIRED_DAYS } from '../../lib/host-protocol';
import { checkRemoveExpiredAfterDays, withDelivery, withFormatMoved } from '../../lib/settings';
import type { OptionsContext } from './context';
import { LockedNote, Section } from './fields';
import { DeliveryModeSelect } from './RolesSection';

const LABEL = new Map(EXPORT_FORMATS.map((f) => [f.id, f]));

export function DeliverySection({ ctx }: { ctx: OptionsContext }) {
  const autoLocked = ctx.isLocked('delivery.autoSaveToHost');
  const autoSave = (autoLocked ? ctx.settings : ctx.local).delivery.autoSaveToHost;
  // Unset, auto-save follows whether the helper answers: ask it once, as the popup does.
  const [helperReady, setHelperReady] = useState<boolean>();
  useEffect(() => {
    if (autoSave !== null) return;
    let alive = true;
    sendMessage('hostStatus', {}).then(
      (status) => alive && setHelperReady(status.state === 'ready'),
      () => alive && setHelperReady(false),
    );
    return () => {
      alive = false;
    };
  }, [autoSave]);
  const orderLocked = ctx.isLocked('delivery.formatOrder');
  const processLocked = ctx.isLocked('delivery.credentialProcess');
  const order = (orderLocked ? ctx.settings : ctx.local).delivery.formatOrder;
  return (
    <Section id="delivery" title="Delivery">
      <div class="field">
        <label class="check">
          <input
            type="checkbox"
            data-testid="auto-save-to-host"
            checked={autoSave ?? helperReady ?? false}
            disabled={autoLocked}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              ctx.save((s) => withDelivery(s, { autoSaveToHost: on }), on ? 'automatic saving' : 'no automatic saving');
            }}
          />
          Save credentials to ~/.aws/credentials as soon as they are issued
        </label>
        {autoLocked && <LockedNote path="delivery.autoSaveToHost" />}
        <p class="hint" data-testid="auto-save-default">
          {autoSave === null
            ? `On by default when the credentials helper is installed (${helperReady === undefined ? 'checking…' : helperReady ? 'it is' : 'it is not'}).`
            : 'Needs the credentials helper.'}{' '}
          The popup offers to download it and shows the one command that installs it. Without it nothing is saved.
          {autoSave !== null && !autoLocked && (
            <>
              {' '}
              <button
                type="button"
                class="btn btn-link"
                data-testid="auto-save-use-default"
                onClick={() => ctx.save((s) => withDelivery(s, { autoSaveToHost: null }), 'automatic saving when the helper is installed')}
              >
                Use the default
              </button>
            </>
          )}
        </p>
      </div>
      {/* credential_process (issue 12 §3) */}
      <div class="field">
        <label class="check">
          <input
            type="checkbox"
            data-testid="credential-process"
            checked={(processLocked ? ctx.settings : ctx.local).delivery.credentialProcess}
            disabled={processLocked}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              ctx.save((s) => withDelivery(s, { credentialProcess: on }), on ? 'serving credential_process' : 'not serving credential_process');
            }}
          />
          Serve credentials to <code>credential_process</code>
        </label>
        {processLocked && <LockedNote path="delivery.credentialProcess" />}
        <p class="hint">
          While the browser runs, the credentials helper hands live credentials to <code>aws-saml-bridge credential-process --profile &lt;name&gt;</code> from
          memory (never a file), renewing them first when fewer than 20 minutes are left. Put that command, with absolute paths, as{' '}
          <code>credential_process</code> in <code>~/.aws/config</code>.
        </p>
      </div>
      <div class="field">
        <label class="label" for="default-delivery-mode">
          How roles reach the AWS CLI (unless a role has its own choice under Roles)
        </label>
        <DeliveryModeSelect
          id="default-delivery-mode"
          testId="default-delivery-mode"
          ariaLabel="How roles reach the AWS CLI"
          value={(ctx.isLocked('delivery.defaultMode') ? ctx.settings : ctx.local).delivery.defaultMode ?? 'file'}
          disabled={ctx.isLocked('delivery.defaultMode')}
          onChange={(mode) => ctx.save((s) => withDelivery(s, { defaultMode: mode ?? 'file' }), 'the default delivery')}
        />
        {ctx.isLocked('delivery.defaultMode') && <LockedNote path="delivery.defaultMode" />}
        <p class="hint">
          Credentials file: keys in ~/.aws/credentials. credential_process: a section in ~/.aws/config runs the helper, which hands the AWS CLI fresh
          credentials from the browser, and no keys stay on disk. Both: keys and the section (the keys win while they are valid).
        </p>
      </div>
      <ExpiredCleanupField ctx={ctx} />
      <div class="field">
        <span class="label" id="format-order-label">
          Copy formats, in the order the popup shows them
        </span>
        {orderLocked && <LockedNote path="delivery.formatOrder" />}
        <ol class="format-order" aria-labelledby="format-order-label" data-testid="format-order">
          {order.map((id, i) => {
            const f = LABEL.get(id)!;
            return (
              <li key={id} data-testid="format-order-item" data-format={id}>
                <span>
                  {f.label} <span class="muted small mono">{f.description}</span>
                </span>
                <span class="move">
                  <button
                    type="button"
                    class="btn btn-small"
                    data-testid={`format-up-${id}`}
                    aria-label={`Move ${f.label} up`}
                    disabled={orderLocked || i === 0}
                    onClick={() => ctx.save((s) => withFormatMoved(s, id, -1), 'the format order')}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    class="btn btn-small"
                    data-testid={`format-down-${id}`}
                    aria-label={`Move ${f.label} down`}
                    disabled={orderLocked || i === order.length - 1}
                    onClick={() => ctx.save((s) => withFormatMoved(s, id, 1), 'the format order')}
                  >
                    ↓
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
      </div>
    </Section>
  );
}

/** Tidy credentials file (issue 12 §2): remove the extension's own sections some days after they expired. */
function ExpiredCleanupField({ ctx }: { ctx: OptionsContext }) {
  const days = ctx.local.delivery.removeExpiredAfterDays;
  const save = (value: number | null) =>
    ctx.save((s) => withDelivery(s, { removeExpiredAfterDays: value }), value === null ? 'keeping expired sections' : 'removing expired sections');
  return (
    <div class="field">
      <label class="check">
        <input type="checkbox" data-testid="remove-expired" checked={days !== null} onChange={(e) => save(e.currentTarget.checked ? 7 : null)} />
        Remove sections this extension wrote whose credentials expired more than
        <input
          type="number"
          class="small-number"
          data-testid="remove-expired-days"
          min={1}
          max={MAX_EXPIRED_DAYS}
          value={days ?? 7}
          disabled={days === null}
          aria-label="Days after expiry"
          onChange={(e) => {
            const n = Number(e.currentTarget.value);
            if (checkRemoveExpiredAfterDays(n).ok) save(n);
          }}
        />
        days ago
      </label>
      <p class="hint">The helper does it on each save. It never touches a section it did not write. Off: every section is kept.</p>
    </div>
  );
}
