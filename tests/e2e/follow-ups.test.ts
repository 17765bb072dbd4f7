/**
 * Follow-ups end to end: on a copy of the basic fixture site with the flagship added (and an
 * overdue follow-up of its own), the flagship's follow-ups render with their states and linked
 * evidence, /follow-ups/ counts them and its filter pages work with JavaScript off, the JSON
 * export validates against its published schema; and flipping a recorded verdict makes
 * `npm run check` fail, naming the contradicted follow-up.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSite,
  copyFixtureSite,
  launchChromium,
  projectRoot,
  runNode,
  serveStatic,
  type StaticServer,
  aftermathBin,
} from '../support/site.ts';

const FLAGSHIP = '2023-03-20-chatgpt-redis-py';
const QUEUE = '2024-06-02-queue-backlog';
let root: string;
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  root = copyFixtureSite('basic');
  // The flagship's English files: this site has one locale, and a translation would be a problem.
  cpSync(join(projectRoot, 'content/incidents', FLAGSHIP), join(root, 'content/incidents', FLAGSHIP), {
    recursive: true,
    filter: (path) => !/\.zh-cn\./.test(path),
  });
  writeFileSync(
    join(root, 'content/incidents', QUEUE, 'actions.yaml'),
    `- id: alert-on-lag\n  title: Alert on consumer lag\n  kind: detect\n  owner: Platform team\n  status: open\n  due: "2024-07-01"\n- id: drop-legacy-queue\n  title: Drop the legacy queue\n  kind: prevent\n  owner: Platform team\n  status: won't do\n  reason: The queue goes with the old order service.\n`,
  );
  const result = await buildSite(root);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  server = await serveStatic(join(root, 'dist'));
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('follow-ups', () => {
  it("shows the flagship's follow-ups with their states, the redis-py fix's evidence linked to the page", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/incidents/${FLAGSHIP}/`);
    const items = page.locator('section[aria-labelledby="follow-ups"] li.follow-up');
    await expect(items.count()).resolves.toBe(7);
    await expect(page.locator('li.follow-up[data-state="done-stated"]').count()).resolves.toBe(6);
    const fix = page.locator('#follow-up-redis-py-disconnect-on-cancel');
    await expect(fix.locator('.fu-state').textContent()).resolves.toBe('verified by evidence');
    await expect(fix.textContent()).resolves.toContain('redis-py maintainers');
    const links = await fix.locator('.fu-evidence a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['#h-2695', '#h-v4-5-5', '#repro-cancel-race-proxy', '#repro-cancel-race-cluster']);
    // Every in-page link lands on something: a fix-history row or a repro box.
    for (const href of links) await expect(page.locator(href!).count()).resolves.toBe(1);
    await expect(
      page.locator('#follow-up-test-the-fix a[href="https://openai.com/blog/march-20-chatgpt-outage"]').count(),
    ).resolves.toBe(1);
    await page.close();
  });

  it('lists every follow-up on /follow-ups/ with counts, overdue marked, and filters as plain pages without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/follow-ups/`);
    await expect(page.locator('[data-count="total"]').textContent()).resolves.toBe('9 follow-ups');
    await expect(page.locator('[data-count="overdue"]').textContent()).resolves.toBe('1 overdue');
    await expect(page.locator('table.follow-up-table tbody tr').count()).resolves.toBe(9);
    const overdue = page.locator('tr.fu-row-overdue');
    await expect(overdue.count()).resolves.toBe(1);
    await expect(overdue.textContent()).resolves.toContain('Alert on consumer lag');
    await expect(page.locator('[data-filter="status/done-stated"]').textContent()).resolves.toContain('(6)');
    await expect(page.locator('[data-filter="status/contradicted"]').evaluate((e) => e.tagName)).resolves.toBe('SPAN');
    // The status feed, linked where the list is, with one item per dated follow-up.
    const feedHref = await page.getByRole('link', { name: 'JSON Feed' }).getAttribute('href');
    expect(feedHref).toBe('/feeds/follow-ups.json');
    const feed = JSON.parse(readFileSync(join(root, 'dist', feedHref!), 'utf8'));
    expect(feed.items.map((i: { tags: string[] }) => i.tags[0])).toEqual(['verified', ...Array(6).fill('done-stated')]);
    await page.locator('a[data-filter="status/verified"]').click();
    expect(page.url()).toBe(`${server.url}/follow-ups/status/verified/`);
    await expect(page.locator('[data-count="filtered"]').textContent()).resolves.toBe('1 follow-up');
    await expect(page.locator('tbody tr').textContent()).resolves.toContain(
      'redis-py: disconnect on any interrupted read',
    );
    await page.locator('a[data-filter="kind/detect"]').click();
    expect(page.url()).toBe(`${server.url}/follow-ups/kind/detect/`);
    const titles = await page.locator('tbody tr td:nth-child(2) a').allTextContents();
    expect(titles.sort()).toEqual([
      'Alert on consumer lag',
      'Improve logging to detect the issue and confirm it has stopped',
    ]);
    await context.close();
  });

  it('exports the follow-ups in /incidents/<slug>.json, valid against the published schema', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    ajv.addFormat('uri', (text: string) => URL.canParse(text));
    const validate = ajv.compile(JSON.parse(readFileSync(join(root, 'dist/schemas/incident-v2.json'), 'utf8')));
    const doc = JSON.parse(readFileSync(join(root, `dist/incidents/${FLAGSHIP}.json`), 'utf8'));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.followUps.map((f: { state: string }) => f.state)).toEqual([...Array(6).fill('done-stated'), 'verified']);
    expect(doc.followUps[6].evidence.map((e: { outcome: string }) => e.outcome)).toEqual([
      'holds',
      'holds',
      'holds',
      'holds',
    ]);
  });

  it('fails npm run check with the reason when a recorded verdict flips', async () => {
    const results = join(root, 'content/incidents', FLAGSHIP, 'repros/cancel-race-proxy/results.json');
    const check = () => runNode([aftermathBin, 'check'], { cwd: root });
    const before = await check();
    expect(before.code, before.stderr).toBe(0);
    const recorded = JSON.parse(readFileSync(results, 'utf8'));
    recorded.cells.find((c: { version: string }) => c.version === '4.5.5').verdict = 'reproduced';
    writeFileSync(results, JSON.stringify(recorded, null, 2));
    const after = await check();
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(
      /content\/incidents\/2023-03-20-chatgpt-redis-py\/actions\.yaml:\d+ {2}\[6\]\.evidence\[2\]/,
    );
    expect(after.stderr).toContain(
      'the follow-up "redis-py-disconnect-on-cancel" is marked done, but its evidence does not hold: cancel-race-proxy 4.5.5 is recorded as reproduced, not not-reproduced',
    );
  }, 120_000);
});

describe('a regression found by a re-run', () => {
  it('is said at the top of the incident, enters the updates feed, and contradicts the follow-up that relied on the cell', async () => {
    const dir = join(root, 'content/incidents', FLAGSHIP, 'repros/cancel-race-proxy');
    // The recording as committed (the test above doctored this copy).
    cpSync(
      join(projectRoot, 'content/incidents', FLAGSHIP, 'repros/cancel-race-proxy/results.json'),
      join(dir, 'results.json'),
    );
    const recorded = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    const cell = recorded.cells.find((c: { version: string }) => c.version === '4.5.5');
    const detectedAt = new Date(Date.parse(recorded.recordedAt) + 86_400_000).toISOString();
    const side = (verdict: string, ranAt: string, stdout: string) => ({ verdict, ranAt, imported: '4.5.5', stdout });
    writeFileSync(
      join(dir, 'regressions.json'),
      JSON.stringify({
        regressions: [
          {
            cell: { version: '4.5.5', parameters: {} },
            detectedAt,
            recorded: side('not-reproduced', cell.ranAt, cell.stdout),
            fresh: side('reproduced', detectedAt, 'imported redis 4.5.5\nLEAK: GET owner:bob returned alice-data\n'),
          },
        ],
      }),
    );
    try {
      const check = await runNode([aftermathBin, 'check'], { cwd: root });
      expect(check.code).toBe(1);
      expect(check.stderr).toContain(
        `cancel-race-proxy 4.5.5 is recorded as not-reproduced, but a re-run on ${detectedAt.slice(0, 10)} found it reproduced (a regression)`,
      );
      const out = join(root, 'dist-regression');
      const built = await buildSite(root, out);
      expect(built.code, built.stdout + built.stderr).toBe(0);
      const regressed = await serveStatic(out);
      try {
        const page = await browser.newPage();
        await page.goto(`${regressed.url}/incidents/${FLAGSHIP}/`);
        const notice = page.locator('.regression-notice');
        await expect(notice.textContent()).resolves.toMatch(
          /Regression:[\s\S]*Cancel between send and reply[\s\S]*4\.5\.5: recorded not reproduced \(ran .*\), now reproduced \(ran .*\)/,
        );
        await expect(notice.locator('a').getAttribute('href')).resolves.toBe('#repro-cancel-race-proxy');
        await expect(page.locator('#follow-up-redis-py-disconnect-on-cancel .fu-state').textContent()).resolves.toBe(
          'contradicted',
        );
        await page.close();
        const updates = JSON.parse(readFileSync(join(out, 'feeds/updates.json'), 'utf8'));
        const item = updates.items.find((i: { tags: string[] }) => i.tags.includes('regression'));
        expect(item.title).toBe(
          'ChatGPT, 20 March 2023: cancelled Redis requests served one user\'s data to another: regression in "Cancel between send and reply, made certain with a slow link"',
        );
        expect(item.url).toMatch(/#repro-cancel-race-proxy$/);
        const followUps = JSON.parse(readFileSync(join(out, 'feeds/follow-ups.json'), 'utf8'));
        const fix = followUps.items.find((i: { url: string }) =>
          i.url.endsWith('#follow-up-redis-py-disconnect-on-cancel'),
        );
        expect(fix.tags).toContain('contradicted');
      } finally {
        await regressed.close();
      }
    } finally {
      rmSync(join(dir, 'regressions.json'), { force: true });
    }
  }, 300_000);
});
