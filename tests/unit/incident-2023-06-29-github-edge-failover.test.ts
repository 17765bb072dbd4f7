/**
 * Cross-checks for the GitHub incident of 29 June 2023: the page is built from the status
 * page's API document kept beside it, its facts agree with that document, and its inferences
 * are labelled.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';
import { factsBoundTo } from '../../src/domain/facts.ts';
import { CARD_FIELDS } from '../../src/schemas/facts.ts';
import { incidentSummaryCard } from '../../src/view/incident-summary.ts';

const slug = '2023-06-29-github-edge-failover';
const root = resolve(import.meta.dirname, '../..');
const { incidents, problems } = readArchive(root);
const incident = incidents.find((i) => i.slug === slug)!;
const fact = (key: string) => incident.facts.find((f) => f.key === key)!;
const REPORT = 'https://github.blog/2023-07-12-github-availability-report-june-2023/';
const STATUS = 'https://www.githubstatus.com/incidents/gqx5l06jjxhp';

type Update = {
  status: string;
  body: string;
  display_at: string;
  updated_at: string;
  affected_components: { name: string; new_status: string }[] | null;
};
const api = JSON.parse(
  readFileSync(resolve(root, 'content/incidents', slug, 'source/statuspage-incident.json'), 'utf8'),
) as {
  page: { id: string; url: string };
  incident: {
    id: string;
    status: string;
    impact: string;
    started_at: string;
    resolved_at: string;
    incident_updates: Update[];
    components: { name: string }[];
  };
};
const resolvedUpdate = api.incident.incident_updates.find((u) => u.status === 'resolved')!;

describe('GitHub, 29 June 2023', () => {
  it('is in the archive without content problems', () => {
    expect(incident).toBeDefined();
    expect(problems.filter((p) => p.file.includes(slug))).toEqual([]);
  });

  it("keeps the genuine API document of incident gqx5l06jjxhp on GitHub's page as its source", () => {
    expect(api.page).toMatchObject({ id: 'kctbh9vrtdwd', url: 'https://www.githubstatus.com' });
    expect(api.incident).toMatchObject({ id: 'gqx5l06jjxhp', status: 'resolved', impact: 'critical' });
    expect(incident.frontmatter.sources.map((s) => s.url)).toContain(
      'https://www.githubstatus.com/incidents/gqx5l06jjxhp',
    );
  });

  it('has one imported timeline entry per status update, with its time and text', () => {
    const imported = incident.timeline.filter(
      (e) => e.source === STATUS && e.kind !== 'impact-start' && e.kind !== 'impact-end',
    );
    expect(imported).toHaveLength(api.incident.incident_updates.length);
    for (const update of api.incident.incident_updates) {
      const entry = imported.find((e) => Date.parse(e.at.iso) === Date.parse(update.display_at))!;
      expect(entry, update.display_at).toBeDefined();
      expect(entry.body?.replace(/\s+/g, ' ').trim()).toBe(update.body.replace(/\s+/g, ' ').trim());
    }
  });

  it("takes its facts from the document: the write-up's span, the resolution, the impact level, the components", () => {
    expect(resolvedUpdate.body).toContain('From 17:39-18:12 UTC');
    expect(fact('impact-start')).toMatchObject({ value: '2023-06-29T17:39:00Z', confidence: 'verified' });
    expect(fact('impact-end')).toMatchObject({ value: '2023-06-29T18:12:00Z', confidence: 'verified' });
    expect(Date.parse(String(fact('resolved-at').value))).toBe(Date.parse(api.incident.resolved_at));
    expect(Date.parse(String(fact('incident-opened').value))).toBe(Date.parse(api.incident.started_at));
    expect(fact('impact-level').value).toBe(api.incident.impact);
    expect(fact('components-affected').value).toBe(api.incident.components.length);
    const first = api.incident.incident_updates.at(-1)!;
    expect(first.affected_components!.every((c) => c.new_status === 'major_outage')).toBe(true);
    expect(resolvedUpdate.body).toContain('Within two minutes of being alerted');
    expect(fact('revert-within').value).toBe('two minutes');
    expect(Date.parse(String(fact('writeup-updated').value))).toBe(Date.parse(resolvedUpdate.updated_at));
    expect(incident.frontmatter.started?.iso).toBe('2023-06-29T17:39:00Z');
  });

  it("adds GitHub's availability report as a primary source: about 32 minutes, and its two start times", () => {
    const report = incident.frontmatter.sources.find((x) => x.url === REPORT)!;
    expect(report).toMatchObject({ publisher: 'GitHub' });
    expect(report.note).toMatch(/A primary source/);
    // What could not be read is put down to the search tool's excerpts, not to the copies.
    expect(report.note).toMatch(/returns only an opening excerpt of a stored page/);
    expect(report.note).toMatch(/stop in the middle of the June 29 section/);
    expect(fact('report-length')).toMatchObject({
      value: 'approximately 32 minutes',
      source: REPORT,
      confidence: 'verified',
    });
    expect(fact('report-body-start')).toMatchObject({
      value: '2023-06-29T17:39:00Z',
      source: REPORT,
      confidence: 'verified',
    });
    expect(fact('report-heading-start')).toMatchObject({
      value: '2023-06-29T14:50:00Z',
      source: REPORT,
      confidence: 'verified',
    });
    expect(fact('report-heading-start').label).toContain('June 29 14:50 UTC (lasting 32 minutes)');
    expect(fact('report-heading-start').note).toMatch(/that choice is this page's/);
    // The two phrases are read in the stored copy of the report itself: verified, quoted in the notes.
    expect(fact('facility-ha')).toMatchObject({
      value: 'in a high availability (HA) architecture alongside the first edge facility',
      source: REPORT,
      confidence: 'verified',
    });
    expect(fact('failover-validation')).toMatchObject({
      value: 'part of the facility validation steps',
      source: REPORT,
      confidence: 'verified',
    });
    expect(fact('facility-ha').note).toContain(
      'has been actively routing production traffic since then in a high availability (HA) architecture alongside the first edge facility.',
    );
    expect(fact('facility-ha').note).toContain('github.blog/2023-07-12-github-availability-report-june-2023/');
    expect(fact('failover-validation').note).toContain(
      '"As part of the facility validation steps, we performed a live failover t"',
    );
    for (const key of ['facility-ha', 'failover-validation']) expect(fact(key).note, key).not.toMatch(/not re-read/);
    // No hedge on the report's reading remains anywhere on the page.
    const everywhere = [
      incident.body,
      JSON.stringify(incident.facts),
      JSON.stringify(incident.timeline),
      JSON.stringify(incident.frontmatter.sources),
    ].join('\n');
    expect(everywhere).not.toMatch(/earlier reading|as first read|first reading|same reading|could not be read again/);
    expect(incident.body).toMatch(/<Fact k="facility-ha" \/>, according to GitHub's availability report/);
    expect(incident.body).toMatch(/<Fact k="failover-validation" \/> in the report's words/);
    // Both start times are on the page, the disagreement named, and the choice labelled.
    const body = incident.body;
    for (const key of [
      'report-length',
      'report-heading-start',
      'report-body-start',
      'facility-ha',
      'failover-validation',
    ])
      expect(body, key).toContain(`<Fact k="${key}" />`);
    expect(body).toMatch(/the report disagrees with itself/);
    expect(body).toMatch(/that is this page's choice/);
    expect(body).toMatch(/we performed a live failover t"/);
    expect(body).toMatch(/The search tool returns only an opening excerpt of each stored\s+copy/);
    // What each source adds is said; "everything from the status page" is gone.
    expect(body).toContain('## Two sources, and what each adds');
    const text = [body, incident.frontmatter.summary, JSON.stringify(incident.facts)].join('\n');
    expect(text).not.toMatch(/Everything known comes from the status page/);
    expect(text).not.toMatch(/known only through GitHub's status page/);
    expect(text).not.toMatch(/The one primary source/);
    // The status page's HTML copy is cited and said to agree.
    expect(incident.frontmatter.sources.find((x) => x.url === STATUS)!.note).toMatch(/stored copy of this HTML page/);
  });

  it("gives the report heading's distance from the body's start and from the first update by correct, labelled subtraction", () => {
    const minutes = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 60_000;
    const heading = String(fact('report-heading-start').value);
    // 14:50 -> 17:39 is 2 h 49 min; 14:50 -> 17:52 (the first update) is 3 h 02 min, not "almost three hours".
    expect(minutes(heading, String(fact('report-body-start').value))).toBe(2 * 60 + 49);
    expect(Math.floor(minutes(heading, api.incident.started_at))).toBe(3 * 60 + 2);
    expect(fact('heading-before-body')).toMatchObject({ value: '2 h 49 min', confidence: 'estimated' });
    expect(fact('heading-before-first-update')).toMatchObject({ value: '3 h 02 min', confidence: 'estimated' });
    for (const key of ['heading-before-body', 'heading-before-first-update']) {
      expect(fact(key).note, key).toMatch(/^Arithmetic/);
      expect(fact(key).label, key).toMatch(/this page's subtraction/);
      expect(incident.body, key).toContain(`<Fact k="${key}" />`);
    }
    expect(incident.body).toMatch(/\(both this page's subtraction\)/);
    expect(incident.body).not.toMatch(/almost three hours before the\s+first status update/);
  });

  it('says only what the sources say: the regions, the impact level, the write-up, the components, the title', () => {
    const { title, summary } = incident.frontmatter;
    const body = incident.body;
    const text = [title, summary, body].join('\n');
    // Both sources say GitHub was down in parts of North and South America, not everywhere.
    expect(title).toMatch(/took GitHub down in parts of the Americas$/);
    expect(title).not.toMatch(/offline/);
    // The write-up's 15-word sentence is not copied without quotation marks.
    expect(text).not.toMatch(/GitHub was down in parts of North\s+America, particularly the US East coast/);
    expect(text).toMatch(/parts of\s+North and South America, above all on the US East coast/);
    // The impact level is the incident's final value, not a value at opening.
    expect(body).not.toMatch(/an impact level of/);
    expect(body).toMatch(/The incident's recorded impact level is "<Fact k="impact-level" \/>"/);
    expect(fact('impact-level').label).toMatch(/only its final value/);
    // The write-up is what the resolving update holds now; its record was last updated the next morning.
    expect(text).not.toMatch(/posted with the resolution/);
    expect(text).not.toMatch(/with the\s+write-up as the resolving update/);
    expect(summary).toMatch(/the write-up that is now the text of its resolving update/);
    expect(fact('resolved-at').label).toMatch(/its record last updated the next morning/);
    // updated_at shows that the record changed, not that the text was edited.
    expect(text).not.toMatch(/edited the next morning|last\s+edited/);
    expect(JSON.stringify(incident.facts)).not.toMatch(/last edited|Last edit/);
    expect(body).toMatch(/its record was last updated the next morning/);
    expect(body).toMatch(/was last updated at <Fact k="writeup-updated" \/>/);
    const updatedNote = incident.timeline.find(
      (e) => e.title === "The resolved update's record is last updated the next morning",
    )!;
    expect(updatedNote).toMatchObject({
      kind: 'note',
      confidence: 'estimated',
      at: { iso: '2023-06-30T09:50:00.368Z' },
    });
    expect(updatedNote.body).toMatch(/It does not say what changed then/);
    expect(fact('writeup-updated').note).toContain('"updated_at": "2023-06-30T09:50:00.368Z"');
    // Updates list every component, including those whose status did not change.
    expect(body).toMatch(/each with the components it lists/);
    expect(body).not.toMatch(/each with the components it changed/);
    // "Neither source" only for what both sources' readable parts lack.
    expect(text).not.toMatch(/Neither source/);
    expect(text).not.toMatch(/every stored copy/i);
    expect(body).toMatch(/Neither the write-up nor the readable part of the report/);
    expect(JSON.stringify(incident.timeline)).not.toMatch(/Neither\s+source/);
  });

  it("labels the 33-minute subtraction wherever it is used, beside the report's 32", () => {
    expect(fact('outage-length')).toMatchObject({ value: '33 minutes', confidence: 'estimated' });
    expect(fact('outage-length').label).toMatch(/this page's subtraction/);
    expect(fact('outage-length').note).toMatch(/^Arithmetic/);
    const { summary, impact } = incident.frontmatter;
    for (const [name, line] of [
      ['summary', summary],
      ['impact', impact],
    ] as const) {
      expect(line, name).toMatch(/32 minutes/);
      expect(line, name).toMatch(/33 by this page's subtraction/);
    }
    expect(incident.body).toMatch(/<Fact k="outage-length" \/> \(this\s+page's arithmetic/);
  });

  it('removes the unlabelled readings, and draws no more than the sources say', () => {
    const body = incident.body;
    const text = [body, JSON.stringify(incident.timeline)].join('\n');
    expect(text).not.toMatch(/did not\s+matter while the primary facility was there/);
    expect(text).not.toMatch(/most of the half hour/);
    expect(text).not.toMatch(/the rest of the time went to/);
    expect(text).not.toMatch(/Ten minutes later, the root cause had been identified/);
    expect(text).not.toMatch(/over the next quarter\s+of an hour/);
    expect(text).not.toMatch(/A failover is only tested when it is used/);
    expect(body).toMatch(/this page's reading of "prevented it\s+from properly functioning as the primary facility"/);
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(body)![1]!;
    // The fault is the facility's, not an edge from it to GitHub's services, and the primary is not shown serving during the test.
    expect(diagram).toMatch(/network pathing configuration issue \(where, not published\)/);
    expect(diagram).not.toMatch(/-x\s*G/);
    expect(diagram).not.toMatch(/GitHub services/);
    const during = diagram.slice(diagram.indexOf('subgraph during'));
    expect(during).not.toMatch(/P2\s*-->/);
    expect(during).toMatch(/P2\[Primary edge facility, brought back online by the revert\]/);
  });

  it('has a trigger in the timeline, approximate and labelled, since its minute is not published', () => {
    const trigger = incident.timeline.find((e) => e.kind === 'trigger')!;
    expect(trigger).toMatchObject({ approximate: true, confidence: 'estimated', source: REPORT });
    expect(trigger.at.iso).toBe('2023-06-29T17:39:00Z');
    expect(trigger.confidence_note).toMatch(/^inference/);
  });

  it('answers the summary card from bound facts: no field says "unknown" where one exists', () => {
    const answers = incidentSummaryCard(incident);
    const byKey = new Map(answers.map((a) => [a.key, a]));
    const keyOf = {
      trigger: 'trigger',
      root_cause: 'root-cause',
      detection: 'detection',
      resolution: 'ending',
    } as const;
    for (const field of CARD_FIELDS) {
      const bound = factsBoundTo(incident.facts, field);
      expect(bound.length, field).toBeGreaterThan(0);
      const a = byKey.get(keyOf[field])!;
      expect(a.text, field).toBe(incident.frontmatter[field]);
      expect(
        a.facts.map((f) => f.fact.key),
        field,
      ).toEqual(bound.map((b) => b.fact.key));
    }
    expect(byKey.get('trigger')!.facts.map((f) => f.fact.key)).toEqual(['failover-test']);
    expect(byKey.get('root-cause')!.facts.map((f) => f.fact.key)).toEqual(['root-cause']);
    expect(fact('root-cause').value).toMatch(/network pathing configuration issue/);
    expect(fact('alerted').note).toContain('We were immediately notified');
    for (const a of answers) expect(a.text ?? a.at, a.key).toBeTruthy();
  });

  it('labels the inferences: the status-page lag, the edit, the mitigation bound, the length', () => {
    for (const key of ['status-lag', 'mitigated-not-after', 'outage-length'])
      expect(fact(key).confidence, key).toBe('estimated');
    expect(fact('mitigated-not-after').bound).toEqual({ moment: 'mitigated', side: 'not-after' });
    expect(incident.frontmatter.mitigated).toBeNull();
    expect(incident.frontmatter.detected).toBeNull();
    const notes = incident.timeline.filter((e) => e.kind === 'note');
    expect(notes).toHaveLength(2);
    for (const n of notes) {
      expect(n.confidence).toBe('estimated');
      expect(n.confidence_note).toMatch(/^inference/);
    }
    expect(incident.body).toMatch(/this page's inference/);
  });
});
