/**
 * A service declared by command in repro.yaml: any server on PATH (a Debian package, a Python
 * module), started for one matrix cell with the same promises as redis. It listens on loopback
 * ports the runner allocates (`{port}`, `{port:NAME}`), works in a private temp folder (`{dir}`)
 * that is also its working folder, runs in its own process group so that stopping it stops
 * every process it forked, and is registered with ../cleanup.ts so that a timeout, Ctrl-C or a
 * crash of the runner leaves nothing behind. It is ready when its readiness checks pass: a TCP
 * port accepts connections, a log line matches, or a probe command exits 0.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandServiceManifest } from '../../schemas/repro.ts';
import { makeTempDir, signalGroup, track } from '../cleanup.ts';
import { boundedCapture, runSupervised, terminateGroup, waitUntilGone } from '../process.ts';
import { findExecutable, freePort, ServiceError } from './redis.ts';

export const SERVICE_HOST = '127.0.0.1';

export interface CommandService {
  name: string;
  host: string;
  /** The main port (`{port}`). */
  port: number;
  /** Every allocated port by name: `port` for `{port}`, NAME for `{port:NAME}`. */
  ports: Record<string, number>;
  /** The private working folder (`{dir}`), removed by stop(). */
  dir: string;
  /** The server's pid, which is also its process group id. */
  pid: number;
  /**
   * The variables for the snippet, placeholders filled in. `clientPort`, when a proxy fronts
   * the service, is what `{port}` means there: the port clients should use.
   */
  env(clientPort?: number): Record<string, string>;
  /** What the server printed so far (bounded; head and tail). */
  output(): string;
  /** Stops the whole process group (SIGTERM, then SIGKILL) and removes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartCommandServiceOptions {
  /** The runner's environment: PATH to find the program, and the base of the server's environment. */
  env?: NodeJS.ProcessEnv;
  /** The cell's parameter values, for `{NAME}` placeholders. */
  parameters?: Record<string, string>;
  /** Between SIGTERM and SIGKILL when stopping. Default 3000 ms. */
  graceMs?: number;
}

/** The values placeholders stand for: host, dir, ports by name, and parameters. */
export interface PlaceholderValues {
  host: string;
  dir: string;
  ports: Record<string, number>;
  parameters: Record<string, string>;
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*(?::[a-z][a-z0-9_-]*)?)\}/g;

/** The names of the ports `text` refers to: `port` for `{port}`, NAME for `{port:NAME}`. */
export function portNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)]
    .map((m) => m[1]!)
    .filter((name) => name === 'port' || name.startsWith('port:'))
    .map((name) => (name === 'port' ? 'port' : name.slice(5)));
}

/** Fills in `{host}`, `{dir}`, `{port}`, `{port:NAME}` and `{PARAMETER}`; other braces stay text. */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    if (name === 'host') return values.host;
    if (name === 'dir') return values.dir;
    if (name === 'port' || name.startsWith('port:')) {
      const port = values.ports[name === 'port' ? 'port' : name.slice(5)];
      return port === undefined ? whole : String(port);
    }
    return values.parameters[name] ?? whole;
  });
}

/** Every piece of text in the declaration that may hold placeholders. */
function texts(spec: CommandServiceManifest): string[] {
  return [...spec.args, ...(spec.ready.probe ?? []), ...Object.values(spec.env), ...Object.values(spec.server_env)];
}

/** Resolves with true once something accepts a TCP connection on the port. */
function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Tells whether an error or a server's last words say that a port was taken. */
function saysPortClash(text: string): boolean {
  return /already in use|EADDRINUSE|address in use/i.test(text);
}

/** Starts the service and resolves once every readiness check passed; retries on a port clash. */
export async function startCommandService(
  spec: CommandServiceManifest,
  options: StartCommandServiceOptions = {},
): Promise<CommandService> {
  const env = options.env ?? process.env;
  const binary = findExecutable(spec.command, env.PATH);
  if (!binary) {
    throw new ServiceError(
      `service "${spec.name}": ${spec.command} not found on PATH: install it (e.g. its Debian package with apt-get), or give its full path in command`,
    );
  }
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await startOnce(spec, binary, env, options);
    } catch (error) {
      lastError = error as Error;
      if (!(error instanceof PortClash)) throw error;
    }
  }
  throw new ServiceError(`service "${spec.name}": ${lastError!.message}`);
}

class PortClash extends Error {
  override name = 'PortClash';
}

async function allocatePorts(names: Iterable<string>): Promise<Record<string, number>> {
  const ports: Record<string, number> = {};
  const taken = new Set<number>();
  for (const name of names) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[name] = port;
  }
  return ports;
}

