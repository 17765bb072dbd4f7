import { reproCommand } from '../../src/domain/runtimes.ts';
import { describe, expect, it } from 'vitest';
import {
  cellProvenance,
  cellSlugs,
  countsText,
  decidingLine,
  inlineVerdict,
  provenanceText,
  rateText,
  reproMatrix,
  shortReason,
  summarizeRepro,
  transcriptView,
  verdictText,
  versionProvenance,
} from '../../src/view/repro-view.ts';
import {
  parseParams,
  resolveVerdict,
  verdictFindings,
  verdictMentions,
  type CitableRepro,
} from '../../src/archive/verdict-refs.ts';
import { parseStory } from '../../src/archive/story.ts';
import type { CellResult, ReproResults } from '../../src/schemas/repro-results.ts';
import { reproSchema } from '../../src/schemas/repro.ts';

const manifest = reproSchema.parse({
  title: 'T',
  runtime: 'python',
  entry: 'r.py',
  expect: { reproduced: '^LEAK', not_reproduced: '^NO-LEAK' },
});
const env = {
  runtime: 'python' as const,
  interpreter: '/usr/bin/python3',
  interpreterVersion: '3.11.2',
  packageVersionImported: '4.3.4',
  redisServerVersion: '7.0.15',
  os: 'Linux 6.1 x64',
  node: 'v22.23.3',
};
function cell(verdict: CellResult['verdict'], extra: Partial<CellResult> = {}): CellResult {
  return {
    version: 'installed',
    parameters: {},
    verdict,
    expectation: 'none',
    exitCode: 0,
    durationMs: 900,
    stdout: '',
    stderr: '',
    trace: { messages: [], omitted: 0 },
    environment: env,
    ranAt: '2026-11-22T06:50:00Z',
    ...extra,
  };
}
const trace = { messages: [{ conn: 1, dir: 'c2s' as const, t: 1, text: 'GET a' }], omitted: 0 };
const results = (cells: CellResult[]): ReproResults => ({
  repro: { incident: 'i', id: 'r', title: 'T', dir: 'd' },
  sourcesHash: 'sha256:x',
  recordedAt: '2026-11-22T06:50:00Z',
  cells,
});

describe('summarizeRepro', () => {
  it('says "not run" without a recording and "stale" when sources changed', () => {
    expect(summarizeRepro(undefined, false).state).toBe('not-run');
    expect(summarizeRepro(results([cell('reproduced')]), true).state).toBe('stale');
  });
  it('counts verdicts, violations and where it ran, and features a reproduced cell with a trace', () => {
    const s = summarizeRepro(
      results([
        cell('not-reproduced', { trace }),
        cell('reproduced', { trace, version: '4.5.1', expectation: 'violated' }),
        cell('skipped', { environment: { ...env, interpreterVersion: null } }),
      ]),
      false,
    );
    expect(s.counts).toEqual({ 'not-reproduced': 1, reproduced: 1, skipped: 1 });
    expect(s.violated).toBe(1);
    expect(s.where).toBe('Linux 6.1 x64, Python 3.11.2, redis-server 7.0.15');
    expect(s.featured?.version).toBe('4.5.1');
  });
});

describe('small helpers', () => {
  it('finds the line that decided the verdict', () => {
    expect(decidingLine(cell('reproduced', { stdout: 'imported redis 4.5.1\nLEAK: wrong value\n' }), manifest)).toBe(
      'LEAK: wrong value',
    );
  });
  it('shortens a reason and writes the command a reader runs', () => {
    expect(
      shortReason('pip could not install redis==4.5.1: no index reachable (ERROR: No matching distribution)'),
    ).toBe('pip could not install redis==4.5.1: no index reachable');
    expect(reproCommand('inc', 'r', manifest)).toBe('REPRO_PYTHON=/usr/bin/python3 npx aftermath repro inc r');
    expect(reproCommand('inc', 'r', { runtime: 'node' })).toBe('npx aftermath repro inc r');
    const perl = {
      label: 'Perl',
      command: 'perl',
      versionArgs: ['-e', 'print $^V'],
      args: ['{entry}'],
      highlight: 'perl',
    };
    expect(reproCommand('inc', 'r', { runtime: 'perl', siteRuntime: perl })).toBe('npx aftermath repro inc r');
  });
});

