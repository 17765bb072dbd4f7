/** A diagram's drawn width keeps its smallest label readable: it scrolls rather than shrinking below that. */
import { expect, it } from 'vitest';
import { diagramSize, sizeDiagram, standaloneSvg } from '../../src/render/diagram-size.ts';
import { diagramFileName, openDiagramLink } from '../../src/view/diagram-files.ts';

const svg = (label: number) =>
  `<svg id="d" width="100%" xmlns="http://www.w3.org/2000/svg" data-smallest-label="${label}" style="max-width: 800px;" viewBox="0 0 800 400"><text>x</text></svg>`;

it('lets a diagram shrink only to the width at which its smallest label is still 11 px', () => {
  // 16 px labels: 800 × 11.25 / 16 = 562.5 → 563.
  expect(diagramSize(svg(16))).toEqual({ natural: 800, min: 563, max: 800 });
  const sized = sizeDiagram(svg(16));
  expect(sized).toContain('style="max-width: calc(800px + 1rem); min-width: calc(563px + 1rem);"');
  expect(sized).not.toContain('max-width: 800px');
  expect(sized.endsWith('<text>x</text></svg>')).toBe(true);
});

it('draws a diagram whose own text is under 11 px larger than its natural size', () => {
  expect(diagramSize(svg(8))).toEqual({ natural: 800, min: 1125, max: 1125 });
});

it('leaves an SVG it cannot size as it is', () => {
  const plain = '<svg viewBox="0 0 10 10"><text>x</text></svg>';
  expect(sizeDiagram(plain)).toBe(plain);
});

it('publishes a standalone file at its readable size on a light panel, linked by a stable name', () => {
  const alone = standaloneSvg(sizeDiagram(svg(8)));
  expect(alone).toMatch(/^<\?xml[^>]*>\n<svg style="background-color: #ffffff" width="1125" height="563" id="d"/);
  expect(alone).not.toContain('min-width');
  const request = { source: 'flowchart LR\n  A --> B', prefix: 'mermaid-0' };
  expect(diagramFileName(request)).toMatch(/^[0-9a-f]{20}\.svg$/);
  expect(diagramFileName(request)).toBe(diagramFileName({ ...request }));
  expect(diagramFileName({ ...request, prefix: 'mermaid-1' })).not.toBe(diagramFileName(request));
  expect(openDiagramLink(request, '/postmortems/')).toBe(
    `<a class="diagram-open" href="/postmortems/diagrams/${diagramFileName(request)}">Open the diagram at full size</a>`,
  );
});
