/**
 * Build-time Mermaid rendering for every diagram of the site: the ```mermaid fences authors
 * write (through ./rehype-diagrams.ts) and the ones Aftermath draws from data (fix graph, traces).
 *
 * Rendered SVGs are cached on disk, keyed by a hash of the source, the Mermaid version and the
 * render options, so a rebuild with unchanged data launches no browser at all. Misses go to one
 * long-lived Chromium page (./mermaid-browser.ts); requests made close together share a batch.
 * A build first hands all of its diagrams to `prerenderDiagrams`, so the misses render while
 * Astro is still bundling, and pages then find them in the cache.
 */
import { compactSvg } from './svg-compact.ts';
import { sizeDiagram } from './diagram-size.ts';
import { cacheKey as hashKey, diskCache } from './disk-cache.ts';
import { sharedChromiumPool } from './chromium-pool.ts';
import { installedFonts } from './chromium.ts';
import { createMermaidBrowser, MERMAID_CONFIG, mermaidVersion, type MermaidBrowser } from './mermaid-browser.ts';

const cache = diskCache('diagrams', 'svg');

/**
 * Bump when what is stored changes (post-processing, renderer), so old entries miss. (Not a hash
 * of the code: the pages' bundled copy of this module cannot read its sources, and both copies
 * must name an SVG alike.)
 */
const RENDER_VERSION = 'page-9';

export interface DiagramRequest {
  source: string;
  /** Becomes the SVG's id and prefixes its element ids: unique per diagram on a page. */
  prefix: string;
}

interface Pending extends DiagramRequest {
  resolve: (svg: string) => void;
  reject: (error: unknown) => void;
}

/**
 * State shared by every copy of this module. Astro loads it twice in one build (once for the
 * Markdown pipeline, once for pages); both must count into the same report, share one browser,
 * and see each other's renders in flight.
 */
interface DiagramState {
  stats: { hits: number; misses: number };
  /** Renders started in this process and not yet written to the cache, by cache key. */
  inFlight: Map<string, Promise<string>>;
  /**
   * Keys already in this build's stats, as a hit or as a render: a diagram counts once however
   * often it is looked up (ahead of the pages, then by a page, or not at all by a page whose
   * compiled MDX came from the cache).
   */
  counted: Set<string>;
  browser?: MermaidBrowser;
  queue: Pending[];
  timer?: ReturnType<typeof setTimeout>;
  firstQueuedAt: number;
  /** Batches in flight, since when, and the time any was (for the build's timings). */
  timing: { drawing: number; since: number; busyMs: number };
}
const state: DiagramState = ((globalThis as { __aftermathDiagrams?: DiagramState }).__aftermathDiagrams ??= {
  stats: { hits: 0, misses: 0 },
  inFlight: new Map(),
  counted: new Set(),
  queue: [],
  firstQueuedAt: 0,
  timing: { drawing: 0, since: 0, busyMs: 0 },
});

/** Cache hits and misses of this build (misses are diagrams rendered), one per distinct diagram. */
export const diagramStats = state.stats;

/** Quiet time before a batch goes out, and the longest a request waits for company. */
const BATCH_IDLE_MS = 20;
const BATCH_MAX_WAIT_MS = 250;
/** The id every SVG of a batch is drawn with before it gets its caller's prefix. */
const BATCH_PREFIX = 'aftermath-diagram';

const cacheKey = ({ source, prefix }: DiagramRequest) =>
  hashKey(RENDER_VERSION, mermaidVersion, JSON.stringify(MERMAID_CONFIG), installedFonts(), prefix, source);

/** How long diagrams were being drawn in this process: the time any batch was in flight. */
export const diagramTiming = state.timing;

async function renderBatch(batch: Pending[]) {
  if (state.timing.drawing++ === 0) state.timing.since = performance.now();
  try {
    await drawBatch(batch);
  } finally {
    if (--state.timing.drawing === 0) state.timing.busyMs += performance.now() - state.timing.since;
  }
}

async function drawBatch(batch: Pending[]) {
  state.browser ??= createMermaidBrowser();
  const results = await state.browser
    .render(
      batch.map((p) => p.source),
      BATCH_PREFIX,
    )
    .catch((error: unknown) => batch.map(() => ({ status: 'rejected' as const, reason: error })));
  results.forEach((result, i) => {
    const { prefix, resolve, reject } = batch[i]!;
    if (result.status === 'fulfilled')
      resolve(sizeDiagram(compactSvg(result.value.replace(new RegExp(`${BATCH_PREFIX}-${i}(?![0-9])`, 'g'), prefix))));
    else reject(result.reason);
  });
}

function flush() {
  const batch = state.queue;
  state.queue = [];
  state.timer = undefined;
  void renderBatch(batch);
}

function enqueue(request: DiagramRequest): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    state.queue.push({ ...request, resolve, reject });
    if (state.queue.length === 1) state.firstQueuedAt = Date.now();
    clearTimeout(state.timer);
    const waited = Date.now() - state.firstQueuedAt;
    state.timer = setTimeout(flush, waited >= BATCH_MAX_WAIT_MS ? 0 : BATCH_IDLE_MS);
  });
}

function countHit(key: string) {
  if (state.counted.has(key)) return;
  state.counted.add(key);
  state.stats.hits++;
}

/** Starts rendering a cache miss, once per key however many callers ask for it. */
function startRender(key: string, request: DiagramRequest): Promise<string> {
  if (!state.counted.has(key)) state.stats.misses++;
  state.counted.add(key);
  const promise = enqueue(request)
    .then((svg) => {
      cache.write(key, svg);
      return svg;
    })
    .finally(() => state.inFlight.delete(key));
  state.inFlight.set(key, promise);
  return promise;
}

/**
 * Renders Mermaid source to an inline SVG string. `prefix` keeps element ids unique per page
 * region; it becomes the SVG's id, so give each diagram on a page its own prefix.
 */
export function renderDiagram(source: string, prefix: string): Promise<string> {
  const request = { source, prefix };
  const key = cacheKey(request);
  const pending = state.inFlight.get(key);
  if (pending) return pending;
  const cached = cache.read(key);
  if (cached !== undefined) {
    countHit(key);
    return Promise.resolve(cached);
  }
  return startRender(key, request);
}

/**
 * Starts rendering, in one batch, every request that is neither cached nor already in flight,
 * and returns how many it started; the cached ones count as this build's hits. Failures are not
 * reported here: the page that shows the diagram asks again and reports them where they are.
 */
export function prerenderDiagrams(requests: readonly DiagramRequest[]): number {
  let started = 0;
  for (const request of requests) {
    const key = cacheKey(request);
    if (state.inFlight.has(key)) continue;
    if (cache.has(key)) {
      countHit(key);
      continue;
    }
    startRender(key, request).catch(() => {});
    started++;
  }
  return started;
}

/** Closes the process's Chromium, if one is open (it also closes itself when idle). */
export async function closeDiagramBrowser(): Promise<void> {
  await sharedChromiumPool().close();
}
