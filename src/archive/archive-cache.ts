/**
 * What reading one incident folder found (its record, its problems, what looked like PII),
 * kept on disk so that the next build reads, parses and validates only the folders that
 * changed. Parsing YAML with positions and validating it was the largest cost of a warm build
 * of a large archive, and almost every folder is unchanged from one build to the next.
 *
 * An entry is named by a hash of every file in the folder (path and bytes) and of Aftermath's
 * own code and parsers, so a changed file, a changed schema or an upgraded `yaml` all miss.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { PiiFinding } from '../domain/pii.ts';
import type { ContentProblem } from '../schemas/problems.ts';
import { codeVersion, diskCache } from '../render/disk-cache.ts';

/** The reader and what it imports decide what a reading holds (this cache's key). */
export const ARCHIVE_CODE = ['archive/archive.ts'];

/** Files no reader of an incident looks at: installs and bytecode a repro run may leave behind. */
const IGNORED = new Set(['node_modules', '__pycache__']);

export interface IncidentReading<T> {
  /** What the reader returned (undefined when the folder has problems that leave it out). */
  incident?: T;
  problems: ContentProblem[];
  /** Every PII finding, before the allowlist (which may change without the folder changing). */
  findings: PiiFinding[];
}

function folderKey(root: string, dir: string): string {
  const hash = createHash('sha256').update(`${codeVersion(ARCHIVE_CODE)}\0${dir}\0`);
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      if (IGNORED.has(entry.name) || entry.name.endsWith('.pyc')) continue;
      const path = posix.join(rel, entry.name);
      if (entry.isDirectory()) walk(path);
      else
        hash
          .update(path)
          .update('\0')
          .update(readFileSync(join(root, path)))
          .update('\0');
    }
  };
  walk(dir);
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
  root: string,
  dir: string,
  read: () => IncidentReading<T>,
  stats?: ArchiveCacheStats,
): IncidentReading<T> {
  if (!codeVersion(ARCHIVE_CODE) || process.env.AFTERMATH_ARCHIVE_CACHE === '0') return read();
  const cache = diskCache('archive', 'v8');
  const key = folderKey(root, dir);
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
