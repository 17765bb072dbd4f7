/**
 * Aftermath's own services, by the name repro.yaml lists (`SERVICES` in src/schemas/repro.ts),
 * one module each. The latency proxy is not among them: it sits in front of one of these, or of
 * a service declared by command (./latency-proxy.ts, placed by ./cell-services.ts).
 */
import type { NamedService } from '../../schemas/repro.ts';
import { redisCluster } from './redis-cluster-service.ts';
import { redis } from './redis-service.ts';
import type { ServiceDefinition } from './service.ts';

export const BUILT_IN_SERVICES: Record<Exclude<NamedService, 'latency-proxy'>, ServiceDefinition> = {
  redis,
  'redis-cluster': redisCluster,
};
