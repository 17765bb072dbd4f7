/**
 * Pieces shared by `npx aftermath repro` and `npm run bench:repro`: choosing repros from the
 * archive by incident and id, shards, and plain-text tables.
 */
import type { IncidentRecord, IncidentRepro } from '../domain/incident-record.ts';
import { UsageError } from '../errors.ts';

export interface SelectedRepro {
  incident: IncidentRecord;
  repro: IncidentRepro;
}

/**
 * The repros to run: all of them, all of one incident, or one. Incidents match by slug or
 * by folder name, so both the URL and the path an author sees work.
 */
export function selectRepros(incidents: IncidentRecord[], incident?: string, repro?: string): SelectedRepro[] {
  let chosen = incidents;
  if (incident) {
    chosen = incidents.filter((i) => i.slug === incident || i.dir.split('/').pop() === incident);
    if (!chosen.length) {
      const withRepros = incidents.filter((i) => i.repros.length).map((i) => i.slug);
      throw new UsageError(
        `no incident "${incident}"${withRepros.length ? `; incidents with repros: ${withRepros.join(', ')}` : ' (and no incident has repros yet)'}`,
      );
    }
  }
  const selected = chosen.flatMap((i) =>
    i.repros.filter((r) => !repro || r.id === repro).map((r) => ({ incident: i, repro: r })),
  );
  if (repro && !selected.length) {
    const ids = chosen.flatMap((i) => i.repros.map((r) => r.id));
    throw new UsageError(
      `no repro "${repro}" in ${incident}${ids.length ? `; it has: ${ids.join(', ')}` : ' (it has no repros)'}`,
    );
  }
  return selected;
}

/** `--shard 2/3` → the second of three shards (1-based, as in vitest and playwright). */
export function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count)
    throw new UsageError(`--shard expects i/n with 1 ≤ i ≤ n, e.g. 1/3; got "${text}"`);
  return { index, count };
}

/** Shard i/n takes every n-th item of the global list, starting at item i. */
export function inShard(globalIndex: number, shard: { index: number; count: number } | undefined): boolean {
  return !shard || globalIndex % shard.count === shard.index - 1;
}

/** Left-aligned columns separated by two spaces, with a rule under the header. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The value at quantile `q` (0..1) of unsorted numbers, nearest-rank. */
export function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
