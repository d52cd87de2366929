/**
 * Browser: keyboard for the role grid (WAI-ARIA layout grid with a roving tabindex). The whole grid is one tab
 * stop; arrows, Home/End and PageUp/PageDown move focus between the focusable elements of its `role="row"`
 * elements (gridMove in view-model.ts). Tab stops are set on the DOM directly, since rows are memoised and
 * their results, pins and copy buttons come and go without the grid re-rendering.
 */
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { gridMove } from './view-model';

const FOCUSABLE = 'input:not([type="hidden"]), button, select, textarea, a[href]';

/** A focusable element of a row that can take focus now. */
const isCell = (el: HTMLElement) => !(el as HTMLButtonElement).disabled && el.closest('[role="row"]') !== null;

/** The grid's focusable elements, row by row. */
function cells(grid: HTMLElement): HTMLElement[][] {
  return [...grid.querySelectorAll<HTMLElement>('[role="row"]')].map((row) =>
    [...row.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !(el as HTMLButtonElement).disabled),
  );
}

/**
 * Makes the element behind the returned ref a roving-tabindex grid. Where Tab enters it: the element focused last
 * in it, else the first `[data-grid-entry]` (the first role's checkbox). `resetOn` changing while focus is
 * elsewhere (the filter narrowed the list) moves that entry point back to the first row shown.
 */
export function useRovingGrid<T extends HTMLElement>(resetOn: unknown) {
  const ref = useRef<T>(null);
  const active = useRef<HTMLElement | null>(null);
  const wantedCol = useRef<number | undefined>(undefined);

  const sync = () => {
    const grid = ref.current;
    if (!grid) return;
    const all = [...grid.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const usable = (el: HTMLElement | null): el is HTMLElement => !!el && grid.contains(el) && isCell(el);
    let current = active.current;
    if (!usable(current)) current = all.find((el) => el.hasAttribute('data-grid-entry') && isCell(el)) ?? all.find(isCell) ?? null;
    active.current = current;
    for (const el of all) {
      // The attribute, not only the property: the filter's Down key finds the tab stop by `[tabindex="0"]`.
      const tabIndex = el === current ? '0' : '-1';
      if (el.getAttribute('tabindex') !== tabIndex) el.setAttribute('tabindex', tabIndex);
    }
  };

  useLayoutEffect(() => {
    if (!ref.current?.contains(document.activeElement)) {
      active.current = null;
      wantedCol.current = undefined;
    }
    sync();
  }, [resetOn]);

  useEffect(() => {
    const grid = ref.current;
    if (!grid) return;
    let moving = false;
    const onFocusIn = (e: FocusEvent) => {
      const target = e.target as HTMLElement;
      const table = cells(grid);
      const row = table.find((r) => r.includes(target));
      if (!row) return;
      if (!moving) wantedCol.current = row.indexOf(target);
      active.current = target;
      sync();
    };
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.altKey || e.metaKey || e.shiftKey || (e.ctrlKey && e.key !== 'Home' && e.key !== 'End')) return;
      const target = e.target as HTMLElement;
      const table = cells(grid);
      const row = table.findIndex((r) => r.includes(target));
      if (row === -1) return;
      const col = (table[row] as HTMLElement[]).indexOf(target);
      const to = gridMove(
        e.key,
        { row, col },
        table.map((r) => r.length),
        wantedCol.current ?? col,
      );
      if (!to) return;
      e.preventDefault();
      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') wantedCol.current = to.col;
      moving = true;
      table[to.row]?.[to.col]?.focus();
      moving = false;
    };
    // Results, pins and copy buttons appear, go and get disabled inside memoised rows: keep one tab stop.
    const observer = new MutationObserver(sync);
    observer.observe(grid, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
    grid.addEventListener('focusin', onFocusIn);
    grid.addEventListener('keydown', onKeyDown);
    return () => {
      observer.disconnect();
      grid.removeEventListener('focusin', onFocusIn);
      grid.removeEventListener('keydown', onKeyDown);
    };
  }, []);

  return ref;
}
