/**
 * The one command-line driver behind every importer (`aftermath import statuspage`, `aftermath
 * import github`, …): a source's command names its options and turns them into the source's
 * request; {@link runImport} reads the command line (with `--out`, which every importer has) and
 * does the rest the same way.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { parseArgs, ParseArgsOptionsConfig } from 'node:util';
import { formatProblems, type ContentProblem } from '../schemas/problems.ts';
import { ImportError } from '../importers/error.ts';
import { importPayload, TARGETS, type ImportIO, type ImportSource } from '../importers/source.ts';
import { UsageError } from '../errors.ts';
import { readCommandLine } from './command-line.ts';

/** How long a request may take before the import gives up. */
const TIMEOUT_MS = 30_000;

/** The values of an importer's options as `parseArgs` reads them. */
export type OptionValues<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ options: O }>>['values'];

/** One importer's command: its name and usage, its source, its options and how they make a request. */
export interface ImporterCommand<Request, Payload, O extends ParseArgsOptionsConfig> {
  /** The command, e.g. `aftermath import statuspage`; it prefixes every message. */
  command: string;
  usage: string;
  source: ImportSource<Request, Payload>;
  /** Its own options (`--out` and `--help` are every importer's). */
  options: O;
  allowPositionals?: boolean;
  /** What the source should read, from the command line. Throws {@link UsageError}s. */
  request(values: OptionValues<O>, positionals: string[]): Request;
}

/** A value on the command line that cannot be right is a usage error (exit code 2). */
export function asUsage<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ImportError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Runs an import: checks the file it merges into, reads the source, maps, merges and
 * validates, then writes the file (or prints it without --out) and reports what it did.
 */
export async function runImport<Request, Payload, const O extends ParseArgsOptionsConfig>(
  args: string[],
  {
    command,
    usage,
    source,
    options,
    allowPositionals = false,
    request: requestOf,
  }: ImporterCommand<Request, Payload, O>,
): Promise<void> {
  await runImporter(command, usage, async () => {
    const commandLine = readCommandLine(usage, {
      args,
      allowPositionals,
      options: { ...options, out: { type: 'string' } },
    });
    if (!commandLine) return;
    const { out } = commandLine.values as { out?: string };
    const request = requestOf(commandLine.values as OptionValues<O>, commandLine.positionals);
    const target = TARGETS[source.target];
    const existing = out ? readMergeTarget(out, target.validate) : undefined;
    const payload = await source.read(request, nodeIO);
    const file = out ? relative(process.cwd(), out) || out : target.file;
    const { text, summary, warnings } = importPayload(source, payload, request, existing, file);

    if (!out) {
      process.stdout.write(text);
      process.stderr.write(`${summary}${warnings ? `\n${warnings}\n` : ''}\n`);
      return;
    }
    writeAtomically(out, text);
    process.stdout.write(`wrote ${file}: ${summary}\n`);
    if (warnings) process.stderr.write(`${warnings}\n`);
  });
}

/**
 * The text of the file an import merges into (undefined when it does not exist yet). It must be
 * valid before anything is merged into it, and its folder must exist: a mistyped slug should not
 * create a stray incident folder.
 */
export function readMergeTarget(
  out: string,
  validate: (text: string, file: string) => ContentProblem[],
): string | undefined {
  const folder = dirname(out);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new ImportError(
      `the folder ${folder} does not exist; create the incident first (npx aftermath new "Title") or check --out`,
      { file: out },
    );
  }
  if (!existsSync(out)) return undefined;
  const text = readFileSync(out, 'utf8');
  const problems = validate(text, relative(process.cwd(), out) || out);
  if (problems.length)
    throw new ImportError(`fix ${out} before importing into it:\n\n${formatProblems(problems)}`, { file: out });
  return text;
}

/** Writes through a temporary file so an interrupted run never leaves half a file. */
export function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** Network and files for a source's `read`, with every failure worded by the source. */
export const nodeIO: ImportIO = {
  async getJson(url, request) {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: request.headers,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'follow',
      });
    } catch (error) {
      // What went wrong below HTTP: no such host, refused, timed out.
      const err = error as { name?: string; cause?: { code?: string; message?: string } };
      const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
      const reason = err.cause?.code ?? err.cause?.message ?? (error as Error).message;
      throw new ImportError(request.unreachable({ url, timedOut, reason, seconds: TIMEOUT_MS / 1000 }), { file: url });
    }
    const text = await response.text();
    let body: unknown;
    let json = true;
    try {
      body = JSON.parse(text);
    } catch {
      json = false;
    }
    if (!response.ok) {
      const failure = {
        status: response.status,
        statusText: response.statusText,
        url,
        header: (name: string) => response.headers.get(name),
        body,
        now: new Date(),
      };
      throw new ImportError(request.failed(failure), { file: url });
    }
    if (!json) {
      throw new ImportError(
        request.notJson({ url, contentType: response.headers.get('content-type') ?? 'no content type', text }),
        { file: url },
      );
    }
    return body;
  },

  readJsonFile(path, wording) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ImportError(
        code === 'ENOENT' ? wording.missing(path) : `cannot read ${path}: ${(error as Error).message}`,
        { file: path },
      );
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ImportError(wording.notJson(path, (error as Error).message), { file: path });
    }
  },
};

/**
 * Runs an importer's main: a usage error prints the usage (exit 2), an import error its message
 * (exit 1); anything else is a bug and keeps its stack.
 */
async function runImporter(name: string, usage: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${name}: ${error.message}\n\n${usage}`);
      process.exitCode = 2;
    } else if (error instanceof ImportError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  }
}
