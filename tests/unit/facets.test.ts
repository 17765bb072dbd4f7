import { describe, expect, it } from 'vitest';
import { facetLabels, facetValues, incidentsWith } from '../../src/domain/facets.ts';
import { slugify } from '../../src/domain/slug.ts';
import type { IncidentSummary } from '../../src/domain/incidents.ts';
import { frontmatter } from '../support/data.ts';

const incident = (slug: string, fm: Record<string, unknown>): IncidentSummary => ({
  slug,
  frontmatter: frontmatter(fm),
  timeline: [],
});
const list = [
  incident('a', {
    severity: 'SEV1',
    started: '2023-03-20T01:00:00-07:00',
    tags: ['redis', 'python'],
    components: ['Chat history'],
  }),
  incident('b', {
    severity: 'SEV2',
    started: '2022-12-31T23:30:00-08:00',
    tags: ['redis'],
    components: ['Chat history', 'Billing'],
  }),
  incident('c', { severity: 'SEV2', tags: ['dns'] }),
];

describe('facetValues', () => {
  it('counts each value once per incident, in a useful order', () => {
    expect(facetValues(list, 'tags').map((v) => [v.label, v.count])).toEqual([
      ['redis', 2],
      ['dns', 1],
      ['python', 1],
    ]);
    expect(facetValues(list, 'severity').map((v) => [v.slug, v.count])).toEqual([
      ['sev1', 1],
      ['sev2', 2],
    ]);
    expect(facetValues(list, 'components').map((v) => [v.slug, v.count])).toEqual([
      ['chat-history', 2],
      ['billing', 1],
    ]);
  });
  it('files an incident under the year of its start in its own time zone', () => {
    expect(facetLabels(list[1]!, 'year')).toEqual(['2022']);
    expect(facetValues(list, 'year').map((v) => v.label)).toEqual(['2023', '2022']);
  });
});

describe('incidentsWith', () => {
  it('selects by slug', () => {
    expect(incidentsWith(list, 'components', 'chat-history').map((i) => i.slug)).toEqual(['a', 'b']);
    expect(incidentsWith(list, 'severity', 'sev2').map((i) => i.slug)).toEqual(['b', 'c']);
  });
});

it('slugify makes URL-safe words', () => {
  expect(slugify('ChatGPT subscription management')).toBe('chatgpt-subscription-management');
  expect(slugify('Café / Zürich')).toBe('cafe-zurich');
});
