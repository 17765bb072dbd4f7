/**
 * Random damage to a valid incident, through the archive reader: a few hundred mutations of its
 * bytes, its YAML structure and its MDX, each of which must end in either a valid record or
 * located problems (a file inside the incident, a line when there is one, a message), never an
 * exception and never a stack trace in a message. fast-check prints the seed and the shrunk
 * counterexample when a run fails; `FUZZ_SEED=<n>` replays it, `FUZZ_RUNS=<n>` runs longer.
 */
import fc from 'fast-check';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isMap, isSeq, parseDocument, type Node } from 'yaml';
import { readArchive } from '../../src/archive/archive.ts';
import { projectRoot } from '../support/site.ts';

const FIXTURE = join(projectRoot, 'tests/fixtures/fuzz');
const DIR = 'content/incidents/2024-06-02-fuzz';
const FILES = [
  'index.mdx',
  'timeline.yaml',
  'history.yaml',
  'facts.yaml',
  'actions.yaml',
  'repros/edited/repro.yaml',
  'repros/edited/results.json',
] as const;
/** Pieces of MDX and YAML syntax that parsers trip on, spliced in at random places. */
const SYNTAX = [
  '{',
  '}',
  '<',
  '</Fact>',
  '<Fact k="growth">',
  '<Fact k={x} />',
  '<Verdict repro="edited" version="9.9" />',
  '<Ref to="#404" />',
  'import x from "y"\n',
  '{process.env.HOME}',
  '<script>alert(1)</script>',
  '[x](javascript:alert(1))',
  '![x](../../secret.png)',
  '```mermaid\n',
  '\n---\n',
  ': ',
  '\n  - ',
  '&a ',
  '*a',
  '"',
  "'",
  '\t',
  '\u0000',
  '\uFEFF',
  '#',
];

type Mutation =
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'splice'; at: number; text: string }
  | { kind: 'yaml'; path: number; op: 'delete' | 'set' | 'list' | 'long'; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 80 }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), text: fc.constantFrom(...SYNTAX) }),
  fc.record({
    kind: fc.constant('yaml' as const),
    path: fc.nat(),
    op: fc.constantFrom('delete' as const, 'set' as const, 'list' as const, 'long' as const),
    value: fc.jsonValue({ maxDepth: 3 }),
  }),
);

/** Every node of a YAML document with its parent collection and key, depth first. */
function yamlSlots(doc: ReturnType<typeof parseDocument>) {
  const slots: { parent: Node; key: unknown }[] = [];
  const walk = (node: unknown) => {
    if (isMap(node))
      for (const pair of node.items) {
        slots.push({ parent: node, key: (pair.key as { value?: unknown })?.value });
        walk(pair.value);
      }
    else if (isSeq(node))
      node.items.forEach((item, index) => {
        slots.push({ parent: node, key: index });
        walk(item);
      });
  };
  walk(doc.contents);
  return slots;
}

function mutateYaml(text: string, m: Extract<Mutation, { kind: 'yaml' }>): string {
  const doc = parseDocument(text);
  const slots = yamlSlots(doc);
  // A document an earlier mutation already broke is left as it is.
  if (doc.errors.length > 0 || slots.length === 0) return text;
  const { parent, key } = slots[m.path % slots.length]!;
  const collection = parent as unknown as {
    delete(k: unknown): void;
    set(k: unknown, v: unknown): void;
    get(k: unknown): unknown;
  };
  if (m.op === 'delete') collection.delete(key);
  else if (m.op === 'set') collection.set(key, doc.createNode(m.value));
  else if (m.op === 'list') collection.set(key, doc.createNode([collection.get(key)]));
  else collection.set(key, 'x'.repeat(5000));
  try {
    return doc.toString();
  } catch {
    return text; // the library cannot write it back (an alias to nothing, say): leave it
  }
}

