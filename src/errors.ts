/**
 * The catalogue of the errors Aftermath's commands and build raise, one entry per error class:
 * what it means, what to do, and the exit code a command ends with (as Astro keeps one catalogue
 * of its errors). The message at the throw says what happened, with the file, field or value; the
 * hint says what to do about it in general. `aftermath` prints both for an error that reaches it;
 * docs/errors.md is this list, and a test keeps the two, and every error class in src/, in step.
 */

interface ErrorEntry {
  /** What it means, in a few words. */
  means: string;
  /** What to do. */
  hint: string;
  /** 1: the work failed; 2: the command line or the machine's set-up is wrong. */
  exitCode: 1 | 2;
}

export const ERRORS = {
  UsageError: {
    means: 'a command line the command cannot run',
    hint: 'the command with --help lists its arguments and options',
    exitCode: 2,
  },
  OptionsError: {
    means: 'an option of aftermath() in astro.config is wrong',
    hint: 'fix the option named; docs/configuration.md lists every option with its default',
    exitCode: 1,
  },
  ContentError: {
    means: 'incident files with problems',
    hint: 'fix each file at the line named; npm run check lists every problem at once',
    exitCode: 1,
  },
  ChromiumMissingError: {
    means: 'no Chromium to draw diagrams, cards and PDFs with',
    hint: 'install Debian’s chromium (scripts/bootstrap does), or point CHROMIUM_PATH at one',
    exitCode: 2,
  },
  MermaidRenderError: {
    means: 'Mermaid could not draw a diagram',
    hint: 'fix the diagram at the line named; mermaid.live shows the same error as you type',
    exitCode: 1,
  },
  ServiceError: {
    means: 'a service a repro needs could not start',
    hint: 'install the server named (e.g. apt-get install redis-server), or fix its declaration in repro.yaml or the site’s services',
    exitCode: 2,
  },
  PortClash: {
    means: 'another program took a port between the runner choosing it and the server binding it',
    hint: 'the runner tries again on new ports; if it keeps happening, something on this machine is taking ports as they free up',
    exitCode: 1,
  },
  VersionListingError: {
    means: 'the package index could not list a package’s versions',
    hint: 'check the index settings (pip: PIP_INDEX_URL, PIP_FIND_LINKS, pip.conf; npm: its registry), or list the versions in repro.yaml',
    exitCode: 2,
  },
  ReproConfigError: {
    means: 'a run asked for something the repro does not have',
    hint: 'ask for a version or cell its repro.yaml lists',
    exitCode: 2,
  },
  MergeError: {
    means: 'shards that do not add up to the repro’s matrix',
    hint: 'run the missing shards, or re-run the shards that disagree, then merge again',
    exitCode: 1,
  },
  RecordingError: {
    means: 'a results.json that cannot be read as a recording',
    hint: 'record the repro again with npx aftermath repro and its incident and id, or delete results.json',
    exitCode: 1,
  },
  LiveRunError: {
    means: 'a live run asked for an incident or repro the archive does not have',
    hint: 'reload the page: the archive changed since it was drawn',
    exitCode: 1,
  },
  ImportError: {
    means: 'an import could not read its source or would write an invalid file',
    hint: 'check the address, token and network, or the file named; nothing was written',
    exitCode: 1,
  },
  InitError: {
    means: 'aftermath init cannot write the site into this folder',
    hint: 'start in an empty folder, or one holding only what npm init left',
    exitCode: 1,
  },
  ScaffoldError: {
    means: 'aftermath new cannot make the incident’s folder',
    hint: 'give a title, and a date and folder that are free',
    exitCode: 1,
  },
} as const satisfies Record<string, ErrorEntry>;

type ErrorName = keyof typeof ERRORS;

/** A command line the command cannot run: printed without a stack, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The catalogue's entry for an error Aftermath raised, or undefined for any other (a bug: its stack is wanted). */
export function catalogued(error: unknown): ErrorEntry | undefined {
  if (!(error instanceof Error) || !Object.hasOwn(ERRORS, error.name)) return undefined;
  return ERRORS[error.name as ErrorName];
}
