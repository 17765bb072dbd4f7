/**
 * `npm run repro` as a user runs it, on a throwaway copy of the fixture site: recording,
 * --check, --json, --shard, exit codes, and Ctrl-C in the middle of a cell.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ReproResults } from '../../src/repro/results.ts';
import { copyFixtureSite, INCIDENT, isAlive, pgrep, processesWithMarker, tempDirs, TEST_PYTHON, waitFor } from '../fixtures/repro/support.ts';
import { projectRoot, runNode } from '../support/site.ts';

const CLI = join(projectRoot, 'scripts/repro.ts');
const temps = tempDirs();
afterAll(() => temps.removeAll());

let site: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  site = copyFixtureSite(temps.make());
  env = { REPRO_PYTHON: TEST_PYTHON, XDG_CACHE_HOME: temps.make() };
});

const repro = (...args: string[]) => runNode([CLI, ...args], { cwd: site, env });
const reproDir = (id: string) => join(site, 'content/incidents', INCIDENT, 'repros', id);

describe('npm run repro', { timeout: 60_000 }, () => {
  it('runs a matrix with progress on stderr, records results.json, and a --check passes', async () => {
    const first = await repro(INCIDENT, 'echo-redis');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('');
    expect(first.stderr).toMatch(/\[1\/2\] 2024-01-01-repro-fixture\/echo-redis installed USER_ID=1 → not-reproduced in [\d.]+ m?s {2}✓/);
    expect(first.stderr).toMatch(/repro\s+cell\s+verdict\s+expected\s+expectation\s+imported\s+time/);
    const recorded = JSON.parse(readFileSync(join(reproDir('echo-redis'), 'results.json'), 'utf8')) as ReproResults;
    expect(recorded.sourcesHash).toMatch(/^sha256:/);
    expect(recorded.cells).toHaveLength(2);
    expect(recorded.cells[0]!.trace.messages.length).toBeGreaterThan(0);

    const check = await repro(INCIDENT, 'echo-redis', '--check', '--json');
    expect(check.code, check.stderr).toBe(0);
    const json = JSON.parse(check.stdout) as { results: ReproResults[]; check: { ok: boolean } };
    expect(json.check.ok).toBe(true);
    expect(json.results[0]!.cells.map((c) => c.verdict)).toEqual(['not-reproduced', 'not-reproduced']);
    // --check records nothing.
    expect(JSON.parse(readFileSync(join(reproDir('echo-redis'), 'results.json'), 'utf8')).recordedAt).toBe(recorded.recordedAt);
  });

  it('--shard i/n runs every n-th cell', async () => {
    const result = await repro(INCIDENT, 'echo-redis', '--shard', '2/2', '--json', '--check');
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { results: ReproResults[] };
    expect(json.results[0]!.cells.map((c) => c.parameters.USER_ID)).toEqual(['2']);
  });

  it('fails --check when the snippet changed since the recording (stale)', async () => {
    const snippet = join(reproDir('echo-redis'), 'snippet.py');
    const original = readFileSync(snippet, 'utf8');
    writeFileSync(snippet, `${original}# edited\n`);
    try {
      const result = await repro(INCIDENT, 'echo-redis', '--check');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/results\.json is stale/);
    } finally {
      writeFileSync(snippet, original);
    }
  });

  it('exits 1 when an expectation is violated, 2 on usage errors', async () => {
    const manifest = join(reproDir('echo-redis'), 'repro.yaml');
    const original = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, original.replace('installed: not-reproduced', 'installed: reproduced'));
    try {
      const result = await repro(INCIDENT, 'echo-redis', '--shard', '1/2');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/✗ expected reproduced/);
      expect(result.stderr).toMatch(/1 expectation\(s\) violated/);
    } finally {
      writeFileSync(manifest, original);
    }
    const unknown = await repro('no-such-incident');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no incident "no-such-incident"; incidents with repros: 2024-01-01-repro-fixture/);
    const badVersion = await repro(INCIDENT, 'echo-redis', '--version', '9.9');
    expect(badVersion.code).toBe(2);
    expect(badVersion.stderr).toMatch(/version "9.9" is not in this repro's list \(installed\)/);
  });

  it('on SIGINT mid-run kills the snippet group, stops redis and the proxy, removes temp folders, exits 130', async () => {
    const marker = `aftermath-sigint-${process.pid}-${Date.now()}`;
    const tmp = temps.make(`${marker}-tmp-`);
    const state = join(temps.make(), 'state.json');
    const child = spawn(process.execPath, [CLI, INCIDENT, 'slow'], {
      cwd: site,
      // Every process the run starts inherits the marker and TMPDIR, so both can be counted.
      env: { ...process.env, ...env, TMPDIR: tmp, REPRO_TEST_STATE: state, AFTERMATH_TEST_MARKER: marker },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // If an assertion fails before our Ctrl-C, still stop the run (and what it started).
    onTestFinished(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        await exited;
      }
    });

    const running = await waitFor(() => existsSync(state) && (JSON.parse(readFileSync(state, 'utf8')) as { pid: number; child: number; redis: number; proxy: number }), 30_000, 'the snippet to start');
    // Before: the CLI, the snippet and its sleep carry the marker in their environment;
    // redis-server rewrites that memory for its process title, so it is found by its title
    // (`redis-server 127.0.0.1:<port>`) instead. Its folder lives in our TMPDIR.
    expect(processesWithMarker(marker)).toEqual(expect.arrayContaining([child.pid, running.pid, running.child]));
    expect(pgrep(`redis-server 127.0.0.1:${running.redis}`)).toHaveLength(1);
    expect(readdirSync(tmp).some((name) => name.startsWith('aftermath-redis-'))).toBe(true);

    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted: stopping snippets and services/);
    // After: nothing left running, no folder left, both ports closed.
    expect(processesWithMarker(marker)).toEqual([]);
    expect(pgrep(`redis-server 127.0.0.1:${running.redis}`)).toEqual([]);
    expect(isAlive(running.pid)).toBe(false);
    expect(isAlive(running.child)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
    for (const port of [running.redis, running.proxy]) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port });
        socket.once('connect', () => (socket.destroy(), resolve(false)));
        socket.once('error', () => resolve(true));
      });
      expect(refused, `port ${port}`).toBe(true);
    }
    // And it recorded nothing for the interrupted run.
    expect(existsSync(join(reproDir('slow'), 'results.json'))).toBe(false);
  });
});
