/**
 * The proxy settings of one matrix cell: a manifest's `proxy:` block with every `"{NAME}"`
 * amount replaced by that parameter's value in the cell, in the proxy's own terms.
 */
import { FAULT_AMOUNTS, type FaultAmount, type ReproManifest } from '../../schemas/repro.ts';
import type { FaultRule, RefuseWindow } from './latency-proxy.ts';
import { ServiceError } from './redis.ts';

export interface ProxySettings {
  upstreamDelayMs: number;
  downstreamDelayMs: number;
  faults: FaultRule[];
  refuse?: RefuseWindow;
}

const CAMEL: Record<FaultAmount, Exclude<keyof FaultRule, 'direction' | 'connections'>> = {
  latency_ms: 'latencyMs',
  jitter_ms: 'jitterMs',
  bytes_per_s: 'bytesPerS',
  close_after_bytes: 'closeAfterBytes',
  close_after_ms: 'closeAfterMs',
  reset_after_bytes: 'resetAfterBytes',
  reset_after_ms: 'resetAfterMs',
  stall_after_bytes: 'stallAfterBytes',
  stall_after_ms: 'stallAfterMs',
};

/** A number as is; `"{NAME}"` as the cell's value of parameter NAME, which must be a number ≥ 0. */
export function resolveAmount(value: number | string, parameters: Record<string, string>, field: string): number {
  if (typeof value === 'number') return value;
  const name = value.slice(1, -1);
  const raw = parameters[name];
  const number = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (!(number >= 0)) {
    throw new ServiceError(
      `proxy ${field} is ${value}, but this cell's ${name} is ${raw === undefined ? 'not set' : `"${raw}"`}: give ${name} numbers ≥ 0`,
    );
  }
  return number;
}

/** The proxy settings for a cell with these parameter values. */
export function proxySettings(
  manifest: Pick<ReproManifest, 'proxy'>,
  parameters: Record<string, string> = {},
): ProxySettings {
  const proxy = manifest.proxy;
  const base = proxy?.delay_ms ?? 100;
  const faults = (proxy?.faults ?? []).map((fault, i) => {
    const rule: FaultRule = {
      direction: fault.direction,
      ...(fault.connections ? { connections: fault.connections } : {}),
    };
    for (const key of FAULT_AMOUNTS) {
      const value = fault[key];
      if (value !== undefined) rule[CAMEL[key]] = resolveAmount(value, parameters, `faults[${i}].${key}`);
    }
    return rule;
  });
  const refuse = proxy?.refuse && {
    afterMs: resolveAmount(proxy.refuse.after_ms, parameters, 'refuse.after_ms'),
    forMs: resolveAmount(proxy.refuse.for_ms, parameters, 'refuse.for_ms'),
  };
  return {
    upstreamDelayMs: proxy?.upstream_delay_ms ?? base,
    downstreamDelayMs: proxy?.downstream_delay_ms ?? base,
    faults,
    ...(refuse ? { refuse } : {}),
  };
}
