/**
 * The shared half of every importer: the merge that keeps hand edits, run for Statuspage, GitHub
 * and two made-up sources (a pager and a ticket tracker) through the same importPayload, and
 * sources reading through an injected IO.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../src/importers/error.ts';
import {
  importPayload,
  type HistorySource,
  type ImportIO,
  type ImportSource,
  type JsonRequest,
  type TimelineSource,
} from '../../src/importers/source.ts';
import { statuspage, type StatuspageInput, type StatuspagePayload } from '../../src/importers/sources/statuspage.ts';
import { github, parseItemList, type GitHubAnswer, type GitHubRequest } from '../../src/importers/sources/github.ts';

const payloads = fileURLToPath(new URL('../fixtures/payloads/', import.meta.url));
const load = (name: string): unknown => JSON.parse(readFileSync(payloads + name, 'utf8'));

// ---------------------------------------------------------------------------------------------
// Two sources that exist only here: what a new importer would be
// ---------------------------------------------------------------------------------------------

interface PagerLog {
  incident: { id: string; url: string; title: string };
  log: { at: string; type: 'trigger' | 'ack' | 'resolve'; note?: string }[];
}

const PAGER_KINDS = { trigger: 'detected', ack: 'communication', resolve: 'mitigated' } as const;

const pager: TimelineSource<{ id: string }, PagerLog> = {
  name: 'pager',
  target: 'timeline',
  kinds: Object.values(PAGER_KINDS),
  words: { subject: 'page', entry: 'log entry', origin: 'the pager' },
  async read(request, io) {
    return (await io.getJson(`https://pager.example.com/api/incidents/${request.id}`, refusing)) as PagerLog;
  },
  map({ incident, log }) {
    return {
      entries: log.map((e) => ({
        at: e.at,
        kind: PAGER_KINDS[e.type],
        title: e.type,
        ...(e.note ? { body: e.note } : {}),
        source: incident.url,
        confidence: 'verified' as const,
      })),
      sources: [incident.url],
      subject: `${incident.title} (${incident.id})`,
    };
  },
};

interface Tickets {
  project: string;
  tickets: {
    n: number;
    title: string;
    state: 'open' | 'closed';
    labels?: string[];
    fixes?: number[];
    change?: boolean;
  }[];
}

const tracker: HistorySource<{ project: string }, Tickets> = {
  name: 'tracker',
  target: 'history',
  async read(request, io) {
    return (await io.getJson(`https://tracker.example.com/${request.project}.json`, refusing)) as Tickets;
  },
  map({ project, tickets }) {
    return {
      items: tickets.map((t) => ({
        type: t.change ? ('pull' as const) : ('issue' as const),
        repo: project,
        fields: {
          type: t.change ? 'pull' : 'issue',
          number: t.n,
          title: t.title,
          state: t.state,
          labels: t.labels ?? [],
        },
        fixes: (t.fixes ?? []).map((n) => `${project}#${n}`),
      })),
      repository: project,
      subject: project,
    };
  },
};

const refusing: JsonRequest = {
  headers: {},
  failed: ({ status, url }) => `${url} answered ${status}`,
  notJson: ({ url }) => `${url} is not JSON`,
  unreachable: ({ url }) => `${url} is unreachable`,
};

/** An IO that answers from a table and records what was asked. */
function fakeIO(
  answers: Record<string, unknown>,
): ImportIO & { asked: { url: string; headers: Record<string, string> }[] } {
  const asked: { url: string; headers: Record<string, string> }[] = [];
  return {
    asked,
    async getJson(url, request) {
      asked.push({ url, headers: request.headers });
      if (!(url in answers)) {
        throw new ImportError(
          request.failed({
            status: 404,
            statusText: 'Not Found',
            url,
            header: () => null,
            body: undefined,
            now: new Date(0),
          }),
          { file: url },
        );
      }
      return answers[url];
    },
    readJsonFile(path, wording) {
      if (!(path in answers)) throw new ImportError(wording.missing(path), { file: path });
      return answers[path];
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Timeline: the same promises for every source
// ---------------------------------------------------------------------------------------------

const PAGER_URL = 'https://pager.example.com/incidents/P42';
const pagerLog: PagerLog = {
  incident: { id: 'P42', url: PAGER_URL, title: 'Checkout latency' },
  log: [
    { at: '2024-05-01T10:00:00Z', type: 'trigger', note: 'p99 over 2 s' },
    { at: '2024-05-01T10:04:00Z', type: 'ack' },
    { at: '2024-05-01T10:30:00Z', type: 'resolve', note: 'rolled back' },
  ],
};

interface TimelineCase {
  source: ImportSource<never, unknown>;
  payload: unknown;
  request: unknown;
  /** An address the source writes as `source`, and a kind it writes. */
  address: string;
  kind: string;
}

const timelineCases: [string, TimelineCase][] = [
  [
    'statuspage',
    {
      source: statuspage as ImportSource<never, unknown>,
      payload: {
        document: load('statuspage/incident-fx3nq8mw0t2k.json'),
        origin: 'incident.json',
      } satisfies StatuspagePayload,
      request: { kind: 'file', path: 'incident.json', incidentId: undefined } satisfies StatuspageInput,
      address: 'https://status.example.com/incidents/fx3nq8mw0t2k',
      kind: 'update',
    },
  ],
  [
    'pager',
    {
      source: pager as ImportSource<never, unknown>,
      payload: pagerLog,
      request: { id: 'P42' },
      address: PAGER_URL,
      kind: 'communication',
    },
  ],
];

const HAND_TIMELINE = `# Times in UTC unless an offset says otherwise.
- at: "2024-01-01T00:00:00Z"
  kind: trigger
  title: Written by hand, from the postmortem
  source: https://blog.example.com/postmortem
  confidence: verified
`;

describe.each(timelineCases)('the shared timeline merge, importing from %s', (_name, c) => {
  const run = (existing: string | undefined) =>
    importPayload(c.source, c.payload as never, c.request as never, existing);

  it('keeps hand-written entries byte for byte and changes nothing on a second run', () => {
    const first = run(HAND_TIMELINE);
    expect(first.text.startsWith(HAND_TIMELINE)).toBe(true);
    expect(first.summary).toMatch(/: (\d+) .*\(s\): \1 added, 0 updated, 0 unchanged; 1 other entry kept$/);
    const second = run(first.text);
    expect(second.text).toBe(first.text);
    expect(second.summary).toMatch(/0 added, 0 updated, \d+ unchanged/);
  });

  it("keeps an author's title and refs on an imported entry", () => {
    const first = run(undefined);
    const entries = parse(first.text) as { title: string }[];
    const title = entries[0]!.title;
    const edited = first.text.replace(`title: ${title}\n`, 'title: A better title, by hand\n  refs: ["#12"]\n');
    expect(edited).not.toBe(first.text);
    const again = run(edited);
    expect(again.text).toBe(edited);
    expect(parse(again.text)[0]).toMatchObject({ title: 'A better title, by hand', refs: ['#12'] });
  });

  it('warns about an entry that cites the source but is no longer there, and keeps it', () => {
    const stale = `- at: "2000-01-01T00:00:00Z"\n  kind: ${c.kind}\n  title: Gone from the source\n  source: ${c.address}\n  confidence: verified\n`;
    const result = run(stale);
    expect(result.text.startsWith(stale)).toBe(true);
    expect(result.warnings).toMatch(
      /^warning: 1 entry cites this .* but matches no .* on .*:\n {2}- 2000-01-01T00:00:00Z .*Gone from the source$/,
    );
  });

  it('refuses a file that is not a timeline with a neutral ImportError naming the file', () => {
    expect(() => run('at: x\n')).toThrow(ImportError);
    try {
      importPayload(c.source, c.payload as never, c.request as never, 'at: x\n', 'incident/timeline.yaml');
    } catch (error) {
      expect(error).toMatchObject({
        file: 'incident/timeline.yaml',
        message: expect.stringMatching(/not a list of entries/),
      });
    }
  });
});

describe('a new timeline source', () => {
  it('reports in its own words and never touches entries of other sources', () => {
    const statuspageText = importPayload(
      statuspage,
      timelineCases[0]![1].payload as StatuspagePayload,
      timelineCases[0]![1].request as StatuspageInput,
      undefined,
    ).text;
    const result = importPayload(pager, pagerLog, { id: 'P42' }, statuspageText);
    expect(result.summary).toBe(
      'Checkout latency (P42): 3 log entry(s): 3 added, 0 updated, 0 unchanged; 5 other entries kept',
    );
    // Its entries land in time order after the status page's (which are all earlier).
    expect(result.text.startsWith(statuspageText)).toBe(true);
    expect((parse(result.text) as { kind: string }[]).slice(-3).map((e) => e.kind)).toEqual([
      'detected',
      'communication',
      'mitigated',
    ]);
  });

  it('fails the import when the result would not be valid, naming the file', () => {
    const broken = { ...pagerLog, log: [{ at: '2024-05-01', type: 'trigger' as const }] };
    expect(() => importPayload(pager, broken, { id: 'P42' }, undefined, 'x/timeline.yaml')).toThrow(
      /the imported timeline would not be valid, so nothing was written:[\s\S]*x\/timeline\.yaml/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// History: the same promises for every source
// ---------------------------------------------------------------------------------------------

const githubAnswers: GitHubAnswer[] = [
  { kind: 'issue', issue: load('github/issue-2624.json') as never, pull: undefined },
  { kind: 'issue', issue: load('github/issue-2641.json') as never, pull: load('github/pull-2641.json') as never },
];
const tickets: Tickets = {
  project: 'acme/tracker',
  tickets: [
    { n: 2624, title: 'Checkout is slow', state: 'closed', labels: ['perf'] },
    { n: 2641, title: 'Roll back the cache change', state: 'closed', change: true, fixes: [2624] },
  ],
};

const historyCases: [
  string,
  { source: ImportSource<never, unknown>; payload: unknown; request: unknown; repo: string },
][] = [
  [
    'github',
    {
      source: github as ImportSource<never, unknown>,
      payload: githubAnswers,
      request: { repo: 'example-org/widget', items: [], apiUrl: '', token: undefined } satisfies GitHubRequest,
      repo: 'example-org/widget',
    },
  ],
  [
    'tracker',
    {
      source: tracker as ImportSource<never, unknown>,
      payload: tickets,
      request: { project: 'acme/tracker' },
      repo: 'acme/tracker',
    },
  ],
];

describe.each(historyCases)('the shared history merge, importing from %s', (_name, c) => {
  const run = (existing: string | undefined) =>
    importPayload(c.source, c.payload as never, c.request as never, existing);
  const handWritten = (repo: string) => `# Kept by hand.
repository: ${repo}
items:
  - type: issue
    number: 2624
    title: Old title
    labels: [by-hand]
    note: >-
      Found by a customer,
      wrapped by hand.
    outcome: landed

  - type: advisory
    id: CVE-2024-0001
    title: Nobody imports this
`;

  it('refreshes what the source knows, keeps what an author wrote, relates fixes, and is idempotent', () => {
    const text = handWritten(c.repo);
    const first = run(text);
    expect(first.summary).toMatch(
      new RegExp(
        `^2 item\\(s\\) from ${c.repo}: 1 added \\(#2641\\), 1 updated \\(#2624\\), 0 unchanged; relations added: #2641 fixes #2624$`,
      ),
    );
    const items = parse(first.text).items as Record<string, unknown>[];
    expect(items[0]).toMatchObject({ note: 'Found by a customer, wrapped by hand.', outcome: 'landed' });
    expect((items[0]!.labels as string[]).at(-1)).toBe('by-hand');
    expect(items[0]!.title).not.toBe('Old title');
    expect(first.text).toContain('\n  - type: advisory\n    id: CVE-2024-0001\n    title: Nobody imports this\n');
    expect(first.text.startsWith('# Kept by hand.\n')).toBe(true);
    expect(items[2]).toMatchObject({ type: 'pull', number: 2641, relations: [{ type: 'fixes', to: '#2624' }] });
    expect(run(first.text).text).toBe(first.text);
  });

  it('keys items of another repository with it', () => {
    const result = run('repository: someone/else\nitems: []\n');
    expect(result.summary).toContain(`2 added (${c.repo}#2624, ${c.repo}#2641)`);
    expect(parse(result.text).items[1].relations).toEqual([{ type: 'fixes', to: `${c.repo}#2624` }]);
  });

  it('refuses a file that is not a history with a neutral ImportError', () => {
    expect(() => run('- a\n')).toThrow(ImportError);
  });
});

// ---------------------------------------------------------------------------------------------
// Reading through the IO the driver gives
// ---------------------------------------------------------------------------------------------

describe('sources read through the injected IO', () => {
  it('statuspage asks the API address, or reads the saved file', async () => {
    const url = 'https://status.example.com/api/v2/incidents/abc.json';
    const io = fakeIO({ [url]: { incident: { id: 'abc' } }, 'saved.json': { incident: { id: 'def' } } });
    const fromUrl = await statuspage.read(
      { kind: 'url', url, incidentId: 'abc', pageUrl: 'https://status.example.com' },
      io,
    );
    expect(fromUrl).toEqual({ document: { incident: { id: 'abc' } }, origin: url });
    expect(io.asked[0]!.headers['User-Agent']).toBe('aftermath-import-statuspage');
    expect(await statuspage.read({ kind: 'file', path: 'saved.json', incidentId: undefined }, io)).toMatchObject({
      origin: 'saved.json',
    });
    await expect(statuspage.read({ kind: 'file', path: 'missing.json', incidentId: undefined }, io)).rejects.toThrow(
      /^no such file: missing\.json/,
    );
    await expect(
      statuspage.read(
        { kind: 'url', url: 'https://x.example.com/api/v2/incidents/nope.json', incidentId: 'nope', pageUrl: '' },
        io,
      ),
    ).rejects.toThrow(/^incident not found: .* answered 404/);
  });

  it('github asks for each item, and for the pull request details only of pull requests', async () => {
    const api = 'https://ghe.example.com/api/v3/repos/example-org/widget';
    const io = fakeIO({
      [`${api}/issues/2624`]: load('github/issue-2624.json'),
      [`${api}/issues/2641`]: load('github/issue-2641.json'),
      [`${api}/pulls/2641`]: load('github/pull-2641.json'),
    });
    const request: GitHubRequest = {
      repo: 'example-org/widget',
      items: [
        { kind: 'number', number: 2624 },
        { kind: 'number', number: 2641 },
      ],
      apiUrl: 'https://ghe.example.com/api/v3',
      token: 't0k',
    };
    const answers = await github.read(request, io);
    expect(io.asked.map((a) => a.url)).toEqual([`${api}/issues/2624`, `${api}/issues/2641`, `${api}/pulls/2641`]);
    expect(io.asked.every((a) => a.headers.Authorization === 'Bearer t0k')).toBe(true);
    expect(github.map(answers, request).items.map((i) => i.type)).toEqual(['issue', 'pull']);
    await expect(github.read({ ...request, items: [{ kind: 'tag', tag: 'v9' }] }, io)).rejects.toThrow(
      'example-org/widget release v9 not found: check the repository and the tag',
    );
  });

  it('errors say which file or option they are about', () => {
    expect(() => parseItemList(['0'])).toThrow(expect.objectContaining({ name: 'ImportError', field: '--items' }));
    expect(() =>
      statuspage.map(
        { document: [], origin: 'saved.json' },
        { kind: 'file', path: 'saved.json', incidentId: undefined },
      ),
    ).toThrow(
      expect.objectContaining({
        file: 'saved.json',
        message: expect.stringMatching(/^saved\.json is not a Statuspage API document/),
      }),
    );
  });

  it('a made-up source reads the same way', async () => {
    const io = fakeIO({ 'https://pager.example.com/api/incidents/P42': pagerLog });
    expect(await pager.read({ id: 'P42' }, io)).toBe(pagerLog);
    await expect(tracker.read({ project: 'nope' }, io)).rejects.toMatchObject({
      name: 'ImportError',
      file: 'https://tracker.example.com/nope.json',
    });
  });
});
