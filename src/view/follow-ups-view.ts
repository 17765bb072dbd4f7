/**
 * Follow-ups as pages show them: the incident page's list (state in words, evidence linked to the
 * fix-history rows and the repro boxes) and the site-wide `/follow-ups/` list with its counts and
 * filter pages (one static page per status or kind, so filtering needs no JavaScript).
 */
import type { IncidentRecord } from '../domain/incident-record.ts';
import {
  evaluateFollowUp,
  FOLLOW_UP_STATES,
  isOverdue,
  type FollowUpState,
  type LocatedFollowUp,
} from '../domain/follow-ups.ts';
import type { Translator } from '../i18n/catalogue.ts';
import { slugify } from '../domain/slug.ts';
import { FOLLOW_UP_KINDS, type FollowUpKind } from '../schemas/actions.ts';

/** What the follow-up views read of an incident (the collection entry's data has all of it). */
export type FollowUpIncident = Pick<IncidentRecord, 'slug' | 'frontmatter' | 'history' | 'repros' | 'followUps'>;

export interface EvidenceRow {
  label: string;
  outcome: 'holds' | 'fails' | 'stated';
  /** What was found, or why it does not hold. */
  detail: string;
  /** Where the evidence is on the incident page (a fix-history row, a repro box), or the statement's source. */
  href?: string;
}

export interface FollowUpRow {
  id: string;
  /** The follow-up's anchor on its incident page. */
  anchor: string;
  title: string;
  kind: FollowUpKind;
  kindLabel: string;
  owner: string;
  status: string;
  statusLabel: string;
  state: FollowUpState;
  stateLabel: string;
  due?: string;
  since?: string;
  overdue: boolean;
  reason?: string;
  note?: string;
  links: { url: string; title: string }[];
  evidence: EvidenceRow[];
  /** Why a contradicted follow-up is contradicted. */
  reasons: string[];
}

export const followUpAnchor = (id: string): string => `follow-up-${id}`;

const STATUS_KEYS = { open: 'open', 'in progress': 'in-progress', done: 'done', "won't do": 'wont-do' } as const;

/**
 * One incident's follow-ups in file order. `today` (ms) decides what is overdue; `pagePath`
 * prefixes the in-page links when the rows are shown on another page (the site-wide list).
 */
export function followUpRows(incident: FollowUpIncident, today: number, t: Translator, pagePath = ''): FollowUpRow[] {
  return incident.followUps.map((f: LocatedFollowUp) => {
    const evaluation = evaluateFollowUp(f, incident);
    return {
      id: f.id,
      anchor: followUpAnchor(f.id),
      title: f.title,
      kind: f.kind,
      kindLabel: t(`followUp.kind.${f.kind}`),
      owner: f.owner,
      status: f.status,
      statusLabel: t(`followUp.status.${STATUS_KEYS[f.status]}`),
      state: evaluation.state,
      stateLabel: t(`followUp.state.${evaluation.state}`),
      due: f.due?.iso,
      since: f.since?.iso,
      overdue: isOverdue(f, today),
      reason: f.reason,
      note: f.note,
      links: f.links.map((l) => ({ url: l.url, title: l.title ?? l.url })),
      evidence: evaluation.checks.map((c) => ({
        label: c.evidence.kind === 'stated' ? t('followUp.stated', { where: c.evidence.stated }) : c.label,
        outcome: c.outcome,
        detail: c.detail,
        // The fix-history table's row ids and the repro boxes' ids (src/view/incident-view.ts, Repro.astro).
        href:
          c.evidence.kind === 'stated'
            ? c.evidence.source
            : c.evidence.kind === 'verdict'
              ? `${pagePath}#repro-${c.evidence.repro}`
              : c.historyKey && `${pagePath}#h-${slugify(c.historyKey)}`,
      })),
      reasons: evaluation.reasons,
    };
  });
}

export interface SiteFollowUp extends FollowUpRow {
  incident: { slug: string; title: string; href: string };
}

/** Every follow-up of every incident (incidents in the order given), with its incident. */
export function siteFollowUps(
  incidents: readonly FollowUpIncident[],
  today: number,
  base: string,
  t: Translator,
): SiteFollowUp[] {
  return incidents.flatMap((incident) => {
    const href = `${base}incidents/${incident.slug}/`;
    return followUpRows(incident, today, t, href).map((row) => ({
      ...row,
      incident: { slug: incident.slug, title: incident.frontmatter.title, href },
    }));
  });
}

export type FollowUpFacet = 'status' | 'kind';

export interface FollowUpFilter {
  facet: FollowUpFacet;
  /** The filter page's URL segment: a state (`verified`, `wont-do`) or a kind. */
  value: string;
  label: string;
  count: number;
}

/** Every status and kind with how many follow-ups have it (zero included, so the counts read as a table). */
export function followUpFilters(list: readonly SiteFollowUp[], t: Translator): FollowUpFilter[] {
  return [
    ...FOLLOW_UP_STATES.map((s) => ({
      facet: 'status' as const,
      value: s.state,
      label: t(`followUp.state.${s.state}`),
      count: list.filter((f) => f.state === s.state).length,
    })),
    ...FOLLOW_UP_KINDS.map((k) => ({
      facet: 'kind' as const,
      value: k,
      label: t(`followUp.kind.${k}`),
      count: list.filter((f) => f.kind === k).length,
    })),
  ];
}

export function followUpsWith(
  list: readonly SiteFollowUp[],
  filter: Pick<FollowUpFilter, 'facet' | 'value'>,
): SiteFollowUp[] {
  return list.filter((f) => (filter.facet === 'status' ? f.state : f.kind) === filter.value);
}
