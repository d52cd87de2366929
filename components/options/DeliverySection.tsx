/** How credentials are handed over: saved by the helper automatically, and which copy formats come first. */
import { EXPORT_FORMATS } from '../../lib/export-formats';
import { withDelivery, withFormatMoved } from '../../lib/settings';
import type { OptionsContext } from './context';
import { LockedNote, Section } from './fields';
import { DeliveryModeSelect } from './RolesSection';

const LABEL = new Map(EXPORT_FORMATS.map((f) => [f.id, f]));

export function DeliverySection({ ctx }: { ctx: OptionsContext }) {
  const autoLocked = ctx.isLocked('delivery.autoSaveToHost');
  const orderLocked = ctx.isLocked('delivery.formatOrder');
  const order = (orderLocked ? ctx.settings : ctx.local).delivery.formatOrder;
  return (
    <Section id="delivery" title="Delivery">
      <div class="field">
        <label class="check">
          <input
            type="checkbox"
            data-testid="auto-save-to-host"
            checked={(autoLocked ? ctx.settings : ctx.local).delivery.autoSaveToHost}
            disabled={autoLocked}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              ctx.save((s) => withDelivery(s, { autoSaveToHost: on }), on ? 'automatic saving' : 'no automatic saving');
            }}
          />
          Save credentials to ~/.aws/credentials as soon as they are issued
        </label>
        {autoLocked && <LockedNote path="delivery.autoSaveToHost" />}
        <p class="hint">
          Needs the credentials helper: the popup offers to download it and shows the one command that installs it. Without it nothing is saved.
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
