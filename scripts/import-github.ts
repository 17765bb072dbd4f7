/**
 * `npm run import:github -- --repo owner/name --items 2624,2641,v4.5.5 [--token …] [--out <history.yaml>]`
 *
 * Reads issues, pull requests and releases from GitHub's REST API and writes them as
 * history.yaml items, merged into the file when it exists (hand-written fields are kept).
 * Without --out the result is printed. The mapping and merge live in src/importers/sources/github.ts; this
 * file only fetches, reads and writes.
 *
 * Exit codes: 0 written, 1 the import failed (the message says why), 2 wrong usage.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { formatProblems } from '../src/schemas/problems.ts';
import { readMergeTarget, runImporter, UsageError, writeAtomically } from './importer.ts';
import {
  DEFAULT_GITHUB_API_URL,
  describeGitHubFailure,
  describeRequest,
  GitHubImportError,
  githubHeaders,
  historyItemFromIssue,
  historyItemFromRelease,
  isPullRequest,
  itemApiUrl,
  mergeHistoryYaml,
  parseItemList,
  parseRepository,
  pullApiUrl,
  validateHistoryText,
  type GitHubIssue,
  type GitHubPull,
  type GitHubRelease,
  type ImportedHistoryItem,
} from '../src/importers/sources/github.ts';

const USAGE = `Usage: npm run import:github -- --repo owner/name --items 2624,2641,v4.5.5 [--token <token>] [--out <history.yaml>]

  --repo <owner/name>  the repository, e.g. redis/redis-py
  --items <list>       issue and pull-request numbers and release tags, separated by commas
  --token <token>      a GitHub token (default: the GITHUB_TOKEN environment variable); public
                       repositories need none, but a token raises the rate limit from 60 to 5,000
                       requests an hour
  --out <file>         the history.yaml to write or merge into, e.g.
                       content/incidents/<slug>/history.yaml (without it, the result is printed)
  --api-url <url>      GitHub's API address (default ${DEFAULT_GITHUB_API_URL}; for GitHub Enterprise)
`;

const TIMEOUT_MS = 30_000;

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: false,
      options: {
        repo: { type: 'string' },
        items: { type: 'string', multiple: true },
        token: { type: 'string' },
        out: { type: 'string' },
        'api-url': { type: 'string', default: DEFAULT_GITHUB_API_URL },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs says what is wrong ("Unknown option '--x'"); the usage below says what is right.
    throw new UsageError((error as Error).message);
  }
}

/** A value on the command line that cannot be right is a usage error (exit code 2). */
function asUsage<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof GitHubImportError) throw new UsageError(error.message);
    throw error;
  }
}

async function main(): Promise<void> {
  const { values } = parseCommandLine();
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!values.repo) throw new UsageError('give the repository with --repo owner/name');
  if (!values.items?.length) throw new UsageError('give the items to import with --items, e.g. --items 2624,2641,v4.5.5');
  const repo = asUsage(() => parseRepository(values.repo));
  const requests = asUsage(() => parseItemList(values.items ?? []));
  const apiUrl = values['api-url'];
  if (!/^https?:\/\//.test(apiUrl)) throw new UsageError(`--api-url must start with https:// (or http://); found "${apiUrl}"`);
  const token = values.token?.trim() || process.env.GITHUB_TOKEN?.trim() || undefined;

  const out = values.out;
  const existing = out ? readMergeTarget(out, validateHistoryText, (message) => new GitHubImportError(message)) : undefined;

  const client = new GitHubClient(apiUrl, token);
  const imported: ImportedHistoryItem[] = [];
  for (const request of requests) {
    const what = describeRequest(repo, request);
    if (request.kind === 'tag') {
      const release = (await client.get(itemApiUrl(apiUrl, repo, request), what)) as GitHubRelease;
      imported.push(historyItemFromRelease(repo, release));
      continue;
    }
    const issue = (await client.get(itemApiUrl(apiUrl, repo, request), what)) as GitHubIssue;
    const pull = isPullRequest(issue) ? ((await client.get(pullApiUrl(apiUrl, repo, request.number), what)) as GitHubPull) : undefined;
    imported.push(historyItemFromIssue(repo, issue, pull));
  }

  const merge = mergeHistoryYaml(existing, imported, repo);
  const file = out ? relative(process.cwd(), out) || out : 'history.yaml';
  const problems = validateHistoryText(merge.text, file);
  if (problems.length) {
    throw new GitHubImportError(`the imported history would not be valid, so nothing was written:\n\n${formatProblems(problems)}`);
  }

  const list = (keys: string[]) => (keys.length ? ` (${keys.join(', ')})` : '');
  const summary =
    `${imported.length} item(s) from ${repo}: ${merge.added.length} added${list(merge.added)}, ` +
    `${merge.updated.length} updated${list(merge.updated)}, ${merge.unchanged.length} unchanged` +
    (merge.relations.length ? `; relations added: ${merge.relations.join(', ')}` : '');
  if (!out) {
    process.stdout.write(merge.text);
    process.stderr.write(`${summary}\n`);
    return;
  }
  writeAtomically(out, merge.text);
  process.stdout.write(`wrote ${file}: ${summary}\n`);
}

/** GET with GitHub's headers, turning every failure into a sentence a person can act on. */
class GitHubClient {
  readonly #apiUrl: string;
  readonly #token: string | undefined;

  constructor(apiUrl: string, token: string | undefined) {
    this.#apiUrl = apiUrl;
    this.#token = token;
  }

  async get(url: string, what: string): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, { headers: githubHeaders(this.#token), signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new GitHubImportError(this.#networkFailure(error, what));
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      throw new GitHubImportError(
        describeGitHubFailure({
          status: response.status,
          statusText: response.statusText,
          url,
          what,
          authenticated: this.#token !== undefined,
          header: (name) => response.headers.get(name),
          body,
          now: new Date(),
        }),
      );
    }
    if (body === undefined) {
      const type = response.headers.get('content-type') ?? 'no content type';
      throw new GitHubImportError(`${url} did not answer with JSON (${type}) for ${what}; is --api-url GitHub's API (${DEFAULT_GITHUB_API_URL})?`);
    }
    return body;
  }

  #networkFailure(error: unknown, what: string): string {
    const err = error as { name?: string; cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      return `no answer from ${this.#apiUrl} within ${TIMEOUT_MS / 1000} s while fetching ${what}; check your connection`;
    }
    const reason = err.cause?.code ?? err.cause?.message ?? (error as Error).message;
    const hint = this.#apiUrl === DEFAULT_GITHUB_API_URL ? 'check your internet connection' : 'check --api-url and your connection';
    return `could not reach ${this.#apiUrl} (${reason}) while fetching ${what}; ${hint}`;
  }
}

await runImporter('import:github', USAGE, GitHubImportError, main);
