/**
 * The parts of repro.yaml that declare numbers: the measurements a snippet prints
 * (`measure <name>=<value>`), a budget that turns one of them into the verdict, and a chart of
 * one of them (or of the reproduced rate of a repeated cell) against a numeric parameter.
 */
import { z } from 'astro/zod';
import { BUDGET_SYNTAX, REPRODUCED_RATE } from '../domain/measurements.ts';
import { nonEmpty } from './fields.ts';

export const MEASUREMENT_NAME = /^[a-z][a-z0-9_]*$/;
/** A re-check reports a median that moved more than this factor either way unless a measurement says otherwise. */
export const DEFAULT_TOLERANCE = 10;

const measurement = z.strictObject({
  /** As a chart's axis and the page say it: "Time per match". */
  label: nonEmpty('a label, e.g. "Time per match"'),
  /** Written after a value: "ms", "runs", "MB". */
  unit: z.string().default(''),
  better: z.enum(['lower', 'higher'], { error: 'expected better: lower or better: higher' }).default('lower'),
  /** How far (a factor either way) a re-check lets the median move before it reports the move. */
  tolerance: z
    .number({ error: 'expected tolerance as a factor, e.g. 10 (a tenth to ten times the recorded median)' })
    .gt(1, { error: 'tolerance is a factor either way and must be more than 1, e.g. 10' })
    .default(DEFAULT_TOLERANCE),
});
export type MeasurementDeclaration = z.output<typeof measurement>;

export const measurementFields = {
  /** The numbers the snippet prints, by name: { ms_per_match: { label: Time per match, unit: ms } }. */
  measurements: z
    .record(
      z.string().regex(MEASUREMENT_NAME, { error: 'measurement names are lower case with _, e.g. ms_per_match' }),
      measurement,
    )
    .default({}),
  /**
   * The verdict from one measurement: { ms_per_match: "< 100" } means a cell whose value is not
   * below 100 reproduced the failure. Without it, expect's patterns decide.
   */
  budget: z
    .record(z.string(), z.string().regex(BUDGET_SYNTAX, { error: 'expected a budget such as "< 100" (or <=, >, >=)' }))
    .refine((budget) => Object.keys(budget).length === 1, { error: 'a budget names exactly one measurement' })
    .optional(),
  /** A chart drawn at build time under the matrix: `y` against the numeric parameter `x`. */
  chart: z
    .strictObject({
      y: nonEmpty(`a measurement's name, or ${REPRODUCED_RATE}`),
      x: nonEmpty('a parameter whose values are numbers'),
      title: z.string().optional(),
    })
    .optional(),
};

interface MeasuredManifest {
  measurements: Record<string, MeasurementDeclaration>;
  budget?: Record<string, string>;
  chart?: { y: string; x: string };
  parameters: Record<string, (string | number)[]>;
  repeat: number;
  expect: { reproduced?: string; not_reproduced?: string };
}

/** Problems spanning the fields above and the rest of the manifest, each at its path. */
export function measurementChecks(
  manifest: MeasuredManifest,
): { path: PropertyKey[]; message: string; input: unknown }[] {
  const problems: { path: PropertyKey[]; message: string; input: unknown }[] = [];
  const declared = Object.keys(manifest.measurements);
  const known = declared.length ? `the measurements are ${declared.join(', ')}` : 'measurements declares none';
  const [budgetName] = Object.keys(manifest.budget ?? {});
  if (budgetName !== undefined && !declared.includes(budgetName))
    problems.push({
      path: ['budget', budgetName],
      message: `the budget names "${budgetName}", which is not declared under measurements (${known}); declare it there with its label and unit`,
      input: budgetName,
    });
  for (const key of ['reproduced', 'not_reproduced'] as const)
    if (manifest.expect[key] === undefined && budgetName === undefined)
      problems.push({
        path: ['expect', key],
        message: `expected a pattern for expect.${key}, or a budget that decides the verdict from a measurement`,
        input: undefined,
      });
  if (manifest.chart) problems.push(...chartChecks(manifest, manifest.chart, known));
  return problems;
}

function chartChecks(manifest: MeasuredManifest, chart: { y: string; x: string }, known: string) {
  const problems: { path: PropertyKey[]; message: string; input: unknown }[] = [];
  if (chart.y === REPRODUCED_RATE) {
    if (manifest.repeat < 2)
      problems.push({
        path: ['chart', 'y'],
        message: `${REPRODUCED_RATE} is the share of a repeated cell's runs that reproduced; set repeat to 2 or more, or chart a measurement`,
        input: chart.y,
      });
  } else if (!Object.hasOwn(manifest.measurements, chart.y))
    problems.push({
      path: ['chart', 'y'],
      message: `the chart plots "${chart.y}", which is not declared under measurements (${known}, or ${REPRODUCED_RATE} for a repeated repro)`,
      input: chart.y,
    });
  const values = manifest.parameters[chart.x];
  if (!values)
    problems.push({
      path: ['chart', 'x'],
      message: `the chart's x is "${chart.x}", which is not a parameter (${Object.keys(manifest.parameters).join(', ') || 'this repro has none'})`,
      input: chart.x,
    });
  else if (values.some((v) => !Number.isFinite(Number(v)) || Number(v) <= 0))
    problems.push({
      path: ['chart', 'x'],
      message: `the chart's x must be a parameter whose values are numbers above 0; ${chart.x} has ${values.join(', ')}`,
      input: chart.x,
    });
  return problems;
}

/** With a budget and no patterns, the measure line that decides is the one a transcript points at. */
export function budgetPatterns(
  budget: Record<string, string> | undefined,
): { reproduced: string; not_reproduced: string } | undefined {
  const [name] = Object.keys(budget ?? {});
  if (name === undefined) return undefined;
  const line = `^measure\\b.*\\b${name}=`;
  return { reproduced: line, not_reproduced: line };
}
