/**
 * The layout's promises, checked on the import graph: no import cycle, and data flows one way
 * (content → archive → domain → view → components → HTML); importers, exports, the repro runner
 * and the benchmark import from that flow, never the other way round.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../support/site.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(join(projectRoot, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|astro)$/.test(e.name))
    .map((e) => relative(projectRoot, join(e.parentPath, e.name)));
}

/** file → the project files it imports (relative specifiers only; packages are not rooms). */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(projectRoot, file), 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) =>
      relative(projectRoot, resolve(projectRoot, dirname(file), m[1]!)),
    );
    graph.set(file, targets);
  }
  return graph;
}

const files = [...sourceFiles('src'), ...sourceFiles('scripts'), ...sourceFiles('bench')];
const graph = importGraph(files);
// src/<room>/…; this repository's own tools (scripts/, bench/) are rooms named with a slash.
const room = (file: string) => (file.startsWith('src/') ? file.split('/')[1]! : `/${file.split('/')[0]!}`);

describe('architecture', () => {
  it('has no import cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  // What each room may not import from (beside its own room and the packages). The flow's rooms
  // may not import what comes later in it, nor anything beside it; the rooms beside the flow
  // may not import each other, except where listed.
  const beside = [
    'integration',
    'exports',
    'importers',
    'repro',
    'cli',
    'components',
    'layouts',
    'routes',
    '/bench',
    '/scripts',
  ];
  const besideBut = (own: string) => beside.filter((r) => r !== own);
  const forbidden: Record<string, string[]> = {
    schemas: ['archive', 'render', 'view', ...beside],
    domain: ['archive', 'render', 'view', 'i18n', ...beside],
    // Aftermath's own words and how dates and durations are said: from the domain's facts only.
    i18n: ['archive', 'render', 'view', ...beside],
    archive: ['render', 'view', ...beside],
    render: ['view', ...beside],
    view: beside,
    exports: besideBut('exports'),
    importers: besideBut('importers'),
    repro: ['render', 'view', ...besideBut('repro')],
    integration: besideBut('integration'),
    components: ['integration', 'importers', 'repro', 'cli', 'routes', '/bench', '/scripts'],
    routes: ['integration', 'importers', 'repro', 'cli', '/bench', '/scripts'],
    // The command runs the archive, the importers and the runner; never the site's pages.
    cli: ['components', 'layouts', 'routes', '/bench', '/scripts'],
  };
  // The one crossing: the archive keeps its readings in the same disk cache as the renderers.
  // And one more: `astro dev`'s live runs (issue 14) run the runner inside the dev server; the
  // HTTP side (src/integration/live-runs.ts) loads the repro side, src/repro/live/session.ts,
  // with a dynamic import when a run starts (and a type import), never in a build.
  const allowed = new Set([
    'src/archive/archive-cache.ts → src/render/disk-cache.ts',
    'src/integration/live-runs.ts → src/repro/live/session.ts',
  ]);
  // Schemas validate with the domain's rules (time, links), so the domain takes nothing but types
  // from the schemas: one direction between the two, the way the flow runs.
  it('lets the domain take only types from the schemas', () => {
    const wrong: string[] = [];
    for (const file of files.filter((f) => room(f) === 'domain')) {
      const text = readFileSync(join(projectRoot, file), 'utf8');
      for (const m of text.matchAll(/^(import|export)(\s+type)?\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) {
        const target = relative(projectRoot, resolve(projectRoot, dirname(file), m[3]!));
        if (room(target) === 'schemas' && !m[2]) wrong.push(`${file} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('imports only along the flow', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const from = room(file);
      for (const target of targets)
        if (forbidden[from]?.includes(room(target)) && !allowed.has(`${file} → ${target}`))
          wrong.push(`${file} → ${target}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('room sizes', () => {
  // A function longer than this does several jobs: give each a name of its own.
  const MAX_LINES = 120;

  it(`has no function in src/ over ${MAX_LINES} lines`, () => {
    const long: string[] = [];
    for (const file of sourceFiles('src').filter((f) => f.endsWith('.ts'))) {
      const source = ts.createSourceFile(
        file,
        readFileSync(join(projectRoot, file), 'utf8'),
        ts.ScriptTarget.Latest,
        true,
      );
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
          const last = source.getLineAndCharacterOfPosition(node.end).line;
          const name = 'name' in node && node.name ? node.name.getText(source) : '(anonymous)';
          if (last - first + 1 > MAX_LINES) long.push(`${file}:${first + 1} ${name} (${last - first + 1} lines)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(long).toEqual([]);
  });
});
