/**
 * Screenshots of a running Aftermath site at phone and desktop widths, in light and dark:
 *
 *   node scripts/screenshot.ts http://localhost:4321/incidents/<slug>/ --out shots/
 *
 * For checking how pages look (and for the README), not for tests.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../src/render/chromium.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: 'screenshots' },
    full: { type: 'boolean', default: false },
    /** Capture one element instead of the viewport, e.g. --selector '#timeline + p + ol'. */
    selector: { type: 'string' },
    /** Scroll this element to the top and capture the viewport around it (what a reader sees there). */
    at: { type: 'string' },
  },
});
if (positionals.length === 0) {
  console.error(
    'usage: node scripts/screenshot.ts <url> [more urls] [--out folder] [--full] [--selector css | --at css]',
  );
  process.exit(2);
}
mkdirSync(values.out, { recursive: true });
const browser = await chromium.launch(chromiumLaunchOptions);
try {
  for (const url of positionals) {
    const name = new URL(url).pathname.replace(/^\/|\/$/g, '').replace(/\//g, '_') || 'index';
    for (const [width, height, label] of [
      [1280, 900, 'desktop'],
      [390, 844, 'phone'],
    ] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const page = await browser.newPage({ viewport: { width, height }, colorScheme, deviceScaleFactor: 1 });
        await page.goto(url, { waitUntil: 'networkidle' });
        const file = join(values.out, `${name}-${label}-${colorScheme}.png`);
        if (values.selector) await page.locator(values.selector).first().screenshot({ path: file });
        else if (values.at) {
          await page
            .locator(values.at)
            .first()
            .evaluate((element) => element.scrollIntoView({ block: 'start' }));
          await page.screenshot({ path: file });
        } else await page.screenshot({ path: file, fullPage: values.full });
        console.log(file);
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
}
