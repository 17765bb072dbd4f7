import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import { factsBoundTo, factFindings, momentBound, normalizePercent, percentMentions } from '../../src/domain/facts.ts';
import { historyKey } from '../../src/domain/history-keys.ts';
import { reportToFixRelease } from '../../src/domain/metrics.ts';
import { factsSchema } from '../../src/schemas/facts.ts';
import { frontmatter, history, timeline } from '../support/data.ts';

const facts = factsSchema.parse([
  {
    key: 'start',
    value: '2023-03-20T01:00:00-07:00',
    label: 'start',
    source: 'https://example.com/pm',
    confidence: 'verified',
    matches: [{ frontmatter: 'started' }, { timeline: { kind: 'trigger' } }],
  },
  { key: 'share', value: '1.2%', label: 'share', source: 'https://example.com/pm', confidence: 'verified' },
  {
    key: 'merged',
    value: '2023-03-22T16:03:50Z',
    label: 'merged',
    source: 'https://example.com/pr',
    confidence: 'verified',
    matches: [{ history: { ref: '#2641', field: 'merged' } }],
  },
]);
const base = {
  frontmatter: frontmatter({ started: '2023-03-20T08:00:00Z', summary: 'About 1.2 % of users.' }),
  timeline: timeline([{ at: '2023-03-20T01:00:00-07:00', kind: 'trigger' }]),
  history: history([{ type: 'pull', number: 2641, title: 'Fix', merged: '2023-03-22T16:03:50Z' }]),
  percents: [],
};

describe('factFindings', () => {
  it('finds nothing when every statement agrees (the same moment in another offset agrees)', () => {
    expect(factFindings(facts, base)).toEqual([]);
  });
  it('reports a frontmatter time that disagrees, naming both values', () => {
    const [finding] = factFindings(facts, {
      ...base,
      frontmatter: frontmatter({ started: '2023-03-20T02:00:00-07:00', summary: 'x' }),
    });
    expect(finding).toMatchObject({ fact: 0, field: 'matches[0]' });
    expect(finding!.message).toContain('2023-03-20T02:00:00-07:00');
    expect(finding!.message).toContain('the fact "start" says 2023-03-20T01:00:00-07:00');
  });
  it('reports a timeline or history entry that is missing or disagrees', () => {
    const findings = factFindings(facts, {
      ...base,
      timeline: [],
      history: history([{ type: 'pull', number: 2641, title: 'Fix', merged: '2023-03-23T16:03:50Z' }]),
    });
    expect(findings.map((f) => f.fact)).toEqual([0, 2]);
    expect(findings[0]!.message).toContain('no "trigger" entry');
    expect(findings[1]!.message).toContain("history.yaml's #2641 merged is 2023-03-23T16:03:50Z");
  });
  it('reports a percentage in the prose or summary that no fact backs', () => {
    const findings = factFindings(facts, {
      ...base,
      frontmatter: frontmatter({ started: '2023-03-20T08:00:00Z', summary: 'About 1.3% of users.' }),
      percents: percentMentions('We saw 1.2 % and 5%.\n\n```\n99%\n```', 10),
    });
    expect(findings.map((f) => [f.field, f.line, f.message.split(' ')[0]])).toEqual([
      ['text', 10, '5%'],
      ['summary', 0, '1.3%'],
    ]);
  });
  it('rejects duplicate keys', () => {
    expect(factFindings([...facts, facts[1]!], base)).toEqual([
      { fact: 3, field: 'key', message: 'the key "share" is already used by fact [1]' },
    ]);
  });
});

