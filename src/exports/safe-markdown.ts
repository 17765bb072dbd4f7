/**
 * Markdown from data files (timeline bodies, imported status updates, PR titles) rendered to
 * HTML that cannot run anything: raw HTML is dropped and rehype-sanitize keeps only safe
 * elements, attributes and URL schemes (no `javascript:`, no event handlers).
 */
import rehypeSanitize from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';

const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype)
  .use(rehypeSanitize)
  .use(rehypeStringify)
  .freeze();

// The same text is rendered for the page, each feed format and the exports; parsing is the cost.
const rendered = new Map<string, string>();

/**
 * One line of prose in which neither Markdown nor HTML gives any character a meaning: letters,
 * digits, spaces and `,.;:'?()%-`, starting with a letter, with no `www.` (which GFM links).
 * Most timeline bodies are such sentences, and for them the pipeline's whole work is `<p>…</p>`;
 * tests/unit/safe-markdown.test.ts holds this to the pipeline's output.
 */
const PLAIN_PROSE = /^\p{L}[\p{L}\p{N} ,.;:'?()%-]*$/u;
export function isPlainProse(text: string): boolean {
  return PLAIN_PROSE.test(text) && text === text.trimEnd() && !/www\./i.test(text);
}

export function renderSafeMarkdown(markdown: string): string {
  let html = rendered.get(markdown);
  if (html === undefined) {
    html = isPlainProse(markdown) ? `<p>${markdown}</p>` : renderThroughPipeline(markdown);
    rendered.set(markdown, html);
  }
  return html;
}

/** The whole pipeline, without the plain-prose shortcut. */
export function renderThroughPipeline(markdown: string): string {
  // Links in data point away from the site: open them without handing over this page.
  return String(processor.processSync(markdown)).replace(
    /<a href="(https?:[^"]*)"/g,
    '<a href="$1" rel="noopener noreferrer"',
  );
}
