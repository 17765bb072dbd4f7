/**
 * The site's search index: Pagefind over the built incident pages (those marked
 * data-pagefind-body), written to dist/pagefind/. Indexing a thousand pages takes Pagefind
 * several seconds, and its output depends only on the pages and its own version, so the index
 * is kept on disk under a hash of every built page and copied when nothing changed.
 */
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pagefind from 'pagefind';
import { cacheKey, cacheRoot } from '../render/disk-cache.ts';

// Pagefind exports no package.json; its entry point is lib/index.js.
const pagefindVersion: string = JSON.parse(
  readFileSync(fileURLToPath(new URL('../package.json', import.meta.resolve('pagefind'))), 'utf8'),
).version;
/** Indexes kept: the current one and a couple before it (each is the size of dist/pagefind). */
const KEEP = 3;

export interface SearchIndexResult {
  /** Pages Pagefind read (0 when the index came from the cache). */
  indexed: number;
  cached: boolean;
}

async function runPagefind(outDir: string): Promise<number> {
  const { index, errors } = await pagefind.createIndex({});
  if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
  try {
    const added = await index.addDirectory({ path: outDir });
    if (added.errors.length) throw new Error(`Pagefind could not index ${outDir}: ${added.errors.join('; ')}`);
    const written = await index.writeFiles({ outputPath: join(outDir, 'pagefind') });
    if (written.errors.length) throw new Error(`Pagefind could not write its index: ${written.errors.join('; ')}`);
    return added.page_count;
  } finally {
    await pagefind.close();
  }
}

/**
 * What of a built page the index depends on: the page without its drawn diagrams and the links
 * to their files. Pagefind indexes neither (text inside an inline SVG is not indexed, an href is
 * not), so editing a diagram does not build the index again; tests/unit/search-index.test.ts runs
 * Pagefind on two pages that differ only there and finds the same index.
 */
export function searchRelevant(html: string): string {
  return html.replace(/<svg\b[\s\S]*?<\/svg>/g, '').replace(/(<a class="diagram-open" href=")[^"]*"/g, '$1"');
}

/**
 * Writes dist/pagefind/. `pagesDigest` is a hash of every HTML page of the build (path and
 * bytes), which the caller computes while it reads the pages anyway.
 */
export async function writeSearchIndex(outDir: string, pagesDigest: string): Promise<SearchIndexResult> {
  const dir = join(cacheRoot, 'search');
  const entry = join(dir, cacheKey(pagefindVersion, pagesDigest));
  const target = join(outDir, 'pagefind');
  if (existsSync(entry)) {
    cpSync(entry, target, { recursive: true });
    return { indexed: 0, cached: true };
  }
  const indexed = await runPagefind(outDir);
  // Copied under a temporary name and renamed, so a parallel build never copies half an index.
  const temp = `${entry}.${process.pid}.tmp`;
  cpSync(target, temp, { recursive: true });
  try {
    renameSync(temp, entry);
  } catch (error) {
    // Another build stored the same index first: theirs is as good as ours.
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(entry)) throw error;
  }
  prune(dir);
  return { indexed, cached: false };
}

function prune(dir: string) {
  const entries = readdirSync(dir)
    .filter((name) => !name.endsWith('.tmp'))
    .map((name) => ({ path: join(dir, name), at: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of entries.slice(KEEP)) rmSync(old.path, { recursive: true, force: true });
}
