/**
 * `aftermath repro` as a user runs it, on a throwaway copy of the fixture site: recording,
 * --check, --json, --shard, exit codes, and Ctrl-C in the middle of a cell.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ERRORS } from '../../src/errors.ts';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import type { ReproResults } from '../../src/schemas/repro-results.ts';
import {
  copyFixtureSite,
  INCIDENT,
  isAlive,
  pgrep,
  processesWithMarker,
  startReproCli,
  tempDirs,
  TEST_PYTHON,
  waitFor,
} from '../fixtures/repro/support.ts';
import { buildWheel } from '../fixtures/repro/packages.ts';
import { aftermathBin, runNode } from '../support/site.ts';

/** `aftermath repro`, as a site runs it. */
const REPRO = [aftermathBin, 'repro'];
const temps = tempDirs();
afterAll(() => temps.removeAll());

let site: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  site = copyFixtureSite(temps.make());
  env = { REPRO_PYTHON: TEST_PYTHON, XDG_CACHE_HOME: temps.make() };
});

const repro = (...args: string[]) => runNode([...REPRO, ...args], { cwd: site, env });
const reproDir = (id: string) => join(site, 'content/incidents', INCIDENT, 'repros', id);

/** Records echo-redis, then makes its first cell say "reproduced": a re-run flips it back. */
async function recordWithFirstCellFlipped(): Promise<void> {
  const file = join(reproDir('echo-redis'), 'results.json');
  await repro(INCIDENT, 'echo-redis');
  const doctored = JSON.parse(readFileSync(file, 'utf8')) as ReproResults;
  Object.assign(doctored.cells[0]!, { verdict: 'reproduced', stdout: 'imported redis 4.3.4\nREPRODUCED\n' });
  writeFileSync(file, JSON.stringify(doctored));
}

