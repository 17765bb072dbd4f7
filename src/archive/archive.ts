/**
 * Reads a folder of incidents and validates everything in it: frontmatter, timeline.yaml,
 * history.yaml, repro manifests, and the references between them. It never throws on bad
 * content; it returns every problem it found, so an author fixes them all in one pass.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { historyKey, similarKeys } from '../domain/history-keys.ts';
import { timelineProblems } from './timeline-checks.ts';
import {
  componentMentions,
  hasReadableBody,
  mermaidBlocks,
  refMentions,
  splitFrontmatter,
  type Located,
} from '../domain/mdx-source.ts';
import type { Instant } from '../domain/time.ts';
import { factFindings, factMentions, percentMentions } from '../domain/facts.ts';
import { verdictFindings } from './verdict-refs.ts';
import { mdxFindings } from './mdx-checks.ts';
import { factsSchema, type Fact } from '../schemas/facts.ts';
import { historySchema, type History } from '../schemas/history.ts';
import { incidentSchema, type IncidentFrontmatter } from '../schemas/incident.ts';
import { formatPath, parseYaml, problemsFromZod, type ContentProblem, type LocatedYaml } from '../schemas/problems.ts';
import { isStale, readRegressions, readResults, RecordingError, sourcesHash } from './repro-record.ts';
import { REGRESSIONS_FILE, type Regression } from '../schemas/repro-regressions.ts';
import { RESULTS_FILE, type ReproResults } from '../schemas/repro-results.ts';
import { reproSchema, type ReproManifest } from '../schemas/repro.ts';
import { timelineSchema, type TimelineEntry } from '../schemas/timeline.ts';
import { cachedReading, type ArchiveCacheStats } from './archive-cache.ts';
import { piiLint } from './pii-scan.ts';
import { actionsSchema, ACTIONS_FILE } from '../schemas/actions.ts';
import { followUpFindings, locateFollowUps, type LocatedFollowUp } from '../domain/follow-ups.ts';

export interface IncidentRepro {
  id: string;
  /** Folder relative to the project root. */
  dir: string;
  manifest: ReproManifest;
  /** The entry file's text, shown on the page. */
  source: string;
  /** What `npm run repro` last recorded, if it ever ran. */
  results?: ReproResults;
  /** The snippet or manifest changed after the recording: its verdicts no longer vouch for it. */
  stale: boolean;
  /** Verdicts a re-run found flipped since the recording (regressions.json), not yet recorded again. */
  regressions: Regression[];
}

export interface IncidentRecord {
  slug: string;
  /** Folder relative to the project root, e.g. `content/incidents/2023-03-20-x`. */
  dir: string;
  /** `index.mdx` relative to the project root. */
  file: string;
  frontmatter: IncidentFrontmatter;
  body: string;
  bodyLine: number;
  timeline: TimelineEntry[];
  history: History;
  repros: IncidentRepro[];
  /** Sourced facts cited from the prose with `<Fact k="…" />` (empty without facts.yaml). */
  facts: Fact[];
  /** Follow-ups from actions.yaml, with their lines (empty without the file). */
  followUps: LocatedFollowUp[];
  /** Repro ids the story embeds with `<Repro id="…" />`; the others are shown after it. */
  embeddedRepros: string[];
  diagrams: Located<string>[];
}

export interface Archive {
  incidents: IncidentRecord[];
  problems: ContentProblem[];
}

export const INCIDENTS_DIR = 'content/incidents';

/**
 * The integration reads and validates the archive once, before the build; the content loader
 * then takes that same read instead of parsing every file a second time (both run in one
 * process, from two copies of this module, hence globalThis). Taken once: a later sync in
 * `astro dev` reads the files afresh.
 */
const shared = globalThis as { __aftermathArchive?: { root: string; archive: Archive } };
export function shareArchive(root: string, archive: Archive): void {
  shared.__aftermathArchive = { root, archive };
}
export function takeSharedArchive(root: string): Archive | undefined {
  const entry = shared.__aftermathArchive;
  if (entry?.root !== root) return undefined;
  delete shared.__aftermathArchive;
  return entry.archive;
}

