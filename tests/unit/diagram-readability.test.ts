/**
 * The label check's computation: where a page draws a diagram follows from its SVG (smallest
 * label at its natural width, the box range) and the column of its figure. The agreement with
 * Chromium's own measure is in tests/e2e/reading.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { drawnLabel, pageDiagrams } from '../../src/integration/diagram-readability.ts';

const svg = (id: string, min: number, max: number) =>
  `<svg id="${id}" data-smallest-label="14" viewBox="0 0 600 300" style="max-width: calc(${max}px + 1rem); min-width: calc(${min}px + 1rem);"><text>a</text><svg><g/></svg></svg>`;
const PAGE = `<!doctype html><html lang="en"><head><style>p{}</style></head><body><main><article class="incident">
<div class="prose" data-incident-body><p>Text<br>more</p><figure class="mdx-diagram diagram">${svg('mermaid-0', 382, 600)}<a class="diagram-open" href="x">open</a></figure></div>
<section class="repro"><figure class="diagram trace-diagram" aria-labelledby="t">${svg('trace-x', 500, 700)}<figcaption>x</figcaption></figure></section>
<figure class="diagram">${'<img src="x">'}<svg id="no-size" viewBox="0 0 10 10"></svg></figure>
</article></main></body></html>`;

describe('pageDiagrams', () => {
  it('finds each sized diagram with the path of its figure, skipping SVG content and unsized SVGs', () => {
    expect(pageDiagrams(PAGE)).toEqual([
      {
        id: 'mermaid-0',
        figure: 'body>main>article.incident>div.prose>figure.diagram.mdx-diagram',
        smallest: 14,
        natural: 600,
        minBox: 398,
        maxBox: 616,
      },
      {
        id: 'trace-x',
        figure: 'body>main>article.incident>section.repro>figure.diagram.trace-diagram',
        smallest: 14,
        natural: 600,
        minBox: 516,
        maxBox: 716,
      },
    ]);
  });
});

describe('drawnLabel', () => {
  const [diagram] = pageDiagrams(PAGE);
  it('fills the column within the box range, the label scaled by the drawing width', () => {
    // Wide column: drawn at its widest, 600 px of drawing for a 600 px viewBox.
    expect(drawnLabel(diagram!, { width: 900, padding: 16 })).toEqual({ px: 14, width: 616 });
    // Narrow column: never under its narrowest box, where the label is still readable.
    expect(drawnLabel(diagram!, { width: 300, padding: 16 })).toEqual({ px: 8.91, width: 398 });
    expect(drawnLabel(diagram!, { width: 516, padding: 16 })).toEqual({ px: 11.67, width: 516 });
  });
});
