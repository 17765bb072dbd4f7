/**
 * Cross-checks for the Cloudflare incident of 2 July 2019: what the page states agrees with its
 * sourced facts, every figure read in a third-party copy is labelled secondary, inferences are
 * labelled, and the recorded repro shows the matrix the prose describes.
 */
import { english } from '../../src/i18n/catalogue.ts';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import { evaluateFollowUp } from '../../src/domain/follow-ups.ts';
import { factsBoundTo } from '../../src/domain/facts.ts';
import { CARD_FIELDS } from '../../src/schemas/facts.ts';
import { siteFollowUps } from '../../src/view/follow-ups-view.ts';
import { incidentSummaryCard } from '../../src/view/incident-summary.ts';

const slug = '2019-07-02-cloudflare-waf-regex';
const root = resolve(import.meta.dirname, '../..');
const { incidents, problems } = readArchive(root);
const incident = incidents.find((i) => i.slug === slug)!;
const fact = (key: string) => incident.facts.find((f) => f.key === key)!;
const body = incident.body;
const POSTMORTEM = 'https://blog.cloudflare.com/details-of-the-cloudflare-outage-on-july-2-2019/';
/** The archived copy of the postmortem's English page, of which only the opening could be read. */
const MEGALODON =
  'https://megalodon.jp/ref/2019-0714-0056-06/https:/blog.cloudflare.com:443/details-of-the-cloudflare-outage-on-july-2-2019/';
/** Cloudflare's later post saying the WAF moved to an RE2-inspired engine in July 2019. */
const WAF_FASTER = 'https://blog.cloudflare.com/making-the-waf-40-faster/';
/** The stored copies without a public address that quote the postmortem, by the names the notes use. */
const COPIES = /EP02 ledger|PIR copy|Chinese reader's post/;

type Cell = {
  version: string;
  parameters: Record<string, string>;
  verdict: string;
  stdout: string;
  measurements: { ms_per_match: { median: number } };
};
const results = JSON.parse(
  readFileSync(resolve(root, 'content/incidents', slug, 'repros/regex-budget/results.json'), 'utf8'),
) as { cells: Cell[]; fits: { parameters: { ENGINE: string }; slope: number }[] };
const timeOf = (cell: Cell) => cell.measurements.ms_per_match.median;
const SIZES = [25, 50, 100, 250, 500, 1000];
const cell = (version: string, engine: string, n: number) =>
  results.cells.find((c) => c.version === version && c.parameters.ENGINE === engine && c.parameters.N === String(n))!;

