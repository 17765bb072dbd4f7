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
let timer: ReturnType<typeof setTimeout> | undefined;
let firstQueuedAt = 0;

/** Quiet time before a batch goes out, and the longest a request waits for company. */
const BATCH_IDLE_MS = 50;
const BATCH_MAX_WAIT_MS = 1000;
/** The id every SVG of a batch is drawn with before it gets its caller's prefix. */
const BATCH_PREFIX = 'aftermath-diagram';

function cacheKey(source: string, prefix: string): string {
  // Bump RENDER_VERSION when what is stored changes (e.g. post-processing), so old entries miss.
  return createHash('sha256').update(`${RENDER_VERSION}\0${mermaidVersion}\0${prefix}\0${source}`).digest('hex');
}

/**
 * Renders everything queued in one Chromium page. Each page load costs about half a second
 * (Mermaid itself is loaded into it), so a build's misses are gathered into as few batches as
 * possible, whatever page or prefix asked for them; each SVG then gets its caller's id.
 */
async function renderBatch(batch: Pending[]) {
  render ??= createMermaidRenderer({ launchOptions: chromiumLaunchOptions });
  const results: PromiseSettledResult<RenderResult>[] = await render(
    batch.map((p) => p.source),
    { prefix: BATCH_PREFIX },
  ).catch((error: unknown) => batch.map(() => ({ status: 'rejected' as const, reason: error })));
  results.forEach((result, i) => {
    const { prefix, resolve, reject } = batch[i]!;
    if (result.status === 'fulfilled') resolve(compactSvg(result.value.svg.replace(new RegExp(`${BATCH_PREFIX}-${i}(?![0-9])`, 'g'), prefix)));
    else reject(result.reason);
  });
}

function flush() {
  const batch = queue;
  queue = [];
  timer = undefined;
  void renderBatch(batch);
}

function schedule() {
  if (queue.length === 1) firstQueuedAt = Date.now();
  if (timer) clearTimeout(timer);
  const waited = Date.now() - firstQueuedAt;
  timer = setTimeout(flush, waited >= BATCH_MAX_WAIT_MS ? 0 : BATCH_IDLE_MS);
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
    schedule();
  });
  mkdirSync(diagramCacheDir, { recursive: true });
  // Write then rename: parallel builds share the cache and must never read half a file.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, svg);
  renameSync(temp, file);
  return svg;
}