/** Incident folders taken from the archive cache, and read afresh, by this process. */
export const archiveCacheStats: ArchiveCacheStats = { hits: 0, misses: 0 };

export function readArchive(root: string, incidentsDir = INCIDENTS_DIR): Archive {
  const base = join(root, incidentsDir);
  const problems: ContentProblem[] = [];
  if (!existsSync(base)) {
    return {
      incidents: [],
      problems: [
        {
          file: incidentsDir,
          message: 'the incidents folder does not exist. Create one incident with: npm run new -- "Title"',
        },
      ],
    };
  }
  const read: ReadIncident[] = [];
  // PII lint (src/archive/pii-scan.ts): every file of every incident is scanned for email
  // addresses, card numbers, tokens and phone numbers; a finding not allowed by
  // content/pii-allowlist.yaml is a problem, and its incident is left out like any other.
  const pii = piiLint(root);
  for (const name of readdirSync(base).sort()) {
    const dir = join(base, name);
    if (name.startsWith('.') || name.startsWith('_') || !statSync(dir).isDirectory()) continue;
    const rel = relative(root, dir);
    const reading = cachedReading(
      root,
      rel,
      () => {
        const found: ContentProblem[] = [];
        return { incident: readIncident(root, rel, found), problems: found, findings: pii.scan(rel) };
      },
      archiveCacheStats,
    );
    problems.push(...reading.problems);
    const findings = pii.allow(reading.findings); // PII lint
    problems.push(...findings);
    if (reading.incident && findings.length === 0) read.push(reading.incident);
  }
  problems.push(...duplicateSlugs(read));
  problems.push(...pii.finish()); // PII lint: a bad allowlist, and entries that allow nothing
  return { incidents: read.map((r) => r.record), problems };
}

function validate<T>(
  schema: {
    safeParse(
      data: unknown,
      params?: { reportInput?: boolean },
    ): { success: true; data: T } | { success: false; error: import('astro/zod').z.ZodError };
  },
  yaml: LocatedYaml,
  file: string,
  problems: ContentProblem[],
): T | undefined {
  const result = schema.safeParse(yaml.data ?? undefined, { reportInput: true });
  if (result.success) return result.data;
  problems.push(...problemsFromZod(result.error, file, yaml));
  return undefined;
}

function readYamlFile(root: string, file: string, problems: ContentProblem[]): LocatedYaml | undefined {
  const parsed = parseYaml(readFileSync(join(root, file), 'utf8'), file);
  if (Array.isArray(parsed)) {
    problems.push(...parsed);
    return undefined;
  }
  return parsed;
}

/** An incident as read, with the line of its `slug:` field for a duplicate-slug problem. */
interface ReadIncident {
  record: IncidentRecord;
  slugLine?: number;
}

