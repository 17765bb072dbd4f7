/**
 * GitHub (REST API v3) → `history.yaml`: which items to ask for and where, how issues, pull
 * requests and releases become history items, which "fixes #123" lines become relations, how
 * an import merges into a file an author has already edited, and what to say when GitHub says no.
 *
 * Everything here is pure; fetching and files are `scripts/import-github.ts`'s job. Errors are
 * {@link GitHubImportError}s whose message is meant to be printed as it is.
 */
import { Document, isMap, isSeq, parseDocument, Scalar, YAMLMap, type YAMLSeq } from 'yaml';
import { historySchema, type HistoryItem } from '../../schemas/history.ts';
import { parseYaml, problemsFromZod, type ContentProblem } from '../../schemas/problems.ts';
import { historyKey } from '../../domain/history-keys.ts';
// The text-preserving writer is shared with the Statuspage importer, where it was first needed.
import { setInOrder, writeEditedSequence, type SequencePlanItem } from '../yaml-edit.ts';

/** A problem with the input, GitHub's answer or the result, worded for the person running the import. */
export class GitHubImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitHubImportError';
  }
}

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
    throw new GitHubImportError(`expected --repo as owner/name, e.g. redis/redis-py; found ${repo ? `"${repo}"` : 'nothing'}`);
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
      if (n <= 0 || !Number.isSafeInteger(n)) throw new GitHubImportError(`"${text}" is not an issue or pull-request number`);
      if (!seen.has(`#${n}`)) requests.push({ kind: 'number', number: n });
      seen.add(`#${n}`);
    } else {
      if (/[\s#]/.test(text)) throw new GitHubImportError(`"${text}" is neither a number nor a release tag`);
      if (!seen.has(text)) requests.push({ kind: 'tag', tag: text });
      seen.add(text);
    }
  }
  if (requests.length === 0) {
    throw new GitHubImportError('no items to import: give --items with issue or pull-request numbers and release tags, e.g. --items 2624,2641,v4.5.5');
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

/** Field values an import writes; `null` means GitHub has none (so the field is removed). */
type FieldValue = string | number | string[] | null;

/** A history item as GitHub describes it, ready to merge. */
export interface ImportedHistoryItem {
  type: 'issue' | 'pull' | 'release';
  /** The repository it was read from, `owner/name`. */
  repo: string;
  /** Everything GitHub knows, in the order a new item is written (`repo` is added by the merge). */
  fields: Record<string, FieldValue>;
  /** The pull request's description, where "fixes #123" lines are found. */
  body: string;
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
 * The item's key as history.yaml writes it (`#2641`, `v4.5.5`, `owner/name#12`): relative to
 * the file's main repository, which need not be the one the item was read from.
 */
export function importedKey(item: ImportedHistoryItem, mainRepo: string): string {
  const written = { ...item.fields, repo: sameRepo(item.repo, mainRepo) ? undefined : item.repo } as unknown as HistoryItem;
  return historyKey(written, mainRepo);
}

/** GitHub treats owner and repository names case-insensitively. */
function sameRepo(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/**
 * Maps `GET /issues/{n}` (and, for a pull request, `GET /pulls/{n}`) to a history item. A pull
 * request is `merged` when GitHub says so; its merge commit is recorded only then, because
 * before a merge GitHub's `merge_commit_sha` names a throwaway test merge.
 */
export function historyItemFromIssue(repo: string, issue: GitHubIssue, pull?: GitHubPull): ImportedHistoryItem {
  const where = `${repo}#${issue.number}`;
  const title = text(issue.title);
  if (!title) throw new GitHubImportError(`${where} has no title in GitHub's answer; is the API address right?`);
  const isPull = isPullRequest(issue);
  if (isPull && !pull) throw new GitHubImportError(`${where} is a pull request, but its /pulls details were not fetched`);
  const merged = isPull ? text(pull?.merged_at) : null;
  const fields: Record<string, FieldValue> = {
    type: isPull ? 'pull' : 'issue',
    number: issue.number,
    title,
    author: text(issue.user?.login),
    url: text(issue.html_url),
    opened: text(issue.created_at),
    ...(isPull ? { merged } : {}),
    closed: text(issue.closed_at),
    state: merged ? 'merged' : text(pull?.state ?? issue.state),
    ...(isPull ? { target_branch: text(pull?.base?.ref), merge_commit: merged ? text(pull?.merge_commit_sha) : null } : {}),
    labels: labelNames(issue.labels),
  };
  return { type: isPull ? 'pull' : 'issue', repo, fields, body: issue.body ?? '' };
}

/** Maps `GET /releases/tags/{tag}` to a history item; a release without a name is titled by its tag. */
export function historyItemFromRelease(repo: string, release: GitHubRelease): ImportedHistoryItem {
  const tag = text(release.tag_name);
  if (!tag) throw new GitHubImportError(`a release of ${repo} has no tag_name in GitHub's answer; is the API address right?`);
  const fields: Record<string, FieldValue> = {
    type: 'release',
    tag,
    title: text(release.name) ?? tag,
    author: text(release.author?.login),
    url: text(release.html_url),
    published: text(release.published_at),
    state: release.draft ? 'draft' : release.prerelease ? 'prerelease' : null,
  };
  return { type: 'release', repo, fields, body: '' };
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
 * history.yaml writes them: `#2624` in the main repository, `owner/name#12` elsewhere. A bare
 * `#123` means the pull request's own repository.
 */
export function closingReferences(body: string, repo: string, mainRepo: string): string[] {
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
// Merging into an existing history.yaml
// ---------------------------------------------------------------------------------------------

/** What a merge did, for the importer's report. */
export interface HistoryMergeResult {
  text: string;
  added: string[];
  /** Items that were in the file and changed. */
  updated: string[];
  /** Items that were in the file and are already up to date. */
  unchanged: string[];
  /** `fixes` relations added from pull-request descriptions, as `#2641 → #2624`. */
  relations: string[];
}

/** The order of historyItemSchema's fields, for fields added to an existing item. */
const HISTORY_FIELD_ORDER = [
  'type', 'number', 'tag', 'sha', 'id', 'repo', 'aliases', 'title', 'author', 'url', 'opened', 'merged', 'closed', 'committed', 'published',
  'state', 'target_branch', 'merge_commit', 'severity', 'cvss', 'affected', 'fixed_in', 'labels', 'relations', 'confidence', 'note', 'source', 'outcome',
];

/** Fields only a pull request has; an item GitHub now calls an issue must not keep them. */
const PULL_ONLY_FIELDS = ['merged', 'target_branch', 'merge_commit'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The key of an item as written in the file (types issue and pull share `#n` keys). */
function existingKey(item: unknown, mainRepo: string | undefined): string | undefined {
  if (!isRecord(item) || typeof item.type !== 'string') return undefined;
  try {
    return historyKey(item as unknown as HistoryItem, mainRepo).toLowerCase();
  } catch {
    return undefined;
  }
}

function quoteTimestamps(node: unknown): void {
  if (!isMap(node)) return;
  for (const field of ['opened', 'merged', 'closed', 'published']) {
    const value = node.get(field, true);
    // Timestamps are quoted across the project's content, as the schema's messages advise.
    if (value instanceof Scalar) value.type = Scalar.QUOTE_DOUBLE;
  }
}

/**
 * Merges imported items into the text of an existing history.yaml (or none). An item already
 * in the file (same key) gets every field GitHub knows refreshed (a field GitHub reports empty,
 * such as `closed` of a reopened issue, is removed); labels an author added are kept after
 * GitHub's; fields GitHub does not know (note, outcome, confidence, source, relations) are
 * kept. New items are appended in the order given; nothing is removed or reordered, and items
 * that do not change keep their text as written. A pull request whose description closes an
 * item that is in the file gets a `fixes` relation to it.
 */
export function mergeHistoryYaml(existingText: string | undefined, imported: readonly ImportedHistoryItem[], repo: string): HistoryMergeResult {
  const source = existingText?.trim() ? existingText : undefined;
  const doc = parseDocument(source ?? '{}\n');
  if (doc.errors.length) throw new GitHubImportError(`the existing history is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (doc.contents === null) (doc as Document).contents = doc.createNode({});
  if (!isMap(doc.contents)) throw new GitHubImportError('the existing history is not a mapping with "repository" and "items"; fix it before importing');
  const root = doc.contents as unknown as YAMLMap<unknown, unknown>;
  // An empty mapping or list is written `{}` or `[]`; what is added to it is written as blocks.
  if (root.items.length === 0) root.flow = false;

  let rewriteWhole = source === undefined;
  const existingRepo = root.get('repository');
  const mainRepo = typeof existingRepo === 'string' ? existingRepo : repo;
  if (typeof existingRepo !== 'string') {
    setInOrder(root as YAMLMap, 'repository', repo, ['repository', 'items']);
    rewriteWhole = true;
  }
  let seq: unknown = root.get('items', true);
  if (!isSeq(seq)) {
    seq = doc.createNode([]) as YAMLSeq;
    setInOrder(root as YAMLMap, 'items', seq, ['repository', 'items']);
    rewriteWhole = true;
  }
  const items = seq as YAMLSeq<unknown>;
  if (items.items.length === 0) items.flow = false;
  const existing = (items.toJSON() as unknown[]) ?? [];
  const existingKeys = existing.map((item) => existingKey(item, mainRepo));

  const importedKeys = imported.map((item) => importedKey(item, mainRepo));
  const keysInFile = new Map<string, string>();
  for (const key of importedKeys) keysInFile.set(key.toLowerCase(), key);
  existing.forEach((item, i) => {
    const key = existingKeys[i];
    if (key && isRecord(item)) keysInFile.set(key, historyKey(item as unknown as HistoryItem, mainRepo));
  });

  const plan: SequencePlanItem[] = existing.map((_, i) => ({ original: i, changed: false }));
  const result: HistoryMergeResult = { text: '', added: [], updated: [], unchanged: [], relations: [] };

  for (const [n, item] of imported.entries()) {
    const key = importedKeys[n]!;
    const fixes = item.type === 'pull'
      ? closingReferences(item.body, item.repo, mainRepo).flatMap((target) => {
          const inFile = keysInFile.get(target.toLowerCase());
          return inFile && inFile.toLowerCase() !== key.toLowerCase() ? [inFile] : [];
        })
      : [];
    const index = existingKeys.findIndex((k, i) => k === key.toLowerCase() && sameKind(existing[i], item.type));

    const node: YAMLMap = index >= 0 ? (items.items[index] as YAMLMap) : new YAMLMap();
    const before = JSON.stringify(node.toJSON());
    applyFields(doc, node, item, index < 0 && !sameRepo(item.repo, mainRepo) ? item.repo : undefined);
    for (const to of fixes) {
      if (addRelation(doc, node, to)) result.relations.push(`${key} fixes ${to}`);
    }
    quoteTimestamps(node);

    if (index < 0) {
      plan.push({ added: node });
      result.added.push(key);
    } else if (JSON.stringify(node.toJSON()) !== before) {
      (plan[index] as { changed: boolean }).changed = true;
      result.updated.push(key);
    } else {
      result.unchanged.push(key);
    }
  }

  result.text = writeEditedSequence(rewriteWhole ? undefined : source, doc as Document, items, plan);
  return result;
}

/** Issue and pull request share numbers (GitHub may turn one into the other); releases are apart. */
function sameKind(existing: unknown, type: ImportedHistoryItem['type']): boolean {
  const old = isRecord(existing) ? existing.type : undefined;
  return type === 'release' ? old === 'release' : old === 'issue' || old === 'pull';
}

/** Writes GitHub's fields onto an item; `foreignRepo` is written as `repo` on a new item from another repository. */
function applyFields(doc: Document.Parsed | Document, node: YAMLMap, item: ImportedHistoryItem, foreignRepo: string | undefined): void {
  for (const [field, value] of Object.entries(item.fields)) {
    if (field === 'labels') {
      // GitHub's labels first, then any an author added by hand that GitHub does not have.
      const own = Array.isArray(value) ? value : [];
      const previous = node.get('labels');
      const written = isSeq(previous) ? (previous.toJSON() as unknown[]).filter((l): l is string => typeof l === 'string') : [];
      const labels = [...own, ...written.filter((l) => !own.includes(l))];
      if (labels.length === 0) node.delete('labels');
      else if (JSON.stringify(labels) !== JSON.stringify(written)) setInOrder(node, 'labels', doc.createNode(labels, { flow: true }), HISTORY_FIELD_ORDER);
      continue;
    }
    if (value === null) node.delete(field);
    else setScalar(doc, node, field, value);
    if (foreignRepo && (field === 'number' || field === 'tag')) setInOrder(node, 'repo', foreignRepo, HISTORY_FIELD_ORDER);
  }
  if (item.type === 'issue') for (const field of PULL_ONLY_FIELDS) node.delete(field);
}

/** Sets a scalar field, leaving the written node (and its quoting) alone when the value is the same. */
function setScalar(doc: Document.Parsed | Document, node: YAMLMap, field: string, value: string | number | string[]): void {
  const current = node.get(field, true);
  if (current instanceof Scalar && current.value === value) return;
  setInOrder(node, field, doc.createNode(value), HISTORY_FIELD_ORDER);
}

/** Adds `{type: fixes, to}` unless the item already has that relation; true when it was added. */
function addRelation(doc: Document.Parsed | Document, node: YAMLMap, to: string): boolean {
  let relations: unknown = node.get('relations', true);
  const present = isSeq(relations) ? (relations.toJSON() as unknown[]) : [];
  if (present.some((r) => isRecord(r) && r.type === 'fixes' && typeof r.to === 'string' && r.to.toLowerCase() === to.toLowerCase())) return false;
  if (!isSeq(relations)) {
    relations = doc.createNode([]) as YAMLSeq;
    setInOrder(node, 'relations', relations, HISTORY_FIELD_ORDER);
  }
  (relations as YAMLSeq<unknown>).items.push(doc.createNode({ type: 'fixes', to }));
  return true;
}

/** Validates a history.yaml text with the same schema and messages as the site's build. */
export function validateHistoryText(text: string, file: string): ContentProblem[] {
  const parsed = parseYaml(text, file);
  if (Array.isArray(parsed)) return parsed;
  const result = historySchema.safeParse(parsed.data ?? undefined, { reportInput: true });
  return result.success ? [] : problemsFromZod(result.error, file, parsed);
}

// ---------------------------------------------------------------------------------------------
// When GitHub says no
// ---------------------------------------------------------------------------------------------

/** An HTTP answer that was not 2xx, reduced to what the message needs. */
export interface GitHubFailure {
  status: number;
  statusText: string;
  url: string;
  /** What was asked for, e.g. `owner/name#2624`. */
  what: string;
  /** Whether the request carried a token. */
  authenticated: boolean;
  /** Reads a response header (case-insensitive). */
  header(name: string): string | null;
  /** GitHub's JSON error body, when there was one. */
  body: unknown;
  now: Date;
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
  const rateLimited = (status === 403 || status === 429) && (remaining === '0' || retryAfter !== null || /rate limit/i.test(message ?? ''));
  if (rateLimited) {
    const parts = [`GitHub's API rate limit is used up (HTTP ${status}${message ? `: ${message.split('.')[0]}` : ''}) while fetching ${what}.`];
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
