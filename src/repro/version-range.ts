/**
 * A repro that gives a version range (`versions: { range: ">=4.2.0,<=4.5.5" }`) runs every final
 * release the index lists in it. The listing is pip's own (`pip index versions`), so it honours
 * the user's index configuration exactly as the installs do (PIP_INDEX_URL, PIP_FIND_LINKS,
 * PIP_NO_INDEX, pip.conf). Every listed version is run, not a bisection: a range with a gap
 * (fixed, then broken again) is found as two intervals, and each boundary has both neighbours run.
 */
import { compare, satisfies } from '@renovatebot/pep440';
import { join } from 'node:path';
import type { VersionRangeListing } from '../schemas/repro-results.ts';
import type { ReproManifest } from '../schemas/repro.ts';
import { makeTempDir } from './cleanup.ts';
import { findInterpreter } from './environments.ts';
import { runSupervised } from './process.ts';
import { lastLine } from './runtimes/driver.ts';
import { pipProblem } from './runtimes/python.ts';

/** The final releases among `listed` that satisfy `range`, oldest first (pre-releases are left out). */
export function versionsInRange(listed: readonly string[], range: string): string[] {
  return listed.filter((version) => satisfies(version, range)).sort(compare);
}

/** The versions pip lists for `pkg`, from a line `Available versions: 4.5.5, 4.5.4, …`. */
export function parsePipIndexVersions(output: string): string[] | undefined {
  const line = output.split('\n').find((l) => l.startsWith('Available versions:'));
  return line
    ?.slice('Available versions:'.length)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Why listing failed, in words the user can act on. */
export class VersionListingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VersionListingError';
  }
}

/**
 * Lists the versions of `pkg` in `range` with pip, run from a throwaway venv of `interpreter`
 * (a system Python may have no pip of its own; a venv always has one).
 */
/**
 * What a repro's `latest` cell installs this time: the newest final release pip lists for its
 * package; undefined when the repro does not ask for `latest`.
 */
export async function latestRelease(manifest: ReproManifest, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const pkg = manifest.package;
  if (!pkg?.versions.includes('latest')) return undefined;
  const interpreter = findInterpreter(manifest.runtime, env);
  if (typeof interpreter !== 'string') throw new VersionListingError(interpreter.missing);
  return (await listVersionsInRange(interpreter, pkg.name, '>=0', env)).versions.at(-1)!;
}

export async function listVersionsInRange(
  interpreter: string,
  pkg: string,
  range: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<VersionRangeListing> {
  const temp = makeTempDir('run');
  try {
    const venv = await runSupervised(interpreter, ['-m', 'venv', temp.dir], { env, timeoutMs });
    if (venv.exitCode !== 0)
      throw new VersionListingError(
        `could not create a venv with ${interpreter} to list ${pkg}'s versions (${lastLine(venv.stderr + venv.stdout) || `exit ${venv.exitCode}`}); on Debian: apt-get install python3-venv`,
      );
    const args = ['-m', 'pip', 'index', 'versions', '--disable-pip-version-check', pkg];
    const listed = await runSupervised(join(temp.dir, 'bin', 'python'), args, { env, timeoutMs });
    const versions = listed.exitCode === 0 ? parsePipIndexVersions(listed.stdout) : undefined;
    if (!versions)
      throw new VersionListingError(
        `pip could not list the versions of ${pkg}: ${pipProblem(listed.stdout + listed.stderr, listed.timedOut, env)}`,
      );
    const inRange = versionsInRange(versions, range);
    if (inRange.length === 0)
      throw new VersionListingError(
        `no release of ${pkg} that pip lists is in ${range} (pip lists ${versions.length}: ${versions.slice(0, 8).join(', ')}${versions.length > 8 ? ', …' : ''})`,
      );
    return { range, listedBy: `pip index versions ${pkg}`, versions: inRange, listedAt: new Date().toISOString() };
  } finally {
    temp.remove();
  }
}
