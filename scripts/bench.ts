/**
 * `npm run bench` (issue #7): how long Aftermath takes to build archives of 10, 100 and 1000
 * synthetic incidents, cold, warm and after one diagram changed, against plain Astro building
 * the same MDX; and what the flagship incident page weighs.
 *
 *   npm run bench -- [--sizes 10,100,1000] [--repeat 1] [--peer] [--keep] [--out bench-results] [--seed 7] [--no-flagship]
 *
 * `--peer` adds a third site, the same incidents as a Starlight site with rehype-mermaid (its
 * packages installed from npm into the run's folder, bench/peer.ts), built in the same run.
 *
 * Writes <out>/bench-<time>.{json,md} and <out>/latest.{json,md}, and prints the tables.
 * `--report a.json[,b.json]` prints the tables of earlier runs again (merged), without building.
 */
import { formatElapsed } from '../src/domain/text.ts';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  STATES,
  combineRepeats,
  markdownReport,
  mergeResults,
  parseAstroRoutes,
  parseCacheCounts,
  parseDiagramCounts,
  parseSizes,
  ratiosFor,
  type BenchResults,
  type BuildMeasurement,
  type BuildState,
  type PageWeight,
  type SizeResult,
} from '../bench/report.ts';
import { measurePageWeight } from '../bench/weight.ts';
import { installPeer, writePeerSite } from '../bench/peer.ts';
import { parseBuildReport } from '../src/integration/build-report.ts';
import { dirBytes, hasTimeV, htmlPages, runMeasured } from '../bench/measure.ts';
import {
  astroBin,
  clearCaches,
  gitHead,
  projectRoot,
  removeSites,
  sourceFingerprint,
  touch,
  writeSites,
} from '../bench/sites.ts';

const USAGE =
  'usage: npm run bench -- [--sizes 10,100,1000] [--repeat 1] [--peer] [--keep] [--out bench-results] [--seed 7] [--no-flagship] | --report a.json[,b.json]';
const FLAGSHIP = '2023-03-20-chatgpt-redis-py';

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      sizes: { type: 'string', default: '10,100,1000' },
      keep: { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench-results' },
      seed: { type: 'string', default: '7' },
      repeat: { type: 'string', default: '1' },
      'no-flagship': { type: 'boolean', default: false },
      peer: { type: 'boolean', default: false },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
}
let sizes: number[];
let seed: number;
let repeat: number;
try {
  args = parse();
  sizes = parseSizes(args.sizes);
  seed = Number(args.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed: "${args.seed}" is not a whole number`);
  repeat = Number(args.repeat);
  if (!Number.isInteger(repeat) || repeat < 1)
    throw new Error(`--repeat: "${args.repeat}" is not a positive whole number`);
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (args.report) {
  const runs = args.report
    .split(',')
    .map((file) => JSON.parse(readFileSync(resolve(file.trim()), 'utf8')) as BenchResults);
  console.log(markdownReport(mergeResults(runs)));
  process.exit(0);
}

const outDir = resolve(projectRoot, args.out);
// Inside this checkout (gitignored), where the sites' `import aftermath from 'aftermath'` finds it.
const work = join(projectRoot, 'tests/fixtures/sites', `.tmp-bench-${Date.now()}-${process.pid}`);
mkdirSync(work, { recursive: true });

const cleanup = () => {
  if (!args.keep) rmSync(work, { recursive: true, force: true });
};
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    cleanup();
    process.exit(code);
  });
}

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ASTRO_TELEMETRY_DISABLED: '1',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    ...extra,
  };
  // The sites set their own address; a deployment's settings must not change what is measured.
  delete env.SITE_URL;
  delete env.BASE_PATH;
  return env;
}

function log(message: string) {
  process.stderr.write(`[bench] ${message}\n`);
}

type Run = Omit<BuildMeasurement, 'samples' | 'msPerPage'>;

let buildNumber = 0;
const startFingerprint = sourceFingerprint();
let lastFingerprint = startFingerprint;
const changedBefore: string[] = [];

async function build(root: string, outDir: string, env: NodeJS.ProcessEnv, label: string): Promise<Run> {
  log(`${label} …`);
  const fingerprint = sourceFingerprint();
  if (fingerprint !== lastFingerprint) {
    log(`warning: the project's sources changed before ${label}; it measures other code than the builds before it`);
    changedBefore.push(label);
    lastFingerprint = fingerprint;
  }
  const run = await runMeasured(process.execPath, [astroBin, 'build', '--root', root, '--outDir', outDir], {
    cwd: projectRoot,
    env,
    timeFile: join(work, `time-${++buildNumber}.txt`),
  });
  const pages = htmlPages(outDir);
  if (run.code !== 0 || run.signal !== null || pages === 0) {
    const output = `${run.stdout}\n${run.stderr}`;
    const why =
      run.signal !== null
        ? `was killed by signal ${run.signal}`
        : run.code !== 0
          ? `exited with ${run.code}`
          : 'wrote no HTML page';
    throw new Error(`${label}: astro build ${why}\n${output.split('\n').slice(-40).join('\n')}`);
  }
  const d = parseDiagramCounts(run.stdout);
  const report = parseBuildReport(run.stdout);
  log(
    `${label}: ${formatElapsed(run.wallMs)}, ${pages} pages${d ? `, diagrams ${d.hits} cached / ${d.misses} rendered` : ''}`,
  );
  return {
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    cpuSource: run.cpuSource,
    machineCpuMs: run.machineCpuMs,
    ...(Object.keys(report.timings).length ? { phases: report.timings, cacheCounts: report.caches } : {}),
    pages,
    peakTreeRssBytes: run.peakTreeRssBytes,
    largestProcessRssBytes: run.largestProcessRssBytes,
    distBytes: dirBytes(outDir),
    diagrams: d,
    caches: parseCacheCounts(run.stdout),
    routes: parseAstroRoutes(run.stdout),
  };
}