const pkg = (name: string, version: string, sha = 'a'.repeat(64)) => ({
  name,
  version,
  source: `${name}-${version}-py3-none-any.whl`,
  sha256: sha,
});
const skipReason = (v: string) =>
  `pip could not install redis==${v}: not on any index that answered (ERROR: No matching distribution found for redis==${v})`;
const tally = (runs: number, reproduced: number, errors = 0) => ({
  runs,
  reproduced,
  notReproduced: runs - reproduced - errors,
  errors,
});
/** A sweep: 4.3.4 ran (one cell contradicting), 4.4.0 and 4.5.5 skipped whole, 4.5.1 one cell errored. */
const sweep = results([
  cell('not-reproduced', {
    version: '4.3.4',
    parameters: { SLEEP: '0.001' },
    tally: tally(10, 0),
    expected: 'not-reproduced',
    expectation: 'met',
  }),
  cell('reproduced', {
    version: '4.3.4',
    parameters: { SLEEP: '0.000001' },
    tally: tally(10, 1),
    expected: 'not-reproduced',
    expectation: 'violated',
  }),
  cell('skipped', { version: '4.4.0', parameters: { SLEEP: '0.001' }, reason: skipReason('4.4.0') }),
  cell('skipped', { version: '4.4.0', parameters: { SLEEP: '0.000001' }, reason: skipReason('4.4.0') }),
  cell('reproduced', { version: '4.5.1', parameters: { SLEEP: '0.001' }, tally: tally(10, 9, 1) }),
  cell('error', { version: '4.5.1', parameters: { SLEEP: '0.000001' }, reason: 'timed out after 30 s' }),
  cell('skipped', { version: '4.5.5', parameters: { SLEEP: '0.001' }, reason: skipReason('4.5.5') }),
  cell('skipped', { version: '4.5.5', parameters: { SLEEP: '0.000001' }, reason: skipReason('4.5.5') }),
]);

describe('cellSlugs', () => {
  it('names a cell by its version and parameters, readable in an address, each one distinct', () => {
    expect(
      cellSlugs([
        { version: '4.5.1', parameters: {} },
        { version: '4.5.1', parameters: { SLEEP: '0.000001', MODE: 'a b' } },
        { version: 'latest', parameters: { N: '100' } },
        { version: '4.5.1', parameters: { SLEEP: '0.000001', MODE: 'a/b' } },
      ]),
    ).toEqual(['4.5.1', '4.5.1-mode-a-b-sleep-0.000001', 'latest-n-100', '4.5.1-mode-a-b-sleep-0.000001-4']);
  });
});

