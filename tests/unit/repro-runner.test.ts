/** The pure parts of the runner: matrix, verdicts, expectations, CLI helpers, installer messages. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { formatTable, inShard, parseShard, quantile, selectRepros } from '../../src/repro/cli.ts';
import { environmentKey } from '../../src/repro/environments.ts';
import { npmProblem, tarballName } from '../../src/repro/runtimes/node.ts';
import { packagesFromPipReport, pipProblem } from '../../src/repro/runtimes/python.ts';
import { clearLeftovers } from '../../src/repro/cleanup.ts';
import { statusLine } from '../../src/repro/progress.ts';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { boundedCapture } from '../../src/repro/process.ts';
import os from 'node:os';
import { cellKey, cellLabel } from '../../src/domain/repro-cells.ts';
import {
  clipText,
  expandMatrix,
  expectationFor,
  importedVersion,
  interpreterName,
  judge,
  ReproConfigError,
  shareablePaths,
  tallyVerdict,
} from '../../src/repro/runner.ts';
import { reproSchema } from '../../src/schemas/repro.ts';
import type { IncidentRecord } from '../../src/domain/incident-record.ts';

const manifest = reproSchema.parse({
  title: 't',
  runtime: 'python',
  entry: 'snippet.py',
  package: { name: 'redis', versions: ['4.5.1', '4.5.3'] },
  parameters: { SLEEP: [0.1, 0.2], MODE: ['a', 'b', 'c'] },
  timeout_s: 5,
  expect: {
    reproduced: '^REPRODUCED$',
    not_reproduced: '^NOT REPRODUCED$',
    by_version: { '4.5.1': 'reproduced', '4.5.3': 'not-reproduced' },
  },
});
const ok = { exitCode: 0, signal: null, timedOut: false, stderr: '' };

describe('expandMatrix', () => {
  it('is versions × the product of parameters, values as strings, in manifest order', () => {
    const cells = expandMatrix(manifest);
    expect(cells).toHaveLength(12);
    expect(cells[0]).toEqual({ version: '4.5.1', parameters: { SLEEP: '0.1', MODE: 'a' } });
    expect(cells[11]).toEqual({ version: '4.5.3', parameters: { SLEEP: '0.2', MODE: 'c' } });
    expect(cellLabel(cells[1]!)).toBe('4.5.1 SLEEP=0.1 MODE=b');
  });

  it('filters by version and names the versions when the filter matches none', () => {
    expect(expandMatrix(manifest, { version: '4.5.3' }).every((c) => c.version === '4.5.3')).toBe(true);
    expect(() => expandMatrix(manifest, { version: '9' })).toThrow(ReproConfigError);
    expect(() => expandMatrix(manifest, { version: '9' })).toThrow('(4.5.1, 4.5.3)');
  });

  it('runs "installed" once when there is no package and no parameters', () => {
    expect(expandMatrix({ ...manifest, package: undefined, parameters: {} })).toEqual([
      { version: 'installed', parameters: {} },
    ]);
  });

  it('keys cells independently of parameter order', () => {
    expect(cellKey({ version: '1', parameters: { A: '1', B: '2' } })).toBe(
      cellKey({ version: '1', parameters: { B: '2', A: '1' } }),
    );
  });
});

describe('judge', () => {
  const cell = { version: '4.5.1', parameters: {} };
  it('gives reproduced / not-reproduced from stdout patterns, line-anchored', () => {
    expect(judge(manifest, cell, { ...ok, stdout: 'imported redis 4.5.1\nREPRODUCED\n' })).toEqual({
      verdict: 'reproduced',
      imported: '4.5.1',
    });
    expect(judge(manifest, cell, { ...ok, stdout: 'NOT REPRODUCED\n' }).verdict).toBe('not-reproduced');
    // "NOT REPRODUCED" must not count as "REPRODUCED" because of the ^…$ anchors with the m flag.
    expect(judge(manifest, cell, { ...ok, stdout: 'x NOT REPRODUCED\n' }).verdict).toBe('error');
  });

  it('says why it is an error', () => {
    expect(
      judge(manifest, cell, { ...ok, exitCode: 3, stdout: '', stderr: 'Traceback…\nValueError: boom\n' }),
    ).toMatchObject({ verdict: 'error', reason: 'exited with code 3 without a verdict line: ValueError: boom' });
    expect(judge(manifest, cell, { ...ok, exitCode: null, signal: 'SIGKILL', stdout: '' }).reason).toMatch(
      /killed by SIGKILL/,
    );
    expect(judge(manifest, cell, { ...ok, stdout: 'hello\n' }).reason).toMatch(/matched neither/);
    expect(
      judge(manifest, cell, { ...ok, timedOut: true, exitCode: null, signal: 'SIGTERM', stdout: 'REPRODUCED\n' }),
    ).toMatchObject({
      verdict: 'error',
      reason: 'timed out after 5 s (a verdict pattern had matched before the timeout)',
    });
  });

  it('refuses to credit a pinned version with a run of another version', () => {
    const result = judge(manifest, cell, { ...ok, stdout: 'imported redis 4.5.3\nREPRODUCED\n' });
    expect(result).toMatchObject({
      verdict: 'error',
      reason: 'imported redis 4.5.3, not the pinned 4.5.1',
      imported: '4.5.3',
    });
  });

  it('reads the imported version, normalising package names', () => {
    expect(importedVersion('imported Foo_Bar 1.2\n', 'foo-bar')).toBe('1.2');
    expect(importedVersion('imported other 1\nimported redis 4.3.4\n', 'redis')).toBe('4.3.4');
    expect(importedVersion('nothing\n', 'redis')).toBeNull();
  });
});

describe('interpreterName', () => {
  it('names a cached interpreter relative to the cache and any other by its file name, never by a machine path', () => {
    expect(
      interpreterName(
        '/home/jane/.cache/aftermath/repro-envs/0123abcd/bin/python',
        '/home/jane/.cache/aftermath/repro-envs',
      ),
    ).toBe('repro-envs/0123abcd/bin/python');
    expect(interpreterName('/usr/bin/python3.11', '/home/jane/.cache/aftermath/repro-envs')).toBe('python3.11');
    expect(
      interpreterName(
        '/home/jane/.cache/aftermath/node22/node_modules/node/bin/node',
        '/home/jane/.cache/aftermath/repro-envs',
      ),
    ).toBe('node');
  });
});

describe('shareablePaths', () => {
  it('turns the project folder, the environment cache and the home folder into relative names', () => {
    const places = { root: '/home/jane/pm', cacheRoot: '/home/jane/.cache/aftermath/repro-envs', home: '/home/jane' };
    const traceback =
      'File "/home/jane/.cache/aftermath/repro-envs/ab12/lib/python3.11/site-packages/redis/client.py", line 1\nFile "/home/jane/pm/content/incidents/x/repros/r/race.py", line 9\n/home/jane/other';
    expect(shareablePaths(traceback, places)).toBe(
      'File "repro-envs/ab12/lib/python3.11/site-packages/redis/client.py", line 1\nFile "content/incidents/x/repros/r/race.py", line 9\n~/other',
    );
  });
});

describe('tallyVerdict', () => {
  it('calls a cell reproduced when any run reproduced, not reproduced only when every run finished cleanly', () => {
    expect(tallyVerdict({ runs: 10, reproduced: 1, notReproduced: 9, errors: 0 })).toBe('reproduced');
    expect(tallyVerdict({ runs: 10, reproduced: 0, notReproduced: 10, errors: 0 })).toBe('not-reproduced');
    expect(tallyVerdict({ runs: 10, reproduced: 0, notReproduced: 9, errors: 1 })).toBe('error');
    expect(tallyVerdict({ runs: 0, reproduced: 0, notReproduced: 0, errors: 0 })).toBe('error');
  });
});

describe('expectationFor', () => {
  it('compares with by_version; skipped and unlisted versions are "none"', () => {
    expect(expectationFor(manifest, { version: '4.5.1', parameters: {} }, 'reproduced')).toEqual({
      expected: 'reproduced',
      expectation: 'met',
    });
    expect(expectationFor(manifest, { version: '4.5.1', parameters: {} }, 'error')).toEqual({
      expected: 'reproduced',
      expectation: 'violated',
    });
    expect(expectationFor(manifest, { version: '4.5.3', parameters: {} }, 'skipped')).toEqual({
      expected: 'not-reproduced',
      expectation: 'none',
    });
    expect(expectationFor(manifest, { version: '5.0', parameters: {} }, 'reproduced')).toEqual({ expectation: 'none' });
  });
  it('judges "installed" by the version it actually imported', () => {
    expect(expectationFor(manifest, { version: 'installed', parameters: {} }, 'not-reproduced', '4.5.3')).toEqual({
      expected: 'not-reproduced',
      expectation: 'met',
    });
    expect(expectationFor(manifest, { version: 'installed', parameters: {} }, 'not-reproduced', '4.5.1')).toEqual({
      expected: 'reproduced',
      expectation: 'violated',
    });
  });
  it('uses by_parameter when no version predicts the verdict', () => {
    const strategies = reproSchema.parse({
      title: 'T',
      runtime: 'node',
      entry: 'x.ts',
      expect: {
        reproduced: '^LEAK',
        not_reproduced: '^OK',
        by_parameter: { STRATEGY: { naive: 'reproduced', disconnect: 'not-reproduced' } },
      },
    });
    expect(
      expectationFor(strategies, { version: 'installed', parameters: { STRATEGY: 'naive' } }, 'reproduced'),
    ).toEqual({ expected: 'reproduced', expectation: 'met' });
    expect(
      expectationFor(strategies, { version: 'installed', parameters: { STRATEGY: 'disconnect' } }, 'reproduced'),
    ).toEqual({ expected: 'not-reproduced', expectation: 'violated' });
    expect(
      expectationFor(strategies, { version: 'installed', parameters: { STRATEGY: 'other' } }, 'reproduced'),
    ).toEqual({ expectation: 'none' });
  });
});

describe('bounded output', () => {
  it('keeps head and tail and says how much it dropped', () => {
    const capture = boundedCapture(100);
    for (let i = 0; i < 100; i++) capture.push(Buffer.from(`${String(i).padStart(3, '0')}\n`));
    const { text, truncated } = capture.result();
    expect(truncated).toBe(true);
    expect(text.startsWith('000\n001\n')).toBe(true);
    expect(text.endsWith('098\n099\n')).toBe(true);
    expect(text).toContain('[300 bytes omitted]');
    expect(boundedCapture(100).result()).toEqual({ text: '', truncated: false });
    expect(clipText('abcdefghij', 4)).toBe('ab\n…[6 characters omitted]…\nij');
  });
});

describe('CLI helpers', () => {
  it('parses shards and deals cells round-robin', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('0/3')).toThrow(UsageError);
    expect(() => parseShard('4/3')).toThrow(UsageError);
    expect(() => parseShard('x')).toThrow(UsageError);
    const shards = [1, 2, 3].map((index) => [0, 1, 2, 3, 4, 5, 6].filter((i) => inShard(i, { index, count: 3 })));
    expect(shards).toEqual([
      [0, 3, 6],
      [1, 4],
      [2, 5],
    ]);
  });

  it('selects repros by incident slug or folder, and names the alternatives', () => {
    const repro = (id: string) => ({ id, dir: `x/repros/${id}`, manifest });
    const incidents = [
      { slug: 'a', dir: 'content/incidents/2020-a', repros: [repro('one'), repro('two')] },
    ] as unknown as IncidentRecord[];
    expect(selectRepros(incidents).map((s) => s.repro.id)).toEqual(['one', 'two']);
    expect(selectRepros(incidents, '2020-a', 'two').map((s) => s.repro.id)).toEqual(['two']);
    expect(() => selectRepros(incidents, 'b')).toThrow('incidents with repros: a');
    expect(() => selectRepros(incidents, 'a', 'three')).toThrow('it has: one, two');
  });

  it('formats tables and quantiles', () => {
    expect(formatTable(['a', 'bb'], [['xxx', 'y']])).toBe('a    bb\n───  ──\nxxx  y');
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
  });
});

describe('installer messages and cache keys', () => {
  it('explains pip failures with pip’s last error line', () => {
    const offline = `WARNING: Retrying (Retry(total=0)) after connection broken by 'NewConnectionError(... Failed to establish a new connection: [Errno -2] Name or service not known)': /simple/redis/
ERROR: Could not find a version that satisfies the requirement redis==4.5.1 (from versions: none)
ERROR: No matching distribution found for redis==4.5.1`;
    expect(pipProblem(offline, false)).toBe(
      'no index reachable (ERROR: No matching distribution found for redis==4.5.1)',
    );
    const partly = offline.replace('(from versions: none)', '(from versions: 8.1.0)');
    expect(pipProblem(partly, false)).toMatch(
      /^not on any index that answered, and at least one configured index was unreachable/,
    );
    expect(pipProblem('ERROR: No matching distribution found for x==3', false, { PIP_NO_INDEX: '1' })).toMatch(
      /^not in the find-links folders/,
    );
    expect(pipProblem('ERROR: No matching distribution found for x==3', false, {})).toMatch(
      /^no such version on the index/,
    );
    expect(pipProblem('', true)).toBe('timed out');
  });

  it('explains npm failures with the specific line, not the log-file line', () => {
    const e404 = `npm error code E404
npm error 404 Not Found - GET https://registry.npmjs.org/nope - Not found
npm error 404
npm error A complete log of this run can be found in: ~/.npm/_logs/x.log`;
    expect(npmProblem(e404, false)).toBe(
      'no such package or version on the registry (404 Not Found - GET https://registry.npmjs.org/nope - Not found)',
    );
    expect(npmProblem('npm error code ENOTFOUND\nnpm error network request failed', false)).toMatch(
      /^no registry reachable \(network request failed\)/,
    );
  });

  it('names tarballs like npm pack and keys caches on everything that matters', () => {
    expect(tarballName('@scope/pkg', '1.0.0')).toBe('scope-pkg-1.0.0.tgz');
    expect(tarballName('pkg', '2.0.0')).toBe('pkg-2.0.0.tgz');
    const base = { runtime: 'python' as const, pkg: 'redis', version: '4.5.1', interpreter: '/usr/bin/python3.11' };
    expect(environmentKey(base)).toBe(environmentKey({ ...base }));
    expect(environmentKey(base)).not.toBe(environmentKey({ ...base, version: '4.5.3' }));
    expect(environmentKey(base)).not.toBe(environmentKey({ ...base, interpreter: '/usr/bin/python3.12' }));
    expect(environmentKey(base)).not.toBe(environmentKey({ ...base, runtime: 'node' }));
  });
});

describe('packagesFromPipReport', () => {
  it('keeps name, version, the file name of a local wheel or the URL of a download, and the sha256', () => {
    const report = {
      version: '1',
      install: [
        {
          metadata: { name: 'redis', version: '4.5.1' },
          download_info: {
            url: 'file:///home/jane/wheels/redis-4.5.1-py3-none-any.whl',
            archive_info: { hash: 'sha256=0891', hashes: { sha256: '0891' } },
          },
        },
        {
          metadata: { name: 'async-timeout', version: '4.0.2' },
          download_info: {
            url: 'https://files.example.org/async_timeout-4.0.2-py3-none-any.whl',
            archive_info: { hash: 'sha256=89c9' },
          },
        },
        { metadata: { name: 'local-dir', version: '1.0' }, download_info: { url: 'file:///src/pkg', dir_info: {} } },
      ],
    };
    expect(packagesFromPipReport(report)).toEqual([
      { name: 'redis', version: '4.5.1', source: 'redis-4.5.1-py3-none-any.whl', sha256: '0891' },
      {
        name: 'async-timeout',
        version: '4.0.2',
        source: 'https://files.example.org/async_timeout-4.0.2-py3-none-any.whl',
        sha256: '89c9',
      },
      { name: 'local-dir', version: '1.0', source: 'pkg', sha256: null },
    ]);
    expect(packagesFromPipReport({})).toEqual([]);
  });
});

describe('clearLeftovers', () => {
  it('removes the temp folders of dead runs and keeps those of live ones and strangers', () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'aftermath-leftovers-test-'));
    try {
      // pid 2^22+1 is above Linux's pid_max, so no process has it.
      for (const name of [
        'aftermath-redis-4194305-abc',
        `aftermath-run-${process.pid}-def`,
        'aftermath-redis-x-1',
        'other',
      ])
        mkdirSync(join(dir, name));
      expect(clearLeftovers(dir)).toEqual(['aftermath-redis-4194305-abc']);
      expect(readdirSync(dir).sort()).toEqual(
        [`aftermath-run-${process.pid}-def`, 'aftermath-redis-x-1', 'other'].sort(),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('statusLine', () => {
  it('says cells done of all, elapsed, an estimate once a cell finished, and what runs, within the width', () => {
    expect(statusLine({ done: 0, total: 36, elapsedMs: 1200, running: ['4.5.1'] })).toBe(
      '0/36 cells · 1.2 s · running 4.5.1',
    );
    expect(statusLine({ done: 12, total: 36, elapsedMs: 12_000, running: ['4.5.1 SLEEP=0.001', '4.5.5'] })).toBe(
      '12/36 cells · 12.0 s · about 24.0 s left · running 4.5.1 SLEEP=0.001, 4.5.5',
    );
    expect(statusLine({ done: 36, total: 36, elapsedMs: 60_000, running: [] })).toBe('36/36 cells · 1 min 0 s');
    const cut = statusLine({ done: 1, total: 2, elapsedMs: 1000, running: ['x'.repeat(200)] }, 40);
    expect(cut).toHaveLength(40);
    expect(cut.endsWith('…')).toBe(true);
  });
});
