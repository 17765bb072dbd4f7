/**
 * The fixture repros that use a service declared by command and the fault injector, run through
 * the real runner and the real CLI: verdicts as the manifests predict, traces that show the
 * faults, and Ctrl-C while two services run leaving no process and no temp folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { liveCount } from '../../src/repro/cleanup.ts';
import { runRepro } from '../../src/repro/runner.ts';
import {
  copyFixtureSite,
  FIXTURE_ROOT,
  fixtureRepro,
  INCIDENT,
  isAlive,
  pgrep,
  processesWithMarker,
  startReproCli,
  tempDirs,
  TEST_PYTHON,
  waitFor,
} from '../fixtures/repro/support.ts';

const temps = tempDirs();
afterAll(() => temps.removeAll());
const env = { ...process.env, REPRO_PYTHON: TEST_PYTHON, XDG_CACHE_HOME: temps.make() };

describe('fixture repros with services by command and faults', { timeout: 60_000 }, () => {
  it('two-services: redis-server and http.server declared by command, the snippet reaching both through their variables', async () => {
    const run = await runRepro(FIXTURE_ROOT, INCIDENT, fixtureRepro('two-services'), { env });
    expect(run.cells.map((c) => [c.verdict, c.expectation])).toEqual([['not-reproduced', 'met']]);
    expect(run.cells[0]!.stdout).toMatch(/^OK: redis-server answered \+PONG and http\.server 200$/m);
    expect(liveCount()).toBe(0);
  });

  it('http-reset: the first connection reset mid-response; only the client that retries gets the page, and the trace shows the reset', async () => {
    const run = await runRepro(FIXTURE_ROOT, INCIDENT, fixtureRepro('http-reset'), { env });
    expect(run.cells.map((c) => [c.parameters.RETRIES, c.verdict, c.expectation])).toEqual([
      ['0', 'reproduced', 'met'],
      ['1', 'not-reproduced', 'met'],
    ]);
    expect(run.cells[0]!.stdout).toMatch(/ConnectionResetError/);
    const texts = run.cells[1]!.trace.messages.map((m) => `${m.conn} ${m.dir} ${m.text}`);
    // Bytes as sized chunks with a preview; the reset on connection 1 after its 20 bytes; connection 2 untouched.
    expect(texts).toEqual([
      expect.stringMatching(/^1 c2s \d+ bytes: GET \/ HTTP\/1\.1\\r\\n/),
      '1 s2c 20 bytes: HTTP/1.0 200 OK\\r\\nSer',
      '1 s2c (fault) reset s2c after 20 bytes',
      expect.stringMatching(/^2 c2s \d+ bytes: GET \/ HTTP\/1\.1\\r\\n/),
      ...texts.slice(4).map(() => expect.stringMatching(/^2 s2c \d+ bytes: /)),
    ]);
    expect(texts.length).toBeGreaterThan(4);
  });

  it('http-stall: a parameter sweeps where the stall strikes; an early stall hangs the client until its timeout', async () => {
    const run = await runRepro(FIXTURE_ROOT, INCIDENT, fixtureRepro('http-stall'), { env });
    expect(run.cells.map((c) => [c.parameters.STALL_AFTER, c.verdict, c.expectation])).toEqual([
      ['20', 'reproduced', 'met'],
      ['1000000', 'not-reproduced', 'met'],
    ]);
    expect(run.cells[0]!.stdout).toMatch(/^HUNG: no more bytes for 1 s/m);
    expect(run.cells[0]!.trace.messages.map((m) => m.text)).toContain('(fault) stall s2c after 20 bytes');
    expect(run.cells[1]!.trace.messages.some((m) => m.text.startsWith('(fault)'))).toBe(false);
    expect(liveCount()).toBe(0);
  });

  it('on Ctrl-C while two services by command run, the CLI stops both and leaves no process and no temp folder', async () => {
    const site = copyFixtureSite(temps.make());
    const marker = `aftermath-anyservice-${process.pid}-${Date.now()}`;
    const tmp = temps.make(`${marker}-tmp-`);
    const state = join(temps.make(), 'state.json');
    const { child, stderr, exited } = startReproCli([INCIDENT, 'two-services'], {
      cwd: site,
      env: { ...env, TMPDIR: tmp, REPRO_TEST_STATE: state, AFTERMATH_TEST_MARKER: marker },
    });
    const running = await waitFor(
      () => existsSync(state) && (JSON.parse(readFileSync(state, 'utf8')) as { pid: number; kv: number; web: number }),
      30_000,
      'the snippet to start',
    );
    // Both servers run, each in its own folder under our TMPDIR; http.server carries the marker.
    expect(pgrep(`redis-server 127.0.0.1:${running.kv}`)).toHaveLength(1);
    expect(pgrep(`http.server ${running.web}`)).toHaveLength(1);
    expect(readdirSync(tmp).filter((name) => name.startsWith('aftermath-run-'))).toHaveLength(2);

    child.kill('SIGINT');
    expect(await exited, stderr()).toBe(130);
    expect(processesWithMarker(marker)).toEqual([]);
    expect(pgrep(`redis-server 127.0.0.1:${running.kv}`)).toEqual([]);
    expect(pgrep(`http.server ${running.web}`)).toEqual([]);
    expect(isAlive(running.pid)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
    for (const port of [running.kv, running.web]) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port });
        socket.once('connect', () => (socket.destroy(), resolve(false)));
        socket.once('error', () => resolve(true));
      });
      expect(refused, `port ${port}`).toBe(true);
    }
  });
});