function mutate(original: Buffer, file: string, m: Mutation): Buffer {
  const at = original.length === 0 ? 0 : m.kind === 'yaml' ? 0 : m.at % original.length;
  switch (m.kind) {
    case 'insert':
      return Buffer.concat([original.subarray(0, at), m.bytes, original.subarray(at)]);
    case 'delete':
      return Buffer.concat([original.subarray(0, at), original.subarray(at + m.length)]);
    case 'flip': {
      const copy = Buffer.from(original);
      if (copy.length > 0) copy[at] = copy[at]! ^ m.xor;
      return copy;
    }
    case 'truncate':
      return original.subarray(0, at);
    case 'splice':
      return Buffer.concat([original.subarray(0, at), Buffer.from(m.text), original.subarray(at)]);
    case 'yaml': {
      const text = original.toString('utf8');
      if (file.endsWith('.yaml')) return Buffer.from(mutateYaml(text, m));
      if (file.endsWith('.mdx')) {
        // The frontmatter is YAML too.
        const end = text.indexOf('\n---', 4);
        if (!text.startsWith('---\n') || end < 0) return original;
        return Buffer.from(`---\n${mutateYaml(text.slice(4, end), m)}${text.slice(end)}`);
      }
      try {
        return Buffer.from(JSON.stringify(mutateJson(JSON.parse(text), m)));
      } catch {
        return original;
      }
    }
  }
}

/** results.json's structure damaged the same way: a field removed or replaced. */
function mutateJson(data: unknown, m: Extract<Mutation, { kind: 'yaml' }>): unknown {
  const slots: { parent: Record<string, unknown>; key: string }[] = [];
  const walk = (node: unknown) => {
    if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        slots.push({ parent: node as Record<string, unknown>, key });
        walk(value);
      }
  };
  walk(data);
  const slot = slots[m.path % slots.length];
  if (!slot) return data;
  if (m.op === 'delete') delete slot.parent[slot.key];
  else slot.parent[slot.key] = m.op === 'list' ? [slot.parent[slot.key]] : m.op === 'long' ? 'x'.repeat(5000) : m.value;
  return data;
}

let root: string;
const originals = new Map<string, Buffer>();
const previousCache = process.env.AFTERMATH_ARCHIVE_CACHE;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'aftermath-fuzz-'));
  cpSync(FIXTURE, root, { recursive: true });
  for (const file of FILES) originals.set(file, readFileSync(join(root, DIR, file)));
  // Every run must read the damaged files, not a cached reading, and leave no cache behind.
  process.env.AFTERMATH_ARCHIVE_CACHE = '0';
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  if (previousCache === undefined) delete process.env.AFTERMATH_ARCHIVE_CACHE;
  else process.env.AFTERMATH_ARCHIVE_CACHE = previousCache;
});

it('starts from a valid incident', () => {
  expect(readArchive(root)).toMatchObject({ problems: [], incidents: [{ dir: DIR }] });
});

it('reads any damaged incident into a record or located problems, never an exception', () => {
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  let runs = 0;
  const started = performance.now();
  fc.assert(
    fc.property(fc.constantFrom(...FILES), fc.array(mutation, { minLength: 1, maxLength: 3 }), (file, mutations) => {
      runs++;
      const path = join(root, DIR, file);
      writeFileSync(
        path,
        mutations.reduce((bytes, m) => mutate(bytes, file, m), originals.get(file)!),
      );
      try {
        const archive = readArchive(root);
        if (archive.problems.length === 0) {
          expect(archive.incidents).toHaveLength(1);
          return;
        }
        expect(archive.incidents).toEqual([]);
        for (const problem of archive.problems) {
          expect(problem.file.startsWith(DIR), problem.file).toBe(true);
          expect(problem.message.length).toBeGreaterThan(0);
          expect(problem.message).not.toMatch(/\n\s+at |node_modules|\[object Object\]|undefined|NaN/);
          if (problem.line !== undefined) expect(problem.line).toBeGreaterThanOrEqual(1);
        }
      } finally {
        writeFileSync(path, originals.get(file)!);
      }
    }),
    {
      numRuns: Number(process.env.FUZZ_RUNS ?? 400),
      seed,
      interruptAfterTimeLimit: process.env.FUZZ_RUNS ? 550_000 : 60_000,
      markInterruptAsFailure: false,
    },
  );
  // Shown in the test log: how much of the budget the runs took.
  console.info(`archive fuzz: ${runs} runs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  expect(runs).toBeGreaterThanOrEqual(100);
}, 600_000);
