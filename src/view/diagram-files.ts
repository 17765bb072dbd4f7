/**
 * Every diagram can be opened on its own at full size: its SVG is also published as a file,
 * `/diagrams/<name>.svg` (src/pages/diagrams/[name].svg.ts), and a plain link under the drawn
 * diagram points there, so it works without JavaScript.
 */
import { cacheKey } from '../render/disk-cache.ts';
import type { DiagramRequest } from '../render/diagrams.ts';
import { escapeHtml } from '../domain/text.ts';
import { english, type Translator } from '../i18n/catalogue.ts';

/** The file a diagram is published as, named by what it draws. */
export function diagramFileName(diagram: DiagramRequest): string {
  return `${cacheKey('diagram-file', diagram.prefix, diagram.source).slice(0, 20)}.svg`;
}

/**
 * The link under a drawn diagram, to `<base>diagrams/`: `base` is the site's path to Aftermath's
 * pages (one story is shown on every locale's page, at different depths, so the link is not relative).
 */
export function openDiagramLink(diagram: DiagramRequest, base: string, t: Translator = english): string {
  return `<a class="diagram-open" href="${base}diagrams/${diagramFileName(diagram)}">${escapeHtml(t('diagram.open'))}</a>`;
}
