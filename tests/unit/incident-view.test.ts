/**
 * The incident view: one list of an incident's diagrams, the one the build prerenders, `npm run
 * check` renders and the page draws; and the lookups the prose's components read.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import type { IncidentRecord } from '../../src/domain/incident-record.ts';
import type { CellResult, ReproResults } from '../../src/schemas/repro-results.ts';
import { reproSchema } from '../../src/schemas/repro.ts';
import { loadSiteOptions } from '../../src/integration/site-options.ts';
import { projectRoot } from '../support/site.ts';

// The fixture site registers a component of its own; its incidents are read with its options.
const basicSiteOptions = await loadSiteOptions(join(projectRoot, 'tests/fixtures/sites/basic'));

const rendered: { source: string; prefix: string }[] = [];
vi.mock('../../src/render/diagrams.ts', () => ({
  renderDiagram: vi.fn(async (source: string, prefix: string) => {
    rendered.push({ source, prefix });
    if (source.includes('BROKEN')) throw new Error('Parse error on line 1');
    return `<svg id="${prefix}"></svg>`;
  }),
}));
vi.mock('../../src/render/code-highlight.ts', () => ({
  highlightCode: vi.fn(async (code: string) => `<pre>${code}</pre>`),
}));

const {
  checkDiagrams,
  incidentDiagrams,
  incidentPageView,
  incidentView,
  pageView,
  providePageView,
  reproDetailsViews,
} = await import('../../src/view/incident-view.ts');

const env = {
  runtime: 'python' as const,
  interpreter: '/usr/bin/python3',
  interpreterVersion: '3.11.2',
  packageVersionImported: '4.5.1',
  redisServerVersion: '7.0.15',
  os: 'Linux 6.1 x64',
  node: 'v22.23.3',
};
const trace = { messages: [{ conn: 1, dir: 'c2s' as const, t: 1, text: 'GET a' }], omitted: 0 };
function cell(verdict: CellResult['verdict'], extra: Partial<CellResult> = {}): CellResult {
  return {
    version: '4.5.1',
    parameters: {},
    verdict,
    expectation: 'none',
    exitCode: 0,
    durationMs: 900,
    stdout: 'LEAK: x\n',
    stderr: '',
    trace,
    environment: env,
    ranAt: '2026-11-22T06:50:00Z',
    ...extra,
  };
}
const results = (cells: CellResult[]): ReproResults => ({
  repro: { incident: 'i', id: 'race', title: 'T', dir: 'd' },
  sourcesHash: 'sha256:x',
  recordedAt: '2026-11-22T06:50:00Z',
  cells,
});

/** The basic fixture's incident (one ```mermaid fence, a fix graph) with two repros, one recorded with a trace. */
function incident(): IncidentRecord {
  const site = join(projectRoot, 'tests/fixtures/sites/basic');
  const { incidents, problems } = readArchive(site, basicSiteOptions);
  expect(problems).toEqual([]);
  const base = incidents.find((i) => i.slug === '2024-06-02-queue-backlog')!;
  const manifest = reproSchema.parse({
    title: 'Race',
    runtime: 'python',
    entry: 'r.py',
    expect: { reproduced: '^LEAK', not_reproduced: '^NO-LEAK' },
  });
  return {
    ...base,
    repros: [
      {
        id: 'race',
        dir: `${base.dir}/repros/race`,
        manifest,
        source: 'print("LEAK: x")',
        results: results([
          cell('reproduced'),
          cell('skipped', { version: '4.3.4', trace: { messages: [], omitted: 0 } }),
        ]),
        stale: false,
        regressions: [],
      },
      {
        id: 'quiet',
        dir: `${base.dir}/repros/quiet`,
        manifest: { ...manifest, title: 'Quiet' },
        source: 'pass',
        stale: false,
        regressions: [],
      },
    ],
    embeddedRepros: ['race'],
    facts: [
      {
        key: 'lag',
        label: 'Queue lag',
        value: '40 min',
        source: 'https://status.example.com/x',
        confidence: 'secondary',
        matches: [],
      } as IncidentRecord['facts'][number],
    ],
  };
}

