/** Recorded cells and recordings as results.json holds them, for tests that compare or merge them. */
import type { CellResult, ReproResults, Verdict } from '../../src/schemas/repro-results.ts';
import { EMPTY_TRACE } from '../../src/repro/wire/trace.ts';

export function recordedCell(
  version: string,
  verdict: Verdict,
  parameters: Record<string, string> = {},
  more: Partial<CellResult> = {},
): CellResult {
  return {
    version,
    parameters,
    verdict,
    expectation: 'none',
    exitCode: 0,
    durationMs: 1,
    stdout: '',
    stderr: '',
    trace: EMPTY_TRACE,
    environment: {
      runtime: 'python',
      interpreter: null,
      interpreterVersion: null,
      packageVersionImported: null,
      redisServerVersion: null,
      os: 'Linux',
      node: 'v22',
    },
    ranAt: '2024-01-01T00:00:00Z',
    ...more,
  };
}

export function recording(hash: string, cells: CellResult[]): ReproResults {
  return {
    repro: { incident: 'inc', id: 'r', title: 't', dir: 'repros/r' },
    sourcesHash: hash,
    recordedAt: '2024-01-01T00:00:00Z',
    cells,
  };
}
