/**
 * One environment per (runtime, package, version), cached between runs: whatever the runtime's
 * driver builds (a venv, a node_modules folder) with exactly that version installed. A version
 * that cannot be installed makes its cells `skipped`, with the installer's own reason: a repro
 * must never claim a version ran when it did not. Installers honour their own configuration
 * (pip.conf, PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX, .npmrc, npm_config_*).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runtimeInfo, type RuntimeName, type RuntimeRef } from '../domain/runtimes.ts';
import type { InstalledPackage } from '../schemas/repro-results.ts';
import { trackDir } from './cleanup.ts';
import { runSupervised } from './process.ts';
import type { ReproEnvironment } from './runtimes/driver.ts';
import { runtimeDriver } from './runtimes/index.ts';
import { findExecutable } from './services/redis.ts';

export type { ReproEnvironment };

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
export function environmentKey(parts: {
  runtime: string;
  pkg: string;
  version: string;
  interpreter: string;
  source?: string;
}): string {
  // The leading tag changes when what a cached environment records changes (v2: provenance).
  return createHash('sha256')
    .update(JSON.stringify(['v2', parts.runtime, parts.pkg, parts.version, parts.interpreter, parts.source ?? '']))
    .digest('hex')
    .slice(0, 20);
}

/** The interpreter a runtime's repros run with (its variable, else the default on PATH), or why there is none. */
export function findInterpreter(ref: RuntimeName | RuntimeRef, env: NodeJS.ProcessEnv): string | { missing: string } {
  const runtime = typeof ref === 'string' ? ref : ref.runtime;
  const variable = runtimeInfo(typeof ref === 'string' ? { runtime } : ref).interpreterVariable;
  const wanted = env[variable] || runtimeDriver(ref).defaultInterpreter();
  const found = findExecutable(wanted, env.PATH);
  return found
    ? realpathSync(found)
    : { missing: `${runtime} interpreter "${wanted}" not found (set ${variable} to its path)` };
}

/**
 * Gets (or builds and caches) the environment for one version. `pkg` undefined or version
 * `installed` means the interpreter as it is.
 */
export async function prepareEnvironment(
  ref: RuntimeName | RuntimeRef,
  pkg: string | undefined,
  version: string,
  options: EnvironmentOptions = {},
): Promise<EnvironmentResult> {
  const env = options.env ?? process.env;
  const runtime = typeof ref === 'string' ? ref : ref.runtime;
  const driver = runtimeDriver(ref);
  const found = findInterpreter(ref, env);
  if (typeof found !== 'string') return { ok: false, reason: found.missing };
  const interpreter = found;
  const reported = await runSupervised(interpreter, driver.versionArgs, { env, timeoutMs: 30_000 });
  const interpreterVersion = reported.exitCode === 0 ? reported.stdout.trim() : '';
  if (!interpreterVersion)
    return { ok: false, reason: `${interpreter} did not report its version; is it a working ${runtime}?` };
  if (!pkg || version === 'installed')
    return { ok: true, environment: { runtime, version, interpreter, interpreterVersion, cached: true } };

  const timeoutMs = options.installTimeoutMs ?? Number(env.REPRO_INSTALL_TIMEOUT_S || 600) * 1000;
  const cacheRoot = options.cacheDir ?? defaultCacheDir(env);
  const localFile = driver.localSource?.(pkg, version, env);
  const source = localFile ? `file:${createHash('sha256').update(readFileSync(localFile)).digest('hex')}` : undefined;
  const dir = join(cacheRoot, environmentKey({ runtime, pkg, version, interpreter, source }));
  const ready = (cached: boolean): EnvironmentResult => ({
    ok: true,
    environment: {
      packages: readMarker(dir).packages,
      runtime,
      version,
      ...driver.pinned(dir, interpreter),
      interpreterVersion,
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
    options.log?.(`installing ${driver.spec(pkg, version)}${localFile ? ` from ${localFile}` : ''} …`);
    const built = await driver.install({ interpreter, dir: building, pkg, version, localFile, env, timeoutMs });
    if (typeof built === 'string') return { ok: false, reason: built };
    const marker = {
      runtime,
      pkg,
      version,
      interpreter,
      interpreterVersion,
      source: source ?? 'index',
      packages: built,
      createdAt: new Date().toISOString(),
    };
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
