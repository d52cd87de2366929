/**
 * Which roles are selected for Assume: keys of sign-in and role, kept across storage updates and filtering. Until
 * the user ticks or unticks anything, the roles last chosen from each sign-in's source are ticked, and the duration
 * last chosen is offered.
 */
import { useCallback, useMemo, useRef, useState } from 'preact/hooks';
import type { Capture } from '../../lib/capture';
import type { DurationChoice } from '../../lib/duration';
import { rememberedRolesIn, type Remembered, type RememberedSource } from '../../lib/remembered';
import { sourceKeyFor } from '../../lib/sign-in-source';
import { selectedRoleCount, selectionKey, withKeys, withoutSignIn } from '../view-model';

export interface Selection {
  selected: ReadonlySet<string>;
  /** How many roles an Assume press would request (forgotten sign-ins and duplicates left out). */
  count: number;
  toggle: (key: string, on: boolean) => void;
  setKeys: (keys: string[], on: boolean) => void;
  /** Drops the keys of one forgotten sign-in, or of all when `captureId` is undefined. */
  dropSignIn: (captureId?: string) => void;
}

function rememberedFor(remembered: Readonly<Remembered>, capture: Capture): RememberedSource | undefined {
  const key = sourceKeyFor(capture);
  return Object.hasOwn(remembered, key) ? remembered[key] : undefined;
}

/** The remembered roles of every sign-in that can still be assumed, as selection keys (roles no longer offered are not). */
export function preTickedKeys(captures: readonly Capture[], remembered: Readonly<Remembered>): ReadonlySet<string> {
  const keys = new Set<string>();
  for (const capture of captures) {
    if (capture.samlResponse === undefined) continue;
    for (const arn of rememberedRolesIn(capture.summary.roles, rememberedFor(remembered, capture))) keys.add(selectionKey(capture.id, arn));
  }
  return keys;
}

/** The duration last chosen from the newest sign-in that has a remembered choice and can still be assumed. */
export function rememberedDuration(captures: readonly Capture[], remembered: Readonly<Remembered>): DurationChoice | undefined {
  for (const capture of captures) {
    const source = capture.samlResponse === undefined ? undefined : rememberedFor(remembered, capture);
    if (source && rememberedRolesIn(capture.summary.roles, source).length > 0) return source.durationSeconds;
  }
  return undefined;
}

const NOTHING_REMEMBERED: Readonly<Remembered> = Object.freeze({});

export function useSelection(captures: readonly Capture[], remembered: Readonly<Remembered> = NOTHING_REMEMBERED): Selection {
  // `own` is the user's selection once they changed anything; until then the remembered roles are ticked.
  const [own, setOwn] = useState<ReadonlySet<string>>();
  const preTicked = useMemo(() => preTickedKeys(captures, remembered), [captures, remembered]);
  const preTickedRef = useRef(preTicked);
  preTickedRef.current = preTicked;
  const selected = own ?? preTicked;
  const toggle = useCallback((key: string, on: boolean) => setOwn((s) => withKeys(s ?? preTickedRef.current, [key], on)), []);
  const setKeys = useCallback((keys: string[], on: boolean) => setOwn((s) => withKeys(s ?? preTickedRef.current, keys, on)), []);
  // Forgetting everything starts over (a new sign-in gets its remembered roles ticked again).
  const dropSignIn = useCallback(
    (captureId?: string) => setOwn((s) => (captureId === undefined ? undefined : withoutSignIn(s ?? preTickedRef.current, captureId))),
    [],
  );
  const count = useMemo(() => selectedRoleCount(captures, selected), [captures, selected]);
  return { selected, count, toggle, setKeys, dropSignIn };
}

/** The duration for Assume: the user's pick, else the one last chosen for the newest sign-in's source, else `fallback`. */
export function useDurationChoice(
  captures: readonly Capture[],
  remembered: Readonly<Remembered>,
  fallback: DurationChoice,
): [DurationChoice, (duration: DurationChoice) => void] {
  const [own, setOwn] = useState<DurationChoice>();
  const fromMemory = useMemo(() => rememberedDuration(captures, remembered), [captures, remembered]);
  return [own ?? fromMemory ?? fallback, setOwn];
}
