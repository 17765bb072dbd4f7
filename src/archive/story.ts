/**
 * An incident's story (the MDX below the frontmatter) parsed once, the way MDX itself parses
 * it, into what the archive checks: the components used with their literal attributes, the
 * code MDX would run on the build machine (ESM, `{…}` expressions, attributes written as
 * expressions), raw elements, and the links and images. Reading the syntax tree instead of
 * the text means a tag that spans lines, an entity-encoded `javascript:` or a component
 * inside a table is seen exactly as the compiler will see it.
 */
import type { Node, Parent } from 'unist';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

/** A JavaScript expression MDX parsed, reduced to what this module reads of it. */
interface Estree {
  type: string;
  [key: string]: unknown;
}

/** A value written as a literal: text, a number, true/false/null, or lists and mappings of them. */
export type Literal = string | number | boolean | null | Literal[] | { [key: string]: Literal };

export interface ComponentUse {
  /** `Fact`, `details`, `Foo.Bar`; undefined for a fragment (`<>…</>`). */
  name: string | undefined;
  line: number;
  /** The tag as written, on one line, for messages. */
  tag: string;
  /** Attributes given as literals (`k="x"`, `level={4}`); a bare attribute is `true`. */
  attributes: Record<string, Literal>;
  /** Attributes written as expressions that are not literals (`k={key}`), and spreads (`{...x}`). */
  dynamic: string[];
}

export interface CodeUse {
  kind: 'esm' | 'expression';
  line: number;
  /** The code as written, shortened, for messages. */
  text: string;
  /** The code as written. */
  value: string;
}

export interface LinkUse {
  url: string;
  line: number;
  /** `link`, `image`, or the attribute of an element (`<a href>`). */
  via: 'link' | 'image' | string;
}

export interface Story {
  components: ComponentUse[];
  code: CodeUse[];
  links: LinkUse[];
}

export interface StoryParseError {
  line: number;
  message: string;
}

// GFM is left out: it adds nothing these checks read (a bare URL it would link is a web
// address already, and components in a table are JSX either way), and it costs a third of the time.
const parser = unified().use(remarkParse).use(remarkMdx);

/** Attributes of an element that hold an address the browser follows. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'poster', 'xlink:href', 'srcset']);

/** Parses `body`, whose first line is line `bodyLine` of the file. */
export function parseStory(body: string, bodyLine = 1): Story | StoryParseError {
  let tree: Node;
  try {
    tree = parser.parse(body);
  } catch (error) {
    const { line = 1, reason = String(error) } = error as { line?: number; reason?: string };
    return { line: bodyLine + line - 1, message: reason };
  }
  const story: Story = { components: [], code: [], links: [] };
  const lineOf = (node: Node) => bodyLine + (node.position?.start.line ?? 1) - 1;
  const sourceOf = (node: Node) =>
    body.slice(node.position?.start.offset ?? 0, node.position?.end.offset ?? 0).replace(/\s+/g, ' ');
  const visit = (node: Node) => {
    const n = node as Node & Record<string, unknown>;
    switch (node.type) {
      case 'mdxjsEsm':
        story.code.push({ kind: 'esm', line: lineOf(node), text: shorten(String(n.value)), value: String(n.value) });
        break;
      case 'mdxFlowExpression':
      case 'mdxTextExpression':
        if (expressionRunsCode(n))
          story.code.push({
            kind: 'expression',
            line: lineOf(node),
            text: shorten(`{${String(n.value)}}`),
            value: String(n.value),
          });
        break;
      case 'mdxJsxFlowElement':
      case 'mdxJsxTextElement': {
        const use = componentUse(n, lineOf(node), sourceOf(node));
        story.components.push(use);
        for (const [name, value] of Object.entries(use.attributes))
          if (URL_ATTRIBUTES.has(name.toLowerCase()) && typeof value === 'string')
            story.links.push({ url: value, line: use.line, via: `<${use.name} ${name}>` });
        break;
      }
      case 'link':
      case 'image':
      case 'definition':
        story.links.push({ url: String(n.url), line: lineOf(node), via: node.type === 'image' ? 'image' : 'link' });
        break;
    }
    for (const child of (node as Parent).children ?? []) visit(child);
  };
  visit(tree);
  return story;
}

