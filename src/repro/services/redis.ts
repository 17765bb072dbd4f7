/**
 * Services a repro can ask for. `redis` is a real redis-server, private to one matrix cell:
 * loopback only, a free port, no persistence, its own temp folder. `redis-cluster` is the same
 * server in cluster mode, one node owning every slot. A shared or mocked Redis would hide
 * exactly the timing and state effects the repros exist to show.
 */
import { spawn, execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { connect, createServer } from 'node:net';
import { delimiter, isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeTempDir, track } from '../cleanup.ts';
import { boundedCapture } from '../process.ts';
import { RespDecoder, encodeCommand, type RespFrame } from '../wire/resp.ts';

export interface RedisService {
  host: string;
  port: number;
  /** e.g. `7.0.15`, from INFO server. */
  version: string;
  pid: number;
  /** The server's private working folder, removed by stop(). */
  dir: string;
  /** Kills the server and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Path to redis-server; default $REDIS_SERVER, then `redis-server` on PATH. */
  binary?: string;
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** A service could not be started; the message says why and how to fix it. */
export class ServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** Finds an executable the way a shell would: a path as is, a bare name along PATH. */
export function findExecutable(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  const candidates =
    isAbsolute(name) || name.includes('/')
      ? [name]
      : pathVar
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, name));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here; try the next PATH entry.
    }
  }
  return undefined;
}

/** A port nobody listens on right now (the OS picks it); the caller must cope with a race. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address !== 'string' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Sends one command over a fresh raw socket and returns the reply frame. Deliberately not a
 * Redis client library: readiness checks must not depend on the package under test.
 */
