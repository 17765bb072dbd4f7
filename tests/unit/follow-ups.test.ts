/**
 * Follow-ups: the evidence-derived state (verified, contradicted, done (stated)), each kind of
 * evidence failing the right way, overdue, the located problems of a bad actions.yaml, and the
 * flagship's redis-py fix turning contradicted when a recorded verdict flips.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import { contradictedFollowUps, evaluateFollowUp, isOverdue, type EvidenceRepro } from '../../src/domain/follow-ups.ts';
import { actionsSchema } from '../../src/schemas/actions.ts';
import { parseDay, type Instant } from '../../src/domain/time.ts';
import { history } from '../support/data.ts';
import { projectRoot } from '../support/site.ts';

const hist = history([
  { type: 'issue', number: 10, title: 'Bug' },
  { type: 'pull', number: 11, title: 'Fix', merged: '2024-06-02T10:40:00Z' },
  { type: 'pull', number: 13, title: 'Fix, open' },
  { type: 'release', tag: 'v2.0.1', title: 'widget 2.0.1' },
]);
const cell = (version: string, verdict: 'reproduced' | 'not-reproduced' | 'skipped' | 'error', reason?: string) => ({
  version,
  parameters: {},
  verdict,
  reason,
});
const repro = (cells: ReturnType<typeof cell>[], stale = false): EvidenceRepro => ({
  id: 'race',
  dir: 'content/incidents/x/repros/race',
  manifest: { runtime: 'node', package: { versions: ['2.0.0', '2.0.1', '2.0.2'] }, parameters: {} },
  results: { cells },
  stale,
});
const context = {
  history: hist,
  repros: [repro([cell('2.0.0', 'reproduced'), cell('2.0.1', 'not-reproduced'), cell('2.0.2', 'skipped', 'no wheel')])],
};
const followUp = (status: string, evidence: unknown[]) =>
  actionsSchema.parse([{ id: 'f', title: 'F', kind: 'prevent', owner: 'Team', status, evidence }])[0]!;
const verdict = (version: string, v = 'not-reproduced') => ({ repro: 'race', version, verdict: v });

describe('evaluateFollowUp', () => {
  it('is verified by evidence when the merged PR, the release and the verdict all hold', () => {
    const result = evaluateFollowUp(followUp('done', ['#11', 'v2.0.1', verdict('2.0.1')]), context);
    expect(result.state).toBe('verified');
    expect(result.checks.map((c) => [c.label, c.outcome])).toEqual([
      ['PR #11', 'holds'],
      ['Release v2.0.1', 'holds'],
      ['race 2.0.1: not-reproduced', 'holds'],
    ]);
  });
  it('is done (stated) with statements only, and verified when a statement sits beside checked evidence', () => {
    const stated = { stated: 'in the postmortem', source: 'https://example.com/pm' };
    expect(evaluateFollowUp(followUp('done', [stated]), context).state).toBe('done-stated');
    expect(evaluateFollowUp(followUp('done', [stated, '#11']), context).state).toBe('verified');
  });
  it('is contradicted by a pull request that is not merged', () => {
    const result = evaluateFollowUp(followUp('done', ['#13', 'v2.0.1']), context);
    expect(result.state).toBe('contradicted');
    expect(result.reasons).toEqual(['PR #13 is not merged (history.yaml gives it no merged date)']);
  });
  it('is contradicted by a verdict recorded otherwise, missing, skipped, in error or stale', () => {
    const reasons = (evidence: unknown, ctx = context) =>
      evaluateFollowUp(followUp('done', [evidence]), ctx).reasons[0];
    expect(reasons(verdict('2.0.0'))).toBe('race 2.0.0 is recorded as reproduced, not not-reproduced');
    expect(reasons(verdict('2.0.2'))).toBe('race 2.0.2 was skipped (no wheel), so it shows nothing');
    expect(reasons(verdict('2.0.1'), { history: hist, repros: [repro([cell('2.0.0', 'reproduced')])] })).toBe(
      'race 2.0.1 has no recorded verdict (content/incidents/x/repros/race/results.json)',
    );
    expect(reasons(verdict('2.0.1'), { history: hist, repros: [repro([cell('2.0.1', 'error', 'timeout')])] })).toBe(
      'race 2.0.1 ended in an error (timeout), so it shows nothing',
    );
    expect(
      reasons(verdict('2.0.1'), { history: hist, repros: [repro([cell('2.0.1', 'not-reproduced')], true)] }),
    ).toContain('is stale');
  });
  it('keeps the status of a follow-up that is not done, whatever its evidence', () => {
    expect(evaluateFollowUp(followUp('in progress', ['#13']), context).state).toBe('in-progress');
    expect(evaluateFollowUp(followUp('open', []), context).state).toBe('open');
    const wontDo = actionsSchema.parse([
      { id: 'w', title: 'W', kind: 'process', owner: 'T', status: "won't do", reason: 'retired' },
    ])[0]!;
    expect(evaluateFollowUp(wontDo, context).state).toBe('wont-do');
  });
});

describe('isOverdue', () => {
  const due = parseDay('2024-07-01') as Instant;
  const at = (day: string) => (parseDay(day) as Instant).ms + 3_600_000;
  it('is overdue from the day after the due date, unless done or abandoned', () => {
    expect(isOverdue({ status: 'open', due }, at('2024-07-01'))).toBe(false);
    expect(isOverdue({ status: 'open', due }, at('2024-07-02'))).toBe(true);
    expect(isOverdue({ status: 'in progress', due }, at('2024-07-02'))).toBe(true);
    expect(isOverdue({ status: 'done', due }, at('2024-07-02'))).toBe(false);
    expect(isOverdue({ status: "won't do", due }, at('2024-07-02'))).toBe(false);
    expect(isOverdue({ status: 'open', due: undefined }, at('2030-01-01'))).toBe(false);
  });
});

const FLAGSHIP = 'content/incidents/2023-03-20-chatgpt-redis-py';
const roots: string[] = [];
/** A copy of the flagship alone, in a project root of its own. */
function flagshipCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'aftermath-follow-ups-'));
  roots.push(root);
  cpSync(join(projectRoot, FLAGSHIP), join(root, FLAGSHIP), { recursive: true });
  return root;
}
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
const read = (root: string) => readArchive(root);

