/**
 * An incident record turned into everything its page shows: header, timeline rows, fix history,
 * each repro's box, the lookups the prose's <Fact>, <Ref>, <Repro> and <Verdict> use, and every
 * Mermaid diagram, listed once here for the build's prerender, `npx aftermath check` and the page itself.
 */
import { join } from 'node:path';
import type { IncidentRecord, IncidentRepro } from '../domain/incident-record.ts';
import { resolveVerdict, type VerdictCitation } from '../archive/verdict-refs.ts';
import { resolveMeasure, type MeasureCitation } from '../archive/measure-refs.ts';
import { factsBoundTo, momentBound } from '../domain/facts.ts';
import { fixGraphDiagram, nodeLabel } from '../domain/fix-graph.ts';
import { historyKey } from '../domain/history-keys.ts';
import { incidentDuration, type DurationSummary } from '../domain/incidents.ts';
import { incidentMetrics, type Metric, type Moment } from '../domain/metrics.ts';
import { english, type Translator } from '../i18n/catalogue.ts';
import { formatDurationIn } from '../i18n/format.ts';
import { reproCommand, runtimeInfo, runtimeLabel } from '../domain/runtimes.ts';
import { slugify } from '../domain/slug.ts';
import { formatDateTime, isInstant, parseTimestamp, type Instant } from '../domain/time.ts';
import { mergeTimeline } from '../domain/timeline.ts';
import { translatedRecord } from '../domain/translation.ts';
import { highlightCode } from '../render/code-highlight.ts';
import { renderDiagram, type DiagramRequest } from '../render/diagrams.ts';
import { standaloneSvg } from '../render/diagram-size.ts';
import { mermaidProblem } from '../render/mermaid-errors.ts';
import type { Fact } from '../schemas/facts.ts';
import type { History } from '../schemas/history.ts';
import type { ContentProblem } from '../schemas/problems.ts';
import type { CellResult } from '../schemas/repro-results.ts';
import {
  cellHref,
  cellSlugs,
  cellProvenance,
  inlineVerdict,
  reproMatrix,
  reproTraceMermaid,
  summarizeRepro,
  transcriptView,
  versionProvenance,
  type InlineVerdict,
  type ProvenanceText,
  type ReproMatrix,
  type ReproSummary,
  type TranscriptView,
} from './repro-view.ts';
import { timelineRows, type TimelineRow } from './timeline-view.ts';
import { affectedRangesView, type AffectedRangesView } from './affected-ranges-view.ts';
import { openDiagramLink } from './diagram-files.ts';
import { incidentSummaryCard, type SummaryAnswer } from './incident-summary.ts';
import { chartView, type ChartView } from './chart-view.ts';
import { renderChart } from '../render/charts.ts';

/** The record as the content collection stores it (the MDX body is rendered by Astro, not read). */
export type IncidentData = Omit<IncidentRecord, 'body'>;

export interface IncidentDiagram extends DiagramRequest {
  /** The file the diagram comes from, relative to the project root, and the line of its fence. */
  file: string;
  line?: number;
}

/** A diagram the page draws itself (not an MDX fence), with its SVG once the page view has it. */
export interface DrawnDiagram extends IncidentDiagram {
  /** The SVG and, after it, the link that opens it on its own at full size (./diagram-files.ts). */
  svg: string;
}

/** The id prefix of the n-th ```mermaid fence of an MDX file (the rehype plugin draws those). */
export const fenceDiagramPrefix = (index: number): string => `mermaid-${index}`;

export interface FixHistoryRow {
  id: string;
  label: string;
  url?: string;
  title: string;
  author: string;
  when: string;
  outcome: string;
  relations: string;
}

export interface FixHistoryView<D extends IncidentDiagram = IncidentDiagram> {
  /** The graph of history.yaml's relations; none when nothing relates to anything. */
  graph?: D;
  rows: FixHistoryRow[];
}

