/**
 * The services one matrix cell asks for, started together and stopped together, and the
 * environment variables that tell the snippet where they are: redis or a redis cluster, servers
 * declared by command, and the fault-injecting proxy in front of one of them.
 */
import { commandServices, proxyTarget, type ReproManifest } from '../../schemas/repro.ts';
import { startCommandService, type CommandService } from './command-service.ts';
import { proxySettings, type ProxySettings } from './faults.ts';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.ts';
import { freePort, isPortClash, ServiceError, startRedis, startRedisCluster, type RedisService } from './redis.ts';

export interface CellServices {
  /** Variables for the snippet (REDIS_HOST, REDIS_PORT, each service's env, …). */
  env: Record<string, string>;
  redisServerVersion: string | null;
  /** The proxy whose trace the cell records, when the repro asked for one. */
  proxy?: LatencyProxy;
  /** The wire decoder for the proxy's trace (a name in ../wire/decoders.ts). */
  decoder: string;
  /** The services declared by command, as started. */
  commands: CommandService[];
  /** Stops everything that was started. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts what `manifest.services` lists, the proxy configured for a cell with these parameter
 * values; on failure stops what did start and rethrows.
 */
export async function startCellServices(
  manifest: ReproManifest,
  env: NodeJS.ProcessEnv,
  parameters: Record<string, string> = {},
): Promise<CellServices> {
  const wantsProxy = manifest.services.includes('latency-proxy');
  const wantsCluster = manifest.services.includes('redis-cluster');
  if (wantsCluster && manifest.services.includes('redis')) {
    throw new ServiceError(
      'list redis or redis-cluster, not both: REDIS_HOST and REDIS_PORT can point at only one of them',
    );
  }
  const target = proxyTarget(manifest);
  if (wantsProxy && target === undefined)
    throw new ServiceError('several services could sit behind the proxy: say which with proxy.target');
  const specs = commandServices(manifest);
  const proxiedSpec = wantsProxy ? specs.find((spec) => spec.name === target) : undefined;
  // The proxy needs something to sit in front of; listing only the proxy implies redis.
  const wantsRedis = !wantsCluster && (manifest.services.includes('redis') || (wantsProxy && target === 'redis'));
  const settings = wantsProxy ? proxySettings(manifest, parameters) : undefined;
  let redis: RedisService | undefined;
  let proxy: LatencyProxy | undefined;
  const commands: CommandService[] = [];
  const stop = async () => {
    await proxy?.close();
    await Promise.all(commands.map((service) => service.stop()));
    await redis?.stop();
  };
  const vars: Record<string, string> = {};
  const proxyVars = () => ({
    REPRO_PROXY_HOST: proxy!.host,
    REPRO_PROXY_PORT: String(proxy!.port),
    REPRO_PROXY_UPSTREAM_DELAY_MS: String(settings!.upstreamDelayMs),
    REPRO_PROXY_DOWNSTREAM_DELAY_MS: String(settings!.downstreamDelayMs),
  });
  try {
    const started = await Promise.allSettled(specs.map((spec) => startCommandService(spec, { env, parameters })));
    for (const result of started) if (result.status === 'fulfilled') commands.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    if (wantsCluster) {
      redis = await startClusterBehind(
        wantsProxy && target === 'redis-cluster' ? settings : undefined,
        env,
        (made) => (proxy = made),
      );
      Object.assign(vars, {
        REDIS_HOST: redis.host,
        REDIS_PORT: String(redis.port),
        REDIS_DIRECT_PORT: String(redis.port),
        REDIS_CLUSTER: '1',
      });
      if (proxy) Object.assign(vars, { REDIS_PORT: String(proxy.port) }, proxyVars());
    }
    if (wantsRedis) {
      redis = await startRedis({ env });
      Object.assign(vars, {
        REDIS_HOST: redis.host,
        REDIS_PORT: String(redis.port),
        REDIS_DIRECT_PORT: String(redis.port),
      });
      if (wantsProxy && target === 'redis') {
        proxy = await startLatencyProxy({ upstream: redis, ...settings! });
        Object.assign(vars, { REDIS_PORT: String(proxy.port) }, proxyVars());
      }
    }
    if (proxiedSpec) {
      const upstream = commands.find((service) => service.name === proxiedSpec.name)!;
      proxy = await startLatencyProxy({ upstream, ...settings! });
      Object.assign(vars, proxyVars());
    }
    for (const service of commands)
      Object.assign(vars, service.env(service.name === proxiedSpec?.name ? proxy!.port : undefined));
  } catch (error) {
    await stop();
    throw error;
  }
  const decoder = manifest.proxy?.decoder ?? proxiedSpec?.decoder ?? (proxiedSpec ? 'bytes' : 'resp');
  return { env: vars, redisServerVersion: redis?.version ?? null, proxy, decoder, commands, stop };
}

/**
 * A cluster node tells clients where to find it (CLUSTER SLOTS), and a client that discovers the
 * topology goes there, past any proxy it was first pointed at. So the node announces the proxy's
 * port, which must therefore be chosen before the node starts; if someone takes that port before
 * the proxy binds it, both start again on new ports.
 */
async function startClusterBehind(
  settings: ProxySettings | undefined,
  env: NodeJS.ProcessEnv,
  onProxy: (proxy: LatencyProxy) => void,
): Promise<RedisService> {
  if (!settings) return startRedisCluster({ env });
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const announcePort = await freePort();
    const cluster = await startRedisCluster({ env, announcePort });
    try {
      onProxy(await startLatencyProxy({ upstream: cluster, ...settings, port: announcePort }));
      return cluster;
    } catch (error) {
      await cluster.stop();
      lastError = error as Error;
      if (!isPortClash(lastError)) throw lastError;
    }
  }
  throw lastError!;
}
