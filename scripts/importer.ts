/**
 * What the two importers (import:statuspage, import:github) share: reading the file they merge
 * into, writing it back safely, and turning their errors into a message and an exit code.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { formatProblems, type ContentProblem } from '../src/schemas/problems.ts';

/** Wrong usage: the message, then the usage text, exit code 2. */
export class UsageError extends Error {}

/**
 * The text of the file an import merges into (undefined when it does not exist yet). It must be
 * valid before anything is merged into it, and its folder must exist: a mistyped slug should not
 * create a stray incident folder.
 */
export function readMergeTarget(out: string, validate: (text: string, file: string) => ContentProblem[], fail: (message: string) => Error): string | undefined {
  const folder = dirname(out);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw fail(`the folder ${folder} does not exist; create the incident first (npm run new -- "Title") or check --out`);
  }
  if (!existsSync(out)) return undefined;
  const text = readFileSync(out, 'utf8');
  const problems = validate(text, relative(process.cwd(), out) || out);
  if (problems.length) throw fail(`fix ${out} before importing into it:\n\n${formatProblems(problems)}`);
  return text;
}

/** Writes through a temporary file so an interrupted run never leaves half a file. */
export function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/**
 * Runs an importer: a usage error prints the usage (exit 2), an import error its message (exit 1);
 * anything else is a bug and keeps its stack.
 */
export async function runImporter(name: string, usage: string, importError: new (...args: never[]) => Error, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${name}: ${error.message}\n\n${usage}`);
      process.exitCode = 2;
    } else if (error instanceof importError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  }
}
