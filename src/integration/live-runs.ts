/**
 * Live runs in `astro dev`: an endpoint on the Vite dev server that runs a repro's
 * cells with the real runner and streams their output to the page, and a Stop that ends the
 * run and everything it started. Registered from the integration's `astro:server:setup` hook
 * only, so a build has none of it: no endpoint, no script, no token in any page.
 *
 * Who may run what:
 * - loopback clients only (the socket's address), on a loopback Host (a DNS-rebound name that
 *   resolves to 127.0.0.1 is refused), from this server's own origin (another localhost site
 *   gets neither the endpoint nor, in the pages it might read, the token);
 * - with the per-server random token, which only the dev pages carry (via Astro.locals), sent
 *   in a header, so a cross-site form or fetch cannot send it without a CORS preflight that
 *   this endpoint never grants;
 * - naming an incident slug, a repro id and a version or cell of its current matrix, each
 *   looked up in the archive; nothing in a request is ever used as a path or a command;
 * - one run at a time: a second gets 409 with the running repro's name.
 *
 * The runner lives in src/repro/; it is loaded with a dynamic import when the first run
 * starts (the one crossing from integration into repro that the architecture test allows).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AstroIntegrationLogger } from 'astro';
import type { ViteDevServer } from 'vite';
import { readArchive, type ArchiveOptions } from '../archive/archive.ts';
import { LIVE_RUNS_LOCALS, type LastLiveRun, type LiveRunsLocals } from '../view/repro-view.ts';
import type { LiveEvent, LiveScope } from '../repro/live/session.ts';
import { packageFile } from '../package-root.ts';

/** Under Vite's own `/__` prefix: no page or public file of a site can live there. */
export const LIVE_RUNS_PATH = '/__aftermath/live-runs';
export const TOKEN_HEADER = 'x-aftermath-run-token';
/** The controls' script and style, served to the dev server's own pages only (never in a build). */
const CLIENT_FILES: Record<string, { file: URL; type: string } | undefined> = {
  'client.js': { file: packageFile('src/integration/live-runs-client.js'), type: 'text/javascript; charset=utf-8' },
  'client.css': { file: packageFile('src/integration/live-runs.css'), type: 'text/css; charset=utf-8' },
};
const LOCALS_SYMBOL = Symbol.for('astro.locals');
const MAX_BODY = 4096;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** `localhost`, `127.x.x.x` or `[::1]`, with or without a port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

