/**
 * Node repros: a node_modules folder per pinned version, filled by npm with the user's own npm
 * configuration. Offline: with REPRO_NPM_TARBALLS=<folder>, `pkg@v` is installed from
 * `<folder>/<pkg>-<v>.tgz` (the name `npm pack` gives it) when that file exists.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import type { InstalledPackage } from '../../schemas/repro-results.ts';
import { makeTempDir } from '../cleanup.ts';
import { runSupervised } from '../process.ts';
import { lastLine, packageSource, VersionListingError, type RuntimeDriver, type VersionListing } from './driver.ts';

export const node: RuntimeDriver = {
  listVersions: listWithNpm,
  defaultInterpreter: () => process.execPath,
  versionArgs: ['-p', 'process.versions.node'],
  spec: (pkg, version) => `${pkg}@${version}`,
  localSource(pkg, version, env) {
    if (!env.REPRO_NPM_TARBALLS) return undefined;
    const file = join(env.REPRO_NPM_TARBALLS, tarballName(pkg, version));
    return existsSync(file) ? file : undefined;
  },
  async install({ dir, pkg, version, localFile, env, timeoutMs }) {
    mkdirSync(dir, { recursive: true });
    // A package.json makes this folder npm's prefix, so npm never walks up into a project.
    writeFileSync(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: 'aftermath-repro-env', private: true }, null, 2)}\n`,
    );
    const npm = env.REPRO_NPM || 'npm';
    // --no-audit/--no-fund only skip reports; registry and cache settings stay the user's.
    const result = await runSupervised(npm, ['install', '--no-audit', '--no-fund', localFile ?? `${pkg}@${version}`], {
      cwd: dir,
      env,
      timeoutMs,
    });
    if (result.exitCode !== 0)
      return `npm could not install ${pkg}@${version}: ${npmProblem(result.stdout + result.stderr, result.timedOut, result.spawnError)}`;
    const manifest = join(dir, 'node_modules', pkg, 'package.json');
    const installed = existsSync(manifest)
      ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version
      : undefined;
    if (installed !== version)
      return `npm installed ${pkg}@${installed ?? 'nothing'} when asked for ${version}${localFile ? ` (from ${localFile})` : ''}`;
    return packagesFromNpmLock(join(dir, 'package-lock.json'));
  },
  pinned: (dir, interpreter) => ({ interpreter, nodeModules: join(dir, 'node_modules') }),
  /**
   * With a pinned version: a staged copy of the repro folder next to a `node_modules` link,
   * because ES modules resolve packages from the file's own location and ignore NODE_PATH
   * (which is set too, for require()).
   */
  command(environment, reproDir, entry, baseEnv) {
    if (!environment.nodeModules)
      return { command: environment.interpreter, args: [join(reproDir, entry)], cwd: reproDir, env: { ...baseEnv } };
    const { dir: stageDir, remove: stage } = makeTempDir('run');
    cpSync(reproDir, stageDir, {
      recursive: true,
      filter: (src) => !['node_modules', 'results.json'].includes(basename(src)) || src === reproDir,
    });
    symlinkSync(environment.nodeModules, join(stageDir, 'node_modules'), 'dir');
    const env = { ...baseEnv, NODE_PATH: [environment.nodeModules, baseEnv.NODE_PATH].filter(Boolean).join(delimiter) };
    return { command: environment.interpreter, args: [join(stageDir, entry)], cwd: stageDir, env, stage };
  },
};

/**
 * The versions the registry lists (`npm view <pkg> versions`, with the user's registry and
 * cache settings); offline, with REPRO_NPM_TARBALLS, the versions whose tarballs are in that
 * folder, which is what the installs would use.
 */
async function listWithNpm(
  pkg: string,
  _interpreter: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<VersionListing> {
  if (env.REPRO_NPM_TARBALLS) {
    const prefix = tarballName(pkg, '').slice(0, -'.tgz'.length);
    const versions = existsSync(env.REPRO_NPM_TARBALLS)
      ? readdirSync(env.REPRO_NPM_TARBALLS)
          .filter((file) => file.startsWith(prefix) && file.endsWith('.tgz'))
          .map((file) => file.slice(prefix.length, -'.tgz'.length))
      : [];
    if (versions.length === 0)
      throw new VersionListingError(
        `no tarball of ${pkg} (${prefix}<version>.tgz) in REPRO_NPM_TARBALLS=${env.REPRO_NPM_TARBALLS}; unset it to ask the registry`,
      );
    return { versions, listedBy: `the ${pkg} tarballs in REPRO_NPM_TARBALLS` };
  }
  const npm = env.REPRO_NPM || 'npm';
  const listed = await runSupervised(npm, ['view', pkg, 'versions', '--json'], { env, timeoutMs });
  let versions: unknown;
  try {
    versions = listed.exitCode === 0 ? JSON.parse(listed.stdout) : undefined;
  } catch {
    versions = undefined;
  }
  // npm prints a single version as a string, several as a list.
  if (typeof versions === 'string') versions = [versions];
  if (!Array.isArray(versions) || versions.length === 0)
    throw new VersionListingError(
      `npm could not list the versions of ${pkg}: ${npmProblem(listed.stdout + listed.stderr, listed.timedOut, listed.spawnError)}`,
    );
  return { versions: versions.map(String), listedBy: `npm view ${pkg} versions` };
}

/** The file name `npm pack` gives a package: `@scope/pkg` → `scope-pkg-1.0.0.tgz`. */
export function tarballName(pkg: string, version: string): string {
  return `${pkg.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/** The packages npm resolved, from its lockfile: `resolved` is the tarball URL, `integrity` its hash. */
export function packagesFromNpmLock(file: string): InstalledPackage[] {
  let lock: { packages?: Record<string, { version?: string; resolved?: string; integrity?: string }> };
  try {
    lock = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  return Object.entries(lock.packages ?? {}).flatMap(([path, entry]) => {
    const name = path.split('node_modules/').at(-1);
    if (!path || !name || !entry.version) return [];
    // npm records sha512 in SRI form; only a sha256 fits the field, so others stay null.
    const sha256 = entry.integrity?.startsWith('sha256-')
      ? Buffer.from(entry.integrity.slice(7), 'base64').toString('hex')
      : null;
    return [{ name, version: entry.version, source: entry.resolved ? packageSource(entry.resolved) : 'npm', sha256 }];
  });
}

/** Why npm failed: the error code in words and npm's most specific error line. */
export function npmProblem(output: string, timedOut: boolean, spawnError?: string): string {
  if (timedOut) return 'timed out';
  if (spawnError) return spawnError;
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^npm (error|ERR!)/.test(l))
    .map((l) => l.replace(/^npm (error|ERR!)\s*/, ''))
    .filter((l) => l && !/complete log of this run|^code \S+$/.test(l));
  const code = /npm (?:error|ERR!) code (\S+)/.exec(output)?.[1];
  const what =
    code && /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|ECONNRESET/.test(code)
      ? 'no registry reachable'
      : code === 'E404'
        ? 'no such package or version on the registry'
        : code === 'ETARGET'
          ? 'no such version on the registry'
          : code === 'ENOTCACHED'
            ? 'not in the npm cache (npm is offline)'
            : 'failed';
  return `${what} (${lines[0] ?? lastLine(output) ?? code ?? 'no output'})`;
}
