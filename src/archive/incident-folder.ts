/**
 * The files of one incident folder, listed and read so that nothing outside the folder can reach
 * the site: every path resolves, links followed, inside the folder; only regular files of a
 * sensible size are read; text must be UTF-8. Whatever breaks a rule is a content problem naming
 * the file (and for a link, its target), and the file is never read.
 *
 * Every reader of an incident (the archive, its cache key, the PII scan, the recording's hash)
 * goes through this listing, so a link to `/etc/passwd` or `~/.npmrc` is refused once, here.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { join, posix, relative, sep } from 'node:path';
import type { ContentProblem } from '../schemas/problems.ts';

/** Tools' output inside a repro folder (installs, bytecode): never content, never read. */
const IGNORED_DIRS = new Set(['node_modules', '__pycache__']);
const IGNORED_FILE = /\.pyc$|^\.DS_Store$/;

const MiB = 1024 * 1024;
/** Files the runner writes grow with the matrix; what authors write is far smaller. */
const SIZE_LIMITS: [RegExp, number][] = [
  [/(^|\/)(results|regressions)\.json$/, 16 * MiB],
  [/\.(mdx|ya?ml)$/, 1 * MiB],
];
const DEFAULT_LIMIT = 4 * MiB;

export function sizeLimit(path: string): number {
  return SIZE_LIMITS.find(([pattern]) => pattern.test(path))?.[1] ?? DEFAULT_LIMIT;
}

const megabytes = (bytes: number) => `${(bytes / MiB).toFixed(bytes < 10 * MiB ? 1 : 0)} MiB`;

export interface IncidentFolder {
  /** The folder, relative to the project root, with `/` separators. */
  readonly dir: string;
  /** Every file that may be read, relative to the project root, sorted. */
  readonly files: readonly string[];
  /** Links that leave the folder or loop, special files, files too large: each refused. */
  readonly problems: readonly ContentProblem[];
  /** A readable file (relative to the project root). */
  has(path: string): boolean;
  /** A folder (relative to the project root) inside this one. */
  isFolder(path: string): boolean;
  /** The files under a sub-folder (relative to the project root), sorted. */
  filesUnder(path: string): string[];
  /** Names of the entries directly inside a sub-folder, sorted; links to folders count as folders. */
  entries(path: string): { name: string; folder: boolean }[];
  /** The bytes of a readable file; undefined for a file that was refused or is absent. */
  bytes(path: string): Buffer | undefined;
  /**
   * The text of a readable file, or undefined with a problem pushed when it is not UTF-8 text
   * (a UTF-16 file, a byte-order mark, an invalid byte). Undefined without a problem when absent.
   */
  text(path: string, problems: ContentProblem[]): string | undefined;
}

interface Entry {
  /** Resolved path on disk (links followed). */
  real: string;
  folder: boolean;
  size: number;
}

/** Lists the folder `dir` (relative to `root`), refusing what may not be read. */
export function openIncidentFolder(root: string, dir: string): IncidentFolder {
  const rel = dir.split(sep).join('/');
  const problems: ContentProblem[] = [];
  const entries = new Map<string, Entry>();
  let top: string;
  try {
    top = realpathSync(join(root, rel));
  } catch (error) {
    problems.push({ file: rel, message: linkError(error, rel) });
    return folderOf(rel, entries, problems);
  }
  const inside = (real: string) => real === top || real.startsWith(`${top}${sep}`);
  const visited = new Set<string>([top]);
  const walk = (path: string, real: string) => {
    let names: string[];
    try {
      names = readdirSync(real).sort();
    } catch (error) {
      problems.push({ file: path, message: `this folder cannot be read (${(error as NodeJS.ErrnoException).code})` });
      return;
    }
    for (const name of names) {
      if (IGNORED_DIRS.has(name) || IGNORED_FILE.test(name)) continue;
      const child = posix.join(path, name);
      const found = resolveEntry(join(real, name), child, inside, problems);
      if (!found) continue;
      if (found.stats.isDirectory()) {
        entries.set(child, { real: found.real, folder: true, size: 0 });
        // A link back to a folder already listed would list it forever.
        if (!visited.has(found.real)) {
          visited.add(found.real);
          walk(child, found.real);
        }
      } else if (!found.stats.isFile()) {
        problems.push({
          file: child,
          message: `this is not a regular file (a pipe, socket or device). An incident folder holds files and folders only; remove it`,
        });
      } else if (found.stats.size > sizeLimit(child)) {
        problems.push({
          file: child,
          message: `this file is ${megabytes(found.stats.size)}; a file of this kind may be at most ${megabytes(sizeLimit(child))} in an incident folder. Shorten it, or keep large data elsewhere and link to it`,
        });
      } else entries.set(child, { real: found.real, folder: false, size: found.stats.size });
    }
  };
  walk(rel, top);
  return folderOf(rel, entries, problems);
}

