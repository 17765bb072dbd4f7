/**
 * A repro's chart from its recording (the view) and as SVG (Vega, run here in Node): the bundled
 * incidents' two charts, checked for what the page and a screen reader rely on.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import { renderChart } from '../../src/render/charts.ts';
import { chartView } from '../../src/view/chart-view.ts';

const { incidents } = readArchive(resolve(import.meta.dirname, '../..'));
const reproOf = (slug: string, id: string) => incidents.find((i) => i.slug === slug)!.repros.find((r) => r.id === id)!;
const regexBudget = chartView(reproOf('2019-07-02-cloudflare-waf-regex', 'regex-budget'))!;
const cancelRace = chartView(reproOf('2023-03-20-chatgpt-redis-py', 'cancel-race'))!;

describe('the chart view', () => {
  it('draws time per match on log axes, one line per engine, with the budget and the fitted growth', () => {
    expect(regexBudget.x).toEqual({ name: 'N', log: true });
    expect(regexBudget.y).toEqual({ label: 'Time per match', unit: 'ms', log: true, rate: false });
    expect(regexBudget.budget).toEqual({ value: 100, text: 'budget < 100 ms' });
    expect(regexBudget.lines.map((l) => l.label)).toEqual(['backtracking', 'v8-linear', 're2js']);
    expect(regexBudget.growth).toMatch(
      /^Time per match ∝ N\^3\.\d for backtracking; N\^\d\.\d for v8-linear; N\^\d\.\d for re2js$/,
    );
    expect(regexBudget.table.head).toEqual(['N', 'backtracking', 'v8-linear', 're2js']);
    expect(regexBudget.table.rows.map((r) => r[0])).toEqual(['25', '50', '100', '250', '500', '1000']);
    expect(regexBudget.table.rows.at(-1)![1]).toMatch(/ ms \(reproduced\)$/);
  });

  it('draws a repeated repro as the share of runs that reproduced, names lines by release and says which coincide', () => {
    expect(cancelRace.y).toMatchObject({ rate: true, log: false });
    expect(cancelRace.x.log).toBe(true);
    expect(cancelRace.lines.map((l) => l.label)).toEqual(['redis 4.3.4', 'redis 4.4.0', 'redis 4.5.1', 'redis 4.5.5']);
    expect(cancelRace.growth).toBeUndefined();
    expect(cancelRace.table.rows.flat().filter((c) => c.endsWith('%') || c.endsWith('(reproduced)')).length).toBe(16);
    // Whichever lines the recording makes equal, the caption names them (4.3.4 and 4.5.5 never leak).
    expect(cancelRace.description).toContain('redis 4.3.4 and redis 4.5.5');
  });
});

describe('the chart as SVG', () => {
  it('is one image named by its caption, sized so its 12 px labels stay readable, without script', async () => {
    const svg = await renderChart(regexBudget);
    const root = /^<svg\b[^>]*>/.exec(svg)![0];
    expect(root).toContain('id="chart-regex-budget"');
    expect(root).toContain('role="img"');
    expect(root).toContain('aria-labelledby="chart-regex-budget-title"');
    expect(root).toContain('data-smallest-label="12"');
    expect(root).toMatch(/min-width: calc\(\d+px \+ 1rem\)/);
    // Vega's own roles on the marks would make each line an unnamed image.
    expect(svg.slice(root.length)).not.toMatch(/\srole=|aria-/);
    expect(svg).not.toContain('<script');
    for (const label of ['budget &lt; 100 ms', 'backtracking', 'Time per match (ms), log scale', 'N (log scale)'])
      expect(svg).toContain(label);
  });
});
