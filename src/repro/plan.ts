/**
 * Planning a run: what each selected repro runs this time. A version range becomes the releases
 * the index lists in it now (a --check re-runs the versions recorded instead), `latest` the newest
 * release, the matrix is expanded (and narrowed to one --version), and the cells are dealt into
 * shards over the whole list so that CI machines get equal shares. The repros read from the
 * archive are never changed: a listed range is a new manifest in the plan.
 */
import type { IncidentRepro } from '../domain/incident-record.ts';
import type { Cell, VersionRangeListing } from '../schemas/repro-results.ts';
import { UsageError } from '../errors.ts';
import { inShard, type SelectedRepro } from './cli.ts';
import { findInterpreter } from './environments.ts';
import { expandMatrix, ReproConfigError, type PlanItem } from './runner.ts';
import { latestRelease, listVersionsInRange, VersionListingError } from './version-range.ts';
import { recordedMatrix, withListedVersions } from '../domain/version-matrix.ts';

export interface PlanOptions {
  /** Re-run what was recorded: a range runs the versions its recording listed. */
  check: boolean;
  /** Only this version of each repro. */
  version?: string;
  shard?: { index: number; count: number };
  env: NodeJS.ProcessEnv;
  /** Progress lines (listing can take a while). */
  say(line: string): void;
}

export interface RunPlan {
  items: PlanItem[];
  /** What each range listed, by repro folder, for the record. */
  listings: Map<string, VersionRangeListing>;
  /** Cells in this shard. */
  total: number;
}

/** The plan; a listing that fails, or a --version no repro has, is a UsageError that says which repro. */
export async function planRun(selected: readonly SelectedRepro[], options: PlanOptions): Promise<RunPlan> {
  const listings = new Map<string, VersionRangeListing>();
  const items: PlanItem[] = [];
  for (const { incident, repro: read } of selected) {
    const repro = options.check
      ? { ...read, manifest: recordedMatrix(read) }
      : await withListedRange(read, options, listings);
    let cells: Cell[];
    try {
      cells = expandMatrix(repro.manifest, { version: options.version });
    } catch (error) {
      // With several repros, one that does not list the version simply has nothing to run.
      if (error instanceof ReproConfigError && selected.length > 1) cells = [];
      else throw error;
    }
    items.push({ incident: incident.slug, repro, cells, latest: await latestOf(repro, options) });
  }
  let globalIndex = 0;
  for (const item of items) item.cells = item.cells.filter(() => inShard(globalIndex++, options.shard));
  return { items, listings, total: items.reduce((n, item) => n + item.cells.length, 0) };
}

/** A repro that gives a range, with the releases the index lists in it now as its versions. */
async function withListedRange(
  repro: IncidentRepro,
  { env, say }: PlanOptions,
  listings: Map<string, VersionRangeListing>,
): Promise<IncidentRepro> {
  const pkg = repro.manifest.package;
  if (pkg?.range === undefined) return repro;
  const interpreter = findInterpreter(repro.manifest, env);
  if (typeof interpreter !== 'string') throw new UsageError(interpreter.missing);
  say(`listing the releases of ${pkg.name} in ${pkg.range} …`);
  try {
    const listing = await listVersionsInRange(repro.manifest, interpreter, pkg.name, pkg.range, env);
    listings.set(repro.dir, listing);
    say(`      ${listing.versions.length} release(s) (${listing.listedBy}): ${listing.versions.join(', ')}`);
    return { ...repro, manifest: withListedVersions(repro.manifest, listing) };
  } catch (error) {
    if (error instanceof VersionListingError) throw new UsageError(`${repro.dir}: ${error.message}`);
    throw error;
  }
}

/**
 * What `latest` installs: the newest release the index lists now, --check included: that is
 * what a scheduled check is for (a new release that brings the bug back flips the cell).
 */
async function latestOf(repro: IncidentRepro, { env, say }: PlanOptions): Promise<string | undefined> {
  try {
    const newest = await latestRelease(repro.manifest, env);
    if (newest !== undefined)
      say(`latest ${repro.manifest.package!.name} is ${newest} (the newest final release its index lists)`);
    return newest;
  } catch (error) {
    if (error instanceof VersionListingError) throw new UsageError(`${repro.dir}: latest: ${error.message}`);
    throw error;
  }
}
