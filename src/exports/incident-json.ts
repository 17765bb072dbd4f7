/**
 * An incident as data (`/incidents/<slug>.json`), and the site addresses every export links to.
 * Pure: the endpoint passes in the loaded incident and its page's address, and writes the
 * result as JSON. The shape is {@link IncidentExport}, version 2 (`src/schemas/export.ts`).
 */
import type { IncidentRecord } from '../domain/incident-record.ts';
import {
  INCIDENT_EXPORT_VERSION,
  INCIDENT_SCHEMA_PATH,
  type FollowUpExport,
  type HistoryItemExport,
  type IncidentExport,
  type InstantExport,
  type MetricExport,
  type TimelineItemExport,
} from '../schemas/export.ts';
import type { HistoryItem } from '../schemas/history.ts';
import { evaluateFollowUp, type LocatedEvidence, type LocatedFollowUp } from '../domain/follow-ups.ts';
import type { Evidence } from '../schemas/actions.ts';
import { incidentMetrics, type Metric, type Moment } from '../domain/metrics.ts';
import type { Instant } from '../domain/time.ts';
import { mergeTimeline, type TimelineItem } from '../domain/timeline.ts';

/** What the exports read of an incident (the collection entry's data has all of it); without follow-ups, none are exported. */
export type ExportableIncident = Pick<IncidentRecord, 'slug' | 'frontmatter' | 'timeline' | 'history'> &
  Partial<Pick<IncidentRecord, 'followUps' | 'repros'>>;

/**
 * The site's root address, ending in `/`: absolute (`https://example.com/docs/`) when `site`
 * is configured, else the base path alone (`/docs/`), since without `site` there is no public
 * address to make links absolute with.
 */
export function siteRoot(site: URL | undefined, base: string): string {
  const path = base.endsWith('/') ? base : `${base}/`;
  return site ? new URL(path, site).href : path;
}

/** The incident page under a {@link siteRoot}: `<root>incidents/<slug>/` (the site uses trailing slashes). */
export function incidentPageUrl(root: string, slug: string): string {
  return `${root}incidents/${encodeURIComponent(slug)}/`;
}

/** The published JSON Schema of the incident export under a {@link siteRoot}. */
export function incidentSchemaUrl(root: string): string {
  return `${root}${INCIDENT_SCHEMA_PATH}`;
}

/** An instant without its derived milliseconds: what the author wrote and how precise it is. */
export function exportInstant(at: Instant): InstantExport {
  return { iso: at.iso, precision: at.precision };
}

function optionalInstant(at: Instant | undefined): InstantExport | undefined {
  return at ? exportInstant(at) : undefined;
}

function exportMoment(moment: Moment | undefined): MetricExport['from'] {
  return moment ? { label: moment.label, at: exportInstant(moment.at) } : null;
}

function exportMetric(metric: Metric): MetricExport {
  return {
    key: metric.key,
    label: metric.label,
    definition: metric.definition,
    value: metric.value ?? null,
    text: metric.text,
    from: exportMoment(metric.from),
    to: exportMoment(metric.to),
  };
}

function exportTimelineItem(item: TimelineItem): TimelineItemExport {
  // A history event's naming parts are for the pages; its title already says them.
  const history = item.item && { key: item.item.key, type: item.item.type, outcome: item.item.outcome };
  return { ...item, at: exportInstant(item.at), ...(history && { item: history }) };
}

function exportHistoryItem(item: HistoryItem): HistoryItemExport {
  switch (item.type) {
    case 'issue':
      return { ...item, opened: optionalInstant(item.opened), closed: optionalInstant(item.closed) };
    case 'pull':
      return {
        ...item,
        opened: optionalInstant(item.opened),
        merged: optionalInstant(item.merged),
        closed: optionalInstant(item.closed),
      };
    case 'commit':
      return { ...item, committed: optionalInstant(item.committed) };
    case 'release':
    case 'advisory':
      return { ...item, published: optionalInstant(item.published) };
  }
}

/** Evidence without the line of actions.yaml it was read from, which says nothing outside this site. */
function withoutLine(evidence: LocatedEvidence): Evidence {
  const copy = { ...evidence };
  delete copy.line;
  return copy;
}

/** A follow-up with its state and each piece of evidence checked (no build date: overdue is the pages' business). */
export function exportFollowUp(followUp: LocatedFollowUp, data: ExportableIncident): FollowUpExport {
  const evaluation = evaluateFollowUp(followUp, { history: data.history, repros: data.repros ?? [] });
  return {
    id: followUp.id,
    title: followUp.title,
    kind: followUp.kind,
    owner: followUp.owner,
    status: followUp.status,
    state: evaluation.state,
    reasons: evaluation.reasons,
    reason: followUp.reason,
    due: optionalInstant(followUp.due),
    since: optionalInstant(followUp.since),
    links: followUp.links,
    evidence: evaluation.checks.map(({ evidence, outcome, detail }) => ({ ...withoutLine(evidence), outcome, detail })),
    note: followUp.note,
  };
}

/**
 * The whole incident as data: frontmatter (instants as `{iso, precision}`, unknown moments as
 * `null`), the merged timeline exactly as the page shows it (same ids, so `url#id` is a
 * permalink), the history, the metrics with their definitions, and the follow-ups with their
 * evidence-derived state.
 *
 * Deterministic: the same content gives the same bytes (no build time in it), so a diff of two
 * builds shows only what changed in the content.
 *
 * @param pageUrl the incident page's address ({@link incidentPageUrl})
 * @param schemaUrl the published JSON Schema's address ({@link incidentSchemaUrl})
 */
export function incidentExport(
  data: ExportableIncident,
  pageUrl: string,
  schemaUrl = `/${INCIDENT_SCHEMA_PATH}`,
): IncidentExport {
  const fm = data.frontmatter;
  return {
    $schema: schemaUrl,
    schemaVersion: INCIDENT_EXPORT_VERSION,
    slug: data.slug,
    url: pageUrl,
    frontmatter: {
      ...fm,
      started: fm.started && exportInstant(fm.started),
      detected: fm.detected && exportInstant(fm.detected),
      mitigated: fm.mitigated && exportInstant(fm.mitigated),
      resolved: fm.resolved && exportInstant(fm.resolved),
    },
    timeline: mergeTimeline(data.timeline, data.history, fm.timezone).map(exportTimelineItem),
    history: { repository: data.history.repository, items: data.history.items.map(exportHistoryItem) },
    metrics: incidentMetrics(fm, data.timeline, data.history).map(exportMetric),
    followUps: (data.followUps ?? []).map((f) => exportFollowUp(f, data)),
  };
}
