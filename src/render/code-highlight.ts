/**
 * Highlighted code, cached on disk. Highlighting is done by Astro's own Shiki step (its
 * `rehypeShiki`, so the output is what Astro would write), but Shiki tokenizes every block once
 * per theme on every build, which made it one of the largest costs of a warm build. Here each
 * block is highlighted once and kept, keyed by its code, language, meta string and the options.
 *
 * The same cache serves the ```fences of MDX (./rehype-code.ts) and code that components show
 * (a repro's snippet): all code on the site is highlighted one way.
 */
import { createRequire } from 'node:module';
import { rehypeShiki, type ShikiConfig } from '@astrojs/markdown-remark';
import type { Element, ElementContent, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { noTokenizeTimeLimit } from './shiki.ts';
import { cacheKey, diskCache } from './disk-cache.ts';

const require = createRequire(import.meta.url);
const shikiVersion: string = require(
  require.resolve('shiki/package.json', { paths: [require.resolve('astro')] }),
).version;

/** Both themes as CSS variables; global.css picks one with light-dark(), so a theme switch needs no re-render. */
export const SHIKI_CONFIG = {
  themes: { light: 'github-light', dark: 'github-dark' },
  defaultColor: false,
  transformers: [noTokenizeTimeLimit],
} satisfies Partial<ShikiConfig>;

/** Bump when what is stored changes, so old entries miss. */
const HIGHLIGHT_VERSION = '1';
const OPTIONS_KEY = JSON.stringify({ ...SHIKI_CONFIG, transformers: SHIKI_CONFIG.transformers.map((t) => t.name) });

const cache = diskCache('code', 'json');

/** A highlighted block: the `<pre>` element's attributes and its inner HTML. */
export interface HighlightedBlock {
  properties: Element['properties'];
  html: string;
}

export interface CodeRequest {
  code: string;
  language: string;
  meta?: string;
}

interface CodeState {
  stats: { hits: number; misses: number };
  highlight?: (tree: Root) => Promise<void>;
}
// Shared by the Markdown pipeline's copy of this module and the pages' copy (see ./diagrams.ts).
const state: CodeState = ((globalThis as { __aftermathCode?: CodeState }).__aftermathCode ??= {
  stats: { hits: 0, misses: 0 },
});
export const codeStats = state.stats;

const keyOf = ({ code, language, meta }: CodeRequest) =>
  cacheKey(HIGHLIGHT_VERSION, shikiVersion, OPTIONS_KEY, language, meta ?? '', code);

function codeElement({ code, language, meta }: CodeRequest): Element {
  return {
    type: 'element',
    tagName: 'pre',
    properties: {},
    children: [
      {
        type: 'element',
        tagName: 'code',
        properties: { className: [`language-${language}`] },
        data: meta ? { meta } : undefined,
        children: [{ type: 'text', value: code }],
      } as Element,
    ],
  };
}

/** Highlights blocks, from the cache where it can; one result per request, in order. */
export async function highlightBlocks(requests: readonly CodeRequest[]): Promise<HighlightedBlock[]> {
  const results: (HighlightedBlock | undefined)[] = requests.map((request) => {
    const text = cache.read(keyOf(request));
    return text === undefined ? undefined : (JSON.parse(text) as HighlightedBlock);
  });
  const misses = requests.flatMap((_, i) => (results[i] ? [] : [i]));
  state.stats.hits += requests.length - misses.length;
  state.stats.misses += misses.length;
  if (misses.length > 0) {
    // Astro's highlighter replaces each <pre> of a tree with its highlighted version.
    const tree: Root = { type: 'root', children: misses.map((i) => codeElement(requests[i]!)) };
    // rehypeShiki is a unified attacher; called on its own it returns the transformer.
    state.highlight ??= (rehypeShiki as unknown as (config: ShikiConfig) => (tree: Root) => Promise<void>)(
      SHIKI_CONFIG as ShikiConfig,
    );
    await state.highlight(tree);
    misses.forEach((i, n) => {
      const pre = tree.children[n] as Element;
      const block = { properties: pre.properties, html: toHtml(pre.children as ElementContent[]) };
      cache.write(keyOf(requests[i]!), JSON.stringify(block));
      results[i] = block;
    });
  }
  return results as HighlightedBlock[];
}

/** One block as a complete `<pre>` element, for components. */
export async function highlightCode(code: string, language: string): Promise<string> {
  const [block] = await highlightBlocks([{ code, language }]);
  return toHtml(
    {
      type: 'element',
      tagName: 'pre',
      properties: block!.properties,
      children: [{ type: 'raw', value: block!.html }] as unknown as ElementContent[],
    },
    { allowDangerousHtml: true },
  );
}
