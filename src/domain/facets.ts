/**
 * The ways to narrow the incident list: severity, year, tag and affected component. Each value
 * gets its own static page (`/severity/sev1/`, `/year/2023/`, `/tags/redis/`,
 * `/components/checkout/`), so filtering works without JavaScript.
 */
import { incidentDate, type IncidentSummary } from './incidents.ts';
import { slugify } from './slug.ts';
import { formatDate } from './time.ts';

export type FacetName = 'severity' | 'year' | 'tags' | 'components';

export interface FacetValue {
  facet: FacetName;
  /** As shown: `SEV1`, `2023`, `redis`, `Checkout`. */
  label: string;
  /** As in the URL: `sev1`, `2023`, `redis`, `checkout`. */
  slug: string;
  count: number;
}

export const FACET_TITLES: Record<FacetName, string> = {
  severity: 'Severity',
  year: 'Year',
  tags: 'Tag',
  components: 'Affected component',
};

/** The values an incident has for a facet (an incident can have several tags or components). */
export function facetLabels(incident: IncidentSummary, facet: FacetName): string[] {
  const fm = incident.frontmatter;
  switch (facet) {
    case 'severity':
      return [fm.severity];
    case 'year': {
      const date = incidentDate(incident);
      return date ? [formatDate(date, fm.timezone).slice(0, 4)] : [];
    }
    case 'tags':
      return fm.tags;
    case 'components':
      return fm.components;
  }
}

const ORDER: Record<FacetName, (a: FacetValue, b: FacetValue) => number> = {
  severity: (a, b) => a.label.localeCompare(b.label),
  year: (a, b) => b.label.localeCompare(a.label),
  tags: (a, b) => b.count - a.count || a.label.localeCompare(b.label),
  components: (a, b) => b.count - a.count || a.label.localeCompare(b.label),
};

/** Every value of a facet with how many incidents have it. */
export function facetValues(incidents: readonly IncidentSummary[], facet: FacetName): FacetValue[] {
  const bySlug = new Map<string, FacetValue>();
  for (const incident of incidents) {
    for (const label of new Set(facetLabels(incident, facet))) {
      const slug = slugify(label);
      const value = bySlug.get(slug) ?? { facet, label, slug, count: 0 };
      value.count++;
      bySlug.set(slug, value);
    }
  }
  return [...bySlug.values()].sort(ORDER[facet]);
}

export function incidentsWith<T extends IncidentSummary>(incidents: readonly T[], facet: FacetName, slug: string): T[] {
  return incidents.filter((incident) => facetLabels(incident, facet).some((label) => slugify(label) === slug));
}