/** Follows a link to what it names, refusing a target outside the folder, a loop or nothing. */
function resolveEntry(
  onDisk: string,
  path: string,
  inside: (real: string) => boolean,
  problems: ContentProblem[],
): { real: string; stats: Stats } | undefined {
  let stats: Stats;
  try {
    stats = lstatSync(onDisk);
  } catch {
    return undefined; // removed while it was listed
  }
  if (!stats.isSymbolicLink()) return { real: onDisk, stats };
  const target = readlinkSync(onDisk);
  let real: string;
  try {
    real = realpathSync(onDisk);
  } catch (error) {
    problems.push({ file: path, field: `link to ${target}`, message: linkError(error, path) });
    return undefined;
  }
  if (!inside(real)) {
    problems.push({
      file: path,
      field: `link to ${target}`,
      message: `this is a link to ${real}, outside the incident's folder. Nothing outside an incident's folder is read or published (it could be any file of the machine that builds the site); copy what the incident needs into its folder instead of linking to it`,
    });
    return undefined;
  }
  return { real, stats: statSync(real) };
}

function linkError(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP')
    return `this link leads back to itself (a loop of links), so it names no file. Replace ${path} with the file itself`;
  if (code === 'ENOENT') return `this link names a file that does not exist. Replace it with the file itself`;
  return `this cannot be read (${code})`;
}

function folderOf(dir: string, entries: Map<string, Entry>, problems: ContentProblem[]): IncidentFolder {
  const files = [...entries].filter(([, e]) => !e.folder).map(([path]) => path);
  const file = (path: string) => {
    const entry = entries.get(path);
    return entry && !entry.folder ? entry : undefined;
  };
  const bytes = (path: string) => {
    const entry = file(path);
    return entry ? readFileSync(entry.real) : undefined;
  };
  return {
    dir,
    files,
    problems,
    has: (path) => file(path) !== undefined,
    isFolder: (path) => path === dir || entries.get(path)?.folder === true,
    filesUnder: (path) => files.filter((f) => f.startsWith(`${path}/`)),
    entries: (path) =>
      [...entries]
        .filter(([p]) => posix.dirname(p) === path)
        .map(([p, e]) => ({ name: posix.basename(p), folder: e.folder })),
    bytes,
    text(path, found) {
      const data = bytes(path);
      if (data === undefined) return undefined;
      const problem = encodingProblem(data);
      if (problem) {
        found.push({ file: path, ...problem });
        return undefined;
      }
      return data.toString('utf8');
    },
  };
}

/** Why these bytes are not UTF-8 text, located; undefined when they are. */
export function encodingProblem(data: Buffer): { line?: number; message: string } | undefined {
  if ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff) || hasUtf16Nuls(data))
    return {
      line: 1,
      message:
        'this file is saved as UTF-16. Aftermath reads UTF-8 only: save it again as UTF-8 (in most editors, "Save with encoding" → UTF-8)',
    };
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf)
    return {
      line: 1,
      message:
        'this file starts with a byte-order mark (the bytes EF BB BF), which would be read as part of its first line. Save it as UTF-8 without BOM',
    };
  if (isUtf8(data)) return undefined;
  const offset = firstInvalidUtf8(data);
  const before = data.subarray(0, offset);
  const line = before.filter((b) => b === 0x0a).length + 1;
  const column = offset - (before.lastIndexOf(0x0a) + 1) + 1;
  const hex = data[offset]!.toString(16).toUpperCase().padStart(2, '0');
  return {
    line,
    message: `byte ${column} of this line (0x${hex}, byte ${offset + 1} of the file) is not valid UTF-8. The file was probably saved in another encoding (Latin-1, Windows-1252): save it again as UTF-8`,
  };
}

/** UTF-16 text without a byte-order mark: ASCII characters leave a NUL beside every byte. */
function hasUtf16Nuls(data: Buffer): boolean {
  const head = data.subarray(0, 64);
  let nuls = 0;
  for (const byte of head) if (byte === 0) nuls++;
  return head.length >= 4 && nuls * 4 >= head.length;
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(data: Buffer): number {
  let i = 0;
  while (i < data.length) {
    const byte = data[i]!;
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte <= 0xdf
          ? 2
          : byte >= 0xe0 && byte <= 0xef
            ? 3
            : byte >= 0xf0 && byte <= 0xf4
              ? 4
              : 0;
    if (length === 0) return i;
    if (!isUtf8(data.subarray(i, i + length))) return i;
    i += length;
  }
  return data.length;
}

/** A path relative to the project root, with `/` separators. */
export function rootRelative(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}
