/**
 * Numbers a repro records beside its verdict. A snippet prints `measure <name>=<number>` lines
 * (one or more pairs per line, in any language); the runner keeps every run's values and each
 * cell's summary; a budget turns one measurement into the verdict; a re-check compares medians
 * within a tolerance; a chart's lines get a fitted log–log slope (how the number grows with a
 * numeric parameter).
 */

/** What a chart of a repeated repro may plot instead of a measurement: reproduced runs / runs. */
export const REPRODUCED_RATE = 'reproduced_rate';

/** `measure ms_per_match=12.5` (several `name=value` pairs may share a line). */
const MEASURE_LINE = /^measure((?:\s+[a-z][a-z0-9_]*=\S+)+)\s*$/gm;

/** The measurements a run printed, by name; a later line with the same name wins. Values that are not numbers are problems. */
export function parseMeasurements(stdout: string): { values: Record<string, number>; problems: string[] } {
  const values: Record<string, number> = {};
  const problems: string[] = [];
  for (const line of stdout.matchAll(MEASURE_LINE)) {
    for (const pair of line[1]!.trim().split(/\s+/)) {
      const [name, text] = pair.split('=') as [string, string];
      const value = Number(text);
      if (text === '' || !Number.isFinite(value)) problems.push(`"measure ${name}=${text}" is not a number`);
      else values[name] = value;
    }
  }
  return { values, problems };
}

/** One measurement of one cell: every run's value (in run order) and their summary. */
export interface MeasurementSummary {
  values: number[];
  min: number;
  median: number;
  max: number;
}

export function summarize(values: readonly number[]): MeasurementSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { values: [...values], min: sorted[0]!, median, max: sorted.at(-1)! };
}

/** A budget as repro.yaml writes it, `"< 100"`: what a value must satisfy to stay within it. */
export interface Budget {
  op: '<' | '<=' | '>' | '>=';
  limit: number;
}

export const BUDGET_SYNTAX = /^\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

export function parseBudget(text: string): Budget | undefined {
  const match = BUDGET_SYNTAX.exec(text);
  return match ? { op: match[1] as Budget['op'], limit: Number(match[2]) } : undefined;
}

export function withinBudget(value: number, { op, limit }: Budget): boolean {
  return op === '<' ? value < limit : op === '<=' ? value <= limit : op === '>' ? value > limit : value >= limit;
}

/**
 * Whether a median moved further than `factor` either way (10 means a tenth to ten times). Two
 * values of different sign, or a zero against a non-zero, moved whatever the factor.
 */
export function movedBeyond(recorded: number, fresh: number, factor: number): boolean {
  if (recorded === fresh) return false;
  if (recorded <= 0 || fresh <= 0) return recorded * fresh <= 0 || Math.abs(fresh / recorded) > factor;
  const ratio = fresh / recorded;
  return ratio > factor || ratio < 1 / factor;
}

/**
 * The least-squares slope of log y against log x: the exponent k of y ∝ x^k. Points with a
 * value ≤ 0 have no logarithm and are left out; fewer than two distinct x give no slope.
 */
export function logLogSlope(points: readonly { x: number; y: number }[]): number | undefined {
  const logs = points.filter((p) => p.x > 0 && p.y > 0).map((p) => ({ x: Math.log(p.x), y: Math.log(p.y) }));
  if (new Set(logs.map((p) => p.x)).size < 2) return undefined;
  const meanX = logs.reduce((s, p) => s + p.x, 0) / logs.length;
  const meanY = logs.reduce((s, p) => s + p.y, 0) / logs.length;
  const sxy = logs.reduce((s, p) => s + (p.x - meanX) * (p.y - meanY), 0);
  const sxx = logs.reduce((s, p) => s + (p.x - meanX) ** 2, 0);
  return sxy / sxx;
}

/** A measured value as the page and the prose print it: three significant digits, whole numbers from 100 on (`0.0292`, `5.82`, `39,937`). */
export function formatMeasurement(value: number): string {
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : Number(value.toPrecision(3)).toString();
}

/** A slope as a reader reads it: `N^3.9`. */
export function growthText(parameter: string, slope: number): string {
  return `${parameter}^${slope.toFixed(1)}`;
}

/** What a chart needs of a manifest and its cells. */
export interface ChartInput {
  chart?: { y: string; x: string };
  cells: readonly {
    version: string;
    parameters: Readonly<Record<string, string>>;
    verdict: string;
    tally?: { runs: number; reproduced: number };
    measurements?: Readonly<Record<string, { median: number }>>;
  }[];
}

/** One line of a chart: a version and the values of the parameters other than x, with its points in x order. */
export interface ChartLine {
  version: string;
  parameters: Record<string, string>;
  points: { x: number; y: number; reproduced: boolean }[];
}

/** The chart's lines from the recorded cells (a cell without the value is not a point). */
export function chartLines({ chart, cells }: ChartInput): ChartLine[] {
  if (!chart) return [];
  const lines = new Map<string, ChartLine>();
  for (const cell of cells) {
    const y =
      chart.y === REPRODUCED_RATE
        ? cell.tally && cell.tally.runs > 0
          ? cell.tally.reproduced / cell.tally.runs
          : undefined
        : cell.measurements?.[chart.y]?.median;
    if (y === undefined) continue;
    const parameters = Object.fromEntries(Object.entries(cell.parameters).filter(([name]) => name !== chart.x));
    const key = JSON.stringify([cell.version, parameters]);
    let line = lines.get(key);
    if (!line) lines.set(key, (line = { version: cell.version, parameters, points: [] }));
    line.points.push({ x: Number(cell.parameters[chart.x]), y, reproduced: cell.verdict === 'reproduced' });
  }
  for (const line of lines.values()) line.points.sort((a, b) => a.x - b.x);
  return [...lines.values()];
}

/** Each line's fitted log–log slope, for a chart of a measurement (a rate has none). */
export function growthFits(input: ChartInput): {
  measurement: string;
  x: string;
  version: string;
  parameters: Record<string, string>;
  slope: number;
  points: number;
}[] {
  const chart = input.chart;
  if (!chart || chart.y === REPRODUCED_RATE) return [];
  return chartLines(input).flatMap((line) => {
    const slope = logLogSlope(line.points);
    return slope === undefined
      ? []
      : [
          {
            measurement: chart.y,
            x: chart.x,
            version: line.version,
            parameters: line.parameters,
            slope: Number(slope.toFixed(2)),
            points: line.points.length,
          },
        ];
  });
}
