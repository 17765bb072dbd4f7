/**
 * Cross-checks for the GitHub incident of 29 June 2023: the page is built from the status
 * page's API document kept beside it, its facts agree with that document, and its inferences
 * are labelled.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/archive.ts';

const slug = '2023-06-29-github-edge-failover';
const root = resolve(import.meta.dirname, '../..');
const { incidents, problems } = readArchive(root);
const incident = incidents.find((i) => i.slug === slug)!;
const fact = (key: string) => incident.facts.find((f) => f.key === key)!;

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
      (e) =>
        e.source === 'https://www.githubstatus.com/incidents/gqx5l06jjxhp' &&
        e.kind !== 'impact-start' &&
        e.kind !== 'impact-end',
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
    expect(Date.parse(String(fact('writeup-edited').value))).toBe(Date.parse(resolvedUpdate.updated_at));
    expect(incident.frontmatter.started?.iso).toBe('2023-06-29T17:39:00Z');
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
