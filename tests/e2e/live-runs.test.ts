/**
 * Live runs in `astro dev` (issue 14), in Chromium against the real dev server on a copy of the
 * repro-run fixture site: the flagship's TypeScript desync client (its record doctored to a wrong
 * verdict, so the run visibly changes it) and a small Python repro on Debian's python3 with
 * redis-py `installed`, whose cells print, pause, and print again.
 *
 * Proves: Run for a whole matrix and for one cell streams output into the page before the cell
 * ends, writes results.json as the CLI does and replaces the verdict on the page, saying which
 * cells changed; Stop ends a long run with nothing left running (processes counted by an
 * environment marker, services by their folders in a private TMPDIR); requests without the
 * token, from another origin or host, or naming unknown ids are refused; a second run gets 409;
 * the controls say they need JavaScript when it is off; a build of the same site has no trace.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourcesHash } from '../../src/archive/repro-record.ts';
import type { CellResult, ReproResults } from '../../src/schemas/repro-results.ts';
import { isAlive, processesWithMarker, TEST_PYTHON } from '../fixtures/repro/support.ts';
import {
  buildSite,
  copyFixtureSite,
  launchChromium,
  projectRoot,
  runNode,
  startDevServer,
  type DevServer,
  aftermathBin,
} from '../support/site.ts';

const SLUG = '2024-01-01-desync';
/** Screenshots of a run in progress and after, kept where AFTERMATH_SHOTS says (else removed with the test's folders). */
const SHOTS = process.env.AFTERMATH_SHOTS ?? mkdtempSync(join(tmpdir(), 'aftermath-live-shots-'));
const ENDPOINT = '/__aftermath/live-runs';

const SLOW_MANIFEST = `title: A slow Python cell
description: Prints, pauses for PAUSE seconds, and prints its verdict; for the live-run tests.
runtime: python
entry: slow.py
package:
  name: redis
  versions: [installed]
parameters:
  PAUSE: ["1", "40"]
services: [redis]
timeout_s: 60
expect:
  reproduced: ^REPRODUCED$
  not_reproduced: ^NOT REPRODUCED$
`;
const SLOW_SNIPPET = `import os
import time

import redis

print("imported redis", redis.__version__)
client = redis.Redis(host=os.environ["REDIS_HOST"], port=int(os.environ["REDIS_PORT"]))
client.set("owner", "alice")
print("before the pause: SET owner alice")
time.sleep(float(os.environ["PAUSE"]))
print("after the pause: GET owner ->", client.get("owner").decode())
print("NOT REPRODUCED")
`;

/** Processes whose working folder is inside `dir` (redis-server runs in its private folder). */
function processesIn(dir: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const cwd = readlinkSync(`/proc/${name}/cwd`);
        return cwd.startsWith(`${dir}/`) && isAlive(Number(name)) ? [Number(name)] : [];
      } catch {
        return [];
      }
    });
}

/** Processes carrying the marker that run a repro snippet (not the dev server or its Chromium). */
function snippets(marker: string): number[] {
  return processesWithMarker(marker).filter((pid) => {
    try {
      return /slow\.py|desync/.test(readFileSync(`/proc/${pid}/cmdline`, 'latin1'));
    } catch {
      return false;
    }
  });
}

