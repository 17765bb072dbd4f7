import { describe, expect, it } from 'vitest';
import { historyEvents, mergeTimeline, timelineSource } from '../../src/domain/timeline.ts';
import { history, timeline } from '../support/data.ts';

const zone = 'America/Los_Angeles';

describe('mergeTimeline', () => {
  const entries = timeline([
    { at: '2023-03-20T10:00:00-07:00', kind: 'impact-end' },
    { at: '2023-03-20T01:00:00-07:00', kind: 'trigger', title: 'first at 01:00' },
    { at: '2023-03-20T08:00:00Z', kind: 'impact-start', title: 'second at 01:00' },
    { at: '2023-03-20', precision: 'day', kind: 'mitigated', title: 'taken offline' },
  ]);
  const h = history([
    { type: 'issue', number: 7, title: 'Bug', opened: '2023-03-17', closed: '2023-03-22T16:00:00Z' },
    {
      type: 'pull',
      number: 8,
      title: 'Fix',
      opened: '2023-03-22',
      merged: '2023-03-22T16:03:50Z',
      closed: '2023-03-22T16:03:50Z',
    },
    { type: 'release', tag: 'v1.0.1', title: 'widget 1.0.1', published: '2023-03-22T16:03:50Z' },
    { type: 'advisory', id: 'CVE-2023-28858', title: 'Advisory', published: '2023-03-26T19:15:00Z' },
  ]);
  const merged = mergeTimeline(entries, h, zone);

  it('merges an incident once, and shares the frozen result with every caller', () => {
    expect(mergeTimeline(entries, h, zone)).toBe(merged);
    expect(Object.isFrozen(merged)).toBe(true);
    // Another zone can order a date-only entry differently: never the cached result.
    const inTokyo = mergeTimeline(entries, h, 'Asia/Tokyo');
    expect(inTokyo).not.toBe(merged);
    expect(mergeTimeline([...entries], h, zone)).not.toBe(merged);
  });

  it('puts every source on one axis, oldest first', () => {
    expect(merged.map((i) => i.title)).toEqual([
      'Issue #7 opened: Bug',
      'taken offline',
      'first at 01:00',
      'second at 01:00',
      'impact-end',
      'PR #8 opened: Fix',
      'Issue #7 closed: Bug',
      'PR #8 merged: Fix',
      'widget 1.0.1 released (v1.0.1)',
      'CVE-2023-28858 published: Advisory',
    ]);
  });

  it('keeps input order for equal times (stable), timeline before history', () => {
    const at0100 = merged.filter((i) => i.at.ms === Date.UTC(2023, 2, 20, 8));
    expect(at0100.map((i) => i.kind)).toEqual(['trigger', 'impact-start']);
    const at1603 = merged.filter((i) => i.at.iso === '2023-03-22T16:03:50Z');
    expect(at1603.map((i) => i.kind)).toEqual(['merged', 'released']);
  });

  it('turns a merged PR into opened and merged, never also closed', () => {
    expect(merged.filter((i) => i.refs[0] === '#8').map((i) => i.kind)).toEqual(['opened', 'merged']);
  });

  it('gives every item a unique anchor', () => {
    const ids = merged.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('h-8-merged');
    expect(ids.every((id) => /^[a-z0-9-]+$/.test(id))).toBe(true);
  });

  it('labels sources by lane', () => {
    expect(timelineSource('investigating')).toBe('status-page');
    expect(timelineSource('trigger')).toBe('incident');
    expect(merged.find((i) => i.kind === 'released')?.source).toBe('release');
    expect(merged.find((i) => i.kind === 'published')?.source).toBe('advisory');
  });

  it('sorts a date-only entry at the start of that day in the incident zone', () => {
    const late = timeline([
      { at: '2023-03-21T00:54:00Z', kind: 'update', title: 'evening of the 20th in PDT' },
      { at: '2023-03-21', precision: 'day', kind: 'note', title: 'the 21st' },
    ]);
    expect(mergeTimeline(late, history([]), zone).map((i) => i.title)).toEqual([
      'evening of the 20th in PDT',
      'the 21st',
    ]);
    expect(mergeTimeline(late, history([]), 'UTC').map((i) => i.title)).toEqual([
      'the 21st',
      'evening of the 20th in PDT',
    ]);
  });
});

describe('historyEvents', () => {
  it('omits events whose date is unknown', () => {
    const [issue] = history([{ type: 'issue', number: 3, title: 'No dates' }]).items;
    expect(historyEvents(issue!, 'acme/widget')).toEqual([]);
  });
  it('names items of other repositories in full', () => {
    const [pr] = history([
      { type: 'pull', repo: 'other/repo', number: 5, title: 'X', merged: '2023-01-01T00:00:00Z' },
    ]).items;
    expect(historyEvents(pr!, 'acme/widget')[0]!.title).toBe('PR other/repo#5 merged: X');
  });
});
