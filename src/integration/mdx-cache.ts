/**
 * Compiled MDX kept on disk between builds. Compiling an incident's MDX (parsing, typography,
 * looking up its code blocks and diagrams, generating the module) was the largest cost left in a
 * warm build of a large archive, and the result depends only on the file, the pipeline's options,
 * Aftermath's own code and the versions of the packages that compile it.
 *
 * The cache wraps a Markdown processor and changes nothing else about it: `.md` files and cache
 * misses go through the processor as before.
 */
import type { unified } from '@astrojs/markdown-remark';
import { codeVersion, cacheKey, diskCache } from '../render/disk-cache.ts';
import { MARKDOWN_CODE } from './markdown.ts';

type Processor = ReturnType<typeof unified>;
type MdxRenderer = Awaited<ReturnType<NonNullable<Processor['createMdxRenderer']>>>;
type MdxRenderResult = Awaited<ReturnType<MdxRenderer['process']>>;

export interface MdxStats {
  hits: number;
  misses: number;
  ms: number;
  compiling: number;
  since: number;
}

export interface MdxCacheOptions {
  /**
   * Whether compiling this file reported a content problem. Such a result (a page with a visible
   * error in place of a diagram, say) is never kept: the next build must find the problem again.
   */
  hadProblem(filePath: string): boolean;
  /**
   * Hits, misses, and the time any compile was in flight (`compiling` and `since` keep count):
   * compiles overlap, and a compile waits for its diagrams, so this is wall time, not work.
   */
  stats: MdxStats;
  /** What else the compiled output depends on that is not code: the site's catalogues, for one. */
  settings?: string;
}

/** Bumped when what an entry holds changes shape. */
const ENTRY_VERSION = '1';

export function cachedMdxProcessor(processor: Processor, options: MdxCacheOptions): Processor {
  const version = codeVersion(MARKDOWN_CODE);
  const createMdxRenderer = processor.createMdxRenderer?.bind(processor);
  if (!version || !createMdxRenderer) return processor;
  return {
    ...processor,
    async createMdxRenderer(shared, mdx) {
      const renderer = await createMdxRenderer(shared, mdx);
      const cache = diskCache('mdx', 'json');
      // Functions in the options (Shiki transformers, say) do not survive JSON; they are code,
      // and code changes are covered by the version, or by the packages they come from.
      const settings = JSON.stringify({ shared, mdx: { ...mdx, srcDir: mdx.srcDir?.href }, site: options.settings });
      return {
        async process(content, filePath, frontmatter) {
          const key = cacheKey(ENTRY_VERSION, version, settings, filePath, JSON.stringify(frontmatter), content);
          const cached = cache.read(key);
          if (cached !== undefined) {
            try {
              const result = JSON.parse(cached) as MdxRenderResult;
              options.stats.hits++;
              return result;
            } catch {
              // An unreadable entry (a disk error, say): compile afresh and replace it.
            }
          }
          const { stats } = options;
          if (stats.compiling++ === 0) stats.since = performance.now();
          let result: MdxRenderResult;
          try {
            result = await renderer.process(content, filePath, frontmatter);
          } finally {
            if (--stats.compiling === 0) stats.ms += performance.now() - stats.since;
          }
          stats.misses++;
          if (!options.hadProblem(filePath)) cache.write(key, JSON.stringify(result));
          return result;
        },
      };
    },
  };
}
