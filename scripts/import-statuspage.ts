/**
 * `npm run import:statuspage -- <status page address or JSON file> --incident <id> [--out <timeline.yaml>]`
 *
 * Reads an incident from an Atlassian Statuspage (public API v2) and writes its updates as
 * timeline.yaml entries, merged into the file when it exists. Without --out the result is
 * printed. The mapping lives in src/importers/sources/statuspage.ts; this file only reads, fetches and writes.
 *
 * Exit codes: 0 written, 1 the import failed (the message says why), 2 wrong usage.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { formatProblems } from '../src/schemas/problems.ts';
import { readMergeTarget, runImporter, UsageError, writeAtomically } from './importer.ts';
import {
  importStatuspageIncident,
  resolveStatuspageInput,
  StatuspageImportError,
  validateTimelineText,
  type StatuspageInput,
} from '../src/importers/sources/statuspage.ts';

const USAGE = `Usage: npm run import:statuspage -- <address or file> [--incident <id>] [--out <timeline.yaml>]

  <address or file>  an incident page (https://status.example.com/incidents/abc123), a status
                     page (https://status.example.com, then --incident is needed), its API
                     (…/api/v2/incidents.json or …/api/v2/incidents/<id>.json), or a saved JSON file
  --incident <id>    the incident to import (the last part of its address)
  --out <file>       the timeline.yaml to write or merge into, e.g.
                     content/incidents/<slug>/timeline.yaml (without it, the result is printed)
`;

const TIMEOUT_MS = 30_000;

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        incident: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs says what is wrong ("Unknown option '--x'"); the usage below says what is right.
    throw new UsageError((error as Error).message);
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine();
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'give the status page address or a JSON file' : `expected one address or file, found ${positionals.length}: ${positionals.join(' ')}`);
  }

  const input = resolveInput(positionals[0]!, values.incident);
  const document = input.kind === 'file' ? readJsonFile(input.path) : await fetchJson(input.url);
  const origin = input.kind === 'file' ? input.path : input.url;

  const out = values.out;
  const existing = out ? readMergeTarget(out, validateTimelineText, (message) => new StatuspageImportError(message)) : undefined;
  const result = importStatuspageIncident({
    document,
    incidentId: input.incidentId,
    origin,
    pageUrlFromInput: input.kind === 'url' ? input.pageUrl : undefined,
    existingTimeline: existing,
  });

  const file = out ? relative(process.cwd(), out) || out : 'timeline.yaml';
  const problems = validateTimelineText(result.merge.text, file);
  if (problems.length) {
    throw new StatuspageImportError(`the imported timeline would not be valid, so nothing was written:\n\n${formatProblems(problems)}`);
  }

  const { incident, merge } = result;
  const summary =
    `${incident.name ? `"${incident.name}" ` : ''}(${incident.id}): ${result.entries.length} update(s): ` +
    `${merge.added} added, ${merge.updated} updated, ${merge.unchanged} unchanged; ${merge.kept} other entr${merge.kept === 1 ? 'y' : 'ies'} kept`;
  const warnings = merge.stale.length
    ? `\nwarning: ${merge.stale.length} entr${merge.stale.length === 1 ? 'y cites' : 'ies cite'} this incident but match${merge.stale.length === 1 ? 'es' : ''} no update on the status page; kept as they are (remove them if they are out of date):\n  - ${merge.stale.join('\n  - ')}\n`
    : '';

  if (!out) {
    process.stdout.write(merge.text);
    process.stderr.write(`${summary}${warnings}\n`);
    return;
  }
  writeAtomically(out, merge.text);
  process.stdout.write(`wrote ${file}: ${summary}\n`);
  process.stderr.write(warnings.trimStart());
}

/** An address that cannot be right, or a missing --incident, is a usage error (exit code 2). */
function resolveInput(given: string, incidentId: string | undefined): StatuspageInput {
  try {
    return resolveStatuspageInput(given, incidentId);
  } catch (error) {
    if (error instanceof StatuspageImportError) throw new UsageError(error.message);
    throw error;
  }
}

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StatuspageImportError(
      code === 'ENOENT'
        ? `no such file: ${path}. Give a status page address (https://…) or a JSON file saved from its API`
        : `cannot read ${path}: ${(error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StatuspageImportError(`${path} is not JSON (${(error as Error).message}); save the API's answer (…/api/v2/incidents/<id>.json) as it is`);
  }
}

async function fetchJson(url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Accept: 'application/json', 'User-Agent': 'aftermath-import-statuspage' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'follow',
    });
  } catch (error) {
    throw new StatuspageImportError(networkFailure(url, error));
  }
  if (response.status === 404) {
    throw new StatuspageImportError(
      `incident not found: ${url} answered 404 Not Found. Check the incident id (the last part of the incident's address) and the status page's address`,
    );
  }
  if (!response.ok) {
    throw new StatuspageImportError(`${url} answered ${response.status} ${response.statusText}; try again later, or save the JSON by hand and import the file`);
  }
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    const type = response.headers.get('content-type') ?? 'no content type';
    const start = text.trim().slice(0, 60).replace(/\s+/g, ' ');
    throw new StatuspageImportError(
      `${url} did not answer with JSON (${type}; it starts with "${start}${text.length > 60 ? '…' : ''}"). Is this a Statuspage status page? Give its address, e.g. https://status.example.com/incidents/<id>`,
    );
  }
}

/** What went wrong below HTTP, in words: no such host, refused, timed out. */
function networkFailure(url: string, error: unknown): string {
  const err = error as { name?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') {
    return `no answer from ${url} within ${TIMEOUT_MS / 1000} s; check the address and your connection`;
  }
  const reason = err.cause?.code ?? err.cause?.message ?? (error as Error).message;
  return `could not reach ${url} (${reason}); check the address and your internet connection`;
}

await runImporter('import:statuspage', USAGE, StatuspageImportError, main);
