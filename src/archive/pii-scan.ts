/**
 * The PII lint's file side (issue #6): walks an incident folder, scans every content file in it
 * (index.mdx, every .yaml, repro snippets, results.json: every text file), applies
 * `content/pii-allowlist.yaml`, and turns what is left into content problems. Called from
 * readArchive, so the build, `npx aftermath check` and the dev server all stop on a finding.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { openIncidentFolder, type IncidentFolder } from './incident-folder.ts';
import { mask, piiAllowlist, scanText, type PiiFinding } from '../domain/pii.ts';
import { piiAllowEntrySchema, piiAllowlistSchema, type PiiAllowEntryInput } from '../schemas/pii-allowlist.ts';
import { parseYaml, problemsFromZod, type ContentProblem, type LocatedYaml } from '../schemas/problems.ts';

/** Relative to the project root: beside the default incidents folder. */
export const PII_ALLOWLIST = 'content/pii-allowlist.yaml';

/** The allowlist sits beside the incidents folder, whatever the site calls it. */
export function piiAllowlistFile(incidentsDir: string): string {
  return posix.join(posix.dirname(incidentsDir), 'pii-allowlist.yaml');
}

const BINARY =
  /\.(?:png|jpe?g|gif|webp|avif|ico|bmp|pdf|zip|gz|tgz|xz|br|woff2?|ttf|otf|eot|mp3|mp4|webm|mov|wasm|pyc)$/i;

/** Every text file of an incident folder's listing (dotfiles skipped), relative to the project root, sorted. */
export function incidentContentFiles(folder: IncidentFolder): string[] {
  return folder.files.filter((path) => !path.split('/').some((part) => part.startsWith('.')) && !BINARY.test(path));
}

/** The text of a file, or undefined for a binary one (a NUL byte in its first 8 KiB). */
function readText(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  return bytes.toString('utf8');
}

export interface PiiLint {
  /** Everything that looks like PII in one incident folder, allowed or not. */
  scan(folder: IncidentFolder): PiiFinding[];
  /** The findings the allowlist does not allow, as problems (and the entries that allowed one, as used). */
  allow(findings: readonly PiiFinding[]): ContentProblem[];
  /** `allow(scan(dir))`. */
  scanIncident(dir: string): ContentProblem[];
  /** Problems of the allowlist itself: bad entries, and entries that allowed nothing. Call last. */
  finish(): ContentProblem[];
}

export function piiLint(root: string, allowlistFile = PII_ALLOWLIST): PiiLint {
  const problems: ContentProblem[] = [];
  const { entries, doc } = readAllowlist(root, allowlistFile, problems);
  const allowlist = piiAllowlist(entries.map((e) => e.entry));
  const scan = (folder: IncidentFolder) =>
    incidentContentFiles(folder).flatMap((file) => {
      const text = readText(folder.bytes(file)!);
      return text === undefined ? [] : scanText(text, file);
    });
  const allow = (findings: readonly PiiFinding[]) =>
    allowlist.filter(findings).map((finding) => findingProblem(finding, allowlistFile));
  return {
    scan,
    allow,
    scanIncident: (dir) => allow(scan(openIncidentFolder(root, dir))),
    finish() {
      const stale = allowlist.stale().map((i): ContentProblem => {
        const { entry, index } = entries[i]!;
        const what = entry.kind ? `${entry.kind} finding` : 'finding';
        return {
          file: allowlistFile,
          line: doc?.lineOf([index]),
          field: `[${index}]`,
          message: `this entry allows nothing: no ${what} in "${entry.file}" matches "${mask(entry.match)}". Remove it (a stale entry hides nothing, but it rots), or correct its file, match or kind`,
        };
      });
      return [...problems, ...stale];
    },
  };
}

const REMOVE: Record<PiiFinding['kind'], string> = {
  email: 'Remove it, or replace it with a role ("the on-call engineer") or a placeholder such as name@example.com',
  card: 'Remove it; if the card matters to the story, give at most its last four digits',
  token: 'Remove it, and if it is real, revoke or rotate it: removing it does not take it out of the git history',
  phone: 'Remove it, or replace it with a role ("the on-call phone")',
};

/** A finding as a problem: where, what kind, a masked excerpt, and what to do. Never the full text. */
export function findingProblem(finding: PiiFinding, allowlistFile = PII_ALLOWLIST): ContentProblem {
  const remove = REMOVE[finding.kind];
  return {
    file: finding.file,
    line: finding.line,
    field: `PII: ${finding.kind}`,
    message:
      `looks like ${finding.label} at column ${finding.column}: "${finding.excerpt}" (masked, ${[...finding.match].length} characters). ${remove}. ` +
      `If it is deliberate and public (e.g. a vendor's published support address), list it in ${allowlistFile} with a reason: ` +
      `- { file: ${finding.file}, match: "<the exact text>", kind: ${finding.kind}, reason: "…" }`,
  };
}

interface Entry {
  entry: PiiAllowEntryInput;
  /** Position in the file, for the line of a stale-entry problem. */
  index: number;
}

function readAllowlist(
  root: string,
  file: string,
  problems: ContentProblem[],
): { entries: Entry[]; doc?: LocatedYaml } {
  if (!existsSync(join(root, file))) return { entries: [] };
  const doc = parseYaml(readFileSync(join(root, file), 'utf8'), file);
  if (Array.isArray(doc)) {
    problems.push(...doc);
    return { entries: [] };
  }
  // An empty allowlist (or one with only comments) allows nothing, and that is fine.
  if (doc.data === null || doc.data === undefined) return { entries: [], doc };
  const result = piiAllowlistSchema.safeParse(doc.data, { reportInput: true });
  if (result.success) return { entries: result.data.map((entry, index) => ({ entry, index })), doc };
  problems.push(...problemsFromZod(result.error, file, doc));
  // The valid entries still apply; an invalid one (say, without a reason) allows nothing.
  const items: unknown[] = Array.isArray(doc.data) ? doc.data : [];
  const entries = items.flatMap((item, index) => {
    const parsed = piiAllowEntrySchema.safeParse(item);
    return parsed.success ? [{ entry: parsed.data, index }] : [];
  });
  return { entries, doc };
}
