/**
 * Aftermath's build caches on disk: rendered diagrams, highlighted code, social cards and what
 * reading each incident folder found, each
 * in its own folder under one root. Entries are named by a hash of everything that decides
 * their content, so an entry is never stale, only unused; deleting the folder is always safe.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * AFTERMATH_DIAGRAM_CACHE names the diagram folder (it came first); the other caches sit beside it.
 */
const diagramDir = process.env.AFTERMATH_DIAGRAM_CACHE ?? join(process.cwd(), 'node_modules/.cache/aftermath/diagrams');
export const cacheRoot = dirname(diagramDir);

export interface DiskCache {
  dir: string;
  file(key: string): string;
  has(key: string): boolean;
  read(key: string): string | undefined;
  write(key: string, data: string | Uint8Array): void;
}

export function cacheKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

export function diskCache(name: 'diagrams' | 'code' | 'cards' | 'archive', extension: string): DiskCache {
  const dir = name === 'diagrams' ? diagramDir : join(cacheRoot, name);
  const file = (key: string) => join(dir, `${key}.${extension}`);
  return {
    dir,
    file,
    has: (key) => existsSync(file(key)),
    read: (key) => (existsSync(file(key)) ? readFileSync(file(key), 'utf8') : undefined),
    write(key, data) {
      mkdirSync(dir, { recursive: true });
      // Write then rename: parallel builds share the cache and must never read half a file.
      const temp = `${file(key)}.${process.pid}.tmp`;
      writeFileSync(temp, data);
      renameSync(temp, file(key));
    },
  };
}
