/**
 * Counting the CPU and memory of a build's whole process tree, Chromium included. `/usr/bin/time`
 * adds up only the children its command waited for, and Chromium's helpers are re-parented and
 * reaped elsewhere, so it misses most of them. A control group counts every process started in
 * it, however it is re-parented: the build is started inside a fresh one (cgroup v1's cpuacct and
 * memory controllers, or v2's cpu.stat and memory.peak), and read when it ends.
 *
 * Creating a group needs write access to /sys/fs/cgroup (root, or a delegated subtree); without
 * it the benchmark falls back to /usr/bin/time and says so. The machine's own counters
 * (/proc/stat) are read around each build too, as the check on an otherwise idle machine.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TreeAccounting {
  /** How the group counts: `cgroup v1` or `cgroup v2`. */
  kind: string;
  /** The command to run instead of `command args`: a shell that joins the group, then execs it. */
  wrap(command: string, args: string[]): { command: string; args: string[] };
  /** CPU time (user + system) of every process that ran in the group, ms; and its peak memory, bytes. */
  read(): { cpuMs: number; peakMemoryBytes: number | null };
  /** Every process in the group now, re-parented ones included. */
  pids(): number[];
  remove(): void;
}

const V1_CPU = '/sys/fs/cgroup/cpuacct';
const V1_MEMORY = '/sys/fs/cgroup/memory';
const V2 = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup'];

function tryMkdir(path: string): boolean {
  try {
    mkdirSync(path);
    return true;
  } catch {
    return false;
  }
}

const joinScript = (procs: string[]) => `${procs.map((p) => `echo $$ > '${p}'`).join(' && ')} && exec "$@"`;

/** A fresh control group for one build, or undefined where none can be made. */
export function treeAccounting(name: string): TreeAccounting | undefined {
  if (process.platform !== 'linux') return undefined;
  const cpu = join(V1_CPU, name);
  if (existsSync(join(V1_CPU, 'cpuacct.usage')) && tryMkdir(cpu)) {
    const memory = existsSync(join(V1_MEMORY, 'memory.max_usage_in_bytes')) && tryMkdir(join(V1_MEMORY, name));
    const procs = [join(cpu, 'cgroup.procs'), ...(memory ? [join(V1_MEMORY, name, 'cgroup.procs')] : [])];
    return {
      kind: 'cgroup v1',
      wrap: (command, args) => ({ command: '/bin/sh', args: ['-c', joinScript(procs), 'sh', command, ...args] }),
      read: () => ({
        cpuMs: Number(readFileSync(join(cpu, 'cpuacct.usage'), 'utf8')) / 1e6,
        peakMemoryBytes: memory
          ? Number(readFileSync(join(V1_MEMORY, name, 'memory.max_usage_in_bytes'), 'utf8'))
          : null,
      }),
      pids: () => groupPids(cpu),
      remove: () => {
        for (const dir of [cpu, ...(memory ? [join(V1_MEMORY, name)] : [])]) removeGroup(dir);
      },
    };
  }
  for (const root of V2) {
    const dir = join(root, name);
    if (!existsSync(join(root, 'cgroup.controllers')) || !tryMkdir(dir)) continue;
    if (!existsSync(join(dir, 'cpu.stat'))) {
      removeGroup(dir);
      continue;
    }
    return {
      kind: 'cgroup v2',
      wrap: (command, args) => ({
        command: '/bin/sh',
        args: ['-c', joinScript([join(dir, 'cgroup.procs')]), 'sh', command, ...args],
      }),
      read: () => {
        const usage = /usage_usec (\d+)/.exec(readFileSync(join(dir, 'cpu.stat'), 'utf8'))?.[1];
        const peak = join(dir, 'memory.peak');
        return {
          cpuMs: Number(usage) / 1000,
          peakMemoryBytes: existsSync(peak) ? Number(readFileSync(peak, 'utf8')) : null,
        };
      },
      pids: () => groupPids(dir),
      remove: () => removeGroup(dir),
    };
  }
  return undefined;
}

function groupPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A group can be removed once it is empty; its last processes may still be exiting. */
function removeGroup(dir: string) {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      rmdirSync(dir);
      return;
    } catch {
      const procs = join(dir, 'cgroup.procs');
      // Move any straggler to the root group so this one empties.
      try {
        for (const pid of readFileSync(procs, 'utf8').split('\n').filter(Boolean))
          writeFileSync(join(dir, '..', 'cgroup.procs'), pid);
      } catch {
        // already gone
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/** The machine's busy CPU time so far (every CPU, all but idle and iowait), ms, from /proc/stat. */
export function machineBusyMs(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    const ticks = user + nice + system + irq + softirq + steal;
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}
