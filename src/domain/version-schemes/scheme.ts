/**
 * How a runtime's package versions are written, ordered and matched by a range: what turns
 * `versions: { range: … }` into the releases to run, places `latest`, and reads the affected
 * ranges an advisory states. Each scheme is one module of this folder; a runtime names its own
 * (src/domain/runtimes.ts).
 */
export interface VersionScheme {
  /** As messages name it: `PEP 440`. */
  name: string;
  /** A range in this scheme, for messages. */
  rangeExample: string;
  validRange(range: string): boolean;
  /** Whether `version` is in `range`; a pre-release only when the range names one. */
  satisfies(version: string, range: string): boolean;
  /** Negative, zero or positive, as for sorting oldest first. */
  compare(a: string, b: string): number;
}
