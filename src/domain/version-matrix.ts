/**
 * Which package versions a repro's matrix holds: the versions its manifest lists, or for a
 * range every final release in it (those its recording ran are filled in by the archive).
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
