/**
 * Aftermath as a team gets it: the tarball `npm pack` makes of this repository, installed into a
 * folder outside it with npm, offline. The site's lockfile pins Aftermath's dependencies at the
 * versions this repository's package-lock.json pins (every one of them is in npm's cache once
 * `npm ci` has run here), so `npm ci --offline` installs it without reaching the registry, and
 * nothing is taken from this repository's node_modules.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { projectRoot, runCommand, type CommandResult } from './site.ts';

export interface Packed {
  tarball: string;
  version: string;
  /** Bytes of the .tgz, and of the files it unpacks to. */
  size: number;
  unpackedSize: number;
  files: string[];
  integrity: string;
}

/** Runs a command (npm, npx, node) in `cwd` as a user's shell would, collecting its output. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  return runCommand(command, args, { cwd, env });
}

/** `npm pack` of the package at `source` (this repository by default) into `destination`. */
export async function packAftermath(destination: string, source = projectRoot): Promise<Packed> {
  const result = await run('npm', ['pack', '--json', '--pack-destination', destination], source);
  if (result.code !== 0) throw new Error(`npm pack failed:\n${result.stdout}\n${result.stderr}`);
  // prepack's own output comes before npm's JSON.
  const json = result.stdout.slice(result.stdout.indexOf('['));
  const [info] = JSON.parse(json) as {
    filename: string;
    version: string;
    size: number;
    unpackedSize: number;
    integrity: string;
    files: { path: string }[];
  }[];
  return {
    tarball: join(destination, basename(info!.filename)),
    version: info!.version,
    size: info!.size,
    unpackedSize: info!.unpackedSize,
    files: info!.files.map((f) => f.path).sort(),
    integrity: info!.integrity,
  };
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  [key: string]: unknown;
}

/**
 * The entries of this repository's lockfile that `names` need, found the way Node resolves a
 * package: in the requiring package's own node_modules, then its parents'.
 */
function closure(lock: Record<string, LockEntry>, names: string[]): Map<string, LockEntry> {
  const found = new Map<string, LockEntry>();
  const resolveFrom = (from: string, name: string): string | undefined => {
    for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
      const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (lock[key]) return key;
      if (!dir) return undefined;
    }
  };
  const visit = (from: string, name: string, optional: boolean) => {
    const key = resolveFrom(from, name);
    if (!key) {
      if (optional) return;
      throw new Error(`package-lock.json has no ${name} for ${from || 'the site'}`);
    }
    if (found.has(key)) return;
    const entry = lock[key]!;
    found.set(key, entry);
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(key, dep, false);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(key, dep, true);
    for (const dep of Object.keys(entry.peerDependencies ?? {}))
      visit(key, dep, entry.peerDependenciesMeta?.[dep]?.optional === true);
  };
  for (const name of names) visit('', name, false);
  return found;
}

/**
 * package.json and package-lock.json for a site whose dependencies are `aftermath` (from the
 * tarball) and Astro, in `dir`.
 */
export function writeSiteManifest(dir: string, packed: Packed): void {
  const own = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
    engines: Record<string, string>;
    bin: Record<string, string>;
    license: string;
  };
  const lock = (
    JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }
  ).packages;
  const spec = `file:${basename(packed.tarball)}`;
  const dependencies = { aftermath: spec, astro: own.peerDependencies.astro! };
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'site', version: '1.0.0', private: true, dependencies }, null, 2)}\n`,
  );
  const packages: Record<string, LockEntry> = {
    '': { name: 'site', version: '1.0.0', dependencies },
    'node_modules/aftermath': {
      version: packed.version,
      resolved: spec,
      integrity: packed.integrity,
      license: own.license,
      dependencies: own.dependencies,
      peerDependencies: own.peerDependencies,
      bin: own.bin,
      engines: own.engines,
    },
  };
  for (const [key, entry] of closure(lock, [...Object.keys(own.dependencies), 'astro'])) {
    const { dev: _dev, devOptional, ...kept } = entry;
    packages[key] = devOptional ? { ...kept, optional: true } : kept;
  }
  writeFileSync(
    join(dir, 'package-lock.json'),
    `${JSON.stringify({ name: 'site', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`,
  );
}
