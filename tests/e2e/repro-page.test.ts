/**
 * The path a repro takes to the page: run it with the real runner (real redis-server, real
 * proxy), build the site, and read the verdicts, the trace diagram and the command in Chromium.
 * Then edit the snippet and see the page call the recording stale; a repro never run says so.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildSite, launchChromium, projectRoot, runNode, serveStatic } from '../support/site.ts';

const root = mkdtempSync(join(projectRoot, 'tests/fixtures/sites/.tmp-repro-'));
const incident = join(root, 'content/incidents/2024-01-01-desync');
const flagshipRepro = join(projectRoot, 'content/incidents/2023-03-20-chatgpt-redis-py/repros/resp-desync');
let browser: Browser;

beforeAll(async () => {
  writeFileSync(
    join(root, 'astro.config.mjs'),
    `import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import aftermath from './${relative(root, join(projectRoot, 'src/integration.ts'))}';
export default defineConfig({ srcDir: ${JSON.stringify(relative(root, join(projectRoot, 'src')))}, integrations: [aftermath(), mdx()] });
`,
  );
  mkdirSync(join(incident, 'repros'), { recursive: true });
  cpSync(join(flagshipRepro, 'desync.ts'), join(incident, 'repros/desync/desync.ts'));
  // Only the naive strategy, to keep the run short.
  writeFileSync(
    join(incident, 'repros/desync/repro.yaml'),
    readFileSync(join(flagshipRepro, 'repro.yaml'), 'utf8').replace('STRATEGY: [naive, disconnect-on-cancel, shield]', 'STRATEGY: [naive]'),
  );
  cpSync(join(incident, 'repros/desync'), join(incident, 'repros/never-run'), { recursive: true });
  writeFileSync(
    join(incident, 'index.mdx'),
    `---
title: Replies out of step
summary: A cancelled caller's reply went to the next caller.
impact: Wrong data for some requests
severity: SEV3
status: resolved
timezone: UTC
authors: [Tester]
---

## Reproduction

<Repro id="desync" />
`,
  );
  const run = await runNode([join(projectRoot, 'scripts/repro.ts'), '2024-01-01-desync', 'desync'], { cwd: root });
  expect(run.code, run.stderr).toBe(0);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
});

async function build(): Promise<{ url: string; close(): Promise<void> }> {
  const out = join(root, `dist-${Date.now()}`);
  const result = await buildSite(root, out);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return serveStatic(out);
}

it('shows the recorded verdict, when and where it ran, the wire trace and the command', async () => {
  const server = await build();
  const page = await browser.newPage();
  await page.goto(`${server.url}/incidents/2024-01-01-desync/`);
  const repro = page.locator('#repro-desync');
  await expect(repro.locator('.repro-status').first().textContent()).resolves.toMatch(/Recorded \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC on Linux .*redis-server \d+\.\d+\.\d+: 1 reproduced/);
  await expect(repro.locator('.repro-matrix tbody tr td .verdict').textContent()).resolves.toBe('✗ reproduced');
  await expect(repro.locator('svg#trace-desync').count()).resolves.toBe(1);
  await expect(repro.locator('figure.trace-diagram').textContent()).resolves.toContain('reply to GET owner:alice');
  await expect(repro.locator('.repro-command code').textContent()).resolves.toBe('npm run repro -- 2024-01-01-desync desync');
  // The repro the story does not embed is shown after it, honestly unrun.
  await expect(page.locator('#repro-never-run .repro-not-run').textContent()).resolves.toContain('Not yet run.');
  await expect(page.locator('#repro-never-run .repro-matrix').count()).resolves.toBe(0);
  await page.close();
  await server.close();
});

it('marks the recording stale once the snippet changes', async () => {
  const snippet = join(incident, 'repros/desync/desync.ts');
  writeFileSync(snippet, `${readFileSync(snippet, 'utf8')}\n// edited after the run\n`);
  const server = await build();
  const page = await browser.newPage();
  await page.goto(`${server.url}/incidents/2024-01-01-desync/`);
  await expect(page.locator('#repro-desync .repro-stale').textContent()).resolves.toContain('Stale.');
  await page.close();
  await server.close();
});
