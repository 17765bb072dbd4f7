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
  /** The span itself, when known. */
  ms?: number;
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
  if (whole !== undefined) return { text: formatDuration(whole), ms: whole, basis: 'start to resolution' };
  const start = incident.timeline.find((e) => e.kind === 'impact-start')?.at;
  const end = incident.timeline.find((e) => e.kind === 'impact-end')?.at;
  const window = durationBetween(start, end);
  if (window !== undefined) return { text: formatDuration(window), ms: window, basis: 'impact window' };
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

/** What {@link incidentAsOf} reads: every dated thing an incident records. */
export interface DatedIncident extends IncidentSummary {
  history: { items: readonly Record<string, unknown>[] };
  repros: readonly { results?: { recordedAt: string }; regressions: readonly { detectedAt: string }[] }[];
  followUps: readonly { since?: Instant }[];
}

const HISTORY_DATES = ['opened', 'merged', 'closed', 'committed', 'published'] as const;

/**
 * The day of the newest dated thing the incident records (a key moment, a timeline entry, a
 * history item, a repro recording or regression, a follow-up's status), `YYYY-MM-DD` in UTC:
 * what a printed copy is "as of". It depends on the content alone, never on when the site is
 * built, so an unchanged incident prints the same document every day.
 */
export function incidentAsOf(incident: DatedIncident): string | undefined {
  const fm = incident.frontmatter;
  const times: number[] = [fm.started, fm.detected, fm.mitigated, fm.resolved].flatMap((at) => (at ? [at.ms] : []));
  for (const entry of incident.timeline) times.push(entry.at.ms);
  for (const item of incident.history.items)
    for (const field of HISTORY_DATES) {
      const at = item[field] as Instant | undefined;
      if (at) times.push(at.ms);
    }
  for (const repro of incident.repros) {
    if (repro.results) times.push(Date.parse(repro.results.recordedAt));
    for (const r of repro.regressions) times.push(Date.parse(r.detectedAt));
  }
  for (const f of incident.followUps) if (f.since) times.push(f.since.ms);
  const newest = Math.max(...times.filter(Number.isFinite));
  return Number.isFinite(newest) ? new Date(newest).toISOString().slice(0, 10) : undefined;
}
