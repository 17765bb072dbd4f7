/**
 * Content problems: what went wrong, where, and what to do. Every validation path in
 * Aftermath reports through {@link ContentProblem} so the build, `npx aftermath check` and the dev
 * server all print the same friendly, path-prefixed messages (never a bare stack trace).
 */
import type { z } from 'astro/zod';
import { isMap, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { formatChangeFor, formatChangeMessage, type FormatChange } from './format-changes.ts';

export interface ContentProblem {
  /** Path relative to the project root, e.g. `content/incidents/x/timeline.yaml`. */
  file: string;
  line?: number;
  /** Where in the document, e.g. `[3].at` or `sources[0].url`. */
  field?: string;
  message: string;
}

export class ContentError extends Error {
  readonly problems: ContentProblem[];
  constructor(problems: ContentProblem[]) {
    super(formatProblems(problems));
    this.name = 'ContentError';
    this.problems = problems;
    // The message says everything; a stack would only bury it.
    this.stack = `${this.name}: ${this.message}`;
  }
}

export function formatProblem(p: ContentProblem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  return `${where}${p.field ? `  ${p.field}` : ''}\n    ${p.message}`;
}

export function formatProblems(problems: ContentProblem[]): string {
  const count = problems.length === 1 ? '1 content problem' : `${problems.length} content problems`;
  return `${count}:\n\n${problems.map(formatProblem).join('\n\n')}\n`;
}

/** `['sources', 0, 'url']` → `sources[0].url`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** A parsed YAML document that can tell the line of any path in it. */
export interface LocatedYaml {
  data: unknown;
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/**
 * Parses YAML with the 1.2 core schema, so timestamps stay the strings the author wrote
 * (YAML 1.1 loaders turn them into Dates and silently drop a missing offset).
 * `lineOffset` is added to every line (for frontmatter that starts below line 1).
 */
export function parseYaml(text: string, file: string, lineOffset = 0): LocatedYaml | ContentProblem[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // One slip (a mis-indented line) makes the parser report several errors on the lines
    // after it; the first is the one to fix, the rest usually disappear with it.
    return doc.errors.slice(0, 1).map((error) => {
      // Without prettyErrors the parser sets no linePos; the offset in the text is always there.
      const line = lineCounter.linePos(error.pos[0]).line;
      const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      return {
        file,
        line: line + lineOffset,
        message: /call stack/i.test(reason)
          ? TOO_DEEP
          : `this is not valid YAML: ${reason}. Check indentation, the colon after each key, and quotes around values that contain ": " or "#"`,
      };
    });
  }
  const cut = cutValues(doc, lineCounter, file, lineOffset);
  if (cut.length) return cut;
  const lineOf = (path: readonly PropertyKey[]) => lineOfPath(doc, lineCounter, path, lineOffset);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    // The yaml library stops an alias that expands without bound ("billion laughs"), and a
    // structure nested deeper than the stack.
    const message = (error as Error).message;
    return [{ file, line: lineOf([]), message: /alias/i.test(message) ? TOO_MANY_ALIASES : TOO_DEEP }];
  }
  const deep = deepestPath(data, MAX_DEPTH);
  if (deep) return [{ file, line: lineOf(deep), message: TOO_DEEP }];
  return { data, lineOf };
}

/**
 * Values YAML cut short: in `label: issue #2624 opened` a space and `#` start a comment, so the
 * label is "issue". A comment written right after a value that begins without a space (`#2624`)
 * is almost always the rest of the value; one that begins with a space (`# why`) is a comment.
 */
