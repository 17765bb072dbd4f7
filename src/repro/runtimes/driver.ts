/**
 * What the runner needs from a runtime: find its interpreter, build an environment with one
 * pinned package version (saying where each installed file came from), and start an entry file.
 */
import { basename } from 'node:path';
import type { InstalledPackage } from '../../schemas/repro-results.ts';

export interface ReproEnvironment {
  runtime: string;
  /** The package version this environment pins, or `installed`. */
  version: string;
  /** Absolute path of the interpreter to run the entry with. */
  interpreter: string;
  interpreterVersion: string;
  /** node: the node_modules folder holding the pinned package (NODE_PATH, staging). */
  nodeModules?: string;
  /** The cached folder, when the version is pinned. */
  dir?: string;
  /** True when the folder existed already (nothing was installed this time). */
  cached: boolean;
  /** What the installer put in the environment and where each package came from (pinned versions only). */
  packages?: InstalledPackage[];
}

export interface InstallRequest {
  interpreter: string;
  /** The folder to build the environment in (it does not exist yet). */
  dir: string;
  pkg: string;
  version: string;
  /** A local file to install instead of asking the index (see `localSource`). */
  localFile?: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

export interface StartCommand {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Removes what was staged for the run, if anything. */
  stage?: () => void;
}

/** Why listing a package's versions failed, in words the user can act on. */
export class VersionListingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VersionListingError';
  }
}

/** Every version the package index lists for a package, and how it was asked. */
export interface VersionListing {
  versions: string[];
  /** For the record and the page: `pip index versions redis`. */
  listedBy: string;
}

export interface RuntimeDriver {
  /** The interpreter to look for when the user set none. */
  defaultInterpreter(): string;
  /** Arguments that make the interpreter print its version, `x.y.z`. */
  versionArgs: string[];
  /** How the installer names one pinned version, for progress lines (`redis==4.5.1`). */
  spec(pkg: string, version: string): string;
  /** A file the user provided for this version, installed instead of the index's (it keys the cache). */
  localSource?(pkg: string, version: string, env: NodeJS.ProcessEnv): string | undefined;
  /** Builds the environment: what was installed, or the installer's reason why it could not be. */
  install(request: InstallRequest): Promise<InstalledPackage[] | string>;
  /**
   * Every version the user's package index lists for `pkg` (ranges and `latest` choose among
   * them), with the user's own index settings; throws a VersionListingError that says why not.
   */
  listVersions(pkg: string, interpreter: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<VersionListing>;
  /** The interpreter (and module folder) of an environment built in `dir`. */
  pinned(dir: string, interpreter: string): Pick<ReproEnvironment, 'interpreter' | 'nodeModules'>;
  /** How to start `entry` (a path inside `reproDir`) in `environment`. */
  command(environment: ReproEnvironment, reproDir: string, entry: string, env: NodeJS.ProcessEnv): StartCommand;
}

/**
 * Where a package came from, for the record: a local file is named by its file name only (the
 * folder is this machine's business), a download by its URL.
 */
export function packageSource(url: string): string {
  return url.startsWith('file:') ? basename(decodeURIComponent(new URL(url).pathname)) : url;
}

export function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  );
}
