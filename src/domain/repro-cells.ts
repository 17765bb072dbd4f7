/** Names and identities of repro matrix cells, and how their verdicts read. Pure. */
import type { Cell, CellResult } from '../schemas/repro-results.ts';

/** `SLEEP=0.1 N=10`, or '' for a cell without parameters. */
export function parametersText(parameters: Record<string, string>): string {
  return Object.entries(parameters)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** `4.5.3 SLEEP=0.1 N=10`: how a cell is named in progress lines, tables, footnotes and messages. */
export function cellLabel(cell: Cell): string {
  return [cell.version, parametersText(cell.parameters)].filter(Boolean).join(' ');
}

/** The identity of a cell within a repro (version + sorted parameters). */
export function cellKey(cell: Cell): string {
  return JSON.stringify([cell.version, Object.entries(cell.parameters).sort(([a], [b]) => a.localeCompare(b))]);
}

/** `reproduced` or, for a repeated cell, `reproduced (3/10 runs reproduced)`. */
export function describeVerdict(cell: Pick<CellResult, 'verdict' | 'tally'>): string {
  return cell.tally ? `${cell.verdict} (${cell.tally.reproduced}/${cell.tally.runs} runs reproduced)` : cell.verdict;
}

/** Some runs of a repeated cell reproduced and some did not: the outcome depends on timing. */
export function isIntermittent(cell: Pick<CellResult, 'tally'>): boolean {
  return !!cell.tally && cell.tally.reproduced > 0 && cell.tally.reproduced < cell.tally.runs;
}
