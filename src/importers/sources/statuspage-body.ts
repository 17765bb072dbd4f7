/**
 * A Statuspage update body (plain text with line breaks, sometimes with HTML such as `<a>`,
 * `<strong>`, `<br>`, `<ul><li>`) as plain Markdown, through the unified stack: the body is
 * parsed as HTML (hast-util-from-html), cut down to the elements whose meaning Markdown keeps,
 * turned into mdast (hast-util-to-mdast) and written out (mdast-util-to-markdown).
 */
import type { Element, ElementContent, Root, RootContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toMdast } from 'hast-util-to-mdast';
import type { Emphasis, Strong } from 'mdast';
import { toMarkdown, type Handle, type Handlers } from 'mdast-util-to-markdown';

/** Elements whose content is never text for a reader (and must never survive as markup). */
const DROPPED_WITH_CONTENT = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'template',
  'noscript',
  'textarea',
  'select',
  'svg',
  'math',
  'head',
  'title',
  'noembed',
  'noframes',
  'frameset',
  // It would resolve relative links against an address the body chose.
  'base',
]);
/** Elements kept as they are: their meaning has a Markdown form. */
const KEPT = new Set(['p', 'a', 'strong', 'b', 'em', 'i', 'code', 'br', 'ul', 'ol', 'li']);
/** Elements that become a paragraph of their own (a `div`); every other element is only its text. */
const BLOCK_ELEMENTS = new Set([
  'div',
  'section',
  'article',
  'header',
  'footer',
  'aside',
  'main',
  'nav',
  'blockquote',
  'pre',
  'table',
  'thead',
  'tbody',
  'tr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'dl',
  'dd',
  'dt',
  'figure',
  'figcaption',
  'address',
  'details',
  'summary',
]);
/** Elements that become Markdown markup around text. */
const INLINE_MARKUP = new Set(['strong', 'b', 'em', 'i', 'code']);
/** The blocks left after `clean`: whitespace next to them is not text. */
const CLEAN_BLOCKS = new Set(['p', 'div', 'ul', 'ol', 'li']);

/**
 * Converts a Statuspage update body to plain Markdown. Tags are removed and their meaning kept
 * where Markdown has it (links, emphasis, code, lists, paragraphs, line breaks); `<script>`,
 * `<style>` and similar elements are removed with their content; attributes (`onerror=` and the
 * like) never survive; entities are decoded, and text that would read as markup is escaped.
 * Line breaks in the text are kept as they are.
 */