function cutValues(doc: Document, lineCounter: LineCounter, file: string, lineOffset: number): ContentProblem[] {
  const problems: ContentProblem[] = [];
  visit(doc, {
    Scalar(_, node) {
      // A value that is nothing but the comment (`- #2695`) is empty: the field's own check says what it expects.
      if (node.type !== 'PLAIN' || node.value === null || typeof node.comment !== 'string' || !/^\S/.test(node.comment))
        return;
      const whole = `${String(node.value)} #${node.comment}`;
      problems.push({
        file,
        line: lineCounter.linePos(node.range?.[0] ?? 0).line + lineOffset,
        message: `this value is cut short at " #${node.comment.split(/\s/)[0]}": YAML reads a space followed by # as the start of a comment, so the value is only "${String(node.value)}". Put the whole value in quotes: "${whole.replace(/"/g, '\\"')}"`,
      });
    },
  });
  return problems;
}

/** Content never needs more: a repro's fault list is about five levels deep. */
const MAX_DEPTH = 32;
const MAX_ALIASES = 100;
const TOO_DEEP = `this YAML is nested more than ${MAX_DEPTH} levels deep, which no content field needs. Check the indentation, and for a list of lists use "- item" lines`;
const TOO_MANY_ALIASES = `this YAML uses aliases (*name) that would expand to more data than any content needs (an "alias bomb"). Write the values out instead of repeating them through aliases`;

/** The path to the first value nested deeper than `max`, or undefined; iterative, so it cannot overflow. */
function deepestPath(data: unknown, max: number): PropertyKey[] | undefined {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= max) return path;
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    for (const [key, child] of entries) stack.push({ value: child, path: [...path, key] });
  }
  return undefined;
}

function lineOfPath(doc: Document, counter: LineCounter, path: readonly PropertyKey[], offset: number) {
  // Walk down as far as the path exists; a missing key is reported at its parent.
  let node: unknown = doc.contents;
  let best: number | undefined = rangeStart(node);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown })?.value === key);
      if (!pair) break;
      // The key's line, where the author reads the field's name: a block value (a list, a
      // nested mapping) starts a line below it.
      best = rangeStart(pair.key) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      best = rangeStart(node) ?? best;
    } else break;
  }
  // An empty document has no nodes; its problem belongs on its first line.
  return best === undefined ? 1 + offset : counter.linePos(best).line + offset;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

function describeFound(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (typeof input === 'string') {
    // Line breaks shown as \n keep the problem on one line of the report.
    const text = input.replace(/\r?\n/g, '\\n');
    return `"${text.length > 80 ? `${text.slice(0, 77)}…` : text}"`;
  }
  if (Array.isArray(input)) return input.length === 0 ? 'an empty list' : 'a list';
  if (typeof input === 'object') return 'a mapping';
  return String(input);
}

/** What the author wrote where a Zod issue points, in words. */
function describeInput(issue: z.ZodError['issues'][number], path: readonly PropertyKey[]): string {
  let input = (issue as { input?: unknown }).input;
  // A discriminated union reports at `type` but carries the whole item as its input.
  const discriminator = (issue as { discriminator?: string }).discriminator;
  if (discriminator !== undefined && input !== null && typeof input === 'object') {
    input = (input as Record<string, unknown>)[discriminator];
  }
  if (input !== undefined) return `found ${describeFound(input)}`;
  return path.length === 0 ? 'found nothing (the document is empty)' : 'the field is missing';
}

/** Turns Zod issues into problems located in the YAML they came from. */
/**
 * A field the schema does not know: a spelling mistake, or a field an Aftermath release renamed
 * or removed (./format-changes.ts), which the message then names with the release.
 */
export function unknownFieldProblem(
  file: string,
  path: PropertyKey[],
  yaml?: LocatedYaml,
  changes?: readonly FormatChange[],
): ContentProblem {
  const field = formatPath(path);
  const key = String(path.at(-1));
  const change = formatChangeFor(file, field, changes);
  return {
    file,
    line: yaml?.lineOf(path),
    field,
    message: change ? formatChangeMessage(key, change) : `unknown field "${key}": check the spelling, or remove it`,
  };
}

