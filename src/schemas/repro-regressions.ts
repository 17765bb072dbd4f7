/**
 * `content/incidents/<slug>/repros/<id>/regressions.json`: verdicts a re-run found flipped
 * (`npx aftermath repro --check --record-regressions`, which the scheduled workflow runs). Each
 * entry keeps both sides with their transcripts. The site shows a regression notice until the
 * repro is recorded again after it was found; the updates feed carries each one as news.
 */
import { z } from 'astro/zod';

export const REGRESSIONS_FILE = 'regressions.json';

const side = z.object({
  verdict: z.enum(['reproduced', 'not-reproduced', 'error', 'skipped']),
  /** When that side ran (ISO). */
  ranAt: z.string(),
  /** The package version the snippet imported, when it said. */
  imported: z.string().nullable(),
  stdout: z.string(),
  reason: z.string().optional(),
});

export const regressionSchema = z.object({
  cell: z.object({ version: z.string(), parameters: z.record(z.string(), z.string()) }),
  /** When the re-run that found it finished (ISO). */
  detectedAt: z.string(),
  recorded: side,
  fresh: side,
});

export const regressionsSchema = z.object({ regressions: z.array(regressionSchema) });

export type Regression = z.output<typeof regressionSchema>;
export type Regressions = z.output<typeof regressionsSchema>;
