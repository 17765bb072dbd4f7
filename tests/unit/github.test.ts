import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  closingReferences,
  describeGitHubFailure,
  githubHeaders,
  historyItemFromIssue,
  historyItemFromRelease,
  itemApiUrl,
  parseItemList,
  parseRepository,
  pullApiUrl,
  type GitHubFailure,
  type GitHubIssue,
  type GitHubPull,
  type GitHubRelease,
} from '../../src/importers/sources/github.ts';
import { ImportError } from '../../src/importers/error.ts';
import {
  importedKey,
  mergeHistoryYaml,
  validateHistoryText,
  type ImportedHistoryItem,
} from '../../src/importers/merge/history.ts';
import { historySchema } from '../../src/schemas/history.ts';

const payloads = fileURLToPath(new URL('../fixtures/payloads/github/', import.meta.url));
const load = <T>(name: string): T => JSON.parse(readFileSync(payloads + name, 'utf8')) as T;
const REPO = 'example-org/widget';

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

function fixtureItems(): ImportedHistoryItem[] {
  return [
    historyItemFromIssue(REPO, load<GitHubIssue>('issue-2624.json')),
    historyItemFromIssue(REPO, load<GitHubIssue>('issue-2641.json'), load<GitHubPull>('pull-2641.json')),
    historyItemFromIssue(REPO, load<GitHubIssue>('issue-2650.json'), load<GitHubPull>('pull-2650.json')),
    historyItemFromRelease(REPO, load<GitHubRelease>('release-v4.5.5.json')),
  ];
}

describe('command-line values', () => {
  it('parses --items into numbers and tags, in order, without duplicates', () => {
    expect(parseItemList(['2624, #2641,v4.5.5', '2624', 'release-2024.01'])).toEqual([
      { kind: 'number', number: 2624 },
      { kind: 'number', number: 2641 },
      { kind: 'tag', tag: 'v4.5.5' },
      { kind: 'tag', tag: 'release-2024.01' },
    ]);
  });
  it('rejects empty lists and impossible items', () => {
    expect(errorOf(() => parseItemList([' , ']))).toMatch(/no items to import/);
    expect(errorOf(() => parseItemList(['0']))).toMatch(/"0" is not an issue or pull-request number/);
    expect(errorOf(() => parseItemList(['a#b']))).toMatch(/neither a number nor a release tag/);
  });
  it('checks the repository', () => {
    expect(parseRepository(' redis/redis-py ')).toBe('redis/redis-py');
    expect(errorOf(() => parseRepository('redis'))).toMatch(/owner\/name.*found "redis"/);
  });
  it('builds API addresses', () => {
    expect(itemApiUrl('https://api.github.com', REPO, { kind: 'number', number: 2624 })).toBe(
      'https://api.github.com/repos/example-org/widget/issues/2624',
    );
    expect(itemApiUrl('http://127.0.0.1:9/', REPO, { kind: 'tag', tag: 'v1.0+build/2' })).toBe(
      'http://127.0.0.1:9/repos/example-org/widget/releases/tags/v1.0%2Bbuild%2F2',
    );
    expect(pullApiUrl('https://api.github.com', REPO, 2641)).toBe(
      'https://api.github.com/repos/example-org/widget/pulls/2641',
    );
  });
  it('sends the token only when there is one', () => {
    expect(githubHeaders(undefined)).toMatchObject({ Accept: 'application/vnd.github+json' });
    expect(githubHeaders(undefined)).not.toHaveProperty('Authorization');
    expect(githubHeaders(undefined)['User-Agent']).toBeTruthy();
    expect(githubHeaders('ghp_example')).toMatchObject({ Authorization: 'Bearer ghp_example' });
  });
});

