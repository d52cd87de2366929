/**
 * The roles of one sign-in, grouped by account, as one WAI-ARIA layout grid (one tab stop; arrows move between
 * rows and, within a row, between the role's checkbox, its pin and its result's copy buttons): a checkbox per
 * role, its result in place underneath. A row that cannot be shown becomes one line with Forget.
 */
import { memo } from './memo';
import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import type { RoleOutcome } from '../lib/capture';
import { savedFor, type SavedProfile } from '../lib/delivery';
import { formatDuration } from '../lib/duration';
import { BrokenEntryLine, ErrorBoundary } from './ErrorBoundary';
import { RoleResult } from './lazy';
import { useRovingGrid } from './use-roving-grid';
import { chainedBySource, outcomeVersion, rowKeys, type AccountGroup, type RoleRowModel } from './view-model';

export interface RoleListProps {
  groups: AccountGroup[];
  selected: ReadonlySet<string>;
  outcomes: Record<string, RoleOutcome>;
  /** What the last save wrote, per role ARN. */
  saved: Record<string, SavedProfile>;
  /** Versions of the errors already there when the popup opened: those are not announced again. */
  errorsAtOpen: ReadonlySet<string>;
  onToggle: (key: string, on: boolean) => void;
  /** Pins or unpins a role (stored in settings); absent when settings cannot be written. */
  onTogglePin?: (roleArn: string) => void;
  onSetKeys: (keys: string[], on: boolean) => void;
  /** Forgets a sign-in: offered by a row that cannot be shown. */
  onForgetSignIn?: (captureId: string) => void;
  /** The grid's accessible name, e.g. "Roles of signin.aws.amazon.com/saml". */
  gridLabel?: string;
}

/** Rows the list's first render shows: what the popup has room for (whole account groups, see `firstGroups`). */
export const FIRST_ROWS = 15;
/** Rows each later step adds. */
export const ROWS_PER_STEP = 40;

/**
 * How many rows to render: FIRST_ROWS at first, then ROWS_PER_STEP more per task until `total`, so 300 roles
 * paint as fast as 15 and a click between two steps is answered at once.
 */
function useRowsShown(total: number): number {
  const [shown, setShown] = useState(FIRST_ROWS);
  useEffect(() => {
    if (shown >= total) return;
    const step = setTimeout(() => setShown((n) => n + ROWS_PER_STEP), 0);
    return () => clearTimeout(step);
  }, [shown, total]);
  return shown;
}

/** The first groups, whole, up to (and including) the one that holds row number `rows`. */
function firstGroups(groups: AccountGroup[], rows: number): AccountGroup[] {
  let count = 0;
  const end = groups.findIndex((g) => (count += g.rows.length) >= rows);
  return end === -1 ? groups : groups.slice(0, end + 1);
}

export function RoleList({ groups, selected, outcomes, saved, errorsAtOpen, onToggle, onTogglePin, onSetKeys, onForgetSignIn, gridLabel }: RoleListProps) {
  const gridRef = useRovingGrid<HTMLDivElement>(groups);
  const chained = useMemo(() => chainedBySource(outcomes), [outcomes]);
  const total = useMemo(() => groups.reduce((n, g) => n + g.rows.length, 0), [groups]);
  const shown = useRowsShown(total);
  return (
    <div ref={gridRef} role="grid" class="role-grid" aria-label={gridLabel ?? 'Roles'} data-testid="role-grid">
      {firstGroups(groups, shown).map((group) => {
        const keys = rowKeys([group]);
        const all = keys.every((k) => selected.has(k));
        const account = group.partitionLabel ? `${group.accountId} (${group.partitionLabel})` : group.accountId;
        return (
          <div role="rowgroup" class="account" key={group.key}>
            <div role="row" class="account-head">
              <div role="gridcell" class="account-title">
                <h3>
                  {group.accountName ? (
                    <>
                      <span class="account-name" data-testid="account-name">
                        {group.accountName}
                      </span>{' '}
                      <span class="mono muted">{group.accountId}</span>
                    </>
                  ) : (
                    <>
                      Account <span class="mono">{group.accountId}</span>
                    </>
                  )}
                  {group.partitionLabel && <span class="badge"> {group.partitionLabel}</span>}
                  <span class="count">
                    {' '}
                    · {group.rows.length} {group.rows.length === 1 ? 'role' : 'roles'}
                  </span>
                </h3>
              </div>
              <div role="gridcell" class="account-action">
                <button
                  type="button"
                  class="btn btn-link"
                  data-testid="select-account"
                  data-account-id={group.accountId}
                  aria-label={`${all ? 'Clear' : 'Select all'} roles in account ${account}`}
                  onClick={() => onSetKeys(keys, !all)}
                >
                  {all ? 'Clear' : 'Select all'}
                </button>
              </div>
            </div>
            {group.rows.map((row) => {
              const outcome = outcomes[row.role.roleArn];
              const mine = outcome?.captureId === row.captureId ? outcome : undefined;
              return (
                <ErrorBoundary
                  key={row.key}
                  resetKey={mine ?? row}
                  fallback={() => (
                    <div role="row" class="role-row broken">
                      <div role="gridcell">
                        <BrokenEntryLine onForget={onForgetSignIn && (() => onForgetSignIn(row.captureId))} />
                      </div>
                    </div>
                  )}
                >
                  <RoleRow
                    row={row}
                    checked={selected.has(row.key)}
                    outcome={mine}
                    saved={mine && savedFor(saved, mine)}
                    announce={mine?.status === 'error' && !errorsAtOpen.has(outcomeVersion(mine))}
                    chained={mine && chained.get(row.key)}
                    savedAll={saved}
                    errorsAtOpen={errorsAtOpen}
                    onToggle={onToggle}
                    onTogglePin={onTogglePin}
                  />
                </ErrorBoundary>
              );
            })}
          </div>
        );
      })}
    </div>
  );
}

