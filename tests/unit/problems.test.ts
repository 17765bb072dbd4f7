import { z } from 'astro/zod';
import { describe, expect, it } from 'vitest';
import {
  ContentError,
  formatPath,
  formatProblem,
  formatProblems,
  parseYaml,
  problemsFromZod,
  unknownFieldProblem,
  type ContentProblem,
  type LocatedYaml,
} from '../../src/schemas/problems.ts';
import { FORMAT_CHANGES } from '../../src/schemas/format-changes.ts';

function located(text: string, lineOffset = 0): LocatedYaml {
  const parsed = parseYaml(text, 'f.yaml', lineOffset);
  if (Array.isArray(parsed)) throw new Error(`fixture is not valid YAML: ${parsed[0]!.message}`);
  return parsed;
}

function problemsOf(schema: z.ZodType, text: string, lineOffset = 0): ContentProblem[] {
  const yaml = located(text, lineOffset);
  const result = schema.safeParse(yaml.data ?? undefined, { reportInput: true });
  if (result.success) throw new Error('expected the fixture to fail validation');
  return problemsFromZod(result.error, 'f.yaml', yaml);
}

describe('formatPath', () => {
  it('writes keys with dots and indexes in brackets', () => {
    expect(formatPath(['sources', 0, 'url'])).toBe('sources[0].url');
    expect(formatPath([3, 'at'])).toBe('[3].at');
    expect(formatPath(['items', 1, 'relations', 0, 'to'])).toBe('items[1].relations[0].to');
    expect(formatPath([])).toBe('');
  });
});

describe('formatProblem(s)', () => {
  const withLine: ContentProblem = { file: 'a/index.mdx', line: 7, field: 'started', message: 'bad time' };
  const bare: ContentProblem = { file: 'a', message: 'no index.mdx' };

  it('puts file:line and field on one line and the message indented below', () => {
    expect(formatProblem(withLine)).toBe('a/index.mdx:7  started\n    bad time');
    expect(formatProblem(bare)).toBe('a\n    no index.mdx');
  });
  it('counts problems in the heading', () => {
    expect(formatProblems([bare])).toBe('1 content problem:\n\na\n    no index.mdx\n');
    expect(formatProblems([withLine, bare])).toMatch(
      /^2 content problems:\n\na\/index\.mdx:7 {2}started\n {4}bad time\n\na\n/,
    );
  });
});

describe('ContentError', () => {
  it('carries the problems and a message without a stack trace', () => {
    const error = new ContentError([{ file: 'x.yaml', line: 2, message: 'oops' }]);
    expect(error.problems).toEqual([{ file: 'x.yaml', line: 2, message: 'oops' }]);
    expect(error.message).toBe('1 content problem:\n\nx.yaml:2\n    oops\n');
    expect(error.stack).toBe(`ContentError: ${error.message}`);
    expect(error).toBeInstanceOf(Error);
  });
});

describe('parseYaml', () => {
  it('keeps timestamps as the strings the author wrote (YAML 1.2 core schema)', () => {
    const yaml = located('at: 2023-03-20T01:00:00\nday: 2023-03-20\nflag: yes\n');
    expect(yaml.data).toEqual({ at: '2023-03-20T01:00:00', day: '2023-03-20', flag: 'yes' });
  });

  it('finds the line of a path, adding the offset', () => {
    const text = 'title: T\nsources:\n  - url: https://x.test\n    kind: news\n';
    const yaml = located(text);
    expect(yaml.lineOf(['title'])).toBe(1);
    // A block value starts below its key; the key is what the author looks for.
    expect(yaml.lineOf(['sources'])).toBe(2);
    expect(yaml.lineOf(['sources', 0, 'kind'])).toBe(4);
    expect(located(text, 1).lineOf(['sources', 0, 'kind'])).toBe(5);
  });

  it('reports a missing key at its parent, and an empty document at its first line', () => {
    const yaml = located('a: 1\nitems:\n  - x: 1\n');
    expect(yaml.lineOf(['items', 0, 'missing'])).toBe(3);
    expect(yaml.lineOf(['nope'])).toBe(1);
    expect(located('', 1).lineOf([])).toBe(2);
  });

  it('reports the first syntax error only, with its line', () => {
    const problems = parseYaml('- at: x\n  kind: a\n title: b\n  source: c\n', 'f.yaml');
    expect(problems).toEqual([
      {
        file: 'f.yaml',
        line: 3,
        message: expect.stringMatching(
          /^this is not valid YAML: .+\. Check indentation, the colon after each key, and quotes/,
        ),
      },
    ]);
  });

  it('adds the offset to syntax error lines', () => {
    const problems = parseYaml('a: 1\nb: c: d\n', 'index.mdx', 1);
    expect(Array.isArray(problems) && problems[0]!.line).toBe(3);
  });

  it('reports a value that YAML cut at " #" (an issue number), and leaves a real comment alone', () => {
    const text = '- key: a\n  label: redis-py issue #2624 opened # checked\n  note: kept # a comment\n  ok: "PR #12"\n';
    expect(parseYaml(text, 'facts.yaml', 1)).toEqual([
      {
        file: 'facts.yaml',
        line: 3,
        message:
          'this value is cut short at " #2624": YAML reads a space followed by # as the start of a comment, so the value is only "redis-py issue". Put the whole value in quotes: "redis-py issue #2624 opened # checked"',
      },
    ]);
    expect(Array.isArray(parseYaml('note: kept # a comment\nok: "PR #12"\n', 'f.yaml'))).toBe(false);
  });

  it('refuses duplicate keys, at the second one', () => {
    const problems = parseYaml('status: a\nseverity: SEV1\nstatus: b\n', 'f.yaml');
    expect(Array.isArray(problems) && problems.map((p) => [p.line, p.message])).toEqual([
      [3, expect.stringContaining('Map keys must be unique')],
    ]);
  });
});

