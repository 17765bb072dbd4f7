/**
 * runRepro end to end with the fixture repros: Debian's Python with redis-py, a real
 * redis-server, the latency proxy, and snippets that pass, crash and hang.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { liveCount } from '../../src/repro/cleanup.ts';
import { runPlan, runRepro, type ProgressEvent } from '../../src/repro/runner.ts';
import { join } from 'node:path';
import {
  FIXTURE_ROOT,
  fixtureRepro,
  INCIDENT,
  isAlive,
  pgrep,
  tempDirs,
  TEST_PYTHON,
} from '../fixtures/repro/support.ts';

const temps = tempDirs();
afterAll(() => temps.removeAll());
// Pinned versions are not used here, but keep any cache out of the developer's home.
const env = { ...process.env, REPRO_PYTHON: TEST_PYTHON, XDG_CACHE_HOME: temps.make() };

describe('runRepro', { timeout: 60_000 }, () => {
  it('runs each cell with redis behind the proxy, passes parameters, and records the decoded trace', async () => {
    const redisBefore = pgrep('^redis-server 127\\.0\\.0\\.1:').length;
    const events: ProgressEvent['type'][] = [];
    const run = await runRepro(FIXTURE_ROOT, INCIDENT, fixtureRepro('echo-redis'), {
      env,
      onProgress: (e) => events.push(e.type),
    });
    expect(run).toMatchObject({
      incident: INCIDENT,
      id: 'echo-redis',
      dir: 'content/incidents/2024-01-01-repro-fixture/repros/echo-redis',
    });
    expect(run.cells.map((c) => [c.parameters.USER_ID, c.verdict, c.expectation])).toEqual([
      ['1', 'not-reproduced', 'met'],
      ['2', 'not-reproduced', 'met'],
    ]);
    expect(events).toEqual(['start', 'done', 'start', 'done']);
    for (const [i, cell] of run.cells.entries()) {
      const user = `user:${i + 1}`;
      expect(cell.exitCode).toBe(0);
      expect(cell.environment).toMatchObject({
        runtime: 'python',
        interpreterVersion: expect.stringMatching(/^3\./),
        packageVersionImported: expect.stringMatching(/^\d+\./),
        redisServerVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/),
        node: process.version,
      });
      expect(cell.environment.os).toMatch(/^Linux /);
      // The client talked through the proxy (REDIS_PORT), so the trace saw every command.
      const texts = cell.trace.messages.map((m) => `${m.dir} ${m.text}`);
      expect(texts).toEqual(
        expect.arrayContaining([`c2s SET ${user} alice`, 's2c OK', `c2s GET ${user}`, 's2c "alice"']),
      );
      const times = cell.trace.messages.map((m) => m.t);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      // Trace times are arrival times at the proxy: the command waits 20 ms before redis sees
      // it, so its reply cannot reach the proxy sooner than that.
      const get = cell.trace.messages.find((m) => m.text === `GET ${user}`)!;
      const reply = cell.trace.messages.find((m) => m.text === '"alice"')!;
      expect(reply.t - get.t).toBeGreaterThanOrEqual(20);
    }
    expect(pgrep('^redis-server 127\\.0\\.0\\.1:').length).toBe(redisBefore);
    expect(liveCount()).toBe(0);
  });

  it('makes a crash an error with its exit code and stderr', async () => {
    const [cell] = (await runRepro(FIXTURE_ROOT, INCIDENT, fixtureRepro('crash'), { env })).cells;
    expect(cell).toMatchObject({
      verdict: 'error',
      exitCode: 3,
      expectation: 'none',
      reason: 'exited with code 3 without a verdict line: boom: the snippet fell over',
    });
    expect(cell!.stdout).toBe('starting\n');
  });

  it('kills a hanging snippet and its child at timeout_s and calls it an error', async () => {
    const started = Date.now();
    const [cell] = (await runRepro(FIXTURE_ROOT, INCIDENT, fixtureRepro('hang'), { env })).cells;
    expect(cell).toMatchObject({ verdict: 'error', reason: 'timed out after 1 s', exitCode: null });
    expect(Date.now() - started).toBeLessThan(10_000);
    const [snippet, child] = /pids (\d+) (\d+)/.exec(cell!.stdout)!.slice(1).map(Number);
    expect(isAlive(snippet!)).toBe(false);
    expect(isAlive(child!)).toBe(false);
    expect(liveCount()).toBe(0);
  });

  it('with two cells at once, still kills each hanging snippet at its timeout and its crash stays its own', async () => {
    const cell = { version: 'installed', parameters: {} };
    const plan = ['hang', 'crash', 'hang'].map((id) => ({
      incident: INCIDENT,
      repro: fixtureRepro(id),
      cells: [cell],
    }));
    const started = Date.now();
    const runs = await runPlan(FIXTURE_ROOT, plan, { env, jobs: 2 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(runs.map((r) => r.cells[0]!.reason)).toEqual([
      'timed out after 1 s',
      'exited with code 3 without a verdict line: boom: the snippet fell over',
      'timed out after 1 s',
    ]);
    for (const run of [runs[0]!, runs[2]!]) {
      const pids = /pids (\d+) (\d+)/.exec(run.cells[0]!.stdout)!.slice(1).map(Number);
      for (const pid of pids) expect(isAlive(pid)).toBe(false);
    }
    expect(liveCount()).toBe(0);
  });

  it('skips (never "runs") a cell whose interpreter does not exist', async () => {
    const [cell] = (
      await runRepro(FIXTURE_ROOT, INCIDENT, fixtureRepro('crash'), {
        env: { ...env, REPRO_PYTHON: '/nonexistent/python3' },
      })
    ).cells;
    expect(cell).toMatchObject({
      verdict: 'skipped',
      exitCode: null,
      reason: expect.stringContaining('"/nonexistent/python3" not found'),
    });
  });

  it('repeat: N runs the snippet N times with fresh services, counts how many reproduced, and keeps a run that agrees with the verdict', async () => {
    const counter = join(temps.make(), 'count');
    const run = await runRepro(FIXTURE_ROOT, INCIDENT, fixtureRepro('flaky'), {
      env: { ...env, REPRO_TEST_COUNTER: counter },
    });
    const [cell] = run.cells;
    expect(cell!.tally).toEqual({ runs: 4, reproduced: 2, notReproduced: 2, errors: 0 });
    expect(cell!.verdict).toBe('reproduced');
    expect(cell!.stdout).toMatch(/^run 2 on port \d+\nREPRODUCED$/m);
    // Four runs, four redis-servers: every run printed a port, and the transcript is one run's.
    expect(cell!.stdout.match(/^run /gm)).toHaveLength(1);
    expect(liveCount()).toBe(0);
  });

  it("runs cells of several repros two at a time and returns each repro's cells in matrix order", async () => {
    const counter = join(temps.make(), 'count');
    const redisBefore = pgrep('^redis-server 127\\.0\\.0\\.1:').length;
    const plan = [
      {
        incident: INCIDENT,
        repro: fixtureRepro('echo-redis'),
        cells: [
          { version: 'installed', parameters: { USER_ID: '1' } },
          { version: 'installed', parameters: { USER_ID: '2' } },
        ],
      },
      { incident: INCIDENT, repro: fixtureRepro('flaky'), cells: [{ version: 'installed', parameters: {} }] },
    ];
    let running = 0;
    let peak = 0;
    const runs = await runPlan(FIXTURE_ROOT, plan, {
      jobs: 2,
      env: { ...env, REPRO_TEST_COUNTER: counter },
      onProgress: (e) => {
        if (e.type === 'start') peak = Math.max(peak, ++running);
        if (e.type === 'done') running--;
      },
    });
    expect(peak).toBe(2);
    expect(runs.map((r) => [r.id, r.cells.map((c) => c.parameters.USER_ID ?? '-')])).toEqual([
      ['echo-redis', ['1', '2']],
      ['flaky', ['-']],
    ]);
    expect(runs[0]!.cells.every((c) => c.verdict === 'not-reproduced')).toBe(true);
    expect(pgrep('^redis-server 127\\.0\\.0\\.1:').length).toBe(redisBefore);
    expect(liveCount()).toBe(0);
  });
});
