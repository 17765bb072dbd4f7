/**
 * Helpers for end-to-end tests: build a fixture site with the real Astro CLI, serve its
 * output over loopback, and drive Debian's Chromium through playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { chromiumLaunchOptions } from '../../src/render/chromium.ts';

export const projectRoot = resolve(import.meta.dirname, '../..');
const astroBin = join(projectRoot, 'node_modules/astro/bin/astro.mjs');
/** The `aftermath` command, as a site's package.json runs it. */
export const aftermathBin = join(projectRoot, 'bin/aftermath.js');

/**
 * A throwaway copy of the committed fixture site `tests/fixtures/sites/<name>`, next to it (inside
 * this checkout, where `import aftermath from 'aftermath'` finds it), for a test that changes it.
 */
export function copyFixtureSite(name: string): string {
  const root = mkdtempSync(join(projectRoot, `tests/fixtures/sites/.tmp-${name}-`));
  cpSync(join(projectRoot, 'tests/fixtures/sites', name), root, {
    recursive: true,
    filter: (path) => !/[\\/](dist|\.astro|node_modules)$/.test(path),
  });
  return root;
}

/**
 * A team's site scaffolding in `root`: astro.config.mjs with `config` (the fields before
 * `integrations`) and `aftermath(options)`, and the src/content.config.ts every site has.
 */
export function writeSiteConfig(root: string, config = '', options = "{ title: 'Aftermath' }"): void {
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(
    join(root, 'astro.config.mjs'),
    `import { defineConfig } from 'astro/config';
import aftermath from 'aftermath';
export default defineConfig({ ${config ? `${config}, ` : ''}integrations: [aftermath(${options})] });
`,
  );
  writeFileSync(join(root, 'src/content.config.ts'), "export { collections } from 'aftermath/collections';\n");
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment a user's shell would give a command: Vitest's own variables (NODE_ENV=test,
 * BASE_URL, MODE, …) would otherwise leak into the Astro CLI and change what it builds.
 */
export function userEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['NODE_ENV', 'BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'TEST']) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith('VITEST')) delete env[name];
  return env;
}

/** Runs a Node script (the Astro CLI or one of ours) to completion and collects its output. */
export function runNode(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return runCommand(process.execPath, args, { cwd: options.cwd ?? projectRoot, env: options.env });
}

/** Runs `command` as a user's shell would (their environment, no colour, no telemetry), collecting its output. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...userEnvironment(), ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/**
 * `astro build` for the site at `root`, optionally into another output folder.
 *
 * With an output folder outside the working directory, Astro keeps its temporary prerender
 * chunks in `<cwd>/.astro/.prerender/` and deletes them when done, so two such builds started
 * from one folder delete each other's chunks. Each build therefore runs from a scratch folder
 * of its own inside the project (where node_modules still resolves), removed afterwards; the
 * diagram cache stays the project's (its writes are atomic, so builds can share it).
 *
 * Astro's incremental build keeps the pages it copies in the site's node_modules/.astro/, and two
 * builds of one site at once (tests of the same fixture with different base paths) would copy
 * each other's pages: every build renders every page (`--force`) unless `incremental` asks
 * for the copies (tests/e2e/incremental-build.test.ts, on a copy of its own).
 */
export async function buildSite(
  root: string,
  outDir?: string,
  env: NodeJS.ProcessEnv = {},
  { incremental = false } = {},
): Promise<CommandResult> {
  const cwd = mkdtempSync(join(projectRoot, 'tests/fixtures/sites/.tmp-build-'));
  const args = ['build', '--root', root, ...(outDir ? ['--outDir', outDir] : []), ...(incremental ? [] : ['--force'])];
  try {
    return await runNode([astroBin, ...args], {
      cwd,
      env: {
        AFTERMATH_DIAGRAM_CACHE:
          process.env.AFTERMATH_DIAGRAM_CACHE ?? join(projectRoot, 'node_modules/.cache/aftermath/diagrams'),
        ...env,
      },
    });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
  '.json': 'application/json',
  '.png': 'image/png',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a built site the way a static host does: `dir/` → `dir/index.html`, else 404.html.
 * With `base` (e.g. `/pm/`), the site lives under that sub-path, like GitHub project pages.
 */
export async function serveStatic(root: string, base = '/'): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const requested = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!requested.startsWith(base)) {
      res.writeHead(404).end('outside the site');
      return;
    }
    const path = `/${requested.slice(base.length)}`;
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      const notFound = join(root, '404.html');
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(existsSync(notFound) ? readFileSync(notFound) : 'not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumLaunchOptions.executablePath, args: chromiumLaunchOptions.args });
}

export interface DevServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  process: ChildProcess;
  /** SIGTERM, and wait for it to exit. */
  stop(): Promise<void>;
}

/**
 * `astro dev` for the site at `root` on a free loopback port, with a user's environment plus
 * `env`; resolves once it says where it listens (or rejects with its output).
 */
/**
 * `astro dev` for the site at `root` on a free loopback port, or `command` (e.g. a site's own
 * `npm run dev --`) given the same --host and --port; it has `startupMs` to print its address.
 */
export async function startDevServer(
  root: string,
  env: NodeJS.ProcessEnv = {},
  { command, startupMs = 60_000 }: { command?: string[]; startupMs?: number } = {},
): Promise<DevServer> {
  const port = await freePort();
  const [program, ...args] = command ?? [
    process.execPath,
    join(projectRoot, 'node_modules/astro/bin/astro.mjs'),
    'dev',
    '--root',
    root,
  ];
  const child = spawn(program!, [...args, '--host', '127.0.0.1', '--port', String(port)], {
    cwd: root,
    env: { ...userEnvironment(), ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that stopping it stops what it started (npm, then Astro).
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); !output.includes(`${url}/`);) {
    if (child.exitCode !== null || Date.now() - started > startupMs)
      throw new Error(`${command?.join(' ') ?? 'astro dev'} did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    output: () => output,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
