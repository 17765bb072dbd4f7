/**
 * Which package versions a repro's matrix holds: the versions its manifest lists, or for a
 * range every final release in it (as a listing found them: a fresh one when a run is planned,
 * the recording's when a page shows one).
 */
import type { VersionScheme } from './version-schemes/scheme.ts';

export interface MatrixPackage {
  versions: readonly string[];
  range?: string;
}

/** Whether `version` belongs to the matrix: listed, or a final release inside the range. */
export function inVersionMatrix(pkg: MatrixPackage | undefined, version: string, scheme: VersionScheme): boolean {
  if (!pkg) return version === 'installed';
  return pkg.versions.includes(version) || (pkg.range !== undefined && scheme.satisfies(version, pkg.range));
}

/** The matrix's versions in words, for messages: `4.5.4, 4.5.5` or `the releases in >=4.2.0,<=4.5.5`. */
export function describeVersionMatrix(pkg: MatrixPackage | undefined): string {
  if (!pkg) return 'installed';
  return pkg.range !== undefined ? `the releases in ${pkg.range}` : pkg.versions.join(', ');
}

/** What listing a range found: which range, and the releases in it, oldest first. */
export interface RangeListing {
  range: string;
  versions: readonly string[];
}

/**
 * The manifest with a range's versions filled in from a listing of that same range; a new
 * object, so the manifest as read keeps saying what repro.yaml says. Without a matching
 * listing (no range, never recorded, the range edited since) it is returned as it is.
 */
export function withListedVersions<M extends { package?: { versions: string[]; range?: string } }>(
  manifest: M,
  listing: RangeListing | undefined,
): M {
  const pkg = manifest.package;
  if (pkg?.range === undefined || listing?.range !== pkg.range) return manifest;
  return { ...manifest, package: { ...pkg, versions: [...listing.versions] } };
}

/** A recorded repro's manifest with the versions its recording ran (what its page and badge show). */
export function recordedMatrix<M extends { package?: { versions: string[]; range?: string } }>(repro: {
  manifest: M;
  results?: { versionRange?: RangeListing };
}): M {
  return withListedVersions(repro.manifest, repro.results?.versionRange);
}
