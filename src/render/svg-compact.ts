/**
 * Shrinks Mermaid's SVG without changing what it draws: coordinates are written with up to
 * fifteen decimals (and some shapes are drawn as hundreds of tiny curves), so rounding them to a
 * tenth of a pixel removes most of the bytes; `data-points` only serves Mermaid's own tooling.
 */
/**
 * A number as SVG path data writes it. Path data may run numbers together (`1.5.25` is 1.5 and
 * 0.25), so tokens are read whole, never by a looser pattern that would swallow the next one.
 */
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi;

function round(text: string): string {
  return text.replace(NUMBER, (token, offset: number) => {
    const decimals = /\.(\d*)/.exec(token)?.[1]?.length ?? 0;
    if (decimals < 2 || /e/i.test(token)) return token;
    const r = Math.round(Number(token) * 10) / 10;
    const out = Object.is(r, -0) ? '0' : String(r);
    // `1.5.25` → `1.5 0.3`: a rounded number must not run into the one before it.
    const before = text[offset - 1] ?? '';
    return /[\d.]/.test(before) && !out.startsWith('-') ? ` ${out}` : out;
  });
}

export function compactSvg(svg: string): string {
  return svg
    .replace(
      /\s(d|points|transform|viewBox|x|y|x1|y1|x2|y2|cx|cy|r|rx|ry|width|height)="([^"]*)"/g,
      (_m, name: string, value: string) => ` ${name}="${round(value)}"`,
    )
    .replace(/\sdata-points="[^"]*"/g, '');
}
