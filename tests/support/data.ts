/** Builds validated content objects for unit tests, through the real schemas. */
import { historySchema, type History } from '../../src/schemas/history.ts';
import { incidentSchema, type IncidentFrontmatter } from '../../src/schemas/incident.ts';
import { timelineSchema, type TimelineEntry } from '../../src/schemas/timeline.ts';

export function timeline(entries: Record<string, unknown>[]): TimelineEntry[] {
  return timelineSchema.parse(
    entries.map((e) => ({ source: 'https://example.com/status', confidence: 'verified', title: `${e.kind}`, ...e })),
  );
}

export function history(items: Record<string, unknown>[], repository = 'acme/widget'): History {
  return historySchema.parse({ repository, items });
}

export function frontmatter(overrides: Record<string, unknown> = {}): IncidentFrontmatter {
  return incidentSchema.parse({
    title: 'Test incident',
    summary: 'Something broke.',
    impact: 'Everyone noticed',
    severity: 'SEV2',
    status: 'resolved',
    timezone: 'America/Los_Angeles',
    authors: ['Tester'],
    ...overrides,
  });
}
