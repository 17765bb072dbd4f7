/**
 * Every diagram can be opened on its own at full size: its SVG is also published as a file,
 * `/diagrams/<name>.svg` (src/pages/diagrams/[name].svg.ts), and a plain link under the drawn
 * diagram points there, so it works without JavaScript.
 */
import { cacheKey } from '../render/disk-cache.ts';
import type { DiagramRequest } from '../render/diagrams.ts';

/** The file a diagram is published as, named by what it draws. */
export function diagramFileName(diagram: DiagramRequest): string {
  return `${cacheKey('diagram-file', diagram.prefix, diagram.source).slice(0, 20)}.svg`;
}

/**
 * The link under a drawn diagram. Incident pages live at `<base>incidents/<slug>/`, so a link
 * relative to them reaches `<base>diagrams/` whatever the base path is.
 */
export function openDiagramLink(diagram: DiagramRequest): string {
  return `<a class="diagram-open" href="../../diagrams/${diagramFileName(diagram)}">Open the diagram at full size</a>`;
}
