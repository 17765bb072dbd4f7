/**
 * The authoring loop against the real development server: `astro dev` on a free loopback port
 * serves a copy of tests/fixtures/sites/dev-loop, Chromium keeps the incident page and the index
 * open, and the test edits each kind of file an author edits (index.mdx, timeline.yaml,
 * history.yaml, facts.yaml, a repro's snippet, repro.yaml and results.json) and waits for the
 * open pages to show the change, without a restart. Then mistakes: each is printed once in the
 * server's output with file and line, shown in a banner on the page, and gone with the fix.
 */
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourcesHash } from '../../src/archive/repro-record.ts';
import { copyFixtureSite, launchChromium, startDevServer, type DevServer } from '../support/site.ts';

const SLUG = '2024-06-02-queue-backlog';
const root = copyFixtureSite('dev-loop');
const dir = join(root, 'content/incidents', SLUG);
const repro = join(dir, 'repros/ack');

let dev: DevServer;
let base = '';
let browser: Browser;
let incidentPage: Page;
let indexPage: Page;

/** Replaces `from` in a file of the incident, failing loudly when the file no longer contains it. */
function edit(file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}

/** The page's visible text; empty while it reloads. */
const textOf = (page: Page, selector = 'body') =>
  page
    .locator(selector)
    .first()
    .innerText({ timeout: 2_000 })
    .catch(() => '');
// Generous: on a loaded 2-core machine a dev server can take many seconds to re-render after a save.
const poll = { timeout: 60_000, interval: 250 };

/** Waits until the server has printed `text` and a moment more, then counts it. */
async function printedTimes(text: string): Promise<number> {
  await expect.poll(() => dev.output().includes(text), poll).toBe(true);
  await new Promise((r) => setTimeout(r, 1_500));
  return dev.output().split(text).length - 1;
}

/** In the dev server's environment, as a deploy token would be; no page may ever show it. */
const SECRET = 'AFTERMATH-DEV-SECRET-91c2';

