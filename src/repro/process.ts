/**
 * Runs a child process under supervision: in its own process group, with a timeout, with
 * bounded output capture. A repro snippet may spawn helpers, hang on a socket or print
 * megabytes; none of that may outlive the run or exhaust the runner's memory.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { signalGroup, track } from './cleanup.ts';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the group after this long. Every run has one: there is no "no timeout". */
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL. Default 2000 ms. */
  graceMs?: number;
  /** Per stream. Default 64 KiB; beyond it the middle is dropped (head and tail kept). */
  maxOutputBytes?: number;
  /** Called with the child's pid as soon as it is spawned. */
  onSpawn?: (pid: number) => void;
  /** Called with each chunk of output as it arrives (the live runs in `astro dev`). */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** Aborting takes the group down as a timeout does (without marking it timed out). */
  signal?: AbortSignal;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError?: string;
  pid?: number;
}

/**
 * Keeps the first and the last half of `limit` bytes: the head says what started, the tail
 * says how it ended (the verdict line and the traceback are usually at the end).
 */
export function boundedCapture(limit: number) {
  const half = Math.floor(limit / 2);
  let chunks: Buffer[] = [];
  let total = 0;
  let head: Buffer | undefined;
  let tail = Buffer.alloc(0);
  return {
    push(data: Buffer) {
      total += data.length;
      if (!head) {
        chunks.push(data);
        if (total <= limit) return;
        const all = Buffer.concat(chunks);
        chunks = [];
        head = all.subarray(0, half);
        tail = all.subarray(half);
      } else tail = Buffer.concat([tail, data]);
      // Trim lazily (at twice the size) so a chatty child does not cost a copy per chunk.
      if (tail.length > 2 * half) tail = tail.subarray(tail.length - half);
    },
    result(): { text: string; truncated: boolean } {
      if (!head) return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
      const end = tail.subarray(Math.max(0, tail.length - half));
      const omitted = total - head.length - end.length;
      return {
        text: `${head.toString('utf8')}\n…[${omitted} bytes omitted]…\n${end.toString('utf8')}`,
        truncated: true,
      };
    },
  };
}

/**
 * True while any process of the group is still running. Zombies do not count: a killed
 * orphan is reparented to init, which may take seconds to reap it, yet it runs no code and
 * holds no port or file. On Linux /proc tells them apart; elsewhere a zombie counts.
 */
export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp …"; comm may contain spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

/** Polls until no process of the group exists, or `ms` passed; true when it is gone. */
export async function waitUntilGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (groupAlive(pgid)) {
    if (performance.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/** SIGTERM to the group, then SIGKILL to whatever is left after `graceMs`. */
export async function terminateGroup(pgid: number, graceMs = 2000): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    await sleep(25);
    if (!groupAlive(pgid)) return;
  }
  signalGroup(pgid, 'SIGKILL');
}

/**
 * Runs `command args` detached (its own process group, so the whole tree can be signalled)
 * and resolves when it has exited and every process of its group is gone.
 */
export function runSupervised(command: string, args: string[], options: RunOptions): Promise<ProcessResult> {
  const limit = options.maxOutputBytes ?? 64 * 1024;
  const grace = options.graceMs ?? 2000;
  const out = boundedCapture(limit);
  const err = boundedCapture(limit);
  const started = performance.now();

  return new Promise<ProcessResult>((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let spawnError: string | undefined;
    let exited: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
    const pid = child.pid;
    const untrack = pid
      ? track({ close: () => terminateGroup(pid, grace), killNow: () => void signalGroup(pid, 'SIGKILL') })
      : () => false;
    if (pid) options.onSpawn?.(pid);

    child.stdout.on('data', (d: Buffer) => {
      out.push(d);
      options.onOutput?.('stdout', d);
    });
    child.stderr.on('data', (d: Buffer) => {
      err.push(d);
      options.onOutput?.('stderr', d);
    });
    const abort = () => void (pid && terminateGroup(pid, grace));
    if (options.signal?.aborted) abort();
    else options.signal?.addEventListener('abort', abort, { once: true });

    const timer = setTimeout(() => {
      timedOut = true;
      if (pid) void terminateGroup(pid, grace);
    }, options.timeoutMs);

    let settled = false;
    const finish = async () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      // Wait (briefly) for the group SIGKILL to land, so that "resolved" means "no process
      // of this run is running any more".
      if (pid) await waitUntilGone(pid, 1000);
      untrack();
      const o = out.result();
      const e = err.result();
      resolve({
        exitCode: exited?.code ?? null,
        signal: exited?.signal ?? null,
        timedOut,
        durationMs: Math.round((exited?.at ?? performance.now()) - started),
        stdout: o.text,
        stderr: spawnError ? `${e.text}${spawnError}\n` : e.text,
        stdoutTruncated: o.truncated,
        stderrTruncated: e.truncated,
        ...(spawnError ? { spawnError } : {}),
        ...(pid ? { pid } : {}),
      });
    };

    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code === 'ENOENT' ? `${command}: command not found` : `${command}: ${error.message}`;
      if (!pid) void finish();
      else void terminateGroup(pid, grace); // started but broken (e.g. a failed kill): take it down
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal, at: performance.now() };
      // The leader is gone; anything it left in its group (a forked helper) goes too, or it
      // would hold our pipes open and outlive the run.
      if (pid) signalGroup(pid, 'SIGKILL');
      // 'close' follows once the pipes drain; do not wait forever if something outside the
      // group (a setsid daemon) still holds them.
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        void finish();
      }, 2000).unref();
    });
    child.on('close', () => {
      if (exited) void finish();
    });
  });
}
