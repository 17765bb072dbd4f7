/**
 * A repro that gives a version range (`versions: { range: ">=4.2.0,<=4.5.5" }`) runs every final
 * release the package index lists in it, and `latest` runs the newest. Each runtime lists with its
 * own tool and the user's own index settings (pip for Python, npm for Node; see its driver) and
 * reads versions in its own scheme (src/domain/version-schemes/). Every listed version is run, not
 * a bisection: a range with a gap (fixed, then broken again) is found as two intervals, and each
 * boundary has both neighbours run.
 */
import { runtimeInfo, type RuntimeName, type RuntimeRef } from '../domain/runtimes.ts';
import type { VersionScheme } from '../domain/version-schemes/scheme.ts';
import type { VersionRangeListing } from '../schemas/repro-results.ts';
import type { ReproManifest } from '../schemas/repro.ts';
import { findInterpreter } from './environments.ts';
import { VersionListingError } from './runtimes/driver.ts';
import { runtimeDriver } from './runtimes/index.ts';

export { VersionListingError };

/** The final releases among `listed` that satisfy `range`, oldest first (pre-releases are left out). */
export function versionsInRange(listed: readonly string[], range: string, scheme: VersionScheme): string[] {
  return listed.filter((version) => scheme.satisfies(version, range)).sort(scheme.compare);
}

/**
 * What a repro's `latest` cell installs this time: the newest final release the index lists for
 * its package; undefined when the repro does not ask for `latest`.
 */
export async function latestRelease(manifest: ReproManifest, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const pkg = manifest.package;
  if (!pkg?.versions.includes('latest')) return undefined;
  const interpreter = findInterpreter(manifest, env);
  if (typeof interpreter !== 'string') throw new VersionListingError(interpreter.missing);
  return (await listVersionsInRange(manifest, interpreter, pkg.name, '>=0', env)).versions.at(-1)!;
}

/** The releases of `pkg` in `range` the index lists now, as the runtime's own tool lists them. */
export async function listVersionsInRange(
  runtime: RuntimeName | RuntimeRef,
  interpreter: string,
  pkg: string,
  range: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<VersionRangeListing> {
  const { versions, listedBy } = await runtimeDriver(runtime).listVersions(pkg, interpreter, env, timeoutMs);
  const ref = typeof runtime === 'string' ? { runtime } : runtime;
  const inRange = versionsInRange(versions, range, runtimeInfo(ref).versionScheme);
  if (inRange.length === 0)
    throw new VersionListingError(
      `no release of ${pkg} is in ${range}: ${listedBy} lists ${versions.length} (${versions.slice(0, 8).join(', ')}${versions.length > 8 ? ', …' : ''})`,
    );
  return { range, listedBy, versions: inRange, listedAt: new Date().toISOString() };
}
