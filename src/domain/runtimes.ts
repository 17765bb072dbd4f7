import { pep440 } from './version-schemes/pep440.ts';
import type { VersionScheme } from './version-schemes/scheme.ts';
import { semverScheme } from './version-schemes/semver.ts';

/**
 * The languages a repro can be written in, as the schema and the page know them. Adding one is
 * an entry here, a driver in src/repro/runtimes/ and its registration in that folder's index.
 */
export const RUNTIMES = {
  python: {
    label: 'Python',
    highlight: 'python',
    interpreterVariable: 'REPRO_PYTHON',
    readerInterpreter: '/usr/bin/python3',
    ecosystem: 'PyPI',
    versionScheme: pep440,
  },
  node: {
    label: 'Node.js',
    highlight: 'ts',
    interpreterVariable: 'REPRO_NODE',
    readerInterpreter: undefined,
    ecosystem: 'npm',
    versionScheme: semverScheme,
  },
} as const satisfies Record<string, RuntimeInfo>;

export interface RuntimeInfo {
  /** How the page names it: `Python 3.11.2`. */
  label: string;
  /** The language the snippet is highlighted as. */
  highlight: string;
  /** The environment variable that picks the interpreter. */
  interpreterVariable: string;
  /** The interpreter the page's command line suggests (Debian's, whose packages `installed` uses), if any. */
  readerInterpreter: string | undefined;
  /** Where its packages come from, as OSV names the ecosystem. */
  ecosystem: string;
  /** How its packages' versions and ranges are written and ordered. */
  versionScheme: VersionScheme;
}

export type RuntimeName = keyof typeof RUNTIMES;
export const RUNTIME_NAMES = Object.keys(RUNTIMES) as [RuntimeName, ...RuntimeName[]];

/** The command that runs a repro on a reader's machine. */
export function reproCommand(incident: string, id: string, runtime: RuntimeName): string {
  const info: RuntimeInfo = RUNTIMES[runtime];
  const prefix = info.readerInterpreter ? `${info.interpreterVariable}=${info.readerInterpreter} ` : '';
  return `${prefix}npx aftermath repro ${incident} ${id}`;
}

/** `Python`, `Node.js`; a recording from a runtime this version does not know keeps its own name. */
export function runtimeLabel(runtime: string): string {
  return (RUNTIMES as Record<string, RuntimeInfo>)[runtime]?.label ?? runtime;
}

/** The version scheme of a runtime's packages (a runtime this version does not know: PEP 440). */
export function versionSchemeOf(runtime: string): VersionScheme {
  return (RUNTIMES as Record<string, RuntimeInfo>)[runtime]?.versionScheme ?? pep440;
}