export interface RanCell {
  cell: CellResult;
  /** The address part of the cell's own page (see cellSlugs), and the page, relative to the incident's page. */
  slug: string;
  page: string;
  transcript: TranscriptView;
  packages: (ProvenanceText & { underTest: boolean })[];
  /** `exit 1 · 2.3 s · 2024-02-02 10:00 UTC`'s parts. */
  exit: string;
  seconds: string;
  ranAt: string;
}

export interface ReproView<D extends IncidentDiagram = IncidentDiagram> {
  id: string;
  repro: IncidentRepro;
  summary: ReproSummary;
  /** When the recording was made, as the page prints it. */
  recordedAt?: string;
  /** The command that runs it on a reader's machine. */
  command: string;
  /** The featured cell's wire trace as a sequence diagram. */
  trace?: D;
  /** A chart of a measurement (or the reproduced rate) against a numeric parameter, when repro.yaml asks for one. */
  chart?: ChartView;
  matrix?: ReproMatrix;
  provenance: { version: string; packages: (ProvenanceText & { underTest: boolean })[] }[];
  /** The cells that ran, with their place in results.json's list. */
  ran: RanCell[];
  skipped: number;
  /** Some cell ran several times, so the matrix shows rates. */
  rated: boolean;
  /** The package under test, or the runtime's name: heads the matrix's version column. */
  packageName: string;
  /** Told in the story with <Repro id>; the others are shown after it. */
  embedded: boolean;
  /** For a repro that ran a version range: the affected intervals it found, beside the advisory's. */
  ranges?: AffectedRangesView;
}

export type ReproPageView = ReproView<DrawnDiagram> & { chartSvg?: string };

/** A repro's own page: its snippet highlighted, its packages and every cell's transcript. */
export interface ReproDetailsView extends ReproView {
  /** The snippet, highlighted. */
  snippetHtml: string;
  chartSvg?: string;
}

export interface MomentBoundView {
  side: 'not-before' | 'not-after';
  at: Instant;
  fact: Fact;
  /** The citation's number, as in the facts table. */
  n: number;
}

export interface HeaderView {
  duration: DurationSummary;
  metrics: Metric[];
  /** For a key moment the frontmatter leaves unknown, the bound a sourced fact sets on it. */
  bounds: Record<'detected' | 'mitigated' | 'resolved', MomentBoundView | undefined>;
  /**
   * For a key moment the frontmatter gives, the fact that states it (`matches: [{ frontmatter:
   * detected }]`): the header cites it, with its confidence when it is not verified, so a time
   * that is a secondary report or this page's arithmetic is labelled where it is shown.
   */
  sourced: Record<'started' | 'detected' | 'mitigated' | 'resolved', FactCitation | undefined>;
  /** The summary card's answers (./incident-summary.ts). */
  summary: SummaryAnswer[];
}

export interface FactCitation {
  fact: Fact;
  /** The citation's number, as in the facts table. */
  n: number;
}

export interface RefView {
  label: string;
  url?: string;
  title?: string;
}

export interface VerdictView {
  href: string;
  shown: InlineVerdict;
}

export interface IncidentView {
  incident: IncidentData;
  /** Every diagram the page shows, in page order: MDX fences, the fix graph, the repro traces. */
  diagrams: IncidentDiagram[];
  header: HeaderView;
  timeline: TimelineRow[];
  fixHistory: FixHistoryView;
  repros: ReproView[];
}

export interface IncidentPageView extends Omit<IncidentView, 'fixHistory' | 'repros'> {
  fixHistory: FixHistoryView<DrawnDiagram>;
  repros: ReproPageView[];
  /** The repro `<Repro id>` shows; throws for an id the incident does not have. */
  repro(id: string): ReproPageView;
  /** The fact `<Fact k>` shows; throws for an unknown key (the archive check reports those first). */
  fact(key: string): FactCitation;
  /** The history item `<Ref to>` cites; throws when there is none (the archive check reports those first). */
  ref(to: string): RefView;
  /** The recorded cell `<Verdict>` cites; throws when there is none. */
  verdict(citation: VerdictCitation): VerdictView;
  /** The recorded number `<Measure>` cites (a cell's median or a line's growth); throws when there is none. */
  measure(citation: MeasureCitation): { href: string; text: string; title: string };
}

