/**
 * The services one matrix cell asks for, started together and stopped together, and the
 * environment variables that tell the snippet where they are.
 */
import type { ReproManifest } from '../schemas/repro.ts';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.ts';
import { startRedis, type RedisService } from './services.ts';

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
  // The proxy needs something to sit in front of; listing only the proxy implies redis.
  const wantsRedis = wantsProxy || manifest.services.includes('redis');
  let redis: RedisService | undefined;
  let proxy: LatencyProxy | undefined;
  const stop = async () => {
    await proxy?.close();
    await redis?.stop();
  };
  const vars: Record<string, string> = {};
  try {
    if (wantsRedis) {
      redis = await startRedis({ env });
      Object.assign(vars, { REDIS_HOST: redis.host, REDIS_PORT: String(redis.port), REDIS_DIRECT_PORT: String(redis.port) });
    }
    if (wantsProxy && redis) {
      const base = manifest.proxy?.delay_ms ?? 100;
      const up = manifest.proxy?.upstream_delay_ms ?? base;
      const down = manifest.proxy?.downstream_delay_ms ?? base;
      proxy = await startLatencyProxy({ upstream: redis, upstreamDelayMs: up, downstreamDelayMs: down });
      Object.assign(vars, { REDIS_PORT: String(proxy.port), REPRO_PROXY_UPSTREAM_DELAY_MS: String(up), REPRO_PROXY_DOWNSTREAM_DELAY_MS: String(down) });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { env: vars, redisServerVersion: redis?.version ?? null, proxy, stop };
}