describe('problemsFromZod', () => {
  const schema = z.strictObject({
    title: z.string({ error: 'expected a title as text' }),
    count: z.number({ error: 'expected a count' }).optional(),
    tags: z.array(z.string({ error: 'expected a tag' })).optional(),
    note: z
      .string()
      .refine((s) => !s.includes('\n'), { error: 'one line only' })
      .optional(),
  });

  it('says a missing field is missing, at the parent line', () => {
    expect(problemsOf(schema, '# header\ncount: 1\n')).toEqual([
      { file: 'f.yaml', line: 2, field: 'title', message: 'expected a title as text; the field is missing' },
    ]);
  });

  it('says what was found, with line breaks shown as \\n', () => {
    const problems = problemsOf(schema, 'title: T\ncount: "3"\ntags: [a, 5]\nnote: "x\\ny"\n');
    expect(problems).toEqual([
      { file: 'f.yaml', line: 2, field: 'count', message: 'expected a count; found "3"' },
      { file: 'f.yaml', line: 3, field: 'tags[1]', message: 'expected a tag; found 5' },
      { file: 'f.yaml', line: 4, field: 'note', message: 'one line only; found "x\\ny"' },
    ]);
  });

  it('shortens long found values', () => {
    const [problem] = problemsOf(schema, `title: T\ncount: "${'x'.repeat(100)}"\n`);
    expect(problem!.message).toBe(`expected a count; found "${'x'.repeat(77)}…"`);
  });

  it('names lists, empty lists, mappings and null', () => {
    const list = z.object({
      a: z.string({ error: 'A' }),
      b: z.string({ error: 'B' }),
      c: z.string({ error: 'C' }),
      d: z.string({ error: 'D' }),
    });
    const messages = problemsOf(list, 'a: [1]\nb: []\nc: {x: 1}\nd: null\n').map((p) => p.message);
    expect(messages).toEqual(['A; found a list', 'B; found an empty list', 'C; found a mapping', 'D; found null']);
  });

  it('reports each unknown field at its own line', () => {
    expect(problemsOf(schema, 'title: T\ntitel: T\ncont: 2\n')).toEqual([
      { file: 'f.yaml', line: 2, field: 'titel', message: 'unknown field "titel": check the spelling, or remove it' },
      { file: 'f.yaml', line: 3, field: 'cont', message: 'unknown field "cont": check the spelling, or remove it' },
    ]);
  });

  it('says "found nothing" for an empty document', () => {
    const root = z.array(z.string(), { error: 'expected a list of entries' });
    expect(problemsOf(root, '# only a comment\n')).toEqual([
      {
        file: 'f.yaml',
        line: 1,
        field: undefined,
        message: 'expected a list of entries; found nothing (the document is empty)',
      },
    ]);
  });

  it('names the discriminator value that matched no branch', () => {
    const union = z.object({
      items: z.array(
        z.discriminatedUnion('type', [z.object({ type: z.literal('issue') }), z.object({ type: z.literal('pull') })], {
          error: 'expected type to be issue or pull',
        }),
      ),
    });
    expect(problemsOf(union, 'items:\n  - type: issue\n  - type: bug\n')).toEqual([
      { file: 'f.yaml', line: 3, field: 'items[1].type', message: 'expected type to be issue or pull; found "bug"' },
    ]);
  });

  it('reports the first branch of an unlabelled union with its own path', () => {
    const author = z.object({
      authors: z.array(
        z.union([z.string().min(1, { error: 'name must not be empty' }), z.object({ name: z.string() })]),
      ),
    });
    const problems = problemsOf(author, 'authors:\n  - ""\n');
    expect(problems).toEqual([
      { file: 'f.yaml', line: 2, field: 'authors[0]', message: 'name must not be empty; found ""' },
    ]);
  });

  it("reports a bad record key with the key schema's message, at the key", () => {
    const env = z.object({
      parameters: z.record(z.string().regex(/^[A-Z]+$/, { error: 'use an environment variable name' }), z.number()),
    });
    expect(problemsOf(env, 'parameters:\n  SLEEP: 1\n  delay: 2\n')).toEqual([
      {
        file: 'f.yaml',
        line: 3,
        field: 'parameters.delay',
        message: 'use an environment variable name; found "delay"',
      },
    ]);
  });

  it('keeps messages that already quote the input as they are', () => {
    const custom = z.object({
      at: z.string().check((ctx) => {
        ctx.issues.push({ code: 'custom', input: ctx.value, message: `"${ctx.value}" has no offset` });
      }),
    });
    expect(problemsOf(custom, 'at: "x"\n')[0]!.message).toBe('"x" has no offset');
  });

  it('has no line without the YAML it came from', () => {
    const result = schema.safeParse({}, { reportInput: true });
    if (result.success) throw new Error('fixture');
    expect(problemsFromZod(result.error, 'f.yaml')).toEqual([
      { file: 'f.yaml', line: undefined, field: 'title', message: 'expected a title as text; the field is missing' },
    ]);
  });
});

