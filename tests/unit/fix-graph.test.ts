import { describe, expect, it } from 'vitest';
import { fixGraph, fixGraphMermaid } from '../../src/domain/fix-graph.ts';
import { history } from '../support/data.ts';

const h = history([
  { type: 'issue', number: 1, title: 'Wrong "caller" <sometimes>' },
  {
    type: 'pull',
    number: 2,
    title: 'Shield pipelines',
    outcome: 'incomplete',
    relations: [
      { type: 'fixes', to: '#1' },
      { type: 'released-in', to: 'v1.1' },
    ],
  },
  {
    type: 'pull',
    number: 3,
    title: 'Disconnect on cancel',
    outcome: 'landed',
    relations: [
      { type: 'supersedes', to: '#2' },
      { type: 'released-in', to: 'v1.2' },
    ],
  },
  { type: 'pull', number: 4, title: 'Bump version', relations: [{ type: 'released-in', to: 'v1.2' }] },
  { type: 'release', tag: 'v1.1', title: 'widget 1.1' },
  { type: 'release', tag: 'v1.2', title: 'widget 1.2' },
  { type: 'advisory', id: 'CVE-2023-28858', title: 'The leak', relations: [{ type: 'released-in', to: 'v1.1' }] },
  { type: 'issue', number: 9, title: 'Unrelated' },
  { type: 'pull', number: 20, title: 'The change that caused it' },
  { type: 'issue', number: 21, title: 'Regression', relations: [{ type: 'caused-by', to: '#20' }] },
]);

describe('fixGraph', () => {
  const graph = fixGraph(h);
  it('draws the story issue → fix → release, with relation wording', () => {
    expect(graph.edges).toContainEqual({ from: '#1', to: '#2', label: 'fixed by', dashed: false });
    expect(graph.edges).toContainEqual({ from: '#2', to: 'v1.1', label: 'released in', dashed: false });
    expect(graph.edges).toContainEqual({ from: '#2', to: '#3', label: 'superseded by', dashed: true });
    expect(graph.edges).toContainEqual({ from: 'CVE-2023-28858', to: 'v1.1', label: 'fixed in', dashed: false });
  });
  it('leaves out unrelated items and version bumps', () => {
    const keys = graph.nodes.map((n) => n.key);
    expect(keys).not.toContain('#9');
    expect(keys).not.toContain('#4');
    expect(keys).toEqual(['#1', '#2', '#3', 'v1.1', 'v1.2', 'CVE-2023-28858', '#20', '#21']);
  });
  it('keeps a pull request that other items point at', () => {
    expect(graph.edges).toContainEqual({ from: '#20', to: '#21', label: 'caused', dashed: true });
  });
});

describe('fixGraphMermaid', () => {
  const source = fixGraphMermaid(fixGraph(h));
  it('escapes # and ; so a title such as "Retry #2641; again" is not read as an entity code', () => {
    const g = fixGraph(
      history([
        { type: 'issue', number: 1, title: 'Retry #2641; again' },
        { type: 'pull', number: 2, title: 'Fix', relations: [{ type: 'fixes', to: '#1' }] },
      ]),
    );
    expect(fixGraphMermaid(g)).toContain('Retry #35;2641#59; again');
  });
  it('escapes labels so titles cannot break the diagram', () => {
    expect(source).toContain('#quot;caller#quot; #lt;sometimes#gt;');
    expect(source).not.toMatch(/"caller"/);
  });
  it('marks failed attempts by outline and in words, not by colour alone', () => {
    expect(source).toContain('(incomplete fix)');
    expect(source).toMatch(/class n1 incomplete/);
    expect(source).toMatch(/classDef incomplete [^\n]*stroke-dasharray/);
    expect(source).toContain('n1 -.->|superseded by| n2');
  });
  it('draws releases as rounded boxes and advisories as hexagons', () => {
    expect(source).toMatch(/n3\("v1\.1"\)/);
    expect(source).toMatch(/n5\{\{"CVE-2023-28858<br\/>The leak"\}\}/);
  });
});