async function startOnce(
  spec: CommandServiceManifest,
  binary: string,
  env: NodeJS.ProcessEnv,
  options: StartCommandServiceOptions,
): Promise<CommandService> {
  const readyPort = spec.ready.port === true ? 'port' : spec.ready.port;
  const ports = await allocatePorts(
    new Set(['port', ...texts(spec).flatMap(portNames), ...(readyPort ? [readyPort] : [])]),
  );
  const { dir, remove: removeDir } = makeTempDir('run');
  const values: PlaceholderValues = { host: SERVICE_HOST, dir, ports, parameters: options.parameters ?? {} };
  const fill = (text: string) => fillPlaceholders(text, values);
  const serverEnv = Object.fromEntries(Object.entries(spec.server_env).map(([key, value]) => [key, fill(value)]));
  // Its own process group (detached), so that stop() reaches whatever it forks; its working
  // folder is the private one, which is how a later run finds it if this one is SIGKILLed.
  const child = spawn(binary, spec.args.map(fill), {
    cwd: dir,
    env: { ...env, ...serverEnv },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = boundedCapture(16 * 1024);
  const logPattern = spec.ready.log === undefined ? undefined : new RegExp(spec.ready.log);
  let logMatched = false;
  const partial = { out: '', err: '' };
  const scan = (stream: 'out' | 'err') => (data: Buffer) => {
    log.push(data);
    if (!logPattern || logMatched) return;
    const lines = (partial[stream] + data.toString('utf8')).split(/\r?\n/);
    // The last piece is an unfinished line; a very long one is cut so memory stays bounded.
    partial[stream] = lines.pop()!.slice(-8192);
    if (lines.some((line) => logPattern.test(line))) logMatched = true;
  };
  child.stdout.on('data', scan('out'));
  child.stderr.on('data', scan('err'));
  let exited: string | undefined;
  let spawnError: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      resolve();
    });
    child.once('error', (error) => {
      spawnError = error.message;
      exited = `could not start: ${error.message}`;
      resolve();
    });
  });
  const pid = child.pid;
  const grace = options.graceMs ?? 3000;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (pid) {
        await terminateGroup(pid, grace);
        if (!(await waitUntilGone(pid, 2000))) signalGroup(pid, 'SIGKILL');
        await Promise.race([exit, sleep(1000)]);
      }
      untrack();
      removeDir();
    })();
    return stopping;
  };
  const untrack = track({ close: stop, killNow: () => void (pid && signalGroup(pid, 'SIGKILL')) });
  const lastWords = () => log.result().text.trim().split('\n').slice(-3).join(' | ') || 'no output';

  if (spawnError || !pid) {
    await stop();
    throw new ServiceError(`service "${spec.name}": ${spec.command} could not start: ${spawnError ?? 'no process'}`);
  }

  await waitUntilReady({
    spec,
    fill,
    env: { ...env, ...serverEnv },
    dir,
    port: readyPort ? ports[readyPort] : undefined,
    logPattern,
    logMatched: () => logMatched,
    exited: () => exited,
    stop,
    lastWords,
  });

  return {
    name: spec.name,
    host: SERVICE_HOST,
    port: ports.port!,
    ports,
    dir,
    pid,
    env: (clientPort) => {
      const forClient = { ...values, ports: { ...ports, port: clientPort ?? ports.port! } };
      return Object.fromEntries(
        Object.entries(spec.env).map(([key, value]) => [key, fillPlaceholders(value, forClient)]),
      );
    },
    output: () => log.result().text,
    stop,
  };
}

interface Readiness {
  spec: CommandServiceManifest;
  fill(text: string): string;
  /** The server's environment, which the probe runs with. */
  env: NodeJS.ProcessEnv;
  dir: string;
  /** The port that must accept connections, if the spec asks for one. */
  port: number | undefined;
  logPattern: RegExp | undefined;
  logMatched(): boolean;
  /** How the server ended, once it has. */
  exited(): string | undefined;
  stop(): Promise<void>;
  lastWords(): string;
}

/**
 * Waits until every check the spec gives passes (the port accepts connections, a log line
 * matched, the probe exits 0); stops the server and throws, with its last output, when it exits
 * first or is not ready in time.
 */
async function waitUntilReady(r: Readiness): Promise<void> {
  const { spec, fill } = r;
  const waitingFor = [
    ...(r.port !== undefined ? [`a connection to port ${r.port}`] : []),
    ...(r.logPattern ? [`a log line matching /${spec.ready.log}/`] : []),
    ...(spec.ready.probe ? [`the probe ${spec.ready.probe.map(fill).join(' ')} to exit 0`] : []),
  ];
  const probeBinary = spec.ready.probe && findExecutable(fill(spec.ready.probe[0]!), r.env.PATH);
  if (spec.ready.probe && !probeBinary) {
    await r.stop();
    throw new ServiceError(
      `service "${spec.name}": the probe program ${spec.ready.probe[0]} not found on PATH: install it, or give its full path`,
    );
  }
  const deadline = Date.now() + spec.ready.timeout_s * 1000;
  const passed = { port: r.port === undefined, log: !r.logPattern, probe: !spec.ready.probe };
  for (;;) {
    if (!passed.port) passed.port = await portOpen(SERVICE_HOST, r.port!);
    if (!passed.log) passed.log = r.logMatched();
    if (!passed.probe && !r.exited()) {
      const probe = await runSupervised(probeBinary!, spec.ready.probe!.slice(1).map(fill), {
        cwd: r.dir,
        env: r.env,
        timeoutMs: Math.max(100, Math.min(2000, deadline - Date.now())),
        graceMs: 200,
      });
      passed.probe = probe.exitCode === 0;
    }
    const exited = r.exited();
    if (passed.port && passed.log && passed.probe && !exited) return;
    if (exited || Date.now() > deadline) {
      const why = exited
        ? `${spec.command} ${exited} before it was ready`
        : `not ready within ${spec.ready.timeout_s} s (waiting for ${waitingFor.join(' and ')})`;
      const output = r.lastWords();
      await r.stop();
      if (exited && saysPortClash(output)) throw new PortClash(`${why}: ${output}`);
      throw new ServiceError(`service "${spec.name}" ${why}; last output: ${output}`);
    }
    await sleep(spec.ready.probe ? 100 : 25);
  }
}
