/** Every runtime the runner can drive, by the name repro.yaml uses (see src/domain/runtimes.ts). */
import type { RuntimeName } from '../../domain/runtimes.ts';
import type { RuntimeDriver } from './driver.ts';
import { node } from './node.ts';
import { python } from './python.ts';

export const RUNTIME_DRIVERS: Record<RuntimeName, RuntimeDriver> = { python, node };
