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

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkRehype).use(rehypeSanitize).use(rehypeStringify).freeze();

// The same text is rendered for the page, each feed format and the exports; parsing is the cost.
const rendered = new Map<string, string>();

export function renderSafeMarkdown(markdown: string): string {
  let html = rendered.get(markdown);
  if (html === undefined) {
    // Links in data point away from the site: open them without handing over this page.
    html = String(processor.processSync(markdown)).replace(/<a href="(https?:[^"]*)"/g, '<a href="$1" rel="noopener noreferrer"');
    rendered.set(markdown, html);
  }
  return html;
}
