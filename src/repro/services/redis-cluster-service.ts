/**
 * `redis-cluster`: a one-node Redis Cluster (every slot on one node), for clients that speak the
 * cluster protocol; REDIS_CLUSTER=1 tells the snippet so. It announces its address to clients.
 */
import { startRedisCluster } from './redis.ts';
import { redisStarted } from './redis-service.ts';
import type { ServiceDefinition } from './service.ts';

export const redisCluster: ServiceDefinition = {
  name: 'redis-cluster',
  announcesAddress: true,
  start: async ({ env, announcePort }) =>
    redisStarted('redis-cluster', await startRedisCluster({ env, announcePort }), { REDIS_CLUSTER: '1' }),
};