describe("problemsFromZod: the schema library's default wording", () => {
  const plain = z.strictObject({
    owner: z.object({ name: z.string() }),
    tags: z.array(z.string()).min(1),
    kind: z.enum(['a', 'b']),
    site: z.url(),
    note: z.string().max(3).optional(),
  });

  it("is never shown: each message says what was expected in Aftermath's words", () => {
    const problems = problemsOf(plain, 'tags: []\nkind: c\nsite: nope\nnote: long\n');
    expect(problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'owner: expected a mapping (indented "key: value" lines); the field is missing',
      'tags: expected at least 1 item; found an empty list',
      'kind: expected one of "a", "b"; found "c"',
      'site: expected an absolute URL starting with https:// or http://; found "nope"',
      'note: expected at most 3 characters; found "long"',
    ]);
    for (const p of problems) expect(p.message).not.toMatch(/Invalid|Too (small|big)|received/);
  });

  it('names the kind of value a field needs', () => {
    const kinds = z.object({ a: z.number(), b: z.boolean(), c: z.array(z.string()), d: z.string() });
    expect(problemsOf(kinds, 'a: x\nb: 2\nc: x\nd: [1]\n').map((p) => p.message)).toEqual([
      'expected a number; found "x"',
      'expected true or false; found 2',
      'expected a list ("- item" lines or [a, b]); found "x"',
      'expected text; found a list',
    ]);
  });
});

describe('a field a release renamed or removed', () => {
  const changes = [{ file: 'timeline.yaml', field: '[].type', since: '0.3.0', change: 'renamed to "kind"' }];
  const yaml = located('- at: "2024-06-02T09:00:00Z"\n  type: deploy\n');

  it('says which release changed it, where it is written', () => {
    expect(unknownFieldProblem('content/incidents/x/timeline.yaml', [0, 'type'], yaml, changes)).toEqual({
      file: 'content/incidents/x/timeline.yaml',
      line: 2,
      field: '[0].type',
      message:
        '"type" was renamed to "kind" in Aftermath 0.3.0; see the notes for 0.3.0 in Aftermath\'s docs/upgrading.md',
    });
  });

  it('is an unknown field like any other in a file the change does not concern', () => {
    expect(unknownFieldProblem('content/incidents/x/history.yaml', [0, 'type'], yaml, changes).message).toBe(
      'unknown field "type": check the spelling, or remove it',
    );
  });

  it('has no entry yet: every release so far reads the files of the ones before it', () => {
    expect(FORMAT_CHANGES).toEqual([]);
  });
});
