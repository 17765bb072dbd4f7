/**
 * Reads a folder of incidents and validates everything in it: frontmatter, timeline.yaml,
 * history.yaml, repro manifests, and the references between them. It never throws on bad
 * content; it returns every problem it found, so an author fixes them all in one pass.
 * Each folder is read through its confined listing (./incident-folder.ts): nothing outside it
 * is ever read.
 */
import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { IncidentRecord } from '../domain/incident-record.ts';
import type { ContentProblem } from '../schemas/problems.ts';
import { cachedReading, type ArchiveCacheStats } from './archive-cache.ts';
import { openIncidentFolder } from './incident-folder.ts';
import { piiAllowlistFile, piiLint } from './pii-scan.ts';
import { mdxComponents } from './mdx/registry.ts';
import { readIncident, type ReadIncident } from './read-incident.ts';
import type { ArchiveOptions } from './readers/context.ts';

export type { ArchiveOptions } from './readers/context.ts';

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
const shared = globalThis as {
  __aftermathArchive?: { root: string; archive: Archive };
  __aftermathOptions?: Map<string, ArchiveOptions>;
};
export function shareArchive(root: string, archive: Archive, options: ArchiveOptions): void {
  shared.__aftermathArchive = { root, archive };
  (shared.__aftermathOptions ??= new Map()).set(root, options);
}
export function takeSharedArchive(root: string): Archive | undefined {
  const entry = shared.__aftermathArchive;
  if (entry?.root !== root) return undefined;
  delete shared.__aftermathArchive;
  return entry.archive;
}
/** The options the site's integration read the archive with, for the reads that follow (dev saves). */
export function sharedArchiveOptions(root: string): ArchiveOptions {
  return shared.__aftermathOptions?.get(root) ?? {};
}

/** Incident folders taken from the archive cache, and read afresh, by this process. */
export const archiveCacheStats: ArchiveCacheStats = { hits: 0, misses: 0 };

export function readArchive(root: string, options: ArchiveOptions = {}): Archive {
  const incidentsDir = options.incidents ?? INCIDENTS_DIR;
  const base = join(root, incidentsDir);
  const problems: ContentProblem[] = [];
  let realBase: string;
  try {
    realBase = realpathSync(base);
  } catch {
    return {
      incidents: [],
      problems: [
        {
          file: incidentsDir,
          message: 'the incidents folder does not exist. Create the first incident with: npx aftermath new "Title"',
        },
      ],
    };
  }
  const read: ReadIncident[] = [];
  // PII lint (src/archive/pii-scan.ts): every file of every incident is scanned for email
  // addresses, card numbers, tokens and phone numbers; a finding not allowed by
  // pii-allowlist.yaml (beside the incidents folder) is a problem, and its incident is left out.
  const pii = piiLint(root, piiAllowlistFile(incidentsDir));
  const components = mdxComponents(root, options.mdxComponents);
  for (const name of readdirSync(base).sort()) {
    if (name.startsWith('.') || name.startsWith('_')) continue;
    const rel = relative(root, join(base, name)).split(sep).join('/');
    const outside = folderOutside(join(base, name), realBase, rel);
    if (outside === null) continue;
    if (outside) {
      problems.push(outside);
      continue;
    }
    const folder = openIncidentFolder(root, rel);
    const reading = cachedReading(
      folder,
      options,
      () => {
        const found: ContentProblem[] = [];
        const ctx = { root, folder, problems: found, options, components };
        return { incident: readIncident(ctx), problems: found, findings: pii.scan(folder) };
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

/**
 * An incident folder that is a link must stay inside the incidents folder: a link to /etc
 * would make the machine's files an incident. Null for an entry that is not a folder at all.
 */
function folderOutside(path: string, realBase: string, rel: string): ContentProblem | undefined | null {
  const stats = lstatSync(path);
  if (!stats.isSymbolicLink()) return stats.isDirectory() ? undefined : null;
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return {
      file: rel,
      message: 'this incident folder is a link that names nothing (or loops). Replace it with the folder itself',
    };
  }
  if (real.startsWith(`${realBase}${sep}`)) return lstatSync(real).isDirectory() ? undefined : null;
  return {
    file: rel,
    message: `this incident folder is a link to ${real}, outside the incidents folder. Nothing outside it is read or published; move the incident's folder here instead of linking to it`,
  };
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
