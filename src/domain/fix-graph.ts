/**
 * The fix history as a graph derived from history.yaml's relations (issue → pull requests →
 * releases, with reverts, backports and superseded attempts), and its Mermaid source.
 */
import type { History, HistoryItem } from '../schemas/history.ts';
import { historyKey, historyLabel } from './history-keys.ts';
import { escapeMermaidText } from './mermaid-text.ts';
import { shorten } from './text.ts';

export type Outcome = NonNullable<HistoryItem['outcome']>;

export interface FixNode {
  key: string;
  type: HistoryItem['type'];
  label: string;
  title: string;
  url?: string;
  outcome?: Outcome;
}

export interface FixEdge {
  from: string;
  to: string;
  /** Read as "from <label> to": "fixed by", "released in", "backported as". */
  label: string;
  /** Secondary relations (backports, reverts, supersedes) are drawn dashed. */
  dashed: boolean;
}

export interface FixGraph {
  nodes: FixNode[];
  edges: FixEdge[];
}

/** How each relation `A <type> B` is drawn: direction and wording, so the graph reads issue → fix → release. */
const DRAWN: Record<string, { reverse: boolean; label: string; dashed: boolean }> = {
  fixes: { reverse: true, label: 'fixed by', dashed: false },
  'released-in': { reverse: false, label: 'released in', dashed: false },
  'backport-of': { reverse: true, label: 'backported as', dashed: true },
  supersedes: { reverse: true, label: 'superseded by', dashed: true },
  reverts: { reverse: true, label: 'reverted by', dashed: true },
  reopens: { reverse: true, label: 'reopened as', dashed: true },
  'caused-by': { reverse: true, label: 'caused', dashed: true },
};

/** A node's name: the history item's label, a release by its tag alone. */
export function nodeLabel(item: HistoryItem, key: string): string {
  return historyLabel(item, key, { short: true });
}

/**
 * The items that tell the fix story and the relations between them. A pull request whose only
 * relation is "released in" (a version bump, a related clean-up) stays in the table but not in
 * the diagram, which would otherwise drown the attempts that matter.
 */
export function fixGraph(history: History): FixGraph {
  const all = history.items.map((item) => ({ item, key: historyKey(item, history.repository) }));
  const storyTargets = new Set(
    all.flatMap(({ item }) => item.relations.filter((r) => r.type !== 'released-in').map((r) => r.to)),
  );
  const keyed = all.filter(
    ({ item, key }) =>
      item.type !== 'pull' || storyTargets.has(key) || item.relations.some((r) => r.type !== 'released-in'),
  );
  const kept = new Set(keyed.map((k) => k.key));
  const edges: FixEdge[] = [];
  for (const { item, key } of keyed) {
    for (const rel of item.relations) {
      if (!kept.has(rel.to)) continue;
      const drawn = DRAWN[rel.type]!;
      // An advisory "released in" a version names the release that fixed it.
      const label = item.type === 'advisory' && rel.type === 'released-in' ? 'fixed in' : drawn.label;
      edges.push({ from: drawn.reverse ? rel.to : key, to: drawn.reverse ? key : rel.to, label, dashed: drawn.dashed });
    }
  }
  const linked = new Set(edges.flatMap((e) => [e.from, e.to]));
  const nodes = keyed
    .filter(({ key }) => linked.has(key))
    .map(({ item, key }) => ({
      key,
      type: item.type,
      label: nodeLabel(item, key),
      title: item.title,
      url: item.url,
      outcome: item.outcome,
    }));
  return { nodes, edges };
}

const OUTCOME_WORD: Record<Outcome, string> = {
  landed: '',
  incomplete: 'incomplete fix',
  superseded: 'superseded',
  abandoned: 'abandoned',
};

/**
 * Mermaid flowchart source for the graph. Failed or superseded attempts are drawn with a
 * dashed or dotted outline and carry their outcome in words, so colour is never the only cue.
 */
export function fixGraphMermaid(graph: FixGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.key, `n${i}`]));
  const lines = ['flowchart LR'];
  for (const node of graph.nodes) {
    const outcome = node.outcome ? OUTCOME_WORD[node.outcome] : '';
    // A release's tag says it all; its title would only repeat the version.
    const text = [node.label, node.type === 'release' ? '' : shorten(node.title, 42), outcome && `(${outcome})`]
      .filter(Boolean)
      .map(escapeMermaidText)
      .join('<br/>');
    // Rounded boxes for releases, hexagons for advisories: shapes Mermaid draws with few path points.
    const [open, close] = node.type === 'release' ? ['(', ')'] : node.type === 'advisory' ? ['{{', '}}'] : ['[', ']'];
    lines.push(`  ${ids.get(node.key)}${open}"${text}"${close}`);
    if (node.outcome && node.outcome !== 'landed') lines.push(`  class ${ids.get(node.key)} ${node.outcome}`);
  }
  for (const edge of graph.edges) {
    const from = ids.get(edge.from);
    const to = ids.get(edge.to);
    if (!from || !to) continue;
    lines.push(`  ${from} ${edge.dashed ? '-.->' : '-->'}|${escapeMermaidText(edge.label)}| ${to}`);
  }
  lines.push(
    '  classDef incomplete stroke:#9a4a00,stroke-width:2px,stroke-dasharray:6 4',
    '  classDef superseded stroke:#6b7280,stroke-dasharray:3 3,color:#4b5563',
    '  classDef abandoned stroke:#6b7280,stroke-dasharray:1 4,color:#4b5563',
  );
  return lines.join('\n');
}

/** The fix graph of a history as Mermaid source; nothing when no item relates to another. */
export function fixGraphDiagram(history: History): string | undefined {
  const graph = fixGraph(history);
  return graph.edges.length > 0 ? fixGraphMermaid(graph) : undefined;
}
