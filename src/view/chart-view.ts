/**
 * What a repro's chart says, computed from its manifest and its recording: one line per version
 * and the parameters other than x, the budget as a rule, reproduced points marked, log axes when
 * the values span decades, each line's fitted growth in words, and the numbers as a table (the
 * chart's text alternative, the Markdown export's form of it). Drawing it is src/render/charts.ts.
 */
import {
  chartLines,
  formatMeasurement,
  growthFits,
  growthText,
  parseBudget,
  REPRODUCED_RATE,
  type ChartLine,
} from '../domain/measurements.ts';
import type { IncidentRepro } from '../domain/incident-record.ts';
import { recordedMatrix } from '../domain/version-matrix.ts';
import type { ChartDrawing } from '../render/charts.ts';
import { english, type Translator } from '../i18n/catalogue.ts';

export interface ChartView extends ChartDrawing {
  /** One sentence a screen reader hears before the table: what is plotted against what. */
  description: string;
  /** "time ∝ N^3.9 for backtracking; N^1.0 for v8-linear", when the chart plots a measurement. */
  growth?: string;
  /** The numbers: a row per x value, a column per line. */
  table: { head: string[]; rows: string[][] };
}

/** Whether positive values span `decades` powers of ten or more: then a log axis reads better. */
function spansDecades(values: readonly number[], decades: number): boolean {
  const positive = values.filter((v) => v > 0);
  return positive.length > 1 && Math.max(...positive) / Math.min(...positive) >= 10 ** decades;
}

/** A line's name: what tells it from the others (the version only when versions differ). */
function lineLabels(lines: readonly ChartLine[], packageName: string | undefined): string[] {
  const versions = new Set(lines.map((l) => l.version));
  return lines.map((line) => {
    const values = Object.values(line.parameters);
    const version = versions.size > 1 ? [`${packageName ?? ''} ${line.version}`.trim()] : [];
    return [...values, ...version].join(' · ') || line.version;
  });
}

export function chartView(repro: IncidentRepro, t: Translator = english): ChartView | undefined {
  const { manifest, results } = repro;
  const chart = manifest.chart;
  if (!chart || !results) return undefined;
  const lines = chartLines({ chart, cells: results.cells });
  if (!lines.length) return undefined;
  const rate = chart.y === REPRODUCED_RATE;
  const declared = manifest.measurements[chart.y];
  const label = rate ? t('chart.rate') : (declared?.label ?? chart.y);
  const unit = rate ? '' : (declared?.unit ?? '');
  const labels = lineLabels(lines, recordedMatrix(repro).package?.name);
  const budgetText = manifest.budget?.[chart.y];
  const budget = budgetText === undefined ? undefined : parseBudget(budgetText);
  const xs = [...new Set(lines.flatMap((l) => l.points.map((p) => p.x)))].sort((a, b) => a - b);
  // The fits the recording carries (what <Measure> cites), else computed alike from its cells.
  const fits = rate
    ? []
    : (results.fits?.filter((f) => f.measurement === chart.y) ?? growthFits({ chart, cells: results.cells }));
  const growth = fits.length
    ? `${label} ∝ ${fits
        .map((fit) => {
          const index = lines.findIndex(
            (l) => l.version === fit.version && sameParameters(l.parameters, fit.parameters),
          );
          return t('chart.growthFor', { growth: growthText(chart.x, fit.slope), line: labels[index]! });
        })
        .join('; ')}`
    : undefined;
  const withUnit = (value: string) => `${value}${unit ? ` ${unit}` : ''}`;
  return {
    id: `chart-${repro.id}`,
    title: chart.title ?? t('chart.title', { y: `${label}${unit ? ` (${unit})` : ''}`, x: chart.x }),
    description:
      t('chart.description', { y: label, x: chart.x, lines: labels.join(t('list.separator')) }) +
      (budget ? t('chart.descriptionBudget', { budget: withUnit(budgetText!) }) : '') +
      t('followUps.sentenceEnd') +
      coinciding(lines, labels, t) +
      t('chart.numbersBelow'),
    // A sweep over a decade of x is drawn on a log axis: a power law is then a straight line.
    x: { name: chart.x, log: spansDecades(xs, 1) },
    y: {
      label,
      unit,
      rate,
      log:
        !rate &&
        spansDecades(
          lines.flatMap((l) => l.points.map((p) => p.y)),
          2,
        ),
    },
    ...(budget && { budget: { value: budget.limit, text: t('chart.budget', { budget: withUnit(budgetText!) }) } }),
    lines: lines.map((line, i) => ({ label: labels[i]!, points: line.points })),
    words: {
      xLog: t('chart.xLog'),
      yLog: t('chart.yLog'),
      reproduced: t('verdict.reproduced'),
      notReproduced: t('verdict.not-reproduced'),
    },
    ...(growth && { growth }),
    table: {
      head: [chart.x, ...labels],
      rows: xs.map((x) => [
        String(x),
        ...lines.map((line) => {
          const point = line.points.find((p) => p.x === x);
          if (!point) return '—';
          const value = rate
            ? `${Math.round(point.y * 100)}%`
            : `${formatMeasurement(point.y)}${unit ? ` ${unit}` : ''}`;
          return point.reproduced ? t('chart.reproducedValue', { value }) : value;
        }),
      ]),
    },
  };
}

/** Lines drawn on top of each other (same points) hide one another: the caption says which. */
function coinciding(lines: readonly ChartLine[], labels: readonly string[], t: Translator): string {
  const groups = new Map<string, string[]>();
  lines.forEach((line, i) => {
    const key = JSON.stringify(line.points.map((p) => [p.x, p.y]));
    groups.set(key, [...(groups.get(key) ?? []), labels[i]!]);
  });
  const same = [...groups.values()].filter((group) => group.length > 1);
  return same.length
    ? t('chart.coinciding', {
        groups: same.map((g) => g.join(t('chart.and'))).join(t('chart.andOf')),
      })
    : '';
}

function sameParameters(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}
