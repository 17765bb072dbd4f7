/** The summary card answers from the incident's data, says "unknown" where it is silent, and the new frontmatter fields are checked. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import { incidentSchema } from '../../src/schemas/incident.ts';
import { incidentSummaryCard } from '../../src/view/incident-summary.ts';

const flagship = readArchive(resolve(import.meta.dirname, '../..')).incidents.find(
  (i) => i.slug === '2023-03-20-chatgpt-redis-py',
)!;
const answer = (answers: ReturnType<typeof incidentSummaryCard>, key: string) => answers.find((a) => a.key === key)!;

describe('summary card', () => {
  it('answers the flagship from its frontmatter and timeline kinds, and leaves the rest unknown', () => {
    const answers = incidentSummaryCard(flagship);
    expect(answers.map((a) => a.label)).toEqual([
      'What broke',
      'For whom',
      'How long',
      'Trigger',
      'Root cause',
      'How it was detected',
      'How it ended',
    ]);
    expect(answer(answers, 'what').text).toBe(flagship.frontmatter.components.join(', '));
    expect(answer(answers, 'who')).toMatchObject({ text: flagship.frontmatter.impact, from: 'frontmatter: impact' });
    expect(answer(answers, 'how-long')).toMatchObject({ text: '9 h (impact window)' });
    expect(answer(answers, 'trigger')).toMatchObject({
      text: 'A server change makes Redis request cancellations spike',
      from: 'timeline: trigger',
    });
    expect(answer(answers, 'trigger').at?.iso).toBe('2023-03-20T01:00:00-07:00');
    expect(answer(answers, 'ending')).toMatchObject({ text: 'ChatGPT is taken offline', from: 'timeline: mitigated' });
    expect(answer(answers, 'root-cause')).toMatchObject({
      text: flagship.frontmatter.root_cause,
      from: 'frontmatter: root_cause',
    });
    // Nothing in the flagship's data says how it was detected: shown as unknown, never guessed.
    expect(answer(answers, 'detection').text).toBeUndefined();
  });

  it('prefers the frontmatter answer when the author gives one', () => {
    const fm = {
      ...flagship.frontmatter,
      root_cause: 'A cancelled read left its reply on a shared connection',
      detection: 'Users reported seeing other users’ chat titles',
      trigger: 'A server change',
    };
    const answers = incidentSummaryCard({ slug: flagship.slug, frontmatter: fm, timeline: flagship.timeline });
    expect(answer(answers, 'root-cause')).toMatchObject({ text: fm.root_cause, from: 'frontmatter: root_cause' });
    expect(answer(answers, 'detection')).toMatchObject({ text: fm.detection, from: 'frontmatter: detection' });
    expect(answer(answers, 'trigger')).toMatchObject({ text: 'A server change', from: 'frontmatter: trigger' });
  });

  it('cites the facts bound to a one-line answer, by their number in the facts table, and no others', () => {
    const fm = { ...flagship.frontmatter, detection: 'Users reported seeing other users’ chat titles' };
    const bound = {
      ...flagship.facts[1]!,
      key: 'users-reported',
      matches: [{ frontmatter: 'detection' as const }, { frontmatter: 'root_cause' as const }],
    };
    const facts = [flagship.facts[0]!, bound];
    const answers = incidentSummaryCard({ slug: flagship.slug, frontmatter: fm, timeline: flagship.timeline, facts });
    expect(answer(answers, 'detection').facts).toEqual([{ fact: bound, n: 2 }]);
    expect(answer(answers, 'root-cause').facts).toEqual([{ fact: bound, n: 2 }]);
    for (const key of ['what', 'who', 'how-long', 'trigger', 'ending'])
      expect(answer(answers, key).facts, key).toEqual([]);
    // The flagship binds no fact to its card: nothing is cited that facts.yaml does not tie to the field.
    for (const a of incidentSummaryCard(flagship)) expect(a.facts, a.key).toEqual([]);
  });

  it('takes the optional one-line fields, and says what is wrong with a multi-line or empty one', () => {
    const base = {
      title: 't',
      summary: 's',
      impact: 'i',
      severity: 'SEV2',
      status: 'resolved',
      timezone: 'UTC',
      authors: ['a'],
    };
    expect(incidentSchema.safeParse(base).success).toBe(true);
    expect(incidentSchema.safeParse({ ...base, root_cause: 'One line', resolution: 'Rolled back' }).success).toBe(true);
    const multi = incidentSchema.safeParse({ ...base, root_cause: 'two\nlines' });
    expect(multi.error?.issues[0]?.message).toBe(
      'root_cause must fit on one line (the root cause); say the rest in the body',
    );
    const empty = incidentSchema.safeParse({ ...base, detection: ' ' });
    expect(empty.error?.issues[0]?.message).toBe('how the incident was noticed in one line must not be empty');
  });
});
