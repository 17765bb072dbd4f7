/** Every runtime the runner can drive, by the name repro.yaml uses (see src/domain/runtimes.ts), and the site's own. */
import type { RuntimeName, RuntimeRef } from '../../domain/runtimes.ts';
import { commandRuntime } from './command.ts';
import type { RuntimeDriver } from './driver.ts';
import { node } from './node.ts';
import { python } from './python.ts';

export const RUNTIME_DRIVERS: Record<RuntimeName, RuntimeDriver> = { python, node };

/** The driver of a runtime: Aftermath's by its name, or one made from the site's declaration. */
export function runtimeDriver(ref: RuntimeName | RuntimeRef): RuntimeDriver {
  if (typeof ref === 'string') return RUNTIME_DRIVERS[ref];
  if (ref.siteRuntime) return commandRuntime(ref.runtime, ref.siteRuntime);
  return RUNTIME_DRIVERS[ref.runtime as RuntimeName];
}
