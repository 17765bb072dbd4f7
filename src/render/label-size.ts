/**
 * How small a diagram's text is where it is drawn: the smallest label of an SVG in CSS pixels, its
 * font size times the scale the SVG is drawn at. One function, run in Chromium (handed to
 * `page.evaluate`, so it must stay self-contained), used when a diagram is rendered, by the
 * build's readability check and by the tests.
 */

/** The smallest font a diagram label may be drawn at, in CSS px, at any page width. */
export const MIN_LABEL_PX = 11;

/**
 * The smallest rendered label of each SVG that `selector` finds, by the SVG's id, measured in the
 * page it runs in. Runs in the browser: `page.evaluate(smallestLabels, selector)`.
 */
export function smallestLabels(selector: string): { id: string; px: number; width: number }[] {
  const measure = (svg: SVGSVGElement): number => {
    let smallest = Infinity;
    for (const element of svg.querySelectorAll<Element>('text, tspan, foreignObject *')) {
      const hasText = [...element.childNodes].some(
        (n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '',
      );
      if (!hasText) continue;
      const style = getComputedStyle(element);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const graphic = (element.closest('foreignObject') ?? element) as SVGGraphicsElement;
      const matrix = graphic.getScreenCTM?.();
      if (!matrix) continue;
      smallest = Math.min(smallest, parseFloat(style.fontSize) * Math.hypot(matrix.a, matrix.b));
    }
    return smallest;
  };
  return [...document.querySelectorAll<SVGSVGElement>(selector)].map((svg) => ({
    id: svg.id,
    px: Math.round(measure(svg) * 100) / 100,
    width: Math.round(svg.getBoundingClientRect().width),
  }));
}
