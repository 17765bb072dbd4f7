/**
 * Shrinks Mermaid's SVG without changing what it draws: coordinates are written with up to
 * fifteen decimals (and some shapes are drawn as hundreds of tiny curves), so rounding them to a
 * tenth of a pixel removes most of the bytes; `data-points`, `data-et`, `data-id` and `data-type`
 * only serve Mermaid's own tooling (no rule of its stylesheet reads them);
 * and each SVG carries the stylesheet of every diagram type (flowchart, sequence, gantt, …),
 * of which a diagram uses a small part: a rule that names a class, id or element the SVG does
 * not have can match nothing in it, and is left out.
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
  return pruneStyle(svg)
    .replace(
      /\s(d|points|transform|viewBox|x|y|x1|y1|x2|y2|cx|cy|r|rx|ry|width|height)="([^"]*)"/g,
      (_m, name: string, value: string) => ` ${name}="${round(value)}"`,
    )
    .replace(/\sdata-(?:points|et|id|type)="[^"]*"/g, '');
}

/** The SVG with the rules of its <style> that can match nothing in it left out. */
export function pruneStyle(svg: string): string {
  const style = /<style>([\s\S]*?)<\/style>/.exec(svg);
  if (!style) return svg;
  const body = svg.slice(0, style.index) + svg.slice(style.index + style[0].length);
  const own = /^<svg\b[^>]*\sid="([^"]+)"/.exec(svg)?.[1];
  const present = new Set<string>();
  for (const m of body.matchAll(/\sclass="([^"]*)"/g)) for (const c of m[1]!.split(/\s+/)) if (c) present.add(`.${c}`);
  for (const m of body.matchAll(/\sid="([^"]*)"/g)) present.add(`#${m[1]}`);
  for (const m of body.matchAll(/<([a-zA-Z][\w-]*)/g)) present.add(m[1]!.toLowerCase());
  if (own) present.add(`#${own}`);
  const kept: string[] = [];
  const animations = new Set<string>();
  const keyframes: { name: string; text: string }[] = [];
  for (const rule of cssRules(style[1]!)) {
    const keyframe = /^@keyframes\s+([\w-]+)/.exec(rule);
    if (keyframe) keyframes.push({ name: keyframe[1]!, text: rule });
    else if (rule.startsWith('@'))
      kept.push(rule); // @media and the like: kept whole
    else {
      const brace = rule.indexOf('{');
      const selectors = rule
        .slice(0, brace)
        .split(',')
        .filter((s) => canMatch(s, present, body));
      if (selectors.length === 0) continue;
      const declarations = rule.slice(brace);
      for (const m of declarations.matchAll(/animation(?:-name)?:\s*([\w-]+)/g)) animations.add(m[1]!);
      kept.push(selectors.join(',') + declarations);
    }
  }
  for (const k of keyframes) if (animations.has(k.name)) kept.push(k.text);
  return `${svg.slice(0, style.index)}<style>${kept.join('')}</style>${svg.slice(style.index + style[0].length)}`;
}

/** Top-level rules of a stylesheet, each with its braces (nested blocks kept inside their rule). */
function cssRules(css: string): string[] {
  const rules: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < css.length; i++) {
    if (css[i] === '{') depth++;
    else if (css[i] === '}' && --depth === 0) {
      rules.push(css.slice(start, i + 1).trim());
      start = i + 1;
    }
  }
  return rules.filter(Boolean);
}

/**
 * Whether every class, id, element and attribute a selector requires is in the SVG (`:not(…)`
 * requires nothing). `body` is the SVG without its stylesheet, for attribute selectors.
 */
function canMatch(selector: string, present: ReadonlySet<string>, body: string): boolean {
  // The stylesheet is XML text: `text.actor&gt;tspan` is `text.actor>tspan`.
  const decoded = selector.replace(
    /&(gt|lt|quot|amp);/g,
    (_m, e: string) => ({ gt: '>', lt: '<', quot: '"', amp: '&' })[e]!,
  );
  const positive = decoded.replace(/:not\([^)]*\)/g, '');
  for (const [, name, operator, value] of positive.matchAll(/\[([\w-]+)(?:([~|^$*]?=)"?([^"\]]*)"?)?\]/g)) {
    const written = operator === '=' ? ` ${name}="${value}"` : ` ${name}=`;
    if (!body.includes(written)) return false;
  }
  const required = positive.replace(/\[[^\]]*\]/g, '').replace(/::?[\w-]+(\([^)]*\))?/g, '');
  for (const token of required.match(/[.#]?[\w-]+/g) ?? []) {
    if (/^\d/.test(token) || token === '*') continue;
    if (!present.has(token.startsWith('.') || token.startsWith('#') ? token : token.toLowerCase())) return false;
  }
  return true;
}
