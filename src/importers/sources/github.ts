/**
 * GitHub (REST API v3) as a history source: which items to ask for and where, how issues, pull
 * requests and releases become history items, which "fixes #123" lines become relations, and
 * what to say when GitHub says no.
 */
import { ImportError } from '../error.ts';
import { sameRepo, type HistoryFieldValue, type ImportedHistoryItem } from '../merge/history.ts';
import type { HistorySource, HttpFailure, ImportIO, JsonRequest } from '../source.ts';

/** github.com's API; GitHub Enterprise serves the same API at `https://<host>/api/v3`. */
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

// ---------------------------------------------------------------------------------------------
// What to import
// ---------------------------------------------------------------------------------------------

/** One entry of `--items`: an issue or pull-request number, or a release tag. */
export type ItemRequest = { kind: 'number'; number: number } | { kind: 'tag'; tag: string };

const REPOSITORY = /^[\w.-]+\/[\w.-]+$/;

/** Checks `owner/name` (the form history.yaml uses) and returns it trimmed. */
export function parseRepository(text: string | undefined): string {
  const repo = text?.trim() ?? '';
  if (!REPOSITORY.test(repo)) {
    throw new ImportError(
      `expected --repo as owner/name, e.g. redis/redis-py; found ${repo ? `"${repo}"` : 'nothing'}`,
      { field: '--repo' },
    );
  }
  return repo;
}

/**
 * Parses `--items` values such as `2624,2641,v4.5.5` (several `--items` may be given): digits,
 * with or without `#`, are issue or pull-request numbers; anything else is a release tag.
 * Duplicates are dropped, the first order is kept.
 */
