/**
 * What reading one incident folder found (its record, its problems, what looked like PII),
 * kept on disk so that the next build reads, parses and validates only the folders that
 * changed. Parsing YAML with positions and validating it was the largest cost of a warm build
 * of a large archive, and almost every folder is unchanged from one build to the next.
 *
 * An entry is named by a hash of every file in the folder (path and bytes), the options that
 * change a reading, and Aftermath's own code and parsers, so a changed file, a changed schema or
 * an upgraded `yaml` all miss.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import type { IncidentFolder } from './incident-folder.ts';
import type { ArchiveOptions } from './readers/context.ts';
import type { PiiFinding } from '../domain/pii.ts';
import type { ContentProblem } from '../schemas/problems.ts';
import { codeVersion, diskCache } from '../render/disk-cache.ts';

/** The reader and what it imports decide what a reading holds (this cache's key). */
export const ARCHIVE_CODE = ['archive/archive.ts'];

export interface IncidentReading<T> {
  /** What the reader returned (undefined when the folder has problems that leave it out). */
  incident?: T;
  problems: ContentProblem[];
  /** Every PII finding, before the allowlist (which may change without the folder changing). */
  findings: PiiFinding[];
}

/**
 * Every file the listing lets the reader see (path and bytes), what it refused (a link to
 * outside names its target in a problem, never its bytes), and the options that change a reading.
 */
function folderKey(folder: IncidentFolder, options: ArchiveOptions): string {
  const hash = createHash('sha256').update(`${codeVersion(ARCHIVE_CODE)}\0${folder.dir}\0`);
  // The options that change what a reading finds: code allowed or not, the site's components,
  // services and runtimes (a name registered, or a declaration changed, changes what the same files say).
  const settings = {
    allowMdxCode: options.allowMdxCode === true,
    mdxComponents: options.mdxComponents ?? {},
    services: options.services ?? {},
    runtimes: options.runtimes ?? {},
    recording: options.recording === true,
  };
  hash.update(JSON.stringify(settings)).update('\0');
  for (const path of folder.files) hash.update(path).update('\0').update(folder.bytes(path)!).update('\0');
  for (const problem of folder.problems) hash.update(JSON.stringify(problem)).update('\0');
  return hash.digest('hex');
}

export interface ArchiveCacheStats {
  hits: number;
  misses: number;
}

/**
 * Reads one incident folder through `read`, or takes what an earlier build found for the
 * very same files. `read` must depend only on the folder's files and Aftermath's code.
 */
export function cachedReading<T>(
  folder: IncidentFolder,
  options: ArchiveOptions,
  read: () => IncidentReading<T>,
  stats?: ArchiveCacheStats,
): IncidentReading<T> {
  if (!codeVersion(ARCHIVE_CODE) || process.env.AFTERMATH_ARCHIVE_CACHE === '0') return read();
  const cache = diskCache('archive', 'v8');
  const key = folderKey(folder, options);
  if (cache.has(key)) {
    try {
      const reading = deserialize(readFileSync(cache.file(key))) as IncidentReading<T>;
      if (stats) stats.hits++;
      return reading;
    } catch {
      // An unreadable entry (a Node upgrade changed the format) is read afresh and replaced.
    }
  }
  const reading = read();
  cache.write(key, serialize(reading));
  if (stats) stats.misses++;
  return reading;
}
