/** Above the role list: the filter, Select all / Select none for the roles shown, and how many are shown. */
import type { RefObject } from 'preact';
import { shownText } from '../view-model';

interface ToolbarProps {
  query: string;
  onQuery: (query: string) => void;
  /** The selection keys of the roles the filter shows: what Select all and Select none act on. */
  visibleKeys: string[];
  totalRoles: number;
  onSetKeys: (keys: string[], on: boolean) => void;
  /** Holds the role grids: Down from the filter enters the first one at its tab stop. */
  listRef: RefObject<HTMLElement>;
}

export function Toolbar({ query, onQuery, visibleKeys, totalRoles, onSetKeys, listRef }: ToolbarProps) {
  return (
    <div class="toolbar">
      <label for="filter" class="sr-only">
        Filter roles
      </label>
      <input
        id="filter"
        type="search"
        class="filter"
        data-testid="filter"
        placeholder="Filter roles by name, path or account"
        autoComplete="off"
        spellcheck={false}
        autoFocus
        value={query}
        onInput={(e) => onQuery(e.currentTarget.value)}
        onKeyDown={(e) => {
          // Down enters the role list at its tab stop: the first role shown since the filter last changed.
          if (e.key !== 'ArrowDown' || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
          const entry = listRef.current?.querySelector<HTMLElement>('[role="grid"] [tabindex="0"]');
          if (!entry) return;
          e.preventDefault();
          entry.focus();
        }}
      />
      <div class="toolbar-row">
        <button type="button" class="btn btn-small" data-testid="select-all" onClick={() => onSetKeys(visibleKeys, true)}>
          Select all
        </button>
        <button type="button" class="btn btn-small" data-testid="select-none" onClick={() => onSetKeys(visibleKeys, false)}>
          Select none
        </button>
        <span class="muted shown" role="status">
          {shownText(query, visibleKeys.length, totalRoles)}
        </span>
      </div>
    </div>
  );
}
