/** Process supervision with real processes: timeouts kill the whole group, output stays bounded. */
import { describe, expect, it } from 'vitest';
import { closeAll, liveCount } from '../../src/repro/cleanup.ts';
import { groupAlive, runSupervised } from '../../src/repro/process.ts';
import { groupMembers, isAlive, pgrep } from '../fixtures/repro/support.ts';

const marker = `aftermath-process-test-${process.pid}-${Date.now()}`;

describe('runSupervised', { timeout: 30_000 }, () => {
  it('kills a hanging child and its grandchildren at the timeout, leaving no process', async () => {
    // The grandchild's command line carries a marker so `pgrep -f` can look for it afterwards.
    const script = `sleep 300 & echo "grandchild $!"; exec sh -c 'sleep 300; : ${marker}'`;
    const result = await runSupervised('/bin/sh', ['-c', script], { timeoutMs: 500, graceMs: 500 });
    const grandchild = Number(/grandchild (\d+)/.exec(result.stdout)?.[1]);
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('SIGTERM');
    expect(result.durationMs).toBeGreaterThanOrEqual(500);
    expect(result.durationMs).toBeLessThan(5000);
    expect(isAlive(result.pid!)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
    expect(groupAlive(result.pid!)).toBe(false);
    expect(groupMembers(result.pid!)).toEqual([]);
    expect(pgrep(marker)).toEqual([]);
    expect(liveCount()).toBe(0);
  });

  it('escalates to SIGKILL when the group ignores SIGTERM', async () => {
    const result = await runSupervised('/bin/sh', ['-c', `trap '' TERM; sleep 300 & echo "grandchild $!"; sleep 300`], {
      timeoutMs: 300,
      graceMs: 400,
    });
    const grandchild = Number(/grandchild (\d+)/.exec(result.stdout)?.[1]);
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(result.durationMs).toBeGreaterThanOrEqual(300 + 400);
    expect(isAlive(grandchild)).toBe(false);
    expect(groupMembers(result.pid!)).toEqual([]);
  });

  it('reports a crash with its exit code and output', async () => {
    const result = await runSupervised(
      process.execPath,
      ['-e', 'console.log("before"); console.error("boom"); process.exit(3)'],
      { timeoutMs: 10_000 },
    );
    expect(result).toMatchObject({
      exitCode: 3,
      signal: null,
      timedOut: false,
      stdout: 'before\n',
      stderr: 'boom\n',
      stdoutTruncated: false,
    });
  });

  it('kills what a child left behind when it exits normally', async () => {
    const result = await runSupervised('/bin/sh', ['-c', 'sleep 300 & echo "left $!"'], { timeoutMs: 10_000 });
    expect(result.exitCode).toBe(0);
    // Without the group kill, the background sleep would hold stdout open and this would hang.
    expect(isAlive(Number(/left (\d+)/.exec(result.stdout)?.[1]))).toBe(false);
    expect(result.durationMs).toBeLessThan(5000);
  });

  it('bounds captured output and says it did', async () => {
    const result = await runSupervised(
      process.execPath,
      ['-e', 'for (let i = 0; i < 20000; i++) console.log(String(i).padStart(10, "0"))'],
      { timeoutMs: 10_000, maxOutputBytes: 64 * 1024 },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdoutTruncated).toBe(true);
    expect(result.stdout.length).toBeLessThan(64 * 1024 + 100);
    expect(result.stdout.startsWith('0000000000\n')).toBe(true);
    expect(result.stdout.endsWith('0000019999\n')).toBe(true);
    expect(result.stdout).toMatch(/…\[\d+ bytes omitted\]…/);
  });

  it('reports a program that does not exist instead of throwing', async () => {
    const result = await runSupervised('/nonexistent/python', [], { timeoutMs: 1000 });
    expect(result.spawnError).toBe('/nonexistent/python: command not found');
    expect(result.exitCode).toBeNull();
  });

  it('closeAll() (what Ctrl-C runs) takes down a running group', async () => {
    let pid = 0;
    const running = runSupervised('/bin/sh', ['-c', 'sleep 300 & sleep 300'], {
      timeoutMs: 60_000,
      graceMs: 500,
      onSpawn: (p) => (pid = p),
    });
    while (!pid) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(liveCount()).toBe(1);
    await closeAll();
    const result = await running;
    expect(result.timedOut).toBe(false);
    expect(result.signal).toBe('SIGTERM');
    expect(groupMembers(pid)).toEqual([]);
  });
});
