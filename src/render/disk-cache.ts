/**
 * Aftermath's build caches on disk: rendered diagrams, highlighted code, social cards, what
 * reading each incident folder found, compiled MDX, the built pages' diagram checks and PDFs, each
 * in its own folder under one root.
 * Entries are named by a hash of everything that decides their content, so an entry is never
 * stale, only unused; deleting the folder is always safe.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageFile } from '../package-root.ts';

/**
 * AFTERMATH_DIAGRAM_CACHE names the diagram folder; the other caches sit beside it.
 */
const diagramDir = process.env.AFTERMATH_DIAGRAM_CACHE ?? join(process.cwd(), 'node_modules/.cache/aftermath/diagrams');
export const cacheRoot = dirname(diagramDir);

export interface DiskCache {
  dir: string;
  file(key: string): string;
  has(key: string): boolean;
  read(key: string): string | undefined;
  write(key: string, data: string | Uint8Array): void;
  /**
   * Puts an entry at `target` (a file of dist/): a hard link, which costs nothing where copying a
   * thousand PDFs takes seconds, or a copy across file systems. dist/ is emptied before each
   * build, so the link is always a new file.
   */
  placeAt(key: string, target: string): void;
}

export function cacheKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

export function diskCache(
  name: 'diagrams' | 'charts' | 'code' | 'cards' | 'archive' | 'mdx' | 'checks' | 'pdf',
  extension: string,
): DiskCache {
  const dir = name === 'diagrams' ? diagramDir : join(cacheRoot, name);
  const file = (key: string) => join(dir, `${key}.${extension}`);
  return {
    dir,
    file,
    has: (key) => existsSync(file(key)),
    read: (key) => (existsSync(file(key)) ? readFileSync(file(key), 'utf8') : undefined),
    write(key, data) {
      mkdirSync(dir, { recursive: true });
      // Write then rename: parallel builds share the cache and must never read half a file.
      const temp = `${file(key)}.${process.pid}.tmp`;
      writeFileSync(temp, data);
      renameSync(temp, file(key));
    },
    placeAt(key, target) {
      try {
        linkSync(file(key), target);
      } catch {
        copyFileSync(file(key), target);
      }
    },
  };
}

/** The packages whose upgrade can change what a cached reading or compiled page holds. */
const PIPELINE_PACKAGES = ['astro', '@astrojs/mdx', '@astrojs/markdown-remark', 'yaml', 'mermaid', 'shiki'];

/** An installed package's version, found from its entry point (not every package exports its package.json). */
/** The version of an installed package, read from its package.json (without loading it). */
export function installedVersion(pkg: string): string {
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve(pkg)));
    while (dir !== dirname(dir)) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest)) {
        const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
        if (name === pkg) return version ?? 'unknown';
      }
      dir = dirname(dir);
    }
  } catch {
    // Not resolvable from here: keyed as missing, which still changes when it appears.
  }
  return 'missing';
}

/** The project files `file` imports (relative specifiers only), as absolute paths. */
function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) =>
    resolve(dirname(file), m[1]!),
  );
}

const versions = new Map<string, string | null>();

/** The `entries` (paths under `src`) and every project module they import, transitively; sorted. */
export function codeClosure(src: string, entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const next of localImports(file)) visit(next);
  };
  for (const entry of entries) visit(join(src, entry));
  return [...seen].sort();
}

/**
 * A hash of the code that decides a cache's output: the `entries` (paths under src/) and every
 * module of the project they import, transitively, plus the versions of the packages the build
 * pipeline parses, compiles and draws with. Editing the benchmark or an importer leaves it
 * unchanged; editing a schema the archive reads changes it. Undefined when this module is not
 * running from its source (bundled into a page chunk), where no cache keyed by it should be used.
 */
export function codeVersion(entries: string[]): string | undefined {
  const memo = entries.join('\0');
  if (!versions.has(memo)) {
    const src = fileURLToPath(packageFile('src/'));
    if (!existsSync(join(src, 'render', 'disk-cache.ts'))) versions.set(memo, null);
    else {
      const hash = createHash('sha256');
      for (const file of codeClosure(src, entries))
        hash.update(file.slice(src.length)).update('\0').update(readFileSync(file)).update('\0');
      for (const pkg of PIPELINE_PACKAGES) hash.update(`${pkg}@${installedVersion(pkg)}\0`);
      versions.set(memo, hash.digest('hex'));
    }
  }
  return versions.get(memo) ?? undefined;
}