export function statuspageBodyToMarkdown(html: string): string {
  const source = html.replace(/\r\n?/g, '\n');
  let unclosedTag = false;
  const tree = fromHtml(source, {
    fragment: true,
    onerror: (message) => {
      if (message.ruleId === 'eof-in-tag') unclosedTag = true;
    },
  });
  if (unclosedTag) keepUnclosedTag(tree, source);
  clean(tree);
  const markdown = toMarkdown(toMdast(tree), { bullet: '-', handlers: HANDLERS });
  return markdown
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The HTML parser drops a tag still open at the end of the input (`x<y then z`, `<img src=x
 * onerror=…`); in a body that is mostly plain text that is text the author wrote, so it comes
 * back as text (escaped when written) where the parser stopped: inside the elements still open.
 */
function keepUnclosedTag(tree: Root, source: string): void {
  const parent = innermostOpen(tree);
  const end = parent.children.at(-1)?.position?.end.offset ?? parent.position?.end.offset ?? 0;
  if (end < source.length) parent.children.push({ type: 'text', value: source.slice(end) });
}

/** An element closed by an end tag ends after it; one still open ends where its last child does. */
function innermostOpen(parent: Root | Element): Root | Element {
  const last = parent.children.at(-1);
  if (last?.type !== 'element' || last.children.length === 0) return parent;
  return last.position?.end.offset === last.children.at(-1)!.position?.end.offset ? innermostOpen(last) : parent;
}

/** Cuts the tree down to the elements Markdown can say, without attributes (but a link's address). */
function clean(parent: Root | Element): void {
  const children = parent.children.flatMap(cleanNode);
  parent.children = children.flatMap((child, i) =>
    child.type === 'text' ? lineBreaks(child.value, children[i - 1], children[i + 1]) : [child],
  );
}

function cleanNode(node: RootContent): ElementContent[] {
  if (node.type === 'text') return [node];
  if (node.type !== 'element' || DROPPED_WITH_CONTENT.has(node.tagName)) return []; // comments, doctypes
  clean(node);
  if (node.tagName === 'a') return link(node);
  node.tagName = KEPT.has(node.tagName) ? node.tagName : BLOCK_ELEMENTS.has(node.tagName) ? 'div' : 'span';
  node.properties = {};
  // Empty emphasis or code would write nothing between the texts around it, which must then be
  // escaped as one (`<<b></b>script>`); without it hast-util-to-mdast joins them.
  if (INLINE_MARKUP.has(node.tagName) && !textOf(node)) return [];
  return [node];
}

/** Only addresses a reader can follow safely become links; `javascript:` and the like stay text. */
function link(a: Element): ElementContent[] {
  const href = safeHref(a.properties.href);
  const label = textOf(a).trim();
  if (!href || label === href) return a.children; // a bare address is linked by the renderer anyway
  if (!label) return [{ type: 'text', value: href }];
  a.properties = { href };
  return [a];
}

function safeHref(value: unknown): string | undefined {
  const href = typeof value === 'string' ? value.trim() : '';
  if (!/^(?:https?:\/\/|mailto:)/i.test(href)) return undefined;
  return href.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The text a reader sees in a cleaned node, a `<br>` as a newline. */
function textOf(node: ElementContent): string {
  if (node.type === 'text') return node.value;
  if (node.type !== 'element') return '';
  return node.tagName === 'br' ? '\n' : node.children.map(textOf).join('');
}

/**
 * A text node with its newlines made `<br>`s. Most bodies are plain text in which a newline is a
 * line break, but HTML (and so hast-util-to-mdast) reads a newline as a space. Whitespace between
 * blocks (`</p>\n<p>`, `<ul>\n  <li>`) is left as it is, since HTML ignores it and a break there
 * would add an empty paragraph or list item; whitespace after a `<br>` is dropped. Control
 * characters (but tab and newline) carry nothing a reader can see, and a non-breaking space
 * becomes a plain one, trimmed and collapsed like any other (as `&nbsp;` always was here).
 */
function lineBreaks(value: string, before?: ElementContent, after?: ElementContent): ElementContent[] {
  const isBlock = (node?: ElementContent) => node?.type === 'element' && CLEAN_BLOCKS.has(node.tagName);
  // eslint-disable-next-line no-control-regex
  let text = value.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').replace(/\u00a0/g, ' ');
  // `<br>` and the newline after it, as HTML is often written, are one line break.
  if (before?.type === 'element' && before.tagName === 'br') text = text.replace(/^\s+/, '');
  if (!/\S/.test(text) && (isBlock(before) || isBlock(after))) return [{ type: 'text', value: text }];
  return text
    .split('\n')
    .flatMap((line, i): ElementContent[] => [
      ...(i > 0 ? [{ type: 'element' as const, tagName: 'br', properties: {}, children: [] }] : []),
      ...(line ? [{ type: 'text' as const, value: line }] : []),
    ]);
}

/**
 * Escapes text so Markdown shows it as written and can never turn it into markup: a `<` that
 * could open a tag becomes `&lt;`, text that looks like an entity keeps its `&`, `](`, `][` and
 * `]:` cannot form a link (whose address could be `javascript:`), nor `![` an image; in a link's
 * label every bracket is escaped. `after` is the character written next, which a `<`, `]` or `!`
 * at the end could join. Everything else (`- item`, `*`, `_`, `#`) stays as the author typed it.
 */
function escapeText(value: string, after: string, inLabel: boolean): string {
  let text = value.replace(/\\/g, '\\\\');
  if (inLabel) text = text.replace(/[[\]]/g, '\\$&');
  text = (text + after)
    .replace(/&(?=#?[a-z\d]+;)/gi, '&amp;')
    .replace(/<(?=[a-z/!?])/gi, '&lt;')
    .replace(/!(?=\[)/g, '\\!');
  if (!inLabel) text = text.replace(/\](?=[([:])/g, '\\]');
  return text.slice(0, text.length - after.length);
}

/** `**bold**` and `*soft*`; "** bold **" is not emphasis in Markdown, so the spaces go outside the markers. */
function attention(marker: string): Handle {
  return (node: Emphasis | Strong, _, state, info) => {
    const inner = state.containerPhrasing(node, { ...info, before: marker, after: marker });
    const trimmed = inner.trim();
    if (!trimmed) return inner;
    const lead = inner.slice(0, inner.length - inner.trimStart().length);
    const trail = inner.slice(inner.trimEnd().length);
    return `${lead}${marker}${trimmed}${marker}${trail}`;
  };
}

/**
 * Writers for the nodes whose default form is not wanted here. The default text writer escapes
 * every character Markdown could give a meaning (`\-`, `\*`, `AT\&T`); here only what could
 * become markup (tags, links, images) is. A break is a newline, as in the body. A link is always
 * `[label](address)`, never `<address>`, which reads as a tag. Code is escaped like text: a
 * backtick typed next to it can move where the code span ends, and its content must not then
 * become a tag.
 */
const HANDLERS: Partial<Handlers> = {
  text: (node, _, state, info) => escapeText(node.value, info.after, state.stack.includes('label')),
  break: () => '\n',
  inlineCode(node, _, state, info) {
    const code = escapeText(node.value, info.after, state.stack.includes('label'));
    return code.trim() && !code.includes('`') ? `\`${code}\`` : code;
  },
  strong: attention('**'),
  emphasis: attention('*'),
  link(node, _, state, info) {
    const exit = state.enter('label');
    const label = state.containerPhrasing(node, { ...info, before: '[', after: ']' }).trim();
    exit();
    return `[${label}](${node.url})`;
  },
};
