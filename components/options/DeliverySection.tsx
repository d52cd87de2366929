/** How credentials are handed over: saved by the helper automatically, and which copy formats come first. */
import { EXPORT_FORMATS } from '../../lib/export-formats';
import { MAX_EXPIRED_DAYS } from '../../lib/host-protocol';
import { checkRemoveExpiredAfterDays, withDelivery, withFormatMoved } from '../../lib/settings';
import type { OptionsContext } from './context';
import { LockedNote, Section } from './fields';

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
