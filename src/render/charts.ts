/**
 * A repro's chart as SVG, drawn at build time: the chart view becomes a Vega-Lite spec, compiled
 * to Vega and rendered by Vega's own SVG renderer in Node (no browser, no DOM, no client
 * JavaScript). Like a diagram, it is drawn for a light panel (dark pages put one behind it),
 * carries its smallest label's size so the page keeps every label readable (diagram-size.ts),
 * and is cached on disk by its spec.
 */
import type { TopLevelSpec } from 'vega-lite';
import { sizeDiagram } from './diagram-size.ts';
import { cacheKey, diskCache, installedVersion } from './disk-cache.ts';

/** Every label's size: axis titles, tick labels, legend; the readability check holds it above 11 px. */
const LABEL_PX = 12;
/** Colours told apart on a light panel (after Okabe–Ito, darkened to 4.4:1 or more against it); lines also differ by dash. */
const PALETTE = ['#0072B2', '#C24E00', '#007A5E', '#9E3C8A', '#6B6B00', '#3A3A3A'];
const DASHES = [
  [1, 0],
  [6, 3],
  [2, 2],
  [8, 3, 2, 3],
  [4, 4],
  [1, 3],
];
const INK = '#1b1f24';
// Shared by every copy of this module in the build (the pages' chunk and the integration's), as
// the diagram and code caches' counts are: the build reports them once at its end.
const stats: { hits: number; misses: number; ms: number } = ((
  globalThis as { __aftermathCharts?: { hits: number; misses: number; ms: number } }
).__aftermathCharts ??= { hits: 0, misses: 0, ms: 0 });
export const chartStats = stats;

/** Changed whenever what renderChart does around Vega changes, so cached charts are drawn again. */
const RENDER_VERSION = 'chart-3';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const LIBRARY = `vega ${installedVersion('vega')}, vega-lite ${installedVersion('vega-lite')}`;

/**
 * Vega and Vega-Lite, loaded the first time a chart is drawn rather than cached: a site without
 * charts, or a build that finds every chart in the cache, never loads them.
 */
let libraries: Promise<[typeof import('vega'), typeof import('vega-lite')]> | undefined;
const loadLibraries = () => (libraries ??= Promise.all([import('vega'), import('vega-lite')]));

function axisTitle(view: ChartDrawing): string {
  return view.y.rate
    ? view.y.label
    : `${view.y.label}${view.y.unit ? ` (${view.y.unit})` : ''}${view.y.log ? view.words.yLog : ''}`;
}

/** What a chart draws (src/view/chart-view.ts computes it from a repro's recording). */
export interface ChartDrawing {
  /** The SVG's id, unique on the page; `${id}-title` names it. */
  id: string;
  title: string;
  x: { name: string; log: boolean };
  y: { label: string; unit: string; log: boolean; rate: boolean };
  budget?: { value: number; text: string };
  lines: { label: string; points: { x: number; y: number; reproduced: boolean }[] }[];
  /** The chart's own words in the page's language: ` (log scale)` after x, `, log scale` after y, the legend's. */
  words: { xLog: string; yLog: string; reproduced: string; notReproduced: string };
}

/** Powers of ten from below the smallest value to above the largest: a log axis's ticks. */
function decades(values: readonly number[]): number[] {
  const positive = values.filter((v) => v > 0);
  const low = Math.floor(Math.log10(Math.min(...positive)));
  const high = Math.ceil(Math.log10(Math.max(...positive)));
  return Array.from({ length: high - low + 1 }, (_, i) => 10 ** (low + i));
}

