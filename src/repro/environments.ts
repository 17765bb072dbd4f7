/**
 * One environment per (runtime, package, version): a Python venv or a node_modules folder
 * with exactly that version installed, cached between runs. A version that cannot be
 * installed makes its cells `skipped`, with the installer's own reason: a repro must never
 * claim a version ran when it did not.
 *
 * Installers honour their own configuration (pip.conf, PIP_INDEX_URL, PIP_FIND_LINKS,
 * PIP_NO_INDEX, .npmrc, npm_config_*): the environment is passed through untouched.
 *
 * Offline node mode: with REPRO_NPM_TARBALLS=<folder>, `pkg@v` is installed from
 * `<folder>/<pkg>-<v>.tgz` (the name `npm pack` gives it; `@scope/pkg` → `scope-pkg-<v>.tgz`)
 * when that file exists, and from the registry otherwise.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { trackDir } from './cleanup.ts';
import { findExecutable } from './services/redis.ts';
import { runSupervised } from './process.ts';
import type { InstalledPackage } from '../schemas/repro-results.ts';

export type Runtime = 'python' | 'node';

export interface ReproEnvironment {
  runtime: Runtime;
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

export type EnvironmentResult = { ok: true; environment: ReproEnvironment } | { ok: false; reason: string };

export interface EnvironmentOptions {
  env?: NodeJS.ProcessEnv;
  /** Root of the cache; default `${XDG_CACHE_HOME:-~/.cache}/aftermath/repro-envs`. */
  cacheDir?: string;
  /** For venv + pip install, or npm install. Default $REPRO_INSTALL_TIMEOUT_S or 600 s. */
  installTimeoutMs?: number;
  /** Progress messages ("installing redis==4.5.1 …"). */
  log?: (message: string) => void;
}

const COMPLETE = '.aftermath-env.json';

/** `${XDG_CACHE_HOME:-~/.cache}/aftermath/repro-envs` */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'aftermath', 'repro-envs');
}

/** The cache key: everything that decides what ends up installed. */
export function environmentKey(parts: { runtime: Runtime; pkg: string; version: string; interpreter: string; source?: string }): string {
  // The leading tag changes when what a cached environment records changes (v2: provenance).
  return createHash('sha256').update(JSON.stringify(['v2', parts.runtime, parts.pkg, parts.version, parts.interpreter, parts.source ?? ''])).digest('hex').slice(0, 20);
}