function readIncident(root: string, dir: string, problems: ContentProblem[]): ReadIncident | undefined {
  const file = join(dir, 'index.mdx');
  if (!existsSync(join(root, file))) {
    problems.push({
      file: dir,
      message:
        'this incident folder has no index.mdx. Add one, or scaffold a new incident with: npm run new -- "Title"',
    });
    return undefined;
  }
  const source = readFileSync(join(root, file), 'utf8');
  const split = splitFrontmatter(source);
  if (!split) {
    problems.push({
      file,
      line: 1,
      message:
        'the file must start with a frontmatter block between two "---" lines (title, summary, severity, …). See docs/content.md',
    });
    return undefined;
  }
  const count = problems.length;
  const yaml = parseYaml(split.yaml, file, split.yamlLine - 1);
  let frontmatter: IncidentFrontmatter | undefined;
  if (Array.isArray(yaml)) problems.push(...yaml);
  else frontmatter = validate(incidentSchema, yaml, file, problems);

  if (!hasReadableBody(split.body)) {
    problems.push({
      file,
      line: split.bodyLine,
      message:
        'the incident has no body below the frontmatter. Write at least a short account of what happened; an empty page is never published',
    });
  }
  if (frontmatter) problems.push(...keyMomentOrder(frontmatter, file, yaml as LocatedYaml));

  const timelineFile = join(dir, 'timeline.yaml');
  let timeline: TimelineEntry[] = [];
  let timelineDoc: LocatedYaml | undefined;
  if (existsSync(join(root, timelineFile))) {
    timelineDoc = readYamlFile(root, timelineFile, problems);
    if (timelineDoc) timeline = validate(timelineSchema, timelineDoc, timelineFile, problems) ?? [];
  }
  for (const p of timelineProblems(timeline)) {
    problems.push({
      file: timelineFile,
      line: timelineDoc?.lineOf([p.index, p.field]),
      field: `[${p.index}].${p.field}`,
      message: p.message,
    });
  }

  const historyFile = join(dir, 'history.yaml');
  let history: History = { items: [] };
  let historyDoc: LocatedYaml | undefined;
  // When history.yaml itself is broken, every reference would look dangling; say it once.
  let historyReadable = true;
  if (existsSync(join(root, historyFile))) {
    historyDoc = readYamlFile(root, historyFile, problems);
    const parsed = historyDoc && validate(historySchema, historyDoc, historyFile, problems);
    if (parsed) history = parsed;
    else historyReadable = false;
  }

  // Advisories by id and alias, for the ranges a repro compares with (none when history.yaml is broken).
  const advisories = historyReadable
    ? history.items.flatMap((item) => (item.type === 'advisory' ? [item.id, ...item.aliases] : []))
    : undefined;
  const repros = readRepros(root, dir, problems, advisories);

  // References are checked against whatever history parsed, so one typo is one message.
  const keys = new Map<string, number>();
  history.items.forEach((item, index) => {
    const key = historyKey(item, history.repository);
    if (keys.has(key)) {
      problems.push({
        file: historyFile,
        line: historyDoc?.lineOf(['items', index]),
        field: `items[${index}]`,
        message: `"${key}" is listed twice (also items[${keys.get(key)}]). Merge the two entries`,
      });
    } else keys.set(key, index);
  });
  const unknownRef = (ref: string) => {
    const near = similarKeys(ref, keys.keys());
    return `"${ref}" is not in ${historyFile}. Add it there (by hand or with npm run import:github), or fix the reference${near.length ? ` (did you mean ${near.map((k) => `"${k}"`).join(' or ')}?)` : ''}`;
  };
  if (historyReadable) {
    history.items.forEach((item, i) =>
      item.relations.forEach((rel, j) => {
        if (!keys.has(rel.to))
          problems.push({
            file: historyFile,
            line: historyDoc?.lineOf(['items', i, 'relations', j, 'to']),
            field: `items[${i}].relations[${j}].to`,
            message: unknownRef(rel.to),
          });
      }),
    );
    timeline.forEach((entry, i) =>
      entry.refs.forEach((ref, j) => {
        if (!keys.has(ref))
          problems.push({
            file: timelineFile,
            line: timelineDoc?.lineOf([i, 'refs', j]),
            field: `[${i}].refs[${j}]`,
            message: unknownRef(ref),
          });
      }),
    );
    for (const mention of refMentions(split.body, split.bodyLine)) {
      if (!keys.has(mention.value))
        problems.push({ file, line: mention.line, field: '<Ref to>', message: unknownRef(mention.value) });
    }
  }

  // Unknown components, <script> and javascript: links (src/archive/mdx-checks.ts).
  for (const f of mdxFindings(split.body, split.bodyLine)) problems.push({ file, ...f });

  const embeddedRepros = componentMentions(split.body, 'Repro', 'id', split.bodyLine);
  for (const mention of embeddedRepros) {
    if (!repros.some((r) => r.id === mention.value)) {
      problems.push({
        file,
        line: mention.line,
        field: '<Repro id>',
        message: `there is no repro "${mention.value}" in ${join(dir, 'repros')}. Known: ${repros.map((r) => r.id).join(', ') || 'none'}`,
      });
    }
  }
  // <Verdict repro version params />: the prose cites only verdicts that were recorded.
  for (const f of verdictFindings(split.body, split.bodyLine, repros, dir.split('/').pop()!))
    problems.push({ file, ...f });

  const factsFile = join(dir, 'facts.yaml');
  let facts: Fact[] = [];
  if (existsSync(join(root, factsFile))) {
    const factsDoc = readYamlFile(root, factsFile, problems);
    facts = (factsDoc && validate(factsSchema, factsDoc, factsFile, problems)) ?? [];
    if (factsDoc && frontmatter && historyReadable) {
      const findings = factFindings(facts, {
        frontmatter,
        timeline,
        history,
        mentions: factMentions(split.body, split.bodyLine),
        percents: percentMentions(split.body, split.bodyLine),
      });
      for (const f of findings) {
        if (f.fact !== undefined) {
          problems.push({
            file: factsFile,
            line: factsDoc.lineOf([
              f.fact,
              ...(f.field
                ? f.field
                    .split(/[[\].]+/)
                    .filter(Boolean)
                    .map((k) => (/^\d+$/.test(k) ? Number(k) : k))
                : []),
            ]),
            field: `[${f.fact}].${f.field}`,
            message: f.message,
          });
        } else if (f.field === 'summary' || f.field === 'impact') {
          problems.push({ file, line: (yaml as LocatedYaml).lineOf([f.field]), field: f.field, message: f.message });
        } else problems.push({ file, line: f.line, field: f.field, message: f.message });
      }
    }
  }

  // actions.yaml: follow-ups, their evidence checked against history.yaml and the recorded repros.
  const actionsFile = join(dir, ACTIONS_FILE);
  let followUps: LocatedFollowUp[] = [];
  if (existsSync(join(root, actionsFile))) {
    const actionsDoc = readYamlFile(root, actionsFile, problems);
    const parsed = actionsDoc && validate(actionsSchema, actionsDoc, actionsFile, problems);
    if (parsed && historyReadable) {
      followUps = locateFollowUps(parsed, actionsDoc.lineOf);
      for (const f of followUpFindings(parsed, { history, repros }))
        problems.push({
          file: actionsFile,
          line: actionsDoc.lineOf(f.path),
          field: formatPath(f.path),
          message: f.message,
        });
    }
  }

  if (!frontmatter || problems.length > count) return undefined;
  const slug = frontmatter.slug ?? dir.split('/').pop()!;
  const slugLine = frontmatter.slug === undefined ? undefined : (yaml as LocatedYaml).lineOf(['slug']);
  const record: IncidentRecord = {
    slug,
    dir,
    file,
    frontmatter,
    body: split.body,
    bodyLine: split.bodyLine,
    timeline,
    history,
    repros,
    facts,
    followUps,
    embeddedRepros: [...new Set(embeddedRepros.map((m) => m.value))],
    diagrams: mermaidBlocks(split.body, split.bodyLine),
  };
  return { record, slugLine };
}

