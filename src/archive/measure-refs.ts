/**
 * `<Measure repro="regex-budget" of="ms_per_match" params="ENGINE=backtracking N=500" />`: the
 * prose states a recorded number only by citing it. With every parameter given it is one cell's
 * median; without the chart's x it is that chart line's fitted growth (`N^3.9`). Resolved
 * against results.json like a `<Verdict>`; a citation of a value never recorded fails the build.
 */
import { formatMeasurement, growthText } from '../domain/measurements.ts';
import { parametersText } from '../domain/repro-cells.ts';
import { listOrNone } from '../domain/text.ts';
import type { ReproManifest } from '../schemas/repro.ts';
import {
  parseParams,
  resolveVerdict,
  verdictMention,
  type CitableRepro,
  type Resolution,
  type VerdictCitation,
} from './verdict-refs.ts';
import type { ComponentUse } from './story.ts';

export interface MeasureCitation extends VerdictCitation {
  of?: string;
}

/** What `<Measure>` needs of a repro: a `<Verdict>`'s, and the measurements and chart it declares. */
export type MeasurableRepro = CitableRepro & { manifest: Pick<ReproManifest, 'measurements' | 'chart'> };

export type MeasureResolution = Resolution<{ repro: MeasurableRepro; text: string; title: string }>;

export function resolveMeasure(
  citation: MeasureCitation,
  repros: readonly MeasurableRepro[],
  incident: string,
): MeasureResolution {
  const repro = repros.find((r) => r.id === citation.repro);
  // Which repro, and whether it is recorded: as for a <Verdict>.
  if (!repro || !repro.results?.cells.length) {
    const resolved = resolveVerdict(citation, repros, incident);
    return resolved.ok ? { ok: false, message: 'no recording' } : resolved;
  }
  const declared = Object.keys(repro.manifest.measurements);
  const name = citation.of;
  if (!name || !Object.hasOwn(repro.manifest.measurements, name))
    return {
      ok: false,
      message: `${name ? `"${name}" is not a measurement of` : '<Measure> needs of="…" naming a measurement of'} the repro "${repro.id}" (${repro.dir}/repro.yaml declares: ${listOrNone(declared)})`,
    };
  const params = citation.params === undefined ? {} : parseParams(citation.params);
  if (typeof params === 'string') return { ok: false, message: params };
  const { unit, label } = repro.manifest.measurements[name]!;
  const chart = repro.manifest.chart;
  if (chart?.y === name && !(chart.x in params)) return growthOf(repro, name, chart.x, citation.version, params);
  const resolved = resolveVerdict(citation, repros, incident);
  if (!resolved.ok) return resolved;
  const value = resolved.cell.measurements?.[name];
  if (!value)
    return {
      ok: false,
      unrecorded: true,
      message: `the cell ${parametersText(resolved.cell.parameters) || resolved.cell.version} of "${repro.id}" recorded no ${name} (its snippet printed no "measure ${name}=…" line); record it again once it does, or cite another cell`,
    };
  const runs = value.values.length;
  return {
    ok: true,
    repro,
    text: `${formatMeasurement(value.median)}${unit ? ` ${unit}` : ''}`,
    title: `${label}: ${runs > 1 ? `the median of ${runs} runs (${formatMeasurement(value.min)} to ${formatMeasurement(value.max)})` : 'one run'}, recorded ${repro.results!.recordedAt.slice(0, 10)}`,
  };
}

/** A chart line's fitted growth, as results.json recorded it. */
function growthOf(
  repro: MeasurableRepro,
  name: string,
  x: string,
  version: string | undefined,
  params: Record<string, string>,
): MeasureResolution {
  const fits = (repro.results!.fits ?? []).filter((f) => f.measurement === name && (!version || f.version === version));
  const lines = fits.map((f) => parametersText(f.parameters) || f.version);
  const matching = fits.filter(
    (f) =>
      Object.keys(f.parameters).length === Object.keys(params).length &&
      Object.entries(params).every(([k, v]) => f.parameters[k] === v),
  );
  if (matching.length !== 1)
    return {
      ok: false,
      unrecorded: fits.length === 0,
      message: fits.length
        ? `${matching.length ? 'several' : 'no'} recorded line${matching.length ? 's' : ''} of "${repro.id}" match${matching.length ? '' : 'es'} ${parametersText(params) || 'these params'}${matching.length ? '; add version="…"' : ''} (its lines: ${listOrNone(lines)}). Name one line with params="…" and leave out ${x}, or give ${x} to cite one cell's value`
        : `the repro "${repro.id}" has no fitted growth of ${name} recorded; record it again (npx aftermath repro … ${repro.id}) so results.json carries its fits`,
    };
  const fit = matching[0]!;
  return {
    ok: true,
    repro,
    text: growthText(x, fit.slope),
    title: `the log–log slope of ${name} against ${x} over ${fit.points} recorded points (${parametersText(fit.parameters) || fit.version})`,
  };
}

/** Every citation that names no recorded value, located (`recording`: cells a run would record are not problems yet). */
export function measureFindings(
  uses: readonly ComponentUse[],
  repros: readonly MeasurableRepro[],
  incident: string,
  recording = false,
): { line: number; field: string; message: string }[] {
  return uses.flatMap((use) => {
    const mention = verdictMention(use);
    const of = use.attributes.of;
    if (mention.dynamic.length > 0 || use.dynamic.includes('of'))
      return [
        {
          line: use.line,
          field: use.tag,
          message:
            'write repro, of, version and params as literal strings, so the build can check that the value was recorded',
        },
      ];
    const resolved = resolveMeasure({ ...mention, of: typeof of === 'string' ? of : undefined }, repros, incident);
    return resolved.ok || (recording && resolved.unrecorded)
      ? []
      : [{ line: use.line, field: use.tag, message: resolved.message }];
  });
}
