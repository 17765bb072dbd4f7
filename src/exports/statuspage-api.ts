/**
 * All published incidents as an Atlassian Statuspage public API v2 `incidents.json` document
 * (`/api/v2/incidents.json`), so status-page tooling, aggregators and Aftermath's own importer
 * (`src/importers/sources/statuspage.ts`) can read the archive as if it were a status page.
 *
 * Conventions, where our content and Statuspage's model differ:
 * - Times are ISO 8601 in UTC with milliseconds (`2024-06-02T07:52:00.000Z`), as Statuspage
 *   writes them; the page's `time_zone` is therefore `Etc/UTC`. Statuspage cannot say "only the
 *   date is known", so such a moment is written as midnight UTC of that date.
 * - `incident_updates` are the status-page entries of the timeline (investigating, identified,
 *   monitoring, update, resolved, postmortem), newest first. Statuspage updates have no title,
 *   so an entry's title becomes the body's first paragraph, unless it only repeats the status
 *   ("Resolved"). Bodies are HTML rendered from the entry's Markdown and sanitized: safe to
 *   insert into a page, and read back to Markdown by the importer.
 * - `old_status` of a component is `null` when the timeline does not say what it was.
 * - Ids are ours: an incident's id is its slug, an update's id is its anchor on the incident
 *   page, a component's id (and code) is its name in lower-case words joined by hyphens.
 * - Addresses follow `siteRoot`: absolute when the site's address is configured, else paths.
 *
 * Pure: incidents in, a plain object out; the endpoint serializes it.
 */
import { slugify } from '../domain/slug.ts';
import type { IncidentFrontmatter } from '../schemas/incident.ts';
import { STATUS_KINDS, type COMPONENT_STATUSES } from '../schemas/timeline.ts';
import { escapeHtml } from '../domain/text.ts';
import { incidentPageUrl, type ExportableIncident } from './incident-json.ts';
import { incidentDate, sortNewestFirst } from '../domain/incidents.ts';
import { renderSafeMarkdown } from './safe-markdown.ts';
import { statuspageImpact, type StatuspageImpact } from '../domain/severity.ts';
import type { Instant } from '../domain/time.ts';
import { mergeTimeline, type TimelineItem } from '../domain/timeline.ts';

type StatusKind = (typeof STATUS_KINDS)[number];
type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export interface StatuspageAffectedComponentExport {
  code: string;
  name: string;
  old_status: ComponentStatus | null;
  new_status: ComponentStatus;
}

export interface StatuspageUpdateExport {
  id: string;
  status: StatusKind;
  /** Sanitized HTML. */
  body: string;
  incident_id: string;
  created_at: string;
  updated_at: string;
  display_at: string;
  affected_components: StatuspageAffectedComponentExport[];
}

export interface StatuspageComponentExport {
  id: string;
  name: string;
  /** The last status the timeline gives the component. */
  status: ComponentStatus;
}

export interface StatuspageIncidentExport {
  id: string;
  name: string;
  status: IncidentFrontmatter['status'];
  impact: StatuspageImpact;
  /** `null` only when the incident has no known moment at all. */
  created_at: string | null;
  updated_at: string | null;
  monitoring_at: string | null;
  resolved_at: string | null;
  started_at: string | null;
  shortlink: string;
  page_id: string;
  incident_updates: StatuspageUpdateExport[];
  components: StatuspageComponentExport[];
}

export interface StatuspagePageExport {
  id: string;
  name: string;
  url: string;
  time_zone: 'Etc/UTC';
  /** The newest incident's `updated_at`; `null` when there is no incident. */
  updated_at: string | null;
}

export interface StatuspageDocumentExport {
  page: StatuspagePageExport;
  incidents: StatuspageIncidentExport[];
}

/** Who publishes the document: Statuspage's `page` object, minus what is derived. */
export interface StatuspagePageInfo {
  id: string;
  name: string;
  /** The site's root address (`siteRoot`). */
  root: string;
}

const STATUS_KIND_SET = new Set<string>(STATUS_KINDS);

function isStatusUpdate(item: TimelineItem): item is TimelineItem & { kind: StatusKind } {
  return item.source === 'status-page' && STATUS_KIND_SET.has(item.kind);
}