describe('reproMatrix', () => {
  it('puts versions down and parameter values across, one entry per cell', () => {
    const m = reproMatrix('sweep', sweep);
    expect(m.parameterNames).toEqual(['SLEEP']);
    expect(m.columns.map((c) => c.label)).toEqual(['0.001', '0.000001']);
    expect(m.rows.map((r) => r.version)).toEqual(['4.3.4', '4.4.0', '4.5.1', '4.5.5']);
    expect(m.rows[0]!.entries.map((e) => e?.text)).toEqual(['✓ not reproduced 0/10', '✗ reproduced 1/10']);
    expect(m.rows[2]!.entries.map((e) => [e?.mark, e?.word, e?.rate])).toEqual([
      ['✗', 'reproduced', '9/10 · 1 failed'],
      ['!', 'error', undefined],
    ]);
    // Each cell links to its own page, named by its version and parameters.
    expect(m.rows[0]!.entries[1]!.page).toBe('repros/sweep/4.3.4-sleep-0.000001/');
  });
  it('makes a contradicted expectation stand out, in words', () => {
    const m = reproMatrix('sweep', sweep);
    const violated = m.rows[0]!.entries[1]!;
    expect(violated.violated).toBe(true);
    expect(violated.expectedText).toBe('expected not reproduced');
    expect(violated.title).toBe(
      '4.3.4 SLEEP=0.000001: reproduced; reproduced in 1 of 10 runs; expected not reproduced (contradicted)',
    );
    expect(m.rows[0]!.entries[0]!.violated).toBe(false);
    expect(m.violated).toBe(1);
  });
  it('gives each distinct skip or error reason once, as a footnote, even when it names different versions', () => {
    const m = reproMatrix('sweep', sweep);
    expect(m.footnotes).toEqual([
      {
        n: 1,
        reason: 'pip could not install redis==<version>: not on any index that answered',
        cells: '4.4.0 (all), 4.5.5 (all)',
      },
      { n: 2, reason: 'timed out after 30 s', cells: '4.5.1 SLEEP=0.000001' },
    ]);
    expect(m.rows[1]!.entries.map((e) => e?.footnote)).toEqual([1, 1]);
    expect(m.rows[2]!.entries[1]!.footnote).toBe(2);
  });
  it('folds a row skipped whole for one reason into one cell', () => {
    const m = reproMatrix('sweep', sweep);
    expect(m.rows.map((r) => r.allSkipped?.footnote)).toEqual([undefined, 1, undefined, 1]);
  });
  it('writes a reason for one version as it was recorded', () => {
    const m = reproMatrix(
      'r',
      results([
        cell('skipped', { version: '4.5.1', reason: skipReason('4.5.1') }),
        cell('reproduced', { version: '4.5.3' }),
      ]),
    );
    expect(m.footnotes).toEqual([
      { n: 1, reason: 'pip could not install redis==4.5.1: not on any index that answered', cells: '4.5.1' },
    ]);
    expect(m.rows[0]!.allSkipped).toBeUndefined();
  });
  it('has one "verdict" column without parameters, and says what "installed" was', () => {
    const m = reproMatrix('r', results([cell('not-reproduced'), cell('reproduced', { version: '4.5.1' })]));
    expect(m.columns.map((c) => c.label)).toEqual(['verdict']);
    expect(m.rows.map((r) => r.label)).toEqual(['installed (4.3.4)', '4.5.1']);
  });
  it('labels columns NAME=value when several versions ran and several parameters are swept', () => {
    const m = reproMatrix(
      'r',
      results([
        cell('reproduced', { parameters: { A: '1', B: 'x' } }),
        cell('reproduced', { parameters: { A: '2', B: 'x' } }),
        cell('reproduced', { version: '4.5.1', parameters: { A: '1', B: 'x' } }),
      ]),
    );
    expect(m.columns.map((c) => c.label)).toEqual(['A=1 B=x', 'A=2 B=x']);
    expect(m.rowParameter).toBeUndefined();
  });

  it('puts the first parameter down the side when one version ran, so the matrix is not one long row', () => {
    const sizes = ['25', '50', '100'];
    const m = reproMatrix(
      'r',
      results(
        ['backtracking', 'linear'].flatMap((ENGINE) =>
          sizes.map((N) =>
            cell(ENGINE === 'backtracking' && N === '100' ? 'reproduced' : 'not-reproduced', {
              parameters: { ENGINE, N },
            }),
          ),
        ),
      ),
    );
    expect(m.rowParameter).toBe('ENGINE');
    expect(m.version).toBe(results([cell('reproduced')]).cells[0]!.version);
    expect(m.parameterNames).toEqual(['N']);
    expect(m.columns.map((c) => c.label)).toEqual(sizes);
    expect(m.rows.map((r) => [r.label, r.entries.map((e) => e?.cell.verdict)])).toEqual([
      ['backtracking', ['not-reproduced', 'not-reproduced', 'reproduced']],
      ['linear', ['not-reproduced', 'not-reproduced', 'not-reproduced']],
    ]);
  });
});

