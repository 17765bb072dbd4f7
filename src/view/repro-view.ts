/**
 * What a repro's box on the page says, computed from its manifest and its recording: whether
 * it ran, when and where, how each cell turned out, and which cell's transcript and wire trace
 * to show first.
 */
import { cellLabel, parametersText } from '../domain/repro-cells.ts';
import { runtimeLabel } from '../domain/runtimes.ts';
import type { CellResult, InstalledPackage, ReproResults, Verdict } from '../schemas/repro-results.ts';
import type { ReproManifest } from '../schemas/repro.ts';
import { traceSequenceDiagram } from './trace-diagram.ts';
import { english, type Translator } from '../i18n/catalogue.ts';

export type ReproState = 'not-run' | 'stale' | 'recorded';

export const VERDICT_LABEL: Record<Verdict, string> = {
  reproduced: '✗ reproduced',
  'not-reproduced': '✓ not reproduced',
  error: '! error',
  skipped: '– skipped',
};

export interface ReproSummary {
  state: ReproState;
  counts: Partial<Record<Verdict, number>>;
  /** Cells whose verdict contradicts the manifest's prediction. */
  violated: number;
  /** Where the cells that ran, ran: `Linux 6.1 x64, Python 3.11.2, redis-server 7.0.15`. */
  where?: string;
  recordedAt?: string;
  /** The cell to show first: a reproduced one with a trace, else any that ran with a trace. */
  featured?: CellResult;
}

export function cellParameters(cell: CellResult): string {
  const entries = Object.entries(cell.parameters);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(' ') : '—';
}

/** `runtime`: how the repro's runtime is named (a site's own runtime has its own label). */
export function summarizeRepro(
  results: ReproResults | undefined,
  stale: boolean,
  runtime: (name: string) => string = runtimeLabel,
): ReproSummary {
  if (!results) return { state: 'not-run', counts: {}, violated: 0 };
  const counts: Partial<Record<Verdict, number>> = {};
  for (const cell of results.cells) counts[cell.verdict] = (counts[cell.verdict] ?? 0) + 1;
  const ran = results.cells.filter((c) => c.verdict !== 'skipped');
  const env = ran[0]?.environment;
  const where = env
    ? [
        env.os,
        env.interpreterVersion && `${runtime(env.runtime)} ${env.interpreterVersion.replace(/^v/, '')}`,
        env.redisServerVersion && `redis-server ${env.redisServerVersion}`,
      ]
        .filter(Boolean)
        .join(', ')
    : undefined;
  const withTrace = ran.filter((c) => c.trace.messages.length > 0);
  return {
    state: stale ? 'stale' : 'recorded',
    counts,
    violated: results.cells.filter((c) => c.expectation === 'violated').length,
    where,
    recordedAt: results.recordedAt,
    featured: withTrace.find((c) => c.verdict === 'reproduced') ?? withTrace[0],
  };
}

/** A reason without the tool's own error text in parentheses (the transcripts keep it whole). */
export function shortReason(reason: string): string {
  return reason.replace(/\s*\([^()]*\)$/, '');
}

/** The line of stdout that decided the verdict (for the diagram's closing note). */
export function decidingLine(cell: CellResult, manifest: ReproManifest): string | undefined {
  const patterns = [manifest.expect.reproduced, manifest.expect.not_reproduced].map((p) => new RegExp(p));
  return cell.stdout.split('\n').find((line) => patterns.some((p) => p.test(line)));
}

/** The sequence diagram of the featured cell's wire trace, as Mermaid source (none without a trace). */
export function reproTraceMermaid(
  manifest: ReproManifest,
  summary: ReproSummary,
  t: Translator = english,
): string | undefined {
  const featured = summary.featured;
  if (!featured) return undefined;
  const replyDelayMs = manifest.proxy ? (manifest.proxy.downstream_delay_ms ?? manifest.proxy.delay_ms) : 0;
  return traceSequenceDiagram(featured.trace, { conclusion: decidingLine(featured, manifest), replyDelayMs, t });
}

