/**
 * `redis-cluster`: a real redis-server in cluster mode owning every slot, announcing the latency
 * proxy's port so that a cluster client, after discovery, still talks to it only through the proxy.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startCellServices } from '../../src/repro/services/cell-services.ts';
import { liveCount } from '../../src/repro/cleanup.ts';
import { startLatencyProxy } from '../../src/repro/services/latency-proxy.ts';
import { describeFrame, type RespFrame } from '../../src/repro/wire/resp.ts';
import { CLUSTER_SLOTS, freePort, redisCommand, startRedisCluster } from '../../src/repro/services/redis.ts';
import { reproSchema } from '../../src/schemas/repro.ts';
import { decodeTrace } from '../../src/repro/wire/trace.ts';
import { isAlive, pgrep } from '../fixtures/repro/support.ts';

function text(frame: RespFrame): string {
  if (frame.kind === 'bulk' || frame.kind === 'verbatim') return Buffer.from(frame.data).toString('utf8');
  if (frame.kind === 'simple' || frame.kind === 'error') return frame.text;
  throw new Error(`not text: ${frame.kind}`);
}

/** CLUSTER SLOTS → [[first, last, host, port]] for each range's master. */
function slotRanges(frame: RespFrame): [number, number, string, number][] {
  if (frame.kind !== 'array') throw new Error(`CLUSTER SLOTS: ${frame.kind}`);
  return frame.items.map((range) => {
    if (range.kind !== 'array') throw new Error('range');
    const [first, last, master] = range.items;
    if (master?.kind !== 'array') throw new Error('master');
    const [host, port] = master.items;
    return [
      Number((first as { text: string }).text),
      Number((last as { text: string }).text),
      text(host!),
      Number((port as { text: string }).text),
    ];
  });
}