beforeEach(() => {
  rendered.length = 0;
});

describe('incidentDiagrams', () => {
  it('lists every diagram of the page once, with a stable id and the file it comes from', () => {
    const record = incident();
    expect(incidentDiagrams(record).map(({ prefix, file, line }) => ({ prefix, file, line }))).toEqual([
      { prefix: 'mermaid-0', file: `${record.dir}/index.mdx`, line: 30 },
      { prefix: 'fix-graph', file: `${record.dir}/history.yaml`, line: undefined },
      { prefix: 'trace-race', file: `${record.dir}/repros/race/results.json`, line: undefined },
    ]);
    expect(incidentDiagrams(record)).toEqual(incidentDiagrams(record));
  });

  it('is the list the view points into: the fix graph and each trace are entries of it, not copies by id', () => {
    const view = incidentView(incident());
    expect(view.diagrams).toContain(view.fixHistory.graph);
    expect(view.diagrams).toContain(view.repros[0]!.trace);
    expect(view.repros[1]!.trace).toBeUndefined();
  });
});

describe('incidentPageView', () => {
  it('draws exactly the diagrams of the list that are not MDX fences (those are the rehype plugin’s), once each', async () => {
    const record = incident();
    const page = await incidentPageView(record);
    const own = incidentDiagrams(record).filter((d) => !d.prefix.startsWith('mermaid-'));
    expect(rendered).toEqual(own.map(({ source, prefix }) => ({ source, prefix })));
    // Each drawn SVG is followed by the link that opens it at full size.
    expect(page.fixHistory.graph?.svg).toMatch(
      /^<svg id="fix-graph"><\/svg><a class="diagram-open" href="\/diagrams\/[0-9a-f]{20}\.svg">/,
    );
    expect(page.repro('race').trace?.svg).toMatch(/^<svg id="trace-race"><\/svg><a class="diagram-open" /);
    const [details] = (await reproDetailsViews(incident())).filter((r) => r.id === 'race');
    expect(details!.snippetHtml).toBe('<pre>print("LEAK: x")</pre>');
  });

  it('computes the rows and boxes the components print', async () => {
    const page = await incidentPageView(incident());
    expect(page.fixHistory.rows.map((r) => [r.id, r.label])).toContainEqual(['h-12', 'PR #12']);
    expect(page.timeline.length).toBeGreaterThan(0);
    const race = page.repro('race');
    expect(race.embedded).toBe(true);
    expect(race.command).toBe('REPRO_PYTHON=/usr/bin/python3 npx aftermath repro 2024-06-02-queue-backlog race');
    expect(race.ran.map((r) => [r.slug, r.page, r.exit, r.seconds, r.ranAt])).toEqual([
      ['4.5.1', 'repros/race/4.5.1/', '0', '0.9', '2026-11-22 06:50 UTC'],
    ]);
    expect(race.skipped).toBe(1);
    expect(page.repro('quiet').summary.state).toBe('not-run');
  });

  it('answers <Fact>, <Ref>, <Repro> and <Verdict> from the same computation', async () => {
    const page = await incidentPageView(incident());
    expect(page.fact('lag')).toMatchObject({ n: 1, fact: { value: '40 min' } });
    expect(() => page.fact('nope')).toThrow(
      'content/incidents/2024-06-02-queue-backlog/index.mdx: <Fact k="nope" />: there is no fact "nope" in facts.yaml',
    );
    expect(() => page.ref('#404')).toThrow('"#404" is not in history.yaml');
    expect(page.ref('#12')).toEqual({
      label: 'PR #12',
      url: 'https://github.com/example/consumer/pull/12',
      title: expect.stringContaining('Restore the acknowledgement'),
    });
    expect(page.ref('#10').label).toBe('issue #10');
    expect(() => page.repro('missing')).toThrow(
      '<Repro id="missing" />: no repro "missing" in content/incidents/2024-06-02-queue-backlog/repros',
    );
    expect(page.verdict({ repro: 'race', version: '4.5.1' })).toMatchObject({
      href: '#repro-race',
      shown: { state: 'verdict', className: 'verdict-reproduced' },
    });
    expect(() => page.verdict({ repro: 'quiet' })).toThrow(
      'content/incidents/2024-06-02-queue-backlog/index.mdx: <Verdict repro="quiet">: the repro "quiet" has no recorded results',
    );
  });

  it('reaches the MDX components through Astro.locals, and says so when used off an incident page', async () => {
    const locals = {};
    expect(() => pageView(locals, '<Fact>')).toThrow('<Fact> is used outside an incident page');
    const page = await incidentPageView(incident());
    providePageView(locals, page);
    expect(pageView(locals, '<Fact>')).toBe(page);
  });
});