const utcTime = (iso: string) => {
  const at = parseTimestamp(iso);
  return isInstant(at) ? formatDateTime(at, 'UTC') : iso;
};

function historyWhen(item: History['items'][number], zone: string, t: Translator): string {
  const at =
    'merged' in item && item.merged
      ? item.merged
      : 'published' in item && item.published
        ? item.published
        : 'opened' in item
          ? item.opened
          : 'committed' in item
            ? item.committed
            : undefined;
  return at ? formatDateTime(at, at.precision === 'day' ? 'UTC' : zone) : t('unknown');
}

function fixHistoryView(incident: IncidentData, t: Translator): FixHistoryView {
  const { history } = incident;
  const source = fixGraphDiagram(history);
  const zone = incident.frontmatter.timezone;
  return {
    graph: source ? { source, prefix: 'fix-graph', file: join(incident.dir, 'history.yaml') } : undefined,
    rows: history.items.map((item) => {
      const key = historyKey(item, history.repository);
      return {
        id: `h-${slugify(key)}`,
        label: nodeLabel(item, key),
        url: item.url,
        title: item.title,
        author: item.author ?? '—',
        when: historyWhen(item, zone, t),
        outcome: item.outcome ? t(`history.outcome.${item.outcome}`) : item.state || '—',
        relations: item.relations.length
          ? item.relations.map((r) => `${t(`history.relation.${r.type}`)} ${r.to}`).join(t('list.separator'))
          : '—',
      };
    }),
  };
}

function reproView(incident: IncidentData, repro: IncidentRepro, t: Translator): ReproView {
  const { id, manifest, results } = repro;
  const label = runtimeInfo(repro.manifest).label;
  const summary = summarizeRepro(results, repro.stale, (name) =>
    name === repro.manifest.runtime ? label : runtimeLabel(name),
  );
  const trace = reproTraceMermaid(manifest, summary, t);
  const ran = results
    ? results.cells.map((cell, index) => ({ cell, index })).filter(({ cell }) => cell.verdict !== 'skipped')
    : [];
  const slugs = results ? cellSlugs(results.cells) : [];
  return {
    id,
    repro,
    summary,
    recordedAt: summary.recordedAt === undefined ? undefined : utcTime(summary.recordedAt),
    command: reproCommand(incident.slug, id, manifest),
    trace: trace ? { source: trace, prefix: `trace-${id}`, file: join(repro.dir, 'results.json') } : undefined,
    matrix: results && reproMatrix(id, results, t),
    provenance: results ? versionProvenance(results, manifest) : [],
    ran: ran.map(({ cell, index }) => ({
      cell,
      slug: slugs[index]!,
      page: cellHref(id, slugs[index]!),
      transcript: transcriptView(cell, manifest),
      packages: cellProvenance(cell, manifest),
      exit: String(cell.exitCode ?? 'none'),
      seconds: (cell.durationMs / 1000).toFixed(1),
      ranAt: utcTime(cell.ranAt),
    })),
    skipped: results ? results.cells.length - ran.length : 0,
    rated: results?.cells.some((c) => c.tally) ?? false,
    packageName: manifest.package?.name ?? runtimeInfo(manifest).label,
    embedded: incident.embeddedRepros.includes(id),
    ranges: affectedRangesView(repro, incident.history, t),
    chart: chartView(repro, t),
  };
}

/** A metric in the page's words: its name, definition and span, and the moments it runs between. */
function metricView(metric: Metric, t: Translator): Metric {
  const moment = (m: Moment | undefined) =>
    m && {
      ...m,
      label: !m.word
        ? m.label
        : m.word === 'opened'
          ? t('metric.reportOpened', { label: m.subject ?? '' })
          : t('metric.fromFrontmatter', { moment: t(`header.${m.word}`) }),
    };
  return {
    ...metric,
    label: t(`metric.${metric.key}`),
    definition: t(`metric.${metric.key}.definition`),
    text:
      metric.value === undefined
        ? t('unknown')
        : metric.days
          ? t('duration.d', { n: Math.round(metric.value / 86_400_000) })
          : formatDurationIn(t, metric.value),
    from: moment(metric.from),
    to: moment(metric.to),
  };
}