describe('facts that answer the summary card', () => {
  const cause = factsSchema.parse([
    {
      key: 'cause',
      value: 'a regular expression that backtracks',
      label: 'Root cause, in the postmortem',
      source: 'https://example.com/pm',
      confidence: 'verified',
      matches: [{ frontmatter: 'root_cause' }],
    },
    {
      key: 'first-page',
      value: '2023-03-20T01:03:00-07:00',
      label: 'First page',
      source: 'https://example.com/pm',
      confidence: 'estimated',
      matches: [{ frontmatter: 'detection' }, { frontmatter: 'detected' }],
    },
  ]);

  it('accepts a binding to each card field', () => {
    for (const field of ['trigger', 'root_cause', 'detection', 'resolution'])
      expect(
        factsSchema.safeParse([
          {
            key: 'k',
            value: 'v',
            label: 'l',
            source: 'https://example.com',
            confidence: 'verified',
            matches: [{ frontmatter: field }],
          },
        ]).success,
        field,
      ).toBe(true);
  });

  it('reports a card field the frontmatter leaves out although a fact answers it, naming the field and the fix', () => {
    const findings = factFindings(cause, {
      ...base,
      frontmatter: frontmatter({
        started: '2023-03-20T08:00:00Z',
        detected: '2023-03-20T01:03:00-07:00',
        summary: 'x',
      }),
    });
    expect(findings).toEqual([
      { fact: 0, field: 'matches[0]', message: expect.stringContaining('the frontmatter has no root_cause') },
      { fact: 1, field: 'matches[0]', message: expect.stringContaining('the frontmatter has no detection') },
    ]);
    expect(findings[0]!.message).toContain('"Root cause"');
    expect(findings[0]!.message).toContain('"unknown"');
    expect(findings[0]!.message).toContain('Add root_cause:');
  });

  it("accepts the card field in the author's own words: the line is not compared with the value", () => {
    expect(
      factFindings(cause, {
        ...base,
        frontmatter: frontmatter({
          started: '2023-03-20T08:00:00Z',
          detected: '2023-03-20T01:03:00-07:00',
          summary: 'x',
          root_cause: 'One rule’s regular expression backtracked without bound',
          detection: 'A page about three minutes after the deploy',
        }),
      }),
    ).toEqual([]);
  });

  it('still compares a moment bound beside a card field', () => {
    const findings = factFindings(cause, {
      ...base,
      frontmatter: frontmatter({
        started: '2023-03-20T08:00:00Z',
        detected: '2023-03-20T01:10:00-07:00',
        summary: 'x',
        root_cause: 'r',
        detection: 'd',
      }),
    });
    expect(findings).toEqual([
      { fact: 1, field: 'matches[1]', message: expect.stringContaining("the frontmatter's detected") },
    ]);
  });

  it('lists the facts bound to a card field, with their place in facts.yaml', () => {
    expect(factsBoundTo(cause, 'root_cause').map((f) => [f.fact.key, f.index])).toEqual([['cause', 0]]);
    expect(factsBoundTo(cause, 'trigger')).toEqual([]);
  });
});

describe('readers', () => {
  it('normalises percentages', () => {
    expect(normalizePercent('1.2 %')).toBe('1.2%');
    expect(normalizePercent('1.2 percent')).toBe('1.2%');
  });
  it('ignores percentages inside <Fact>, inline code and fences', () => {
    expect(percentMentions('<Fact k="share" /> and `50%` and 7%', 1).map((p) => p.value)).toEqual(['7%']);
  });
});

describe('bounds on unknown moments', () => {
  const bound = (value: string, side = 'not-before') =>
    factsSchema.parse([
      {
        key: 'offline',
        value,
        label: 'offline',
        source: 'https://example.com/pm',
        confidence: 'estimated',
        bound: { moment: 'mitigated', side },
      },
    ]);

  it('gives the header the bound of an unknown moment', () => {
    const found = momentBound(bound('2023-03-20T10:00:00-07:00'), 'mitigated');
    expect(found).toMatchObject({ index: 0, side: 'not-before', at: { iso: '2023-03-20T10:00:00-07:00' } });
    expect(momentBound(bound('2023-03-20T10:00:00-07:00'), 'resolved')).toBeUndefined();
  });
  it('accepts a known moment on the right side of its bound', () => {
    expect(
      factFindings(bound('2023-03-20T10:00:00-07:00'), {
        ...base,
        frontmatter: frontmatter({ mitigated: '2023-03-20T11:00:00-07:00' }),
      }).filter((f) => f.field === 'bound'),
    ).toEqual([]);
  });
  it('reports a known moment that breaks its bound, naming both', () => {
    const [finding] = factFindings(bound('2023-03-20T10:00:00-07:00'), {
      ...base,
      frontmatter: frontmatter({ mitigated: '2023-03-20T09:00:00-07:00' }),
    });
    expect(finding).toMatchObject({ fact: 0, field: 'bound' });
    expect(finding!.message).toContain('mitigated is 2023-03-20T09:00:00-07:00');
    expect(finding!.message).toContain('not before 2023-03-20T10:00:00-07:00');
    const [after] = factFindings(bound('2023-03-20T10:00:00-07:00', 'not-after'), {
      ...base,
      frontmatter: frontmatter({ mitigated: '2023-03-20T11:00:00-07:00' }),
    });
    expect(after!.message).toContain('not after');
  });
  it('requires a bound to be a timestamp', () => {
    expect(factFindings(bound('2023-03-20'), base)).toContainEqual({
      fact: 0,
      field: 'bound',
      message: expect.stringContaining('must be a timestamp with an offset'),
    });
  });
  it('rejects a bound on a moment that cannot be bounded, with a friendly message', () => {
    const result = factsSchema.safeParse([
      {
        key: 'x',
        value: '2023-03-20T10:00:00Z',
        label: 'x',
        source: 'https://example.com',
        confidence: 'verified',
        bound: { moment: 'started', side: 'not-before' },
      },
    ]);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual([0, 'bound', 'moment']);
    expect(result.error!.issues[0]!.message).toContain('expected moment to be one of: detected, mitigated, resolved');
  });
});

