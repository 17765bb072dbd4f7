/**
 * Services a repro can ask for. `redis` is a real redis-server, private to one matrix cell:
 * loopback only, a free port, no persistence, its own temp folder. A shared or mocked Redis
 * would hide exactly the timing and state effects the repros exist to show.
 */
import { spawn, execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { track, trackDir } from './cleanup.ts';
import { boundedCapture } from './process.ts';
import { RespDecoder, encodeCommand, type RespFrame } from './resp.ts';

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
  const candidates = isAbsolute(name) || name.includes('/') ? [name] : pathVar.split(delimiter).filter(Boolean).map((dir) => join(dir, name));
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
      server.close(() => (address && typeof address !== 'string' ? resolve(address.port) : reject(new Error('no port'))));
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
  // A free port can be taken between our probe and redis binding it; try a few.
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await startOnce(binary, await freePort(), options.readyTimeoutMs ?? 10_000);
    } catch (error) {
      lastError = error as Error;
      if (!/already in use/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError!;
}

async function startOnce(binary: string, port: number, readyTimeoutMs: number): Promise<RedisService> {
  const dir = mkdtempSync(join(tmpdir(), 'aftermath-redis-'));
  const removeDir = trackDir(dir);
  const host = '127.0.0.1';
  // Not detached: a Ctrl-C in the terminal reaches redis-server too, a second safety net
  // besides our own stop(). No persistence and a private --dir: nothing is written elsewhere.
  const child = spawn(
    binary,
    ['--bind', host, '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', '', '--protected-mode', 'yes'],
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
        exited ? `redis-server exited during startup on port ${port}: ${output || 'no output'}` : `redis-server did not answer PING within ${readyTimeoutMs} ms on port ${port}`,
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