/* ------------------------------------------------------------------------------------------
 * The matrix a reader takes in at a glance: versions down, parameters
 * across, one mark per cell with its rate, disagreements with the manifest called out, and
 * every skip or error reason said once, as a footnote.
 * ---------------------------------------------------------------------------------------- */

/** The mark alone, for places where the word is said separately. */
export const VERDICT_MARK: Record<Verdict, string> = {
  reproduced: '✗',
  'not-reproduced': '✓',
  error: '!',
  skipped: '–',
};
/** The verdict in words, as prose says it (`reproduced`, `not reproduced`, `error`, `skipped`). */
export const verdictWord = (verdict: Verdict, t: Translator = english): string => t(`verdict.${verdict}`);
const VERDICTS: readonly Verdict[] = ['reproduced', 'not-reproduced', 'error', 'skipped'];

function parametersKey(parameters: Record<string, string>): string {
  return JSON.stringify(Object.entries(parameters).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * How often a repeated cell reproduced: `9/10`, with the runs that failed outright after it
 * (`7/10 · 1 failed`). Undefined for a cell that ran once.
 */
export function rateText(cell: Pick<CellResult, 'tally'>, t: Translator = english): string | undefined {
  const tally = cell.tally;
  if (!tally) return undefined;
  return `${tally.reproduced}/${tally.runs}${tally.errors > 0 ? t('verdict.failedRuns', { count: tally.errors }) : ''}`;
}

/** `✗ reproduced 9/10`: mark, word and rate, so the verdict never rests on colour alone. */
export function verdictText(cell: Pick<CellResult, 'verdict' | 'tally'>, t: Translator = english): string {
  const rate = cell.verdict === 'skipped' ? undefined : rateText(cell, t);
  return `${VERDICT_MARK[cell.verdict]} ${verdictWord(cell.verdict, t)}${rate ? ` ${rate}` : ''}`;
}

/** The rate in a sentence, for a title: `reproduced in 9 of 10 runs (1 failed)`. */
export function rateSentence(cell: Pick<CellResult, 'tally'>, t: Translator = english): string | undefined {
  const tally = cell.tally;
  if (!tally) return undefined;
  return (
    t('verdict.rateSentence', { reproduced: tally.reproduced, count: tally.runs }) +
    (tally.errors ? t('verdict.rateFailed', { count: tally.errors }) : '')
  );
}

/** `1 reproduced, 1 not reproduced, 5 skipped`. */
export function countsText(counts: Partial<Record<Verdict, number>>, t: Translator = english): string {
  return VERDICTS.filter((v) => counts[v])
    .map((v) => t('verdict.count', { count: counts[v]!, verdict: verdictWord(v, t) }))
    .join(t('list.separator'));
}

export interface MatrixEntry {
  cell: CellResult;
  /** The cell's own page (its transcript), relative to the incident's page: `repros/proxy/4.5.1/`. */
  page: string;
  /** `✗ reproduced 9/10`. */
  text: string;
  /** The same in parts, for a cell that may wrap: `✗`, `reproduced`, `9/10`. */
  mark: string;
  word: string;
  rate?: string;
  /** The recorded verdict contradicts what the manifest predicts. */
  violated: boolean;
  /** `expected not reproduced`, shown under a contradicted verdict. */
  expectedText?: string;
  /** The footnote that gives the reason a cell was skipped or failed. */
  footnote?: number;
  /** Everything about the cell in one sentence (the cell's title). */
  title: string;
}

export interface MatrixRow {
  version: string;
  /** `4.5.1`, or `installed (4.3.4)` / `latest (4.5.5)` when what the name meant is known. */
  label: string;
  /** One per column; undefined where the recording has no such cell. */
  entries: (MatrixEntry | undefined)[];
  /**
   * Set when every cell of the row was skipped for one reason: the row is then one cell across
   * the columns ("– skipped¹ for every SLEEP"), not a line of identical marks.
   */
  allSkipped?: { footnote: number };
}

export interface MatrixColumn {
  parameters: Record<string, string>;
  /** The value alone when one parameter is swept, `A=1 B=2` for several, 'verdict' for none. */
  label: string;
}

export interface MatrixFootnote {
  n: number;
  /** The reason, with a version shared by several rows written as `<version>`. */
  reason: string;
  /** Which cells it applies to: versions whose whole row it covers, else cell names. */
  cells: string;
}

export interface ReproMatrix {
  /** The parameter names across the top, in manifest order (empty when none). */
  parameterNames: string[];
  /** Set when one version ran: the parameter whose values are the rows, and that version. */
  rowParameter?: string;
  version?: string;
  columns: MatrixColumn[];
  rows: MatrixRow[];
  footnotes: MatrixFootnote[];
  violated: number;
}

/**
 * The address part of a cell's own page (`4.5.1`, `4.5.1-sleep-0.000001`): its version and
 * parameters, readable and stable across recordings. Every cell of a recording gets a distinct
 * one; a rare clash after the characters a URL cannot hold are replaced takes the cell's number.
 */
export function cellSlugs(cells: readonly Pick<CellResult, 'version' | 'parameters'>[]): string[] {
  const slug = (cell: Pick<CellResult, 'version' | 'parameters'>) =>
    [
      cell.version,
      ...Object.entries(cell.parameters)
        .sort(([a], [b]) => a.localeCompare(b))
        .flat(),
    ]
      .join('-')
      .toLowerCase()
      .replace(/[^a-z0-9.]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'cell';
  const slugs = cells.map(slug);
  return slugs.map((s, i) => (slugs.indexOf(s) === i ? s : `${s}-${i + 1}`));
}

/**
 * Where a cell's own page is (its transcript, packages and run), relative to its incident's page
 * (`<base>incidents/<incident>/`), which every link to it is on or under.
 */
export function cellHref(reproId: string, slug: string): string {
  return `repros/${reproId}/${slug}/`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A reason with the cell's own version replaced by `<version>`, so one reason covers every row it hit. */
function genericReason(cell: CellResult): string {
  const reason = shortReason(cell.reason ?? `${cell.verdict} without a reason recorded`);
  if (cell.version === 'installed') return reason;
  return reason.replace(new RegExp(`(?<![\\w.])${escapeRegExp(cell.version)}(?![\\w]|\\.\\d)`, 'g'), '<version>');
}

/**
 * How the matrix is laid out: versions down and parameters across; but when one version ran
 * and several parameters were swept, the first parameter goes down the side instead, so the
 * matrix is not one long row that scrolls (an engine per row, an input size per column).
 */
function matrixAxes(cells: readonly CellResult[], t: Translator) {
  const swept = [...new Set(cells.flatMap((c) => Object.keys(c.parameters)))];
  const down = new Set(cells.map((c) => c.version)).size === 1 && swept.length >= 2 ? swept[0] : undefined;
  const parameterNames = swept.filter((name) => name !== down);
  const across = (cell: CellResult) =>
    Object.fromEntries(Object.entries(cell.parameters).filter(([name]) => name !== down));
  const rowKey = (cell: CellResult) => (down === undefined ? cell.version : cell.parameters[down]!);
  const columns: MatrixColumn[] = [];
  const columnIndex = new Map<string, number>();
  const rowIndex = new Map<string, number>();
  const rows: MatrixRow[] = [];
  for (const cell of cells) {
    const parameters = across(cell);
    const key = parametersKey(parameters);
    if (!columnIndex.has(key)) {
      columnIndex.set(key, columns.length);
      const entries = Object.entries(parameters);
      const label =
        entries.length === 0
          ? t('matrix.verdict')
          : parameterNames.length === 1
            ? entries[0]![1]
            : parametersText(parameters);
      columns.push({ parameters, label });
    }
    if (!rowIndex.has(rowKey(cell))) {
      rowIndex.set(rowKey(cell), rows.length);
      rows.push({ version: cell.version, label: rowKey(cell), entries: [] });
    }
  }
  const place = (cell: CellResult) => ({
    row: rowIndex.get(rowKey(cell))!,
    column: columnIndex.get(parametersKey(across(cell)))!,
  });
  return { down, parameterNames, columns, rows, place };
}

export function reproMatrix(reproId: string, results: ReproResults, t: Translator = english): ReproMatrix {
  const slugs = cellSlugs(results.cells);
  const { down, parameterNames, columns, rows, place } = matrixAxes(results.cells, t);

  // Footnotes: one per distinct reason, numbered in reading order (rows, then columns).
  const reasons = new Map<string, { n: number; cells: CellResult[] }>();
  const footnoteOf = new Map<CellResult, number>();
  const ordered = [...results.cells].sort((a, b) => place(a).row - place(b).row || place(a).column - place(b).column);
  for (const cell of ordered) {
    if (cell.verdict !== 'skipped' && cell.verdict !== 'error') continue;
    const reason = genericReason(cell);
    let group = reasons.get(reason);
    if (!group) reasons.set(reason, (group = { n: reasons.size + 1, cells: [] }));
    group.cells.push(cell);
    footnoteOf.set(cell, group.n);
  }

  results.cells.forEach((cell, index) => {
    const { row: rowAt, column } = place(cell);
    const row = rows[rowAt]!;
    const violated = cell.expectation === 'violated';
    const expectedText =
      violated && cell.expected ? t('matrix.expected', { verdict: verdictWord(cell.expected, t) }) : undefined;
    const rate = cell.verdict === 'skipped' ? undefined : rateSentence(cell, t);
    const title = [
      `${cellLabel(cell)}: ${verdictWord(cell.verdict, t)}`,
      rate,
      cell.expected &&
        t('matrix.expected', { verdict: verdictWord(cell.expected, t) }) +
          (violated ? t('matrix.contradicted') : cell.expectation === 'met' ? t('matrix.asExpected') : ''),
      cell.reason && shortReason(cell.reason),
    ]
      .filter(Boolean)
      .join('; ');
    row.entries[column] = {
      cell,
      page: cellHref(reproId, slugs[index]!),
      text: verdictText(cell, t),
      mark: VERDICT_MARK[cell.verdict],
      word: verdictWord(cell.verdict, t),
      rate: cell.verdict === 'skipped' ? undefined : rateText(cell, t),
      violated,
      expectedText,
      footnote: footnoteOf.get(cell),
      title,
    };
  });
  for (const row of rows) {
    row.entries = columns.map((_, i) => row.entries[i]);
    const notes = new Set(row.entries.map((e) => (e?.cell.verdict === 'skipped' ? e.footnote : undefined)));
    const [only] = notes;
    if (columns.length > 1 && notes.size === 1 && only !== undefined) row.allSkipped = { footnote: only };
    // `installed` and `latest` name no release: the row says which one ran.
    if (down === undefined && (row.version === 'installed' || row.version === 'latest')) {
      const imported = new Set(
        row.entries.flatMap((e) =>
          e && e.cell.verdict !== 'skipped' ? [e.cell.environment.packageVersionImported] : [],
        ),
      );
      const version = imported.size === 1 ? [...imported][0] : undefined;
      if (version) row.label = `${row.version} (${version})`;
    }
  }

  const footnotes = [...reasons].map(([reason, { n, cells }]) => {
    const versions = [...new Set(cells.map((c) => c.version))];
    // A version's whole row, when versions are the rows.
    const wholeRows =
      down === undefined &&
      versions.every((v) => rows.find((r) => r.version === v)!.entries.every((e) => !e || cells.includes(e.cell)));
    const names =
      wholeRows && columns.length > 1
        ? versions.map((v) => t('matrix.wholeRow', { version: v }))
        : wholeRows
          ? versions
          : cells.map(cellLabel);
    // A reason that names a version but applies to one version only reads best as written.
    const text =
      versions.length === 1 && versions[0] !== 'installed' ? reason.replaceAll('<version>', versions[0]!) : reason;
    return { n, reason: text, cells: names.join(', ') };
  });
  return {
    parameterNames,
    ...(down !== undefined && { rowParameter: down, version: rows[0]?.version }),
    columns,
    rows,
    footnotes,
    violated: results.cells.filter((c) => c.expectation === 'violated').length,
  };
}

/* ------------------------------------------------------------------------------------------
 * Transcripts: the line that decided the verdict first, then the whole output.
 * ---------------------------------------------------------------------------------------- */

export interface TranscriptView {
  /** The stdout line that decided the verdict (for a reproduced cell: the wrong value the next caller got). */
  deciding?: string;
  /** Every stdout line, the deciding one marked. */
  lines: { text: string; deciding: boolean }[];
}

/**
 * The transcript as the page shows it. The deciding line is the one matching the pattern of
 * the cell's own verdict (a reproduced cell's `LEAK: … returned b'alice-data'`), so a reader
 * sees the wrong value first; the full output follows with that line marked.
 */
export function transcriptView(cell: CellResult, manifest: ReproManifest): TranscriptView {
  const stdout = cell.stdout.replace(/\n$/, '');
  const lines = stdout === '' ? [] : stdout.split('\n');
  const own =
    cell.verdict === 'reproduced'
      ? manifest.expect.reproduced
      : cell.verdict === 'not-reproduced'
        ? manifest.expect.not_reproduced
        : undefined;
  let index = -1;
  if (own) {
    const pattern = new RegExp(own);
    index = lines.findIndex((line) => pattern.test(line));
  }
  return {
    deciding: index >= 0 ? lines[index] : undefined,
    lines: lines.map((text, i) => ({ text, deciding: i === index })),
  };
}

/* ------------------------------------------------------------------------------------------
 * Provenance: where each installed package came from.
 * ---------------------------------------------------------------------------------------- */

export interface ProvenanceText {
  /** `redis 4.5.1 · wheel sha256 0891ab12…`. */
  short: string;
  /** The source as recorded and the whole hash, for a title and a details box. */
  full: string;
}

function sourceKind(source: string): string {
  const path = source.replace(/[?#].*$/, '');
  if (path.endsWith('.whl')) return 'wheel';
  if (/\.(tar\.gz|tar\.bz2|tgz|zip)$/.test(path)) return 'sdist';
  if (/^[a-z+]+:\/\//.test(source)) return 'download';
  return 'file';
}

export function provenanceText(pkg: InstalledPackage): ProvenanceText {
  const kind = sourceKind(pkg.source);
  const hash = pkg.sha256 ? `sha256 ${pkg.sha256.slice(0, 8)}…` : 'no hash reported';
  return {
    short: `${pkg.name} ${pkg.version} · ${kind} ${hash}`,
    full: `${pkg.name} ${pkg.version} from ${pkg.source}${pkg.sha256 ? `, sha256 ${pkg.sha256}` : ' (the installer reported no hash)'}`,
  };
}

const normName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** A cell's packages, the one under test first, then the rest by name. */
export function cellProvenance(
  cell: Pick<CellResult, 'environment'>,
  manifest: Pick<ReproManifest, 'package'>,
): (ProvenanceText & { underTest: boolean })[] {
  const under = manifest.package ? normName(manifest.package.name) : undefined;
  return [...(cell.environment.packages ?? [])]
    .map((pkg) => ({ pkg, underTest: normName(pkg.name) === under }))
    .sort((a, b) => Number(b.underTest) - Number(a.underTest) || a.pkg.name.localeCompare(b.pkg.name))
    .map(({ pkg, underTest }) => ({ ...provenanceText(pkg), underTest }));
}

/** Per version, the distinct packages its cells installed (cells of one version share one environment). */
export function versionProvenance(
  results: ReproResults,
  manifest: Pick<ReproManifest, 'package'>,
): { version: string; packages: (ProvenanceText & { underTest: boolean })[] }[] {
  const out: { version: string; packages: (ProvenanceText & { underTest: boolean })[] }[] = [];
  for (const cell of results.cells) {
    if (!cell.environment.packages?.length) continue;
    let entry = out.find((e) => e.version === cell.version);
    if (!entry) out.push((entry = { version: cell.version, packages: [] }));
    for (const item of cellProvenance(cell, manifest))
      if (!entry.packages.some((p) => p.full === item.full)) entry.packages.push(item);
  }
  return out;
}

/* ------------------------------------------------------------------------------------------
 * <Verdict>: a recorded verdict inline in the prose.
 * ---------------------------------------------------------------------------------------- */

export interface InlineVerdict {
  /** `verdict` only when the recording is current and the cell ran to a verdict. */
  state: 'verdict' | 'stale' | 'not-run' | 'error';
  text: string;
  /** The CSS class: verdict-reproduced, verdict-stale, … */
  className: string;
  title: string;
}

/**
 * What `<Verdict>` prints for a cell. A stale recording, a skipped cell or an error is said
 * as such, never as a verdict: the prose may cite only what the current snippet showed.
 */
export function inlineVerdict(
  cell: CellResult,
  stale: boolean,
  recordedAt: string,
  t: Translator = english,
): InlineVerdict {
  const name = cellLabel(cell);
  const reason = cell.reason ? shortReason(cell.reason) : t('verdict.noReason');
  if (stale) {
    return {
      state: 'stale',
      text: t('verdict.staleText'),
      className: 'verdict-stale',
      title: t('verdict.staleTitle', { cell: name, recorded: recordedAt }),
    };
  }
  if (cell.verdict === 'skipped') {
    return {
      state: 'not-run',
      text: t('verdict.notRunText'),
      className: 'verdict-skipped',
      title: t('verdict.skippedTitle', { cell: name, reason }),
    };
  }
  if (cell.verdict === 'error') {
    return {
      state: 'error',
      text: t('verdict.errorText') + (cell.tally ? ` (${rateText(cell, t)})` : ''),
      className: 'verdict-error',
      title: t('verdict.errorTitle', { cell: name, reason }),
    };
  }
  return {
    state: 'verdict',
    text: verdictText(cell, t),
    className: `verdict-${cell.verdict}`,
    title: [
      `${name}: ${verdictWord(cell.verdict, t)}`,
      rateSentence(cell, t),
      t('verdict.recordedOn', { day: recordedAt.slice(0, 10) }),
    ]
      .filter(Boolean)
      .join('; '),
  };
}

/* ------------------------------------------------------------------------------------------
 * Live runs in `astro dev` (issue 14): what the development server hands the page through
 * Astro.locals (src/integration/live-runs.ts). A build has none of it, so no page of the
 * published site carries a run control, the endpoint or its token.
 * ---------------------------------------------------------------------------------------- */

/** A cell whose verdict a live run changed: `before` is the previous record's (none: not recorded). */
export interface LiveRunChange {
  cell: string;
  before?: Verdict;
  after: Verdict;
}

/** The last live run of a repro that recorded something, as the page reports it. */
export interface LastLiveRun {
  /** The recording it made; the report is shown only while that recording is the current one. */
  recordedAt: string;
  ran: number;
  changes: LiveRunChange[];
}

export interface LiveRunsLocals {
  /** The dev server's per-server secret, sent back in a header with every run request. */
  token: string;
  /** Where run and stop requests go, and the controls' script and style. */
  endpoint: string;
  script: string;
  style: string;
  /** By `incident/repro`. */
  lastRuns: Record<string, LastLiveRun>;
}

export const LIVE_RUNS_LOCALS = 'aftermath:live-runs';

/** The live-run settings `astro dev` put in Astro.locals, or nothing (a build, a remote client). */
export function liveRunsFrom(locals: object): LiveRunsLocals | undefined {
  return (locals as Record<string, LiveRunsLocals | undefined>)[LIVE_RUNS_LOCALS];
}

/** `3 cells ran; 1 changed verdict since the last record: naive ✓ not reproduced → ✗ reproduced`. */
export function lastRunText(run: LastLiveRun): string {
  const ran = `${run.ran} cell${run.ran === 1 ? '' : 's'} ran`;
  if (!run.changes.length) return `${ran}; no verdict changed since the last record.`;
  const changes = run.changes.map(
    (c) =>
      `${c.cell || 'the cell'}: ${c.before ? VERDICT_LABEL[c.before] : 'not recorded'} → ${VERDICT_LABEL[c.after]}`,
  );
  return `${ran}; ${run.changes.length} changed verdict since the last record: ${changes.join('; ')}.`;
}
