/** A real redis-server per cell: up on a free loopback port, answering, and gone without a trace. */
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { liveCount } from '../../src/repro/cleanup.ts';
import { describeFrame } from '../../src/repro/wire/resp.ts';
import { ping, redisCommand, resolveRedisBinary, startRedis } from '../../src/repro/services/redis.ts';
import { isAlive, pgrep } from '../fixtures/repro/support.ts';

/** Resolves with the connect error code ('ECONNREFUSED') or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('startRedis', { timeout: 30_000 }, () => {
  it('starts a private server on 127.0.0.1 that answers PING, and stop() leaves nothing behind', async () => {
    const redis = await startRedis();
    // A failed assertion must not leak the server: vitest ends its workers without 'exit' hooks.
    onTestFinished(() => redis.stop());
    expect(redis.host).toBe('127.0.0.1');
    expect(redis.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(existsSync(redis.dir)).toBe(true);
    expect(await ping(redis.host, redis.port)).toBe(true);
    // It is a real server with real state, and it persists nothing.
    expect(await redisCommand(redis.host, redis.port, ['SET', 'k', 'v'])).toEqual({ kind: 'simple', text: 'OK' });
    const save = await redisCommand(redis.host, redis.port, ['CONFIG', 'GET', 'save']);
    expect(describeFrame(save, 'reply')).toBe('["save", ""]');
    const bind = await redisCommand(redis.host, redis.port, ['CONFIG', 'GET', 'bind']);
    expect(describeFrame(bind, 'reply')).toBe('["bind", "127.0.0.1"]');
    const appendonly = await redisCommand(redis.host, redis.port, ['CONFIG', 'GET', 'appendonly']);
    expect(describeFrame(appendonly, 'reply')).toBe('["appendonly", "no"]');
    expect(pgrep(`redis-server 127.0.0.1:${redis.port}`)).toEqual([redis.pid]);

    await redis.stop();
    expect(isAlive(redis.pid)).toBe(false);
    expect(pgrep(`redis-server 127.0.0.1:${redis.port}`)).toEqual([]);
    expect(existsSync(redis.dir)).toBe(false);
    expect(await tryConnect(redis.port)).toBe('ECONNREFUSED');
    // The port is free for anyone again.
    const server = createServer();
    await new Promise<void>((resolve, reject) => (server.once('error', reject), server.listen(redis.port, '127.0.0.1', resolve)));
    await new Promise((resolve) => server.close(resolve));
    await redis.stop(); // twice is fine
    expect(liveCount()).toBe(0);
  });

  it('gives each caller its own server', async () => {
    const [a, b] = await Promise.all([startRedis(), startRedis()]);
    try {
      expect(a.port).not.toBe(b.port);
      await redisCommand(a.host, a.port, ['SET', 'only-in-a', '1']);
      expect(await redisCommand(b.host, b.port, ['GET', 'only-in-a'])).toEqual({ kind: 'nil' });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('honours REDIS_SERVER and says how to install redis-server when it is missing', async () => {
    expect(resolveRedisBinary({ env: { REDIS_SERVER: '/usr/bin/redis-server', PATH: '' } })).toBe('/usr/bin/redis-server');
    await expect(startRedis({ env: { PATH: '/nonexistent' } })).rejects.toThrow('redis-server not found: install it with apt-get install redis-server');
    await expect(startRedis({ env: { REDIS_SERVER: '/nope/redis-server', PATH: '' } })).rejects.toThrow(/REDIS_SERVER=\/nope\/redis-server/);
  });
});
