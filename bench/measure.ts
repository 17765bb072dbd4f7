/**
 * Runs one command and measures it: wall time, and the memory of its whole process tree (the
 * Astro build's Node process plus the Chromium that renders diagrams), sampled from /proc. On
 * Linux with GNU time at /usr/bin/time, the command also runs under `time -v` for the largest
 * single process's exact peak RSS (the kernel's own high-water mark, which sampling can miss)
 * and the CPU time of the whole tree.
 *
 * Sampling is kept cheap (one read of /proc/<pid>/stat and statm per process, every 250 ms):
 * on a 2-core machine a busier sampler would slow the build it measures. PSS (smaps_rollup)
 * would count shared pages fairly but costs tens of milliseconds per Chromium process.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { machineBusyMs, treeAccounting } from './cgroup.ts';
import { parseTimeV } from './report.ts';

export const TIME_BIN = '/usr/bin/time';
export const hasTimeV = process.platform === 'linux' && existsSync(TIME_BIN);
const PAGE_SIZE = 4096;
let groups = 0;

export interface Measured {
  code: number | null;
  /** The signal that ended the command (or, under /usr/bin/time, the command it timed), if any. */
  signal: string | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /**
   * User + system CPU time of the command and every process it started, Chromium's included:
   * from a control group where one can be made (./cgroup.ts), else from /usr/bin/time, which
   * misses re-parented processes; null without either.
   */
  cpuMs: number | null;
  /** Where cpuMs comes from: `cgroup v1`, `cgroup v2` or `time -v`. */
  cpuSource: string | null;
  /** CPU time the whole machine spent while the command ran (/proc/stat), for the check on an idle machine. */
  machineCpuMs: number | null;
  peakTreeRssBytes: number;
  largestProcessRssBytes: number;
}

/** Every process's parent, from /proc/<pid>/stat (field 4, after the command name in parentheses). */
function parents(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid);
      if (list) list.push(Number(name));
      else children.set(ppid, [Number(name)]);
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

function tree(root: number): number[] {
  const children = parents();
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

function rssOf(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_SIZE;
  } catch {
    return 0;
  }
}

/** Runs `command args` to completion, sampling its process tree's memory every `intervalMs`. */
export function runMeasured(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeFile?: string; intervalMs?: number },
): Promise<Measured> {
  const useTime = hasTimeV && options.timeFile !== undefined;
  const group = options.timeFile ? treeAccounting(`aftermath-bench-${process.pid}-${++groups}`) : undefined;
  const timed: [string, string[]] = useTime
    ? [TIME_BIN, ['-v', '-o', options.timeFile!, command, ...args]]
    : [command, args];
  const wrapped = group?.wrap(...timed);
  const [bin, argv] = wrapped ? [wrapped.command, wrapped.args] : timed;
  const machineAtStart = machineBusyMs();
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(bin, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakRss = 0;
    let largest = 0;
    const sample = () => {
      if (child.pid === undefined || process.platform !== 'linux') return;
      let rss = 0;
      // The `time` wrapper itself is not part of the build; its children are.
      // The group's members when there is one (Chromium's re-parented helpers included), else the tree.
      for (const pid of group ? group.pids() : tree(child.pid)) {
        // The `time` wrapper (and the shell that joins the group, which execs it) is not part of the build.
        if ((useTime || group) && pid === child.pid) continue;
        const r = rssOf(pid);
        rss += r;
        largest = Math.max(largest, r);
      }
      peakRss = Math.max(peakRss, rss);
    };
    const timer = setInterval(sample, options.intervalMs ?? 250);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => {
      clearInterval(timer);
      group?.remove();
      reject(error);
    });
    child.on('close', (code, childSignal) => {
      clearInterval(timer);
      const wallMs = Math.round(performance.now() - started);
      let exact: number | null = null;
      let cpuMs: number | null = null;
      let signal: string | null = childSignal;
      if (useTime && existsSync(options.timeFile!)) {
        const report = readFileSync(options.timeFile!, 'utf8');
        ({ maxRssBytes: exact, cpuMs } = parseTimeV(report));
        // GNU time exits 0 when the command it timed was killed; its report says so.
        signal ??= /Command terminated by signal (\d+)/.exec(report)?.[1] ?? null;
        rmSync(options.timeFile!, { force: true });
      }
      let cpuSource: string | null = cpuMs === null ? null : 'time -v';
      if (group) {
        cpuMs = Math.round(group.read().cpuMs);
        cpuSource = group.kind;
        group.remove();
      }
      const machineAtEnd = machineBusyMs();
      resolve({
        code,
        signal,
        stdout,
        stderr,
        wallMs,
        cpuMs,
        cpuSource,
        machineCpuMs:
          machineAtStart === null || machineAtEnd === null ? null : Math.round(machineAtEnd - machineAtStart),
        peakTreeRssBytes: Math.max(peakRss, exact ?? 0),
        largestProcessRssBytes: Math.max(largest, exact ?? 0),
      });
    });
  });
}

/** Total size of the files under `dir`, in bytes. */
export function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** Number of .html files under `dir`. */
export function htmlPages(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter(
    (e) => e.isFile() && e.name.endsWith('.html'),
  ).length;
}