/** The file name `npm pack` gives a package: `@scope/pkg` → `scope-pkg-1.0.0.tgz`. */
export function tarballName(pkg: string, version: string): string {
  return `${pkg.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/**
 * Gets (or builds and caches) the environment for one version. `pkg` undefined or version
 * `installed` means the interpreter as it is.
 */
export async function prepareEnvironment(runtime: Runtime, pkg: string | undefined, version: string, options: EnvironmentOptions = {}): Promise<EnvironmentResult> {
  const env = options.env ?? process.env;
  const wanted = runtime === 'python' ? env.REPRO_PYTHON || 'python3' : env.REPRO_NODE || process.execPath;
  const found = findExecutable(wanted, env.PATH);
  if (!found) return { ok: false, reason: `${runtime} interpreter "${wanted}" not found${runtime === 'python' ? ' (set REPRO_PYTHON to its path)' : ' (set REPRO_NODE)'}` };
  const interpreter = realpathSync(found);
  const interpreterVersion = await versionOf(runtime, interpreter, env);
  if (!interpreterVersion) return { ok: false, reason: `${interpreter} did not report its version; is it a working ${runtime}?` };
  if (!pkg || version === 'installed') return { ok: true, environment: { runtime, version, interpreter, interpreterVersion, cached: true } };

  const timeoutMs = options.installTimeoutMs ?? Number(env.REPRO_INSTALL_TIMEOUT_S || 600) * 1000;
  const cacheRoot = options.cacheDir ?? defaultCacheDir(env);
  let tarball: string | undefined;
  if (runtime === 'node' && env.REPRO_NPM_TARBALLS) {
    const file = join(env.REPRO_NPM_TARBALLS, tarballName(pkg, version));
    if (existsSync(file)) tarball = file;
  }
  const source = tarball ? `tarball:${createHash('sha256').update(readFileSync(tarball)).digest('hex')}` : undefined;
  const dir = join(cacheRoot, environmentKey({ runtime, pkg, version, interpreter, source }));
  const ready = (cached: boolean): EnvironmentResult => ({
    ok: true,
    environment: {
      packages: readMarker(dir).packages,
      runtime,
      version,
      interpreter: runtime === 'python' ? join(dir, 'bin', 'python') : interpreter,
      interpreterVersion,
      ...(runtime === 'node' ? { nodeModules: join(dir, 'node_modules') } : {}),
      dir,
      cached,
    },
  });
  if (existsSync(join(dir, COMPLETE))) return ready(true);

  // Build in a private folder and rename it into place: a concurrent run (another shard)
  // building the same key either wins the rename or discards its copy; no one sees half a venv.
  mkdirSync(cacheRoot, { recursive: true });
  const building = `${dir}.building-${process.pid}-${Date.now()}`;
  const discard = trackDir(building);
  try {
    options.log?.(`installing ${runtime === 'python' ? `${pkg}==${version}` : `${pkg}@${version}`}${tarball ? ` from ${tarball}` : ''} …`);
    const built = runtime === 'python' ? await buildVenv(interpreter, building, pkg, version, env, timeoutMs) : await buildNodeModules(building, pkg, version, tarball, env, timeoutMs);
    if (typeof built === 'string') return { ok: false, reason: built };
    const marker = { runtime, pkg, version, interpreter, interpreterVersion, source: source ?? 'index', packages: built, createdAt: new Date().toISOString() };
    writeFileSync(join(building, COMPLETE), `${JSON.stringify(marker, null, 2)}\n`);
    try {
      renameSync(building, dir);
    } catch (error) {
      // Someone else finished first; theirs is as good as ours.
      if (!existsSync(join(dir, COMPLETE))) throw error;
      return ready(true);
    }
    return ready(false);
  } finally {
    discard();
  }
}

function readMarker(dir: string): { packages?: InstalledPackage[] } {
  try {
    return JSON.parse(readFileSync(join(dir, COMPLETE), 'utf8')) as { packages?: InstalledPackage[] };
  } catch {
    return {};
  }
}

/**
 * Where a package came from, for the record: a local file is named by its file name only (the
 * folder is this machine's business), a download by its URL.
 */
export function packageSource(url: string): string {
  return url.startsWith('file:') ? basename(decodeURIComponent(new URL(url).pathname)) : url;
}

/** The packages of a `pip install --report` document (pip >= 22.2), in install order. */
export function packagesFromPipReport(report: unknown): InstalledPackage[] {
  const items = (report as { install?: unknown[] } | null)?.install;
  if (!Array.isArray(items)) return [];
  return items.flatMap((item) => {
    const { metadata, download_info: info } = item as {
      metadata?: { name?: string; version?: string };
      download_info?: { url?: string; archive_info?: { hash?: string; hashes?: Record<string, string> } };
    };
    if (!metadata?.name || !metadata.version || !info?.url) return [];
    const archive = info.archive_info;
    const sha256 = archive?.hashes?.sha256 ?? (archive?.hash?.startsWith('sha256=') ? archive.hash.slice('sha256='.length) : null);
    return [{ name: metadata.name, version: metadata.version, source: packageSource(info.url), sha256 }];
  });
}

async function versionOf(runtime: Runtime, interpreter: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const args = runtime === 'python' ? ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'] : ['-p', 'process.versions.node'];
  const result = await runSupervised(interpreter, args, { env, timeoutMs: 30_000 });
  return result.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
}

/** Returns what was installed, or the reason the version cannot be had. */
async function buildVenv(python: string, dir: string, pkg: string, version: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<InstalledPackage[] | string> {
  const venv = await runSupervised(python, ['-m', 'venv', dir], { env, timeoutMs });
  if (venv.exitCode !== 0) {
    return `could not create a venv with ${python} (${lastLine(venv.stderr + venv.stdout) || `exit ${venv.exitCode}`}); on Debian: apt-get install python3-venv`;
  }
  // No index flags of our own: pip reads PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX and its
  // config files itself, and an explicit flag here would silently override the user's setup.
  // --report: pip's own account of each file it installed (URL and hash), for the recording.
  const report = join(dir, 'pip-report.json');
  const pip = await runSupervised(join(dir, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '--report', report, `${pkg}==${version}`], { env, timeoutMs });
  if (pip.exitCode === 0) {
    try {
      return packagesFromPipReport(JSON.parse(readFileSync(report, 'utf8')));
    } catch {
      return []; // an older pip without --report would have failed above; a missing file proves nothing
    }
  }
  return `pip could not install ${pkg}==${version}: ${pipProblem(pip.stdout + pip.stderr, pip.timedOut, env)}`;
}

/** Why pip failed, in words, followed by pip's own last error line. */
export function pipProblem(output: string, timedOut: boolean, env: NodeJS.ProcessEnv = {}): string {
  if (timedOut) return 'timed out';
  const errors = output.split('\n').filter((l) => /^ERROR:/.test(l.trim()));
  const last = (errors.at(-1) ?? lastLine(output)).trim();
  let what = 'failed';
  const unreachable = /Failed to establish a new connection|Name or service not known|Temporary failure in name resolution|Network is unreachable|ProxyError|Max retries exceeded/i.test(output);
  const missing = /No matching distribution|Could not find a version/i.test(output);
  // pip tries every configured index; one can be unreachable while another answers without the version.
  const sawVersions = missing && !/from versions: none/.test(output);
  if (unreachable && sawVersions) what = 'not on any index that answered, and at least one configured index was unreachable';
  else if (unreachable) what = 'no index reachable';
  else if (missing) what = env.PIP_NO_INDEX && !/^(0|false|no|off)$/i.test(env.PIP_NO_INDEX) ? 'not in the find-links folders (PIP_NO_INDEX is set)' : 'no such version on the index';
  return `${what} (${last})`;
}

async function buildNodeModules(dir: string, pkg: string, version: string, tarball: string | undefined, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<InstalledPackage[] | string> {
  mkdirSync(dir, { recursive: true });
  // A package.json makes this folder npm's prefix, so npm never walks up into a project.
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'aftermath-repro-env', private: true }, null, 2)}\n`);
  const npm = env.REPRO_NPM || 'npm';
  const spec = tarball ?? `${pkg}@${version}`;
  // --no-audit/--no-fund only skip reports; registry and cache settings stay the user's.
  const result = await runSupervised(npm, ['install', '--no-audit', '--no-fund', spec], { cwd: dir, env, timeoutMs });
  if (result.exitCode !== 0) return `npm could not install ${pkg}@${version}: ${npmProblem(result.stdout + result.stderr, result.timedOut, result.spawnError)}`;
  const manifest = join(dir, 'node_modules', pkg, 'package.json');
  const installed = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version : undefined;
  if (installed !== version) return `npm installed ${pkg}@${installed ?? 'nothing'} when asked for ${version}${tarball ? ` (from ${tarball})` : ''}`;
  return packagesFromNpmLock(join(dir, 'package-lock.json'));
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
    const sha256 = entry.integrity?.startsWith('sha256-') ? Buffer.from(entry.integrity.slice(7), 'base64').toString('hex') : null;
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
  const what = code && /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|ECONNRESET/.test(code) ? 'no registry reachable' : code === 'E404' ? 'no such package or version on the registry' : code === 'ETARGET' ? 'no such version on the registry' : code === 'ENOTCACHED' ? 'not in the npm cache (npm is offline)' : 'failed';
  return `${what} (${lines[0] ?? lastLine(output) ?? code ?? 'no output'})`;
}

function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  );
}