describe('checkDiagrams', () => {
  it('renders the same list, and locates a diagram that fails in its file', async () => {
    const record = incident();
    const broken = { ...record, slug: 'b', diagrams: [{ value: 'graph TD\n  BROKEN', line: 7 }] };
    const result = await checkDiagrams([record, broken]);
    const expected = [...incidentDiagrams(record), ...incidentDiagrams(broken)];
    expect(rendered).toEqual(expected.map(({ source, prefix }) => ({ source, prefix })));
    expect(result.count).toBe(expected.length);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ file: `${record.dir}/index.mdx` });
    expect(result.problems[0]!.line).toBeGreaterThanOrEqual(7);
  });
});

describe('one list, one renderer', () => {
  const files = (dir: string) =>
    readdirSync(join(projectRoot, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && /\.(ts|astro)$/.test(e.name))
      .map((e) => relative(projectRoot, join(e.parentPath, e.name)));
  const text = (file: string) => readFileSync(join(projectRoot, file), 'utf8');
  const src = files('src');

  it('derives the page’s diagrams only in the view', () => {
    const callers = (call: string) => src.filter((f) => text(f).includes(call));
    expect(callers('fixGraphDiagram(').filter((f) => f !== 'src/domain/fix-graph.ts')).toEqual([
      'src/view/incident-view.ts',
    ]);
    expect(callers('reproTraceMermaid(').filter((f) => f !== 'src/view/repro-view.ts')).toEqual([
      'src/view/incident-view.ts',
    ]);
    expect(
      callers('renderDiagram(')
        .filter((f) => f !== 'src/render/diagrams.ts')
        .sort(),
    ).toEqual(['src/integration/rehype-diagrams.ts', 'src/view/incident-view.ts']);
  });

  it('hands that list to the build’s prerender and to aftermath check', () => {
    expect(text('src/integration/site-build.ts')).toMatch(
      /import \{ incidentDiagrams \} from '\.\.\/view\/incident-view\.ts'[\s\S]*prerenderDiagrams\(build\.published\(\)\.flatMap\(\(i\) => incidentDiagrams\(i, translators\)\)\)/,
    );
    expect(text('src/cli/check.ts')).toContain("import { checkDiagrams } from '../view/incident-view.ts'");
  });

  it('leaves the components as templates: no collection lookups, no rendering', () => {
    for (const file of files('src/components')) {
      expect(text(file), file).not.toMatch(/getEntry|getCollection|render\/diagrams|render\/code-highlight/);
    }
  });
});

describe('the header’s key moments', () => {
  const { incidents } = readArchive(projectRoot);
  const flagship = incidents.find((i) => i.slug === '2023-03-20-chatgpt-redis-py')!;

  it('cites the fact that states a known moment, with its number in the facts table', () => {
    const { header } = incidentView(flagship);
    const n = flagship.facts.findIndex((f) => f.key === 'trigger-time') + 1;
    expect(header.sourced.started).toMatchObject({ fact: { key: 'trigger-time' }, n });
    // Mitigation is unknown there: the bound speaks for it, not a citation of a time.
    expect(header.sourced.mitigated).toBeUndefined();
    expect(header.bounds.mitigated).toMatchObject({ fact: { key: 'offline-not-before' } });
  });

  it('cites nothing where no fact states the moment', () => {
    const bare = { ...flagship, facts: [] };
    expect(Object.values(incidentView(bare).header.sourced)).toEqual([undefined, undefined, undefined, undefined]);
  });
});