export function problemsFromZod(error: z.ZodError, file: string, yaml?: LocatedYaml): ContentProblem[] {
  return error.issues.flatMap((issue) => {
    // A union reports each branch; the first branch's own issues are the most specific.
    if (issue.code === 'invalid_union' && issue.errors.length && !issue.message.startsWith('expected')) {
      const nested = issue.errors[0]!.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
      return problemsFromZod({ issues: nested } as z.ZodError, file, yaml);
    }
    // A bad record key ("Invalid key in record") carries the key schema's own message inside.
    if (issue.code === 'invalid_key' && issue.issues.length) {
      const nested = issue.issues.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
      return problemsFromZod({ issues: nested } as z.ZodError, file, yaml);
    }
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      // One problem per key, located at the key itself: that is the line the author must edit.
      return issue.keys.map((key) => unknownFieldProblem(file, [...path, key], yaml));
    }
    let message = issueMessage(issue);
    if (!message.includes('found') && !message.startsWith('"')) {
      message = `${message}; ${describeInput(issue, path)}`;
    }
    return [{ file, line: yaml?.lineOf(path), field: formatPath(path) || undefined, message }];
  });
}

/**
 * What a schema issue says. Schemas give most fields a message of their own; where they do not,
 * the schema library's default ("Invalid input: expected object, received undefined") is put in
 * Aftermath's words.
 */
export function issueMessage(issue: z.ZodError['issues'][number]): string {
  return LIBRARY_WORDING.test(issue.message) ? inOurWords(issue) : issue.message;
}

/** How the schema library words its default messages ("Invalid input: …", "Too small: …"). */
const LIBRARY_WORDING = /^(Invalid|Too small|Too big|Unrecognized)\b/;

/** A value kind, as the author would say it about a YAML value. */
const KINDS: Record<string, string> = {
  object: 'a mapping (indented "key: value" lines)',
  record: 'a mapping (indented "key: value" lines)',
  array: 'a list ("- item" lines or [a, b])',
  tuple: 'a list ("- item" lines or [a, b])',
  set: 'a list ("- item" lines or [a, b])',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  date: 'a date (2023-03-24)',
  null: 'nothing (null)',
};

const FORMATS: Record<string, string> = {
  url: 'an absolute URL starting with https:// or http://',
  email: 'an email address',
  regex: 'a valid regular expression',
  datetime: 'an ISO 8601 timestamp with a UTC offset',
  date: 'a date (2023-03-24)',
  uuid: 'a UUID',
};

const quoted = (value: unknown) => (typeof value === 'string' ? `"${value}"` : String(value));
const plural = (n: unknown, one: string) => `${String(n)} ${one}${n === 1 || n === 1n ? '' : 's'}`;

/** What a schema issue expected, in Aftermath's words, for a schema that gave no message of its own. */
function inOurWords(issue: z.ZodError['issues'][number]): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${KINDS[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${quoted(issue.values[0])}`
        : `expected one of ${issue.values.map(quoted).join(', ')}`;
    case 'too_small':
    case 'too_big': {
      const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const bound =
        issue.code === 'too_small'
          ? issue.inclusive
            ? 'at least'
            : 'more than'
          : issue.inclusive
            ? 'at most'
            : 'less than';
      if (issue.origin === 'string') return `expected ${bound} ${plural(limit, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `expected ${bound} ${plural(limit, 'item')}`;
      return `expected a number ${bound} ${String(limit)}`;
    }
    case 'invalid_format':
      return `expected ${FORMATS[issue.format] ?? `text in the ${issue.format} format`}`;
    case 'not_multiple_of':
      return `expected a multiple of ${String(issue.divisor)}`;
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      return discriminator
        ? `${discriminator} names no kind known here; check its spelling`
        : 'this value matches none of the forms allowed here';
    }
    case 'invalid_key':
      return 'this key is not allowed here';
    case 'invalid_element':
      return 'this entry is not allowed here';
    default:
      return 'this value is not allowed here';
  }
}
