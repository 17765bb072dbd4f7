import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The cache folder is fixed when disk-cache.ts loads, so the modules are imported after setting it.
const work = mkdtempSync(join(tmpdir(), 'aftermath-mdx-cache-'));
process.env.AFTERMATH_DIAGRAM_CACHE = join(work, 'diagrams');
const { unified } = await import('@astrojs/markdown-remark');
const { cachedMdxProcessor } = await import('../../src/integration/mdx-cache.ts');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SOURCE = '## Impact\n\nThe cache "just worked" -- until it did not.\n';
const entries = () => readdirSync(join(work, 'mdx')).filter((f) => f.endsWith('.json'));

/** A fresh wrapper around the real unified() MDX pipeline, as each build makes one. */
async function build(hadProblem: (file: string) => boolean = () => false) {
  const stats = { hits: 0, misses: 0, ms: 0, compiling: 0, since: 0 };
  const processor = cachedMdxProcessor(unified(), { hadProblem, stats });
  const renderer = await processor.createMdxRenderer!({ syntaxHighlight: false }, { optimize: false });
  return {
    stats,
    process: (content: string, file: string, frontmatter = { title: 'T' }) =>
      renderer.process(content, file, frontmatter),
  };
}

describe('compiled MDX cache', () => {
  let first: Awaited<ReturnType<Awaited<ReturnType<typeof build>>['process']>>;
  beforeAll(async () => {
    const cold = await build();
    first = await cold.process(SOURCE, '/site/content/a/index.mdx');
    expect(cold.stats).toMatchObject({ hits: 0, misses: 1 });
  });

  it('compiles with the real pipeline, then serves the same module to the next build', async () => {
    // Proof that the pipeline ran: smart quotes and the heading export are in the module.
    expect(first.code).toContain('“just worked”');
    expect(first.code).toMatch(/export function getHeadings\(\)/);
    const warm = await build();
    expect(await warm.process(SOURCE, '/site/content/a/index.mdx')).toEqual(first);
    expect(warm.stats).toMatchObject({ hits: 1, misses: 0 });
  });

  it('compiles again when the text, the file or the frontmatter differ', async () => {
    const next = await build();
    const changed = await next.process(`${SOURCE}\nOne more line.\n`, '/site/content/a/index.mdx');
    expect(changed.code).toContain('One more line.');
    await next.process(SOURCE, '/site/content/b/index.mdx');
    await next.process(SOURCE, '/site/content/a/index.mdx', { title: 'Other' });
    expect(next.stats).toMatchObject({ hits: 0, misses: 3 });
  });

  it('never keeps a file whose compilation reported a problem', async () => {
    const before = entries().length;
    const broken = await build((file) => file.endsWith('broken/index.mdx'));
    await broken.process('Broken page.\n', '/site/content/broken/index.mdx');
    await broken.process('Broken page.\n', '/site/content/broken/index.mdx');
    expect(broken.stats).toMatchObject({ hits: 0, misses: 2 });
    expect(entries()).toHaveLength(before);
  });
});