function readRepros(
  root: string,
  dir: string,
  problems: ContentProblem[],
  advisories: readonly string[] | undefined,
): IncidentRepro[] {
  const reprosDir = join(dir, 'repros');
  if (!existsSync(join(root, reprosDir))) return [];
  const repros: IncidentRepro[] = [];
  for (const id of readdirSync(join(root, reprosDir)).sort()) {
    const reproDir = join(reprosDir, id);
    if (!statSync(join(root, reproDir)).isDirectory()) continue;
    const manifestFile = join(reproDir, 'repro.yaml');
    if (!existsSync(join(root, manifestFile))) {
      problems.push({ file: reproDir, message: 'this repro folder has no repro.yaml describing how to run it' });
      continue;
    }
    const doc = readYamlFile(root, manifestFile, problems);
    const manifest = doc && validate(reproSchema, doc, manifestFile, problems);
    if (!manifest) continue;
    if (!existsSync(join(root, reproDir, manifest.entry))) {
      problems.push({
        file: manifestFile,
        line: doc.lineOf(['entry']),
        field: 'entry',
        message: `the entry file "${manifest.entry}" does not exist in ${reproDir}`,
      });
      continue;
    }
    const advisory = manifest.package?.advisory;
    if (advisory !== undefined && advisories && !advisories.includes(advisory))
      problems.push({
        file: manifestFile,
        line: doc.lineOf(['package', 'advisory']),
        field: 'package.advisory',
        message: `"${advisory}" is not an advisory in ${dir}/history.yaml (${advisories.length ? `its advisories: ${advisories.join(', ')}` : 'it lists none'}). Add the advisory there with its affected ranges, or fix the id`,
      });
    let results: ReproResults | undefined;
    try {
      results = readResults(root, reproDir);
    } catch (error) {
      if (!(error instanceof RecordingError)) throw error;
      problems.push({
        file: `${reproDir}/${RESULTS_FILE}`,
        message: `this recording cannot be read: ${error.message}. Re-record it with npm run repro -- ${reproDir.split('/').at(-3)} ${id} (or delete it to show the repro as not yet run)`,
      });
      continue;
    }
    let regressions: Regression[] = [];
    try {
      // Open while the recording predates them: recording the repro again settles them.
      regressions = readRegressions(root, reproDir).filter((r) => !results || r.detectedAt >= results.recordedAt);
    } catch (error) {
      if (!(error instanceof RecordingError)) throw error;
      problems.push({
        file: `${reproDir}/${REGRESSIONS_FILE}`,
        message: `this list of regressions cannot be read: ${error.message}. Fix it, or delete it once the repro is recorded again`,
      });
    }
    // A range runs the versions its recording listed (the runner lists them again when it records).
    const listing = results?.versionRange;
    if (manifest.package?.range !== undefined && listing?.range === manifest.package.range)
      manifest.package.versions = listing.versions;
    repros.push({
      id,
      dir: reproDir,
      manifest,
      source: readFileSync(join(root, reproDir, manifest.entry), 'utf8'),
      results,
      stale: results !== undefined && isStale(results, sourcesHash(join(root, reproDir))),
      regressions,
    });
  }
  return repros;
}

