/** `content/incidents/<slug>/repros/<id>/repro.yaml`: how to run a reproduction and judge it. */
import { z } from 'astro/zod';
import { RUNTIME_NAMES } from '../domain/runtimes.ts';
import { nonEmpty } from './fields.ts';

export const SERVICES = ['redis', 'redis-cluster', 'latency-proxy'] as const;

const pattern = z.string().refine(
  (text) => {
    try {
      new RegExp(text);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected a valid regular expression' },
);

export const reproSchema = z.strictObject({
  title: nonEmpty('a title'),
  description: z.string().optional(),
  runtime: z.enum(RUNTIME_NAMES, { error: `expected runtime to be one of: ${RUNTIME_NAMES.join(', ')}` }),
  /**
   * The file to run, relative to the repro's folder and inside it: everything a repro needs is
   * in its folder, which is what decides whether a recording is stale.
   */
  entry: nonEmpty('the entry file').refine((path) => !/^([\\/]|[a-zA-Z]:)/.test(path) && !path.split(/[\\/]/).includes('..'), {
    error: 'the entry file must be inside the repro folder (a relative path without ".."); copy shared code into the folder',
  }),
  package: z
    .strictObject({
      name: nonEmpty('the package under test'),
      /** Versions to try; "installed" means whatever the interpreter already has. */
      versions: z.array(z.string().min(1)).min(1, { error: 'list at least one version (or "installed")' }),
    })
    .optional(),
  /** Values to sweep: each name reaches the snippet as an environment variable. */
  parameters: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, { error: 'parameter names are environment variable names, e.g. SLEEP' }), z.array(z.union([z.string(), z.number()])).min(1)).default({}),
  services: z.array(z.enum(SERVICES, { error: `expected services from: ${SERVICES.join(', ')}` })).default([]),
  proxy: z
    .strictObject({
      delay_ms: z.number().nonnegative().default(100),
      upstream_delay_ms: z.number().nonnegative().optional(),
      downstream_delay_ms: z.number().nonnegative().optional(),
    })
    .optional(),
  /**
   * Runs per cell, each with fresh services: a race reports a rate ("reproduced 9/10") and the
   * cell is reproduced when at least one run reproduced.
   */
  repeat: z
    .number({ error: 'expected repeat as a whole number of runs per cell' })
    .int({ error: 'repeat must be a whole number' })
    .min(1, { error: 'repeat must be at least 1' })
    .max(100, { error: 'repeat must be at most 100 runs per cell' })
    .default(1),
  timeout_s: z
    .number({ error: 'expected timeout_s as a number of seconds' })
    .positive({ error: 'timeout_s must be more than 0 seconds' })
    .max(3600, { error: 'timeout_s must be at most 3600 seconds (one hour)' })
    .default(60),
  expect: z.strictObject({
    /** A pattern in stdout meaning "the bug showed itself". */
    reproduced: pattern,
    /** A pattern in stdout meaning "behaved correctly". */
    not_reproduced: pattern,
    /** The verdict a correct claim predicts per version; a mismatch fails `npm run repro`. */
    by_version: z.record(z.string(), z.enum(['reproduced', 'not-reproduced'])).default({}),
    /** The verdict predicted per parameter value, e.g. { STRATEGY: { naive: reproduced } }. */
    by_parameter: z.record(z.string(), z.record(z.string(), z.enum(['reproduced', 'not-reproduced']))).default({}),
  }),
});

export type ReproManifest = z.output<typeof reproSchema>;
