/**
 * Everything a repro run starts (process groups, redis-server, temp folders) registers here,
 * so that Ctrl-C, a crash or a normal exit can take it all down. A repro that leaves a
 * redis-server behind breaks the next run's assumptions and the developer's machine.
 */
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Resource {
  /** Orderly shutdown (SIGTERM, wait, SIGKILL; remove files). */
  close(): Promise<void>;
  /** Last resort at process exit, when nothing asynchronous can run any more. */
  killNow(): void;
}

const live = new Set<Resource>();
let exitHookInstalled = false;

/** Tracks a resource until the returned function is called (when it was shut down normally). */
export function track(resource: Resource): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' listeners may only do synchronous work: signals and rmSync are exactly that.
    process.on('exit', () => {
      for (const r of live) {
        try {
          r.killNow();
        } catch {
          // Best effort: the process is leaving whatever happens.
        }
      }
    });
  }
  live.add(resource);
  return () => live.delete(resource);
}

/** Shuts down every tracked resource (in parallel) and forgets them. */
export async function closeAll(): Promise<void> {
  const resources = [...live];
  live.clear();
  await Promise.allSettled(resources.map((r) => r.close()));
}

/** How many resources are still tracked (for tests and for the "cleaning up" message). */
export function liveCount(): number {
  return live.size;
}

/** A temp folder removed at shutdown if its owner did not remove it first. */
export function trackDir(dir: string): () => void {
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const untrack = track({ close: async () => remove(), killNow: remove });
  return () => {
    untrack();
    remove();
  };
}

const OWNED = /^aftermath-(redis|run|cluster)-(\d+)-/;

/**
 * A private temp folder named for the process that owns it (`aftermath-<kind>-<pid>-XXXXXX`),
 * removed at shutdown unless its owner removed it first. The pid lets a later run recognise,
 * and remove, the folders of a run that was killed before it could clean up (SIGKILL).
 */
export function makeTempDir(kind: 'redis' | 'run' | 'cluster'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `aftermath-${kind}-${process.pid}-`));
  return { dir, remove: trackDir(dir) };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Processes whose working folder is inside `dir` (Linux /proc; none elsewhere). A service is
 * started inside its private folder, so this finds the redis-server of a killed run.
 */
function processesIn(dir: string): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours to inspect.
    }
  }
  return pids;
}

/**
 * Clears what runs killed without a chance to clean up (SIGKILL, a crash) left behind: their
 * temp folders and any service still running inside one. Returns the folder names removed.
 */
export function clearLeftovers(dir = tmpdir()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(OWNED.exec(name)?.[2]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    for (const orphan of processesIn(join(dir, name))) {
      try {
        process.kill(orphan, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Sends a signal to a whole process group, ignoring "no such process". */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

let interrupted = false;

/**
 * True once a signal started the shutdown. Work still in flight (a cell whose snippet we just
 * killed) checks it so that it neither reports nor records a verdict the user interrupted.
 */
export function wasInterrupted(): boolean {
  return interrupted;
}

/**
 * For CLIs: on SIGINT/SIGTERM, close everything, then exit 130/143 (the shell convention for
 * "killed by signal"). A second Ctrl-C while cleaning up exits at once (the exit hook still
 * SIGKILLs what is left).
 */
export function exitCleanlyOnSignals(onSignal?: (signal: NodeJS.Signals) => void): void {
  const handler = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (interrupted) process.exit(code);
    interrupted = true;
    onSignal?.(signal);
    void closeAll().finally(() => process.exit(code));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
