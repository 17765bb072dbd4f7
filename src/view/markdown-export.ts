/**
 * An incident as one Markdown document for pasting into a tracker or a wiki: the key facts and the
 * summary card as tables, the story with its components resolved to text (facts with their
 * citation numbers, references as links, verdicts as words; Mermaid fences kept, which GitHub and
 * GitLab draw), then the timeline, fix history, reproductions, facts and sources as tables.
 * Served at `/incidents/<slug>.md` (src/pages/incidents/[slug].md.ts).
 */
import { severityWords } from '../i18n/format.ts';
import { formatDateTime, isUtc, type Instant } from '../domain/time.ts';
import type { IncidentPageView } from './incident-view.ts';
import type { MdxComponent, StoryLookups } from '../archive/mdx/component.ts';
import { english } from '../i18n/catalogue.ts';

/** A table cell: one line, pipes escaped. */
export function cell(text: string | number | undefined | null): string {
  const value = text === undefined || text === null || text === '' ? '—' : String(text);
  return value.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

export function table(head: string[], rows: (string | number | undefined)[][]): string {
  const line = (cells: (string | number | undefined)[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(head), `| ${head.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** The literal attributes of a tag as written: name="x", name='x' or name={"x"}. */
const attributesOf = (tag: string): Record<string, string> =>
  Object.fromEntries(
    [...tag.matchAll(/([A-Za-z][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|\{["']([^"']*)["']\})/g)].map((m) => [
      m[1]!,
      m[2] ?? m[3] ?? m[4] ?? '',
    ]),
  );

/** The MDX body as plain Markdown: imports dropped, each component replaced by what it shows. */
export function storyMarkdown(body: string, view: StoryLookups, components: readonly MdxComponent[]): string {
  const lines = body.split('\n');
  let fenced = false;
  const out: string[] = [];
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (!fenced && /^(import|export)\s/.test(line)) continue;
    // The story sits under "## Story": its headings go one level down.
    out.push(fenced ? line : resolveComponents(line.replace(/^(#{1,5}) /, '#$1 '), view, components));
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Each self-closing component of a line, as its module writes it in Markdown (src/archive/mdx/). */
function resolveComponents(line: string, view: StoryLookups, components: readonly MdxComponent[]): string {
  const byName = new Map(components.map((c) => [c.name, c]));
  return line.replace(/<([A-Z][A-Za-z0-9]*)\b[^>]*\/>/g, (tag, name: string) => {
    const component = byName.get(name);
    if (!component) return tag;
    return component.markdown(attributesOf(tag), view);
  });
}

const when = (at: Instant | null | undefined, zone: string) =>
  at
    ? `${formatDateTime(at, zone)}${at.precision === 'exact' && !isUtc(zone) ? ` (${formatDateTime(at, 'UTC')})` : ''}`
    : 'unknown';

export function incidentMarkdown(
  view: IncidentPageView,
  body: string,
  pageUrl: string,
  components: readonly MdxComponent[],
): string {
  const fm = view.incident.frontmatter;
  const sections: string[] = [
    `# ${fm.title}`,
    fm.summary.trim(),
    `Source: ${pageUrl}`,
    ...headerSections(view),
    '## Story',
    storyMarkdown(body, view, components),
    ...timelineSections(view),
    ...reproSections(view),
    ...sourceSections(view),
  ];
  return `${sections.join('\n\n')}\n`;
}

/** Key facts, the summary card and the metrics, as tables. */
function headerSections(view: IncidentPageView): string[] {
  const fm = view.incident.frontmatter;
  const zone = fm.timezone;
  const { duration, metrics } = view.header;
  const keyFacts = table(
    ['Field', 'Value'],
    [
      ['Severity', severityWords(english, fm.severity)],
      ['Status', fm.status],
      ['Started', when(fm.started, zone)],
      ['Detected', when(fm.detected, zone)],
      ['Mitigated', when(fm.mitigated, zone)],
      ['Resolved', when(fm.resolved, zone)],
      ['Duration', duration.basis === 'unknown' ? 'unknown' : `${duration.text} (${duration.basis})`],
      ['Time zone', zone],
      ['Impact', fm.impact],
      ['Components', fm.components.join(', ')],
      ['Tags', fm.tags.join(', ')],
    ],
  );
  const summary = table(
    ['Question', 'Answer'],
    view.header.summary.map((a) => [
      a.label,
      [a.text, a.at && formatDateTime(a.at, zone)].filter(Boolean).join(' — ') || 'unknown',
    ]),
  );
  const sections = ['## Key facts', keyFacts, '## Summary', summary];
  if (metrics.length > 0)
    sections.push(
      '## Metrics',
      table(
        ['Metric', 'Value', 'Measured'],
        metrics.map((m) => [m.label, m.text, m.from && m.to ? `${m.from.label} → ${m.to.label}` : '']),
      ),
    );
  return sections;
}

/** The unified timeline and the fix history. */
function timelineSections(view: IncidentPageView): string[] {
  const zone = view.incident.frontmatter.timezone;
  const sections = [
    '## Timeline',
    `Times in ${zone}, with UTC.`,
    table(
      ['Time', 'UTC', 'Source', 'Kind', 'What', 'Confidence'],
      view.timeline.map((row) => [
        `${row.item.approximate ? 'about ' : ''}${formatDateTime(row.item.at, zone)}`,
        row.utc,
        english(`timeline.source.${row.item.source}`),
        row.item.kind,
        row.item.url ? `[${row.item.title}](${row.item.url})` : row.item.title,
        english(`confidence.${row.item.confidence}`),
      ]),
    ),
  ];
  if (view.fixHistory.rows.length > 0)
    sections.push(
      '## Fix history',
      table(
        ['Item', 'Title', 'Author', 'When', 'Outcome', 'Relations'],
        view.fixHistory.rows.map((r) => [
          r.url ? `[${r.label}](${r.url})` : r.label,
          r.title,
          r.author,
          r.when,
          r.outcome,
          r.relations,
        ]),
      ),
    );
  return sections;
}

/** The repros' state, and what a repro that ran a version range computed beside its advisory. */
function reproSections(view: IncidentPageView): string[] {
  if (view.repros.length === 0) return [];
  const states = table(
    ['Repro', 'State', 'Reproduced', 'Not reproduced', 'Recorded', 'Where', 'Run it'],
    view.repros.map((r) => [
      r.repro.manifest.title,
      r.summary.state,
      r.summary.counts.reproduced ?? 0,
      r.summary.counts['not-reproduced'] ?? 0,
      r.recordedAt,
      r.summary.where,
      `\`${r.command}\``,
    ]),
  );
  const ranges = view.repros.flatMap(({ repro, ranges }) => {
    if (!ranges) return [];
    const computed = `**Affected ${ranges.packageName} versions, computed by running** every release in \`${ranges.range}\` (${ranges.count}, “${repro.manifest.title}”): ${ranges.intervals.map((i) => i.text).join('; ') || 'none reproduced'}.`;
    const advisory =
      ranges.advisory &&
      `${ranges.advisory.id} states ${ranges.advisory.stated.map((r) => `\`${r}\``).join(', ')}${ranges.advisory.disagreements.length ? `; they disagree on ${ranges.advisory.disagreements.map((d) => d.text).join('; ')}` : '; they agree on every release that ran'}.`;
    return [[computed, advisory].filter(Boolean).join(' ')];
  });
  // A chart is its numbers here: its title, its fitted growth, and the table under its fold on the page.
  const charts = view.repros.flatMap(({ chart }) =>
    chart
      ? [
          `**${chart.title}**${chart.growth ? `. Fitted growth (log–log slope): ${chart.growth}.` : ''}`,
          table(chart.table.head, chart.table.rows),
        ]
      : [],
  );
  return ['## Reproductions', states, ...ranges, ...charts];
}

/** The facts with their sources, and the incident's sources. */
function sourceSections(view: IncidentPageView): string[] {
  const { facts, frontmatter } = view.incident;
  const sections: string[] = [];
  if (facts.length > 0)
    sections.push(
      '## Facts and their sources',
      table(
        ['#', 'Fact', 'Value', 'Confidence', 'Source'],
        facts.map((f, i) => [i + 1, f.label, f.display ?? f.value, f.confidence, f.source]),
      ),
    );
  if (frontmatter.sources.length > 0)
    sections.push(
      '## Sources',
      frontmatter.sources
        .map((s) => `- [${s.title}](${s.url}) — ${s.publisher} (${s.kind})${s.note ? `. ${s.note}` : ''}`)
        .join('\n'),
    );
  return sections;
}