function componentUse(node: Record<string, unknown>, line: number, source: string): ComponentUse {
  const use: ComponentUse = {
    name: (node.name as string | null) ?? undefined,
    line,
    // The opening tag only: its children are read on their own.
    tag: shorten(/^<(?:[^>"'{]|"[^"]*"|'[^']*'|\{[^}]*\})*>/.exec(source)?.[0] ?? source, 120),
    attributes: {},
    dynamic: [],
  };
  for (const attribute of node.attributes as Record<string, unknown>[]) {
    if (attribute.type === 'mdxJsxExpressionAttribute') {
      use.dynamic.push(`{${String(attribute.value)}}`);
      continue;
    }
    const name = String(attribute.name);
    const value = attribute.value as string | null | { value: string; data?: { estree?: Estree } };
    if (value === null || value === undefined) use.attributes[name] = true;
    else if (typeof value === 'string') use.attributes[name] = value;
    else {
      const literal = literalOf(value.data?.estree);
      if (literal === NOT_LITERAL) use.dynamic.push(name);
      else use.attributes[name] = literal;
    }
  }
  return use;
}

const NOT_LITERAL = Symbol('not a literal');

/** The value of an expression that is a literal (`4`, `"x"`, `{ a: [1, 2] }`), or NOT_LITERAL. */
function literalOf(program: Estree | undefined): Literal | typeof NOT_LITERAL {
  const body = program?.body as Estree[] | undefined;
  if (body?.length !== 1 || body[0]!.type !== 'ExpressionStatement') return NOT_LITERAL;
  return literal(body[0]!.expression as Estree);
}

function literal(node: Estree): Literal | typeof NOT_LITERAL {
  switch (node.type) {
    case 'Literal':
      return 'regex' in node || 'bigint' in node ? NOT_LITERAL : (node.value as Literal);
    case 'TemplateLiteral': {
      const quasis = node.quasis as { value: { cooked: string } }[];
      return (node.expressions as unknown[]).length === 0 ? quasis.map((q) => q.value.cooked).join('') : NOT_LITERAL;
    }
    case 'UnaryExpression': {
      const argument = node.argument as Estree;
      if (node.operator !== '-' || argument.type !== 'Literal' || typeof argument.value !== 'number')
        return NOT_LITERAL;
      return -argument.value;
    }
    case 'ArrayExpression': {
      const items: Literal[] = [];
      for (const element of node.elements as (Estree | null)[]) {
        const value = element ? literal(element) : NOT_LITERAL;
        if (value === NOT_LITERAL) return NOT_LITERAL;
        items.push(value);
      }
      return items;
    }
    case 'ObjectExpression': {
      const out: Record<string, Literal> = {};
      for (const property of node.properties as Estree[]) {
        const key = property.key as Estree;
        if (property.type !== 'Property' || property.computed || property.kind !== 'init' || property.method)
          return NOT_LITERAL;
        const name =
          key.type === 'Identifier' ? String(key.name) : key.type === 'Literal' ? String(key.value) : undefined;
        const value = literal(property.value as Estree);
        if (name === undefined || value === NOT_LITERAL) return NOT_LITERAL;
        out[name] = value;
      }
      return out;
    }
    default:
      return NOT_LITERAL;
  }
}

/** An `{…}` of MDX runs code unless it holds only comments, which is how MDX writes a comment. */
export function expressionRunsCode(node: { data?: unknown }): boolean {
  const body = (node.data as { estree?: Estree } | undefined)?.estree?.body as unknown[] | undefined;
  return body === undefined || body.length > 0;
}

/** An attribute of a JSX element runs code: a spread, or a value written as a non-literal expression. */
export function attributeRunsCode(attribute: { type: string; value?: unknown }): boolean {
  if (attribute.type === 'mdxJsxExpressionAttribute') return true;
  const value = attribute.value as { data?: { estree?: Estree } } | string | null | undefined;
  return typeof value === 'object' && value !== null && literalOf(value.data?.estree) === NOT_LITERAL;
}

function shorten(text: string, max = 60): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 3)}…` : line;
}