describe('rates and counts', () => {
  it('writes a rate only for repeated cells', () => {
    expect(rateText(cell('reproduced'))).toBeUndefined();
    expect(rateText(cell('reproduced', { tally: tally(10, 9) }))).toBe('9/10');
    expect(verdictText(cell('not-reproduced', { tally: tally(5, 0) }))).toBe('✓ not reproduced 0/5');
    expect(verdictText(cell('skipped'))).toBe('– skipped');
  });
  it('counts verdicts in words', () => {
    expect(countsText({ skipped: 5, reproduced: 1, 'not-reproduced': 1 })).toBe(
      '1 reproduced, 1 not reproduced, 5 skipped',
    );
  });
});

describe('transcriptView', () => {
  it("puts the reproduced cell's wrong value first and marks it in the output", () => {
    const stdout = "imported redis 4.5.1\ncancelled the GET\nbar: b'foo'\nLEAK: GET owner:bob returned b'alice-data'\n";
    const view = transcriptView(cell('reproduced', { stdout }), manifest);
    expect(view.deciding).toBe("LEAK: GET owner:bob returned b'alice-data'");
    expect(view.lines.filter((l) => l.deciding).map((l) => l.text)).toEqual([view.deciding]);
    expect(view.lines).toHaveLength(4);
  });
  it("takes the line of the cell's own verdict, and none for an error", () => {
    const stdout = 'NO-LEAK: first try\nLEAK: second try\n';
    expect(transcriptView(cell('not-reproduced', { stdout }), manifest).deciding).toBe('NO-LEAK: first try');
    expect(transcriptView(cell('reproduced', { stdout }), manifest).deciding).toBe('LEAK: second try');
    expect(transcriptView(cell('error', { stdout }), manifest).deciding).toBeUndefined();
    expect(transcriptView(cell('error', { stdout: '' }), manifest).lines).toEqual([]);
  });
});

describe('provenance', () => {
  it('says package, version, kind of file and a short hash; the whole of it for a title', () => {
    const p = provenanceText({
      name: 'redis',
      version: '4.5.1',
      source: 'redis-4.5.1-py3-none-any.whl',
      sha256: '0891abcdef'.padEnd(64, '0'),
    });
    expect(p.short).toBe('redis 4.5.1 · wheel sha256 0891abcd…');
    expect(p.full).toBe(`redis 4.5.1 from redis-4.5.1-py3-none-any.whl, sha256 ${'0891abcdef'.padEnd(64, '0')}`);
    expect(
      provenanceText({ name: 'x', version: '1', source: 'https://files.example/x-1.tar.gz', sha256: null }).short,
    ).toBe('x 1 · sdist no hash reported');
  });
  it('lists the package under test first, and each version once', () => {
    const withPkgs = (version: string) => ({
      ...env,
      packages: [pkg('async-timeout', '4.0.3'), pkg('redis', version, 'b'.repeat(64))],
    });
    const pinned = { package: { name: 'redis', versions: ['4.5.1'] } };
    expect(
      cellProvenance(cell('reproduced', { environment: withPkgs('4.5.1') }), pinned).map((p) => [
        p.short.split(' ·')[0],
        p.underTest,
      ]),
    ).toEqual([
      ['redis 4.5.1', true],
      ['async-timeout 4.0.3', false],
    ]);
    const r = results([
      cell('reproduced', { version: '4.5.1', environment: withPkgs('4.5.1') }),
      cell('reproduced', { version: '4.5.1', parameters: { S: '1' }, environment: withPkgs('4.5.1') }),
      cell('skipped', { version: '4.5.5' }),
    ]);
    expect(versionProvenance(r, pinned).map((v) => [v.version, v.packages.length])).toEqual([['4.5.1', 2]]);
  });
});

