/**
 * How wide a diagram may be drawn: never wider than its natural size (or the size that makes its
 * smallest label readable, if that is larger), and never narrower than the width at which its
 * smallest label is still MIN_LABEL_PX. Below that width the diagram's box scrolls instead of the
 * text shrinking. Works on the rendered SVG string, from the label size measured when Mermaid drew it.
 */
import { MIN_LABEL_PX } from './label-size.ts';

/** A little above the threshold, so rounding in the page never takes a label under it. */
const TARGET_PX = MIN_LABEL_PX + 0.25;
/** The padding global.css gives a diagram's SVG (0.5rem each side), outside its drawing. */
const PADDING = '1rem';

export interface DiagramSize {
  /** The SVG's natural width (its viewBox), in CSS px. */
  natural: number;
  /** The narrowest width that keeps every label readable. */
  min: number;
  /** The widest it is drawn. */
  max: number;
}

const rootTag = (svg: string) => /^<svg\b[^>]*>/.exec(svg)?.[0];

/** The sizes for an SVG carrying `data-smallest-label`; undefined for one without it or a viewBox. */
export function diagramSize(svg: string): DiagramSize | undefined {
  const tag = rootTag(svg);
  const viewBox = tag && /\sviewBox="[-\d.e]+\s+[-\d.e]+\s+([\d.e]+)\s+[\d.e]+"/.exec(tag);
  const smallest = tag && /\sdata-smallest-label="([\d.]+)"/.exec(tag);
  if (!viewBox || !smallest) return undefined;
  const natural = Number(viewBox[1]);
  const label = Number(smallest[1]);
  if (!(natural > 0) || !(label > 0)) return undefined;
  const min = Math.ceil((natural * TARGET_PX) / label);
  return { natural: Math.round(natural), min, max: Math.max(Math.round(natural), min) };
}

/** The SVG with its sizing written in its root's style (replacing Mermaid's max-width). */
export function sizeDiagram(svg: string): string {
  const size = diagramSize(svg);
  const tag = rootTag(svg);
  if (!size || !tag) return svg;
  const sizing = `max-width: calc(${size.max}px + ${PADDING}); min-width: calc(${size.min}px + ${PADDING});`;
  const style = /\sstyle="([^"]*)"/.exec(tag);
  const rest = style ? style[1]!.replace(/max-width:\s*[^;]+;?/g, '').trim() : '';
  const styled = style
    ? tag.replace(style[0], ` style="${sizing}${rest ? ` ${rest}` : ''}"`)
    : tag.replace(/^<svg\b/, `<svg style="${sizing}"`);
  return styled + svg.slice(tag.length);
}

/**
 * The SVG as a file of its own, to open at full size: its readable width and height set, on a
 * light panel (Mermaid's default theme is drawn for one).
 */
export function standaloneSvg(svg: string): string {
  const size = diagramSize(svg);
  const tag = rootTag(svg);
  if (!tag) return svg;
  const viewBox = /\sviewBox="[-\d.e]+\s+[-\d.e]+\s+([\d.e]+)\s+([\d.e]+)"/.exec(tag);
  let root = tag.replace(/\s(width|height|style)="[^"]*"/g, '');
  if (viewBox && size) {
    const scale = size.max / Number(viewBox[1]);
    root = root.replace(/^<svg\b/, `<svg width="${size.max}" height="${Math.ceil(Number(viewBox[2]) * scale)}"`);
  }
  root = root.replace(/^<svg\b/, '<svg style="background-color: #ffffff"');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}${svg.slice(tag.length)}`;
}
