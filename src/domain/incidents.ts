/** View models for lists of incidents: ordering, cards, tags. Pure functions over loaded data. */
import type { IncidentFrontmatter } from '../schemas/incident.ts';
import type { TimelineEntry } from '../schemas/timeline.ts';
import { durationBetween, formatDate, formatDuration, type Instant } from './time.ts';

export interface IncidentSummary {
  slug: string;
  frontmatter: IncidentFrontmatter;
  timeline: TimelineEntry[];
}

/** The moment an incident is filed under: when it started, else its first timeline entry. */
export function incidentDate(incident: IncidentSummary): Instant | undefined {
  if (incident.frontmatter.started) return incident.frontmatter.started;
  const times = incident.timeline.map((e) => e.at).sort((a, b) => a.ms - b.ms);
  return times[0];
}

/** Newest first; incidents with no known date go last, then by title for a stable order. */
export function sortNewestFirst<T extends IncidentSummary>(incidents: readonly T[]): T[] {
  return [...incidents].sort((a, b) => {
    const da = incidentDate(a)?.ms ?? -Infinity;
    const db = incidentDate(b)?.ms ?? -Infinity;
    return db - da || a.frontmatter.title.localeCompare(b.frontmatter.title);
  });
}

export interface DurationSummary {
  /** `9 h`, or `unknown`. */
  text: string;
  /** What the number measures, since postmortems rarely know every boundary. */
  basis: 'start to resolution' | 'impact window' | 'unknown';
}

/**
 * How long the incident lasted: start to resolution when both are known, otherwise the
 * impact window recorded in the timeline (impact-start to impact-end), otherwise unknown.
 */
export function incidentDuration(incident: IncidentSummary): DurationSummary {
  const { started, resolved } = incident.frontmatter;
  const whole = durationBetween(started, resolved);
  if (whole !== undefined) return { text: formatDuration(whole), basis: 'start to resolution' };
  const start = incident.timeline.find((e) => e.kind === 'impact-start')?.at;
  const end = incident.timeline.find((e) => e.kind === 'impact-end')?.at;
  const window = durationBetween(start, end);
  if (window !== undefined) return { text: formatDuration(window), basis: 'impact window' };
  return { text: 'unknown', basis: 'unknown' };
}

export function incidentDateText(incident: IncidentSummary): string {
  const date = incidentDate(incident);
  return date ? formatDate(date, incident.frontmatter.timezone) : 'date unknown';
}

/** Whether an incident belongs on the site: drafts only while developing (`astro dev`). */
export function isPublished(frontmatter: { draft: boolean }, developing: boolean): boolean {
  return developing || !frontmatter.draft;
}