beforeAll(async () => {
  dev = await startDevServer(root, { AFTERMATH_TEST_TOKEN: SECRET });
  base = dev.url;
  browser = await launchChromium();
  incidentPage = await browser.newPage();
  indexPage = await browser.newPage();
  await incidentPage.goto(`${base}/incidents/${SLUG}/`);
  await indexPage.goto(`${base}/`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('npm run dev: a save shows in the open pages without a restart', () => {
  it('serves every feed a page announces, at the address it announces (no trailing slash)', async () => {
    const feeds = await incidentPage
      .locator('link[rel="alternate"][type$="xml"], link[rel="alternate"][type$="json"]')
      .evaluateAll((links) => links.map((l) => ({ href: (l as HTMLLinkElement).href, type: l.getAttribute('type')! })));
    expect(feeds.map((f) => new URL(f.href).pathname)).toContain('/feeds/incidents.atom');
    expect(feeds.length).toBe(9);
    for (const { href, type } of feeds) {
      const response = await fetch(href);
      expect(response.status, href).toBe(200);
      expect(response.headers.get('content-type'), href).toContain(type);
    }
  });

  it('serves the incident as committed', async () => {
    expect(await textOf(incidentPage, 'h1')).toBe('Checkout queue backlog after a consumer deploy');
    expect(await textOf(indexPage)).toContain('Checkout queue backlog after a consumer deploy');
    expect(await textOf(incidentPage)).not.toContain('Stale.');
  });

  it('index.mdx: a new title, in the incident page and in the index', async () => {
    edit(
      'index.mdx',
      'title: Checkout queue backlog after a consumer deploy',
      'title: Checkout queue stalls after a consumer deploy',
    );
    await expect.poll(() => textOf(incidentPage, 'h1'), poll).toBe('Checkout queue stalls after a consumer deploy');
    await expect.poll(() => textOf(indexPage), poll).toContain('Checkout queue stalls after a consumer deploy');
  });

  it("index.mdx: a page that was loading when the save came still shows it (Vite's reload never reached it)", async () => {
    const late = await browser.newPage();
    // The page's HTML is fetched from the server now, before the save, and handed to the page
    // only after it: meanwhile the page has no connection, so Vite's reload reaches no one.
    let fetched!: () => void;
    const htmlFetched = new Promise<void>((resolve) => (fetched = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    await late.route(`${base}/incidents/${SLUG}/`, async (route) => {
      if (!first) return route.continue();
      first = false;
      const response = await route.fetch();
      fetched();
      await held;
      await route.fulfill({ response });
    });
    const loading = late.goto(`${base}/incidents/${SLUG}/`);
    await htmlFetched;
    edit('index.mdx', 'impact: Order confirmations delayed', 'impact: Order confirmations held back');
    // The open page hears of it: the store was written and Vite's reload went out.
    await expect.poll(() => textOf(incidentPage), poll).toContain('Order confirmations held back');
    release();
    await loading;
    await expect.poll(() => textOf(late), poll).toContain('Order confirmations held back');
    await late.close();
  });

  it('index.mdx: a new sentence in the story', async () => {
    edit('index.mdx', 'Restore the acknowledgement', 'Page the on-call engineer and restore the acknowledgement');
    await expect
      .poll(() => textOf(incidentPage), poll)
      .toContain('Page the on-call engineer and restore the acknowledgement');
  });

  it('timeline.yaml: a renamed event', async () => {
    edit('timeline.yaml', 'title: Rollback complete, queue draining', 'title: Rollback finished, queue draining');
    await expect.poll(() => textOf(incidentPage), poll).toContain('Rollback finished, queue draining');
  });

  it('history.yaml: a renamed issue', async () => {
    edit(
      'history.yaml',
      'title: Messages are never acknowledged after release 42',
      'title: Release 42 never acknowledges a message',
    );
    await expect.poll(() => textOf(incidentPage), poll).toContain('Release 42 never acknowledges a message');
  });

  it('facts.yaml: a corrected value, where the prose cites it', async () => {
    edit('facts.yaml', 'value: 48000', 'value: 51000');
    await expect.poll(() => textOf(incidentPage, '[data-incident-body]'), poll).toMatch(/The queue held\s+51000/);
  });

  it('a repro: an edited snippet marks the record stale at once; a new recording (results.json) clears it', async () => {
    writeFileSync(join(repro, 'consume.py'), `${readFileSync(join(repro, 'consume.py'), 'utf8')}print("edited")\n`);
    await expect.poll(() => textOf(incidentPage), poll).toContain('Stale.');
    const results = JSON.parse(readFileSync(join(repro, 'results.json'), 'utf8'));
    writeFileSync(
      join(repro, 'results.json'),
      JSON.stringify({ ...results, sourcesHash: sourcesHash(repro) }, null, 2),
    );
    await expect.poll(() => textOf(incidentPage), poll).not.toContain('Stale.');
  });

  it('a repro: an edited repro.yaml marks the record stale too', async () => {
    edit('repros/ack/repro.yaml', 'timeout_s: 30', 'timeout_s: 40');
    await expect.poll(() => textOf(incidentPage), poll).toContain('Stale.');
  });
});

describe('npm run dev: a mistake is printed once, shown in the page, and gone with its fix', () => {
  const banner = (page: Page) => textOf(page, '[data-dev-problems]');
  /** Waits until the page shows no problem banner (a page mid-reload counts as still showing it). */
  const bannerGone = (page: Page) =>
    expect
      .poll(
        () =>
          page
            .locator('[data-dev-problems]')
            .count()
            .catch(() => 1),
        poll,
      )
      .toBe(0);

  it('a severity outside SEV1–SEV4', async () => {
    const line = `content/incidents/${SLUG}/index.mdx:7  severity`;
    const message =
      'expected severity to be one of SEV1 (critical), SEV2 (major), SEV3 (minor), SEV4 (none); found "SEV9"';
    edit('index.mdx', 'severity: SEV2', 'severity: SEV9');
    expect(await printedTimes(`${line}\n    ${message}`)).toBe(1);
    // Both open pages show it; the incident keeps its last valid version meanwhile.
    await expect.poll(() => banner(incidentPage), poll).toContain(`${line}\n    ${message}`);
    await expect.poll(() => banner(indexPage), poll).toContain(line);
    await expect.poll(() => textOf(incidentPage, 'h1'), poll).toBe('Checkout queue stalls after a consumer deploy');

    edit('index.mdx', 'severity: SEV9', 'severity: SEV1');
    await expect.poll(() => textOf(incidentPage, '.incident-header .badge'), poll).toBe('SEV1 · critical');
    await bannerGone(incidentPage);
    await expect.poll(() => indexPage.locator('[data-dev-problems]').count(), poll).toBe(0);
    expect(await printedTimes('content problems fixed: the pages show the current files again')).toBe(1);
  });

  it('a timestamp without an offset in timeline.yaml', async () => {
    const before = dev.output().length;
    edit('timeline.yaml', 'at: "2024-06-02T10:55:00+02:00"', 'at: "2024-06-02T10:55:00"');
    await expect
      .poll(() => banner(incidentPage), poll)
      .toMatch(
        new RegExp(
          `content/incidents/${SLUG}/timeline\\.yaml:\\d+  \\[\\d\\]\\.at\\n {4}"2024-06-02T10:55:00" has no UTC offset`,
        ),
      );
    await expect
      .poll(() => dev.output().slice(before), poll)
      .toMatch(/timeline\.yaml:\d+ {2}\[\d\]\.at\n {4}"2024-06-02T10:55:00" has no UTC offset/);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(
      dev
        .output()
        .slice(before)
        .match(/has no UTC offset/g),
    ).toHaveLength(1);

    edit('timeline.yaml', 'at: "2024-06-02T10:55:00"', 'at: "2024-06-02T10:55:00+02:00"');
    await bannerGone(incidentPage);
    // The banner goes first; the page may still be reloading.
    await expect.poll(() => textOf(incidentPage), poll).toContain('Rollback finished, queue draining');
  });

  it('an unknown component, with the components that exist', async () => {
    edit('index.mdx', '## Follow-up', '<Nope />\n\n## Follow-up');
    await expect
      .poll(() => banner(incidentPage), poll)
      .toContain(
        `content/incidents/${SLUG}/index.mdx:32  <Nope />\n    <Nope> is not a component an incident can use. The components are: Fact, Ref, Repro, Verdict, Measure`,
      );
    // The story cannot render with it, so the page is left out until the fix: no stack trace.
    await expect.poll(() => textOf(incidentPage, 'h1'), poll).not.toBe('Checkout queue stalls after a consumer deploy');
    edit('index.mdx', '<Nope />\n\n## Follow-up', '## Follow-up');
    await bannerGone(incidentPage);
    await expect.poll(() => textOf(incidentPage, 'h1'), poll).toBe('Checkout queue stalls after a consumer deploy');
  });

  it('code in the story and a link out of the folder: in the banner, never run or read', async () => {
    writeFileSync(join(root, 'outside.txt'), `${SECRET}\n`);
    symlinkSync(join(root, 'outside.txt'), join(repro, 'notes.txt'));
    edit('index.mdx', '## Follow-up', 'Token: {process.env.AFTERMATH_TEST_TOKEN}\n\n## Follow-up');
    await expect.poll(() => banner(incidentPage), poll).toContain(`content/incidents/${SLUG}/index.mdx:32  expression`);
    await expect
      .poll(() => banner(incidentPage), poll)
      .toContain(`content/incidents/${SLUG}/repros/ack/notes.txt  link to`);
    for (const page of [incidentPage, indexPage]) expect(await textOf(page)).not.toContain(SECRET);
    expect(dev.output()).not.toContain(SECRET);
    edit('index.mdx', 'Token: {process.env.AFTERMATH_TEST_TOKEN}\n\n## Follow-up', '## Follow-up');
    rmSync(join(repro, 'notes.txt'));
    await bannerGone(incidentPage);
    await expect.poll(() => textOf(incidentPage, 'h1'), poll).toBe('Checkout queue stalls after a consumer deploy');
  });

  it('kept the one server running throughout, its output free of stack traces', () => {
    expect(dev.process.exitCode).toBe(null);
    expect(dev.output()).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});
