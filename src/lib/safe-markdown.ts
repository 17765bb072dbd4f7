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

export function renderSafeMarkdown(markdown: string): string {
  const html = String(processor.processSync(markdown));
  // Links in data point away from the site: open them without handing over this page.
  return html.replace(/<a href="(https?:[^"]*)"/g, '<a href="$1" rel="noopener noreferrer"');
}