const ORDER = ['started', 'detected', 'mitigated', 'resolved'] as const;

/** Key moments must not run backwards: detection before the start is a typo, not a finding. */
function keyMomentOrder(fm: IncidentFrontmatter, file: string, yaml: LocatedYaml): ContentProblem[] {
  const problems: ContentProblem[] = [];
  let previous: { name: string; at: Instant } | undefined;
  for (const name of ORDER) {
    const at = fm[name];
    if (!at) continue;
    if (previous && at.ms < previous.at.ms) {
      problems.push({
        file,
        line: yaml.lineOf([name]),
        field: name,
        message: `${name} (${at.iso}) is earlier than ${previous.name} (${previous.at.iso}). Key moments must go started ≤ detected ≤ mitigated ≤ resolved; check the date and the offset`,
      });
    }
    previous = { name, at };
  }
  return problems;
}

function duplicateSlugs(incidents: ReadIncident[]): ContentProblem[] {
  const seen = new Map<string, IncidentRecord>();
  const problems: ContentProblem[] = [];
  for (const { record: incident, slugLine } of incidents) {
    const first = seen.get(incident.slug);
    if (first) {
      problems.push({
        file: incident.file,
        line: slugLine,
        field: 'slug',
        message: `the slug "${incident.slug}" is already used by ${first.file}; both would be published at /incidents/${incident.slug}/. Rename one folder or change its slug`,
      });
    } else seen.set(incident.slug, incident);
  }
  return problems;
}
