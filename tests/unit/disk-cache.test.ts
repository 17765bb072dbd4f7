/** The build caches are keyed by the code that decides their output, and only by that. */
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_CODE } from '../../src/archive/archive-cache.ts';
import { MARKDOWN_CODE } from '../../src/integration/markdown.ts';
import { codeClosure, codeVersion } from '../../src/render/disk-cache.ts';
import { projectRoot } from '../support/site.ts';

const src = join(projectRoot, 'src');
const closure = (entries: string[]) => codeClosure(src, entries).map((file) => relative(src, file));

describe('cache keys', () => {
  it('cover what reads an incident folder, and not the runner, the importers, rendering or the benchmark', () => {
    const files = closure(ARCHIVE_CODE);
    expect(files).toEqual(
      expect.arrayContaining([
        'archive/archive.ts',
        'schemas/incident.ts',
        'schemas/repro-results.ts',
        'domain/facts.ts',
        'domain/pii.ts',
      ]),
    );
    expect(files.filter((f) => /^(repro|importers|render|integration|exports|view)\//.test(f))).toEqual([
      'render/disk-cache.ts',
    ]);
  });

  it('cover the Markdown pipeline for compiled MDX (plugins, highlighting, diagrams), not the importers or the runner', () => {
    const files = closure(MARKDOWN_CODE);
    expect(files).toEqual(
      expect.arrayContaining([
        'integration/markdown.ts',
        'integration/rehype-code.ts',
        'integration/rehype-diagrams.ts',
        'render/diagrams.ts',
        'render/code-highlight.ts',
        'integration/remark-content-guard.ts',
      ]),
    );
    // The guard reads MDX as the archive does (what is code, which components exist): those
    // modules (and the component contract they share) decide what it takes out, so they belong in
    // the key; the readers of the archive's YAML and the runner do not.
    expect(files.filter((f) => /^(repro|importers|exports|archive)\//.test(f))).toEqual([
      'archive/mdx-checks.ts',
      'archive/mdx/component.ts',
      'archive/measure-refs.ts',
      'archive/story.ts',
      'archive/verdict-refs.ts',
    ]);
  });

  it('differ between caches and stay the same when asked again', () => {
    expect(codeVersion(ARCHIVE_CODE)).toMatch(/^[0-9a-f]{64}$/);
    expect(codeVersion(ARCHIVE_CODE)).toBe(codeVersion(ARCHIVE_CODE));
    expect(codeVersion(ARCHIVE_CODE)).not.toBe(codeVersion(MARKDOWN_CODE));
  });
});
