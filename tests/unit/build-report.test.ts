/** The build's closing lines on time and caches, and reading them back as the benchmark does. */
import { describe, expect, it } from 'vitest';
import { createBuildReport, parseBuildReport } from '../../src/integration/build-report.ts';

describe('build report', () => {
  it('prints phases in a fixed order and caches as hits/misses, and reads them back', async () => {
    const report = createBuildReport();
    report.add('PDF', 2500);
    report.add('archive', 400);
    report.add('archive', 100);
    await report.time('search', () => new Promise((r) => setTimeout(r, 20)));
    report.count('diagrams', 290, 10);
    report.count('PDF', 3, 0);
    const [timings, caches] = report.lines();
    expect(timings).toMatch(/^timings: archive 0\.5 s · search 0\.\d s · PDF 2\.5 s$/);
    expect(caches).toBe('caches (hits/misses): diagrams 290/10 · PDF 3/0');
    const parsed = parseBuildReport(`[aftermath] ${timings}\n[aftermath] ${caches}\n`);
    expect(parsed.timings).toMatchObject({ archive: 500, PDF: 2500 });
    expect(parsed.caches).toEqual({ diagrams: [290, 10], PDF: [3, 0] });
  });
});
