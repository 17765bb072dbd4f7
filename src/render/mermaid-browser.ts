/**
 * The real `mermaid` package, running in one headless Chromium page that stays open while
 * diagrams keep coming. Loading Mermaid (3.5 MB of script) into a fresh page costs about half a
 * second; a diagram in a page that already has it costs a few tens of milliseconds. So the page
 * is kept and reused for every batch, and closed once nothing has been asked of it for a while,
 * which lets the process exit on its own when a build or check is done.
 */
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright';
import { chromiumLaunchOptions, requireChromium } from './chromium.ts';
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
   * per source, in order; a diagram that fails rejects alone.
   */
  render(sources: readonly string[], prefix: string): Promise<PromiseSettledResult<string>[]>;
  /** Closes the browser now (it also closes itself when idle). */
  close(): Promise<void>;
}

type Outcome = { svg: string } | { name: string; message: string };

export function createMermaidBrowser({ idleMs = 2000 }: { idleMs?: number } = {}): MermaidBrowser {
  let session: Promise<{ browser: Browser; page: Page }> | undefined;
  let active = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  async function open() {
    requireChromium('Mermaid diagrams are drawn with it');
    const browser = await chromium.launch(chromiumLaunchOptions);
    try {
      const page = await browser.newPage();
      await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
      await page.addScriptTag({ path: mermaidScript });
      await page.evaluate(
        (config) => (globalThis as unknown as { mermaid: { initialize(c: object): void } }).mermaid.initialize(config),
        MERMAID_CONFIG,
      );
      await page.addScriptTag({ content: `globalThis.smallestLabels = ${smallestLabels.toString()};` });
      return { browser, page };
    } catch (error) {
      await browser.close().catch(() => {});
      throw error;
    }
  }

  async function close() {
    clearTimeout(idleTimer);
    const current = session;
    session = undefined;
    if (current) await current.then(({ browser }) => browser.close()).catch(() => {});
  }

  async function render(sources: readonly string[], prefix: string): Promise<PromiseSettledResult<string>[]> {
    clearTimeout(idleTimer);
    active++;
    try {
      const current = (session ??= open());
      let page: Page;
      try {
        ({ page } = await current);
      } catch (error) {
        // A browser that could not start is not kept: the next batch tries again.
        if (session === current) session = undefined;
        throw error;
      }
      const outcomes: Outcome[] = await page.evaluate(
        async ({ sources, prefix }) => {
          const mermaid = (
            globalThis as unknown as { mermaid: { render(id: string, text: string): Promise<{ svg: string }> } }
          ).mermaid;
          const results: Outcome[] = [];
          // One at a time: Mermaid queues renders internally anyway, and a failure stays with its diagram.
          for (const [index, text] of sources.entries()) {
            try {
              const { svg } = await mermaid.render(`${prefix}-${index}`, text);
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
              document.getElementById(`d${prefix}-${index}`)?.remove();
            }
          }
          return results;
        },
        { sources: [...sources], prefix },
      );
      return outcomes.map((o) =>
        'svg' in o
          ? { status: 'fulfilled', value: o.svg }
          : { status: 'rejected', reason: new MermaidRenderError(o.name, o.message) },
      );
    } catch (error) {
      // The page or browser died (crash, killed): start afresh next time.
      await close();
      throw error;
    } finally {
      active--;
      if (active === 0 && session) {
        idleTimer = setTimeout(() => void close(), idleMs);
      }
    }
  }

  return { render, close };
}
