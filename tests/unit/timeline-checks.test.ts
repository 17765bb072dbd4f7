import { describe, expect, it } from 'vitest';
import { timelineProblems } from '../../src/archive/timeline-checks.ts';
import { timeline } from '../support/data.ts';

describe('timelineProblems', () => {
  it('accepts a lifecycle that runs forward', () => {
    const t = timeline([
      { at: '2024-01-01T10:00:00Z', kind: 'investigating' },
      { at: '2024-01-01T11:00:00Z', kind: 'resolved' },
      { at: '2024-01-03T09:00:00Z', kind: 'postmortem' },
    ]);
    expect(timelineProblems(t)).toEqual([]);
  });
  it('rejects "resolved" before any opening update, naming the entry and the fix', () => {
    const t = timeline([
      { at: '2024-01-01T09:00:00Z', kind: 'resolved' },
      { at: '2024-01-01T10:00:00Z', kind: 'investigating' },
    ]);
    const [problem] = timelineProblems(t);
    expect(problem).toMatchObject({ index: 0, field: 'at' });
    expect(problem!.message).toContain('before the first "investigating" update');
    expect(problem!.message).toContain('backfilled: true');
  });
  it('allows it when the entry is marked backfilled', () => {
    const t = timeline([
      { at: '2024-01-01T09:00:00Z', kind: 'resolved', backfilled: true },
      { at: '2024-01-01T10:00:00Z', kind: 'investigating' },
    ]);
    expect(timelineProblems(t)).toEqual([]);
  });
  it('rejects a postmortem before resolution', () => {
    const t = timeline([
      { at: '2024-01-01T09:00:00Z', kind: 'investigating' },
      { at: '2024-01-01T09:30:00Z', kind: 'postmortem' },
      { at: '2024-01-01T10:00:00Z', kind: 'resolved' },
    ]);
    expect(timelineProblems(t).map((p) => p.index)).toEqual([1]);
  });
  it('rejects entries that cannot be told apart', () => {
    const t = timeline([
      { at: '2024-01-01T09:00:00Z', kind: 'note', title: 'Same' },
      { at: '2024-01-01T09:00:00+00:00', kind: 'note', title: 'Same' },
    ]);
    expect(timelineProblems(t)).toEqual([
      { index: 1, field: 'title', message: expect.stringContaining('repeats entry [0]') },
    ]);
  });
});
