/**
 * Shrinks Mermaid's SVG without changing what it draws: coordinates are written with up to
 * fifteen decimals (and some shapes are drawn as hundreds of tiny curves), so rounding them to a
 * tenth of a pixel removes most of the bytes; `data-points` only serves Mermaid's own tooling.
 */
const NUMBER = /-?\d+\.\d{2,}/g;

function round(text: string): string {
  return text.replace(NUMBER, (n) => {
    const r = Math.round(Number(n) * 10) / 10;
    return Object.is(r, -0) ? '0' : String(r);
  });
}

export function compactSvg(svg: string): string {
  return svg
    .replace(/\s(d|points|transform|viewBox|x|y|x1|y1|x2|y2|cx|cy|r|rx|ry|width|height)="([^"]*)"/g, (_m, name: string, value: string) => ` ${name}="${round(value)}"`)
    .replace(/\sdata-points="[^"]*"/g, '');
}