describe('aftermath repro', { timeout: 60_000 }, () => {
  it('runs a matrix with progress on stderr, records results.json, and a --check passes', async () => {
    const first = await repro(INCIDENT, 'echo-redis');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('');
    expect(first.stderr).toMatch(
      /\[\d\/2 · [\d.]+ m?s\] 2024-01-01-repro-fixture\/echo-redis installed USER_ID=1 → not-reproduced in [\d.]+ m?s {2}✓/,
    );
    expect(first.stderr).toMatch(/repro\s+cell\s+verdict\s+expected\s+expectation\s+imported\s+time/);
    const recorded = JSON.parse(readFileSync(join(reproDir('echo-redis'), 'results.json'), 'utf8')) as ReproResults;
    expect(recorded.sourcesHash).toMatch(/^sha256:/);
    expect(recorded.cells).toHaveLength(2);
    expect(recorded.cells[0]!.trace.messages.length).toBeGreaterThan(0);

    const check = await repro(INCIDENT, 'echo-redis', '--check', '--json');
    expect(check.code, check.stderr).toBe(0);
    const json = JSON.parse(check.stdout) as { results: ReproResults[]; check: { ok: boolean } };
    expect(json.check.ok).toBe(true);
    expect(check.stderr).toMatch(/^repro check: 2 passed, 0 failed$/m);
    expect(json.results[0]!.cells.map((c) => c.verdict)).toEqual(['not-reproduced', 'not-reproduced']);
    // --check records nothing.
    expect(JSON.parse(readFileSync(join(reproDir('echo-redis'), 'results.json'), 'utf8')).recordedAt).toBe(
      recorded.recordedAt,
    );
  });

  it('--check fails when a recorded verdict no longer holds, naming the cell and printing both transcripts', async () => {
    await recordWithFirstCellFlipped();
    try {
      const result = await repro(INCIDENT, 'echo-redis', '--check');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /2024-01-01-repro-fixture\/echo-redis \[installed USER_ID=1\] flipped: recorded reproduced, now not-reproduced/,
      );
      expect(result.stderr).toMatch(/recorded transcript \(.*\):\n\s+\| imported redis \S+\n\s+\| REPRODUCED/);
      expect(result.stderr).toMatch(/fresh transcript \(.*\):\n\s+\| imported redis \S+\n\s+\| NOT REPRODUCED/);
      expect(result.stderr).toMatch(/^repro check: 1 passed, 1 failed$/m);
    } finally {
      await repro(INCIDENT, 'echo-redis');
    }
  });

  it('--check --record-regressions keeps each flip with both sides in regressions.json, which the archive reads as open', async () => {
    const regressions = join(reproDir('echo-redis'), 'regressions.json');
    await recordWithFirstCellFlipped();
    try {
      expect((await repro(INCIDENT, 'echo-redis', '--record-regressions')).stderr).toMatch(
        /--record-regressions records what --check finds: add --check/,
      );
      const result = await repro(INCIDENT, 'echo-redis', '--check', '--record-regressions');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/recorded 1 regression\(s\) in .*regressions\.json/);
      const [found, ...more] = JSON.parse(readFileSync(regressions, 'utf8')).regressions;
      expect(more).toEqual([]);
      expect(found).toMatchObject({
        cell: { version: 'installed', parameters: { USER_ID: '1' } },
        recorded: { verdict: 'reproduced', stdout: 'imported redis 4.3.4\nREPRODUCED\n' },
        fresh: { verdict: 'not-reproduced', stdout: expect.stringContaining('NOT REPRODUCED') },
      });
      // Not a source: the recording it contradicts is not stale, and the regression is open on it.
      const repros = readArchive(site).incidents.find((i) => i.slug === INCIDENT)!.repros;
      const echo = repros.find((r) => r.id === 'echo-redis')!;
      expect(echo.stale).toBe(false);
      expect(echo.regressions.map((r) => r.fresh.verdict)).toEqual(['not-reproduced']);
      // Recording the repro again settles it.
      await repro(INCIDENT, 'echo-redis');
      const again = readArchive(site).incidents.find((i) => i.slug === INCIDENT)!.repros;
      expect(again.find((r) => r.id === 'echo-redis')!.regressions).toEqual([]);
    } finally {
      rmSync(regressions, { force: true });
      await repro(INCIDENT, 'echo-redis');
    }
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
    const noRedis = await runNode([...REPRO, INCIDENT, 'echo-redis'], {
      cwd: site,
      env: { ...env, REDIS_SERVER: '/nonexistent/redis-server' },
    });
    expect(noRedis.code).toBe(2);
    // Said by aftermath with the catalogue's hint for the error (src/errors.ts), no stack.
    expect(noRedis.stderr.trim()).toBe(
      [
        'aftermath repro: redis-server not found at REDIS_SERVER=/nonexistent/redis-server: fix the path, or unset it and install redis-server with apt-get install redis-server; the repros selected need it',
        `  ${ERRORS.ServiceError.hint}`,
      ].join('\n'),
    );
    const unknown = await repro('no-such-incident');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no incident "no-such-incident"; incidents with repros: 2024-01-01-repro-fixture/);
    const badVersion = await repro(INCIDENT, 'echo-redis', '--version', '9.9');
    expect(badVersion.code).toBe(2);
    expect(badVersion.stderr).toMatch(/version "9.9" is not in this repro's list \(installed\)/);
  });

  it('on SIGINT with two cells running (--jobs 2) kills both snippet groups, stops both redis and proxies, removes temp folders, exits 130', async () => {
    const marker = `aftermath-sigint-${process.pid}-${Date.now()}`;
    const tmp = temps.make(`${marker}-tmp-`);
    const state = join(temps.make(), 'state.json');
    // Every process the run starts inherits the marker and TMPDIR, so both can be counted.
    const { child, stderr, exited } = startReproCli([INCIDENT, 'slow', '--jobs', '2'], {
      cwd: site,
      env: { ...process.env, ...env, TMPDIR: tmp, REPRO_TEST_STATE: state, AFTERMATH_TEST_MARKER: marker },
    });

    type State = { pid: number; child: number; redis: number; proxy: number };
    const cells: State[] = [];
    for (const copy of ['a', 'b']) {
      const file = `${state}.${copy}`;
      cells.push(
        await waitFor(
          () => existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as State),
          30_000,
          `snippet ${copy} to start`,
        ),
      );
    }
    // Before: the CLI, the snippets and their sleeps carry the marker in their environment;
    // redis-server rewrites that memory for its process title, so it is found by its title
    // (`redis-server 127.0.0.1:<port>`) instead. Their folders live in our TMPDIR.
    expect(processesWithMarker(marker)).toEqual(
      expect.arrayContaining([child.pid, ...cells.flatMap((c) => [c.pid, c.child])]),
    );
    for (const cell of cells) expect(pgrep(`redis-server 127.0.0.1:${cell.redis}`)).toHaveLength(1);
    expect(readdirSync(tmp).filter((name) => name.startsWith('aftermath-redis-'))).toHaveLength(2);

    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr()).toMatch(/interrupted: stopping snippets and services/);
    // After: nothing left running, no folder left, every port closed.
    expect(processesWithMarker(marker)).toEqual([]);
    for (const cell of cells) {
      expect(pgrep(`redis-server 127.0.0.1:${cell.redis}`)).toEqual([]);
      expect(isAlive(cell.pid)).toBe(false);
      expect(isAlive(cell.child)).toBe(false);
    }
    expect(readdirSync(tmp)).toEqual([]);
    for (const port of cells.flatMap((c) => [c.redis, c.proxy])) {
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

  it('--jobs 2 runs cells side by side and leaves no process and no temp folder behind', async () => {
    const marker = `aftermath-jobs-${process.pid}-${Date.now()}`;
    const tmp = temps.make(`${marker}-tmp-`);
    const redisBefore = pgrep('^redis-server 127\\.0\\.0\\.1:').length;
    const result = await runNode(
      [...REPRO, INCIDENT, 'echo-redis', '--jobs', '2', '--out', join(temps.make(), 'out.json')],
      { cwd: site, env: { ...env, TMPDIR: tmp, AFTERMATH_TEST_MARKER: marker } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/running 2 cell\(s\) of 1 repro\(s\), 2 at a time/);
    expect(result.stderr).toMatch(/\[2\/2 · [\d.]+ m?s\]/);
    expect(processesWithMarker(marker)).toEqual([]);
    expect(pgrep('^redis-server 127\\.0\\.0\\.1:').length).toBe(redisBefore);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('after a run killed with SIGKILL, the next run removes the temp folders it left', async () => {
    const marker = `aftermath-sigkill-${process.pid}-${Date.now()}`;
    const tmp = temps.make(`${marker}-tmp-`);
    const state = join(temps.make(), 'state.json');
    const { child, exited } = startReproCli([INCIDENT, 'slow', '--jobs', '1'], {
      cwd: site,
      env: { ...process.env, ...env, TMPDIR: tmp, REPRO_TEST_STATE: state, AFTERMATH_TEST_MARKER: marker },
    });
    const running = await waitFor(
      () =>
        existsSync(`${state}.a`) &&
        (JSON.parse(readFileSync(`${state}.a`, 'utf8')) as { pid: number; child: number; redis: number }),
      30_000,
      'the snippet to start',
    );
    child.kill('SIGKILL');
    await exited;
    // The runner had no chance to clean up: its folder is still there (its snippet, in its own
    // process group, is stopped here so that the test leaves nothing running).
    const left = readdirSync(tmp).filter((name) => name.startsWith(`aftermath-redis-${child.pid}-`));
    expect(left).toHaveLength(1);
    for (const pid of [running.child, running.pid]) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    expect(pgrep(`redis-server 127.0.0.1:${running.redis}`)).toHaveLength(1);

    const next = await runNode(
      [...REPRO, INCIDENT, 'echo-redis', '--shard', '1/2', '--out', join(temps.make(), 'out.json')],
      { cwd: site, env: { ...env, TMPDIR: tmp } },
    );
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`removed 1 temp folder(s) left by a run that was killed: ${left[0]}`);
    expect(readdirSync(tmp)).toEqual([]);
    // …and stopped the redis-server that was still running in one.
    await waitFor(
      () => pgrep(`redis-server 127.0.0.1:${running.redis}`).length === 0,
      5000,
      'the orphaned redis-server to stop',
    );
  });

  it('merges the --out files of shards into results.json, and refuses a missing cell', async () => {
    const out = temps.make();
    const file = join(reproDir('echo-redis'), 'results.json');
    const recording = () => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);
    const before = recording();
    for (const shard of ['1/2', '2/2']) {
      const result = await repro(
        INCIDENT,
        'echo-redis',
        '--shard',
        shard,
        '--out',
        join(out, `shard-${shard[0]}.json`),
      );
      expect(result.code, result.stderr).toBe(0);
    }
    // --out records nothing by itself.
    expect(recording()).toBe(before);

    const missing = await repro('merge', join(out, 'shard-1.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /✗ 2024-01-01-repro-fixture\/echo-redis: 1 cell\(s\) missing from every shard: installed USER_ID=2/,
    );

    const merged = await repro('merge', join(out, 'shard-1.json'), join(out, 'shard-2.json'));
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toMatch(/recorded .*echo-redis\/results\.json \(2 cells\)/);
    const results = JSON.parse(readFileSync(file, 'utf8')) as ReproResults;
    expect(results.cells.map((c) => c.parameters.USER_ID)).toEqual(['1', '2']);

    // A shard whose verdict differs from the recording: merge --check writes it and fails, with both transcripts.
    const shard2 = join(out, 'shard-2.json');
    const doc = JSON.parse(readFileSync(shard2, 'utf8')) as { results: ReproResults[] };
    Object.assign(doc.results[0]!.cells[0]!, { verdict: 'reproduced', stdout: 'imported redis 4.3.4\nREPRODUCED\n' });
    writeFileSync(shard2, JSON.stringify(doc));
    const flipped = await repro('merge', '--check', '--record-regressions', join(out, 'shard-1.json'), shard2);
    expect(flipped.code).toBe(1);
    // What the scheduled workflow keeps: the flip, both sides, in the repro's regressions.json.
    const regressions = join(reproDir('echo-redis'), 'regressions.json');
    onTestFinished(() => rmSync(regressions, { force: true }));
    expect(JSON.parse(readFileSync(regressions, 'utf8')).regressions).toMatchObject([
      {
        cell: { version: 'installed', parameters: { USER_ID: '2' } },
        recorded: { verdict: 'not-reproduced' },
        fresh: { verdict: 'reproduced', stdout: 'imported redis 4.3.4\nREPRODUCED\n' },
      },
    ]);
    expect(flipped.stderr).toMatch(
      /2024-01-01-repro-fixture\/echo-redis \[installed USER_ID=2\] flipped: recorded not-reproduced, now reproduced/,
    );
    expect(flipped.stderr).toMatch(/recorded transcript \(.*\):\n\s+\| imported redis \S+\n\s+\| NOT REPRODUCED/);
    expect(flipped.stderr).toMatch(/fresh transcript \(.*\):\n\s+\| imported redis \S+\n\s+\| REPRODUCED/);
    expect(flipped.stderr).toMatch(/1 recorded verdict\(s\) flipped/);
  });

  it('--watch re-runs a repro when its snippet changes, until Ctrl-C, and leaves nothing behind', async () => {
    const marker = `aftermath-watch-${process.pid}-${Date.now()}`;
    const tmp = temps.make(`${marker}-tmp-`);
    const snippet = join(reproDir('echo-redis'), 'snippet.py');
    const original = readFileSync(snippet, 'utf8');
    onTestFinished(() => writeFileSync(snippet, original));
    const { child, stderr, exited } = startReproCli([INCIDENT, 'echo-redis', '--watch', '--jobs', '1'], {
      cwd: site,
      env: { ...process.env, ...env, TMPDIR: tmp, AFTERMATH_TEST_MARKER: marker },
    });
    const count = (text: string) => stderr().split(text).length - 1;
    await waitFor(() => count('watching for changes') === 1, 30_000, 'the first run to finish');
    expect(count('recorded ')).toBe(1);
    writeFileSync(snippet, `${original}# edited while watching\n`);
    await waitFor(() => count('watching for changes') === 2, 30_000, 'the re-run after the edit');
    expect(count('recorded ')).toBe(2);
    expect(stderr()).toMatch(
      /\[2\/2 · [\d.]+ m?s\] 2024-01-01-repro-fixture\/echo-redis installed USER_ID=2 → not-reproduced/,
    );
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(processesWithMarker(marker)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('a version range through the CLI', { timeout: 180_000 }, () => {
  it('records every release pip lists in it; a release published since joins the matrix in the weekly shard-and-merge run', async () => {
    const rangeSite = copyFixtureSite(temps.make());
    const dir = join(rangeSite, 'content/incidents', INCIDENT, 'repros/pinned-py');
    const manifest = readFileSync(join(dir, 'repro.yaml'), 'utf8');
    writeFileSync(
      join(dir, 'repro.yaml'),
      manifest.replace('versions: ["1.0", "2.0", "3.0"]', 'versions: { range: ">=1.0" }'),
    );
    const wheels = temps.make();
    buildWheel(wheels, '1.0', true);
    buildWheel(wheels, '2.0', false);
    const rangeEnv = { ...env, PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheels };
    const run = (...args: string[]) => runNode([...REPRO, ...args], { cwd: rangeSite, env: rangeEnv });

    const first = await run(INCIDENT, 'pinned-py');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('listing the releases of aftermath-tinyrepro in >=1.0 …');
    expect(first.stderr).toContain('2 release(s) (pip index versions aftermath-tinyrepro): 1.0, 2.0');
    const recorded = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ReproResults;
    expect(recorded.versionRange).toMatchObject({ range: '>=1.0', versions: ['1.0', '2.0'] });
    expect(recorded.cells.map((c) => [c.version, c.verdict])).toEqual([
      ['1.0', 'reproduced'],
      ['2.0', 'not-reproduced'],
    ]);
    // --check re-runs what was recorded, even after a new release.
    buildWheel(wheels, '2.1', true);
    const check = await run(INCIDENT, 'pinned-py', '--check', '--json');
    expect(check.code, check.stderr).toBe(0);
    expect((JSON.parse(check.stdout) as { results: ReproResults[] }).results[0]!.cells).toHaveLength(2);

    // The weekly workflow: shards list afresh, merge takes the new release in and says so.
    const out = join(temps.make(), 'shard-1.json');
    expect((await run(INCIDENT, 'pinned-py', '--shard', '1/1', '--out', out)).code).toBe(0);
    const merged = await run('merge', '--check', out);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toMatch(/\+ .*pinned-py \[2\.1\]: not in the recording \(now reproduced\)/);
    const after = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ReproResults;
    expect(after.cells.map((c) => [c.version, c.verdict])).toEqual([
      ['1.0', 'reproduced'],
      ['2.0', 'not-reproduced'],
      ['2.1', 'reproduced'],
    ]);
    expect(after.versionRange!.versions).toEqual(['1.0', '2.0', '2.1']);
  });
});

describe('measurements through the CLI', { timeout: 60_000 }, () => {
  it("records every run's values, the budget's verdicts and the chart's fitted growth; a --check reports a doctored median", async () => {
    const measuredSite = copyFixtureSite(temps.make());
    const dir = join(measuredSite, 'content/incidents', INCIDENT, 'repros/measured');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'repro.yaml'),
      [
        'title: Work that grows as the square of N',
        'runtime: python',
        'entry: main.py',
        'parameters:',
        '  N: [10, 100, 1000]',
        'repeat: 2',
        'measurements:',
        '  units: { label: Units of work, unit: units, tolerance: 5 }',
        'budget:',
        '  units: "< 5000"',
        'chart: { y: units, x: N }',
        'expect: {}',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'main.py'), 'import os\nn = int(os.environ["N"])\nprint(f"measure units={n * n / 100}")\n');
    const run = (...args: string[]) => runNode([...REPRO, ...args], { cwd: measuredSite, env });

    const first = await run(INCIDENT, 'measured');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('units = 10000 units, over the budget < 5000');
    const file = join(dir, 'results.json');
    const recorded = JSON.parse(readFileSync(file, 'utf8')) as ReproResults;
    expect(recorded.cells.map((c) => [c.parameters.N, c.verdict, c.measurements?.units])).toEqual([
      ['10', 'not-reproduced', { values: [1, 1], min: 1, median: 1, max: 1 }],
      ['100', 'not-reproduced', { values: [100, 100], min: 100, median: 100, max: 100 }],
      ['1000', 'reproduced', { values: [10000, 10000], min: 10000, median: 10000, max: 10000 }],
    ]);
    expect(recorded.fits).toEqual([
      { measurement: 'units', x: 'N', version: 'installed', parameters: {}, slope: 2, points: 3 },
    ]);
    expect((await run(INCIDENT, 'measured', '--check')).code).toBe(0);

    // A recording whose first median is doctored from 1 to 100: the re-run's 1 is past ×5.
    recorded.cells[0]!.measurements!.units!.median = 100;
    writeFileSync(file, JSON.stringify(recorded));
    const check = await run(INCIDENT, 'measured', '--check');
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(
      `${INCIDENT}/measured [installed N=10]: units moved from a median of 100 units to 1 units, more than the tolerance (×5 either way)`,
    );
  });
});
