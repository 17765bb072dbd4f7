/**
 * The real `mermaid` package, running in headless Chromium pages that stay open while diagrams
 * keep coming. Loading Mermaid (3.5 MB of script) into a fresh page costs about half a second; a
 * diagram in a page that already has it costs a few tens of milliseconds. So the pages are kept
 * in the process's Chromium pool (./chromium-pool.ts) and reused for every batch, a long batch is
 * shared out over as many pages as the machine has cores, and the browser closes once nothing
 * has been asked of it for a while, which lets the process exit on its own.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright';
import { sharedChromiumPool, type ChromiumPool, type PageKind } from './chromium-pool.ts';
import { smallestLabels } from './label-size.ts';

const require = createRequire(import.meta.url);
const mermaidScript = require.resolve('mermaid/dist/mermaid.min.js');
export const mermaidVersion: string = require('mermaid/package.json').version;

/** What Mermaid is initialised with; part of every cache key, so a change here re-renders. */
export const MERMAID_CONFIG = { startOnLoad: false, fontFamily: 'arial,sans-serif' } as const;

/** A render failure as it crosses from the page: Mermaid's own error name and message. */
export class MermaidRenderError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface MermaidBrowser {
  /**
   * Renders each source to an SVG string, drawn with the id `${prefix}-${index}`. One result
   * per source, in order; a diagram that fails rejects alone. A long list is shared out over
   * the pool's pages, one part each.
   */
  render(sources: readonly string[], prefix: string): Promise<PromiseSettledResult<string>[]>;
  /** Closes the browser now (it also closes itself when idle). */
  close(): Promise<void>;
}

type Outcome = { svg: string } | { name: string; message: string };

/** A page with Mermaid loaded and initialised, and the label measure beside it. */
export const MERMAID_PAGE: PageKind = {
  name: 'mermaid',
  async open(browser) {
    const page = await browser.newPage();
    try {
      await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
      await page.addScriptTag({ path: mermaidScript });
      await page.evaluate(
        (config) => (globalThis as unknown as { mermaid: { initialize(c: object): void } }).mermaid.initialize(config),
        MERMAID_CONFIG,
      );
      await page.addScriptTag({ content: `globalThis.smallestLabels = ${smallestLabels.toString()};` });
      return page;
    } catch (error) {
      await page.close().catch(() => {});
      throw error;
    }
  },
};

/** Fewer diagrams than this are not worth a second page (each batch pays for its round trip). */
const MIN_SHARE = 4;

export function createMermaidBrowser({ pool = sharedChromiumPool() }: { pool?: ChromiumPool } = {}): MermaidBrowser {
  async function render(sources: readonly string[], prefix: string): Promise<PromiseSettledResult<string>[]> {
    const parts = Math.max(1, Math.min(pool.size, Math.floor(sources.length / MIN_SHARE)));
    const share = Math.ceil(sources.length / parts);
    const outcomes = await Promise.all(
      Array.from({ length: parts }, (_, part) =>
        pool.run(
          MERMAID_PAGE,
          (page) => drawOn(page, sources.slice(part * share, (part + 1) * share), prefix, part * share),
          'Mermaid diagrams are drawn with it',
        ),
      ),
    );
    return outcomes
      .flat()
      .map((o) =>
        'svg' in o
          ? { status: 'fulfilled', value: o.svg }
          : { status: 'rejected', reason: new MermaidRenderError(o.name, o.message) },
      );
  }
  return { render, close: () => pool.close() };
}

/** Draws `sources` in one page, ids numbered from `first`. */
function drawOn(page: Page, sources: readonly string[], prefix: string, first: number): Promise<Outcome[]> {
  return page.evaluate(
    async ({ sources, prefix, first }) => {
      const mermaid = (
        globalThis as unknown as { mermaid: { render(id: string, text: string): Promise<{ svg: string }> } }
      ).mermaid;
      const results: Outcome[] = [];
      // One at a time: Mermaid queues renders internally anyway, and a failure stays with its diagram.
      for (const [offset, text] of sources.entries()) {
        const id = `${prefix}-${first + offset}`;
        try {
          const { svg } = await mermaid.render(id, text);
          // Its smallest label at its natural width, which the page's sizing keeps readable (./diagram-size.ts).
          const holder = document.createElement('div');
          holder.innerHTML = svg;
          document.body.append(holder);
          const drawn = holder.querySelector('svg')!;
          drawn.style.maxWidth = 'none';
          drawn.style.width = `${drawn.viewBox.baseVal.width}px`;
          const measure = (globalThis as unknown as { smallestLabels: typeof smallestLabels }).smallestLabels;
          const smallest = measure(`#${CSS.escape(drawn.id)}`)[0]?.px ?? Infinity;
          holder.remove();
          results.push({
            svg: Number.isFinite(smallest) ? svg.replace(/^<svg /, `<svg data-smallest-label="${smallest}" `) : svg,
          });
        } catch (error) {
          const e = error as { name?: string; message?: string };
          results.push({ name: e?.name ?? 'Error', message: e?.message ?? String(error) });
          // A failed render can leave its scratch element behind; the next diagram must not see it.
          document.getElementById(`d${id}`)?.remove();
        }
      }
      return results;
    },
    { sources: [...sources], prefix, first },
  );
}