interface RoleRowProps {
  row: RoleRowModel;
  checked: boolean;
  outcome: RoleOutcome | undefined;
  saved: SavedProfile | undefined;
  announce: boolean;
  /** Roles reached by chaining from this one, shown under its result. */
  chained: RoleOutcome[] | undefined;
  savedAll: Record<string, SavedProfile>;
  errorsAtOpen: ReadonlySet<string>;
  onToggle: (key: string, on: boolean) => void;
  onTogglePin: ((roleArn: string) => void) | undefined;
}

const RoleRow = memo(function RoleRow({ row, checked, outcome, saved, announce, chained, savedAll, errorsAtOpen, onToggle, onTogglePin }: RoleRowProps) {
  const { role } = row;
  const pathId = useId();
  const hasPath = role.rolePath !== '/';
  return (
    <div role="row" class="role-row" data-testid="role-row" data-role-arn={role.roleArn}>
      <div role="gridcell" class="role-cell">
        <label class={checked ? 'role-label is-selected' : 'role-label'}>
          <input
            type="checkbox"
            data-grid-entry
            checked={checked}
            aria-describedby={hasPath ? pathId : undefined}
            onChange={(e) => onToggle(row.key, e.currentTarget.checked)}
          />
          <span class="role-name">{role.roleName}</span>
          <span class="sr-only"> in account {role.accountId}</span>
          {hasPath && (
            <span class="role-path mono" id={pathId} aria-hidden="true">
              {role.rolePath}
            </span>
          )}
          {row.duration !== undefined && (
            <span class="tag" data-testid="role-duration" title="This role's own session duration, from the options">
              {row.duration === 'max' ? 'longest' : formatDuration(row.duration)}
            </span>
          )}
        </label>
      </div>
      {onTogglePin && (
        <div role="gridcell" class="pin-cell">
          <button
            type="button"
            class={row.pinned ? 'pin is-pinned' : 'pin'}
            data-testid="pin"
            aria-pressed={row.pinned}
            aria-label={`${row.pinned ? 'Unpin' : 'Pin'} ${role.roleName} in account ${role.accountId}`}
            title={row.pinned ? 'Pinned: listed first. Click to unpin.' : 'Pin: list this role first'}
            onClick={() => onTogglePin(role.roleArn)}
          >
            {row.pinned ? '★' : '☆'}
          </button>
        </div>
      )}
      {outcome && (
        <div role="gridcell" class="result-cell">
          <RoleResult outcome={outcome} saved={saved} announce={announce} />
        </div>
      )}
      {chained?.map((c) => (
        <div role="gridcell" class="result-cell chained-cell" key={c.roleArn} data-testid="chained-result" data-chained-from={role.roleArn}>
          <RoleResult outcome={c} saved={savedFor(savedAll, c)} announce={c.status === 'error' && !errorsAtOpen.has(outcomeVersion(c))} standalone />
        </div>
      ))}
    </div>
  );
});
