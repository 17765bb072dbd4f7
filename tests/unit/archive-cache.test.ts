/**
 * The archive cache: a second read of unchanged folders parses nothing and gives the same
 * archive; any change to a folder's files is read afresh; the PII allowlist applies to cached
 * findings. A cache folder of its own, so that earlier runs cannot make a first read a hit.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeEach, expect, it } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'aftermath-archive-cache-'));
process.env.AFTERMATH_DIAGRAM_CACHE = join(work, 'cache/diagrams');
const { readArchive: readArchiveWith, archiveCacheStats } = await import('../../src/archive/archive.ts');
const { loadSiteOptions } = await import('../../src/integration/site-options.ts');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const fixture = resolve(import.meta.dirname, '../fixtures/sites/basic/content');
// The fixture site registers a component of its own; its incidents are read with its options.
const siteOptions = await loadSiteOptions(resolve(fixture, '..'));
const readArchive = (at: string, options = siteOptions) => readArchiveWith(at, options);
const QUEUE = 'content/incidents/2024-06-02-queue-backlog';
let root: string;
beforeEach(() => {
  // Each test starts with an empty cache: the folders are the same from one test to the next.
  rmSync(join(work, 'cache'), { recursive: true, force: true });
  root = mkdtempSync(join(work, 'site-'));
  cpSync(fixture, join(root, 'content'), { recursive: true });
  archiveCacheStats.hits = 0;
  archiveCacheStats.misses = 0;
});

const entries = () => readdirSync(join(work, 'cache/archive')).filter((f) => f.endsWith('.v8'));

it('reads each folder once, then takes the same result from the cache', () => {
  const first = readArchive(root);
  expect(first.problems).toEqual([]);
  expect(archiveCacheStats).toEqual({ hits: 0, misses: 2 });
  const second = readArchive(root);
  expect(archiveCacheStats).toEqual({ hits: 2, misses: 2 });
  expect(second).toEqual(first);
});

it("reads the folders again when the site's components change, not from what the old ones found", () => {
  expect(readArchive(root).problems).toEqual([]);
  // The same files, read by a site that no longer registers <OnCall>: the story is now wrong.
  const { problems } = readArchive(root, { ...siteOptions, mdxComponents: {} });
  expect(archiveCacheStats).toEqual({ hits: 0, misses: 4 });
  expect(problems).toMatchObject([{ file: `${QUEUE}/index.mdx`, field: '<OnCall rotation="checkout-primary" />' }]);
});

it('reads a folder again when any of its files changes, and only that folder', () => {
  readArchive(root);
  appendFileSync(
    join(root, QUEUE, 'timeline.yaml'),
    '- at: "2024-06-02T12:00:00"\n  kind: resolved\n  title: No zone\n  source: https://example.com/\n  confidence: verified\n',
  );
  const { problems } = readArchive(root);
  expect(archiveCacheStats.hits).toBe(1);
  expect(problems).toEqual([expect.objectContaining({ file: `${QUEUE}/timeline.yaml`, field: '[7].at' })]);
  // A file that no reader parses still counts: a repro's snippet decides whether results are stale.
  writeFileSync(join(root, QUEUE, 'notes.txt'), 'later');
  readArchive(root);
  expect(archiveCacheStats.misses).toBe(2 + 1 + 1);
});

it('applies the current PII allowlist to findings kept in the cache', () => {
  appendFileSync(join(root, QUEUE, 'index.mdx'), '\nWrite to oncall@acme-payments.io for access.\n');
  const flagged = readArchive(root).problems;
  expect(flagged).toEqual([expect.objectContaining({ file: `${QUEUE}/index.mdx`, field: 'PII: email' })]);
  writeFileSync(
    join(root, 'content/pii-allowlist.yaml'),
    `- file: ${QUEUE}/index.mdx\n  match: oncall@acme-payments.io\n  kind: email\n  reason: the vendor's published support address\n`,
  );
  const allowed = readArchive(root);
  expect(archiveCacheStats.hits).toBe(2);
  expect(allowed.problems).toEqual([]);
  expect(allowed.incidents).toHaveLength(2);
});

it('replaces an entry it cannot read', () => {
  readArchive(root);
  for (const file of entries()) writeFileSync(join(work, 'cache/archive', file), 'not a v8 value');
  expect(readArchive(root).problems).toEqual([]);
  expect(archiveCacheStats.hits).toBe(0);
});