type Site = 'aftermath' | 'baseline' | 'peer';

/** The folder the peer's packages are installed in, once per run (`--peer`). */
let peerDir: string | undefined;

async function benchSize(count: number): Promise<SizeResult & { touched: string }> {
  const t0 = performance.now();
  const sites = writeSites(work, count, seed);
  const generateMs = Math.round(performance.now() - t0);
  log(`${count} incidents generated in ${formatElapsed(generateMs)}`);
  if (args.peer && !peerDir) {
    peerDir = join(work, 'peer');
    log('installing the peer (Starlight, rehype-mermaid) from npm …');
    installPeer(peerDir);
  }
  const peerSite = peerDir && writePeerSite(peerDir, join(sites.aftermath, 'content/incidents'), count);
  // A "next day" build reads a clock one day ahead (bench/next-day.mjs); the others read the real one.
  const nextDay = {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${join(projectRoot, 'bench/next-day.mjs')}`,
  };
  const roots: Record<Site, string | undefined> = {
    aftermath: sites.aftermath,
    baseline: sites.baseline,
    peer: peerSite,
  };
  const env = (site: Site, state: BuildState) =>
    childEnv({
      ...(site === 'aftermath' ? { AFTERMATH_DIAGRAM_CACHE: sites.diagramCache } : {}),
      ...(state === 'next day' ? nextDay : {}),
    });
  const runs = Object.fromEntries(
    (['aftermath', 'baseline', 'peer'] as const).map((site) => [site, Object.fromEntries(STATES.map((s) => [s, []]))]),
  ) as unknown as Record<Site, Record<BuildState, Run[]>>;
  for (let r = 1; r <= repeat; r++) {
    const of = repeat > 1 ? ` (${r}/${repeat})` : '';
    for (const state of STATES) {
      if (state === 'cold') {
        clearCaches(work, sites.aftermath, sites.cacheRoot);
        clearCaches(work, sites.baseline);
        if (peerSite) clearCaches(work, peerSite);
      }
      if (state === 'touch') {
        touch(sites.touched.file, r);
        if (peerSite) touch(join(peerSite, 'src/content/docs', `${sites.touched.slug}.mdx`), r);
      }
      for (const site of ['aftermath', 'baseline', 'peer'] as const) {
        const root = roots[site];
        if (!root) continue;
        runs[site][state].push(
          await build(root, join(root, 'dist'), env(site, state), `${count} incidents, ${site}, ${state}${of}`),
        );
      }
    }
  }
  if (!args.keep) removeSites(work, sites);
  const combine = (site: Site) =>
    Object.fromEntries(STATES.map((s) => [s, combineRepeats(runs[site][s])])) as Record<BuildState, BuildMeasurement>;
  const aftermath = combine('aftermath');
  const baseline = combine('baseline');
  const peer = peerSite ? combine('peer') : undefined;
  const ratiosTo = (other: Record<BuildState, BuildMeasurement>) =>
    Object.fromEntries(STATES.map((s) => [s, ratiosFor(aftermath[s], other[s])])) as SizeResult['ratios'];
  return {
    incidents: count,
    generateMs,
    touched: sites.touched.slug,
    aftermath,
    baseline,
    ratios: ratiosTo(baseline),
    ...(peer ? { peer, peerRatios: ratiosTo(peer) } : {}),
  };
}

/** A normal build of the project itself (its own config and content) into a scratch folder. */
async function flagshipWeight(): Promise<PageWeight> {
  const slug = existsSync(join(projectRoot, 'content/incidents', FLAGSHIP)) ? FLAGSHIP : undefined;
  if (!slug) throw new Error(`content/incidents/${FLAGSHIP} not found`);
  const dist = join(work, 'flagship-dist');
  // Empty caches, so the phases say what a first build of the project costs (charts included):
  // Aftermath's in the work folder, and Astro's record of the pages it rendered last (else it
  // copies them from the last build instead of rendering them; the next build renders them again).
  const caches = join(work, 'flagship-cache');
  rmSync(caches, { recursive: true, force: true });
  rmSync(join(projectRoot, 'node_modules/.astro/incremental-build.json'), { force: true });
  const run = await build(
    projectRoot,
    dist,
    { ...childEnv(), AFTERMATH_DIAGRAM_CACHE: join(caches, 'diagrams') },
    'project build (flagship page weight)',
  );
  const read = (sitePath: string) => {
    const file = join(dist, sitePath);
    return file.startsWith(dist) && existsSync(file) ? readFileSync(file) : undefined;
  };
  // Without SITE_URL the project's config uses this address for absolute links.
  return {
    ...measurePageWeight(`/incidents/${slug}/`, read, 'http://localhost:4321'),
    projectBuild: { wallMs: run.wallMs, phases: run.phases, cacheCounts: run.cacheCounts },
  };
}

const startedAt = new Date().toISOString();
const results: BenchResults & { sizes: (SizeResult & { touched: string })[] } = {
  version: 1,
  startedAt,
  finishedAt: '',
  seed,
  machine: {
    cpus: cpus().length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    timeV: hasTimeV,
    loadAverageAtStart: loadavg(),
    loadAverageAtEnd: [],
  },
  repeat,
  workDir: relative(projectRoot, work),
  kept: args.keep,
  source: { head: gitHead(), fingerprintAtStart: startFingerprint, fingerprintAtEnd: '', changedBefore },
  sizes: [],
  flagship: null,
  notes: [
    'Builds run one after another. Wall time depends on what else the machine runs (see the load average); CPU time moves much less. With --repeat N each cell is the median of N builds; all samples are in the JSON.',
    'cold: no dist/, no .astro/ or Vite cache, empty diagram cache. warm: a second build with nothing changed. touch: after one Mermaid diagram of one incident was edited. next day: another build with nothing changed whose clock reads one day later (bench/next-day.mjs), as a daily deploy would run it.',
    "CPU is counted in a control group made for each build where the machine allows it (bench/cgroup.ts), so Chromium's processes, re-parented and reaped outside the build, are counted too; where it does not, /usr/bin/time counts only the children the build waited for, and undercounts. Peak RSS sums the same processes.",
    'With --peer: the same incidents as a Starlight 0.42.9 site with rehype-mermaid 3.0.0 drawing the Mermaid fences as inline SVG, with the Astro, Mermaid and Playwright versions Aftermath uses (bench/peer.ts). It has no diagram cache, so warm builds draw every diagram again.',
    'pages counts every HTML file in dist/ (incident pages plus index, tag, component, filter and search pages for Aftermath; one page per incident for the baseline); ms/page is wall time divided by it.',
    'peak RSS (tree) is the highest sum of resident memory over the build process and all its descendants (Chromium for diagrams), sampled every 250 ms from /proc (and never below the exact peak of the largest single process from /usr/bin/time); pages shared between processes (as Chromium does) count once per process, so it overstates real use somewhat. largestProcessRssBytes in the JSON is the biggest single process (usually the Node process of Astro).',
    'The baseline is plain Astro with @astrojs/mdx over the same MDX files: default Markdown and Shiki, Mermaid fences left as code blocks (no diagrams, no timeline, fix history, feeds, exports, search or checks), and a stand-in for <Ref>.',
    'Generated incidents have a repro folder with repro.yaml and a snippet but no results.json, so their pages say "not yet run" and draw no wire-trace diagram (the flagship incident has both).',
    'Each incident has three diagrams: the two Mermaid fences of its MDX and the fix graph drawn from history.yaml. Aftermath\'s other caches (incident folders read and validated, compiled MDX, highlighted code blocks, social cards, the search index) are cleared for cold builds too; their hit and miss counts are under "caches" in the JSON. A warm build therefore reuses the search index (no page changed), while a touch build runs Pagefind again.',
  ],
};

let failed = false;
try {
  for (const count of sizes) results.sizes.push(await benchSize(count));
  if (!args['no-flagship']) results.flagship = await flagshipWeight();
} catch (error) {
  failed = true;
  console.error(`[bench] ${(error as Error).message}`);
} finally {
  cleanup();
}
results.finishedAt = new Date().toISOString();
results.machine.loadAverageAtEnd = loadavg();
results.source.fingerprintAtEnd = sourceFingerprint();
if (results.source.fingerprintAtEnd !== lastFingerprint) changedBefore.push('the end of the run');
if (failed) process.exit(1);

mkdirSync(outDir, { recursive: true });
const stamp = startedAt.replace(/[:.]/g, '-');
const json = `${JSON.stringify(results, null, 2)}\n`;
const md = markdownReport(results);
for (const name of [`bench-${stamp}`, 'latest']) {
  writeFileSync(join(outDir, `${name}.json`), json);
  writeFileSync(join(outDir, `${name}.md`), md);
}
console.log(md);
console.log(`Results: ${join(outDir, `bench-${stamp}.json`)} (and .md; latest.json is the same)`);
if (args.keep) console.log(`Generated sites kept in ${work}`);
