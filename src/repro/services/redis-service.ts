/** `redis`: one redis-server; the snippet reads REDIS_HOST and REDIS_PORT (REDIS_DIRECT_PORT past any proxy). */
import { startRedis, type RedisService } from './redis.ts';
import type { ServiceDefinition, StartedService } from './service.ts';

/** A redis-server (or cluster node) as a started service, with its variables for the snippet. */
export function redisStarted(name: string, server: RedisService, more: Record<string, string> = {}): StartedService {
  return {
    name,
    host: server.host,
    port: server.port,
    serverVersion: server.version,
    decoder: 'resp',
    env: (clientPort) => ({
      REDIS_HOST: server.host,
      REDIS_PORT: String(clientPort ?? server.port),
      REDIS_DIRECT_PORT: String(server.port),
      ...more,
    }),
    stop: () => server.stop(),
  };
}

export const redis: ServiceDefinition = {
  name: 'redis',
  start: async ({ env }) => redisStarted('redis', await startRedis({ env })),
};
