/**
 * The services one matrix cell asks for, started together and stopped together, and the
 * environment variables that tell the snippet where they are.
 */
import type { ReproManifest } from '../../schemas/repro.ts';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.ts';
import { freePort, isPortClash, ServiceError, startRedis, startRedisCluster, type RedisService } from './redis.ts';

export interface CellServices {
  /** Variables for the snippet (REDIS_HOST, REDIS_PORT, …). */
  env: Record<string, string>;
  redisServerVersion: string | null;
  /** The proxy whose trace the cell records, when the repro asked for one. */
  proxy?: LatencyProxy;
  /** Stops everything that was started. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts what `manifest.services` lists; on failure stops what did start and rethrows. */
export async function startCellServices(manifest: ReproManifest, env: NodeJS.ProcessEnv): Promise<CellServices> {
  const wantsProxy = manifest.services.includes('latency-proxy');
  const wantsCluster = manifest.services.includes('redis-cluster');
  if (wantsCluster && manifest.services.includes('redis')) {
    throw new ServiceError('list redis or redis-cluster, not both: REDIS_HOST and REDIS_PORT can point at only one of them');
  }
  // The proxy needs something to sit in front of; listing only the proxy implies redis.
  const wantsRedis = !wantsCluster && (wantsProxy || manifest.services.includes('redis'));
  let redis: RedisService | undefined;
  let proxy: LatencyProxy | undefined;
  const stop = async () => {
    await proxy?.close();
    await redis?.stop();
  };
  const vars: Record<string, string> = {};
  const base = manifest.proxy?.delay_ms ?? 100;
  const up = manifest.proxy?.upstream_delay_ms ?? base;
  const down = manifest.proxy?.downstream_delay_ms ?? base;
  const proxyVars = () => ({ REDIS_PORT: String(proxy!.port), REPRO_PROXY_UPSTREAM_DELAY_MS: String(up), REPRO_PROXY_DOWNSTREAM_DELAY_MS: String(down) });
  try {
    if (wantsCluster) {
      redis = await startClusterBehind(wantsProxy, env, up, down, (started) => (proxy = started));
      Object.assign(vars, { REDIS_HOST: redis.host, REDIS_PORT: String(redis.port), REDIS_DIRECT_PORT: String(redis.port), REDIS_CLUSTER: '1' });
      if (proxy) Object.assign(vars, proxyVars());
    }
    if (wantsRedis) {
      redis = await startRedis({ env });
      Object.assign(vars, { REDIS_HOST: redis.host, REDIS_PORT: String(redis.port), REDIS_DIRECT_PORT: String(redis.port) });
    }
    if (wantsProxy && wantsRedis && redis) {
      proxy = await startLatencyProxy({ upstream: redis, upstreamDelayMs: up, downstreamDelayMs: down });
      Object.assign(vars, proxyVars());
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { env: vars, redisServerVersion: redis?.version ?? null, proxy, stop };
}

/**
 * A cluster node tells clients where to find it (CLUSTER SLOTS), and a client that discovers the
 * topology goes there, past any proxy it was first pointed at. So the node announces the proxy's
 * port, which must therefore be chosen before the node starts; if someone takes that port before
 * the proxy binds it, both start again on new ports.
 */
async function startClusterBehind(
  wantsProxy: boolean,
  env: NodeJS.ProcessEnv,
  upstreamDelayMs: number,
  downstreamDelayMs: number,
  onProxy: (proxy: LatencyProxy) => void,
): Promise<RedisService> {
  if (!wantsProxy) return startRedisCluster({ env });
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const announcePort = await freePort();
    const cluster = await startRedisCluster({ env, announcePort });
    try {
      onProxy(await startLatencyProxy({ upstream: cluster, upstreamDelayMs, downstreamDelayMs, port: announcePort }));
      return cluster;
    } catch (error) {
      await cluster.stop();
      lastError = error as Error;
      if (!isPortClash(lastError)) throw lastError;
    }
  }
  throw lastError!;
}
