import { describe, expect, it } from 'vitest';
import {
  incidentDate,
  incidentDateText,
  incidentAsOf,
  incidentDuration,
  sortNewestFirst,
  type IncidentSummary,
} from '../../src/domain/incidents.ts';
import { incidentSchema } from '../../src/schemas/incident.ts';
import { timelineEntrySchema } from '../../src/schemas/timeline.ts';

/** A summary built through the real schemas, so the fixtures carry Instants as pages see them. */
function incident(
  slug: string,
  fm: Record<string, unknown> = {},
  timeline: Record<string, unknown>[] = [],
): IncidentSummary {
  return {
    slug,
    frontmatter: incidentSchema.parse({
      title: slug,
      summary: 'S',
      impact: 'I',
      severity: 'SEV2',
      status: 'resolved',
      timezone: 'America/Los_Angeles',
      authors: ['A'],
      ...fm,
    }),
    timeline: timeline.map((entry) =>
      timelineEntrySchema.parse({
        kind: 'note',
        title: 'T',
        source: 'https://example.com/',
        confidence: 'verified',
        ...entry,
      }),
    ),
  };
}

describe('incidentDate', () => {
  it('is the start when known', () => {
    const i = incident('a', { started: '2023-03-20T01:00:00-07:00' }, [{ at: '2023-03-19T00:00:00Z' }]);
    expect(incidentDate(i)?.ms).toBe(Date.UTC(2023, 2, 20, 8));
  });
  it('falls back to the earliest timeline entry, whatever the file order', () => {
    const i = incident('a', {}, [
      { at: '2023-03-21T00:00:00Z' },
      { at: '2023-03-20', precision: 'day' },
      { at: '2023-03-22T00:00:00Z' },
    ]);
    expect(incidentDate(i)?.iso).toBe('2023-03-20');
  });
  it('is undefined with neither', () => {
    expect(incidentDate(incident('a'))).toBeUndefined();
    expect(incidentDateText(incident('a'))).toBe('date unknown');
  });
});

describe('incidentDateText', () => {
  it('writes the day in the incident time zone', () => {
    // 00:30 UTC on the 21st is still the 20th in Los Angeles.
    expect(incidentDateText(incident('a', { started: '2023-03-21T00:30:00Z' }))).toBe('2023-03-20');
    expect(incidentDateText(incident('a', { started: '2023-03-21T00:30:00Z', timezone: 'UTC' }))).toBe('2023-03-21');
  });
});

describe('sortNewestFirst', () => {
  it('puts the newest first, undated last, and breaks ties by title', () => {
    const old = incident('old', { started: '2021-01-01T00:00:00Z' });
    const undated = incident('undated');
    const newB = incident('new-b', { started: '2024-01-01T00:00:00Z' });
    const newA = incident('new-a', { started: '2024-01-01T00:00:00Z' });
    const input = [old, undated, newB, newA];
    expect(sortNewestFirst(input).map((i) => i.slug)).toEqual(['new-a', 'new-b', 'old', 'undated']);
    expect(input.map((i) => i.slug)).toEqual(['old', 'undated', 'new-b', 'new-a']);
  });
});

describe('incidentDuration', () => {
  it('measures start to resolution when both are known', () => {
    const i = incident('a', { started: '2023-03-20T01:00:00-07:00', resolved: '2023-03-20T10:30:00-07:00' });
    expect(incidentDuration(i)).toEqual({ text: '9 h 30 min', ms: 34_200_000, basis: 'start to resolution' });
  });
  it('falls back to the impact window in the timeline', () => {
    const i = incident('a', { started: '2023-03-20T01:00:00-07:00', resolved: 'unknown' }, [
      { at: '2023-03-20T01:00:00-07:00', kind: 'impact-start' },
      { at: '2023-03-20T10:00:00-07:00', kind: 'impact-end' },
    ]);
    expect(incidentDuration(i)).toEqual({ text: '9 h', ms: 32_400_000, basis: 'impact window' });
  });
  it('is unknown when a bound is missing or only a day', () => {
    expect(incidentDuration(incident('a', { started: '2023-03-20T01:00:00Z' }))).toEqual({
      text: 'unknown',
      basis: 'unknown',
    });
    const dayOnly = incident('b', {}, [
      { at: '2023-03-20', precision: 'day', kind: 'impact-start' },
      { at: '2023-03-21T00:00:00Z', kind: 'impact-end' },
    ]);
    expect(incidentDuration(dayOnly)).toEqual({ text: 'unknown', basis: 'unknown' });
  });
});

describe('incidentAsOf', () => {
  const at = (iso: string) => ({ iso, ms: Date.parse(iso), precision: 'exact' as const });
  const base = {
    slug: 'x',
    frontmatter: { started: at('2024-06-02T09:00:00Z'), detected: null, mitigated: null, resolved: null } as never,
    timeline: [{ at: at('2024-06-02T11:00:00Z') }] as never,
    history: { items: [] as Record<string, unknown>[] },
    repros: [] as { results?: { recordedAt: string }; regressions: { detectedAt: string }[] }[],
    followUps: [] as { since?: ReturnType<typeof at> }[],
  };
  it('is the day of the newest dated thing the incident records, never the day of the build', () => {
    expect(incidentAsOf(base)).toBe('2024-06-02');
    expect(
      incidentAsOf({
        ...base,
        history: { items: [{ merged: at('2024-07-01T10:00:00Z') }] },
        repros: [{ results: { recordedAt: '2026-11-28T06:00:00.000Z' }, regressions: [] }],
        followUps: [{ since: at('2025-01-01T00:00:00Z') }],
      }),
    ).toBe('2026-11-28');
  });
  it('is undefined for an incident that records no date', () => {
    expect(
      incidentAsOf({
        ...base,
        frontmatter: { started: null, detected: null, mitigated: null, resolved: null } as never,
        timeline: [],
      }),
    ).toBeUndefined();
  });
});
