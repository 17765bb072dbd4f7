/**
 * The summary card under an incident's title: the first questions a reader has (what broke, for
 * whom, how long, the trigger, the root cause, how it was detected, how it ended), each answered
 * from the incident's data — frontmatter first, then the timeline's kinds — or "unknown", with
 * where the answer came from. Nothing is typed twice. A one-line answer that facts.yaml supports
 * (`matches: [{ frontmatter: root_cause }]`) carries those facts, so the card cites them.
 */
import type { Instant } from '../domain/time.ts';
import { factsBoundTo } from '../domain/facts.ts';
import { english, type Translator } from '../i18n/catalogue.ts';
import { formatDurationIn } from '../i18n/format.ts';
import { incidentDuration } from '../domain/incidents.ts';
import type { CardField, Fact } from '../schemas/facts.ts';
import type { TimelineEntry, TimelineKind } from '../schemas/timeline.ts';
import type { IncidentRecord } from '../domain/incident-record.ts';

export interface SummaryAnswer {
  key: 'what' | 'who' | 'how-long' | 'trigger' | 'root-cause' | 'detection' | 'ending';
  label: string;
  /** The answer, or undefined when the data does not say (shown as "unknown"). */
  text?: string;
  /** When it happened, for answers taken from the timeline or a key moment. */
  at?: Instant;
  /** Where the answer comes from, e.g. `frontmatter: impact` or `timeline: trigger`. */
  from?: string;
  /** The sourced facts that support a one-line answer, with their numbers in the facts table. */
  facts: { fact: Fact; n: number }[];
}

function fromTimeline(
  timeline: readonly TimelineEntry[],
  kinds: TimelineKind[],
): Pick<SummaryAnswer, 'text' | 'at' | 'from'> | undefined {
  for (const kind of kinds) {
    const entry = timeline.find((e) => e.kind === kind);
    if (entry) return { text: entry.title, at: entry.at, from: `timeline: ${kind}` };
  }
  return undefined;
}

export function incidentSummaryCard(
  incident: Pick<IncidentRecord, 'slug' | 'frontmatter' | 'timeline'> & Partial<Pick<IncidentRecord, 'facts'>>,
  t: Translator = english,
): SummaryAnswer[] {
  const fm = incident.frontmatter;
  const { timeline } = incident;
  const facts = incident.facts ?? [];
  const duration = incidentDuration(incident);
  const given = (text: string | undefined, field: string) =>
    text ? { text, from: `frontmatter: ${field}` } : undefined;
  const moment = (at: Instant | null | undefined, field: string) =>
    at ? { at, from: `frontmatter: ${field}` } : undefined;
  // A card field's own line, with the facts bound to it (the archive requires the line when one is).
  const line = (field: CardField) =>
    fm[field]
      ? {
          text: fm[field],
          from: `frontmatter: ${field}`,
          facts: factsBoundTo(facts, field).map(({ fact, index }) => ({ fact, n: index + 1 })),
        }
      : undefined;
  const answers: (Omit<SummaryAnswer, 'facts'> & { facts?: SummaryAnswer['facts'] })[] = [
    {
      key: 'what',
      label: t('card.what'),
      ...given(fm.components.join(t('list.separator')) || undefined, 'components'),
    },
    { key: 'who', label: t('card.who'), ...given(fm.impact, 'impact') },
    {
      key: 'how-long',
      label: t('card.howLong'),
      ...(duration.basis === 'unknown'
        ? {}
        : {
            text: t('card.duration', {
              duration: formatDurationIn(t, duration.ms),
              basis: t(duration.basis === 'impact window' ? 'card.basis.impactWindow' : 'card.basis.startToResolution'),
            }),
            from:
              duration.basis === 'impact window'
                ? 'timeline: impact-start → impact-end'
                : 'frontmatter: started → resolved',
          }),
    },
    { key: 'trigger', label: t('card.trigger'), ...(line('trigger') ?? fromTimeline(timeline, ['trigger'])) },
    { key: 'root-cause', label: t('card.rootCause'), ...line('root_cause') },
    {
      key: 'detection',
      label: t('card.detection'),
      ...(line('detection') ?? fromTimeline(timeline, ['detected']) ?? moment(fm.detected, 'detected')),
    },
    {
      key: 'ending',
      label: t('card.ending'),
      ...(line('resolution') ??
        fromTimeline(timeline, ['resolved', 'mitigated']) ??
        moment(fm.resolved ?? fm.mitigated, fm.resolved ? 'resolved' : 'mitigated')),
    },
  ];
  return answers.map((a) => ({ ...a, facts: a.facts ?? [] }));
}
