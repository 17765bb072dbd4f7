/**
 * `npx aftermath import github --repo owner/name --items 2624,2641,v4.5.5 [--token …] [--out <history.yaml>]`
 *
 * Reads issues, pull requests and releases from GitHub's REST API and writes them as
 * history.yaml items, merged into the file when it exists (hand-written fields are kept).
 * Without --out the result is printed. The source is src/importers/sources/github.ts; this file
 * only reads the command line.
 *
 * Exit codes: 0 written, 1 the import failed (the message says why), 2 wrong usage.
 */
import { UsageError } from '../errors.ts';
import { asUsage, runImport } from './importer.ts';
import { DEFAULT_GITHUB_API_URL, github, parseItemList, parseRepository } from '../importers/sources/github.ts';

export const USAGE = `usage: aftermath import github --repo owner/name --items 2624,2641,v4.5.5 [--token <token>] [--out <history.yaml>]

  --repo <owner/name>  the repository, e.g. redis/redis-py
  --items <list>       issue and pull-request numbers and release tags, separated by commas
  --token <token>      a GitHub token (default: the GITHUB_TOKEN environment variable); public
                       repositories need none, but a token raises the rate limit from 60 to 5,000
                       requests an hour
  --out <file>         the history.yaml to write or merge into, e.g.
                       content/incidents/<slug>/history.yaml (without it, the result is printed)
  --api-url <url>      GitHub's API address (default ${DEFAULT_GITHUB_API_URL}; for GitHub Enterprise)
`;

/** `aftermath import github …` */
export function run(args: string[]): Promise<void> {
  return runImport(args, {
    command: 'aftermath import github',
    usage: USAGE,
    source: github,
    options: {
      repo: { type: 'string' },
      items: { type: 'string', multiple: true },
      token: { type: 'string' },
      'api-url': { type: 'string', default: DEFAULT_GITHUB_API_URL },
    },
    request(values) {
      if (!values.repo) throw new UsageError('give the repository with --repo owner/name');
      if (!values.items?.length)
        throw new UsageError('give the items to import with --items, e.g. --items 2624,2641,v4.5.5');
      const repo = asUsage(() => parseRepository(values.repo));
      const items = asUsage(() => parseItemList(values.items ?? []));
      const apiUrl = values['api-url'];
      if (!/^https?:\/\//.test(apiUrl))
        throw new UsageError(`--api-url must start with https:// (or http://); found "${apiUrl}"`);
      const token = values.token?.trim() || process.env.GITHUB_TOKEN?.trim() || undefined;
      return { repo, items, apiUrl, token };
    },
  });
}
