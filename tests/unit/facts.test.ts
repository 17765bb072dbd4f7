import { describe, expect, it } from 'vitest';
import { factFindings, factMentions, normalizePercent, percentMentions } from '../../src/lib/facts.ts';
import { factsSchema } from '../../src/schemas/facts.ts';
import { frontmatter, history, timeline } from '../support/data.ts';

const facts = factsSchema.parse([
  { key: 'start', value: '2023-03-20T01:00:00-07:00', label: 'start', source: 'https://example.com/pm', confidence: 'verified', matches: [{ frontmatter: 'started' }, { timeline: { kind: 'trigger' } }] },
  { key: 'share', value: '1.2%', label: 'share', source: 'https://example.com/pm', confidence: 'verified' },
  { key: 'merged', value: '2023-03-22T16:03:50Z', label: 'merged', source: 'https://example.com/pr', confidence: 'verified', matches: [{ history: { ref: '#2641', field: 'merged' } }] },
]);
const base = {
  frontmatter: frontmatter({ started: '2023-03-20T08:00:00Z', summary: 'About 1.2 % of users.' }),
  timeline: timeline([{ at: '2023-03-20T01:00:00-07:00', kind: 'trigger' }]),
  history: history([{ type: 'pull', number: 2641, title: 'Fix', merged: '2023-03-22T16:03:50Z' }]),
  mentions: [],
  percents: [],
};

describe('factFindings', () => {
  it('finds nothing when every statement agrees (the same moment in another offset agrees)', () => {
    expect(factFindings(facts, base)).toEqual([]);
  });
  it('reports a frontmatter time that disagrees, naming both values', () => {
    const [finding] = factFindings(facts, { ...base, frontmatter: frontmatter({ started: '2023-03-20T02:00:00-07:00', summary: 'x' }) });
    expect(finding).toMatchObject({ fact: 0, field: 'matches[0]' });
    expect(finding!.message).toContain('2023-03-20T02:00:00-07:00');
    expect(finding!.message).toContain('the fact "start" says 2023-03-20T01:00:00-07:00');
  });
  it('reports a timeline or history entry that is missing or disagrees', () => {
    const findings = factFindings(facts, { ...base, timeline: [], history: history([{ type: 'pull', number: 2641, title: 'Fix', merged: '2023-03-23T16:03:50Z' }]) });
    expect(findings.map((f) => f.fact)).toEqual([0, 2]);
    expect(findings[0]!.message).toContain('no "trigger" entry');
    expect(findings[1]!.message).toContain("history.yaml's #2641 merged is 2023-03-23T16:03:50Z");
  });
  it('reports an unknown fact key cited in the text, with its line', () => {
    const findings = factFindings(facts, { ...base, mentions: factMentions('Text <Fact k="nope" />.', 40) });
    expect(findings).toEqual([{ line: 40, field: '<Fact k>', message: expect.stringContaining('no fact "nope"') }]);
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
    expect(factFindings([...facts, facts[1]!], base)).toEqual([{ fact: 3, field: 'key', message: 'the key "share" is already used by fact [1]' }]);
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