export function tokensMatch(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface RunRequest {
  incident: string;
  repro: string;
  scope: LiveScope;
}

/** A run request's body, checked field by field; a string says what is wrong with it. */
export function parseRunRequest(body: unknown): RunRequest | string {
  if (typeof body !== 'object' || body === null) return 'expected a JSON object';
  const { incident, repro, version, cell } = body as Record<string, unknown>;
  if (typeof incident !== 'string' || !ID.test(incident)) return 'incident: expected an incident slug';
  if (typeof repro !== 'string' || !ID.test(repro)) return 'repro: expected a repro id';
  if (version !== undefined && cell !== undefined) return 'give a version or a cell, not both';
  if (version !== undefined)
    return typeof version === 'string' && version.length <= 200
      ? { incident, repro, scope: { kind: 'version', version } }
      : 'version: expected a version of the matrix';
  if (cell !== undefined)
    return typeof cell === 'string' && cell.length <= 2000
      ? { incident, repro, scope: { kind: 'cell', key: cell } }
      : 'cell: expected a cell key from the page';
  return { incident, repro, scope: { kind: 'all' } };
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify({ error: status >= 400 ? message : undefined, message })}\n`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface Running {
  name: string;
  controller: AbortController;
  done: Promise<void>;
}

/** The live-run state of one dev server: at most one run at a time, and the last run of each repro. */
interface LiveRunsState {
  root: string;
  options: ArchiveOptions;
  logger?: Pick<AstroIntegrationLogger, 'info' | 'warn'>;
  lastRuns: Record<string, LastLiveRun>;
  running?: Running;
}

const busy = (res: ServerResponse, other: Running) =>
  reply(res, 409, `busy: ${other.name} is running; stop it or wait for it to finish (one run at a time)`);

/** POST /run: runs the cells asked for, streaming the runner's events as lines of JSON. */
async function run(state: LiveRunsState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch (error) {
    return reply(res, 400, `expected a JSON body: ${(error as Error).message}`);
  }
  const request = parseRunRequest(body);
  if (typeof request === 'string') return reply(res, 400, request);
  const name = `${request.incident}/${request.repro}`;
  if (state.running) return busy(res, state.running);
  const session = await import('../repro/live/session.ts');
  let found: ReturnType<typeof session.findRepro>;
  let cells: ReturnType<typeof session.cellsFor>;
  try {
    found = session.findRepro(readArchive(state.root, state.options).incidents, request.incident, request.repro);
    cells = session.cellsFor(found.repro, request.scope);
  } catch (error) {
    if (error instanceof session.LiveRunError) return reply(res, 404, error.message);
    throw error;
  }
  // Checked again: another request may have started a run while the import was awaited.
  if (state.running) return busy(res, state.running);
  const controller = new AbortController();
  res.writeHead(200, {
    'content-type': 'application/x-ndjson; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  // A page that goes away (a reload) does not stop the run: only Stop does.
  const send = (event: LiveEvent) => {
    if (event.type === 'recorded')
      state.lastRuns[name] = { recordedAt: event.recordedAt, ran: event.ran, changes: event.changes };
    if (!res.destroyed) res.write(`${JSON.stringify(event)}\n`);
  };
  state.logger?.info(`live run: ${name}, ${cells.length} cell(s)`);
  const done = session.runLive(state.root, found.incident, found.repro, cells, {
    signal: controller.signal,
    onEvent: send,
  });
  state.running = { name, controller, done };
  try {
    await done;
  } finally {
    state.running = undefined;
    res.end();
  }
}

/** POST /stop: stops the run, and answers once it has stopped. */
async function stop(state: LiveRunsState, res: ServerResponse): Promise<void> {
  const current = state.running;
  if (!current) return reply(res, 200, 'nothing is running');
  current.controller.abort();
  await current.done;
  reply(res, 200, `stopped ${current.name}`);
}

/** The live-run endpoint of one dev server, and the locals its pages get. */
export function liveRunsEndpoint(
  root: string,
  logger?: Pick<AstroIntegrationLogger, 'info' | 'warn'>,
  options: ArchiveOptions = {},
) {
  const token = randomBytes(32).toString('hex');
  // Read to record: a <Verdict> citing a cell the run will record does not hide its repro.
  const state: LiveRunsState = { root, options: { ...options, recording: true }, logger, lastRuns: {} };
  const locals: LiveRunsLocals = {
    token,
    endpoint: LIVE_RUNS_PATH,
    script: `${LIVE_RUNS_PATH}/client.js`,
    style: `${LIVE_RUNS_PATH}/client.css`,
    lastRuns: state.lastRuns,
  };

  /** Connect middleware: the endpoint itself, and the page's locals for every other request. */
  return {
    token,
    locals,
    isRunning: () => state.running !== undefined,
    middleware(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
      const url = req.url ?? '/';
      // A browser names the page's origin on cross-origin and on POST requests: it must be this
      // server's own (Vite's CORS lets other localhost origins read responses, so they get nothing).
      const origin = req.headers.origin;
      const local =
        isLoopbackAddress(req.socket.remoteAddress) &&
        isLoopbackHost(req.headers.host) &&
        (origin === undefined || origin === `http://${req.headers.host}`);
      if (!url.startsWith(LIVE_RUNS_PATH)) {
        // Only loopback pages get the controls and the token (`astro dev --host` serves others too).
        if (local) {
          const existing = Reflect.get(req, LOCALS_SYMBOL) as object | undefined;
          Reflect.set(req, LOCALS_SYMBOL, { ...existing, [LIVE_RUNS_LOCALS]: locals });
        }
        return next();
      }
      if (!local) return reply(res, 403, "live runs answer this dev server's own pages on a loopback address only");
      const path = url.split('?')[0];
      const asset = CLIENT_FILES[path.slice(LIVE_RUNS_PATH.length + 1)];
      if (asset && req.method === 'GET') {
        res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' });
        res.end(readFileSync(asset.file));
        return;
      }
      if (req.method !== 'POST') return reply(res, 405, 'POST only');
      if (!tokensMatch(token, req.headers[TOKEN_HEADER]))
        return reply(res, 403, 'missing or wrong token: reload the page from this dev server');
      if (!String(req.headers['content-type']).startsWith('application/json'))
        return reply(res, 415, 'expected application/json');
      const handled =
        path === `${LIVE_RUNS_PATH}/run`
          ? run(state, req, res)
          : path === `${LIVE_RUNS_PATH}/stop`
            ? stop(state, res)
            : Promise.resolve(reply(res, 404, 'unknown live-run request'));
      handled.catch((error: unknown) => {
        logger?.warn(`live run: ${(error as Error).stack ?? String(error)}`);
        if (!res.headersSent) reply(res, 500, (error as Error).message);
        else res.end();
      });
    },
  };
}

/** Called from the integration's `astro:server:setup` hook (dev server only). */
export function setupLiveRuns(
  server: Pick<ViteDevServer, 'middlewares'>,
  root: string,
  logger?: Pick<AstroIntegrationLogger, 'info' | 'warn'>,
  options: ArchiveOptions = {},
): void {
  const endpoint = liveRunsEndpoint(root, logger, options);
  server.middlewares.use(endpoint.middleware);
}
