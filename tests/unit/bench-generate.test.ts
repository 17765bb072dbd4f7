import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import type { IncidentRecord } from '../../src/domain/incident-record.ts';
import {
  generateIncident,
  incidentSeed,
  isoWithOffset,
  prng,
  TOUCH_NOTE,
  touchFirstDiagram,
} from '../../bench/generate.ts';
import { fixGraph, fixGraphMermaid } from '../../src/domain/fix-graph.ts';
import { mermaidBlocks, splitFrontmatter } from '../../src/domain/mdx-source.ts';

const SEED = 7;
const COUNT = 24;
let root: string;
let incidents: IncidentRecord[];
let problems: unknown[];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'aftermath-bench-gen-'));
  for (let i = 0; i < COUNT; i++) {
    const { slug, files } = generateIncident(SEED, i);
    for (const [name, text] of Object.entries(files)) {
      const path = join(root, 'content/incidents', slug, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }
  ({ incidents, problems } = readArchive(root));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('prng and seeds', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = prng(1);
    const b = prng(1);
    const c = prng(2);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
  });
  it('gives each incident its own seed', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => incidentSeed(SEED, i)));
    expect(seeds.size).toBe(1000);
  });
});

describe('isoWithOffset', () => {
  it('writes the local time with the offset', () => {
    const ms = Date.UTC(2024, 5, 2, 7, 15, 0);
    expect(isoWithOffset(ms, 0)).toBe('2024-06-02T07:15:00+00:00');
    expect(isoWithOffset(ms, 330)).toBe('2024-06-02T12:45:00+05:30');
    expect(isoWithOffset(ms, -420)).toBe('2024-06-02T00:15:00-07:00');
    expect(isoWithOffset(ms, -480)).toBe('2024-06-01T23:15:00-08:00');
  });
});

describe('generateIncident', () => {
  it('is deterministic and independent of the archive size', () => {
    expect(generateIncident(SEED, 5)).toEqual(generateIncident(SEED, 5));
    expect(generateIncident(SEED, 5)).not.toEqual(generateIncident(SEED + 1, 5));
  });

  it('produces valid content: readArchive finds no problem', () => {
    expect(problems).toEqual([]);
    expect(incidents).toHaveLength(COUNT);
  });

  it('gives every incident the benchmark shape', () => {
    for (const incident of incidents) {
      expect(incident.timeline, incident.slug).toHaveLength(20);
      expect(incident.history.items, incident.slug).toHaveLength(10);
      expect(incident.history.items.filter((i) => i.relations.length > 0).length).toBeGreaterThanOrEqual(8);
      expect(incident.diagrams, incident.slug).toHaveLength(2);
      expect(incident.repros, incident.slug).toHaveLength(1);
      const fences = [...incident.body.matchAll(/^```(\w+)/gm)].map((m) => m[1]);
      expect(fences.sort()).toEqual(['diff', 'mermaid', 'mermaid', 'python', 'ts']);
      expect(incident.frontmatter.authors.length).toBeGreaterThan(0);
      expect(incident.frontmatter.sources.length).toBe(3);
    }
  });

  it('varies the diagrams, so each is its own cache entry', () => {
    const mdx = incidents.flatMap((i) => i.diagrams.map((d) => d.value));
    expect(new Set(mdx).size).toBe(COUNT * 2);
    const graphs = incidents.map((i) => fixGraphMermaid(fixGraph(i.history)));
    expect(new Set(graphs).size).toBe(COUNT);
    for (const graph of graphs) expect(graph).toMatch(/-->/);
  });

  it('writes a repro with a manifest and a snippet, without recorded results', () => {
    const { files } = generateIncident(SEED, 0);
    const repro = Object.keys(files).filter((f) => f.startsWith('repros/'));
    expect(repro).toHaveLength(2);
    expect(repro.some((f) => f.endsWith('/repro.yaml'))).toBe(true);
    expect(repro.some((f) => f.endsWith('results.json'))).toBe(false);
  });
});

describe('touchFirstDiagram', () => {
  const mdx = generateIncident(SEED, 3).files['index.mdx']!;

  it('changes the first diagram only, and the rest of the file not at all', () => {
    const touched = touchFirstDiagram(mdx);
    const before = mermaidBlocks(splitFrontmatter(mdx)!.body);
    const after = mermaidBlocks(splitFrontmatter(touched)!.body);
    expect(after).toHaveLength(2);
    expect(after[0]!.value).toBe(`${before[0]!.value}\n    ${TOUCH_NOTE}`);
    expect(after[1]!.value).toBe(before[1]!.value);
    expect(touched.replace(`\n    ${TOUCH_NOTE}`, '')).toBe(mdx);
  });

  it('makes a new diagram each time it is given a new note', () => {
    const once = touchFirstDiagram(mdx, 'Note over C,S: one');
    const twice = touchFirstDiagram(once, 'Note over C,S: two');
    expect(mermaidBlocks(twice)[0]!.value).not.toBe(mermaidBlocks(once)[0]!.value);
  });

  it('refuses a file without a diagram', () => {
    expect(() => touchFirstDiagram('# no diagram\n')).toThrow(/no Mermaid diagram/);
  });
});
