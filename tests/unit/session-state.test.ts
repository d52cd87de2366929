import { describe, expect, it } from 'vitest';
import type { Capture, RoleOutcome } from '@/lib/capture';
import { applyChanges, stateFromItems } from '@/lib/session-state';
import { SESSION_KEYS as K } from '@/lib/storage-keys';

const capture = (id: string, capturedAt: number) => ({ id, capturedAt, summary: { roles: [] } }) as unknown as Capture;
const outcome = (roleArn: string, status: RoleOutcome['status']) => ({ roleArn, status }) as RoleOutcome;

describe('session state', () => {
  it('maps storage items to captures (newest first), outcomes and the problem; ignores unknown keys', () => {
    const s = stateFromItems({
      [K.capture.key('a')]: capture('a', 1),
      [K.capture.key('b')]: capture('b', 2),
      [K.outcome.key('arn:x')]: outcome('arn:x', 'ok'),
      [K.problem]: { capturedAt: 3 },
      other: 1,
    });
    expect(s.captures.map((c) => c.id)).toEqual(['b', 'a']);
    expect(Object.keys(s.outcomes)).toEqual(['arn:x']);
    expect(s.problem).toEqual({ capturedAt: 3 });
  });

  it('skips values that are not objects instead of throwing on them', () => {
    const s = stateFromItems({
      [K.capture.key('x')]: null,
      [K.capture.key('a')]: capture('a', 1),
      [K.outcome.key('arn:y')]: 'ok',
      [K.saved.key('arn:y')]: 3,
      [K.problem]: null,
    });
    expect(s.captures.map((c) => c.id)).toEqual(['a']);
    expect(s.outcomes).toEqual({});
    expect(s.saved).toEqual({});
    expect(s.problem).toBeUndefined();
    expect(applyChanges(s, { [K.capture.key('b')]: { newValue: null } }).captures).toHaveLength(1);
  });

  it('applies change batches in order, keeping untouched objects identical', () => {
    const a = capture('a', 1);
    let s = stateFromItems({ [K.capture.key('a')]: a, [K.outcome.key('arn:x')]: outcome('arn:x', 'pending') });
    s = applyChanges(s, { [K.outcome.key('arn:x')]: { newValue: outcome('arn:x', 'ok') }, [K.capture.key('b')]: { newValue: capture('b', 5) } });
    s = applyChanges(s, { [K.problem]: { newValue: { capturedAt: 9 } } });
    s = applyChanges(s, { [K.problem]: {} });
    expect(s.captures.map((c) => c.id)).toEqual(['b', 'a']);
    expect(s.captures[1]).toBe(a);
    expect(s.outcomes['arn:x']?.status).toBe('ok');
    expect(s.problem).toBeUndefined();
  });

  it('replaying changes seen during the first read gives the latest values', () => {
    const initial = stateFromItems({ [K.outcome.key('arn:x')]: outcome('arn:x', 'ok') });
    const early = [{ [K.outcome.key('arn:x')]: { newValue: outcome('arn:x', 'pending') } }, { [K.outcome.key('arn:x')]: { newValue: outcome('arn:x', 'ok') } }];
    expect(early.reduce(applyChanges, initial).outcomes['arn:x']?.status).toBe('ok');
  });
});