describe('inlineVerdict', () => {
  it('says the verdict and rate of a current recording', () => {
    const shown = inlineVerdict(
      cell('reproduced', { version: '4.5.1', tally: tally(10, 9) }),
      false,
      '2026-11-22T06:50:00Z',
    );
    expect(shown).toMatchObject({ state: 'verdict', text: '✗ reproduced 9/10', className: 'verdict-reproduced' });
    expect(shown.title).toBe('4.5.1: reproduced; reproduced in 9 of 10 runs; recorded 2026-11-22');
  });
  it('never shows a stale recording, a skipped cell or an error as a verdict', () => {
    expect(inlineVerdict(cell('reproduced'), true, 'x')).toMatchObject({ state: 'stale', text: '⚠ stale recording' });
    expect(inlineVerdict(cell('skipped', { reason: skipReason('4.5.1') }), false, 'x')).toMatchObject({
      state: 'not-run',
      text: '– not run',
      title: 'installed was skipped: pip could not install redis==4.5.1: not on any index that answered',
    });
    expect(inlineVerdict(cell('error', { reason: 'timed out after 30 s' }), false, 'x')).toMatchObject({
      state: 'error',
      text: '! error, no verdict',
    });
  });
});

describe('<Verdict> citations', () => {
  const repros: CitableRepro[] = [
    {
      id: 'sweep',
      dir: 'content/incidents/i/repros/sweep',
      manifest: {
        runtime: 'python',
        package: { name: 'redis', versions: ['4.3.4', '4.4.0', '4.5.1', '4.5.5'] },
        parameters: { SLEEP: [0.001, 0.000001] },
      },
      results: sweep,
      stale: false,
    },
    {
      id: 'proxy',
      dir: 'content/incidents/i/repros/proxy',
      manifest: { runtime: 'python', package: { name: 'redis', versions: ['4.5.1', '4.4.4'] }, parameters: {} },
      results: results([cell('reproduced', { version: '4.5.1' })]),
      stale: false,
    },
    {
      id: 'unrun',
      dir: 'content/incidents/i/repros/unrun',
      manifest: { runtime: 'python', parameters: {} },
      stale: false,
    },
  ];
  const resolve = (c: Parameters<typeof resolveVerdict>[0]) => resolveVerdict(c, repros, 'i');
  const message = (c: Parameters<typeof resolveVerdict>[0]) => {
    const r = resolve(c);
    return r.ok ? 'ok' : r.message;
  };

  it('finds every <Verdict> with its line, across lines, but not in code', () => {
    const body = [
      'Text <Verdict repro="proxy" version="4.5.1" /> and',
      '<Verdict',
      '  repro="sweep" version={"4.5.1"}',
      "  params='SLEEP=0.001' />",
      '`<Verdict repro="x" />`',
      '```mdx',
      '<Verdict repro="y" />',
      '```',
      '<Verdict repro={id} />',
    ].join('\n');
    expect(
      verdictMentions(body, 10).map(({ line, repro, version, params, dynamic }) => ({
        line,
        repro,
        version,
        params,
        dynamic,
      })),
    ).toEqual([
      { line: 10, repro: 'proxy', version: '4.5.1', params: undefined, dynamic: [] },
      { line: 11, repro: 'sweep', version: '4.5.1', params: 'SLEEP=0.001', dynamic: [] },
      { line: 18, repro: undefined, version: undefined, params: undefined, dynamic: ['repro'] },
    ]);
    expect(verdictMentions(body, 10)[1]!.tag).toBe(`<Verdict repro="sweep" version={"4.5.1"} params='SLEEP=0.001' />`);
  });
  it('reads params as NAME=value pairs', () => {
    expect(parseParams('SLEEP=0.000001 N=10')).toEqual({ SLEEP: '0.000001', N: '10' });
    expect(parseParams('SLEEP=1,N=2')).toEqual({ SLEEP: '1', N: '2' });
    expect(parseParams('0.001')).toMatch(/not a list of NAME=value pairs/);
  });
  it('resolves a citation to its recorded cell', () => {
    const r = resolve({ repro: 'sweep', version: '4.5.1', params: 'SLEEP=0.001' });
    expect(r.ok && [r.cell.version, r.cell.parameters, r.cell.verdict]).toEqual([
      '4.5.1',
      { SLEEP: '0.001' },
      'reproduced',
    ]);
    expect(resolve({ repro: 'proxy', version: '4.5.1' }).ok).toBe(true);
    // A skipped cell is a recorded cell: the component says "not run" rather than failing the build.
    expect(resolve({ repro: 'sweep', version: '4.5.5', params: 'SLEEP=0.001' }).ok).toBe(true);
  });
  it('says what is missing and what to do', () => {
    expect(message({ repro: 'nope', version: '4.5.1' })).toBe(
      'there is no repro "nope" to cite (this incident\'s repros: sweep, proxy, unrun). Fix the id, or add the repro under repros/nope/',
    );
    expect(message({ repro: 'unrun' })).toBe(
      'the repro "unrun" has no recorded results (content/incidents/i/repros/unrun/results.json), so there is no verdict to cite. Run npx aftermath repro i unrun and commit its results.json',
    );
    expect(message({ repro: 'proxy', version: '4.4.4' })).toBe(
      'the repro "proxy" has no recorded cell for version 4.4.4 (recorded: 4.5.1). Record it with npx aftermath repro i proxy --version 4.4.4 and commit results.json, or cite a recorded version',
    );
    expect(message({ repro: 'proxy', version: '9.9.9' })).toMatch(
      /9\.9\.9 is not in content\/incidents\/i\/repros\/proxy\/repro\.yaml \(package\.versions: 4\.5\.1, 4\.4\.4\); add it there/,
    );
    expect(message({ repro: 'sweep', version: '4.5.1', params: 'SLEEP=0.5' })).toBe(
      'the repro "sweep" has no recorded cell for 4.5.1 with SLEEP=0.5 (recorded for 4.5.1: SLEEP=0.001, SLEEP=0.000001). Fix params="…", or add the value to content/incidents/i/repros/sweep/repro.yaml and record it with npx aftermath repro i sweep --version 4.5.1',
    );
    expect(message({ repro: 'sweep', version: '4.5.1' })).toBe(
      'the repro "sweep" recorded 2 cells for 4.5.1; say which with params="…" (one of: SLEEP=0.001, SLEEP=0.000001)',
    );
    expect(message({ repro: 'sweep' })).toBe(
      'say which version of "sweep" this cites with version="…" (recorded: 4.3.4, 4.4.0, 4.5.1, 4.5.5)',
    );
    expect(message({})).toMatch(/^<Verdict> needs repro="…"/);
  });
  it('reports every citation without a recorded cell, located', () => {
    const body =
      'Fine: <Verdict repro="proxy" version="4.5.1" />.\n\nMissing: <Verdict repro="proxy" version="4.4.4" />.\n<Verdict repro={x} />';
    const story = parseStory(body, 12);
    if (!('components' in story)) throw new Error('the body does not parse');
    const verdicts = story.components.filter((c) => c.name === 'Verdict');
    expect(verdictFindings(verdicts, repros, 'i')).toEqual([
      {
        line: 14,
        field: '<Verdict repro="proxy" version="4.4.4" />',
        message: expect.stringContaining('no recorded cell for version 4.4.4'),
      },
      {
        line: 15,
        field: '<Verdict repro={x} />',
        message: 'write repro="…" as a literal string, so the build can check that the cited cell was recorded',
      },
    ]);
  });
});
