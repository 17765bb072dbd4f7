/**
 * `repros/<id>/`: each repro's manifest, its entry file, and what the runner recorded
 * (results.json, regressions.json), with whether the recording still describes the files.
 */
import { posix } from 'node:path';
import type { IncidentRepro } from '../../domain/incident-record.ts';
import { REGRESSIONS_FILE, regressionsSchema, type Regression } from '../../schemas/repro-regressions.ts';
import { RESULTS_FILE, reproResultsSchema, type ReproResults } from '../../schemas/repro-results.ts';
import { reproSchemaFor } from '../../schemas/repro.ts';
import { isStale, parseRecord, sourcesHash } from '../repro-record.ts';
import { readText, readYamlAs, type ReadContext } from './context.ts';

/**
 * `advisories` are history.yaml's advisory ids and aliases, for the ranges a repro compares
 * with (undefined when history.yaml is broken: nothing to check against).
 */
export function readRepros(ctx: ReadContext, advisories: readonly string[] | undefined): IncidentRepro[] {
  const { folder, problems } = ctx;
  const reprosDir = posix.join(folder.dir, 'repros');
  const repros: IncidentRepro[] = [];
  for (const { name: id, folder: isFolder } of folder.entries(reprosDir)) {
    if (!isFolder) continue;
    const dir = posix.join(reprosDir, id);
    const manifestFile = posix.join(dir, 'repro.yaml');
    if (!folder.has(manifestFile) && !folder.isFolder(manifestFile)) {
      problems.push({ file: dir, message: 'this repro folder has no repro.yaml describing how to run it' });
      continue;
    }
    const read = readYamlAs(ctx, manifestFile, reproSchemaFor(ctx.options));
    const manifest = read?.data;
    if (!manifest) continue;
    const entry = posix.normalize(posix.join(dir, manifest.entry));
    const source = folder.has(entry) ? readText(ctx, entry) : undefined;
    if (source === undefined) {
      if (!problems.some((p) => p.file === entry))
        problems.push({
          file: manifestFile,
          line: read.doc.lineOf(['entry']),
          field: 'entry',
          message: `the entry file "${manifest.entry}" does not exist in ${dir}`,
        });
      continue;
    }
    const advisory = manifest.package?.advisory;
    if (advisory !== undefined && advisories && !advisories.includes(advisory))
      problems.push({
        file: manifestFile,
        line: read.doc.lineOf(['package', 'advisory']),
        field: 'package.advisory',
        message: `"${advisory}" is not an advisory in ${folder.dir}/history.yaml (${advisories.length ? `its advisories: ${advisories.join(', ')}` : 'it lists none'}). Add the advisory there with its affected ranges, or fix the id`,
      });
    const results = readRecording<ReproResults>(
      ctx,
      posix.join(dir, RESULTS_FILE),
      reproResultsSchema,
      `Re-record it with npx aftermath repro ${folder.dir.split('/').at(-1)} ${id} (or delete it to show the repro as not yet run)`,
    );
    if (results === null) continue;
    // Open while the recording predates them: recording the repro again settles them.
    const regressions = (
      readRecording<{ regressions: Regression[] }>(
        ctx,
        posix.join(dir, REGRESSIONS_FILE),
        regressionsSchema,
        'Fix it, or delete it once the repro is recorded again',
      )?.regressions ?? []
    ).filter((r) => !results || r.detectedAt >= results.recordedAt);
    repros.push({
      id,
      dir,
      manifest,
      source,
      results,
      stale: results !== undefined && isStale(results, sourcesHash(posix.join(ctx.root, dir))),
      regressions,
    });
  }
  return repros;
}

/** A JSON file the runner wrote: its data, undefined when absent, null (with a problem) when unreadable. */
function readRecording<T>(
  ctx: ReadContext,
  file: string,
  schema: Parameters<typeof parseRecord>[1],
  whatToDo: string,
): T | undefined | null {
  if (!ctx.folder.has(file) && !ctx.folder.isFolder(file)) return undefined;
  const text = readText(ctx, file);
  if (text === undefined) return null;
  const parsed = parseRecord(text, schema);
  if (typeof parsed === 'string') {
    ctx.problems.push({
      file,
      message: `this ${file.endsWith(RESULTS_FILE) ? 'recording' : 'list of regressions'} cannot be read: ${parsed}. ${whatToDo}`,
    });
    return null;
  }
  return parsed as T;
}
