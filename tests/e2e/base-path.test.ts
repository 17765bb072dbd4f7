/** A site built for a sub-path (GitHub project pages) links only within that sub-path, and every link works there. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildSite, projectRoot, serveStatic, type StaticServer } from '../support/site.ts';

const out = mkdtempSync(join(tmpdir(), 'aftermath-base-'));
let server: StaticServer;

beforeAll(async () => {
  const result = await buildSite(join(projectRoot, 'tests/fixtures/sites/basic'), out, { BASE_PATH: '/pm/' });
  expect(result.code, result.stdout + result.stderr).toBe(0);
  server = await serveStatic(out, '/pm/');
});
afterAll(async () => {
  await server?.close();
  rmSync(out, { recursive: true, force: true });
});

it('serves every page, asset, feed and search file from under /pm/', async () => {
  const seen = new Set<string>();
  const queue = ['/pm/'];
  const broken: string[] = [];
  while (queue.length > 0 && seen.size < 200) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const response = await fetch(server.url + path);
    if (!response.ok) {
      broken.push(`${path} (${response.status})`);
      continue;
    }
    if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) continue;
    const html = await response.text();
    for (const [, link] of html.matchAll(/(?:href|src|action)="([^"#]+)/g)) {
      if (/^(https?:|mailto:|data:)/.test(link!)) continue;
      const target = new URL(link!, server.url + path).pathname;
      if (!target.startsWith('/pm/')) broken.push(`${path} → ${link} (outside the base path)`);
      else if (!seen.has(target)) queue.push(target);
    }
  }
  expect(broken).toEqual([]);
  expect([...seen]).toEqual(
    expect.arrayContaining([
      '/pm/incidents/2024-06-02-queue-backlog/',
      '/pm/theme.js',
      '/pm/search/',
      '/pm/feeds/incidents.atom',
    ]),
  );
});
