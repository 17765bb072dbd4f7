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

/** A language a site declares for its repros (validated by `siteRuntime` in schemas/repro.ts). */
export interface SiteRuntime {
  label: string;
  /** The interpreter: a program on PATH or its path. */
  command: string;
  versionArgs: string[];
  /** How the entry file is run: `{entry}` is its path. */
  args: string[];
  highlight: string;
}

/** A repro's runtime: one of Aftermath's by name, or the site's own with its declaration. */
export interface RuntimeRef {
  runtime: string;
  siteRuntime?: SiteRuntime;
}

/** The variable that picks a site runtime's interpreter: perl → REPRO_PERL. */
const interpreterVariableOf = (name: string) => `REPRO_${name.toUpperCase().replace(/-/g, '_')}`;

/** What the schema, the page and the runner know of a repro's runtime, Aftermath's or the site's. */
export function runtimeInfo({ runtime, siteRuntime }: RuntimeRef): RuntimeInfo {
  if (siteRuntime)
    return {
      label: siteRuntime.label,
      highlight: siteRuntime.highlight,
      interpreterVariable: interpreterVariableOf(runtime),
      readerInterpreter: undefined,
      ecosystem: '',
      versionScheme: pep440,
    };
  return (
    (RUNTIMES as Record<string, RuntimeInfo>)[runtime] ?? { ...RUNTIMES.python, label: runtime, highlight: 'text' }
  );
}

/** The command that runs a repro on a reader's machine. */
export function reproCommand(incident: string, id: string, runtime: RuntimeRef): string {
  const info = runtimeInfo(runtime);
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
