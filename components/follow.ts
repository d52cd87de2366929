/**
 * Browser: a value a page follows from storage, started before its first render (so the page's storage reads overlap
 * its start instead of waiting for an effect after the first paint), then shared with the components that show it.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Followed<T> {
  /** Resolves with the first value (the watcher turns a failed read into a value too). */
  readonly ready: Promise<T>;
  /** The latest value, if any yet. */
  current(): T | undefined;
  /** Replaces the value (e.g. right after the page itself changed what it follows). */
  set(value: T): void;
  subscribe(listener: (value: T) => void): () => void;
}

/** Starts `watch` now and keeps its latest value; lives as long as the page. */
export function follow<T>(watch: (emit: (value: T) => void) => unknown): Followed<T> {
  let value: T | undefined;
  let resolve: (value: T) => void = () => undefined;
  const ready = new Promise<T>((r) => (resolve = r));
  const listeners = new Set<(value: T) => void>();
  const set = (next: T) => {
    value = next;
    resolve(next);
    for (const listener of listeners) listener(next);
  };
  watch(set);
  return {
    ready,
    current: () => value,
    set,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The followed value in a component (undefined until the first value). */
export function useFollowed<T>(source: Followed<T>): T | undefined {
  const [value, setValue] = useState(source.current);
  useEffect(() => {
    // A value that came between the first render and this effect.
    setValue(source.current);
    return source.subscribe((next) => setValue(() => next));
  }, [source]);
  return value;
}