function headerView(incident: IncidentData, t: Translator): HeaderView {
  const fm = incident.frontmatter;
  const bound = (moment: 'detected' | 'mitigated' | 'resolved'): MomentBoundView | undefined => {
    if (fm[moment]) return undefined;
    const found = momentBound(incident.facts, moment);
    return found && { side: found.side, at: found.at, fact: found.fact, n: found.index + 1 };
  };
  const sourced = (moment: 'started' | 'detected' | 'mitigated' | 'resolved'): FactCitation | undefined => {
    if (!fm[moment]) return undefined;
    const [found] = factsBoundTo(incident.facts, moment);
    return found && { fact: found.fact, n: found.index + 1 };
  };
  return {
    duration: incidentDuration(incident),
    metrics: incidentMetrics(fm, incident.timeline, incident.history).map((m) => metricView(m, t)),
    bounds: { detected: bound('detected'), mitigated: bound('mitigated'), resolved: bound('resolved') },
    sourced: {
      started: sourced('started'),
      detected: sourced('detected'),
      mitigated: sourced('mitigated'),
      resolved: sourced('resolved'),
    },
    summary: incidentSummaryCard(incident, t),
  };
}

/** Everything the page shows, short of rendering: the diagrams are Mermaid source here. */
export function incidentView(incident: IncidentData, t: Translator = english): IncidentView {
  const zone = incident.frontmatter.timezone;
  const fixHistory = fixHistoryView(incident, t);
  const repros = incident.repros.map((r) => reproView(incident, r, t));
  const fences: IncidentDiagram[] = incident.diagrams.map((d, i) => ({
    source: d.value,
    prefix: fenceDiagramPrefix(i),
    file: incident.file,
    line: d.line,
  }));
  return {
    incident,
    diagrams: [
      ...fences,
      ...(fixHistory.graph ? [fixHistory.graph] : []),
      ...repros.flatMap((r) => (r.trace ? [r.trace] : [])),
    ],
    header: headerView(incident, t),
    timeline: timelineRows(mergeTimeline(incident.timeline, incident.history, zone), zone, t),
    fixHistory,
    repros,
  };
}

/** Every diagram an incident's page shows: what the build prerenders and `npx aftermath check` renders. */
export function incidentDiagrams(
  incident: IncidentData,
  translators: readonly Translator[] = [english],
): IncidentDiagram[] {
  // Each locale's page of the incident: its translation where it has one, its words either way
  // (a repro's trace names its participants in the page's language).
  const seen = new Set<string>();
  return translators
    .flatMap((t, i) => {
      const translation = i > 0 ? incident.translations.find((tr) => tr.locale === t.locale) : undefined;
      return incidentView(translation ? translatedRecord(incident, translation) : incident, t).diagrams;
    })
    .filter((d) => !seen.has(d.prefix + d.source) && seen.add(d.prefix + d.source));
}

// The drawn SVG is followed by its "open at full size" link, so every template that shows it has both.
const draw = async <D extends IncidentDiagram>(
  diagram: D | undefined,
  t: Translator,
  base: string,
): Promise<(D & DrawnDiagram) | undefined> =>
  diagram && {
    ...diagram,
    svg: (await renderDiagram(diagram.source, diagram.prefix)) + openDiagramLink(diagram, base, t),
  };

/** A diagram as the file of its own that its "open at full size" link points to (./diagram-files.ts). */
export async function standaloneDiagram(diagram: IncidentDiagram): Promise<string> {
  return standaloneSvg(await renderDiagram(diagram.source, diagram.prefix));
}

/**
 * The page's view: `incidentView` with the diagrams it draws itself rendered (through the
 * cached renderer), and the lookups the prose's components use.
 */
