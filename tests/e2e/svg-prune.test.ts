/**
 * Leaving out the rules of a diagram's stylesheet that can match nothing in it must not change a
 * pixel: every diagram of the flagship and one of each other kind, drawn by the real Mermaid in
 * Chromium, screenshot with its whole stylesheet and with the pruned one, in both themes' panels.
 */
import { afterAll, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import { createChromiumPool } from '../../src/render/chromium-pool.ts';
import { MERMAID_PAGE } from '../../src/render/mermaid-browser.ts';
import { pruneStyle } from '../../src/render/svg-compact.ts';
import { incidentView } from '../../src/view/incident-view.ts';
import { projectRoot } from '../support/site.ts';

const pool = createChromiumPool({ size: 1 });
afterAll(() => pool.close());

const OTHERS = [
  'flowchart LR\n  A[Client] -->|GET| B{Cache} -.->|miss| C[(Redis)]\n  B --> D((done))',
  'stateDiagram-v2\n  [*] --> Idle\n  Idle --> Reading: send\n  Reading --> Idle: reply\n  Reading --> [*]: cancelled',
  'gantt\n  dateFormat HH:mm\n  axisFormat %H:%M\n  section Outage\n  Impact :a1, 01:00, 9h\n  Offline :after a1, 2h',
  'classDiagram\n  class Connection {\n    +read()\n  }\n  Connection <|-- Cluster',
];

it('draws every diagram the same with the pruned stylesheet', async () => {
  const flagship = readArchive(projectRoot).incidents.find((i) => i.slug === '2023-03-20-chatgpt-redis-py')!;
  const sources = [...incidentView(flagship).diagrams.map((d) => d.source), ...OTHERS];
  const differing = await pool.run(MERMAID_PAGE, async (page) => {
    const out: number[] = [];
    await page.setViewportSize({ width: 1400, height: 900 });
    for (const [i, source] of sources.entries()) {
      const svg = await page.evaluate(
        async ({ s, id }) => (await (globalThis as any).mermaid.render(id, s)).svg as string, // eslint-disable-line @typescript-eslint/no-explicit-any
        { s: source, id: `d${i}` },
      );
      const shots: Buffer[] = [];
      for (const drawn of [svg, pruneStyle(svg)]) {
        await page.evaluate((html) => {
          document.body.innerHTML = `<div id="shot" style="display:inline-block;background:#fff">${html}</div>`;
        }, drawn);
        shots.push(await page.locator('#shot').screenshot());
      }
      if (!shots[0]!.equals(shots[1]!)) out.push(i);
    }
    return out;
  });
  expect(differing).toEqual([]);
  expect(sources.length).toBeGreaterThan(10);
}, 120_000);
