/**
 * The path a repro takes to the page: run it with the real runner (real redis-server, real
 * proxy), build the site, and read the verdicts, the trace diagram and the command in Chromium.
 * Then edit the snippet and see the page call the recording stale; a repro never run says so.
 *
 * Then a recorded matrix (tests/fixtures/sites/repro-matrix: hand-made results.json with rates,
 * skipped rows, contradicted expectations and package provenance) read at a glance, at phone
 * and desktop widths, and the prose's <Verdict> citations: rendered from the record, and a
 * citation of a cell that was never recorded stopping the build.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
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

describe('a repro run by the real runner', () => {
  const root = copyFixtureSite('repro-run');
  const incident = join(root, 'content/incidents/2024-01-01-desync');
  let browser: Browser;

  beforeAll(async () => {
    // The snippet under test is the flagship's own; `never-run` is the same repro left unrecorded.
    cpSync(
      join(projectRoot, 'content/incidents/2023-03-20-chatgpt-redis-py/repros/resp-desync/desync.ts'),
      join(incident, 'repros/desync/desync.ts'),
    );
    cpSync(join(incident, 'repros/desync'), join(incident, 'repros/never-run'), { recursive: true });
    const run = await runNode([aftermathBin, 'repro', '2024-01-01-desync', 'desync'], { cwd: root });
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
    await expect(repro.locator('.repro-status').first().textContent()).resolves.toMatch(
      /Recorded \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC on Linux .*redis-server \d+\.\d+\.\d+: 1 reproduced/,
    );
    // One strategy swept: one column under STRATEGY, the mark bound to its word by a no-break space.
    await expect(repro.locator('.repro-matrix thead').textContent()).resolves.toMatch(/STRATEGY.*naive/s);
    await expect(repro.locator('.repro-matrix tbody tr td .verdict').textContent()).resolves.toBe('✗\u00a0reproduced');
    await expect(repro.locator('svg#trace-desync').count()).resolves.toBe(1);
    await expect(repro.locator('figure.trace-diagram').textContent()).resolves.toContain('reply to GET owner:alice');
    await expect(repro.locator('.repro-command code').textContent()).resolves.toBe(
      'npx aftermath repro 2024-01-01-desync desync',
    );
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
});

describe('a recorded matrix and the prose that cites it', () => {
  const site = join(projectRoot, 'tests/fixtures/sites/repro-matrix');
  const slug = '2024-02-02-matrix';
  const out = mkdtempSync(join(projectRoot, 'tests/fixtures/sites/.tmp-matrix-dist-'));
  const made: string[] = [out];
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    const result = await buildSite(site, out);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    server = await serveStatic(out);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    made.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  async function open(width = 1280, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
    await page.goto(`${server.url}/incidents/${slug}/`);
    return page;
  }
  const text = async (page: Page, selector: string) =>
    (await page.locator(selector).allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());

  it('lays the matrix out versions down and SLEEP across, each cell one worded mark with its rate', async () => {
    const page = await open();
    const sweep = '#repro-sweep';
    await expect(page.locator(`${sweep} .repro-status`).textContent()).resolves.toMatch(
      /^\s*Recorded 2026-11-23 09:12 UTC on Linux 6\.1\.0 x64, Python 3\.11\.2, redis-server 7\.0\.15: 3 reproduced, 3 not reproduced, 6 skipped\.\s*⚠ 2 cells contradict the expected verdict\.\s*$/,
    );
    await expect(text(page, `${sweep} .repro-param-name`)).resolves.toEqual(['SLEEP']);
    await expect(text(page, `${sweep} .repro-matrix thead tr:last-child th`)).resolves.toEqual([
      'redis version',
      '0.001',
      '0.00001',
      '0.000001',
    ]);
    await expect(text(page, `${sweep} .repro-matrix tbody th`)).resolves.toEqual(['4.3.4', '4.4.0', '4.5.1', '4.5.5']);
    const row = (version: string) => text(page, `${sweep} .repro-matrix tbody tr:has(th:text-is("${version}")) td`);
    await expect(row('4.3.4')).resolves.toEqual([
      '✓ not reproduced0/10',
      '✓ not reproduced0/10',
      '✗ reproduced1/10⚠ expected not reproduced',
    ]);
    await expect(row('4.5.1')).resolves.toEqual([
      '✓ not reproduced0/10⚠ expected reproduced',
      '✗ reproduced4/10',
      '✗ reproduced9/10 · 1 failed',
    ]);
    // Colour is never the only signal: every mark carries its word, and a contradiction is outlined and said.
    await expect(page.locator(`${sweep} .repro-cell-violated`).count()).resolves.toBe(2);
    await expect(page.locator(`${sweep} .repro-cell-violated .repro-expected`).count()).resolves.toBe(2);
    const outline = await page
      .locator(`${sweep} .repro-cell-violated`)
      .first()
      .evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).toBe('dashed');
    // Rows skipped whole for one reason are one cell each, and the reason is said once.
    await expect(row('4.4.0')).resolves.toEqual(['– skipped1 for every SLEEP']);
    await expect(row('4.5.5')).resolves.toEqual(['– skipped1 for every SLEEP']);
    await expect(text(page, `${sweep} .repro-notes li`)).resolves.toEqual([
      '4.4.0 (all), 4.5.5 (all): pip could not install redis==<version>: not on any index that answered, and at least one configured index was unreachable',
    ]);
    await expect(page.locator(`${sweep} .repro-matrix a[href="#repro-sweep-note-1"]`).count()).resolves.toBe(2);
    // A repro without parameters is one column; "installed" says what it was; an error's reason is a note.
    await expect(text(page, '#repro-proxy .repro-matrix thead th')).resolves.toEqual(['redis version', 'verdict']);
    await expect(text(page, '#repro-proxy .repro-matrix tbody th')).resolves.toEqual([
      'installed (4.3.4)',
      '4.4.0',
      '4.5.1',
      '4.5.4',
    ]);
    await expect(text(page, '#repro-proxy .repro-notes li')).resolves.toEqual(['4.5.4: timed out after 30 s']);
    await page.close();
  });

  it('fits a 390 px and a 1280 px screen in both themes: the page never scrolls sideways, the matrix at most inside its box', async () => {
    for (const width of [390, 1280]) {
      for (const scheme of ['light', 'dark'] as const) {
        const page = await open(width, scheme);
        const where = `${width} px ${scheme}`;
        await expect(
          page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
          where,
        ).resolves.toBeLessThanOrEqual(0);
        for (const box of await page.locator('.repro-matrix-box').all()) {
          const rect = await box.evaluate((el) => ({
            right: el.getBoundingClientRect().right,
            scroll: el.scrollWidth - el.clientWidth,
          }));
          expect(rect.right, where).toBeLessThanOrEqual(width);
          // At desktop width nothing is clipped, not even inside the box.
          if (width === 1280) expect(rect.scroll, where).toBeLessThanOrEqual(0);
        }
        await page.close();
      }
    }
  });

  it("opens a reproduced cell's own page on the wrong value the next caller got, with the packages it ran", async () => {
    const page = await open();
    const link = page.locator('#repro-proxy .repro-matrix tbody tr:has(th:text-is("4.5.1")) a.verdict');
    await expect(link.getAttribute('href')).resolves.toBe('repros/proxy/4.5.1/');
    // No script: the cell is a plain link to a page of its own.
    await link.click();
    await page.waitForURL(`${server.url}/incidents/${slug}/repros/proxy/4.5.1/`);
    await expect(text(page, 'h1')).resolves.toEqual(['4.5.1: ✗ reproduced']);
    const first = (await page.locator('.transcript-body > :first-child').textContent())!.replace(/\s+/g, ' ').trim();
    expect(first).toBe(
      "What showed the bug: LEAK: GET owner:bob returned b'alice-data', the reply meant for the cancelled GET",
    );
    await expect(page.locator('pre.transcript mark').textContent()).resolves.toContain("returned b'alice-data'");
    await expect(page.locator('pre.transcript').textContent()).resolves.toBe(
      "imported redis 4.5.1\ncancelled the GET after 0.15s\nbar: b'foo'\nLEAK: GET owner:bob returned b'alice-data', the reply meant for the cancelled GET",
    );
    const redis = page.locator('.provenance .provenance-under-test');
    await expect(redis.textContent()).resolves.toMatch(/^redis 4\.5\.1 · wheel sha256 [0-9a-f]{8}…$/);
    await expect(redis.getAttribute('title')).resolves.toMatch(
      /^redis 4\.5\.1 from redis-4\.5\.1-py3-none-any\.whl, sha256 [0-9a-f]{64}$/,
    );
    // Back to the repro it belongs to, on the incident page.
    await expect(page.locator('.cell-page a').first().getAttribute('href')).resolves.toBe(
      `/incidents/${slug}/#repro-proxy`,
    );
    // The repro's own page: each version's packages once, and a link to every cell that ran.
    await page.goto(`${server.url}/incidents/${slug}/repros/sweep/`);
    await expect(text(page, '.repro-provenance dt')).resolves.toEqual(['4.3.4', '4.5.1']);
    await expect(page.locator('dd.provenance-under-test code').first().textContent()).resolves.toMatch(
      /^redis 4\.3\.4 from redis-4\.3\.4-py3-none-any\.whl, sha256 [0-9a-f]{64}$/,
    );
    // Skipped cells have no transcript of their own: their reason is the note, not a list of copies.
    await expect(page.locator('.repro-cells li a').count()).resolves.toBe(6);
    for (const href of await page
      .locator('.repro-cells li a')
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href)))
      expect((await page.request.get(href)).status(), href).toBe(200);
    await page.close();
  });

  it('prints the verdicts the prose cites from the record, linked to their repro, and says "not run" and "stale" honestly', async () => {
    const page = await open();
    const cited = page.locator('.prose > p .verdict-inline');
    await expect(text(page, '.prose > p .verdict-inline')).resolves.toEqual([
      '✗ reproduced',
      '! error, no verdict',
      '✗ reproduced 9/10 · 1 failed',
      '– not run',
      '⚠ stale recording',
    ]);
    await expect(
      cited.evaluateAll((els) => els.map((el) => [el.getAttribute('href'), el.getAttribute('data-state')])),
    ).resolves.toEqual([
      ['#repro-proxy', 'verdict'],
      ['#repro-proxy', 'error'],
      ['#repro-sweep', 'verdict'],
      ['#repro-sweep', 'not-run'],
      ['#repro-edited', 'stale'],
    ]);
    await expect(cited.nth(2).getAttribute('title')).resolves.toBe(
      '4.5.1 SLEEP=0.000001: reproduced; reproduced in 9 of 10 runs (1 failed without a verdict); recorded 2026-11-23',
    );
    await expect(page.locator('#repro-edited .repro-stale').count()).resolves.toBe(1);
    await page.close();
  });

  /** The fixture site with one line of its story changed, in a folder of its own. */
  function siteCiting(from: string, to: string): string {
    const root = copyFixtureSite('repro-matrix');
    made.push(root);
    const mdx = join(root, `content/incidents/${slug}/index.mdx`);
    const before = readFileSync(mdx, 'utf8');
    expect(before).toContain(from);
    writeFileSync(mdx, before.replace(from, to));
    return root;
  }

  const unrecorded = {
    from: '<Verdict repro="proxy" version="4.5.4" />',
    to: '<Verdict repro="proxy" version="4.4.4" />',
    message:
      /content\/incidents\/2024-02-02-matrix\/index\.mdx:14 {2}<Verdict repro="proxy" version="4\.4\.4" \/>\n {4}the repro "proxy" has no recorded cell for version 4\.4\.4 \(recorded: installed, 4\.4\.0, 4\.5\.1, 4\.5\.4\)\. 4\.4\.4 is not in content\/incidents\/2024-02-02-matrix\/repros\/proxy\/repro\.yaml \(package\.versions: installed, 4\.4\.0, 4\.5\.1, 4\.5\.4\); add it there and record it with npx aftermath repro 2024-02-02-matrix proxy --version 4\.4\.4, or cite a recorded version/,
  };

  it('fails the build when the prose cites a version that has no recorded cell, naming the file, line, component and fix', async () => {
    const root = siteCiting(unrecorded.from, unrecorded.to);
    const result = await buildSite(root);
    const output = result.stdout + result.stderr;
    expect(result.code).not.toBe(0);
    expect(output).toMatch(unrecorded.message);
    expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    // npm run check says the same before any build.
    const check = await runNode([aftermathBin, 'check'], { cwd: root });
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(unrecorded.message);
  }, 120_000);

  it('fails the build for parameters that were never recorded, and for an unknown repro', async () => {
    const root = siteCiting('params="SLEEP=0.000001"', 'params="SLEEP=0.5"');
    const mdx = join(root, `content/incidents/${slug}/index.mdx`);
    writeFileSync(mdx, readFileSync(mdx, 'utf8').replace('<Verdict repro="edited" />', '<Verdict repro="edtied" />'));
    const result = await buildSite(root);
    const output = result.stdout + result.stderr;
    expect(result.code).not.toBe(0);
    expect(output).toMatch(/2 content problems/);
    expect(output).toMatch(
      /index\.mdx:15 {2}<Verdict repro="sweep" version="4\.5\.1" params="SLEEP=0\.5" \/>\n {4}the repro "sweep" has no recorded cell for 4\.5\.1 with SLEEP=0\.5 \(recorded for 4\.5\.1: SLEEP=0\.001, SLEEP=0\.00001, SLEEP=0\.000001\)/,
    );
    expect(output).toMatch(
      /index\.mdx:17 {2}<Verdict repro="edtied" \/>\n {4}there is no repro "edtied" to cite \(this incident's repros: edited, proxy, sweep\)/,
    );
  }, 120_000);
});