export function parseItemList(values: readonly string[]): ItemRequest[] {
  const requests: ItemRequest[] = [];
  const seen = new Set<string>();
  for (const raw of values.flatMap((v) => v.split(/[,\s]+/))) {
    const text = raw.trim();
    if (!text) continue;
    const number = /^#?(\d+)$/.exec(text);
    if (number) {
      const n = Number(number[1]);
      if (n <= 0 || !Number.isSafeInteger(n))
        throw new ImportError(`"${text}" is not an issue or pull-request number`, { field: '--items' });
      if (!seen.has(`#${n}`)) requests.push({ kind: 'number', number: n });
      seen.add(`#${n}`);
    } else {
      if (/[\s#]/.test(text))
        throw new ImportError(`"${text}" is neither a number nor a release tag`, { field: '--items' });
      if (!seen.has(text)) requests.push({ kind: 'tag', tag: text });
      seen.add(text);
    }
  }
  if (requests.length === 0) {
    throw new ImportError(
      'no items to import: give --items with issue or pull-request numbers and release tags, e.g. --items 2624,2641,v4.5.5',
      { field: '--items' },
    );
  }
  return requests;
}

/** How an item is named in messages: `owner/name#2624` or `owner/name release v4.5.5`. */
export function describeRequest(repo: string, request: ItemRequest): string {
  return request.kind === 'number' ? `${repo}#${request.number}` : `${repo} release ${request.tag}`;
}

function apiBase(apiUrl: string, repo: string): string {
  const [owner, name] = repo.split('/') as [string, string];
  return `${apiUrl.replace(/\/+$/, '')}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

/** `GET /repos/{owner}/{repo}/issues/{n}` (pull requests are issues too) or `/releases/tags/{tag}`. */
export function itemApiUrl(apiUrl: string, repo: string, request: ItemRequest): string {
  return request.kind === 'number'
    ? `${apiBase(apiUrl, repo)}/issues/${request.number}`
    : `${apiBase(apiUrl, repo)}/releases/tags/${encodeURIComponent(request.tag)}`;
}

/** `GET /repos/{owner}/{repo}/pulls/{n}`: where merged_at, base.ref and merge_commit_sha are. */
export function pullApiUrl(apiUrl: string, repo: string, number: number): string {
  return `${apiBase(apiUrl, repo)}/pulls/${number}`;
}

/** Headers for every request; the token is sent only when there is one. */
export function githubHeaders(token: string | undefined): Record<string, string> {
  return {
    Accept: 'application/vnd.github+json',
    'X-GitHub-Api-Version': '2022-11-28',
    'User-Agent': 'aftermath-import-github',
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// GitHub's answers → history items
// ---------------------------------------------------------------------------------------------

interface GitHubUser {
  login?: string | null;
}

/** The fields of `GET /issues/{n}` this importer reads. */
export interface GitHubIssue {
  number: number;
  title?: string | null;
  body?: string | null;
  user?: GitHubUser | null;
  html_url?: string | null;
  state?: string | null;
  created_at?: string | null;
  closed_at?: string | null;
  labels?: (string | { name?: string | null })[] | null;
  /** Present (an object) when the issue is a pull request. */
  pull_request?: Record<string, unknown> | null;
}

/** The fields of `GET /pulls/{n}` this importer reads. */
export interface GitHubPull {
  number?: number;
  state?: string | null;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  base?: { ref?: string | null } | null;
}

/** The fields of `GET /releases/tags/{tag}` this importer reads. */
export interface GitHubRelease {
  tag_name: string;
  name?: string | null;
  html_url?: string | null;
  author?: GitHubUser | null;
  published_at?: string | null;
  created_at?: string | null;
  draft?: boolean | null;
  prerelease?: boolean | null;
}

/** True when GitHub's answer for an issue number is a pull request. */
export function isPullRequest(issue: GitHubIssue): boolean {
  return issue.pull_request !== undefined && issue.pull_request !== null;
}

function text(value: string | null | undefined): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function labelNames(labels: GitHubIssue['labels']): string[] {
  return (labels ?? []).flatMap((l) => {
    const name = typeof l === 'string' ? l : l?.name;
    return typeof name === 'string' && name.trim() ? [name.trim()] : [];
  });
}

/**
 * Maps `GET /issues/{n}` (and, for a pull request, `GET /pulls/{n}`) to a history item. A pull
 * request is `merged` when GitHub says so; its merge commit is recorded only then, because
 * before a merge GitHub's `merge_commit_sha` names a throwaway test merge.
 */
export function historyItemFromIssue(repo: string, issue: GitHubIssue, pull?: GitHubPull): ImportedHistoryItem {
  const where = `${repo}#${issue.number}`;
  const title = text(issue.title);
  if (!title)
    throw new ImportError(`${where} has no title in GitHub's answer; is the API address right?`, { field: 'title' });
  const isPull = isPullRequest(issue);
  if (isPull && !pull) throw new ImportError(`${where} is a pull request, but its /pulls details were not fetched`);
  const merged = isPull ? text(pull?.merged_at) : null;
  const fields: Record<string, HistoryFieldValue> = {
    type: isPull ? 'pull' : 'issue',
    number: issue.number,
    title,
    author: text(issue.user?.login),
    url: text(issue.html_url),
    opened: text(issue.created_at),
    ...(isPull ? { merged } : {}),
    closed: text(issue.closed_at),
    state: merged ? 'merged' : text(pull?.state ?? issue.state),
    ...(isPull
      ? { target_branch: text(pull?.base?.ref), merge_commit: merged ? text(pull?.merge_commit_sha) : null }
      : {}),
    labels: labelNames(issue.labels),
  };
  return {
    type: isPull ? 'pull' : 'issue',
    repo,
    fields,
    fixes: isPull ? closingReferences(issue.body ?? '', repo) : [],
  };
}

/** Maps `GET /releases/tags/{tag}` to a history item; a release without a name is titled by its tag. */
export function historyItemFromRelease(repo: string, release: GitHubRelease): ImportedHistoryItem {
  const tag = text(release.tag_name);
  if (!tag)
    throw new ImportError(`a release of ${repo} has no tag_name in GitHub's answer; is the API address right?`, {
      field: 'tag_name',
    });
  const fields: Record<string, HistoryFieldValue> = {
    type: 'release',
    tag,
    title: text(release.name) ?? tag,
    author: text(release.author?.login),
    url: text(release.html_url),
    published: text(release.published_at),
    state: release.draft ? 'draft' : release.prerelease ? 'prerelease' : null,
  };
  return { type: 'release', repo, fields, fixes: [] };
}

/**
 * GitHub's closing keywords (close, closes, closed, fix, fixes, fixed, resolve, resolves,
 * resolved), each followed by one reference: `#123`, `owner/name#123`, or an issue or
 * pull-request address.
 */
const CLOSING_REFERENCE =
  /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*(?::\s*|\s+)(?:([\w.-]+\/[\w.-]+)?#(\d+)|https?:\/\/[^/\s]+\/([\w.-]+\/[\w.-]+)\/(?:issues|pull)\/(\d+))\b/gi;

/**
 * The keys of the items a pull request's description says it closes ("Fixes #2624"), as
 * history.yaml writes them: `#2624` in `mainRepo`, `owner/name#12` elsewhere (always, without
 * `mainRepo`). A bare `#123` means the pull request's own repository.
 */
export function closingReferences(body: string, repo: string, mainRepo?: string): string[] {
  const keys: string[] = [];
  for (const match of body.matchAll(CLOSING_REFERENCE)) {
    const target = match[1] ?? match[3] ?? repo;
    const number = Number(match[2] ?? match[4]);
    const key = sameRepo(target, mainRepo) ? `#${number}` : `${target}#${number}`;
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// When GitHub says no
// ---------------------------------------------------------------------------------------------

/** An HTTP answer that was not 2xx, with what was asked for and whether a token was sent. */
export interface GitHubFailure extends HttpFailure {
  /** What was asked for, e.g. `owner/name#2624`. */
  what: string;
  /** Whether the request carried a token. */
  authenticated: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function githubMessage(body: unknown): string | undefined {
  return isRecord(body) && typeof body.message === 'string' ? body.message : undefined;
}

/** A sentence for a failed request: what was asked, what GitHub said, and what to do about it. */
export function describeGitHubFailure(failure: GitHubFailure): string {
  const { status, what, authenticated } = failure;
  const message = githubMessage(failure.body);
  if (status === 404) {
    const check = what.includes(' release ') ? 'check the repository and the tag' : 'check the repository and number';
    return `${what} not found: ${check}${authenticated ? '' : ' (a private repository needs --token or GITHUB_TOKEN)'}`;
  }
  if (status === 401) {
    return `GitHub rejected the token (401${message ? ` ${message}` : ''}): check --token or GITHUB_TOKEN; public repositories need no token`;
  }
  const remaining = failure.header('x-ratelimit-remaining');
  const retryAfter = failure.header('retry-after');
  const rateLimited =
    (status === 403 || status === 429) &&
    (remaining === '0' || retryAfter !== null || /rate limit/i.test(message ?? ''));
  if (rateLimited) {
    const parts = [
      `GitHub's API rate limit is used up (HTTP ${status}${message ? `: ${message.split('.')[0]}` : ''}) while fetching ${what}.`,
    ];
    const reset = Number(failure.header('x-ratelimit-reset'));
    if (retryAfter !== null && Number.isFinite(Number(retryAfter))) {
      parts.push(`Wait ${Number(retryAfter)} s before trying again.`);
    } else if (Number.isFinite(reset) && reset > 0) {
      const resetAt = new Date(reset * 1000);
      const minutes = Math.max(0, Math.ceil((resetAt.getTime() - failure.now.getTime()) / 60_000));
      parts.push(`It resets at ${resetAt.toISOString()} (in about ${minutes} min).`);
    }
    const limit = failure.header('x-ratelimit-limit');
    parts.push(
      authenticated
        ? `This token's limit${limit ? ` of ${limit} requests an hour` : ''} is spent; wait for the reset.`
        : `Without a token the limit is ${limit ?? '60'} requests an hour; a token raises it to 5,000: pass --token or set GITHUB_TOKEN.`,
    );
    return parts.join(' ');
  }
  if (status === 403) {
    return `GitHub refused access to ${what} (403${message ? `: ${message}` : ''})${authenticated ? ': the token may lack access to this repository' : ': a private repository needs --token or GITHUB_TOKEN'}`;
  }
  return `GitHub answered ${status}${failure.statusText ? ` ${failure.statusText}` : ''} for ${what} (${failure.url})${message ? `: ${message}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// The source
// ---------------------------------------------------------------------------------------------

/** What to import: the repository, its items, and how to reach GitHub. */
export interface GitHubRequest {
  repo: string;
  items: ItemRequest[];
  /** GitHub's API address ({@link DEFAULT_GITHUB_API_URL}, or GitHub Enterprise's). */
  apiUrl: string;
  token: string | undefined;
}

/** GitHub's answers for one requested item. */
export type GitHubAnswer =
  { kind: 'issue'; issue: GitHubIssue; pull: GitHubPull | undefined } | { kind: 'release'; release: GitHubRelease };

/** How a request for `what` can fail, in words. */
function githubRequest(request: GitHubRequest, what: string): JsonRequest {
  const { apiUrl, token } = request;
  return {
    headers: githubHeaders(token),
    failed: (failure) => describeGitHubFailure({ ...failure, what, authenticated: token !== undefined }),
    notJson: ({ url, contentType }) =>
      `${url} did not answer with JSON (${contentType}) for ${what}; is --api-url GitHub's API (${DEFAULT_GITHUB_API_URL})?`,
    unreachable: ({ timedOut, reason, seconds }) => {
      if (timedOut) return `no answer from ${apiUrl} within ${seconds} s while fetching ${what}; check your connection`;
      const hint =
        apiUrl === DEFAULT_GITHUB_API_URL ? 'check your internet connection' : 'check --api-url and your connection';
      return `could not reach ${apiUrl} (${reason}) while fetching ${what}; ${hint}`;
    },
  };
}

/** GitHub: issues, pull requests and releases as history items. */
export const github: HistorySource<GitHubRequest, GitHubAnswer[]> = {
  name: 'github',
  target: 'history',

  /** One request per issue or release, and one more per pull request for its merge details. */
  async read(request: GitHubRequest, io: ImportIO): Promise<GitHubAnswer[]> {
    const { apiUrl, repo } = request;
    const answers: GitHubAnswer[] = [];
    for (const item of request.items) {
      const ask = githubRequest(request, describeRequest(repo, item));
      if (item.kind === 'tag') {
        answers.push({
          kind: 'release',
          release: (await io.getJson(itemApiUrl(apiUrl, repo, item), ask)) as GitHubRelease,
        });
        continue;
      }
      const issue = (await io.getJson(itemApiUrl(apiUrl, repo, item), ask)) as GitHubIssue;
      const pull = isPullRequest(issue)
        ? ((await io.getJson(pullApiUrl(apiUrl, repo, item.number), ask)) as GitHubPull)
        : undefined;
      answers.push({ kind: 'issue', issue, pull });
    }
    return answers;
  },

  map(answers, { repo }) {
    return {
      items: answers.map((a) =>
        a.kind === 'release' ? historyItemFromRelease(repo, a.release) : historyItemFromIssue(repo, a.issue, a.pull),
      ),
      repository: repo,
      subject: repo,
    };
  },
};
