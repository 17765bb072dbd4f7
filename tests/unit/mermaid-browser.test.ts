/** The long-lived Mermaid page: real Chromium, real `mermaid`. */
import { afterAll, expect, it } from 'vitest';
import { createChromiumPool } from '../../src/render/chromium-pool.ts';
import { createMermaidBrowser, MermaidRenderError } from '../../src/render/mermaid-browser.ts';

const browser = createMermaidBrowser({ pool: createChromiumPool({ size: 2, idleMs: 200 }) });
afterAll(() => browser.close());

const FLOW = 'flowchart LR\n  Client --> Proxy --> Redis';
const DARK = "%%{init: {'theme': 'dark', 'flowchart': {'curve': 'step'}}}%%\nflowchart TB\n  A --> B";
const BROKEN = 'flowchart LR\n  A --> --> B';

const fulfilled = (r: PromiseSettledResult<string>) => {
  if (r.status !== 'fulfilled') throw r.reason;
  return r.value;
};

it('draws each diagram with its own id, and a diagram after others exactly as in a fresh page', async () => {
  const [alone] = await browser.render([FLOW], 'one');
  const alonesvg = fulfilled(alone!);
  expect(alonesvg).toMatch(/^<svg[^>]* id="one-0"/);
  expect(alonesvg).toContain('Redis');

  // A themed diagram and a broken one first: neither may leak into the next diagram of the page.
  const batch = await browser.render([DARK, BROKEN, FLOW], 'one');
  expect(fulfilled(batch[0]!)).toMatch(/id="one-0"/);
  expect(batch[1]!.status).toBe('rejected');
  const reason = (batch[1] as PromiseRejectedResult).reason;
  expect(reason).toBeInstanceOf(MermaidRenderError);
  expect(reason.message).toMatch(/Parse error on line 2/);
  expect(fulfilled(batch[2]!).replaceAll('one-2', 'one-0')).toBe(alonesvg);
}, 60_000);

it('shares a long batch over the pages, numbering ids as one batch, a failure staying with its diagram', async () => {
  const sources = Array.from({ length: 10 }, (_, i) => (i === 7 ? BROKEN : `flowchart LR\n  A${i} --> B${i}`));
  const results = await browser.render(sources, 'many');
  expect(results.map((r) => r.status)).toEqual(sources.map((_, i) => (i === 7 ? 'rejected' : 'fulfilled')));
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') {
      expect(r.value).toMatch(new RegExp(`^<svg[^>]* id="many-${i}"`));
      expect(r.value).toContain(`A${i}`);
    }
  });
}, 60_000);

it('starts a new browser after being closed, or after closing itself when idle', async () => {
  await browser.close();
  expect(fulfilled((await browser.render([FLOW], 'again'))[0]!)).toMatch(/id="again-0"/);
  await new Promise((r) => setTimeout(r, 400));
  expect(fulfilled((await browser.render([FLOW], 'later'))[0]!)).toMatch(/id="later-0"/);
}, 60_000);
