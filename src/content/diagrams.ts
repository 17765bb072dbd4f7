/**
 * Build-time Mermaid rendering for diagrams that Aftermath generates from data (the fix graph,
 * wire traces), as opposed to the ```mermaid fences that authors write in MDX.
 *
 * Rendered SVGs are cached on disk, keyed by a hash of the source, the Mermaid version and the
 * render options, so a rebuild with unchanged data launches no browser at all. Requests made
 * while a render is pending are batched into one Chromium session.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createMermaidRenderer, type RenderResult } from 'mermaid-isomorphic';
import { chromiumLaunchOptions } from '../lib/chromium.ts';
import { compactSvg } from '../lib/svg-compact.ts';

const require = createRequire(import.meta.url);
const mermaidVersion: string = require(require.resolve('mermaid/package.json', { paths: [require.resolve('mermaid-isomorphic')] })).version;

export const diagramCacheDir = process.env.AFTERMATH_DIAGRAM_CACHE ?? join(process.cwd(), 'node_modules/.cache/aftermath/diagrams');

/**
 * Cache hits and misses of this build. Kept on globalThis because Astro loads this module twice
 * (once for the Markdown pipeline, once for pages), and the build report needs both counts.
 */
const RENDER_VERSION = 'compact-2';

export const diagramStats: { hits: number; misses: number } = ((globalThis as { __aftermathDiagramStats?: { hits: number; misses: number } }).__aftermathDiagramStats ??= { hits: 0, misses: 0 });

interface Pending {
  source: string;
  prefix: string;
  resolve: (svg: string) => void;
  reject: (error: unknown) => void;
}

let render: ReturnType<typeof createMermaidRenderer> | undefined;
let queue: Pending[] = [];
let scheduled = false;

function cacheKey(source: string, prefix: string): string {
  // Bump RENDER_VERSION when what is stored changes (e.g. post-processing), so old entries miss.
  return createHash('sha256').update(`${RENDER_VERSION}\0${mermaidVersion}\0${prefix}\0${source}`).digest('hex');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function renderBatch(batch: Pending[], prefix: string) {
  render ??= createMermaidRenderer({ launchOptions: chromiumLaunchOptions });
  const results: PromiseSettledResult<RenderResult>[] = await render(
    batch.map((p) => p.source),
    { prefix },
  ).catch((error: unknown) => batch.map(() => ({ status: 'rejected' as const, reason: error })));
  results.forEach((result, i) => {
    // Mermaid numbers SVGs by their place in the batch; the caller's prefix alone is stable.
    if (result.status === 'fulfilled') batch[i]!.resolve(compactSvg(result.value.svg.replace(new RegExp(`${escapeRegExp(prefix)}-${i}(?![0-9])`, 'g'), prefix)));
    else batch[i]!.reject(result.reason);
  });
}

function flush() {
  const byPrefix = Map.groupBy(queue, (p) => p.prefix);
  queue = [];
  scheduled = false;
  for (const [prefix, batch] of byPrefix) void renderBatch(batch, prefix);
}

/**
 * Renders Mermaid source to an inline SVG string. `prefix` keeps element ids unique per page
 * region; it becomes the SVG's id, so give each diagram on a page its own prefix.
 */
export async function renderDiagram(source: string, prefix: string): Promise<string> {
  const key = cacheKey(source, prefix);
  const file = join(diagramCacheDir, `${key}.svg`);
  if (existsSync(file)) {
    diagramStats.hits++;
    return readFileSync(file, 'utf8');
  }
  diagramStats.misses++;
  const svg = await new Promise<string>((resolve, reject) => {
    queue.push({ source, prefix, resolve, reject });
    if (!scheduled) {
      scheduled = true;
      setTimeout(flush, 10);
    }
  });
  mkdirSync(diagramCacheDir, { recursive: true });
  // Write then rename: parallel builds share the cache and must never read half a file.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, svg);
  renameSync(temp, file);
  return svg;
}
