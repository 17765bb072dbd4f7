/**
 * One Chromium per process and a few pages of it at work at once, as many as the machine has
 * cores: every piece of Chromium work of a build (diagrams, social cards, the label check,
 * PDFs) runs here, so both cores of a small machine are busy and the browser starts once.
 *
 * Pages are kept ready by kind (a page with Mermaid loaded, a page that serves the built site,
 * a card-sized page): a task asks for a kind, gets an idle page of it or a new one, and gives it
 * back. The browser closes itself after ten idle seconds (the dev server draws on demand; a build
 * keeps it from its first diagrams to its last PDF) and on `close()`. `AFTERMATH_CHROMIUM_PAGES` sets the number of pages at once.
 */
import { availableParallelism } from 'node:os';
import type { Browser, Page } from 'playwright';
import { chromiumLaunchOptions, requireChromium } from './chromium.ts';

/** How a page of one kind is made ready; a kind is named so its idle pages can be found again. */
export interface PageKind {
  name: string;
  open(browser: Browser): Promise<Page>;
}

export interface ChromiumPool {
  /** Runs `task` on a page of `kind`, at most `size` tasks at once. */
  run<T>(kind: PageKind, task: (page: Page) => Promise<T>, needs?: string): Promise<T>;
  /** Pages at work at once. */
  readonly size: number;
  close(): Promise<void>;
}

export function poolSize(): number {
  const asked = Number(process.env.AFTERMATH_CHROMIUM_PAGES);
  if (Number.isInteger(asked) && asked > 0) return asked;
  return Math.max(1, Math.min(4, availableParallelism()));
}

export function createChromiumPool({ size = poolSize(), idleMs = 10_000 } = {}): ChromiumPool {
  let browser: Promise<Browser> | undefined;
  const idle = new Map<string, Page[]>();
  const waiting: (() => void)[] = [];
  let busy = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const acquire = async () => {
    clearTimeout(idleTimer);
    if (busy < size) {
      busy++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else if (--busy === 0) idleTimer = setTimeout(() => void close(), idleMs);
  };
  async function close() {
    clearTimeout(idleTimer);
    const current = browser;
    browser = undefined;
    idle.clear();
    if (current) await current.then((b) => b.close()).catch(() => {});
  }

  return {
    size,
    close,
    async run(kind, task, needs = 'Aftermath draws diagrams, social cards and PDFs with it') {
      await acquire();
      let page: Page | undefined;
      try {
        page = idle.get(kind.name)?.pop();
        if (!page || page.isClosed()) {
          requireChromium(needs);
          // Playwright is loaded when a page is first needed: a build whose outputs all come from
          // the caches never pays for it.
          const current = (browser ??= import('playwright').then(({ chromium }) =>
            chromium.launch(chromiumLaunchOptions),
          ));
          try {
            page = await kind.open(await current);
          } catch (error) {
            // A browser that could not start, or died, is not kept: the next task starts another.
            if (browser === current && !(await current.then((b) => b.isConnected()).catch(() => false)))
              browser = undefined;
            throw error;
          }
        }
        const result = await task(page);
        (idle.get(kind.name) ?? idle.set(kind.name, []).get(kind.name)!).push(page);
        page = undefined;
        return result;
      } finally {
        // A page whose task failed is not reused: it may be half-way through anything.
        if (page) await page.close().catch(() => {});
        release();
      }
    },
  };
}

/**
 * The pool every module of this process shares. Astro loads a module once for the Markdown
 * pipeline and once for the pages; both must draw in the same browser.
 */
export function sharedChromiumPool(): ChromiumPool {
  const shared = globalThis as { __aftermathChromium?: ChromiumPool };
  return (shared.__aftermathChromium ??= createChromiumPool());
}