describe('Cloudflare, 2 July 2019', () => {
  it('is in the archive without content problems, so every fact binding agrees', () => {
    expect(incident).toBeDefined();
    expect(problems.filter((p) => p.file.includes(slug))).toEqual([]);
  });

  it('states the UTC times of the facts in the frontmatter and the timeline', () => {
    expect(incident.frontmatter.timezone).toBe('Etc/UTC');
    expect(fact('start-time').value).toBe('2019-07-02T13:42:00Z');
    expect(fact('traffic-restored').value).toBe('2019-07-02T14:09:00Z');
    expect(fact('waf-reenabled').value).toBe('2019-07-02T14:52:00Z');
    expect(incident.timeline.find((e) => e.kind === 'trigger')!.at.iso).toBe('2019-07-02T13:42:00Z');
    expect(incident.timeline.find((e) => e.kind === 'impact-end')!.at.iso).toBe('2019-07-02T14:09:00Z');
    // 14:52 is the WAF switched back on (from Cloudflare's accounts); 14:57 the status page's resolution.
    expect(incident.frontmatter.resolved?.iso).toBe('2019-07-02T14:52:00Z');
    expect(incident.timeline.find((e) => e.kind === 'deploy')!.at.iso).toBe('2019-07-02T14:52:00Z');
    expect(incident.timeline.find((e) => e.kind === 'resolved')!).toMatchObject({
      at: { iso: '2019-07-02T14:57:00Z' },
      title: 'The status page marks the incident resolved',
    });
    expect(fact('pr-merged').value).toBe('2019-07-02T13:31:00Z');
    expect(fact('ci-passed').value).toBe('2019-07-02T13:37:00Z');
    expect(fact('waf-identified').value).toBe('2019-07-02T14:00:00Z');
    expect(fact('kill-proposed').value).toBe('2019-07-02T14:02:00Z');
    expect(fact('kill-executed').value).toBe('2019-07-02T14:07:00Z');
  });

  it('dates detection from the first PagerDuty page, three minutes after the deploy, with 13:45 labelled as arithmetic', () => {
    expect(fact('first-page-delay')).toMatchObject({
      value: 'three minutes',
      confidence: 'secondary',
      source: POSTMORTEM,
    });
    expect(fact('first-page-delay').note).toContain('Three minutes later the first PagerDuty page went out');
    // The card's detection line cites the quoted "three minutes" as well as the arithmetic on it.
    expect(fact('first-page-delay').matches).toEqual([{ frontmatter: 'detection' }]);
    expect(fact('first-page')).toMatchObject({
      value: '2019-07-02T13:45:00Z',
      display: 'about 13:45 UTC',
      confidence: 'estimated',
    });
    expect(fact('first-page').label).toMatch(/this page's addition/);
    expect(fact('first-page').note).toMatch(/^Arithmetic/);
    expect(fact('first-page').matches).toEqual(
      expect.arrayContaining([
        { frontmatter: 'detected' },
        { frontmatter: 'detection' },
        { timeline: { kind: 'detected' } },
      ]),
    );
    expect(incident.frontmatter.detected?.iso).toBe('2019-07-02T13:45:00Z');
    expect(incident.frontmatter.detection).toMatch(/about three minutes after the deploy/);
    expect(incident.frontmatter.detection).toMatch(/this page's arithmetic/);
    const detected = incident.timeline.find((e) => e.kind === 'detected')!;
    expect(detected).toMatchObject({ approximate: true, confidence: 'estimated', at: { iso: '2019-07-02T13:45:00Z' } });
    expect(detected.confidence_note).toMatch(/^arithmetic/);
    // The slow alert of the postmortem's list is the one for the traffic drop, not the first page.
    expect(body).toMatch(/first alert \*for the global traffic drop\* "took too long to fire"/);
    expect(body).not.toMatch(/The first alert took too long/);
  });

  it('labels every figure read in a third-party copy as secondary, and only Cloudflare-read facts as verified', () => {
    const verified = incident.facts.filter((f) => f.confidence === 'verified');
    // Only what was read on Cloudflare's own later post; the postmortem's date is secondary.
    expect(verified.map((f) => f.key)).toEqual(['engine-switched', 're2-linear-time', 'waf-faster-title-figure']);
    for (const f of verified) expect(f.source).toBe(WAF_FASTER);
    // A fact known only through a copy without a public address cites the postmortem, is
    // secondary (or this page's arithmetic), and names the copy it was read in.
    for (const f of incident.facts.filter((x) => x.source === POSTMORTEM)) {
      expect(f.confidence, f.key).not.toBe('verified');
      expect(f.note, f.key).toMatch(COPIES);
    }
    for (const e of incident.timeline.filter((x) => x.source === POSTMORTEM)) {
      expect(e.confidence, e.title).not.toBe('verified');
      expect(e.confidence_note, e.title).toMatch(COPIES);
    }
    for (const e of incident.timeline.filter((x) => !x.source.includes('blog.cloudflare.com')))
      expect(e.confidence).not.toBe('verified');
    const primary = incident.frontmatter.sources.find((s) => s.url === POSTMORTEM)!;
    expect(primary.note).toMatch(/only the opening was read, in an archived copy on\s+megalodon\.jp/);
    // Which copies could and could not be read is said in the text.
    const sources = body.slice(body.indexOf('## Sources'), body.indexOf('## Root cause'));
    expect(sources).toMatch(/The English blog post itself: only its opening/);
    expect(sources).toContain(`(${MEGALODON})`);
    expect(sources).toMatch(/captured on\s+megalodon\.jp on 14 July 2019/);
    expect(sources).toMatch(/Nothing after that was read in it/);
    expect(sources).toMatch(/Internet Archive capture/);
    expect(sources).toContain('EP02');
    expect(sources).toContain('Post-Incident Reviews');
    // The EP02 ledger states three of the seven follow-ups, not all of them.
    expect(sources).toMatch(/with the states of three of\s+the seven follow-ups/);
    expect(sources).not.toMatch(/with the follow-ups' states/);
    expect(String(fact('first-page').note) + body).not.toMatch(/No stored copy of the (blog )?page/);
  });

  it('cites the megalodon.jp archive of the English postmortem, saying that only its opening was read', () => {
    const mega = incident.frontmatter.sources.find((s) => s.url === MEGALODON)!;
    expect(mega).toMatchObject({ publisher: 'megalodon.jp', kind: 'other' });
    expect(mega.title).toMatch(/archived copy, 14 July 2019/);
    expect(mega.note).toMatch(/Only its\s+opening could be read/);
    expect(mega.note).toMatch(/nothing after it was read here/);
    for (const file of ['facts.yaml', 'timeline.yaml']) {
      const text = readFileSync(resolve(root, 'content/incidents', slug, file), 'utf8');
      expect(text, file).toMatch(/megalodon\.jp/);
      expect(text, file).not.toMatch(/No stored copy of the (postmortem's )?blog\s+(# )?page/);
    }
  });

  it('dates the postmortem 12 July 2019 from secondary sources that agree, not from a copy nobody can read again', () => {
    expect(fact('postmortem-published')).toMatchObject({
      value: '2019-07-12',
      confidence: 'secondary',
      source: 'https://simonwillison.net/2019/Jul/12/details-cloudflare-outage-july-2-2019',
    });
    const note = String(fact('postmortem-published').note);
    expect(note).toContain('12th July 2019');
    expect(note).toContain('"SourcePublishedAt":"2019-07-12T15:45:21Z"');
    expect(note).toMatch(/EP02 ledger/);
    expect(note).toMatch(/megalodon\.jp capture of the English page, made on 14 July 2019/);
    const published = incident.timeline.find((e) => e.title === 'Cloudflare publishes the detailed postmortem')!;
    expect(published).toMatchObject({ confidence: 'secondary', source: POSTMORTEM });
    // No fact or timeline entry rests on the Chinese edition that could not be found again.
    const zh = 'https://blog.cloudflare.com:8443/zh-cn/details-of-the-cloudflare-outage-on-july-2-2019';
    expect(incident.facts.filter((f) => f.source === zh)).toEqual([]);
    expect(incident.timeline.filter((e) => e.source === zh)).toEqual([]);
  });

  it('records that Cloudflare later said the WAF moved to an RE2-inspired engine in July 2019, with its source and date', () => {
    expect(fact('engine-switched')).toMatchObject({
      value: 'from a regular expression engine based on PCRE to one inspired by RE2',
      source: WAF_FASTER,
      confidence: 'verified',
    });
    expect(fact('engine-switched').label).toMatch(/"back in July 2019"/);
    expect(fact('engine-switched').note).toContain('Back in July 2019, the WAF transitioned from');
    expect(fact('engine-switched').note).toMatch(/not that it is re2 or the Rust regex crate/);
    expect(fact('waf-faster-published')).toMatchObject({
      value: '2020-07-01',
      confidence: 'secondary',
      source: 'https://plushcap.com/analysis/cloudflare/making-the-waf-40-faster',
    });
    expect(fact('waf-faster-published').note).toContain('Date published July 1, 2020');
    for (const key of ['engine-switched', 'waf-faster-published']) expect(body).toContain(`<Fact k="${key}" />`);
    const text = [body, JSON.stringify(incident.facts), JSON.stringify(incident.followUps)].join('\n');
    expect(text).not.toMatch(/Whether and when (that|the switch) happened/);
    expect(text).not.toMatch(/Whether the switch was made, and when, is not known/);
    expect(text).not.toMatch(/No source read here says what became of them after that day/);
    const said = incident.timeline.find((e) => e.source === WAF_FASTER)!;
    expect(said).toMatchObject({ kind: 'communication', at: { iso: '2020-07-01' }, confidence: 'secondary' });
    expect(said.confidence_note).toMatch(/plushcap/);
  });

  it("states each of the appendix's step counts with its pattern and input: 90 steps for x=x on the semicolon pattern", () => {
    const steps: [string, string, RegExp][] = [
      ['steps-x-eq-x', '23', /\.\*\.\*=\.\* against "x=x"/],
      ['steps-x-eq-xx', '33', /"x=xx"/],
      ['steps-x-eq-xxx', '45', /"x=xxx"/],
      ['steps-x-eq-20x', '555', /\.\*\.\*=\.\* against "x=" followed by 20 x's/],
      ['steps-20x-no-match', '4,067', /20 x's alone/],
      ['steps-semicolon-x-eq-x', '90', /\.\*\.\*=\.\*; against "x=x".*worked example.*instead of 23/],
      ['steps-semicolon-x-eq-20x', '5,353', /\.\*\.\*=\.\*; against "x=" followed by 20 x's/],
    ];
    for (const [key, value, label] of steps) {
      expect(fact(key), key).toMatchObject({ value, confidence: 'secondary' });
      expect(fact(key).label, key).toMatch(label);
      expect(body, key).toContain(`<Fact k="${key}" />`);
    }
    // The page's figure for x=x on the semicolon pattern is the worked example's 90, in the table and the prose.
    expect(body).toContain('| `.*.*=.*;` | `x=x` | <Fact k="steps-semicolon-x-eq-x" /> ("instead of 23") |');
    expect(body).toMatch(/90 steps for `x=x`, "instead of 23", and 5,353 for `x=` followed by twenty `x`/);
    // No fact gives 555 for x=x: the later paragraph's figure is only a note, with the copies named.
    expect(incident.facts.map((f) => f.key)).not.toContain('steps-semicolon-x-eq-x-later');
    expect(body).not.toContain('steps-semicolon-x-eq-x-later');
    for (const f of incident.facts.filter((x) => /against "x=x"/.test(x.label)))
      expect(['23', '90'], f.key).toContain(String(f.value));
    const note = String(fact('steps-semicolon-x-eq-x').note);
    expect(note).toContain('To match x=x takes 90');
    expect(note).toMatch(/EP02 ledger, the only stored copy/);
    expect(note).toMatch(/Apparent inconsistency in the source/);
    expect(note).toContain('x=x still takes 555 steps');
    expect(note).toMatch(/PerlMonks node 11102903/);
    expect(note).toMatch(/This page does not use 555 for x=x/);
    expect(body).toMatch(
      /"x=x still takes 555 steps" in both copies of it read here \(PerlMonks\s+node 11102903 and the EP02 ledger\)/,
    );
    expect(body).toMatch(/are an apparent inconsistency in\s+the source/);
    expect(body).toMatch(/this page gives the worked example.s 90 for `x=x`, not 555/);
    expect(body).not.toMatch(/the appendix states two figures for one case/);
    // The old claim, 555 for the semicolon example with nothing said of 90, is gone.
    expect(body).not.toMatch(/matching it against `x=x` takes <Fact k="steps-x-eq-x" \/> steps/);
  });

  it("says RE2's time is linear in the input for a given expression, in Cloudflare's own words", () => {
    expect(fact('re2-linear-time')).toMatchObject({
      value: "RE2's guarantees of a linear time execution with the size of the input",
      source: WAF_FASTER,
      confidence: 'verified',
    });
    expect(fact('re2-linear-time').note).toContain(
      "something we expected given RE2's guarantees of a linear time execution with the size of the input",
    );
    expect(body).toContain('<Fact k="re2-linear-time" />');
    expect(body).toMatch(/For a given expression, its time grows in\s+proportion to the length of the text/);
    expect(body).not.toMatch(/whatever the expression/);
  });

  it("lists the postmortem's seven improvements as follow-ups, with the states it gives on 12 July 2019", () => {
    const expected = [
      ['restore-cpu-protection', 'done', undefined, '("Done")'],
      ['inspect-waf-rules', 'done', undefined, '("Inspection complete")'],
      // A passed ETA is in the note, not a due date: the item's fate after 12 July 2019 is not known.
      ['profile-rules-in-tests', 'in progress', undefined, '("ETA: July 19")'],
      ['linear-time-regex-engine', 'done', undefined, 'in "Making the WAF 40% faster" (2020)'],
      ['staged-rule-rollouts', 'open', undefined, 'with no state'],
      ['dashboard-api-off-edge', 'open', undefined, 'with no state'],
      ['automate-status-page', 'open', undefined, 'with no state'],
    ] as const;
    expect(incident.followUps.map((f) => f.id)).toEqual(expected.map(([id]) => id));
    for (const [id, status, due, stated] of expected) {
      const f = incident.followUps.find((x) => x.id === id)!;
      expect(f.status, id).toBe(status);
      expect(f.due?.iso, id).toBe(due);
      expect(f.since?.iso, id).toBe(id === 'linear-time-regex-engine' ? '2020-07-01' : '2019-07-12');
      expect(f.owner).toBe('Cloudflare');
      expect(f.evidence, id).toEqual([
        expect.objectContaining({
          kind: 'stated',
          source: id === 'linear-time-regex-engine' ? WAF_FASTER : POSTMORTEM,
        }),
      ]);
      expect(f.evidence[0]!.kind === 'stated' && f.evidence[0]!.stated, id).toContain(stated);
      expect(f.note, id).toBeTruthy();
    }
    for (const id of ['staged-rule-rollouts', 'dashboard-api-off-edge', 'automate-status-page'])
      expect(incident.followUps.find((x) => x.id === id)!.note).toMatch(
        /this page's default, not the postmortem's word/,
      );
    const profiling = incident.followUps.find((f) => f.id === 'profile-rules-in-tests')!;
    expect(profiling.note).toMatch(/paraphrasing notes/);
    // The 19 July ETA is known only from paraphrasing notes, and says so wherever it appears.
    expect(profiling.evidence[0]!.kind === 'stated' && profiling.evidence[0]!.stated).toMatch(
      /as two paraphrasing notes give it/,
    );
    expect(profiling.note).toMatch(/not a quotation of the\s+postmortem/);
    const changed = body.slice(body.indexOf('## What changed'));
    expect(changed).toMatch(/two paraphrasing notes give an ETA of 19 July/);
    expect(changed).toMatch(/ETA, as those notes give it/);
    expect(changed).not.toMatch(/each\s+with an ETA later that month/);
    expect(profiling.note).toMatch(/The ETA was 19 July 2019/);
    expect(profiling.note).toMatch(/not shown as\s+overdue/);
    const engine = incident.followUps.find((f) => f.id === 'linear-time-regex-engine')!;
    expect(engine.evidence[0]!.kind === 'stated' && engine.evidence[0]!.stated).toMatch(/inspired by RE2 in July 2019/);
    expect(engine.note).toMatch(/"inspired by RE2"/);
    expect(engine.note).toMatch(/\(ETA: July 31\)/);
    expect(engine.links.map((l) => l.url)).toEqual([POSTMORTEM]);
    expect(incident.followUps.map((f) => evaluateFollowUp(f, incident).state)).toEqual([
      'done-stated',
      'done-stated',
      'in-progress',
      'done-stated',
      'open',
      'open',
      'open',
    ]);
    expect(fact('follow-ups-listed').value).toBe(7);
    expect(body).not.toMatch(/not available in a stored copy/);
  });

  it('puts the seven follow-ups on /follow-ups/, with the incident, and calls none of them overdue', () => {
    const rows = siteFollowUps(incidents, Date.parse('2026-01-01'), '/', english).filter(
      (r) => r.incident.slug === slug,
    );
    expect(rows.map((r) => [r.id, r.stateLabel, r.overdue])).toEqual([
      ['restore-cpu-protection', 'done (stated)', false],
      ['inspect-waf-rules', 'done (stated)', false],
      ['profile-rules-in-tests', 'in progress', false],
      ['linear-time-regex-engine', 'done (stated)', false],
      ['staged-rule-rollouts', 'open', false],
      ['dashboard-api-off-edge', 'open', false],
      ['automate-status-page', 'open', false],
    ]);
    for (const r of rows) {
      expect(r.incident.href).toBe(`/incidents/${slug}/`);
      expect(r.evidence[0]!.href).toBe(r.id === 'linear-time-regex-engine' ? WAF_FASTER : POSTMORTEM);
      expect(r.due, r.id).toBeUndefined();
    }
  });

  it('answers the summary card from sourced facts: no field says "unknown" where a bound fact exists', () => {
    const answers = incidentSummaryCard(incident);
    const byKey = new Map(answers.map((a) => [a.key, a]));
    const keyOf = { trigger: 'trigger', root_cause: 'root-cause', detection: 'detection', resolution: 'ending' };
    for (const field of CARD_FIELDS) {
      const bound = factsBoundTo(incident.facts, field);
      if (bound.length === 0) continue;
      const a = byKey.get(keyOf[field] as 'trigger')!;
      expect(a.text, field).toBe(incident.frontmatter[field]);
      expect(
        a.facts.map((f) => f.fact.key),
        field,
      ).toEqual(bound.map((b) => b.fact.key));
    }
    expect(byKey.get('root-cause')!.facts.map((f) => f.fact.key)).toEqual(['root-cause']);
    expect(byKey.get('detection')!.facts.map((f) => f.fact.key)).toEqual(['first-page-delay', 'first-page']);
    expect(byKey.get('trigger')!.facts.map((f) => f.fact.key)).toEqual(['deployed-change']);
    expect(byKey.get('ending')!.facts.map((f) => f.fact.key)).toEqual(['waf-reenabled']);
    expect(fact('root-cause').note).toContain('single WAF rule that contained');
    for (const a of answers) expect(a.text ?? a.at, a.key).toBeTruthy();
  });

  it('tells the story the postmortem tells: simulate mode, no staged rollout by design, tests blind to CPU, the kill', () => {
    expect(fact('rule-mode')).toMatchObject({ value: 'simulate', confidence: 'secondary' });
    expect(fact('rule-mode').note).toContain('even in the simulate mode');
    expect(fact('waf-skips-staged-rollout')).toMatchObject({ value: 'by design', confidence: 'secondary' });
    expect(fact('waf-skips-staged-rollout').note).toContain('the need to respond rapidly to threats');
    expect(fact('test-suite-runtime').note).toMatch(/no increase in test suite run time/);
    expect(fact('kill-delay')).toMatchObject({ value: 'five minutes', confidence: 'estimated' });
    expect(fact('kill-delay').note).toMatch(/^Arithmetic/);
    for (const key of ['rule-mode', 'waf-skips-staged-rollout', 'test-suite-runtime', 'kill-delay'])
      expect(body).toContain(`<Fact k="${key}" />`);
    expect(body).toMatch(/the postmortem reports that as discovered afterwards/);
    expect(body).toMatch(/does not say how much of that time each cost/);
    expect(fact('kill-proposed').label).toMatch(/proposed \(postmortem\) or decided \(first blog post\)/);
  });

  it('drops the readings the sources do not give as facts', () => {
    const text = [body, JSON.stringify(incident.timeline), JSON.stringify(incident.facts)].join('\n');
    expect(text).not.toMatch(/the two accounts differ by two minutes/);
    expect(text).not.toMatch(/rather than find and roll back/);
    expect(text).not.toMatch(/staying flat/);
    expect(text).not.toMatch(/known only from a reprint/);
    expect(text).not.toMatch(/only in a reprint/);
    expect(text).not.toMatch(/in English, German, Japanese, French and Chinese/);
    expect(fact('kill-executed').note).toMatch(/This page reads\s+"That" as the recovery/);
    for (const key of ['status-investigating', 'status-monitoring', 'status-resolved'])
      expect(fact(key).note, key).toMatch(/The Register/);
    // Digital Journal is credited only with the times it gives (14:15 and 14:57, not 13:52).
    expect(body).toMatch(/Digital Journal gives the last two times/);
    expect(body).not.toMatch(/The Register and Digital Journal reported the same times/);
    const dj = incident.frontmatter.sources.find((s) => s.publisher === 'Digital Journal')!;
    expect(dj.note).toMatch(/not\s+the 13:52 update/);
    const reg = incident.frontmatter.sources.find((s) => s.publisher === 'The Register')!;
    expect(reg.url).toBe('https://www.theregister.com/2019/07/02/cloudflare_down/');
    expect(reg.note).toMatch(/stored copy of this address/);
    // "At the worst point" is not the cited source's wording; where "at its worst" is, it is attributed.
    expect(fact('traffic-drop').label).not.toMatch(/worst/);
    expect(fact('traffic-drop').note).toMatch(/"at\s+its worst"/);
    // Packt Hub's copy was read: the note no longer says it could not be brought back.
    expect(fact('traffic-drop').note).toMatch(
      /Packt Hub, read in a stored copy, quotes the post word for word: "At its worst\s+traffic dropped by 82%"/,
    );
    expect(fact('traffic-drop').note).not.toMatch(/not brought back/);
    expect(incident.frontmatter.sources.find((s) => s.publisher === 'Packt Hub')).toMatchObject({ kind: 'news' });
    expect([body, incident.frontmatter.impact].join('\n')).not.toMatch(/at the worst point/);
    // The refactoring's purpose in the postmortem's words.
    expect(body).not.toMatch(/a\s+refactoring whose purpose was/);
    expect(body).toMatch(/"part of making the WAF use less CPU"/);
    // The alert for the traffic drop: only a paraphrase gives a time, and it is not used.
    expect(body).toMatch(/one paraphrasing note\s+prints 13:45 for it, without a quotation/);
    expect(fact('first-page').note).toMatch(/"13:45 — Global traffic drop alert fires" without a quotation/);
    // Each entry names the copies that hold what it says.
    const kill = incident.timeline.find((e) => e.title === 'The global WAF kill is executed')!;
    expect(kill.confidence_note).toMatch(/The time 14:07: the PIR copy/);
    expect(kill.confidence_note).toMatch(/Jira, the build system and the rarely used bypass\s+in the EP02 ledger only/);
    const firstPost = incident.timeline.find((e) => e.at.iso === '2019-07-02' && e.kind === 'communication')!;
    expect(firstPost.confidence_note).toMatch(/plushcap/);
    expect(firstPost.confidence_note).toMatch(/techecho/);
    expect(incident.frontmatter.sources.map((s) => s.publisher)).toEqual(
      expect.arrayContaining(['The Register', 'Digital Journal']),
    );
  });

  it('says no copy of the status page was read, and dates its updates from the news reports that were', () => {
    const bullet = body.slice(body.indexOf('- **The status page.**'), body.indexOf('- **A severity.**'));
    expect(bullet).toMatch(
      /No copy of the incident's page on cloudflarestatus\.com, live or archived,\s+could be read here/,
    );
    expect(bullet).toContain('(https://news.ycombinator.com/item?id=20334924)');
    // The Register: 13:52, a fix by 14:15, resolved by 14:57.
    expect(bullet).toContain('(https://www.theregister.com/2019/07/02/cloudflare_down/)');
    expect(bullet).toMatch(
      /updated its status page at 13:52 UTC, had a fix in by 14:15 and declared the\s+incident resolved by 14:57/,
    );
    // TechTudo: the first update at 10:52 Brasília time and the fix message at about 11:15, converted to UTC.
    expect(bullet).toMatch(/10:52 Brasília time \(13:52 UTC by this\s+page's conversion\)/);
    expect(bullet).toMatch(/about\s+11:15 \(14:15 UTC\)/);
    expect(bullet).toMatch(/chkaja\.com .* was read in\s+an earlier pass but not found again/s);
    const techtudo = incident.frontmatter.sources.find((s) => s.publisher === 'TechTudo')!;
    expect(techtudo).toMatchObject({
      url: 'https://www.techtudo.com.br/noticias/2019/07/cloudflare-fica-instavel-e-deixa-varios-sites-fora-do-ar.ghtml',
      kind: 'news',
    });
    expect(techtudo.note).toMatch(/10:52 Brasília time/);
    expect(fact('status-investigating').value).toBe('2019-07-02T13:52:00Z');
    expect(fact('status-monitoring').value).toBe('2019-07-02T14:15:00Z');
    expect(fact('status-resolved').value).toBe('2019-07-02T14:57:00Z');
    expect(fact('status-investigating').note).toContain('10h52');
    expect(fact('status-monitoring').note).toContain('Por volta das 11h15');
    for (const key of ['status-investigating', 'status-monitoring', 'status-resolved'])
      expect(fact(key).note, key).toMatch(/not\s+found again in the latest one/);
    for (const kind of ['investigating', 'monitoring', 'resolved'])
      expect(incident.timeline.find((e) => e.kind === kind)!.confidence_note, kind).toMatch(/not found again/);
  });

  it('keeps the published expression, and the repro runs exactly that expression', () => {
    const regex = String(fact('waf-regex').value);
    expect(regex).toContain('.*(?:.*=.*)');
    expect(body).toContain(regex);
    const snippet = readFileSync(resolve(root, 'content/incidents', slug, 'repros/regex-budget/match.mjs'), 'utf8');
    expect(snippet).toContain('String.raw`' + regex + '`;');
  });

  it('labels the inferences and shows both accounts of when the kill took effect', () => {
    expect(fact('status-lag')).toMatchObject({ confidence: 'estimated' });
    expect(fact('status-lag').note).toMatch(/^Inference/);
    expect(fact('kill-executed').note).toMatch(/occurred at 1409 UTC/);
    expect(body).toMatch(/Read as the kill, the two would differ by two minutes/);
    expect(body).toMatch(/SEV1 is this page's rating/);
    // iTWire read the first post's "That occurred at 1409" as the kill.
    expect(fact('kill-executed').note).toMatch(/iTWire/);
    expect(fact('kill-executed').note).toContain('"stopped all the rulesets seven minutes later"');
    expect(body).toMatch(/iTWire's\s+report of the first post reads it that way/);
    for (const f of incident.facts.filter((x) => x.confidence === 'estimated'))
      expect(f.note, f.key).toMatch(/^(Inference|Arithmetic)/);
  });

  it('records the measurements the prose cites: super-linear on backtracking, within budget on both linear engines', () => {
    // One re2js release: the V8 engines do not use it, so each engine runs once per size.
    expect(results.cells).toHaveLength(18);
    const version = '2.10.0';
    const back = SIZES.map((n) => timeOf(cell(version, 'backtracking', n)));
    expect(cell(version, 'backtracking', 100).verdict).toBe('not-reproduced');
    expect(cell(version, 'backtracking', 250).verdict).toBe('reproduced');
    expect(cell(version, 'backtracking', 1000).verdict).toBe('reproduced');
    // Doubling N from 500 to 1000 multiplies the time by far more than 2.
    expect(back[5]! / back[4]!).toBeGreaterThan(4);
    expect(back[5]).toBeGreaterThan(1000);
    for (const engine of ['v8-linear', 're2js'])
      for (const n of SIZES) {
        expect(cell(version, engine, n).verdict).toBe('not-reproduced');
        // The prose says the linear engines' times stay below 4 ms.
        expect(timeOf(cell(version, engine, n))).toBeLessThan(4);
      }
    expect(cell(version, 'backtracking', 25).stdout).toContain(`imported re2js ${version}`);
    // The fitted exponents the prose cites: far above linear on backtracking, about linear or less on the others.
    const slope = (engine: string) => results.fits.find((f) => f.parameters.ENGINE === engine)!.slope;
    expect(slope('backtracking')).toBeGreaterThan(3);
    expect(slope('v8-linear')).toBeLessThan(1.6);
    expect(slope('re2js')).toBeLessThan(1.6);
    for (const params of ['ENGINE=backtracking N=100', 'ENGINE=backtracking N=250']) {
      expect(body).toContain(`<Verdict repro="regex-budget" version="2.10.0" params="${params}" />`);
    }
    for (const engine of ['backtracking', 'v8-linear', 're2js'])
      expect(body).toContain(`<Measure repro="regex-budget" of="ms_per_match" params="ENGINE=${engine}" />`);
  });
});