describe('historyItemFromIssue and historyItemFromRelease', () => {
  const [issue, merged, unmerged, release] = fixtureItems();

  it('maps an issue', () => {
    expect(issue).toMatchObject({ type: 'issue', repo: REPO });
    expect(issue!.fields).toEqual({
      type: 'issue',
      number: 2624,
      title: 'Cancelling an async request leaves its reply on the connection',
      author: 'ada-example',
      url: 'https://github.com/example-org/widget/issues/2624',
      opened: '2024-01-17T19:26:22Z',
      closed: '2024-01-22T16:02:51Z',
      state: 'closed',
      labels: ['bug', 'asyncio'],
    });
  });
  it('maps a merged pull request with its branch and merge commit', () => {
    expect(merged!.fields).toMatchObject({
      type: 'pull',
      number: 2641,
      merged: '2024-01-22T16:02:50Z',
      state: 'merged',
      target_branch: 'master',
      merge_commit: '5c1e3a9d0b7f4e2a8c6d1f3b9e0a7c5d2f4b6e8a',
    });
    expect(merged!.fixes).toContain('example-org/widget#2624');
  });
  it('ignores the test merge commit of a pull request that was not merged', () => {
    expect(unmerged!.fields).toMatchObject({
      type: 'pull',
      merged: null,
      merge_commit: null,
      state: 'closed',
      labels: [],
    });
  });
  it('maps a release, titled by its tag when it has no name', () => {
    expect(release!.fields).toEqual({
      type: 'release',
      tag: 'v4.5.5',
      title: '4.5.5: connection safety after cancellation',
      author: 'release-bot-example',
      url: 'https://github.com/example-org/widget/releases/tag/v4.5.5',
      published: '2024-01-22T17:10:45Z',
      state: null,
    });
    const draft = historyItemFromRelease(REPO, { tag_name: 'v5.0.0', name: null, draft: true, published_at: null });
    expect(draft.fields).toMatchObject({ title: 'v5.0.0', published: null, state: 'draft', author: null });
  });
  it('handles missing fields: no body, no labels, null user, open issue', () => {
    const open = historyItemFromIssue(REPO, {
      number: 7,
      title: 'Open',
      user: null,
      state: 'open',
      closed_at: null,
      labels: ['plain-string'],
      body: null,
    });
    expect(open.fields).toMatchObject({ author: null, closed: null, state: 'open', labels: ['plain-string'] });
    expect(open.fixes).toEqual([]);
  });
  it('says what is wrong with an answer it cannot map', () => {
    expect(errorOf(() => historyItemFromIssue(REPO, { number: 1, title: '' }))).toMatch(
      /example-org\/widget#1 has no title/,
    );
    expect(errorOf(() => historyItemFromIssue(REPO, load<GitHubIssue>('issue-2641.json')))).toMatch(
      /is a pull request/,
    );
    expect(errorOf(() => historyItemFromRelease(REPO, { tag_name: '' }))).toMatch(/no tag_name/);
  });
  it('keys items relative to the file’s main repository', () => {
    expect(importedKey(issue!, REPO)).toBe('#2624');
    expect(importedKey(issue!, 'other/main')).toBe('example-org/widget#2624');
    expect(importedKey(release!, REPO)).toBe('v4.5.5');
    expect(importedKey(release!, 'other/main')).toBe('example-org/widget@v4.5.5');
  });
});

describe('closingReferences', () => {
  it('finds every closing keyword form, once each', () => {
    const body = 'Fixes #1. closes #2, Resolved: #3\nfixed #1\nCLOSE example-org/widget#4 and resolves other/lib#5';
    expect(closingReferences(body, REPO, REPO)).toEqual(['#1', '#2', '#3', '#4', 'other/lib#5']);
  });
  it('reads issue and pull-request addresses', () => {
    expect(
      closingReferences(
        'Fixes https://github.com/example-org/widget/issues/12 and fixes https://github.com/other/lib/pull/3',
        REPO,
        REPO,
      ),
    ).toEqual(['#12', 'other/lib#3']);
  });
  it('ignores mentions that do not close anything', () => {
    expect(closingReferences('See #2600; prefixes #9; a fix for #8; fixes the bug in #7', REPO, REPO)).toEqual([]);
  });
  it('writes keys relative to the main repository, which may not be the pull request’s', () => {
    expect(closingReferences('Fixes #12, fixes other/main#3', REPO, 'other/main')).toEqual([
      'example-org/widget#12',
      '#3',
    ]);
  });
});