/**
 * The flagship's sourced claims (issue 13): each assertion fails if the content regresses to a
 * state the fact-check found wrong.
 */
describe('flagship content', () => {
  const { incidents, problems } = readArchive(resolve(import.meta.dirname, '../..'));
  const flagship = incidents.find((i) => i.slug === '2023-03-20-chatgpt-redis-py')!;
  const fact = (key: string) => flagship.facts.find((f) => f.key === key)!;
  const item = (key: string) =>
    flagship.history.items.find((i) => historyKey(i, flagship.history.repository) === key)! as Record<
      string,
      unknown
    > & { note?: string; confidence: string; relations: { type: string; to: string }[] };
  const body = flagship.body;
  const section = (heading: string) => {
    const start = body.indexOf(`\n${heading}\n`);
    expect(start, heading).toBeGreaterThan(-1);
    const next = body.slice(start + heading.length + 2).search(/\n#{2,3} /);
    return next === -1 ? body.slice(start) : body.slice(start, start + heading.length + 2 + next);
  };

  it('is valid, so every binding in facts.yaml agrees with the frontmatter, timeline and history', () => {
    expect(problems).toEqual([]);
  });

  it('says #2579 reported the bug first, on 7 February 2023 against 4.4.2, and that #2624 calls it the same', () => {
    expect(fact('issue-2579-opened')).toMatchObject({
      value: '2023-02-07',
      confidence: 'verified',
      matches: [{ history: { ref: '#2579', field: 'opened' } }],
    });
    expect(fact('issue-2579-version')).toMatchObject({ value: '4.4.2', confidence: 'verified' });
    expect(item('#2579').opened).toMatchObject({ iso: '2023-02-07' });
    expect(item('#2579').relations).toContainEqual(expect.objectContaining({ type: 'caused-by', to: '#2104' }));
    expect(fact('issue-2624-same-as').value).toContain('#2579');
    expect(item('#2624').note).toContain('same as #2579');
    // The report-to-fix metric counts from the first report, not from #2624.
    expect(reportToFixRelease(flagship.history).report?.label).toBe('Issue #2579 opened');
    const happened = section('## What happened');
    for (const key of ['issue-2579-opened', 'issue-2579-version', 'issue-2624-same-as'])
      expect(happened).toContain(`<Fact k="${key}" />`);
    expect(happened).not.toMatch(/reported to redis-py three days before/);
  });

  it('labels the inferences: the nine-hour window, the 4.5.2 coincidence, the going-offline bound', () => {
    const window = flagship.timeline.find((e) => e.kind === 'note' && e.title.includes('nine-hour window'))!;
    expect(window).toMatchObject({ confidence: 'estimated', at: { iso: '2023-03-20T10:00:00-07:00' } });
    expect(window.confidence_note).toMatch(/^inference/);
    const end = flagship.timeline.find((e) => e.kind === 'impact-end')!;
    expect(end.body).not.toMatch(/nine-hour window/);
    expect(fact('nine-hour-window-span').confidence).toBe('estimated');
    expect(item('#2627').note).toMatch(/Inference, not\s+a sourced fact/);
    expect(fact('release-4-5-2-coincidence')).toMatchObject({ value: 'a coincidence', confidence: 'estimated' });
    expect(fact('offline-not-before')).toMatchObject({
      confidence: 'estimated',
      value: fact('window-end').value,
      bound: { moment: 'mitigated', side: 'not-before' },
    });
    expect(flagship.frontmatter.mitigated).toBeNull();
    expect(flagship.frontmatter.summary).not.toMatch(/between 01:00 and 10:00/);
  });

  it('marks the early reprint without the card type as secondary, and the edit as an inference', () => {
    const para = section('## Who was affected, and how')
      .split('\n\n')
      .find((p) => p.includes('reprint'))!;
    expect(para).toMatch(/secondary source/);
    expect(para).toMatch(/inference/);
    expect(para).not.toMatch(/\(An early reprint/);
  });

  it("shows the two disagreeing secondary reports, Tecnoblog's span and Época's 17:54 PDT, labelled, and picks neither", () => {
    const tecnoblog =
      'https://tecnoblog.net/noticias/chatgpt-tem-bug-que-mostra-titulos-de-conversas-de-outros-usuarios/';
    expect(fact('tecnoblog-outage-span')).toMatchObject({
      confidence: 'secondary',
      value: 'about 10:00 to 14:00 Pacific time',
      source: tecnoblog,
    });
    expect(fact('tecnoblog-outage-span').note).toMatch(/14h \(horário de Brasília\)[\s\S]*até cerca de 18h/);
    expect(fact('last-status-update')).toMatchObject({ confidence: 'secondary', value: '2023-03-20T17:54:00-07:00' });
    expect(fact('status-outage-length')).toMatchObject({ confidence: 'secondary', value: 'about four hours' });
    const item = section('## What is known and what is not')
      .split('\n- ')
      .find((p) => p.startsWith('**When ChatGPT came back.**'))!;
    expect(item).toContain('<Fact k="tecnoblog-outage-span" />');
    expect(item).toContain('<Fact k="last-status-update" />');
    expect(item).toMatch(/two secondary\s+reports disagree/);
    expect(item).toMatch(/does not choose between them/);
    // Both ends are in the timeline, marked secondary, and the 17:54 entry names the disagreement.
    const end = flagship.timeline.find((e) => e.source === tecnoblog && e.at.iso === '2023-03-20T14:00:00-07:00')!;
    expect(end).toMatchObject({ confidence: 'secondary', approximate: true });
    expect(
      flagship.timeline.find((e) => e.source === tecnoblog && e.at.iso === '2023-03-20T10:00:00-07:00'),
    ).toMatchObject({ confidence: 'secondary' });
    const update = flagship.timeline.find((e) => e.kind === 'update')!;
    expect(update).toMatchObject({ confidence: 'secondary', at: { iso: '2023-03-20T17:54:00-07:00' } });
    expect(update.body).toMatch(/Tecnoblog/);
    expect(update.body).toMatch(/disagree/);
  });

  it('labels the aicmty.com reprint as a secondary source wherever the page relies on it', () => {
    const reprint = flagship.frontmatter.sources.find((s) => s.url === 'https://www.aicmty.com/15607.html')!;
    expect(reprint.note).toMatch(/secondary source/i);
    const mentions = body.split('\n\n').filter((p) => p.includes('aicmty.com'));
    expect(mentions.length).toBeGreaterThanOrEqual(2);
    for (const p of mentions) expect(p).toMatch(/secondary\s+source/);
    // The objections to #2666 cite the pull request itself, not only the reprint.
    expect(section('### Second attempt: shield every command (4.5.4)')).toContain('<Ref to="#2666" />');
  });

  it('carries the research-only measurements as a fact, measured outside this site, and cites it where they are used', () => {
    const matrix = fact('research-matrix');
    expect(matrix).toMatchObject({ confidence: 'verified', source: 'https://github.com/redis/redis-py' });
    for (const v of ['4.2.0', '4.3.5', '4.3.6', '4.4.0rc1', '4.4.0rc2', '4.4.3'])
      expect(String(matrix.value)).toContain(v);
    expect(matrix.label).toMatch(/not\s+recorded by this site's runner/);
    expect(matrix.note).toMatch(/Python 3\.11\.2[\s\S]*redis-server 7\.0\.15[\s\S]*0\.1 s each way/);
    expect(section('## The advisories')).toContain('<Fact k="research-matrix" />');
    expect(section('## Reproducing it')).toContain('<Fact k="research-matrix" />');
    expect(section('### Second attempt: shield every command (4.5.4)')).toContain('<Fact k="research-matrix" />');
    expect(body).not.toMatch(/read\(\) called while another/);
  });

  it('describes the cluster path of #2641 as a shielded read that finishes, not a disconnect', () => {
    const first = section('### First attempt: shield pipelines and cluster reads (4.5.3)');
    expect(first).toMatch(/ClusterNode\.execute_command/);
    expect(first).toMatch(/Nothing is\s+closed/);
    expect(body).toContain('Poisoned --> Idle: shielded read finishes (cluster from 4.4.3 and 4.5.3');
    expect(body).not.toMatch(/Poisoned --> Desynchronised:[^\n]*4\.4\.0 to 4\.4\.3/);
    expect(item('#2641').note).toMatch(/nothing is\s+closed on that path/);
  });

  it('says of the five lessons and verdicts (issue 24) only what their sources support', () => {
    const item = (heading: string, start: string) =>
      section(heading)
        .split('\n- ')
        .find((p) => p.startsWith(start))!;
    // 1. The bug was public before the outage; the page dates it instead of saying the outage made it visible.
    const well = item('## What went well', '**The open-source side shipped a first fix two days after the outage.**');
    for (const key of ['issue-2579-opened', 'issue-2624-opened', 'pr-2641-merged', 'pr-2695-merged'])
      expect(well, key).toContain(`<Fact k="${key}" />`);
    expect(well).toMatch(/"swiftly\s+addressing the bug"/);
    expect(body).not.toMatch(/once the outage made the bug visible/);
    // 2. The test did not detect the bug; that it passes either way is labelled as a reading.
    const wrong = item('## What went wrong', '**The first fix was incomplete, and its test did not detect the bug.**');
    expect(wrong).toMatch(/this page's reading of the test's code/);
    expect(body).not.toMatch(/could not fail/);
    // 3. Expectations exist for 15 of the 21 proxied cells, and all 15 are met.
    const lessons = section('## Lessons');
    expect(lessons).toMatch(
      /each of the 15 releases with a recorded expectation ended with the\s+verdict expected of it/,
    );
    expect(lessons).toMatch(/the\s+other six, 4\.2\.1 to 4\.3\.3, have no recorded expectation/);
    expect(body).not.toMatch(/every proxied cell ends with the verdict/);
    const proxy = flagship.repros.find((r) => r.id === 'cancel-race-proxy')!;
    const cells = proxy.results!.cells;
    expect(cells).toHaveLength(21);
    expect(cells.filter((c) => c.expectation === 'met')).toHaveLength(15);
    expect(cells.filter((c) => c.expectation === 'none').map((c) => c.version)).toEqual([
      '4.2.1',
      '4.2.2',
      '4.3.0',
      '4.3.1',
      '4.3.2',
      '4.3.3',
    ]);
    // 4. The trigger was OpenAI's own server change, not a change in traffic; the pairing is labelled.
    expect(lessons).toMatch(/OpenAI's own server change/);
    expect(lessons).toMatch(/by this page's\s+choice/);
    expect(body).not.toMatch(/A change in traffic turns latent bugs into incidents/);
    // 5. What the redundant check achieves is labelled as an inference.
    expect(lessons).toMatch(/OpenAI\s+says only that it added the checks/);
    expect(lessons).toMatch(/error instead of an exposure is this page's inference/);
  });

  it('cites #2665 for the proxy, quotes the original evidence and carries the impact qualifier', () => {
    const sources = flagship.frontmatter.sources.map((s) => s.url);
    expect(sources.indexOf('https://github.com/redis/redis-py/issues/2665')).toBeLessThan(
      sources.indexOf('https://selfboot.cn/en/2023/08/02/redis_python_bug'),
    );
    expect(fact('proxy-delay')).toMatchObject({
      value: '0.1 s',
      source: 'https://github.com/redis/redis-py/issues/2665',
      confidence: 'verified',
    });
    expect(fact('revealed-extremely-low')).toMatchObject({ value: 'extremely low', confidence: 'verified' });
    expect(section('## Who was affected, and how')).toContain('<Fact k="revealed-extremely-low" />');
    expect(body).toContain("bar: b'foo'\nping: False\nfoo: b'PONG'");
    expect(body).toContain('<Repro id="fix-reconnect" />');
    for (const heading of ['## What went well', '## What went wrong', '## Where luck decided']) section(heading);
    expect(body).not.toMatch(/as this\s+page does/);
  });
});
