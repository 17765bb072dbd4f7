/**
 * `astro dev` where the file watcher reports nothing (Vite's watcher turned off, as when the
 * content folder is mounted from a container or another machine and no events cross): a save
 * still reaches the open page within seconds, through the content folder's own check
 * (src/collections.ts), not through the watcher.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyFixtureSite, launchChromium, startDevServer, type DevServer } from '../support/site.ts';

const SLUG = '2024-06-02-queue-backlog';
const root = copyFixtureSite('dev-loop');
const timeline = join(root, 'content/incidents', SLUG, 'timeline.yaml');

const poll = { timeout: 30_000, interval: 250 };
/** The page's visible text; empty while it reloads. */
const bodyText = () =>
  page
    .locator('body')
    .innerText({ timeout: 2_000 })
    .catch(() => '');

let dev: DevServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const config = join(root, 'astro.config.mjs');
  const text = readFileSync(config, 'utf8');
  writeFileSync(
    config,
    text.replace(
      "trailingSlash: 'always',",
      "trailingSlash: 'always',\n  vite: { server: { watch: { ignored: ['**/content/**'] } } },",
    ),
  );
  dev = await startDevServer(root);
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${dev.url}/incidents/${SLUG}/`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  rmSync(root, { recursive: true, force: true });
});

it('shows a saved timeline in the open page though no watcher reported the save', async () => {
  expect(readFileSync(join(root, 'astro.config.mjs'), 'utf8')).toContain("ignored: ['**/content/**']");
  // The server's first content sync may reload the page once: wait for the page to settle.
  await expect.poll(bodyText, poll).toContain('Rollback complete, queue draining');
  const text = readFileSync(timeline, 'utf8');
  writeFileSync(timeline, text.replace('title: Rollback complete,', 'title: Rollback done,'));
  await expect.poll(bodyText, poll).toContain('Rollback done, queue draining');
});
