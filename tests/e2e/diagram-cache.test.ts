/**
 * A warm build renders no diagram, highlights no code, compiles no MDX, reads no incident folder
 * and indexes no page again: everything comes from the disk caches, and what it writes is identical.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildSite, projectRoot } from '../support/site.ts';

const work = mkdtempSync(join(tmpdir(), 'aftermath-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const site = join(projectRoot, 'tests/fixtures/sites/basic');
const env = { AFTERMATH_DIAGRAM_CACHE: join(work, 'cache') };
const page = (out: string) => readFileSync(join(out, 'incidents/2024-06-02-queue-backlog/index.html'), 'utf8');

/** Every file under dir/pagefind with its bytes, by path. */
const searchIndex = (out: string) => {
  const dir = join(out, 'pagefind');
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [
        join(e.parentPath, e.name).slice(dir.length),
        readFileSync(join(e.parentPath, e.name)).toString('base64'),
      ]),
  );
};

it('renders each diagram once, then serves it from the cache', async () => {
  const cold = await buildSite(site, join(work, 'cold'), env);
  expect(cold.code, cold.stderr).toBe(0);
  expect(cold.stdout).toMatch(/diagrams: 0 from cache, 2 rendered/);
  // Both were found and rendered before any page asked: pages rendered nothing themselves.
  expect(cold.stdout).toMatch(/diagrams: rendering 2 new or changed diagram\(s\) ahead of the pages/);
  expect(readdirSync(env.AFTERMATH_DIAGRAM_CACHE).filter((f) => f.endsWith('.svg'))).toHaveLength(2);

  const warm = await buildSite(site, join(work, 'warm'), env);
  expect(warm.code, warm.stderr).toBe(0);
  expect(warm.stdout).toMatch(/diagrams: 2 from cache, 0 rendered/);
  expect(warm.stdout).not.toMatch(/ahead of the pages/);
  expect(cold.stdout).toMatch(/code blocks: 0 from cache, [1-9]\d* highlighted/);
  // The MDX's code blocks come with its compiled module: nothing is highlighted, or even looked up.
  expect(warm.stdout).toMatch(/code blocks: \d+ from cache, 0 highlighted/);
  const compiled = /MDX files: 0 from cache, ([1-9]\d*) compiled/.exec(cold.stdout);
  expect(compiled, cold.stdout).not.toBeNull();
  expect(warm.stdout).toContain(`MDX files: ${compiled![1]} from cache, 0 compiled`);
  expect(cold.stdout).toMatch(/incident folders: 0 from cache, 2 read/);
  expect(warm.stdout).toMatch(/incident folders: 2 from cache, 0 read/);
  expect(cold.stdout).toMatch(/search: index built from \d+ page\(s\)/);
  expect(warm.stdout).toMatch(/search: index from cache \(no page changed\)/);
  expect(searchIndex(join(work, 'warm'))).toEqual(searchIndex(join(work, 'cold')));
  const [cold2, warm2] = [page(join(work, 'cold')), page(join(work, 'warm'))];
  const at = [...cold2].findIndex((c, i) => c !== warm2[i]);
  // On failure, show where the two builds part ways rather than two whole pages.
  expect(at === -1 ? '' : `${cold2.slice(at - 80, at + 80)}\n---\n${warm2.slice(at - 80, at + 80)}`).toBe('');
});
