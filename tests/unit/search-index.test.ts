/**
 * The search index's cache key leaves out what Pagefind does not index: the drawn diagrams and
 * the links to their files. Checked against Pagefind itself: pages that differ only there give
 * byte-identical indexes, and a change of text gives another.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pagefind from 'pagefind';
import { afterAll, expect, it } from 'vitest';
import { searchRelevant } from '../../src/integration/search-index.ts';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const page = (diagram: string, href: string, text = 'More text.') =>
  `<!doctype html><html lang="en"><head><title>T</title></head><body><article data-pagefind-body><h1 id="a">Queue backlog</h1><p>Orders were late.</p><figure class="diagram">${diagram}<a class="diagram-open" href="${href}">Open the diagram at full size</a></figure><p id="b">${text}</p></article></body></html>`;

async function indexOf(html: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'aftermath-pagefind-'));
  made.push(dir);
  mkdirSync(join(dir, 'incidents/x'), { recursive: true });
  writeFileSync(join(dir, 'incidents/x/index.html'), html);
  const { index } = await pagefind.createIndex({});
  await index!.addDirectory({ path: dir });
  await index!.writeFiles({ outputPath: join(dir, 'pagefind') });
  await pagefind.close();
  const hash = createHash('sha256');
  const out = join(dir, 'pagefind');
  for (const file of readdirSync(out, { recursive: true }).map(String).sort())
    if (statSync(join(out, file)).isFile()) hash.update(file).update(readFileSync(join(out, file)));
  return hash.digest('hex');
}

it('keys the index by what Pagefind reads: a diagram edit changes neither the key nor the index', async () => {
  const before = page('<svg id="m0"><text>Producer to Queue</text></svg>', '../../diagrams/aaaa.svg');
  const after = page('<svg id="m0"><g><text>Queue to Consumer, a note</text></g></svg>', '../../diagrams/bbbb.svg');
  const worded = page('<svg id="m0"><text>Producer to Queue</text></svg>', '../../diagrams/aaaa.svg', 'Other text.');
  expect(searchRelevant(before)).toBe(searchRelevant(after));
  expect(searchRelevant(worded)).not.toBe(searchRelevant(before));
  const [a, b, c] = [await indexOf(before), await indexOf(after), await indexOf(worded)];
  expect(a).toBe(b);
  expect(c).not.toBe(a);
}, 60_000);