/** An instant as Statuspage writes times: UTC with milliseconds; a date alone becomes midnight UTC. */
export function statuspageTime(at: Instant): string {
  return new Date(at.ms).toISOString();
}

function optionalTime(at: Instant | null | undefined): string | null {
  return at ? statuspageTime(at) : null;
}

/** `Order queue` → `order-queue`: a stable id for a component known only by its name. */
export function componentCode(name: string): string {
  // The same slug as the site's /components/<slug>/ pages.
  return slugify(name) || 'component';
}

/** The update's text: its title when it says more than the status, then its body, as safe HTML. */
export function updateBodyHtml(item: Pick<TimelineItem, 'kind' | 'title' | 'body'>): string {
  const parts: string[] = [];
  if (item.title.trim().toLowerCase() !== item.kind) parts.push(`<p>${escapeHtml(item.title.trim())}</p>`);
  if (item.body?.trim()) parts.push(renderSafeMarkdown(item.body).trim());
  return parts.join('\n');
}

function latest(instants: readonly (Instant | null | undefined)[]): Instant | undefined {
  return instants.reduce<Instant | undefined>((max, at) => (at && (!max || at.ms > max.ms) ? at : max), undefined);
}

/** One incident in Statuspage's shape; see the module comment for the conventions. */
export function statuspageIncident(
  incident: ExportableIncident,
  root: string,
  pageId: string,
): StatuspageIncidentExport {
  const fm = incident.frontmatter;
  const merged = mergeTimeline(incident.timeline, incident.history, fm.timezone);
  const updates = merged.filter(isStatusUpdate);
  const firstOf = (kind: StatusKind) => updates.find((u) => u.kind === kind)?.at;
  const created = incidentDate(incident);

  // The last status the timeline gives each component, in the order components first appear.
  const components = new Map<string, StatuspageComponentExport>();
  for (const item of merged) {
    for (const change of item.components) {
      const id = componentCode(change.name);
      components.set(id, { id, name: change.name, status: change.to });
    }
  }

  return {
    id: incident.slug,
    name: fm.title,
    status: fm.status,
    impact: statuspageImpact(fm.severity),
    created_at: optionalTime(created),
    // Never earlier than any moment the incident records, as on Statuspage (updated ≥ resolved).
    updated_at: optionalTime(
      latest([created, fm.started, fm.detected, fm.mitigated, fm.resolved, ...incident.timeline.map((e) => e.at)]),
    ),
    // A monitoring update is Statuspage's "mitigated", as in the metrics (src/domain/metrics.ts).
    monitoring_at: optionalTime(firstOf('monitoring') ?? fm.mitigated),
    resolved_at: optionalTime(firstOf('resolved') ?? fm.resolved),
    started_at: optionalTime(fm.started ?? created),
    shortlink: incidentPageUrl(root, incident.slug),
    page_id: pageId,
    incident_updates: updates.toReversed().map((item) => {
      const time = statuspageTime(item.at);
      return {
        id: item.id,
        status: item.kind,
        body: updateBodyHtml(item),
        incident_id: incident.slug,
        created_at: time,
        updated_at: time,
        display_at: time,
        affected_components: item.components.map((c) => ({
          code: componentCode(c.name),
          name: c.name,
          old_status: c.from ?? null,
          new_status: c.to,
        })),
      };
    }),
    components: [...components.values()],
  };
}

/**
 * The `incidents.json` document: the page, then every incident, newest first (as Statuspage
 * lists them). Deterministic: `page.updated_at` is the newest incident's, not the build's time.
 */
export function statuspageDocument(
  incidents: readonly ExportableIncident[],
  page: StatuspagePageInfo,
): StatuspageDocumentExport {
  const exported = sortNewestFirst(incidents).map((incident) => statuspageIncident(incident, page.root, page.id));
  const updated =
    exported
      .map((i) => i.updated_at)
      .filter((t): t is string => t !== null)
      .sort()
      .at(-1) ?? null;
  return {
    page: { id: page.id, name: page.name, url: page.root, time_zone: 'Etc/UTC', updated_at: updated },
    incidents: exported,
  };
}
