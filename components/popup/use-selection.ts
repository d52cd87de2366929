/** Which roles are selected for Assume: keys of sign-in and role, kept across storage updates and filtering. */
import { useCallback, useMemo, useState } from 'preact/hooks';
import type { Capture } from '../../lib/capture';
import { selectedRoleCount, withKeys, withoutSignIn } from '../view-model';

export interface Selection {
  selected: ReadonlySet<string>;
  /** How many roles an Assume press would request (forgotten sign-ins and duplicates left out). */
  count: number;
  toggle: (key: string, on: boolean) => void;
  setKeys: (keys: string[], on: boolean) => void;
  /** Drops the keys of one forgotten sign-in, or of all when `captureId` is undefined. */
  dropSignIn: (captureId?: string) => void;
}

export function useSelection(captures: readonly Capture[]): Selection {
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = useCallback((key: string, on: boolean) => setSelected((s) => withKeys(s, [key], on)), []);
  const setKeys = useCallback((keys: string[], on: boolean) => setSelected((s) => withKeys(s, keys, on)), []);
  const dropSignIn = useCallback((captureId?: string) => setSelected((s) => (captureId === undefined ? new Set() : withoutSignIn(s, captureId))), []);
  const count = useMemo(() => selectedRoleCount(captures, selected), [captures, selected]);
  return { selected, count, toggle, setKeys, dropSignIn };
}