function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('live runs in the dev server', () => {
  const root = copyFixtureSite('repro-run');
  const incident = join(root, 'content/incidents', SLUG);
  const results = (id: string) =>
    JSON.parse(readFileSync(join(incident, 'repros', id, 'results.json'), 'utf8')) as ReproResults;
  const marker = `aftermath-live-${process.pid}-${Date.now()}`;
  // Short: Chromium's socket in it must fit a Unix socket path (108 bytes) wherever the project is cloned.
  const tmp = mkdtempSync(join(tmpdir(), 'aft-live-'));
  const cache = mkdtempSync(join(projectRoot, `tests/fixtures/sites/.tmp-live-cache-`));
  let dev: DevServer;
  let url = '';
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    cpSync(
      join(projectRoot, 'content/incidents/2023-03-20-chatgpt-redis-py/repros/resp-desync/desync.ts'),
      join(incident, 'repros/desync/desync.ts'),
    );
    // A real record of the desync repro, doctored to say "not reproduced": the live run must flip it back.
    const run = await runNode([aftermathBin, 'repro', SLUG, 'desync'], {
      cwd: root,
      env: { XDG_CACHE_HOME: cache },
    });
    expect(run.code, run.stderr).toBe(0);
    const desync = results('desync');
    Object.assign(desync.cells[0]!, {
      verdict: 'not-reproduced',
      expectation: 'violated',
      stdout: 'NO-LEAK: (a doctored record)\n',
    });
    writeFileSync(join(incident, 'repros/desync/results.json'), JSON.stringify(desync, null, 2));

    // The Python repro, with a hand-made record of two cells that "errored".
    const slow = join(incident, 'repros/slow-py');
    mkdirSync(slow);
    writeFileSync(join(slow, 'repro.yaml'), SLOW_MANIFEST);
    writeFileSync(join(slow, 'slow.py'), SLOW_SNIPPET);
    const template = desync.cells[0]!;
    const cell = (pause: string): CellResult => {
      const { expected: _expected, tally: _tally, ...rest } = template;
      return {
        ...rest,
        version: 'installed',
        parameters: { PAUSE: pause },
        verdict: 'error',
        reason: 'a hand-made record',
        expectation: 'none',
        stdout: '(hand-made)\n',
        stderr: '',
        trace: { messages: [], omitted: 0 },
        environment: {
          ...template.environment,
          runtime: 'python',
          interpreter: 'python3',
          interpreterVersion: '3.11.2',
        },
      };
    };
    const record: ReproResults = {
      repro: {
        incident: SLUG,
        id: 'slow-py',
        title: 'A slow Python cell',
        dir: `content/incidents/${SLUG}/repros/slow-py`,
      },
      sourcesHash: sourcesHash(slow),
      recordedAt: '2024-01-02T00:00:00.000Z',
      cells: [cell('1'), cell('40')],
    };
    writeFileSync(join(slow, 'results.json'), `${JSON.stringify(record, null, 2)}\n`);

    dev = await startDevServer(root, {
      REPRO_PYTHON: TEST_PYTHON,
      TMPDIR: tmp,
      XDG_CACHE_HOME: cache,
      AFTERMATH_TEST_MARKER: marker,
    });
    url = dev.url;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
    await page.goto(`${url}/incidents/${SLUG}/`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
    for (const dir of [root, tmp, cache]) rmSync(dir, { recursive: true, force: true });
    if (!process.env.AFTERMATH_SHOTS) rmSync(SHOTS, { recursive: true, force: true });
  });

  const box = (id: string) => page.locator(`#repro-${id}`);
  /** True at a moment when the cell's block has output but is still running. */
  const outputWhileRunning = (id: string, text: string) =>
    page.waitForFunction(
      ([id, text]) =>
        [...document.querySelectorAll(`#repro-${id} .repro-run-cell`)].some(
          (b) => b.textContent!.includes(text) && b.querySelector('.repro-run-state')?.textContent === 'running…',
        ),
      [id, text] as const,
      { polling: 'raf', timeout: 30_000 },
    );

  it('runs the TypeScript repro from the page, streams its output, records it and shows the new verdict', async () => {
    const desync = box('desync');
    await expect(desync.locator('.repro-matrix tbody td .verdict').textContent()).resolves.toBe(
      '✓\u00a0not reproduced',
    );
    const before = results('desync').recordedAt;
    await desync.locator('.repro-run').scrollIntoViewIfNeeded();
    await desync.getByRole('button', { name: 'Run all cells' }).click();
    await outputWhileRunning('desync', 'strategy naive');
    await page.screenshot({ path: join(SHOTS, 'desync-running.png'), fullPage: false });
    // The record replaces the old one in the box, which says what changed.
    await page.waitForFunction(
      () =>
        document.querySelector('#repro-desync .repro-matrix tbody td .verdict')?.textContent === '✗\u00a0reproduced',
      undefined,
      { timeout: 60_000 },
    );
    await expect(desync.locator('.repro-run-last').textContent()).resolves.toContain(
      'installed STRATEGY=naive: ✓ not reproduced → ✗ reproduced',
    );
    await expect(desync.locator('.repro-run-cell pre').first().textContent()).resolves.toMatch(
      /LEAK: GET owner:bob returned "alice-data"/,
    );
    const after = results('desync');
    expect(after.recordedAt > before).toBe(true);
    expect(after.cells.map((c) => c.verdict)).toEqual(['reproduced']);
    expect(after.sourcesHash).toBe(sourcesHash(join(incident, 'repros/desync')));
    await desync.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'desync-after.png'), fullPage: false });
  }, 120_000);

  it('runs one Python cell: output arrives during the pause, the other cell keeps its record', async () => {
    const slow = box('slow-py');
    await slow.scrollIntoViewIfNeeded();
    await slow.getByRole('button', { name: 'Run installed PAUSE=1' }).click();
    await outputWhileRunning('slow-py', 'before the pause: SET owner alice');
    await page.screenshot({ path: join(SHOTS, 'python-running.png'), fullPage: false });
    await page.waitForFunction(
      () =>
        document.querySelector('#repro-slow-py .repro-matrix tbody td .verdict')?.textContent ===
        '✓\u00a0not reproduced',
      undefined,
      { timeout: 60_000 },
    );
    await expect(slow.locator('.repro-run-last').textContent()).resolves.toContain(
      'installed PAUSE=1: ! error → ✓ not reproduced',
    );
    const record = results('slow-py');
    expect(record.cells.map((c) => [c.parameters.PAUSE, c.verdict])).toEqual([
      ['1', 'not-reproduced'],
      ['40', 'error'],
    ]);
    expect(record.cells[0]!.stdout).toMatch(
      /before the pause[\s\S]*after the pause: GET owner -> alice\nNOT REPRODUCED/,
    );
    await slow.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'python-after.png'), fullPage: false });
  }, 120_000);

  it('refuses a second run (409), and Stop ends a long run with nothing left running', async () => {
    const slow = box('slow-py');
    const recordedAt = results('slow-py').recordedAt;
    await slow.getByRole('button', { name: 'Run installed PAUSE=40' }).click();
    await outputWhileRunning('slow-py', 'before the pause');
    // While it runs: the snippet, a redis-server in a private folder of our TMPDIR.
    expect(snippets(marker)).toHaveLength(1);
    expect(processesIn(tmp).length).toBeGreaterThan(0);
    expect(readdirSync(tmp).filter((n) => n.startsWith('aftermath-'))).not.toEqual([]);

    const token = await page.locator('#repro-desync [data-run-controls]').getAttribute('data-token');
    const second = await post(
      `${url}${ENDPOINT}/run`,
      { incident: SLUG, repro: 'desync' },
      { 'x-aftermath-run-token': token! },
    );
    expect(second.status).toBe(409);
    expect(JSON.parse(second.text).message).toMatch(/^busy: 2024-01-01-desync\/slow-py is running/);
    // The page's own Run says so too.
    await box('desync').getByRole('button', { name: 'Run all cells' }).click();
    await page.waitForFunction(
      () =>
        /^Busy \(HTTP 409\): busy: .*slow-py is running/.test(
          document.querySelector('#repro-desync [data-run-status]')?.textContent ?? '',
        ),
      undefined,
      { timeout: 10_000 },
    );
    await page.screenshot({ path: join(SHOTS, 'stop-running.png'), fullPage: false });
    // …and offers to stop the run it could not start.
    await expect(box('desync').getByRole('button', { name: 'Stop' }).isEnabled()).resolves.toBe(true);

    await slow.getByRole('button', { name: 'Stop' }).click();
    await page.waitForFunction(
      () =>
        /^Stopped: every process, service and temp folder of the run is gone/.test(
          document.querySelector('#repro-slow-py [data-run-status]')?.textContent ?? '',
        ),
      undefined,
      { timeout: 20_000 },
    );
    expect(snippets(marker)).toEqual([]);
    expect(processesIn(tmp)).toEqual([]);
    expect(readdirSync(tmp).filter((n) => n.startsWith('aftermath-'))).toEqual([]);
    expect(results('slow-py').recordedAt).toBe(recordedAt); // a stopped run records nothing
    await expect(slow.locator('.repro-run-cell .repro-run-state').textContent()).resolves.toBe('stopped, no verdict');
    await expect(slow.locator('.repro-cell-running').count()).resolves.toBe(0);
    await page.screenshot({ path: join(SHOTS, 'stopped.png'), fullPage: false });
  }, 120_000);

  it('refuses requests without the token, from another host or origin, and for unknown ids', async () => {
    const token = (await page.locator('#repro-desync [data-run-controls]').getAttribute('data-token'))!;
    const body = { incident: SLUG, repro: 'desync' };
    expect((await post(`${url}${ENDPOINT}/run`, body)).status).toBe(403);
    expect((await post(`${url}${ENDPOINT}/run`, body, { 'x-aftermath-run-token': `${token.slice(1)}0` })).status).toBe(
      403,
    );
    expect((await post(`${url}${ENDPOINT}/stop`, {})).status).toBe(403);
    expect(
      (await post(`${url}${ENDPOINT}/run`, body, { 'x-aftermath-run-token': token, host: 'attacker.example' })).status,
    ).toBe(403);
    expect(
      (await post(`${url}${ENDPOINT}/run`, body, { 'x-aftermath-run-token': token, origin: 'http://localhost:9999' }))
        .status,
    ).toBe(403);
    expect(
      (
        await post(
          `${url}${ENDPOINT}/run`,
          { incident: SLUG, repro: '../../../etc' },
          { 'x-aftermath-run-token': token },
        )
      ).status,
    ).toBe(400);
    expect(
      (await post(`${url}${ENDPOINT}/run`, { incident: SLUG, repro: 'nope' }, { 'x-aftermath-run-token': token }))
        .status,
    ).toBe(404);
    expect(
      (await post(`${url}${ENDPOINT}/run`, { ...body, version: '4.5.4' }, { 'x-aftermath-run-token': token })).status,
    ).toBe(404);
    expect(
      (
        await post(
          `${url}${ENDPOINT}/run`,
          { ...body, cell: '["installed",[["STRATEGY","rm -rf"]]]' },
          { 'x-aftermath-run-token': token },
        )
      ).status,
    ).toBe(404);
    // A page fetched for another origin carries no token.
    const cross = await fetch(`${url}/incidents/${SLUG}/`, { headers: { origin: 'http://localhost:9999' } });
    expect(await cross.text()).not.toContain(token);
  });

  it('says the controls need JavaScript when it is off; the page still reads', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(`${url}/incidents/${SLUG}/`);
    await expect(plain.locator('#repro-desync .repro-run-nojs').textContent()).resolves.toContain('need JavaScript');
    await expect(plain.locator('#repro-desync [data-run-scope="all"]').isVisible()).resolves.toBe(false);
    await expect(plain.locator('#repro-desync .repro-matrix tbody td .verdict').textContent()).resolves.toBe(
      '✗\u00a0reproduced',
    );
    await context.close();
  });

  it('leaves no trace in a build: no endpoint, no script, no token, no control, no content stamp', async () => {
    const out = join(root, 'dist-live');
    const built = await buildSite(root, out);
    expect(built.code, built.stdout + built.stderr).toBe(0);
    expect(existsSync(join(out, `incidents/${SLUG}/index.html`))).toBe(true);
    const hits: string[] = [];
    for (const entry of readdirSync(out, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = join(entry.parentPath, entry.name);
      if (/live-runs/.test(file)) hits.push(file);
      const text = readFileSync(file, 'latin1');
      for (const needle of [
        '__aftermath',
        'live-runs',
        'x-aftermath-run-token',
        'data-run-controls',
        'data-run-scope',
        'Run all cells',
        'data-token',
        'aftermath-content-stamp',
      ])
        if (text.includes(needle)) hits.push(`${file}: ${needle}`);
    }
    expect(hits).toEqual([]);
  }, 180_000);
});