const HAND_WRITTEN = `# The fix, as the code host records it.
repository: example-org/widget
items:
  - type: issue
    number: 2624
    title: "Old title, fixed by the import"
    author: ada-example
    opened: "2024-01-17"
    labels: [needs-repro, bug]
    note: >-
      The report that started it, wrapped
      by hand.
    confidence: secondary
    source: https://blog.example.com/2024/widgets-api-errors

  - type: commit
    sha: 0123abc
    title: A commit nobody asked the importer about
    committed: "2024-01-21"

  # The fix that held.
  - type: pull
    number: 2641
    title: Close the connection when a request is cancelled mid-flight
    relations:
      - type: reverts
        to: "0123abc"
        note: added by hand
    outcome: landed
`;

describe('mergeHistoryYaml', () => {
  it('writes a new history that the schema accepts, with fixes relations to items in the file', () => {
    const result = mergeHistoryYaml(undefined, fixtureItems(), REPO);
    expect(validateHistoryText(result.text, 'history.yaml')).toEqual([]);
    const history = historySchema.parse(parse(result.text));
    expect(history.repository).toBe(REPO);
    expect(history.items.map((i) => i.type)).toEqual(['issue', 'pull', 'pull', 'release']);
    // #9999 is closed too, but it is not in the file; #2600 is only mentioned.
    expect(history.items[1]!.relations).toEqual([
      { type: 'fixes', to: '#2624' },
      { type: 'fixes', to: '#2650' },
    ]);
    expect(result.relations).toEqual(['#2641 fixes #2624', '#2641 fixes #2650']);
    expect(result.text).toContain('    opened: "2024-01-17T19:26:22Z"\n');
    expect(result.text).toContain('    labels: [bug, asyncio]\n');
  });

  it('only relates to targets that are in the file', () => {
    const [issue, pull] = fixtureItems();
    expect(parse(mergeHistoryYaml(undefined, [pull!], REPO).text).items[0]).not.toHaveProperty('relations');
    expect(parse(mergeHistoryYaml(undefined, [pull!, issue!], REPO).text).items[0].relations).toEqual([
      { type: 'fixes', to: '#2624' },
    ]);
  });

  it('updates what GitHub knows and keeps everything written by hand', () => {
    const result = mergeHistoryYaml(HAND_WRITTEN, fixtureItems(), REPO);
    expect(validateHistoryText(result.text, 'history.yaml')).toEqual([]);
    expect(result).toMatchObject({ added: ['#2650', 'v4.5.5'], updated: ['#2624', '#2641'], unchanged: [] });
    const items = parse(result.text).items as Record<string, unknown>[];
    expect(items.map((i) => i.number ?? i.sha ?? i.tag)).toEqual([2624, '0123abc', 2641, 2650, 'v4.5.5']);

    expect(items[0]).toMatchObject({
      title: 'Cancelling an async request leaves its reply on the connection',
      opened: '2024-01-17T19:26:22Z',
      closed: '2024-01-22T16:02:51Z',
      url: 'https://github.com/example-org/widget/issues/2624',
      labels: ['bug', 'asyncio', 'needs-repro'],
      note: 'The report that started it, wrapped by hand.',
      confidence: 'secondary',
      source: 'https://blog.example.com/2024/widgets-api-errors',
    });
    // New fields land in the schema's order, before the hand-written ones.
    expect(Object.keys(items[0]!)).toEqual([
      'type',
      'number',
      'title',
      'author',
      'url',
      'opened',
      'closed',
      'state',
      'labels',
      'note',
      'confidence',
      'source',
    ]);
    expect(items[2]).toMatchObject({
      merged: '2024-01-22T16:02:50Z',
      outcome: 'landed',
      relations: [
        { type: 'reverts', to: '0123abc', note: 'added by hand' },
        { type: 'fixes', to: '#2624' },
        { type: 'fixes', to: '#2650' },
      ],
    });

    // Untouched items, comments and blank lines keep their text.
    expect(
      result.text.startsWith('# The fix, as the code host records it.\nrepository: example-org/widget\nitems:\n'),
    ).toBe(true);
    expect(result.text).toContain(
      '\n  - type: commit\n    sha: 0123abc\n    title: A commit nobody asked the importer about\n    committed: "2024-01-21"\n\n  # The fix that held.\n  - type: pull\n',
    );
    // New items follow the file's habit of a blank line between items.
    expect(result.text).toContain('    outcome: landed\n\n  - type: pull\n    number: 2650\n');
  });

  it('changes nothing when imported again', () => {
    const first = mergeHistoryYaml(HAND_WRITTEN, fixtureItems(), REPO);
    const second = mergeHistoryYaml(first.text, fixtureItems(), REPO);
    expect(second.text).toBe(first.text);
    expect(second).toMatchObject({ added: [], updated: [], relations: [] });
    expect(second.unchanged).toHaveLength(4);
  });

  it('removes what GitHub no longer reports, such as the closing time of a reopened issue', () => {
    const closed = mergeHistoryYaml(
      undefined,
      [historyItemFromIssue(REPO, { number: 5, title: 'Flaky', state: 'closed', closed_at: '2024-01-02T00:00:00Z' })],
      REPO,
    );
    const reopened = mergeHistoryYaml(
      closed.text,
      [historyItemFromIssue(REPO, { number: 5, title: 'Flaky', state: 'open', closed_at: null })],
      REPO,
    );
    expect(parse(reopened.text).items[0]).toEqual({ type: 'issue', number: 5, title: 'Flaky', state: 'open' });
  });

  it('follows an issue that GitHub reports as a pull request, and back', () => {
    const text = 'repository: example-org/widget\nitems:\n  - type: issue\n    number: 2641\n    title: x\n';
    const asPull = mergeHistoryYaml(text, [fixtureItems()[1]!], REPO);
    expect(parse(asPull.text).items).toHaveLength(1);
    expect(parse(asPull.text).items[0]).toMatchObject({ type: 'pull', merged: '2024-01-22T16:02:50Z' });
    const asIssue = mergeHistoryYaml(
      asPull.text,
      [historyItemFromIssue(REPO, { number: 2641, title: 'x', state: 'open' })],
      REPO,
    );
    expect(parse(asIssue.text).items[0]).not.toHaveProperty('merged');
    expect(validateHistoryText(asIssue.text, 'h.yaml')).toEqual([]);
  });

  it('writes items of another repository with repo, keyed as owner/name#n', () => {
    const text = 'repository: other/main\nitems:\n  - type: issue\n    number: 3\n    title: Main issue\n';
    const pull = historyItemFromIssue(
      REPO,
      { number: 12, title: 'Upstream fix', body: 'Fixes other/main#3', state: 'open', pull_request: {} },
      { state: 'open', merged_at: null, base: { ref: 'main' } },
    );
    const result = mergeHistoryYaml(text, [pull], REPO);
    expect(result.added).toEqual(['example-org/widget#12']);
    const items = parse(result.text).items;
    expect(items[1]).toMatchObject({ type: 'pull', number: 12, repo: REPO, relations: [{ type: 'fixes', to: '#3' }] });
    expect(Object.keys(items[1]).slice(0, 4)).toEqual(['type', 'number', 'repo', 'title']);
    expect(validateHistoryText(result.text, 'h.yaml')).toEqual([]);
    // The same item again is found by its key, not added twice.
    expect(mergeHistoryYaml(result.text, [pull], REPO).added).toEqual([]);
  });

  it('adds the repository to a file without one, and fills an empty file', () => {
    const result = mergeHistoryYaml('items: []\n', [fixtureItems()[0]!], REPO);
    expect(parse(result.text)).toMatchObject({ repository: REPO, items: [{ number: 2624 }] });
    expect(result.text.startsWith('repository: example-org/widget\n')).toBe(true);
    expect(parse(mergeHistoryYaml('', [fixtureItems()[0]!], REPO).text).items).toHaveLength(1);
  });

  it('refuses a file that is not a history', () => {
    expect(errorOf(() => mergeHistoryYaml('- a\n- b\n', fixtureItems(), REPO))).toMatch(/not a mapping/);
    expect(errorOf(() => mergeHistoryYaml('items: [\n', fixtureItems(), REPO))).toMatch(/not valid YAML/);
  });
});

