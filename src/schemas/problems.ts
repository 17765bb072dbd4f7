/**
 * Content problems: what went wrong, where, and what to do. Every validation path in
 * Aftermath reports through {@link ContentProblem} so the build, `npm run check` and the dev
 * server all print the same friendly, path-prefixed messages (never a bare stack trace).
 */
import type { z } from 'astro/zod';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

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
    return doc.errors.map((error) => {
      const line = error.linePos?.[0]?.line;
      const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      return {
        file,
        line: line === undefined ? undefined : line + lineOffset,
        message: `this is not valid YAML: ${reason}. Check indentation, the colon after each key, and quotes around values that contain ": " or "#"`,
      };
    });
  }
  return {
    data: doc.toJS(),
    lineOf: (path) => lineOfPath(doc, lineCounter, path, lineOffset),
  };
}

function lineOfPath(doc: Document, counter: LineCounter, path: readonly PropertyKey[], offset: number) {
  // Walk down as far as the path exists; a missing key is reported at its parent.
  let node: unknown = doc.contents;
  let best: number | undefined = rangeStart(node);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown })?.value === key);
      if (!pair) break;
      best = rangeStart(pair.key) ?? best;
      node = pair.value;
      best = rangeStart(node) ?? best;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      best = rangeStart(node) ?? best;
    } else break;
  }
  return best === undefined ? undefined : counter.linePos(best).line + offset;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

function describeFound(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (typeof input === 'string') return `"${input.length > 80 ? `${input.slice(0, 77)}…` : input}"`;
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return String(input);
}

/** Turns Zod issues into problems located in the YAML they came from. */
export function problemsFromZod(error: z.ZodError, file: string, yaml?: LocatedYaml): ContentProblem[] {
  return error.issues.flatMap((issue) => {
    // A union reports each branch; the first branch's own issues are the most specific.
    if (issue.code === 'invalid_union' && issue.errors.length && !issue.message.startsWith('expected')) {
      const nested = issue.errors[0]!.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
      return problemsFromZod({ issues: nested } as z.ZodError, file, yaml);
    }
    const path = issue.path as PropertyKey[];
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: check the spelling, or remove ${issue.keys.length > 1 ? 'them' : 'it'}`;
    } else if (!message.includes('found') && !message.startsWith('"')) {
      const input = (issue as { input?: unknown }).input;
      message = input === undefined ? `${message}; the field is missing` : `${message}; found ${describeFound(input)}`;
    }
    return [{ file, line: yaml?.lineOf(path), field: formatPath(path) || undefined, message }];
  });
}