export async function incidentPageView(
  incident: IncidentData,
  t: Translator = english,
  { base = '/' }: { base?: string } = {},
): Promise<IncidentPageView> {
  const view = incidentView(incident, t);
  const [graph, repros] = await Promise.all([
    draw(view.fixHistory.graph, t, base),
    Promise.all(
      view.repros.map(async (r): Promise<ReproPageView> => ({
        ...r,
        trace: await draw(r.trace, t, base),
        ...(r.chart && { chartSvg: await renderChart(r.chart) }),
      })),
    ),
  ]);
  const { facts, history } = incident;
  const folder = incident.dir.split('/').pop() ?? incident.slug;
  return {
    ...view,
    fixHistory: { ...view.fixHistory, graph },
    repros,
    repro(id) {
      const repro = repros.find((r) => r.id === id);
      if (!repro) throw new Error(`<Repro id="${id}" />: no repro "${id}" in ${incident.dir}/repros`);
      return repro;
    },
    // A citation that names nothing fails the page: never an empty string in the prose.
    fact(key) {
      const index = facts.findIndex((f) => f.key === key);
      if (index < 0) throw new Error(`${incident.file}: <Fact k="${key}" />: there is no fact "${key}" in facts.yaml`);
      return { fact: facts[index]!, n: index + 1 };
    },
    ref(to) {
      const item = history.items.find((i) => historyKey(i, history.repository) === to);
      if (!item) throw new Error(`${incident.file}: <Ref to="${to}" />: "${to}" is not in history.yaml`);
      const label =
        item.type === 'pull' ? t('ref.pull', { key: to }) : item.type === 'issue' ? t('ref.issue', { key: to }) : to;
      return { label, url: item.url, title: item.title };
    },
    measure(citation) {
      const resolved = resolveMeasure(citation, incident.repros, folder);
      if (!resolved.ok) throw new Error(`${incident.file}: <Measure repro="${citation.repro}">: ${resolved.message}`);
      return { href: `#repro-${resolved.repro.id}`, text: resolved.text, title: resolved.title };
    },
    verdict(citation) {
      const resolved = resolveVerdict(citation, incident.repros, folder);
      if (!resolved.ok) throw new Error(`${incident.file}: <Verdict repro="${citation.repro}">: ${resolved.message}`);
      return {
        href: `#repro-${resolved.repro.id}`,
        shown: inlineVerdict(resolved.cell, resolved.repro.stale, resolved.results.recordedAt, t),
      };
    },
  };
}

/** Every repro of an incident with its snippet highlighted: what the repros' own pages show. */
export async function reproDetailsViews(incident: IncidentData): Promise<ReproDetailsView[]> {
  return Promise.all(
    incidentView(incident).repros.map(async (r) => ({
      ...r,
      snippetHtml: await highlightCode(r.repro.source, runtimeInfo(r.repro.manifest).highlight),
      ...(r.chart && { chartSvg: await renderChart(r.chart) }),
    })),
  );
}

/**
 * The page's view, as the incident page hands it to the components the MDX uses (Astro.locals is
 * one object per rendered page, shared by every component on it, the MDX's included).
 */
const LOCALS_KEY = 'aftermathIncidentView';

export function providePageView(locals: object, view: IncidentPageView): void {
  (locals as Record<string, unknown>)[LOCALS_KEY] = view;
}

export function pageView(locals: object, component: string): IncidentPageView {
  const view = (locals as Record<string, IncidentPageView | undefined>)[LOCALS_KEY];
  if (!view) throw new Error(`${component} is used outside an incident page: only an incident's index.mdx can use it`);
  return view;
}

/** Renders every diagram of these incidents with the real Mermaid, reporting the broken ones where they are written. */
export async function checkDiagrams(
  incidents: readonly IncidentData[],
  translators?: readonly Translator[],
): Promise<{ problems: ContentProblem[]; count: number }> {
  const diagrams = incidents.flatMap((incident) => incidentDiagrams(incident, translators));
  const results = await Promise.allSettled(diagrams.map((d) => renderDiagram(d.source, d.prefix)));
  const problems = results.flatMap((result, i) => {
    const d = diagrams[i]!;
    return result.status === 'rejected' ? [mermaidProblem(d.file, d.line, result.reason, d.source)] : [];
  });
  return { problems, count: diagrams.length };
}
