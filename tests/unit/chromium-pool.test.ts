/** The process's Chromium pool: real Chromium, a few pages at once, pages kept ready by kind. */
import { afterAll, expect, it } from 'vitest';
import { createChromiumPool, type PageKind } from '../../src/render/chromium-pool.ts';

const pool = createChromiumPool({ size: 2, idleMs: 300 });
afterAll(() => pool.close());

let opened = 0;
const BLANK: PageKind = {
  name: 'blank',
  open: async (browser) => {
    opened++;
    return browser.newPage();
  },
};

it('runs at most its size of tasks at once, and reuses the pages of a kind', async () => {
  let running = 0;
  let most = 0;
  const task = async () => {
    most = Math.max(most, ++running);
    await new Promise((r) => setTimeout(r, 50));
    running--;
  };
  await Promise.all(Array.from({ length: 6 }, () => pool.run(BLANK, task)));
  expect(most).toBe(2);
  expect(opened).toBe(2);
  await pool.run(BLANK, async (page) => expect(await page.evaluate(() => 1 + 1)).toBe(2));
  expect(opened).toBe(2);
});

it('does not reuse the page of a task that failed, and passes the failure on', async () => {
  const before = opened;
  await expect(pool.run(BLANK, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  await Promise.all([pool.run(BLANK, async () => {}), pool.run(BLANK, async () => {})]);
  expect(opened).toBe(before + 1);
});

it('closes its browser when idle and starts another when asked again', async () => {
  await new Promise((r) => setTimeout(r, 500));
  const before = opened;
  await pool.run(BLANK, async () => {});
  expect(opened).toBe(before + 1);
});