describe('actions.yaml in the archive', () => {
  it('gives the flagship six stated OpenAI follow-ups and a verified redis-py fix', () => {
    const { incidents, problems } = read(flagshipCopy());
    expect(problems).toEqual([]);
    const incident = incidents[0]!;
    const states = incident.followUps.map((f) => [f.owner, evaluateFollowUp(f, incident).state]);
    expect(states).toEqual([...Array(6).fill(['OpenAI', 'done-stated']), ['redis-py maintainers', 'verified']]);
    expect(contradictedFollowUps(incidents)).toEqual([]);
  });

  it('turns the verified fix contradicted when a recorded verdict flips, located at the cited verdict', () => {
    const root = flagshipCopy();
    const file = join(root, FLAGSHIP, 'repros/cancel-race-cluster/results.json');
    const results = JSON.parse(readFileSync(file, 'utf8'));
    results.cells.find((c: { version: string }) => c.version === '4.5.5').verdict = 'reproduced';
    writeFileSync(file, JSON.stringify(results));
    const { incidents, problems } = read(root);
    expect(problems).toEqual([]);
    const fix = incidents[0]!.followUps.at(-1)!;
    expect(evaluateFollowUp(fix, incidents[0]!).state).toBe('contradicted');
    const actions = readFileSync(join(root, FLAGSHIP, 'actions.yaml'), 'utf8').split('\n');
    const [problem] = contradictedFollowUps(incidents);
    expect(problem).toMatchObject({ file: `${FLAGSHIP}/actions.yaml`, field: '[6].evidence[3]' });
    expect(actions[problem!.line! - 1]).toContain('repro: cancel-race-cluster');
    expect(problem!.message).toContain('cancel-race-cluster 4.5.5 is recorded as reproduced, not not-reproduced');
  });

  /** Writes actions.yaml into a flagship copy and returns the problems about it. */
  function problemsOf(yaml: string) {
    const root = flagshipCopy();
    writeFileSync(join(root, FLAGSHIP, 'actions.yaml'), yaml);
    return read(root).problems.map((p) => ({ line: p.line, field: p.field, message: p.message }));
  }
  const head = (status: string) => `- id: a\n  title: A\n  kind: prevent\n  owner: Team\n  status: ${status}\n`;

  it("requires a reason for won't do, evidence for done, and real dates", () => {
    expect(problemsOf(head("won't do"))).toEqual([
      { line: 1, field: '[0].reason', message: expect.stringContaining("marked won't do without a reason") },
    ]);
    expect(problemsOf(head('done'))).toEqual([
      { line: 1, field: '[0].evidence', message: expect.stringContaining('marked done without evidence') },
    ]);
    expect(problemsOf(`${head('open')}  due: "2024-02-30"\n`)).toEqual([
      { line: 6, field: '[0].due', message: expect.stringContaining('"2024-02-30" is not a real date') },
    ]);
    expect(problemsOf(head('finished'))[0]).toMatchObject({
      line: 5,
      field: '[0].status',
      message: expect.stringContaining("open, in progress, done, won't do"),
    });
  });

  it('locates unknown history keys, issues cited as work, unknown repros and cells, and an unquoted #', () => {
    const problems = problemsOf(
      `${head('done')}  evidence:\n    - "#2696"\n    - "#2624"\n    - { repro: nope, version: 4.5.5, verdict: not-reproduced }\n    - { repro: cancel-race-proxy, version: 4.5.9, verdict: not-reproduced }\n    - { repro: cancel-race, version: 4.5.5, verdict: not-reproduced }\n    - #2695\n`,
    );
    expect(problems.map((p) => [p.line, p.field])).toEqual([[12, '[0].evidence[5]']]);
    expect(problems[0]!.message).toContain('expected evidence as a history key in quotes');
    const references = problemsOf(
      `${head('done')}  evidence:\n    - "#2696"\n    - "#2624"\n    - { repro: nope, version: 4.5.5, verdict: not-reproduced }\n    - { repro: cancel-race-proxy, version: 4.5.9, verdict: not-reproduced }\n    - { repro: cancel-race, version: 4.5.5, verdict: not-reproduced }\n    - { repro: cancel-race, version: 4.5.5, verdict: not-reproduced, params: { SLEEP: "0.5" } }\n`,
    );
    expect(references.map((p) => [p.line, p.field])).toEqual(
      [7, 8, 9, 10, 11, 12].map((line, j) => [line, `[0].evidence[${j}]`]),
    );
    const messages = references.map((p) => p.message);
    expect(messages[0]).toContain('"#2696" is not in history.yaml');
    expect(messages[0]).toContain('did you mean "#2695"');
    expect(messages[1]).toContain('"#2624" is an issue');
    expect(messages[2]).toContain('there is no repro "nope"');
    expect(messages[3]).toContain('4.5.9 is not a version of the repro "cancel-race-proxy"');
    expect(messages[4]).toContain('sweeps SLEEP; say which cell');
    expect(messages[5]).toContain('SLEEP=0.5 is not a value the repro "cancel-race" sweeps');
  });
});