export function redisCommand(host: string, port: number, args: string[], timeoutMs = 1000): Promise<RespFrame> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const decoder = new RespDecoder();
    const done = (error: Error | undefined, frame?: RespFrame) => {
      socket.destroy();
      if (error) reject(error);
      else resolve(frame!);
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no reply to ${args[0]} within ${timeoutMs} ms`)));
    socket.once('error', (error) => done(error));
    socket.on('data', (data: Buffer) => {
      const [frame] = decoder.push(data);
      if (frame) done(undefined, frame);
    });
    socket.once('connect', () => socket.write(encodeCommand(args)));
  });
}

/** PING over a raw socket (`*1\r\n$4\r\nPING\r\n`); true on `+PONG`. */
export async function ping(host: string, port: number): Promise<boolean> {
  try {
    const reply = await redisCommand(host, port, ['PING'], 500);
    return reply.kind === 'simple' && reply.text === 'PONG';
  } catch {
    return false;
  }
}

function redisVersionFromInfo(frame: RespFrame): string | undefined {
  const text = frame.kind === 'bulk' || frame.kind === 'verbatim' ? Buffer.from(frame.data).toString('utf8') : '';
  return /^redis_version:(\S+)/m.exec(text)?.[1];
}

/** `redis-server --version` → `7.0.15`, for when INFO is not available. */
export function redisBinaryVersion(binary: string): string | undefined {
  try {
    return /v=(\S+)/.exec(execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 5000 }))?.[1];
  } catch {
    return undefined;
  }
}

/** Resolves the redis-server binary or throws the install hint. */
export function resolveRedisBinary(options: StartRedisOptions = {}): string {
  const env = options.env ?? process.env;
  const wanted = options.binary ?? env.REDIS_SERVER ?? 'redis-server';
  const found = findExecutable(wanted, env.PATH);
  if (!found) {
    throw new ServiceError(
      env.REDIS_SERVER && !options.binary
        ? `redis-server not found at REDIS_SERVER=${env.REDIS_SERVER}: fix the path, or unset it and install redis-server with apt-get install redis-server`
        : 'redis-server not found: install it with apt-get install redis-server (or set REDIS_SERVER to its path)',
    );
  }
  return found;
}

/** Starts a private redis-server on 127.0.0.1 and resolves once it answers PING. */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisService> {
  const binary = resolveRedisBinary(options);
  return retryOnPortClash(async () => startOnce(binary, await freePort(), options.readyTimeoutMs ?? 10_000));
}

/**
 * A free port can be taken between our probe and redis binding it; try a few times. Only a
 * port clash is retried: any other failure is the answer.
 */
async function retryOnPortClash<T>(start: () => Promise<T>, attempts = 5): Promise<T> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await start();
    } catch (error) {
      lastError = error as Error;
      if (!isPortClash(lastError)) throw lastError;
    }
  }
  throw lastError!;
}

/** True when an error says a port was taken (redis-server's log line, or Node's EADDRINUSE). */
export function isPortClash(error: Error): boolean {
  return /already in use|EADDRINUSE/i.test(error.message) || (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
}

/** All hash slots of a Redis Cluster: 0 … 16383. */
export const CLUSTER_SLOTS = 16384;

export interface RedisClusterService extends RedisService {
  /** The port CLUSTER SLOTS / SHARDS tell clients to use (a proxy's, or `port` itself). */
  announcePort: number;
  /** The cluster bus port (node-to-node; nobody talks to it with one node). */
  busPort: number;
}

export interface StartRedisClusterOptions extends StartRedisOptions {
  /**
   * The port the node announces to clients (`cluster-announce-port`). Put a proxy's port here
   * and a cluster client that discovers the topology talks to the node only through the proxy.
   * Default: the node's own port.
   */
  announcePort?: number;
}

/**
 * Starts a one-node Redis Cluster on 127.0.0.1: a real redis-server with `--cluster-enabled yes`,
 * its node file in its private folder, owning all 16384 slots, and resolves once CLUSTER INFO
 * says `cluster_state:ok`. Ports (client and bus) are allocated, never fixed.
 */
export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<RedisClusterService> {
  const binary = resolveRedisBinary(options);
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  return retryOnPortClash(async () => {
    const port = await freePort();
    // The bus port defaults to port + 10000, which may be taken or past 65535: pick it too.
    let busPort = await freePort();
    while (busPort === port) busPort = await freePort();
    const announcePort = options.announcePort ?? port;
    const started = Date.now();
    const redis = await startOnce(binary, port, readyTimeoutMs, (dir) => [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, 'nodes.conf'),
      '--cluster-port',
      String(busPort),
      '--cluster-announce-ip',
      '127.0.0.1',
      '--cluster-announce-port',
      String(announcePort),
    ]);
    try {
      await assignAllSlots(redis.host, redis.port);
      await waitForClusterOk(redis.host, redis.port, Math.max(1000, readyTimeoutMs - (Date.now() - started)));
    } catch (error) {
      await redis.stop();
      throw error;
    }
    return { ...redis, announcePort, busPort };
  });
}

function replyText(frame: RespFrame): string {
  if (frame.kind === 'simple') return frame.text;
  if (frame.kind === 'bulk' || frame.kind === 'verbatim') return Buffer.from(frame.data).toString('utf8');
  if (frame.kind === 'error') return frame.text;
  return '';
}

/** CLUSTER ADDSLOTSRANGE 0 16383 (Redis 7), or ADDSLOTS with every slot for older servers. */
async function assignAllSlots(host: string, port: number): Promise<void> {
  let reply = await redisCommand(host, port, ['CLUSTER', 'ADDSLOTSRANGE', '0', String(CLUSTER_SLOTS - 1)]);
  if (reply.kind === 'error' && /unknown subcommand/i.test(reply.text)) {
    reply = await redisCommand(host, port, [
      'CLUSTER',
      'ADDSLOTS',
      ...Array.from({ length: CLUSTER_SLOTS }, (_, slot) => String(slot)),
    ]);
  }
  if (reply.kind !== 'simple' || reply.text !== 'OK') {
    throw new ServiceError(
      `redis-server in cluster mode refused to take all ${CLUSTER_SLOTS} slots on port ${port}: ${replyText(reply) || reply.kind}`,
    );
  }
}

/**
 * Slots assigned is not yet a working cluster: a master that just started keeps the state at
 * `fail` for about two seconds (redis's CLUSTER_WRITABLE_DELAY) before it turns `ok`.
 */
async function waitForClusterOk(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    try {
      last = replyText(await redisCommand(host, port, ['CLUSTER', 'INFO']));
      if (/^cluster_state:ok\s*$/m.test(last)) return;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      const state = /^cluster_state:\S+/m.exec(last)?.[0] ?? last.trim().split('\n')[0];
      throw new ServiceError(
        `redis-server in cluster mode did not reach cluster_state:ok within ${timeoutMs} ms on port ${port} (${state || 'no reply'})`,
      );
    }
    await sleep(20);
  }
}

/**
 * Starts one redis-server on `port`; `extraArgs` adds options that need the server's private
 * folder (e.g. cluster mode's node file).
 */
async function startOnce(
  binary: string,
  port: number,
  readyTimeoutMs: number,
  extraArgs: (dir: string) => string[] = () => [],
): Promise<RedisService> {
  const { dir, remove: removeDir } = makeTempDir('redis');
  const host = '127.0.0.1';
  // Not detached: a Ctrl-C in the terminal reaches redis-server too, a second safety net
  // besides our own stop(). No persistence and a private --dir: nothing is written elsewhere.
  const child = spawn(
    binary,
    [
      ...[
        '--bind',
        host,
        '--port',
        String(port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--logfile',
        '',
        '--protected-mode',
        'yes',
      ],
      ...extraArgs(dir),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = boundedCapture(16 * 1024);
  child.stdout.on('data', (d: Buffer) => log.push(d));
  child.stderr.on('data', (d: Buffer) => log.push(d));
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const killed = await Promise.race([exit.then(() => true), sleep(3000).then(() => false)]);
        if (!killed) {
          child.kill('SIGKILL');
          await exit;
        }
      }
      untrack();
      removeDir();
    })();
    return stopping;
  };
  const untrack = track({ close: stop, killNow: () => void (exited || child.kill('SIGKILL')) });

  const deadline = Date.now() + readyTimeoutMs;
  while (!(await ping(host, port))) {
    if (exited || Date.now() > deadline) {
      await stop();
      const output = log.result().text.trim().split('\n').slice(-3).join(' | ');
      throw new ServiceError(
        exited
          ? `redis-server exited during startup on port ${port}: ${output || 'no output'}`
          : `redis-server did not answer PING within ${readyTimeoutMs} ms on port ${port}`,
      );
    }
    await sleep(20);
  }
  let version: string | undefined;
  try {
    version = redisVersionFromInfo(await redisCommand(host, port, ['INFO', 'server']));
  } catch {
    // Fall back to asking the binary below.
  }
  version ??= redisBinaryVersion(binary) ?? 'unknown';
  return { host, port, version, pid: child.pid!, dir, stop };
}
