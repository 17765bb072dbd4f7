/** Python's versions (PEP 440): `4.5.5`, `3.0rc1`; ranges as comparisons joined by commas. */
import { compare, satisfies, validRange } from '@renovatebot/pep440';
import type { VersionScheme } from './scheme.ts';

export const pep440: VersionScheme = {
  name: 'PEP 440',
  rangeExample: '>=4.2.0,<=4.5.5',
  validRange: (range) => Boolean(validRange(range)),
  // A pre-release satisfies a range only when the range names one, as pip decides.
  satisfies: (version, range) => satisfies(version, range),
  compare,
};
