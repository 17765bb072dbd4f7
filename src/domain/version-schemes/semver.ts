/**
 * npm's versions (semantic versioning): `1.2.3`, `2.0.0-rc.1`. A range may be written as npm
 * writes it (`>=1.2.0 <2`, `^1.2.0`) or with commas as PEP 440 and advisories do
 * (`>=1.2.0, <2`): a comma means "and", which is what a space means to npm.
 */
import semver from 'semver';
import type { VersionScheme } from './scheme.ts';

const npmRange = (range: string) => range.replace(/\s*,\s*/g, ' ').trim();

export const semverScheme: VersionScheme = {
  name: 'semantic versioning (npm)',
  rangeExample: '>=1.2.0, <2.0.0',
  validRange: (range) => semver.validRange(npmRange(range)) !== null,
  // Pre-releases are left out unless the range names one, as npm decides.
  satisfies: (version, range) => semver.valid(version) !== null && semver.satisfies(version, npmRange(range)),
  compare: (a, b) => semver.compare(a, b),
};