/** The Vega-Lite spec: a line per series with its points, reproduced points filled, the budget as a rule. */
export function chartSpec(view: ChartDrawing): TopLevelSpec {
  const values = view.lines.flatMap((line) =>
    line.points.map((p) => ({
      x: p.x,
      y: p.y,
      line: line.label,
      reproduced: p.reproduced ? view.words.reproduced : view.words.notReproduced,
    })),
  );
  const domain = view.lines.map((l) => l.label);
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: `${view.x.name}${view.x.log ? view.words.xLog : ''}`,
    scale: { type: view.x.log ? ('log' as const) : ('linear' as const), nice: false },
    // On a log axis the swept values themselves are the ticks, not a crowd of unlabelled ones.
    ...(view.x.log && { axis: { values: [...new Set(values.map((v) => v.x))].sort((a, b) => a - b) } }),
  };
  const y = {
    field: 'y',
    type: 'quantitative' as const,
    title: axisTitle(view),
    scale: view.y.log ? { type: 'log' as const } : { type: 'linear' as const, ...(view.y.rate && { domain: [0, 1] }) },
    ...(view.y.log && { axis: { values: decades(values.map((v) => v.y)) } }),
    ...(view.y.rate && { axis: { format: '.0%' } }),
  };
  const series = {
    field: 'line',
    type: 'nominal' as const,
    title: null,
    scale: { domain, range: PALETTE.slice(0, domain.length) },
    legend: { orient: 'bottom' as const, columns: 2, symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300 },
  };
  const layers: object[] = [
    {
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x,
        y,
        color: series,
        // Colour and dash share one legend: the key shows each line as it is drawn.
        strokeDash: { ...series, scale: { domain, range: DASHES.slice(0, domain.length) } },
      },
    },
    {
      mark: { type: 'point', size: 60, strokeWidth: 2 },
      encoding: {
        x,
        y,
        color: series,
        fill: {
          field: 'reproduced',
          type: 'nominal',
          title: null,
          scale: { domain: [view.words.reproduced, view.words.notReproduced], range: [INK, '#ffffff'] },
          legend: { orient: 'bottom', symbolStrokeColor: INK },
        },
      },
    },
  ];
  if (view.budget)
    layers.push(
      {
        data: { values: [{ y: view.budget.value }] },
        mark: { type: 'rule', color: '#C4001A', strokeDash: [4, 3] },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values: [{ y: view.budget.value, text: view.budget.text }] },
        mark: { type: 'text', align: 'left', dx: 4, dy: -7, color: '#A30016', fontSize: LABEL_PX },
        encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: 0 }, text: { field: 'text' } },
      },
    );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 560,
    height: 300,
    background: null as unknown as string,
    data: { values },
    layer: layers,
    resolve: { scale: { color: 'shared', fill: 'independent' } },
    config: {
      font: FONT,
      view: { stroke: null },
      axis: {
        labelFontSize: LABEL_PX,
        titleFontSize: LABEL_PX,
        labelColor: INK,
        titleColor: INK,
        domainColor: INK,
        tickColor: INK,
        gridColor: '#d5d8dd',
        titleFontWeight: 600,
      },
      legend: { labelFontSize: LABEL_PX, labelColor: INK, labelLimit: 320 },
      aria: false,
    },
  } as TopLevelSpec;
}

/** Charts being drawn, by cache key: the page and its Markdown export ask for the same one at once. */
const drawing = new Map<string, Promise<string>>();

/** The chart's SVG, sized for the page and named for assistive technology; from the cache when drawn before. */
export async function renderChart(view: ChartDrawing): Promise<string> {
  const spec = chartSpec(view);
  const cache = diskCache('charts', 'svg');
  const key = cacheKey(JSON.stringify(spec), view.id, view.title, LIBRARY, RENDER_VERSION);
  const cached = cache.read(key);
  if (cached !== undefined) {
    stats.hits++;
    return cached;
  }
  let pending = drawing.get(key);
  if (!pending) {
    drawing.set(key, (pending = drawChart(view, spec)));
    // A failure reaches the caller through `pending`; this chain only keeps the cache.
    void pending
      .then(
        (svg) => cache.write(key, svg),
        () => undefined,
      )
      .finally(() => drawing.delete(key));
  }
  return pending;
}

async function drawChart(view: ChartDrawing, spec: TopLevelSpec): Promise<string> {
  const started = performance.now();
  const [{ parse, View }, { compile }] = await loadLibraries();
  const drawn = await new View(parse(compile(spec).spec), { renderer: 'none' }).toSVG();
  const svg = sizeDiagram(
    drawn
      // The chart is one image named by its caption; Vega's roles on its marks would make each
      // line an unnamed image of its own.
      .replace(/\s(?:role|aria-[a-z]+)="[^"]*"/g, '')
      .replace(
        /^<svg\b/,
        `<svg id="${view.id}" role="img" aria-labelledby="${view.id}-title" data-smallest-label="${LABEL_PX}"`,
      )
      .replace(/\s(width|height)="[\d.]+"(?=[^>]*>)/, '')
      .replace(/\s(width|height)="[\d.]+"(?=[^>]*>)/, ''),
  );
  stats.misses++;
  stats.ms += performance.now() - started;
  return svg;
}
