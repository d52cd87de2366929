import { describe, expect, it } from 'vitest';
import type { Capture, RoleOutcome } from '@/lib/capture';
import { applyChanges, stateFromItems } from '@/lib/session-state';

const capture = (id: string, capturedAt: number) => ({ id, capturedAt, summary: { roles: [] } }) as unknown as Capture;
const outcome = (roleArn: string, status: RoleOutcome['status']) => ({ roleArn, status }) as RoleOutcome;

describe('session state', () => {
  it('maps storage items to captures (newest first), outcomes and the problem; ignores unknown keys', () => {
    const s = stateFromItems({
      'capture:a': capture('a', 1),
      'capture:b': capture('b', 2),
      'outcome:arn:x': outcome('arn:x', 'ok'),
      problem: { capturedAt: 3 },
      other: 1,
    });
    expect(s.captures.map((c) => c.id)).toEqual(['b', 'a']);
    expect(Object.keys(s.outcomes)).toEqual(['arn:x']);
    expect(s.problem).toEqual({ capturedAt: 3 });
  });

  it('skips values that are not objects instead of throwing on them', () => {
    const s = stateFromItems({ 'capture:x': null, 'capture:a': capture('a', 1), 'outcome:arn:y': 'ok', 'saved:arn:y': 3, problem: null });
    expect(s.captures.map((c) => c.id)).toEqual(['a']);
    expect(s.outcomes).toEqual({});
    expect(s.saved).toEqual({});
    expect(s.problem).toBeUndefined();
    expect(applyChanges(s, { 'capture:b': { newValue: null } }).captures).toHaveLength(1);
  });

  it('applies change batches in order, keeping untouched objects identical', () => {
    const a = capture('a', 1);
    let s = stateFromItems({ 'capture:a': a, 'outcome:arn:x': outcome('arn:x', 'pending') });
    s = applyChanges(s, { 'outcome:arn:x': { newValue: outcome('arn:x', 'ok') }, 'capture:b': { newValue: capture('b', 5) } });
    s = applyChanges(s, { problem: { newValue: { capturedAt: 9 } } });
    s = applyChanges(s, { problem: {} });
    expect(s.captures.map((c) => c.id)).toEqual(['b', 'a']);
    expect(s.captures[1]).toBe(a);
    expect(s.outcomes['arn:x']?.status).toBe('ok');
    expect(s.problem).toBeUndefined();
  });

  it('replaying changes seen during the first read gives the latest values', () => {
    const initial = stateFromItems({ 'outcome:arn:x': outcome('arn:x', 'ok') });
    const early = [{ 'outcome:arn:x': { newValue: outcome('arn:x', 'pending') } }, { 'outcome:arn:x': { newValue: outcome('arn:x', 'ok') } }];
    expect(early.reduce(applyChanges, initial).outcomes['arn:x']?.status).toBe('ok');
  });
});