describe('describeGitHubFailure', () => {
  const failure = (over: Partial<GitHubFailure> & { headers?: Record<string, string> }): GitHubFailure => ({
    status: 404,
    statusText: '',
    url: 'https://api.github.com/repos/example-org/widget/issues/2624',
    what: 'example-org/widget#2624',
    authenticated: false,
    body: undefined,
    now: new Date('2024-01-30T12:00:00Z'),
    header: (name) => over.headers?.[name.toLowerCase()] ?? null,
    ...over,
  });

  it('names the item that was not found', () => {
    expect(describeGitHubFailure(failure({}))).toMatch(
      /^example-org\/widget#2624 not found: check the repository and number/,
    );
    expect(describeGitHubFailure(failure({ what: 'example-org/widget release v9', authenticated: true }))).toBe(
      'example-org/widget release v9 not found: check the repository and the tag',
    );
  });
  it('explains a rejected token', () => {
    expect(describeGitHubFailure(failure({ status: 401, body: { message: 'Bad credentials' } }))).toMatch(
      /rejected the token \(401 Bad credentials\).*GITHUB_TOKEN/,
    );
  });
  it('says when the rate limit resets and that a token raises it', () => {
    const message = describeGitHubFailure(
      failure({
        status: 403,
        body: load('rate-limited.json'),
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-limit': '60',
          'x-ratelimit-reset': String(Date.parse('2024-01-30T12:42:00Z') / 1000),
        },
      }),
    );
    expect(message).toContain('rate limit is used up (HTTP 403: API rate limit exceeded for 203');
    expect(message).toContain('It resets at 2024-01-30T12:42:00.000Z (in about 42 min)');
    expect(message).toContain('a token raises it to 5,000: pass --token or set GITHUB_TOKEN');
    const withToken = describeGitHubFailure(
      failure({
        status: 429,
        authenticated: true,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '5000' },
      }),
    );
    expect(withToken).toContain("This token's limit of 5000 requests an hour is spent");
    expect(
      describeGitHubFailure(
        failure({
          status: 403,
          headers: { 'retry-after': '60' },
          body: { message: 'You have exceeded a secondary rate limit.' },
        }),
      ),
    ).toContain('Wait 60 s');
  });
  it('tells a plain refusal and other failures apart from rate limits', () => {
    expect(
      describeGitHubFailure(
        failure({ status: 403, body: { message: 'Resource not accessible by integration' }, authenticated: true }),
      ),
    ).toBe(
      'GitHub refused access to example-org/widget#2624 (403: Resource not accessible by integration): the token may lack access to this repository',
    );
    expect(describeGitHubFailure(failure({ status: 502, statusText: 'Bad Gateway' }))).toBe(
      'GitHub answered 502 Bad Gateway for example-org/widget#2624 (https://api.github.com/repos/example-org/widget/issues/2624)',
    );
  });
});