describe('startRedisCluster', { timeout: 30_000 }, () => {
  it('starts a one-node cluster on a free port that owns all 16384 slots and announces the given port', async () => {
    const announcePort = await freePort();
    const cluster = await startRedisCluster({ announcePort });
    onTestFinished(() => cluster.stop());
    expect(cluster.host).toBe('127.0.0.1');
    expect(cluster.port).not.toBe(announcePort);
    expect(cluster.busPort).not.toBe(cluster.port);
    expect(cluster.announcePort).toBe(announcePort);
    expect(existsSync(`${cluster.dir}/nodes.conf`)).toBe(true);

    const info = text(await redisCommand(cluster.host, cluster.port, ['CLUSTER', 'INFO']));
    expect(info).toMatch(/^cluster_state:ok\r?$/m);
    expect(info).toMatch(new RegExp(`^cluster_slots_assigned:${CLUSTER_SLOTS}\\r?$`, 'm'));
    expect(info).toMatch(/^cluster_known_nodes:1\r?$/m);
    expect(slotRanges(await redisCommand(cluster.host, cluster.port, ['CLUSTER', 'SLOTS']))).toEqual([
      [0, CLUSTER_SLOTS - 1, '127.0.0.1', announcePort],
    ]);
    // Persistence stays off; cluster mode only writes its node file, inside the private folder.
    expect(
      describeFrame(await redisCommand(cluster.host, cluster.port, ['CONFIG', 'GET', 'cluster-config-file']), 'reply'),
    ).toBe(`["cluster-config-file", "${cluster.dir}/nodes.conf"]`);
    expect(describeFrame(await redisCommand(cluster.host, cluster.port, ['CONFIG', 'GET', 'save']), 'reply')).toBe(
      '["save", ""]',
    );
    expect(pgrep(`redis-server 127.0.0.1:${cluster.port}`)).toEqual([cluster.pid]);

    await cluster.stop();
    expect(isAlive(cluster.pid)).toBe(false);
    expect(pgrep(`redis-server 127.0.0.1:${cluster.port}`)).toEqual([]);
    expect(existsSync(cluster.dir)).toBe(false);
    await cluster.stop(); // twice is fine
    expect(liveCount()).toBe(0);
  });

  it('announces its own port when no other is given, and clusters never share ports', async () => {
    const [a, b] = await Promise.all([startRedisCluster(), startRedisCluster()]);
    try {
      expect(new Set([a.port, a.busPort, b.port, b.busPort]).size).toBe(4);
      expect(slotRanges(await redisCommand(a.host, a.port, ['CLUSTER', 'SLOTS']))).toEqual([
        [0, CLUSTER_SLOTS - 1, '127.0.0.1', a.port],
      ]);
      // Every key lives here: keys of any slot are served, none redirected.
      await redisCommand(a.host, a.port, ['SET', 'a', '1']);
      await redisCommand(a.host, a.port, ['SET', '{owner}:alice', '2']);
      expect(await redisCommand(a.host, a.port, ['GET', 'a'])).toEqual({ kind: 'bulk', data: expect.anything() });
      expect(await redisCommand(b.host, b.port, ['GET', 'a'])).toEqual({ kind: 'nil' });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('serves traffic through a latency proxy listening on the announced port', async () => {
    const announcePort = await freePort();
    const cluster = await startRedisCluster({ announcePort });
    onTestFinished(() => cluster.stop());
    const proxy = await startLatencyProxy({
      upstream: cluster,
      upstreamDelayMs: 5,
      downstreamDelayMs: 5,
      port: announcePort,
    });
    onTestFinished(() => proxy.close());
    expect(proxy.port).toBe(announcePort);
    // What a cluster client does: discover through the proxy, then use the announced address.
    const [[, , host, port]] = slotRanges(await redisCommand('127.0.0.1', proxy.port, ['CLUSTER', 'SLOTS']));
    expect([host, port]).toEqual(['127.0.0.1', proxy.port]);
    expect(await redisCommand(host, port, ['SET', '{owner}:bob', 'bob-data'])).toEqual({ kind: 'simple', text: 'OK' });
    expect(text(await redisCommand(host, port, ['GET', '{owner}:bob']))).toBe('bob-data');
    await proxy.close();
    expect(
      decodeTrace(proxy.trace, 100)
        .messages.filter((m) => m.dir === 'c2s')
        .map((m) => m.text),
    ).toEqual(['CLUSTER SLOTS', 'SET {owner}:bob bob-data', 'GET {owner}:bob']);
  });

  it('a proxy asked for a taken port fails with EADDRINUSE', async () => {
    const cluster = await startRedisCluster();
    onTestFinished(() => cluster.stop());
    await expect(
      startLatencyProxy({ upstream: cluster, upstreamDelayMs: 0, downstreamDelayMs: 0, port: cluster.port }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('startCellServices with redis-cluster', { timeout: 30_000 }, () => {
  const manifest = (services: string[]) =>
    reproSchema.parse({
      title: 't',
      runtime: 'python',
      entry: 'x.py',
      services,
      // Proxy settings only with the proxy: without it they would be a content problem.
      ...(services.includes('latency-proxy') ? { proxy: { delay_ms: 20 } } : {}),
      expect: { reproduced: 'A', not_reproduced: 'B' },
    });

  it('puts the proxy in front and makes the node announce the proxy port; stop() leaves no process and no folder', async () => {
    const redisBefore = pgrep('^redis-server 127\\.0\\.0\\.1:').length;
    const services = await startCellServices(manifest(['redis-cluster', 'latency-proxy']), process.env);
    onTestFinished(() => services.stop());
    const { REDIS_HOST, REDIS_PORT, REDIS_DIRECT_PORT, REDIS_CLUSTER } = services.env;
    expect(REDIS_HOST).toBe('127.0.0.1');
    expect(REDIS_CLUSTER).toBe('1');
    expect(Number(REDIS_PORT)).toBe(services.proxy!.port);
    expect(REDIS_DIRECT_PORT).not.toBe(REDIS_PORT);
    expect(services.env).toMatchObject({ REPRO_PROXY_UPSTREAM_DELAY_MS: '20', REPRO_PROXY_DOWNSTREAM_DELAY_MS: '20' });
    expect(services.redisServerVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(slotRanges(await redisCommand(REDIS_HOST!, Number(REDIS_DIRECT_PORT), ['CLUSTER', 'SLOTS']))).toEqual([
      [0, CLUSTER_SLOTS - 1, '127.0.0.1', Number(REDIS_PORT)],
    ]);
    expect(text(await redisCommand(REDIS_HOST!, Number(REDIS_PORT), ['CLUSTER', 'INFO']))).toMatch(
      /^cluster_state:ok\r?$/m,
    );
    // The node's private folder, asked of the node itself (other runs may make folders meanwhile).
    const dirReply = await redisCommand(REDIS_HOST!, Number(REDIS_DIRECT_PORT), ['CONFIG', 'GET', 'dir']);
    const dir = dirReply.kind === 'array' ? text(dirReply.items[1]!) : '';
    expect(dir.startsWith(`${tmpdir()}/aftermath-redis-`)).toBe(true);
    expect(existsSync(`${dir}/nodes.conf`)).toBe(true);
    expect(pgrep(`redis-server 127.0.0.1:${REDIS_DIRECT_PORT}`)).toHaveLength(1);

    await services.stop();
    await services.stop();
    expect(pgrep(`redis-server 127.0.0.1:${REDIS_DIRECT_PORT}`)).toEqual([]);
    expect(pgrep('^redis-server 127\\.0\\.0\\.1:').length).toBe(redisBefore);
    expect(existsSync(dir)).toBe(false);
    expect(liveCount()).toBe(0);
  });

  it('without the proxy the node announces its own port', async () => {
    const services = await startCellServices(manifest(['redis-cluster']), process.env);
    onTestFinished(() => services.stop());
    expect(services.proxy).toBeUndefined();
    expect(services.env.REDIS_PORT).toBe(services.env.REDIS_DIRECT_PORT);
    expect(services.env.REDIS_CLUSTER).toBe('1');
    expect(
      slotRanges(await redisCommand('127.0.0.1', Number(services.env.REDIS_PORT), ['CLUSTER', 'SLOTS']))[0]![3],
    ).toBe(Number(services.env.REDIS_PORT));
  });

  it('refuses redis and redis-cluster together, starting nothing', async () => {
    const redisBefore = pgrep('^redis-server 127\\.0\\.0\\.1:').length;
    await expect(startCellServices(manifest(['redis', 'redis-cluster']), process.env)).rejects.toThrow(
      /redis or redis-cluster, not both/,
    );
    expect(pgrep('^redis-server 127\\.0\\.0\\.1:').length).toBe(redisBefore);
    expect(liveCount()).toBe(0);
  });
});
