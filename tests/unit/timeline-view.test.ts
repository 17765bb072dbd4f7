import { describe, expect, it } from 'vitest';
import { mergeTimeline } from '../../src/domain/timeline.ts';
import { timelineRows } from '../../src/view/timeline-view.ts';
import { history, timeline } from '../support/data.ts';

const zone = 'America/Los_Angeles';
const items = mergeTimeline(
  timeline([
    { at: '2023-03-20T01:00:00-07:00', kind: 'impact-start' },
    { at: '2023-03-20T03:30:00-07:00', kind: 'investigating' },
    { at: '2023-03-20T10:00:00-07:00', kind: 'impact-end' },
    { at: '2023-03-21T00:54:00Z', kind: 'update' },
    { at: '2023-03-22', precision: 'day', kind: 'note' },
  ]),
  history([]),
  zone,
);
const rows = timelineRows(items, zone);

describe('timelineRows', () => {
  it('separates days in the incident zone, not in UTC', () => {
    expect(rows.map((r) => r.day)).toEqual([
      'Monday, 20 March 2023',
      undefined,
      undefined,
      undefined,
      'Wednesday, 22 March 2023',
    ]);
  });
  it('shows the gap since the previous exact entry', () => {
    expect(rows.map((r) => r.gap)).toEqual([undefined, '+2 h 30 min', '+6 h 30 min', '+7 h 54 min', undefined]);
  });
  it('marks the rows inside the impact window', () => {
    expect(rows.map((r) => r.inImpact)).toEqual([true, true, true, false, false]);
  });
  it('gives local and UTC times, and says when only the day is known', () => {
    expect(rows[3]!.local).toBe('17:54 PDT');
    expect(rows[3]!.utc).toBe('2023-03-21 00:54 UTC');
    expect(rows[4]!.local).toBe('time unknown');
  });
});
