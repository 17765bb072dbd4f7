/**
 * The content problems `astro dev` knows of right now. The content loader finds them on every
 * save; this module prints each new set once (a save fires several watcher events, and the
 * integration and the loader both read the archive at start-up), tells the integration so it
 * reloads the open pages, and hands them to the layout, which shows them in a banner on every
 * page until they are fixed. Loader, integration and layout are separate module instances in
 * one process, hence the state on globalThis.
 */
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { formatProblems, type ContentProblem } from '../schemas/problems.ts';
import { packageFile } from '../package-root.ts';

interface DevProblemsState {
  problems: ContentProblem[];
  /** What was last printed: the same problems are not printed again. */
  printed: string;
  listeners: Set<(problems: readonly ContentProblem[]) => void>;
}

const state: DevProblemsState = ((
  globalThis as { __aftermathDevProblems?: DevProblemsState }
).__aftermathDevProblems ??= {
  problems: [],
  printed: '',
  listeners: new Set(),
});

export interface ProblemLog {
  error(message: string): void;
  info(message: string): void;
}

/**
 * Records the archive's problems after a read. A set not printed before is printed once; when
 * the last problem is fixed, one line says so. Listeners hear of every change.
 */
export function reportDevProblems(problems: readonly ContentProblem[], log: ProblemLog): void {
  const text = problems.length > 0 ? formatProblems([...problems]) : '';
  if (text === state.printed) return;
  if (text) log.error(text);
  else log.info('content problems fixed: the pages show the current files again');
  state.printed = text;
  state.problems = [...problems];
  for (const listener of state.listeners) listener(state.problems);
}

/** The problems the pages should show (none outside `astro dev`). */
export function currentDevProblems(): readonly ContentProblem[] {
  return state.problems;
}

/** Calls `listener` whenever the set of problems changes; returns the function that stops it. */
export function onDevProblemsChange(listener: (problems: readonly ContentProblem[]) => void): () => void {
  state.listeners.add(listener);
  return () => state.listeners.delete(listener);
}

/** Where open pages ask for the current content stamp (an Astro route, injected in dev only). */
export const CONTENT_STAMP_ROUTE = '/__aftermath/content-stamp.txt';
/**
 * The script that asks (`astro dev` only), served by Vite's own file server so that it gets
 * Vite's hot-reload API; a processed <script> would be bundled into every build, unused.
 */
export const DEV_RELOAD_SCRIPT = `/@fs${fileURLToPath(packageFile('src/integration/dev-reload-client.js'))}`;
/**
 * A Vite plugin for `astro dev`: open pages reload when the problems change, so the banner
 * appears on a mistake and goes with its fix without the author reloading. (A valid save
 * reloads them anyway: Astro does so when the content store changes.) Either reload is lost
 * when it reaches a page that is itself loading; such a page asks for the content stamp once
 * connected (dev-reload-client.js).
 */
export function reloadOnDevProblems(): Plugin {
  return {
    name: 'aftermath-dev-problems',
    configureServer(server) {
      const stop = onDevProblemsChange(() => server.hot.send({ type: 'full-reload', path: '*' }));
      server.httpServer?.once('close', stop);
    },
  };
}
