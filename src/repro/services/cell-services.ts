/**
 * The services one matrix cell asks for, started together and stopped together, and the
 * environment variables that tell the snippet where they are: Aftermath's own by name
 * (./registry.ts), servers declared by command, and the fault-injecting proxy in front of one.
 */
import { proxyTarget, type CommandServiceManifest, type ReproManifest } from '../../schemas/repro.ts';
import { startCommandService, type CommandService } from './command-service.ts';
import { proxySettings, type ProxySettings } from './faults.ts';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.ts';
import { freePort, isPortClash, ServiceError } from './redis.ts';
import { BUILT_IN_SERVICES } from './registry.ts';
import type { ServiceDefinition, ServiceStart, StartedService } from './service.ts';

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

/** A service declared by command, as a service like Aftermath's own. */
function byCommand(spec: CommandServiceManifest): ServiceDefinition {
  return {
    name: spec.name,
    async start({ env, parameters }) {
      const server = await startCommandService(spec, { env, parameters });
      return {
        name: spec.name,
        host: server.host,
        port: server.port,
        decoder: spec.decoder ?? 'bytes',
        env: (clientPort) => server.env(clientPort),
        command: server,
        stop: () => server.stop(),
      };
    },
  };
}

/** What the manifest lists, as services to start; listing only the proxy implies redis. */
function definitions(manifest: ReproManifest, target: string | undefined): ServiceDefinition[] {
  const listed = manifest.services.flatMap((entry) =>
    entry === 'latency-proxy' ? [] : [typeof entry === 'string' ? BUILT_IN_SERVICES[entry] : byCommand(entry)],
  );
  const wantsProxy = manifest.services.includes('latency-proxy');
  if (wantsProxy && target === 'redis' && !listed.some((d) => d.name === 'redis')) listed.push(BUILT_IN_SERVICES.redis);
  return listed;
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
  if (manifest.services.includes('redis-cluster') && manifest.services.includes('redis'))
    throw new ServiceError(
      'list redis or redis-cluster, not both: REDIS_HOST and REDIS_PORT can point at only one of them',
    );
  const target = proxyTarget(manifest);
  if (wantsProxy && target === undefined)
    throw new ServiceError('several services could sit behind the proxy: say which with proxy.target');
  const settings = wantsProxy ? proxySettings(manifest, parameters) : undefined;
  const all = definitions(manifest, target);
  const fronted = settings ? all.find((d) => d.name === target) : undefined;
  const started: StartedService[] = [];
  let proxy: LatencyProxy | undefined;
  const stop = async () => {
    await proxy?.close();
    await Promise.all(started.map((service) => service.stop()));
  };
  try {
    // Side by side; a service that announces its address waits for the proxy's port.
    const start: ServiceStart = { env, parameters };
    const first = all.filter((d) => !(d === fronted && d.announcesAddress));
    const results = await Promise.allSettled(first.map((d) => d.start(start)));
    for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    if (fronted && settings) {
      if (fronted.announcesAddress) {
        const behind = await startBehindProxy(fronted, start, settings);
        started.push(behind.service);
        proxy = behind.proxy;
      } else proxy = await startLatencyProxy({ upstream: started.find((s) => s.name === target)!, ...settings });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const vars: Record<string, string> = {};
  for (const service of started) Object.assign(vars, service.env(service.name === target ? proxy?.port : undefined));
  if (proxy && settings)
    Object.assign(vars, {
      REPRO_PROXY_HOST: proxy.host,
      REPRO_PROXY_PORT: String(proxy.port),
      REPRO_PROXY_UPSTREAM_DELAY_MS: String(settings.upstreamDelayMs),
      REPRO_PROXY_DOWNSTREAM_DELAY_MS: String(settings.downstreamDelayMs),
    });
  const proxied = started.find((s) => s.name === target);
  return {
    env: vars,
    redisServerVersion: started.find((s) => s.serverVersion)?.serverVersion ?? null,
    proxy,
    decoder: manifest.proxy?.decoder ?? (proxy && proxied ? proxied.decoder : 'resp'),
    commands: started.flatMap((s) => (s.command ? [s.command] : [])),
    stop,
  };
}

/**
 * A service that tells clients its own address (a cluster node answers CLUSTER SLOTS with it),
 * and a client that discovers the topology goes there, past any proxy it was first pointed at.
 * So it announces the proxy's port, which must therefore be chosen before it starts; if someone
 * takes that port before the proxy binds it, both start again on new ports.
 */
async function startBehindProxy(
  definition: ServiceDefinition,
  start: ServiceStart,
  settings: ProxySettings,
): Promise<{ service: StartedService; proxy: LatencyProxy }> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const announcePort = await freePort();
    const service = await definition.start({ ...start, announcePort });
    try {
      return { service, proxy: await startLatencyProxy({ upstream: service, ...settings, port: announcePort }) };
    } catch (error) {
      await service.stop();
      lastError = error as Error;
      if (!isPortClash(lastError)) throw lastError;
    }
  }
  throw lastError!;
}
